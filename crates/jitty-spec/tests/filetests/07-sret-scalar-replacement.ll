; A callee returning a struct through sret into the caller's alloca is
; inlined and the alloca scalar-replaced: the result's fields stay static
; and no memory is left.
; test specialize @caller 5 _
define void @make(ptr sret({ i32, i64 }) %out, i32 %tag, i64 %v) {
  store i32 %tag, ptr %out
  %p = getelementptr inbounds i8, ptr %out, i64 8
  store i64 %v, ptr %p
  ret void
}

define i64 @caller(i32 %tag, i64 %v) {
  %r = alloca { i32, i64 }, align 8
  call void @make(ptr sret({ i32, i64 }) %r, i32 %tag, i64 %v)
  %t = load i32, ptr %r
  %is5 = icmp eq i32 %t, 5
  %p = getelementptr inbounds i8, ptr %r, i64 8
  %x = load i64, ptr %p
  %neg = sub i64 0, %x
  %out = select i1 %is5, i64 %x, i64 %neg
  ret i64 %out
}
; ---- expected ----
; define i64 @residual(i32 %a0, i64 %a1) {
; entry:
;   ret i64 %a1
; }
