; Verifier invariant 5: an instruction is placed in at most one block. The
; command places the first instruction in a second block too.
; command: place-twice @f
define i32 @f(i32 %a) {
entry:
  %r = add i32 %a, 1
  br label %exit
exit:
  ret i32 %r
}

; ---- expected ----
; verify error: in `@f`, block1, inst0: instruction placed in more than one block or twice
