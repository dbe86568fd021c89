; Verifier invariant 9: definitions dominate their uses.
define i32 @f() {
entry:
  %y = add i32 %x, 1
  %x = add i32 1, 2
  ret i32 %y
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: operand inst1 does not dominate this use
