; Vector arithmetic, compares, selects and shuffles (packed in SIMD
; registers by the JIT, per lane in the interpreter). Results are returned
; bitcast to i128 and read back as the vector.
; run: i128 @addv(i32 1, i32 -2) == <4 x i32> <1, -2, 3, 2>
; run: i128 @minv(i32 5, i32 -7) == <4 x i32> <-7, -7, 5, -7>
; run: i128 @fmulv(double 1.5, double -2.0) == <2 x double> <-3.0, -3.0>
; run: i128 @shuffle(i16 3) == <8 x i16> <3, 9, 3, 9, 0, 0, 6, 6>
; run: i32 @lane(i32 2) == 30
define i128 @addv(i32 %a, i32 %b) {
  %v0 = insertelement <4 x i32> <i32 0, i32 2, i32 2, i32 4>, i32 %a, i32 0
  %v = insertelement <4 x i32> %v0, i32 %b, i32 1
  %r = add <4 x i32> %v, <i32 0, i32 0, i32 1, i32 -2>
  %cast = bitcast <4 x i32> %r to i128
  ret i128 %cast
}
define i128 @minv(i32 %a, i32 %b) {
  %va = insertelement <4 x i32> poison, i32 %a, i32 0
  %sa = shufflevector <4 x i32> %va, <4 x i32> poison, <4 x i32> zeroinitializer
  %vb = insertelement <4 x i32> poison, i32 %b, i32 0
  %sb = shufflevector <4 x i32> %vb, <4 x i32> poison, <4 x i32> zeroinitializer
  %x = insertelement <4 x i32> %sa, i32 %b, i32 3
  %y = insertelement <4 x i32> %sb, i32 100, i32 2
  %c = icmp slt <4 x i32> %x, %y
  %r = select <4 x i1> %c, <4 x i32> %x, <4 x i32> %y
  %cast = bitcast <4 x i32> %r to i128
  ret i128 %cast
}
define i128 @fmulv(double %a, double %b) {
  %v0 = insertelement <2 x double> poison, double %a, i32 0
  %v = insertelement <2 x double> %v0, double %b, i32 1
  %w = shufflevector <2 x double> %v, <2 x double> poison, <2 x i32> <i32 1, i32 1>
  %x = insertelement <2 x double> %w, double %a, i32 1
  %r = fmul <2 x double> %v, %x
  %cast = bitcast <2 x double> %r to i128
  ret i128 %cast
}
define i128 @shuffle(i16 %a) {
  %v0 = insertelement <4 x i16> zeroinitializer, i16 %a, i32 0
  %t = mul i16 %a, 3
  %v1 = insertelement <4 x i16> %v0, i16 %t, i32 1
  %d = shl i16 %a, 1
  %v2 = insertelement <4 x i16> %v1, i16 %d, i32 3
  %r = shufflevector <4 x i16> %v2, <4 x i16> zeroinitializer, <8 x i32> <i32 0, i32 1, i32 0, i32 1, i32 2, i32 4, i32 3, i32 3>
  %cast = bitcast <8 x i16> %r to i128
  ret i128 %cast
}
define i32 @lane(i32 %i) {
  %r = extractelement <4 x i32> <i32 10, i32 20, i32 30, i32 40>, i32 %i
  ret i32 %r
}
