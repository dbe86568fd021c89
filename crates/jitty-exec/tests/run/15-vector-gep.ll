; Vector `getelementptr`: a scalar base with a vector index (as SLP emits in
; SQLite, constant vector index included), a vector base with a scalar
; index, both vectors through a struct field, a narrow index (sign-extended),
; four lanes, and loads through the lanes. Results are byte offsets from
; @g (bitcast to an integer; no function takes a vector argument, which
; the JIT leaves to the interpreter); expected values checked against `lli-22`.
; run: i128 @scalar_base(i64 5) == <2 x i64> <20, 28>
; run: i128 @scalar_base(i64 -2) == <2 x i64> <-8, 28>
; run: i128 @const_index(i64 3) == <2 x i64> <3, 59>
; run: i128 @vector_base(i64 2) == <2 x i64> <16, 32>
; run: i128 @both_struct(i64 1) == <2 x i64> <20, 76>
; run: i128 @narrow_index(i32 -3) == <2 x i64> <-2, -6>
; run: i128 @four_lanes(i64 1) == <4 x i32> <8, 16, 24, 40>
; run: i64 @load_lanes(i64 2) == 80
%S = type { i8, i32, [3 x i16] }
@g = global [16 x i64] [i64 0, i64 10, i64 20, i64 30, i64 40, i64 50, i64 60, i64 70, i64 80, i64 90, i64 100, i64 110, i64 120, i64 130, i64 140, i64 150], align 16

define i128 @scalar_base(i64 %x) {
  %v0 = insertelement <2 x i64> poison, i64 %x, i32 0
  %v = insertelement <2 x i64> %v0, i64 7, i32 1
  %p = getelementptr inbounds i32, ptr @g, <2 x i64> %v
  %oa = ptrtoint <2 x ptr> %p to <2 x i64>
  %og0 = insertelement <2 x i64> poison, i64 ptrtoint (ptr @g to i64), i32 0
  %ogs = shufflevector <2 x i64> %og0, <2 x i64> poison, <2 x i32> zeroinitializer
  %od = sub <2 x i64> %oa, %ogs
  %r = bitcast <2 x i64> %od to i128
  ret i128 %r
}
define i128 @const_index(i64 %x) {
  %b = getelementptr i8, ptr @g, i64 %x
  %p = getelementptr i8, ptr %b, <2 x i64> <i64 0, i64 56>
  %oa = ptrtoint <2 x ptr> %p to <2 x i64>
  %og0 = insertelement <2 x i64> poison, i64 ptrtoint (ptr @g to i64), i32 0
  %ogs = shufflevector <2 x i64> %og0, <2 x i64> poison, <2 x i32> zeroinitializer
  %od = sub <2 x i64> %oa, %ogs
  %r = bitcast <2 x i64> %od to i128
  ret i128 %r
}
define i128 @vector_base(i64 %x) {
  %b = getelementptr i8, ptr @g, <2 x i64> <i64 0, i64 16>
  %p = getelementptr i64, <2 x ptr> %b, i64 %x
  %oa = ptrtoint <2 x ptr> %p to <2 x i64>
  %og0 = insertelement <2 x i64> poison, i64 ptrtoint (ptr @g to i64), i32 0
  %ogs = shufflevector <2 x i64> %og0, <2 x i64> poison, <2 x i32> zeroinitializer
  %od = sub <2 x i64> %oa, %ogs
  %r = bitcast <2 x i64> %od to i128
  ret i128 %r
}
; %S is 16 bytes (14 rounded up to its 4-byte alignment), field 1 at 4:
; lane 0 = 0 + 16*x + 4, lane 1 = 24 + 16*3 + 4.
define i128 @both_struct(i64 %x) {
  %b = getelementptr i8, ptr @g, <2 x i64> <i64 0, i64 24>
  %i = insertelement <2 x i64> <i64 0, i64 3>, i64 %x, i32 0
  %p = getelementptr %S, <2 x ptr> %b, <2 x i64> %i, i32 1
  %oa = ptrtoint <2 x ptr> %p to <2 x i64>
  %og0 = insertelement <2 x i64> poison, i64 ptrtoint (ptr @g to i64), i32 0
  %ogs = shufflevector <2 x i64> %og0, <2 x i64> poison, <2 x i32> zeroinitializer
  %od = sub <2 x i64> %oa, %ogs
  %r = bitcast <2 x i64> %od to i128
  ret i128 %r
}
define i128 @narrow_index(i32 %x) {
  %i = insertelement <2 x i32> <i32 -1, i32 0>, i32 %x, i32 1
  %p = getelementptr i16, ptr @g, <2 x i32> %i
  %oa = ptrtoint <2 x ptr> %p to <2 x i64>
  %og0 = insertelement <2 x i64> poison, i64 ptrtoint (ptr @g to i64), i32 0
  %ogs = shufflevector <2 x i64> %og0, <2 x i64> poison, <2 x i32> zeroinitializer
  %od = sub <2 x i64> %oa, %ogs
  %r = bitcast <2 x i64> %od to i128
  ret i128 %r
}
define i128 @four_lanes(i64 %x) {
  %s = insertelement <4 x i64> poison, i64 %x, i32 0
  %splat = shufflevector <4 x i64> %s, <4 x i64> poison, <4 x i32> zeroinitializer
  %i = add <4 x i64> %splat, <i64 0, i64 1, i64 2, i64 4>
  %p = getelementptr [1 x i64], ptr @g, <4 x i64> %i, i64 0
  %a = ptrtoint <4 x ptr> %p to <4 x i64>
  %g0 = insertelement <4 x i64> poison, i64 ptrtoint (ptr @g to i64), i32 0
  %gs = shufflevector <4 x i64> %g0, <4 x i64> poison, <4 x i32> zeroinitializer
  %d = sub <4 x i64> %a, %gs
  %t = trunc <4 x i64> %d to <4 x i32>
  %r = bitcast <4 x i32> %t to i128
  ret i128 %r
}
; Loads through both lanes: @g[x+1] + @g[x+3] = 10(x+1) + 10(x+3).
define i64 @load_lanes(i64 %x) {
  %s = insertelement <2 x i64> poison, i64 %x, i32 0
  %splat = shufflevector <2 x i64> %s, <2 x i64> poison, <2 x i32> zeroinitializer
  %i = add <2 x i64> %splat, <i64 1, i64 3>
  %p = getelementptr i64, ptr @g, <2 x i64> %i
  %p0 = extractelement <2 x ptr> %p, i32 0
  %p1 = extractelement <2 x ptr> %p, i32 1
  %a = load i64, ptr %p0, align 8
  %b = load i64, ptr %p1, align 8
  %r = add i64 %a, %b
  ret i64 %r
}
