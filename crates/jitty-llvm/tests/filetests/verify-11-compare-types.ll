; Verifier invariant 11: `icmp` compares integers or pointers, `fcmp`
; floats.
define i1 @f(float %a) {
  %r = icmp eq float %a, %a
  ret i1 %r
}
define i1 @g(i32 %a) {
  %r = fcmp oeq i32 %a, %a
  ret i1 %r
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: icmp needs integer or pointer operands
; verify error: in `@g`, block0, inst0: fcmp needs float operands
