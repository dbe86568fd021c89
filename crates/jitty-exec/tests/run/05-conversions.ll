; Casts; out-of-range float-to-int saturates and NaN gives 0 (jitty's
; choice for LLVM's poison).
; run: i8 @trunc(i32 300) == 44
; run: i32 @sext(i8 -2) == -2
; run: i32 @zext(i8 -2) == 254
; run: i32 @fptosi(double -2.9) == -2
; run: i32 @fptosi(double 1.0e20) == 2147483647
; run: i32 @fptosi(double 0x7FF8000000000000) == 0
; run: i8 @fptoui8(double 300.0) == -1
; run: double @sitofp(i32 -5) == -5.0
; run: float @uitofp(i32 -1) == 4294967300.0
; run: i32 @bits(float -1.0) == -1082130432
define i8 @trunc(i32 %a) {
  %r = trunc i32 %a to i8
  ret i8 %r
}
define i32 @sext(i8 %a) {
  %r = sext i8 %a to i32
  ret i32 %r
}
define i32 @zext(i8 %a) {
  %r = zext i8 %a to i32
  ret i32 %r
}
define i32 @fptosi(double %a) {
  %r = fptosi double %a to i32
  ret i32 %r
}
define i8 @fptoui8(double %a) {
  %r = fptoui double %a to i8
  ret i8 %r
}
define double @sitofp(i32 %a) {
  %r = sitofp i32 %a to double
  ret double %r
}
define float @uitofp(i32 %a) {
  %r = uitofp i32 %a to float
  ret float %r
}
define i32 @bits(float %a) {
  %r = bitcast float %a to i32
  ret i32 %r
}
