; Memory: allocas, struct and array GEPs, globals with initializers,
; memcpy and memset.
; run: i64 @fields(i8 7, i64 100) == 1107
; run: i32 @table(i64 3) == 13
; run: i32 @table(i64 -1) == 99
; run: i32 @copy(i32 5) == 15
; run: i8 @fill(i8 9) == 45
%pair = type { i8, i64 }
@tbl = global [6 x i32] [i32 99, i32 10, i32 11, i32 12, i32 13, i32 14]
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
define i64 @fields(i8 %a, i64 %b) {
  %p = alloca %pair, align 8
  %pa = getelementptr %pair, ptr %p, i32 0, i32 0
  store i8 %a, ptr %pa
  %pb = getelementptr inbounds %pair, ptr %p, i64 0, i32 1
  store i64 %b, ptr %pb
  %x = load i8, ptr %p
  %y = load i64, ptr %pb
  %xw = zext i8 %x to i64
  %m = mul i64 %y, 11
  %r = add i64 %m, %xw
  ret i64 %r
}
define i32 @table(i64 %i) {
  %base = getelementptr [6 x i32], ptr @tbl, i64 0, i64 1
  %p = getelementptr i32, ptr %base, i64 %i
  %v = load i32, ptr %p
  ret i32 %v
}
define i32 @copy(i32 %x) {
  %src = alloca [4 x i32]
  %dst = alloca [4 x i32]
  store i32 %x, ptr %src
  %s1 = getelementptr i32, ptr %src, i64 1
  %t = mul i32 %x, 2
  store i32 %t, ptr %s1
  call void @llvm.memcpy.p0.p0.i64(ptr %dst, ptr %src, i64 8, i1 false)
  %a = load i32, ptr %dst
  %d1 = getelementptr i32, ptr %dst, i64 1
  %b = load i32, ptr %d1
  %r = add i32 %a, %b
  ret i32 %r
}
define i8 @fill(i8 %v) {
  %buf = alloca [5 x i8]
  call void @llvm.memset.p0.i64(ptr %buf, i8 %v, i64 5, i1 false)
  %p0 = getelementptr i8, ptr %buf, i64 0
  %a = load i8, ptr %p0
  %p4 = getelementptr i8, ptr %buf, i64 4
  %b = load i8, ptr %p4
  %s = add i8 %a, %b
  %p2 = getelementptr i8, ptr %buf, i64 2
  %c = load i8, ptr %p2
  %s2 = add i8 %s, %c
  %r = mul i8 %s2, 5
  %q = udiv i8 %r, 3
  ret i8 %q
}
