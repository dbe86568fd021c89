; Verifier invariant 6: the entry block has no predecessors.
define void @f(i1 %c) {
entry:
  br i1 %c, label %entry, label %exit
exit:
  ret void
}

; ---- expected ----
; verify error: in `@f`, block0: the entry block has predecessors
