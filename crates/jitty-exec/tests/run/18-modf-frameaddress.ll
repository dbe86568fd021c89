; `llvm.modf` and `llvm.frameaddress`, which QuickJS reaches (Math
; functions; `js_check_stack_overflow` and libregexp's stack check). modf
; returns { fractional part, integral part }: the fraction keeps the sign of
; x (-2.0 gives -0.0), infinities give a zero fraction, NaN gives NaN in
; both. Results are bit patterns; expected values checked against `lli-22`.
; The frame address must fall as calls nest: a callee's is not above its
; caller's, and a recursion that allocates 64 bytes a frame passes a limit
; 4 KiB below its first frame in a bounded number of frames.
; run: i64 @frac64(double -2.5) == -4620693217682128896
; run: i64 @int64(double -2.5) == -4611686018427387904
; run: i64 @frac64(double -2.0) == -9223372036854775808
; run: i64 @int64(double -0.5) == -9223372036854775808
; run: i64 @frac64(double 0x7FF0000000000000) == 0
; run: i64 @frac64(double 0xFFF0000000000000) == -9223372036854775808
; run: i64 @int64(double 0xFFF0000000000000) == -4503599627370496
; run: i1 @nan_parts_negative(double 0xFFF8000000000000) == 1
; run: i32 @frac32(float 3.75) == 1061158912
; run: i32 @int32(float -7.25) == -1059061760
; run: i128 @vec_frac(double 1.25, double -9.5) == <2 x i64> <4598175219545276416, -4620693217682128896>
; run: i128 @vec_int(double 1.25, double -9.5) == <2 x i64> <4607182418800017408, -4602115869219225600>
; run: i1 @callee_not_above() == 1
; run: i1 @recursion_passes_limit() == 1
declare { double, double } @llvm.modf.f64(double)
declare { float, float } @llvm.modf.f32(float)
declare { <2 x double>, <2 x double> } @llvm.modf.v2f64(<2 x double>)
declare ptr @llvm.frameaddress.p0(i32)

define i64 @frac64(double %x) {
  %r = call { double, double } @llvm.modf.f64(double %x)
  %f = extractvalue { double, double } %r, 0
  %b = bitcast double %f to i64
  ret i64 %b
}
define i64 @int64(double %x) {
  %r = call { double, double } @llvm.modf.f64(double %x)
  %i = extractvalue { double, double } %r, 1
  %b = bitcast double %i to i64
  ret i64 %b
}
define i1 @nan_parts_negative(double %x) {
  %r = call { double, double } @llvm.modf.f64(double %x)
  %f = extractvalue { double, double } %r, 0
  %i = extractvalue { double, double } %r, 1
  %fb = bitcast double %f to i64
  %ib = bitcast double %i to i64
  %fn = fcmp uno double %f, %i
  %fs = icmp slt i64 %fb, 0
  %is = icmp slt i64 %ib, 0
  %a = and i1 %fn, %fs
  %b = and i1 %a, %is
  ret i1 %b
}
define i32 @frac32(float %x) {
  %r = call { float, float } @llvm.modf.f32(float %x)
  %f = extractvalue { float, float } %r, 0
  %b = bitcast float %f to i32
  ret i32 %b
}
define i32 @int32(float %x) {
  %r = call { float, float } @llvm.modf.f32(float %x)
  %i = extractvalue { float, float } %r, 1
  %b = bitcast float %i to i32
  ret i32 %b
}
define i128 @vec_frac(double %a, double %b) {
  %v0 = insertelement <2 x double> poison, double %a, i32 0
  %v = insertelement <2 x double> %v0, double %b, i32 1
  %r = call { <2 x double>, <2 x double> } @llvm.modf.v2f64(<2 x double> %v)
  %f = extractvalue { <2 x double>, <2 x double> } %r, 0
  %bits = bitcast <2 x double> %f to i128
  ret i128 %bits
}
define i128 @vec_int(double %a, double %b) {
  %v0 = insertelement <2 x double> poison, double %a, i32 0
  %v = insertelement <2 x double> %v0, double %b, i32 1
  %r = call { <2 x double>, <2 x double> } @llvm.modf.v2f64(<2 x double> %v)
  %i = extractvalue { <2 x double>, <2 x double> } %r, 1
  %bits = bitcast <2 x double> %i to i128
  ret i128 %bits
}

define internal i64 @frame_here() noinline {
  %p = call ptr @llvm.frameaddress.p0(i32 0)
  %a = ptrtoint ptr %p to i64
  ret i64 %a
}
define i1 @callee_not_above() {
  %p = call ptr @llvm.frameaddress.p0(i32 0)
  %mine = ptrtoint ptr %p to i64
  %theirs = call i64 @frame_here()
  %nonzero = icmp ne i64 %mine, 0
  %below = icmp ule i64 %theirs, %mine
  %ok = and i1 %nonzero, %below
  ret i1 %ok
}

; Frames deeper than `limit` return their depth; the caller checks it is
; positive and bounded.
define internal i32 @descend(i32 %n, i64 %limit) noinline {
  %pad = alloca [64 x i8], align 16
  store volatile i8 1, ptr %pad, align 16
  %p = call ptr @llvm.frameaddress.p0(i32 0)
  %sp = ptrtoint ptr %p to i64
  %deep = icmp ult i64 %sp, %limit
  %cap = icmp sge i32 %n, 100000
  %stop = or i1 %deep, %cap
  br i1 %stop, label %done, label %more
done:
  ret i32 %n
more:
  %n1 = add i32 %n, 1
  %r = call i32 @descend(i32 %n1, i64 %limit)
  ret i32 %r
}
define i1 @recursion_passes_limit() {
  %p = call ptr @llvm.frameaddress.p0(i32 0)
  %top = ptrtoint ptr %p to i64
  %limit = sub i64 %top, 4096
  %n = call i32 @descend(i32 0, i64 %limit)
  %pos = icmp sgt i32 %n, 0
  %bounded = icmp slt i32 %n, 100000
  %ok = and i1 %pos, %bounded
  ret i1 %ok
}
