; Verifier invariant 1: a function's type has its parameters' types and
; count. The reader builds both from one signature, so the command drops a
; parameter from the function but not from its type.
; command: drop-last-param @f
define i32 @f(i32 %a, i32 %b) {
  ret i32 %a
}

; ---- expected ----
; verify error: in `@f`: parameters do not match the function type
