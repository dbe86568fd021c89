; Verifier invariant 16: `ret` matches the return type; switch cases are
; distinct.
define i32 @f(i64 %a) {
  ret i64 %a
}
define i32 @g(i32 %x) {
entry:
  switch i32 %x, label %a [
    i32 1, label %a
    i32 1, label %a
  ]
a:
  ret i32 0
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: returns `i64` from a function returning `i32`
; verify error: in `@g`, block0, inst0: duplicate switch case value
