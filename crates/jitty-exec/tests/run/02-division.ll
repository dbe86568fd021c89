; Division rounds toward zero; the remainder has the dividend's sign;
; division by zero and INT_MIN / -1 trap (jitty's choice for LLVM's UB).
; run: i32 @sdiv(i32 -7, i32 2) == -3
; run: i32 @srem(i32 -7, i32 2) == -1
; run: i32 @udiv(i32 -7, i32 2) == 2147483644
; run: i32 @urem(i32 -7, i32 10) == 9
; run: i32 @sdiv(i32 1, i32 0) traps DivByZero
; run: i32 @urem(i32 1, i32 0) traps DivByZero
; run: i32 @sdiv(i32 -2147483648, i32 -1) traps DivOverflow
; run: i13 @sdiv13(i13 -4096, i13 -1) traps DivOverflow
; run: i13 @sdiv13(i13 -4095, i13 -1) == 4095
define i32 @sdiv(i32 %a, i32 %b) {
  %r = sdiv i32 %a, %b
  ret i32 %r
}
define i32 @srem(i32 %a, i32 %b) {
  %r = srem i32 %a, %b
  ret i32 %r
}
define i32 @udiv(i32 %a, i32 %b) {
  %r = udiv i32 %a, %b
  ret i32 %r
}
define i32 @urem(i32 %a, i32 %b) {
  %r = urem i32 %a, %b
  ret i32 %r
}
define i13 @sdiv13(i13 %a, i13 %b) {
  %r = sdiv i13 %a, %b
  ret i13 %r
}
