; Verifier invariant 2: an alias's aliasee and a personality are
; pointer-typed constants.
@a = alias i32, i64 5
define void @f() personality i32 5 {
  ret void
}

; ---- expected ----
; verify error: in `@a`: aliasee is not a pointer constant
; verify error: in `@f`: personality is not a pointer constant
