; Element-wise intrinsics on vectors, lane by lane, and llvm.minimum /
; llvm.maximum on signed zeros: regressions found by the vector-intrinsic
; matrix (jitty-difftest tests/vector_intrinsics.rs) and the fuzzer. The
; interpreter computed fshl/fshr, scmp/ucmp, *.with.overflow, fptosi.sat,
; powi, is.fpclass and lrint on vectors as garbage, and minimum/maximum
; returned either zero; the JIT applied powi's scalar exponent to lane 0
; only. Expected values follow LangRef and were checked against lli-22.
; run: i128 @fshl_v4i32(i32 252645135) == <4 x i32> <-252645121, 3, 0, 305419896>
; run: i128 @fshr_v2i64(i64 1) == <2 x i64> <-9223372036854775808, -1>
; run: i64 @cmp3_v4i32(i32 -7) == <8 x i8> <-1, -1, 0, 1, 1, 1, 0, -1>
; run: i128 @sadd_ovf_v4i32(i32 2147483647) == <4 x i32> <-99, 3, -99, 0>
; run: i128 @sadd_ovf_v4i32(i32 7) == <4 x i32> <8, 3, -99, 0>
; run: i128 @fptosi_sat_v4f32(float 3.0e9) == <4 x i32> <2147483647, 0, -2147483648, 3>
; run: i128 @powi_v4f32(float 3.0) == <4 x i32> <1104674816, 1090519040, -1067974656, 1040187392>
; run: i128 @fpclass_v4f64(double 1.0) == <4 x i32> <0, 0, 1, 1>
; run: i1 @fpclass_f32(float 0x36A0000000000000) == 1
; run: i128 @lrint_v2f64(double 2.5) == <2 x i64> <2, -2>
; run: double @maximum(double -0.0, double 0.0) == 0.0
; run: double @maximum(double 0.0, double -0.0) == 0.0
; run: double @minimum(double 0.0, double -0.0) == -0.0
; run: double @minimum(double -0.0, double 0.0) == -0.0

declare <4 x i32> @llvm.fshl.v4i32(<4 x i32>, <4 x i32>, <4 x i32>)
declare <2 x i64> @llvm.fshr.v2i64(<2 x i64>, <2 x i64>, <2 x i64>)
declare <4 x i8> @llvm.scmp.v4i8.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i8> @llvm.ucmp.v4i8.v4i32(<4 x i32>, <4 x i32>)
declare { <4 x i32>, <4 x i1> } @llvm.sadd.with.overflow.v4i32(<4 x i32>, <4 x i32>)
declare <4 x i32> @llvm.fptosi.sat.v4i32.v4f32(<4 x float>)
declare <4 x float> @llvm.powi.v4f32.i32(<4 x float>, i32)
declare <4 x i1> @llvm.is.fpclass.v4f64(<4 x double>, i32)
declare i1 @llvm.is.fpclass.f32(float, i32)
declare <2 x i64> @llvm.lrint.v2i64.v2f64(<2 x double>)
declare double @llvm.maximum.f64(double, double)
declare double @llvm.minimum.f64(double, double)

define i128 @fshl_v4i32(i32 %x) {
  %a = insertelement <4 x i32> <i32 0, i32 1, i32 -2147483648, i32 305419896>, i32 %x, i32 0
  %r = call <4 x i32> @llvm.fshl.v4i32(<4 x i32> %a, <4 x i32> <i32 -268435456, i32 -1, i32 1, i32 -1698898192>, <4 x i32> <i32 4, i32 33, i32 31, i32 0>)
  %i = bitcast <4 x i32> %r to i128
  ret i128 %i
}

define i128 @fshr_v2i64(i64 %x) {
  %a = insertelement <2 x i64> <i64 0, i64 0>, i64 %x, i32 0
  %r = call <2 x i64> @llvm.fshr.v2i64(<2 x i64> %a, <2 x i64> <i64 1, i64 -1>, <2 x i64> <i64 1, i64 64>)
  %i = bitcast <2 x i64> %r to i128
  ret i128 %i
}

define i64 @cmp3_v4i32(i32 %x) {
  %a = insertelement <4 x i32> <i32 0, i32 -1, i32 5, i32 0>, i32 %x, i32 0
  %b = bitcast <4 x i32> <i32 0, i32 1, i32 5, i32 -2147483648> to <4 x i32>
  %s = call <4 x i8> @llvm.scmp.v4i8.v4i32(<4 x i32> %a, <4 x i32> %b)
  %u = call <4 x i8> @llvm.ucmp.v4i8.v4i32(<4 x i32> %a, <4 x i32> %b)
  %c = shufflevector <4 x i8> %s, <4 x i8> %u, <8 x i32> <i32 0, i32 1, i32 2, i32 3, i32 4, i32 5, i32 6, i32 7>
  %i = bitcast <8 x i8> %c to i64
  ret i64 %i
}

define i128 @sadd_ovf_v4i32(i32 %x) {
  %a = insertelement <4 x i32> <i32 0, i32 1, i32 -2147483648, i32 5>, i32 %x, i32 0
  %p = call { <4 x i32>, <4 x i1> } @llvm.sadd.with.overflow.v4i32(<4 x i32> %a, <4 x i32> <i32 1, i32 2, i32 -1, i32 -5>)
  %v = extractvalue { <4 x i32>, <4 x i1> } %p, 0
  %o = extractvalue { <4 x i32>, <4 x i1> } %p, 1
  %r = select <4 x i1> %o, <4 x i32> <i32 -99, i32 -99, i32 -99, i32 -99>, <4 x i32> %v
  %i = bitcast <4 x i32> %r to i128
  ret i128 %i
}

define i128 @fptosi_sat_v4f32(float %x) {
  %a = insertelement <4 x float> <float 0.0, float 0x7FF8000000000000, float -1.0e10, float 3.75>, float %x, i32 0
  %r = call <4 x i32> @llvm.fptosi.sat.v4i32.v4f32(<4 x float> %a)
  %i = bitcast <4 x i32> %r to i128
  ret i128 %i
}

define i128 @powi_v4f32(float %x) {
  %a = insertelement <4 x float> <float 0.0, float 2.0, float -1.5, float 0.5>, float %x, i32 0
  %r = call <4 x float> @llvm.powi.v4f32.i32(<4 x float> %a, i32 3)
  %i = bitcast <4 x float> %r to i128
  ret i128 %i
}

define i128 @fpclass_v4f64(double %x) {
  %a = insertelement <4 x double> <double 0.0, double 0x7FF0000000000000, double 0.0, double 0x0000000000000001>, double %x, i32 0
  %c = call <4 x i1> @llvm.is.fpclass.v4f64(<4 x double> %a, i32 240)
  %z = zext <4 x i1> %c to <4 x i32>
  %i = bitcast <4 x i32> %z to i128
  ret i128 %i
}

define i1 @fpclass_f32(float %x) {
  %c = call i1 @llvm.is.fpclass.f32(float %x, i32 144)
  ret i1 %c
}

define i128 @lrint_v2f64(double %x) {
  %a = insertelement <2 x double> <double 0.0, double -2.5>, double %x, i32 0
  %r = call <2 x i64> @llvm.lrint.v2i64.v2f64(<2 x double> %a)
  %i = bitcast <2 x i64> %r to i128
  ret i128 %i
}

define double @maximum(double %a, double %b) {
  %r = call double @llvm.maximum.f64(double %a, double %b)
  ret double %r
}

define double @minimum(double %a, double %b) {
  %r = call double @llvm.minimum.f64(double %a, double %b)
  ret double %r
}
