; Traps end the run with the same jitty_sem::Trap on both engines, also
; from a callee.
; run: i32 @unreach(i32 0) traps Unreachable
; run: i32 @unreach(i32 1) == 1
; run: i32 @explicit() traps TrapCalled
; run: i32 @outer(i32 0) traps DivByZero
; run: i32 @outer(i32 4) == 26
declare void @llvm.trap()
define i32 @unreach(i32 %x) {
  %z = icmp eq i32 %x, 0
  br i1 %z, label %bad, label %ok
bad:
  unreachable
ok:
  ret i32 %x
}
define i32 @explicit() {
  call void @llvm.trap()
  ret i32 0
}
define internal i32 @inner(i32 %x) {
  %r = udiv i32 100, %x
  ret i32 %r
}
define i32 @outer(i32 %x) {
  %r = call i32 @inner(i32 %x)
  %s = add i32 %r, 1
  ret i32 %s
}
