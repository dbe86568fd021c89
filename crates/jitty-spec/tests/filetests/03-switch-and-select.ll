; A switch on a static value and a select on a static condition fold.
; test specialize @f 2 _
define i32 @f(i32 %op, i32 %x) {
  switch i32 %op, label %other [ i32 1, label %one
                                 i32 2, label %two ]
one:
  ret i32 1
two:
  %big = icmp ugt i32 %op, 1
  %v = select i1 %big, i32 %x, i32 0
  %w = shl i32 %v, 1
  ret i32 %w
other:
  ret i32 -1
}
; ---- expected ----
; define i32 @residual(i32 %a0, i32 %a1) {
; entry:
;   %0 = shl i32 %a1, 1
;   ret i32 %0
; }
