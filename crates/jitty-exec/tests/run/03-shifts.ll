; Shifts; a shift by the width or more is 0 (jitty's choice for LLVM's
; poison), for shl, lshr and ashr alike.
; run: i32 @shl(i32 1, i32 31) == -2147483648
; run: i32 @ashr(i32 -16, i32 2) == -4
; run: i32 @lshr(i32 -16, i32 28) == 15
; run: i32 @shl(i32 1, i32 32) == 0
; run: i32 @ashr(i32 -1, i32 40) == 0
; run: i24 @lshr24(i24 -1, i24 4) == 1048575
define i32 @shl(i32 %a, i32 %b) {
  %r = shl i32 %a, %b
  ret i32 %r
}
define i32 @ashr(i32 %a, i32 %b) {
  %r = ashr i32 %a, %b
  ret i32 %r
}
define i32 @lshr(i32 %a, i32 %b) {
  %r = lshr i32 %a, %b
  ret i32 %r
}
define i24 @lshr24(i24 %a, i24 %b) {
  %r = lshr i24 %a, %b
  ret i24 %r
}
