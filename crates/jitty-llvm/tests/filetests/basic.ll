; Unnamed values, numbered blocks, forward references, phis, switch.
define i32 @f(i32 %0, i32 %n) {
  %2 = icmp sgt i32 %0, 0
  br i1 %2, label %loop, label %6

loop:
  %i = phi i32 [ 0, %1 ], [ %next, %loop ]
  %acc = phi i32 [ %0, %1 ], [ %acc2, %loop ]
  %acc2 = add nuw nsw i32 %acc, %i
  %next = add i32 %i, 1
  %done = icmp samesign uge i32 %next, %n
  br i1 %done, label %6, label %loop

6:
  %r = phi i32 [ -1, %1 ], [ %acc2, %loop ]
  switch i32 %r, label %out [
    i32 0, label %zero
    i32 -5, label %zero
  ]

zero:
  ret i32 0

out:
  %s = select i1 %2, i32 %r, i32 7
  %t = trunc nuw nsw i32 %s to i8
  %z = zext nneg i8 %t to i32
  %o = or disjoint i32 %z, 256
  %e = udiv exact i32 %o, 2
  %u = freeze i32 %e
  ret i32 %u
}

; ---- expected ----
;
;
; define i32 @f(i32 %0, i32 %n) {
; 1:
;   %2 = icmp sgt i32 %0, 0
;   br i1 %2, label %loop, label %3
; loop:
;   %i = phi i32 [ 0, %1 ], [ %next, %loop ]
;   %acc = phi i32 [ %0, %1 ], [ %acc2, %loop ]
;   %acc2 = add nuw nsw i32 %acc, %i
;   %next = add i32 %i, 1
;   %done = icmp samesign uge i32 %next, %n
;   br i1 %done, label %3, label %loop
; 3:
;   %r = phi i32 [ -1, %1 ], [ %acc2, %loop ]
;   switch i32 %r, label %out [
;     i32 0, label %zero
;     i32 -5, label %zero
;   ]
; zero:
;   ret i32 0
; out:
;   %s = select i1 %2, i32 %r, i32 7
;   %t = trunc nuw nsw i32 %s to i8
;   %z = zext nneg i8 %t to i32
;   %o = or disjoint i32 %z, 256
;   %e = udiv exact i32 %o, 2
;   %u = freeze i32 %e
;   ret i32 %u
; }
