; A static `int` argument given sign-extended to 64 bits (an fd of -1 from a
; caller's `fd as u64`) is compared at the parameter's width in the
; residual entry's guard.
; test specialize @f 0xffffffffffffffff _
; fallback f
define i32 @f(i32 %fd, i32 %x) {
  %bad = icmp slt i32 %fd, 0
  br i1 %bad, label %ebadf, label %ok
ebadf:
  ret i32 -9
ok:
  ret i32 %x
}
; ---- expected ----
; define i32 @residual(i32 %a0, i32 %a1) {
; entry:
;   %0 = icmp ne i32 %a0, -1
;   br i1 %0, label %generic, label %specialized
; generic:
;   %1 = call i32 @f(i32 %a0, i32 %a1)
;   ret i32 %1
; specialized:
;   ret i32 -9
; }
