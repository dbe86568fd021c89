; A loop latch that is only a conditional branch on a `select` (`a && b`)
; of values from other blocks. The JIT splits such a branch in two and
; placed the second half after the latch's Cranelift block before that
; block held an instruction, so neither was in the layout: Cranelift
; panicked on the jump to the missing block and the function was left to
; the interpreter (zlib's deflate_stored at -O2, reduced by llvm-reduce).
; Expected values checked against `lli-22`.
; run: i32 @latch(i1 1, i32 5) == 5
; run: i32 @latch(i1 0, i32 5) == 1
; run: i32 @latch_or(i1 0, i32 7) == 7
define i32 @latch(i1 %a, i32 %n) {
entry:
  br label %head
head:
  %i = phi i32 [ 0, %entry ], [ %i1, %latch ]
  br label %body
body:
  %i1 = add i32 %i, 1
  %more = icmp slt i32 %i1, %n
  %c = select i1 %a, i1 %more, i1 false
  br label %latch
latch:
  br i1 %c, label %head, label %exit
exit:
  ret i32 %i1
}
define i32 @latch_or(i1 %a, i32 %n) {
entry:
  br label %head
head:
  %i = phi i32 [ 0, %entry ], [ %i1, %latch ]
  br label %body
body:
  %i1 = add i32 %i, 1
  %done = icmp sge i32 %i1, %n
  %c = select i1 %a, i1 true, i1 %done
  br label %latch
latch:
  br i1 %c, label %exit, label %head
exit:
  ret i32 %i1
}
