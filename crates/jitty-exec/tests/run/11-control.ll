; Control flow: loops with phis, switch, select.
; run: i64 @sum(i64 100) == 5050
; run: i64 @sum(i64 0) == 0
; run: i32 @sw(i32 2) == 20
; run: i32 @sw(i32 -1) == 7
; run: i32 @sw(i32 9) == 0
; run: i32 @collatz(i32 27) == 111
define i64 @sum(i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %body ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %body ]
  %done = icmp ugt i64 %i, %n
  br i1 %done, label %exit, label %body
body:
  %acc1 = add i64 %acc, %i
  %i1 = add i64 %i, 1
  br label %loop
exit:
  ret i64 %acc
}
define i32 @sw(i32 %x) {
entry:
  switch i32 %x, label %other [
    i32 1, label %one
    i32 2, label %two
    i32 -1, label %neg
  ]
one:
  ret i32 10
two:
  ret i32 20
neg:
  ret i32 7
other:
  ret i32 0
}
define i32 @collatz(i32 %n) {
entry:
  br label %loop
loop:
  %x = phi i32 [ %n, %entry ], [ %next, %loop ]
  %steps = phi i32 [ 0, %entry ], [ %s1, %loop ]
  %odd = and i32 %x, 1
  %isodd = icmp ne i32 %odd, 0
  %h = lshr i32 %x, 1
  %t = mul i32 %x, 3
  %t1 = add i32 %t, 1
  %next = select i1 %isodd, i32 %t1, i32 %h
  %s1 = add i32 %steps, 1
  %end = icmp eq i32 %next, 1
  br i1 %end, label %exit, label %loop
exit:
  ret i32 %s1
}
