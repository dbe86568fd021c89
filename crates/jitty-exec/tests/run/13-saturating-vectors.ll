; Saturating intrinsics (`llvm.{u,s}{add,sub,shl}.sat`) on vectors of
; several shapes, per lane. Expected values are computed from LangRef's
; definitions with exact integer arithmetic (and checked against `lli-22`);
; lane 0 of the first operand is the argument.
; run: i128 @uadd_v2i64(i64 9223372036854775807, i1 0) == <2 x i64> <-1, 3>
; run: i128 @usub_v2i64(i64 -9223372036854775808, i1 0) == <2 x i64> <4611686018427387905, -2305843009213693952>
; run: i128 @sadd_v2i64(i64 0, i1 0) == <2 x i64> <6917529027641081856, 9223372036854775807>
; run: i128 @ssub_v2i64(i64 1, i1 0) == <2 x i64> <-99, -4>
; run: i128 @ushl_v2i64(i64 -1, i1 0) == <2 x i64> <-1, -1>
; run: i128 @sshl_v2i64(i64 9223372036854775804, i1 0) == <2 x i64> <9223372036854775807, 9223372036854775807>
; run: i128 @uadd_v4i32(i32 2147483647, i1 0) == <4 x i32> <-1, 3, -2147483643, 1610612741>
; run: i128 @usub_v4i32(i32 -2147483648, i1 0) == <4 x i32> <1073741825, -536870912, -2147483641, 0>
; run: i128 @sadd_v4i32(i32 0, i1 0) == <4 x i32> <1610612736, 2147483647, 1073741824, 1073741722>
; run: i128 @ssub_v4i32(i32 1, i1 0) == <4 x i32> <-99, -4, 1610612737, -1610612734>
; run: i128 @ushl_v4i32(i32 -1, i1 0) == <4 x i32> <-1, -1, 3276800, -1>
; run: i128 @sshl_v4i32(i32 2147483644, i1 0) == <4 x i32> <2147483647, 2147483647, -6619136, 2147483647>
; run: i128 @uadd_v8i16(i16 32767, i1 0) == <8 x i16> <-1, 3, -32763, 24581, -99, -32760, 32764, -32672>
; run: i128 @usub_v8i16(i16 -32768, i1 0) == <8 x i16> <16385, -8192, -32761, 0, 8189, 0, 0, 0>
; run: i128 @sadd_v8i16(i16 0, i1 0) == <8 x i16> <24576, 32767, 16384, 16282, 24575, -32768, -32762, -32759>
; run: i128 @ssub_v8i16(i16 1, i1 0) == <8 x i16> <-99, -4, 24577, -24574, -16375, -1, 16381, 8192>
; run: i128 @ushl_v8i16(i16 -1, i1 0) == <8 x i16> <-1, -1, -1, -1, -1, 16384, 40, -1>
; run: i128 @sshl_v8i16(i16 32764, i1 0) == <8 x i16> <32767, 32767, -101, 32767, -32768, -32768, -32768, 32767>
; run: i128 @uadd_v16i8(i8 127, i1 0) == <16 x i8> <-1, 3, -123, 101, -99, -120, 124, -32, 72, -1, -96, -64, -1, -58, -125, 31>
; run: i128 @usub_v16i8(i8 -128, i1 0) == <16 x i8> <65, -32, -121, 0, 29, 0, 0, 0, 0, 0, 0, 0, 0, 0, 91, 63>
; run: i128 @sadd_v16i8(i8 0, i1 0) == <16 x i8> <96, 127, 64, -38, 95, -128, -122, -119, -28, 36, 26, 127, 127, 127, 11, 8>
; run: i128 @ssub_v16i8(i8 1, i1 0) == <16 x i8> <-99, -4, 97, -94, -55, -1, 61, 32, -101, 127, -128, 127, -126, 127, -96, 3>
; run: i128 @ushl_v16i8(i8 -1, i1 0) == <16 x i8> <-1, -1, -1, -1, -2, 64, 40, 96, 64, 36, 0, -1, 126, -1, -1, -128>
; run: i128 @sshl_v16i8(i8 124, i1 0) == <16 x i8> <127, 127, -101, 127, -128, -128, -128, 127, 127, 127, 1, 127, 127, 127, 127, 0>
; run: i128 @uadd_v8i32(i32 2147483647, i1 0) == <4 x i32> <-1, 3, -2147483643, 1610612741>
; run: i128 @uadd_v8i32(i32 2147483647, i1 1) == <4 x i32> <-99, -2147483640, 2147483644, -2147483552>
; run: i128 @usub_v8i32(i32 -2147483648, i1 0) == <4 x i32> <1073741825, -536870912, -2147483641, 0>
; run: i128 @usub_v8i32(i32 -2147483648, i1 1) == <4 x i32> <536870909, 0, 0, 0>
; run: i128 @sadd_v8i32(i32 0, i1 0) == <4 x i32> <1610612736, 2147483647, 1073741824, 1073741722>
; run: i128 @sadd_v8i32(i32 0, i1 1) == <4 x i32> <1610612735, -2147483648, -2147483642, -2147483639>
; run: i128 @ssub_v8i32(i32 1, i1 0) == <4 x i32> <-99, -4, 1610612737, -1610612734>
; run: i128 @ssub_v8i32(i32 1, i1 1) == <4 x i32> <-1073741815, -1, 1073741821, 536870912>
; run: i128 @ushl_v8i32(i32 -1, i1 0) == <4 x i32> <-1, -1, 3276800, -1>
; run: i128 @ushl_v8i32(i32 -1, i1 1) == <4 x i32> <-1, 1073741824, 40, -1>
; run: i128 @sshl_v8i32(i32 2147483644, i1 0) == <4 x i32> <2147483647, 2147483647, -6619136, 2147483647>
; run: i128 @sshl_v8i32(i32 2147483644, i1 1) == <4 x i32> <-2147483648, -2147483648, -2147483648, 51200>
declare <2 x i64> @llvm.uadd.sat.v2i64(<2 x i64>, <2 x i64>)
declare <2 x i64> @llvm.usub.sat.v2i64(<2 x i64>, <2 x i64>)
declare <2 x i64> @llvm.sadd.sat.v2i64(<2 x i64>, <2 x i64>)
declare <2 x i64> @llvm.ssub.sat.v2i64(<2 x i64>, <2 x i64>)
declare <2 x i64> @llvm.ushl.sat.v2i64(<2 x i64>, <2 x i64>)
declare <2 x i64> @llvm.sshl.sat.v2i64(<2 x i64>, <2 x i64>)
declare <4 x i32> @llvm.uadd.sat.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.usub.sat.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.sadd.sat.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.ssub.sat.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.ushl.sat.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.sshl.sat.v4i32(<4 x i32>, <4 x i32>)
declare <8 x i16> @llvm.uadd.sat.v8i16(<8 x i16>, <8 x i16>)
declare <8 x i16> @llvm.usub.sat.v8i16(<8 x i16>, <8 x i16>)
declare <8 x i16> @llvm.sadd.sat.v8i16(<8 x i16>, <8 x i16>)
declare <8 x i16> @llvm.ssub.sat.v8i16(<8 x i16>, <8 x i16>)
declare <8 x i16> @llvm.ushl.sat.v8i16(<8 x i16>, <8 x i16>)
declare <8 x i16> @llvm.sshl.sat.v8i16(<8 x i16>, <8 x i16>)
declare <16 x i8> @llvm.uadd.sat.v16i8(<16 x i8>, <16 x i8>)
declare <16 x i8> @llvm.usub.sat.v16i8(<16 x i8>, <16 x i8>)
declare <16 x i8> @llvm.sadd.sat.v16i8(<16 x i8>, <16 x i8>)
declare <16 x i8> @llvm.ssub.sat.v16i8(<16 x i8>, <16 x i8>)
declare <16 x i8> @llvm.ushl.sat.v16i8(<16 x i8>, <16 x i8>)
declare <16 x i8> @llvm.sshl.sat.v16i8(<16 x i8>, <16 x i8>)
declare <8 x i32> @llvm.uadd.sat.v8i32(<8 x i32>, <8 x i32>)
declare <8 x i32> @llvm.usub.sat.v8i32(<8 x i32>, <8 x i32>)
declare <8 x i32> @llvm.sadd.sat.v8i32(<8 x i32>, <8 x i32>)
declare <8 x i32> @llvm.ssub.sat.v8i32(<8 x i32>, <8 x i32>)
declare <8 x i32> @llvm.ushl.sat.v8i32(<8 x i32>, <8 x i32>)
declare <8 x i32> @llvm.sshl.sat.v8i32(<8 x i32>, <8 x i32>)
define i128 @uadd_v2i64(i64 %x, i1 %hi) {
  %a = insertelement <2 x i64> <i64 0, i64 1>, i64 %x, i32 0
  %r = call <2 x i64> @llvm.uadd.sat.v2i64(<2 x i64> %a, <2 x i64> <i64 -9223372036854775801, i64 2>)
  %c = bitcast <2 x i64> %r to i128
  ret i128 %c
}
define i128 @usub_v2i64(i64 %x, i1 %hi) {
  %a = insertelement <2 x i64> <i64 0, i64 -1>, i64 %x, i32 0
  %r = call <2 x i64> @llvm.usub.sat.v2i64(<2 x i64> %a, <2 x i64> <i64 4611686018427387903, i64 2305843009213693951>)
  %c = bitcast <2 x i64> %r to i128
  ret i128 %c
}
define i128 @sadd_v2i64(i64 %x, i1 %hi) {
  %a = insertelement <2 x i64> <i64 0, i64 9223372036854775804>, i64 %x, i32 0
  %r = call <2 x i64> @llvm.sadd.sat.v2i64(<2 x i64> %a, <2 x i64> <i64 6917529027641081856, i64 4611686018427387904>)
  %c = bitcast <2 x i64> %r to i128
  ret i128 %c
}
define i128 @ssub_v2i64(i64 %x, i1 %hi) {
  %a = insertelement <2 x i64> <i64 0, i64 5>, i64 %x, i32 0
  %r = call <2 x i64> @llvm.ssub.sat.v2i64(<2 x i64> %a, <2 x i64> <i64 100, i64 9>)
  %c = bitcast <2 x i64> %r to i128
  ret i128 %c
}
define i128 @ushl_v2i64(i64 %x, i1 %hi) {
  %a = insertelement <2 x i64> <i64 0, i64 -9223372036854775801>, i64 %x, i32 0
  %r = call <2 x i64> @llvm.ushl.sat.v2i64(<2 x i64> %a, <2 x i64> <i64 5, i64 10>)
  %c = bitcast <2 x i64> %r to i128
  ret i128 %c
}
define i128 @sshl_v2i64(i64 %x, i1 %hi) {
  %a = insertelement <2 x i64> <i64 0, i64 4611686018427387903>, i64 %x, i32 0
  %r = call <2 x i64> @llvm.sshl.sat.v2i64(<2 x i64> %a, <2 x i64> <i64 6, i64 11>)
  %c = bitcast <2 x i64> %r to i128
  ret i128 %c
}
define i128 @uadd_v4i32(i32 %x, i1 %hi) {
  %a = insertelement <4 x i32> <i32 0, i32 1, i32 5, i32 1610612736>, i32 %x, i32 0
  %r = call <4 x i32> @llvm.uadd.sat.v4i32(<4 x i32> %a, <4 x i32> <i32 -2147483641, i32 2, i32 -2147483648, i32 5>)
  %c = bitcast <4 x i32> %r to i128
  ret i128 %c
}
define i128 @usub_v4i32(i32 %x, i1 %hi) {
  %a = insertelement <4 x i32> <i32 0, i32 -1, i32 -2147483641, i32 100>, i32 %x, i32 0
  %r = call <4 x i32> @llvm.usub.sat.v4i32(<4 x i32> %a, <4 x i32> <i32 1073741823, i32 536870911, i32 0, i32 -2147483641>)
  %c = bitcast <4 x i32> %r to i128
  ret i128 %c
}
define i128 @sadd_v4i32(i32 %x, i1 %hi) {
  %a = insertelement <4 x i32> <i32 0, i32 2147483644, i32 1073741823, i32 -101>, i32 %x, i32 0
  %r = call <4 x i32> @llvm.sadd.sat.v4i32(<4 x i32> %a, <4 x i32> <i32 1610612736, i32 1073741824, i32 1, i32 1073741823>)
  %c = bitcast <4 x i32> %r to i128
  ret i128 %c
}
define i128 @ssub_v4i32(i32 %x, i1 %hi) {
  %a = insertelement <4 x i32> <i32 0, i32 5, i32 1610612736, i32 2>, i32 %x, i32 0
  %r = call <4 x i32> @llvm.ssub.sat.v4i32(<4 x i32> %a, <4 x i32> <i32 100, i32 9, i32 -1, i32 1610612736>)
  %c = bitcast <4 x i32> %r to i128
  ret i128 %c
}
define i128 @ushl_v4i32(i32 %x, i1 %hi) {
  %a = insertelement <4 x i32> <i32 0, i32 -2147483641, i32 100, i32 536870911>, i32 %x, i32 0
  %r = call <4 x i32> @llvm.ushl.sat.v4i32(<4 x i32> %a, <4 x i32> <i32 5, i32 10, i32 15, i32 20>)
  %c = bitcast <4 x i32> %r to i128
  ret i128 %c
}
define i128 @sshl_v4i32(i32 %x, i1 %hi) {
  %a = insertelement <4 x i32> <i32 0, i32 1073741823, i32 -101, i32 1073741824>, i32 %x, i32 0
  %r = call <4 x i32> @llvm.sshl.sat.v4i32(<4 x i32> %a, <4 x i32> <i32 6, i32 11, i32 16, i32 21>)
  %c = bitcast <4 x i32> %r to i128
  ret i128 %c
}
define i128 @uadd_v8i16(i16 %x, i1 %hi) {
  %a = insertelement <8 x i16> <i16 0, i16 1, i16 5, i16 24576, i16 2, i16 9, i16 0, i16 32764>, i16 %x, i32 0
  %r = call <8 x i16> @llvm.uadd.sat.v8i16(<8 x i16> %a, <8 x i16> <i16 -32761, i16 2, i16 -32768, i16 5, i16 -101, i16 32767, i16 32764, i16 100>)
  %c = bitcast <8 x i16> %r to i128
  ret i128 %c
}
define i128 @usub_v8i16(i16 %x, i1 %hi) {
  %a = insertelement <8 x i16> <i16 0, i16 -1, i16 -32761, i16 100, i16 8191, i16 32767, i16 1, i16 5>, i16 %x, i32 0
  %r = call <8 x i16> @llvm.usub.sat.v8i16(<8 x i16> %a, <8 x i16> <i16 16383, i16 8191, i16 0, i16 -32761, i16 2, i16 -32768, i16 5, i16 -101>)
  %c = bitcast <8 x i16> %r to i128
  ret i128 %c
}
define i128 @sadd_v8i16(i16 %x, i1 %hi) {
  %a = insertelement <8 x i16> <i16 0, i16 32764, i16 16383, i16 -101, i16 16384, i16 -32768, i16 -1, i16 -32761>, i16 %x, i32 0
  %r = call <8 x i16> @llvm.sadd.sat.v8i16(<8 x i16> %a, <8 x i16> <i16 24576, i16 16384, i16 1, i16 16383, i16 8191, i16 0, i16 -32761, i16 2>)
  %c = bitcast <8 x i16> %r to i128
  ret i128 %c
}
define i128 @ssub_v8i16(i16 %x, i1 %hi) {
  %a = insertelement <8 x i16> <i16 0, i16 5, i16 24576, i16 2, i16 9, i16 0, i16 32764, i16 16383>, i16 %x, i32 0
  %r = call <8 x i16> @llvm.ssub.sat.v8i16(<8 x i16> %a, <8 x i16> <i16 100, i16 9, i16 -1, i16 24576, i16 16384, i16 1, i16 16383, i16 8191>)
  %c = bitcast <8 x i16> %r to i128
  ret i128 %c
}
define i128 @ushl_v8i16(i16 %x, i1 %hi) {
  %a = insertelement <8 x i16> <i16 0, i16 -32761, i16 100, i16 8191, i16 32767, i16 1, i16 5, i16 24576>, i16 %x, i32 0
  %r = call <8 x i16> @llvm.ushl.sat.v8i16(<8 x i16> %a, <8 x i16> <i16 5, i16 10, i16 15, i16 4, i16 9, i16 14, i16 3, i16 8>)
  %c = bitcast <8 x i16> %r to i128
  ret i128 %c
}
define i128 @sshl_v8i16(i16 %x, i1 %hi) {
  %a = insertelement <8 x i16> <i16 0, i16 16383, i16 -101, i16 16384, i16 -32768, i16 -1, i16 -32761, i16 100>, i16 %x, i32 0
  %r = call <8 x i16> @llvm.sshl.sat.v8i16(<8 x i16> %a, <8 x i16> <i16 6, i16 11, i16 0, i16 5, i16 10, i16 15, i16 4, i16 9>)
  %c = bitcast <8 x i16> %r to i128
  ret i128 %c
}
define i128 @uadd_v16i8(i8 %x, i1 %hi) {
  %a = insertelement <16 x i8> <i8 0, i8 1, i8 5, i8 96, i8 2, i8 9, i8 0, i8 124, i8 63, i8 -101, i8 64, i8 -128, i8 -1, i8 -121, i8 100, i8 31>, i8 %x, i32 0
  %r = call <16 x i8> @llvm.uadd.sat.v16i8(<16 x i8> %a, <16 x i8> <i8 -121, i8 2, i8 -128, i8 5, i8 -101, i8 127, i8 124, i8 100, i8 9, i8 -1, i8 96, i8 64, i8 1, i8 63, i8 31, i8 0>)
  %c = bitcast <16 x i8> %r to i128
  ret i128 %c
}
define i128 @usub_v16i8(i8 %x, i1 %hi) {
  %a = insertelement <16 x i8> <i8 0, i8 -1, i8 -121, i8 100, i8 31, i8 127, i8 1, i8 5, i8 96, i8 2, i8 9, i8 0, i8 124, i8 63, i8 -101, i8 64>, i8 %x, i32 0
  %r = call <16 x i8> @llvm.usub.sat.v16i8(<16 x i8> %a, <16 x i8> <i8 63, i8 31, i8 0, i8 -121, i8 2, i8 -128, i8 5, i8 -101, i8 127, i8 124, i8 100, i8 9, i8 -1, i8 96, i8 64, i8 1>)
  %c = bitcast <16 x i8> %r to i128
  ret i128 %c
}
define i128 @sadd_v16i8(i8 %x, i1 %hi) {
  %a = insertelement <16 x i8> <i8 0, i8 124, i8 63, i8 -101, i8 64, i8 -128, i8 -1, i8 -121, i8 100, i8 31, i8 127, i8 1, i8 5, i8 96, i8 2, i8 9>, i8 %x, i32 0
  %r = call <16 x i8> @llvm.sadd.sat.v16i8(<16 x i8> %a, <16 x i8> <i8 96, i8 64, i8 1, i8 63, i8 31, i8 0, i8 -121, i8 2, i8 -128, i8 5, i8 -101, i8 127, i8 124, i8 100, i8 9, i8 -1>)
  %c = bitcast <16 x i8> %r to i128
  ret i128 %c
}
define i128 @ssub_v16i8(i8 %x, i1 %hi) {
  %a = insertelement <16 x i8> <i8 0, i8 5, i8 96, i8 2, i8 9, i8 0, i8 124, i8 63, i8 -101, i8 64, i8 -128, i8 -1, i8 -121, i8 100, i8 31, i8 127>, i8 %x, i32 0
  %r = call <16 x i8> @llvm.ssub.sat.v16i8(<16 x i8> %a, <16 x i8> <i8 100, i8 9, i8 -1, i8 96, i8 64, i8 1, i8 63, i8 31, i8 0, i8 -121, i8 2, i8 -128, i8 5, i8 -101, i8 127, i8 124>)
  %c = bitcast <16 x i8> %r to i128
  ret i128 %c
}
define i128 @ushl_v16i8(i8 %x, i1 %hi) {
  %a = insertelement <16 x i8> <i8 0, i8 -121, i8 100, i8 31, i8 127, i8 1, i8 5, i8 96, i8 2, i8 9, i8 0, i8 124, i8 63, i8 -101, i8 64, i8 -128>, i8 %x, i32 0
  %r = call <16 x i8> @llvm.ushl.sat.v16i8(<16 x i8> %a, <16 x i8> <i8 5, i8 2, i8 7, i8 4, i8 1, i8 6, i8 3, i8 0, i8 5, i8 2, i8 7, i8 4, i8 1, i8 6, i8 3, i8 0>)
  %c = bitcast <16 x i8> %r to i128
  ret i128 %c
}
define i128 @sshl_v16i8(i8 %x, i1 %hi) {
  %a = insertelement <16 x i8> <i8 0, i8 63, i8 -101, i8 64, i8 -128, i8 -1, i8 -121, i8 100, i8 31, i8 127, i8 1, i8 5, i8 96, i8 2, i8 9, i8 0>, i8 %x, i32 0
  %r = call <16 x i8> @llvm.sshl.sat.v16i8(<16 x i8> %a, <16 x i8> <i8 6, i8 3, i8 0, i8 5, i8 2, i8 7, i8 4, i8 1, i8 6, i8 3, i8 0, i8 5, i8 2, i8 7, i8 4, i8 1>)
  %c = bitcast <16 x i8> %r to i128
  ret i128 %c
}
define i128 @uadd_v8i32(i32 %x, i1 %hi) {
  %a = insertelement <8 x i32> <i32 0, i32 1, i32 5, i32 1610612736, i32 2, i32 9, i32 0, i32 2147483644>, i32 %x, i32 0
  %r = call <8 x i32> @llvm.uadd.sat.v8i32(<8 x i32> %a, <8 x i32> <i32 -2147483641, i32 2, i32 -2147483648, i32 5, i32 -101, i32 2147483647, i32 2147483644, i32 100>)
  %lo = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %up = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %h = select i1 %hi, <4 x i32> %up, <4 x i32> %lo
  %c = bitcast <4 x i32> %h to i128
  ret i128 %c
}
define i128 @usub_v8i32(i32 %x, i1 %hi) {
  %a = insertelement <8 x i32> <i32 0, i32 -1, i32 -2147483641, i32 100, i32 536870911, i32 2147483647, i32 1, i32 5>, i32 %x, i32 0
  %r = call <8 x i32> @llvm.usub.sat.v8i32(<8 x i32> %a, <8 x i32> <i32 1073741823, i32 536870911, i32 0, i32 -2147483641, i32 2, i32 -2147483648, i32 5, i32 -101>)
  %lo = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %up = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %h = select i1 %hi, <4 x i32> %up, <4 x i32> %lo
  %c = bitcast <4 x i32> %h to i128
  ret i128 %c
}
define i128 @sadd_v8i32(i32 %x, i1 %hi) {
  %a = insertelement <8 x i32> <i32 0, i32 2147483644, i32 1073741823, i32 -101, i32 1073741824, i32 -2147483648, i32 -1, i32 -2147483641>, i32 %x, i32 0
  %r = call <8 x i32> @llvm.sadd.sat.v8i32(<8 x i32> %a, <8 x i32> <i32 1610612736, i32 1073741824, i32 1, i32 1073741823, i32 536870911, i32 0, i32 -2147483641, i32 2>)
  %lo = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %up = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %h = select i1 %hi, <4 x i32> %up, <4 x i32> %lo
  %c = bitcast <4 x i32> %h to i128
  ret i128 %c
}
define i128 @ssub_v8i32(i32 %x, i1 %hi) {
  %a = insertelement <8 x i32> <i32 0, i32 5, i32 1610612736, i32 2, i32 9, i32 0, i32 2147483644, i32 1073741823>, i32 %x, i32 0
  %r = call <8 x i32> @llvm.ssub.sat.v8i32(<8 x i32> %a, <8 x i32> <i32 100, i32 9, i32 -1, i32 1610612736, i32 1073741824, i32 1, i32 1073741823, i32 536870911>)
  %lo = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %up = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %h = select i1 %hi, <4 x i32> %up, <4 x i32> %lo
  %c = bitcast <4 x i32> %h to i128
  ret i128 %c
}
define i128 @ushl_v8i32(i32 %x, i1 %hi) {
  %a = insertelement <8 x i32> <i32 0, i32 -2147483641, i32 100, i32 536870911, i32 2147483647, i32 1, i32 5, i32 1610612736>, i32 %x, i32 0
  %r = call <8 x i32> @llvm.ushl.sat.v8i32(<8 x i32> %a, <8 x i32> <i32 5, i32 10, i32 15, i32 20, i32 25, i32 30, i32 3, i32 8>)
  %lo = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %up = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %h = select i1 %hi, <4 x i32> %up, <4 x i32> %lo
  %c = bitcast <4 x i32> %h to i128
  ret i128 %c
}
define i128 @sshl_v8i32(i32 %x, i1 %hi) {
  %a = insertelement <8 x i32> <i32 0, i32 1073741823, i32 -101, i32 1073741824, i32 -2147483648, i32 -1, i32 -2147483641, i32 100>, i32 %x, i32 0
  %r = call <8 x i32> @llvm.sshl.sat.v8i32(<8 x i32> %a, <8 x i32> <i32 6, i32 11, i32 16, i32 21, i32 26, i32 31, i32 4, i32 9>)
  %lo = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 0, i32 1, i32 2, i32 3>
  %up = shufflevector <8 x i32> %r, <8 x i32> poison, <4 x i32> <i32 4, i32 5, i32 6, i32 7>
  %h = select i1 %hi, <4 x i32> %up, <4 x i32> %lo
  %c = bitcast <4 x i32> %h to i128
  ret i128 %c
}
