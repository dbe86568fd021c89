; With a fallback, the residual entry compares the static arguments with
; their values and calls the generic entry on a mismatch.
; test specialize @f 3 _
; fallback f
define i32 @f(i32 %fd, i32 %x) {
  %c = icmp eq i32 %fd, 3
  br i1 %c, label %three, label %other
three:
  %r = add i32 %x, 1
  ret i32 %r
other:
  ret i32 0
}
; ---- expected ----
; define i32 @residual(i32 %a0, i32 %a1) {
; entry:
;   %0 = icmp ne i32 %a0, 3
;   br i1 %0, label %generic, label %specialized
; generic:
;   %1 = call i32 @f(i32 %a0, i32 %a1)
;   ret i32 %1
; specialized:
;   %2 = add i32 %a1, 1
;   ret i32 %2
; }
