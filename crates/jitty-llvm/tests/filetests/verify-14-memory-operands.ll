; Verifier invariant 14: getelementptr indices and alloca counts are
; integers; a vector getelementptr's vectors all have the result's lanes.
define ptr @f(ptr %p, double %d) {
  %q = getelementptr i8, ptr %p, double %d
  ret ptr %q
}
define void @g() {
  %a = alloca i32, double 1.0
  ret void
}
define <2 x ptr> @h(<2 x ptr> %p, <4 x i64> %i) {
  %q = getelementptr i8, <2 x ptr> %p, <4 x i64> %i
  ret <2 x ptr> %q
}
define <2 x ptr> @ok(ptr %p, <2 x i64> %i, i32 %k) {
  %q = getelementptr { i32, i64 }, ptr %p, <2 x i64> %i, i32 1
  ret <2 x ptr> %q
}

; ---- expected ----
; verify error: in `@f`, block0, inst0: getelementptr index must be an integer
; verify error: in `@g`, block0, inst0: alloca count must be an integer
; verify error: in `@h`, block0, inst0: vector getelementptr operands must have as many lanes as the result
