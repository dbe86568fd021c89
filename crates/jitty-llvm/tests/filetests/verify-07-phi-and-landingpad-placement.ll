; Verifier invariant 7: phis come first in their block; a landingpad is the
; first non-phi instruction and its function has a personality.
define i32 @f(i1 %c) {
entry:
  br label %b
b:
  %x = add i32 1, 2
  %p = phi i32 [ 0, %entry ]
  ret i32 %p
}
define void @g() {
entry:
  %x = add i32 1, 2
  %l = landingpad { ptr, i32 } cleanup
  ret void
}

; ---- expected ----
; verify error: in `@f`, block1, inst2: phi after a non-phi instruction
; verify error: in `@g`, block0, inst1: landingpad is not the first non-phi instruction
; verify error: in `@g`, block0, inst1: landingpad in a function without a personality
