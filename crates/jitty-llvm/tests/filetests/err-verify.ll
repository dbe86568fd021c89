; Parses, but violates dominance and phi invariants.
define i32 @f(i1 %c) {
entry:
  br i1 %c, label %a, label %b
a:
  %x = add i32 1, 2
  br label %b
b:
  %p = phi i32 [ 0, %entry ]
  %y = add i32 %x, %p
  ret i32 %y
}

; ---- expected ----
; verify error: in `@f`, block2, inst3: phi does not have exactly one entry per predecessor
; verify error: in `@f`, block2, inst4: operand inst1 does not dominate this use
