; 128-bit integers: arithmetic, division, with.overflow and float
; conversions (the JIT's run-time helpers and the interpreter share
; jitty-sem's rules).
; run: i128 @mul(i128 18446744073709551616, i128 18446744073709551617) == 18446744073709551616
; run: i128 @sdiv(i128 -170141183460469231731687303715884105727, i128 3) == -56713727820156410577229101238628035242
; run: i128 @urem(i128 -1, i128 10) == 5
; run: i128 @sdiv(i128 5, i128 0) traps DivByZero
; run: i128 @sdiv(i128 -170141183460469231731687303715884105728, i128 -1) traps DivOverflow
; run: i1 @smul_ov(i128 85070591730234615865843651857942052864, i128 2) == 1
; run: i1 @smul_ov(i128 85070591730234615865843651857942052863, i128 2) == 0
; run: i128 @fptosi(double -1.0e30) == -1000000000000000019884624838656
; run: i128 @fptosi(double 1.0e40) == 170141183460469231731687303715884105727
; run: double @uitofp(i128 -1) == 3.402823669209385e38
; run: i100 @sdiv100(i100 -633825300114114700748351602688, i100 -1) traps DivOverflow
define i128 @mul(i128 %a, i128 %b) {
  %r = mul i128 %a, %b
  ret i128 %r
}
define i128 @sdiv(i128 %a, i128 %b) {
  %r = sdiv i128 %a, %b
  ret i128 %r
}
define i128 @urem(i128 %a, i128 %b) {
  %r = urem i128 %a, %b
  ret i128 %r
}
declare { i128, i1 } @llvm.smul.with.overflow.i128(i128, i128)
define i1 @smul_ov(i128 %a, i128 %b) {
  %p = call { i128, i1 } @llvm.smul.with.overflow.i128(i128 %a, i128 %b)
  %o = extractvalue { i128, i1 } %p, 1
  ret i1 %o
}
define i128 @fptosi(double %a) {
  %r = fptosi double %a to i128
  ret i128 %r
}
define double @uitofp(i128 %a) {
  %r = uitofp i128 %a to double
  ret double %r
}
define i100 @sdiv100(i100 %a, i100 %b) {
  %r = sdiv i100 %a, %b
  ret i100 %r
}
