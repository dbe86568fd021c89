; Verifier invariant 15: a call passes as many arguments as the callee's
; type takes, each of its parameter's type.
declare i32 @h(i32)
define i32 @f() {
  %r = call i32 (i32) @h(i64 1)
  ret i32 %r
}
define i32 @g() {
  %r = call i32 (i32) @h(i32 1, i32 2)
  ret i32 %r
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: argument 0 has type `i64`, parameter has `i32`
; verify error: in `@g`, block0, inst0: call passes 2 arguments, callee takes 1
