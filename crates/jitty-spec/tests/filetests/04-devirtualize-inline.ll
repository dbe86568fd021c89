; A call through a function pointer read from a Const field is
; devirtualized (address -> symbol -> IR function) and inlined.
; test specialize @dispatch 0x3000 _
; memory 0x3000 const 8 0x9000 what=Ops.write
; symbol pipe_write 0x9000
define i64 @pipe_write(i64 %n) {
  %c = icmp ult i64 %n, 4096
  %r = select i1 %c, i64 %n, i64 4096
  ret i64 %r
}

define i64 @dispatch(ptr %ops, i64 %n) {
  %fp = load ptr, ptr %ops
  %r = call i64 %fp(i64 %n)
  ret i64 %r
}
; ---- expected ----
; define i64 @residual(ptr %a0, i64 %a1) {
; entry:
;   %0 = icmp ult i64 %a1, 4096
;   %1 = select i1 %0, i64 %a1, i64 4096
;   ret i64 %1
; }
