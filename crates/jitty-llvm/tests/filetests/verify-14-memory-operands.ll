; Verifier invariant 14: getelementptr indices and alloca counts are
; integers.
define ptr @f(ptr %p, double %d) {
  %q = getelementptr i8, ptr %p, double %d
  ret ptr %q
}
define void @g() {
  %a = alloca i32, double 1.0
  ret void
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: getelementptr index must be an integer
; verify error: in `@g`, block0, inst0: alloca count must be an integer
