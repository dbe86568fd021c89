; `float` math-library intrinsics compute what native code computes: the
; C library's `float` function (`sinf`, `powf`, ...), not the `double` one
; rounded, which is more accurate but differs by one ulp at these inputs
; (the interpreter did that, so a program printing such a result differed
; from its native build; the JIT always called the `float` functions).
; Results as bit patterns; expected values from `lli-22`.
; run: i32 @sin_bits(i32 1057051514) == 1056426561
; run: i32 @cos_bits(i32 1062272080) == 1060066470
; run: i32 @exp_bits(i32 1058659274) == 1072265094
; run: i32 @exp2_bits(i32 1057337062) == 1069011854
; run: i32 @log_bits(i32 1058355104) == -1089851744
; run: i32 @log2_bits(i32 1057585365) == -1083858385
; run: i32 @log10_bits(i32 1056970816) == -1097206145
; run: i32 @pow_bits(i32 1061881004, i32 1068457001) == 1060787084
; run: i32 @sin_lane1_bits(i32 1057051514) == 1056426561
define i32 @sin_bits(i32 %x) {
  %f = bitcast i32 %x to float
  %r = call float @llvm.sin.f32(float %f)
  %b = bitcast float %r to i32
  ret i32 %b
}
declare float @llvm.sin.f32(float)
define i32 @cos_bits(i32 %x) {
  %f = bitcast i32 %x to float
  %r = call float @llvm.cos.f32(float %f)
  %b = bitcast float %r to i32
  ret i32 %b
}
declare float @llvm.cos.f32(float)
define i32 @exp_bits(i32 %x) {
  %f = bitcast i32 %x to float
  %r = call float @llvm.exp.f32(float %f)
  %b = bitcast float %r to i32
  ret i32 %b
}
declare float @llvm.exp.f32(float)
define i32 @exp2_bits(i32 %x) {
  %f = bitcast i32 %x to float
  %r = call float @llvm.exp2.f32(float %f)
  %b = bitcast float %r to i32
  ret i32 %b
}
declare float @llvm.exp2.f32(float)
define i32 @log_bits(i32 %x) {
  %f = bitcast i32 %x to float
  %r = call float @llvm.log.f32(float %f)
  %b = bitcast float %r to i32
  ret i32 %b
}
declare float @llvm.log.f32(float)
define i32 @log2_bits(i32 %x) {
  %f = bitcast i32 %x to float
  %r = call float @llvm.log2.f32(float %f)
  %b = bitcast float %r to i32
  ret i32 %b
}
declare float @llvm.log2.f32(float)
define i32 @log10_bits(i32 %x) {
  %f = bitcast i32 %x to float
  %r = call float @llvm.log10.f32(float %f)
  %b = bitcast float %r to i32
  ret i32 %b
}
declare float @llvm.log10.f32(float)
define i32 @pow_bits(i32 %x, i32 %y) {
  %f = bitcast i32 %x to float
  %g = bitcast i32 %y to float
  %r = call float @llvm.pow.f32(float %f, float %g)
  %b = bitcast float %r to i32
  ret i32 %b
}
declare float @llvm.pow.f32(float, float)
define i32 @sin_lane1_bits(i32 %x) {
  %f = bitcast i32 %x to float
  %v0 = insertelement <2 x float> zeroinitializer, float %f, i32 1
  %r = call <2 x float> @llvm.sin.v2f32(<2 x float> %v0)
  %e = extractelement <2 x float> %r, i32 1
  %b = bitcast float %e to i32
  ret i32 %b
}
declare <2 x float> @llvm.sin.v2f32(<2 x float>)
