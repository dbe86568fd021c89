; `blockaddress` and `indirectbr`: a dispatch table of block addresses in a
; global initializer, phis on the indirect edges, block addresses compared as
; values, and an address that is none of the destinations (undefined in
; LLVM, a trap in jitty). Expected values checked against `lli-22`.
; run: i32 @dispatch(i32 0) == 110
; run: i32 @dispatch(i32 1) == 220
; run: i32 @dispatch(i32 2) == 330
; run: i32 @loop(i32 10) == 55
; run: i32 @loop(i32 0) == 0
; run: i1 @same(i32 1, i32 1) == 1
; run: i1 @same(i32 0, i32 2) == 0
; run: i1 @distinct() == 1
; run: i32 @bad() traps Unreachable

@table = internal constant [3 x ptr] [ptr blockaddress(@dispatch, %a), ptr blockaddress(@dispatch, %b), ptr blockaddress(@dispatch, %c)]
@ltab = internal constant [2 x ptr] [ptr blockaddress(@loop, %body), ptr blockaddress(@loop, %done)]

define i32 @dispatch(i32 %i) {
entry:
  %p = getelementptr [3 x ptr], ptr @table, i32 0, i32 %i
  %t = load ptr, ptr %p
  %x = mul i32 %i, 10
  indirectbr ptr %t, [label %a, label %b, label %c]
a:
  %ra = add i32 %x, 110
  ret i32 %ra
b:
  %rb = add i32 %x, 210
  ret i32 %rb
c:
  %rc = add i32 %x, 310
  ret i32 %rc
}

; Sums n + (n-1) + ... + 1 by jumping through the table with phis.
define i32 @loop(i32 %n) {
entry:
  %z = icmp eq i32 %n, 0
  %i0 = zext i1 %z to i64
  %p0 = getelementptr [2 x ptr], ptr @ltab, i64 0, i64 %i0
  %t0 = load ptr, ptr %p0
  indirectbr ptr %t0, [label %body, label %done]
body:
  %k = phi i32 [ %n, %entry ], [ %k1, %body ]
  %s = phi i32 [ 0, %entry ], [ %s1, %body ]
  %s1 = add i32 %s, %k
  %k1 = sub i32 %k, 1
  %e = icmp eq i32 %k1, 0
  %i1 = zext i1 %e to i64
  %p1 = getelementptr [2 x ptr], ptr @ltab, i64 0, i64 %i1
  %t1 = load ptr, ptr %p1
  indirectbr ptr %t1, [label %body, label %done]
done:
  %r = phi i32 [ 0, %entry ], [ %s1, %body ]
  ret i32 %r
}

define i1 @same(i32 %i, i32 %j) {
  %p = getelementptr [3 x ptr], ptr @table, i32 0, i32 %i
  %q = getelementptr [3 x ptr], ptr @table, i32 0, i32 %j
  %a = load ptr, ptr %p
  %b = load ptr, ptr %q
  %r = icmp eq ptr %a, %b
  ret i1 %r
}

; Block addresses of two functions differ, and none is null.
define i1 @distinct() {
  %a = icmp ne ptr blockaddress(@dispatch, %a), blockaddress(@loop, %body)
  %b = icmp ne ptr blockaddress(@loop, %done), null
  %r = and i1 %a, %b
  ret i1 %r
}

define i32 @bad() {
entry:
  indirectbr ptr blockaddress(@dispatch, %a), [label %x]
x:
  ret i32 1
}
