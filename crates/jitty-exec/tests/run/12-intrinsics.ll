; Bit and arithmetic intrinsics at several widths.
; run: i32 @ctpop(i32 -1) == 32
; run: i16 @bswap(i16 4660) == 13330
; run: i32 @smax(i32 -5, i32 3) == 3
; run: i8 @usubsat(i8 5, i8 9) == 0
; run: i8 @saddsat(i8 100, i8 100) == 127
; run: i32 @fshl(i32 -2147483648, i32 -2147483648) == 1
; run: i64 @ctlz(i64 1) == 63
; run: i1 @uaddov(i32 -1, i32 1) == 1
declare i32 @llvm.ctpop.i32(i32)
declare i16 @llvm.bswap.i16(i16)
declare i32 @llvm.smax.i32(i32, i32)
declare i8 @llvm.usub.sat.i8(i8, i8)
declare i8 @llvm.sadd.sat.i8(i8, i8)
declare i32 @llvm.fshl.i32(i32, i32, i32)
declare i64 @llvm.ctlz.i64(i64, i1)
declare { i32, i1 } @llvm.uadd.with.overflow.i32(i32, i32)
define i32 @ctpop(i32 %a) {
  %r = call i32 @llvm.ctpop.i32(i32 %a)
  ret i32 %r
}
define i16 @bswap(i16 %a) {
  %r = call i16 @llvm.bswap.i16(i16 %a)
  ret i16 %r
}
define i32 @smax(i32 %a, i32 %b) {
  %r = call i32 @llvm.smax.i32(i32 %a, i32 %b)
  ret i32 %r
}
define i8 @usubsat(i8 %a, i8 %b) {
  %r = call i8 @llvm.usub.sat.i8(i8 %a, i8 %b)
  ret i8 %r
}
define i8 @saddsat(i8 %a, i8 %b) {
  %r = call i8 @llvm.sadd.sat.i8(i8 %a, i8 %b)
  ret i8 %r
}
define i32 @fshl(i32 %a, i32 %b) {
  %r = call i32 @llvm.fshl.i32(i32 %a, i32 %b, i32 1)
  ret i32 %r
}
define i64 @ctlz(i64 %a) {
  %r = call i64 @llvm.ctlz.i64(i64 %a, i1 false)
  ret i64 %r
}
define i1 @uaddov(i32 %a, i32 %b) {
  %p = call { i32, i1 } @llvm.uadd.with.overflow.i32(i32 %a, i32 %b)
  %o = extractvalue { i32, i1 } %p, 1
  ret i1 %o
}
