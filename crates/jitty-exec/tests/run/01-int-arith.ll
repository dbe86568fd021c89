; Integer arithmetic wraps at the width, odd widths included.
; run: i8 @add8(i8 120, i8 10) == -126
; run: i8 @mul8(i8 16, i8 17) == 16
; run: i17 @sub17(i17 0, i17 1) == -1
; run: i17 @add17(i17 65535, i17 1) == -65536
; run: i32 @mix(i32 7, i32 -3) == -2147483643
; run: i64 @mix64(i64 -9223372036854775808, i64 -1) == 9223372036854775807
define i8 @add8(i8 %a, i8 %b) {
  %r = add i8 %a, %b
  ret i8 %r
}
define i8 @mul8(i8 %a, i8 %b) {
  %r = mul i8 %a, %b
  ret i8 %r
}
define i17 @sub17(i17 %a, i17 %b) {
  %r = sub i17 %a, %b
  ret i17 %r
}
define i17 @add17(i17 %a, i17 %b) {
  %r = add i17 %a, %b
  ret i17 %r
}
define i32 @mix(i32 %a, i32 %b) {
  %x = xor i32 %a, %b
  %o = or i32 %x, 2147483648
  %n = and i32 %o, -2147483641
  %s = add i32 %n, 3
  ret i32 %s
}
define i64 @mix64(i64 %a, i64 %b) {
  %r = add i64 %a, %b
  ret i64 %r
}
