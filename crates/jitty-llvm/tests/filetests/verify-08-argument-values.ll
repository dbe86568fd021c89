; Verifier invariant 8: `Value::Arg(n)` names an existing parameter. The
; reader resolves names, so the command makes an operand argument 99.
; command: arg-out-of-range @f
define i32 @f(i32 %a) {
  %r = add i32 %a, 1
  ret i32 %r
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: argument index 99 out of range
