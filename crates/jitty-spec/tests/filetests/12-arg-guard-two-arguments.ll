; Two static arguments: the residual entry tests them one after the other,
; each mismatch branching to the generic entry, so the fast path is a
; compare and a branch per argument.
; test specialize @f 3 7 _
; fallback f
define i32 @f(i32 %fd, i64 %n, i32 %x) {
  %c = icmp eq i32 %fd, 3
  br i1 %c, label %three, label %other
three:
  %w = trunc i64 %n to i32
  %r = add i32 %x, %w
  ret i32 %r
other:
  ret i32 0
}
; ---- expected ----
; define i32 @residual(i32 %a0, i64 %a1, i32 %a2) {
; entry:
;   %0 = icmp ne i32 %a0, 3
;   br i1 %0, label %generic, label %2
; generic:
;   %1 = call i32 @f(i32 %a0, i64 %a1, i32 %a2)
;   ret i32 %1
; 2:
;   %3 = icmp ne i64 %a1, 7
;   br i1 %3, label %generic, label %specialized
; specialized:
;   %4 = add i32 %a2, 7
;   ret i32 %4
; }
