; Verifier invariant 13: casts go between the right type classes and
; widths.
define i64 @f(i32 %a) {
  %r = trunc i32 %a to i64
  ret i64 %r
}
define i32 @g(i64 %a) {
  %r = zext i64 %a to i32
  ret i32 %r
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: invalid `trunc` from `i32` to `i64`
; verify error: in `@g`, block0, inst0: invalid `zext` from `i64` to `i32`
