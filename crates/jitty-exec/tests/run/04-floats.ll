; IEEE arithmetic in float and double, NaN-aware comparisons, frem.
; run: double @fadd(double 0.1, double 0.2) == 0.30000000000000004
; run: float @fdiv32(float 1.0, float 3.0) == 0.33333334
; run: double @frem(double 7.5, double 2.0) == 1.5
; run: double @frem(double -7.5, double 2.0) == -1.5
; run: i1 @uno(double 0x7FF8000000000000, double 1.0) == 1
; run: i1 @olt(double 0x7FF8000000000000, double 1.0) == 0
; run: i1 @olt(double -0.0, double 0.0) == 0
; run: double @fneg(double 0.0) == -0.0
define double @fadd(double %a, double %b) {
  %r = fadd double %a, %b
  ret double %r
}
define float @fdiv32(float %a, float %b) {
  %r = fdiv float %a, %b
  ret float %r
}
define double @frem(double %a, double %b) {
  %r = frem double %a, %b
  ret double %r
}
define i1 @uno(double %a, double %b) {
  %r = fcmp uno double %a, %b
  ret i1 %r
}
define i1 @olt(double %a, double %b) {
  %r = fcmp olt double %a, %b
  ret i1 %r
}
define double @fneg(double %a) {
  %r = fneg double %a
  ret double %r
}
