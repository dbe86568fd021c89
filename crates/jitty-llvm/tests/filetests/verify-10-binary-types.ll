; Verifier invariant 10: integer operators take integers, float operators
; floats.
define float @f(float %a) {
  %r = add float %a, %a
  ret float %r
}
define i32 @g(i32 %a) {
  %r = fmul i32 %a, %a
  ret i32 %r
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: `add` needs integer operands
; verify error: in `@g`, block0, inst0: `fmul` needs float operands
