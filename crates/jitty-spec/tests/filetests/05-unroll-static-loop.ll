; A loop over a static array with a static trip count unrolls: each
; iteration has its own static state.
; test specialize @sum 0x4000 4 _
; memory 0x4000 const 4 3 what=Schema.f0
; memory 0x4004 const 4 5 what=Schema.f1
; memory 0x4008 const 4 7 what=Schema.f2
; memory 0x400c const 4 11 what=Schema.f3
define i32 @sum(ptr %schema, i32 %n, i32 %x) {
entry:
  br label %head
head:
  %i = phi i32 [ 0, %entry ], [ %i1, %body ]
  %acc = phi i32 [ 0, %entry ], [ %acc1, %body ]
  %done = icmp eq i32 %i, %n
  br i1 %done, label %exit, label %body
body:
  %ix = zext i32 %i to i64
  %p = getelementptr inbounds i32, ptr %schema, i64 %ix
  %w = load i32, ptr %p
  %t = mul i32 %w, %x
  %acc1 = add i32 %acc, %t
  %i1 = add i32 %i, 1
  br label %head
exit:
  ret i32 %acc
}
; ---- expected ----
; define i32 @residual(ptr %a0, i32 %a1, i32 %a2) {
; entry:
;   %0 = mul i32 3, %a2
;   %1 = add i32 0, %0
;   %2 = mul i32 5, %a2
;   %3 = add i32 %1, %2
;   %4 = mul i32 7, %a2
;   %5 = add i32 %3, %4
;   %6 = mul i32 11, %a2
;   %7 = add i32 %5, %6
;   ret i32 %7
; }
