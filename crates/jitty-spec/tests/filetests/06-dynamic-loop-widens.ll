; A loop with a dynamic trip count terminates: the induction variable,
; static at first, is generalized after a few iterations.
; test specialize @count _
define i32 @count(i32 %n) {
entry:
  br label %head
head:
  %i = phi i32 [ 0, %entry ], [ %i1, %body ]
  %done = icmp uge i32 %i, %n
  br i1 %done, label %exit, label %body
body:
  %i1 = add i32 %i, 1
  br label %head
exit:
  ret i32 %i
}
; ---- expected ----
; define i32 @residual(i32 %a0) {
; entry:
;   %0 = icmp uge i32 0, %a0
;   br i1 %0, label %1, label %2
; 1:
;   ret i32 0
; 2:
;   %3 = icmp uge i32 1, %a0
;   br i1 %3, label %4, label %5
; 4:
;   ret i32 1
; 5:
;   %6 = icmp uge i32 2, %a0
;   br i1 %6, label %7, label %8
; 7:
;   ret i32 2
; 8:
;   %9 = icmp uge i32 3, %a0
;   br i1 %9, label %10, label %11
; 10:
;   ret i32 3
; 11:
;   %12 = phi i32 [ 4, %8 ], [ %16, %15 ]
;   %13 = icmp uge i32 %12, %a0
;   br i1 %13, label %14, label %15
; 14:
;   ret i32 %12
; 15:
;   %16 = add i32 %12, 1
;   br label %11
; }
; 1x loop    count block 1: 1 value(s) generalized
