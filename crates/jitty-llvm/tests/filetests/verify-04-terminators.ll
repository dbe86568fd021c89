; Verifier invariant 4: every block ends with a terminator. The reader
; rejects such text, so the command removes the terminator.
; command: drop-terminator @f
define i32 @f(i32 %a) {
entry:
  %r = add i32 %a, 1
  ret i32 %r
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: block does not end with a terminator
