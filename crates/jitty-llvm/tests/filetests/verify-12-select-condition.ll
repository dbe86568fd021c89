; Verifier invariant 12: a select's condition is i1 or <N x i1>.
define i32 @f(i32 %c, i32 %a) {
  %r = select i32 %c, i32 %a, i32 %a
  ret i32 %r
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: select condition must be i1 or <N x i1>
