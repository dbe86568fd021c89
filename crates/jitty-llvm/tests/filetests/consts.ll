; Constants of every kind.
%T = type { i8, [3 x i16], ptr }
%P = type <{ i8, i64 }>
%Opaque = type opaque

@str = private unnamed_addr constant [6 x i8] c"hi\0A\22\\\00", align 1
@i128 = global i128 -170141183460469231731687303715884105727
@u = global i64 u0xFFFFFFFFFFFFFFFF
@floats = global { float, double, half, bfloat, x86_fp80, fp128 } { float 1.000000e-01, double -0.000000e+00, half 0xH3C00, bfloat 0xR3F80, x86_fp80 0xK3FFF8000000000000000, fp128 0xL00000000000000003FFF000000000000 }
@inf = global double 0x7FF0000000000000
@nan = global float 0x7FF8000000000000
@t = global %T { i8 1, [3 x i16] [i16 1, i16 2, i16 -1], ptr @str }
@p = global %P <{ i8 7, i64 8 }>
@vec = global <4 x i32> <i32 1, i32 2, i32 3, i32 4>
@splat = global <2 x i64> splat (i64 9)
@z = global [2 x %T] zeroinitializer
@ce = global ptr getelementptr inbounds nuw (i8, ptr @str, i64 2)
@ce2 = global i64 sub (i64 ptrtoint (ptr @t to i64), i64 ptrtoint (ptr @str to i64))
@ce3 = global ptr inttoptr (i64 add (i64 ptrtoint (ptr @p to i64), i64 1) to ptr)
@u1 = global i32 undef
@p1 = global i32 poison
@n = global ptr null
@b = global i1 true
@empty = global {} zeroinitializer
@ext = external global %Opaque

; ---- expected ----
;
; %T = type { i8, [3 x i16], ptr }
; %P = type <{ i8, i64 }>
; %Opaque = type opaque
; @str = private unnamed_addr constant [6 x i8] c"hi\0A\22\5C\00", align 1
; @i128 = global i128 -170141183460469231731687303715884105727
; @u = global i64 -1
; @floats = global { float, double, half, bfloat, x86_fp80, fp128 } { float 0x3FB99999A0000000, double 0x8000000000000000, half 0xH3C00, bfloat 0xR3F80, x86_fp80 0xK3FFF8000000000000000, fp128 0xL00000000000000003FFF000000000000 }
; @inf = global double 0x7FF0000000000000
; @nan = global float 0x7FF8000000000000
; @t = global %T { i8 1, [3 x i16] [i16 1, i16 2, i16 -1], ptr @str }
; @p = global %P <{ i8 7, i64 8 }>
; @vec = global <4 x i32> <i32 1, i32 2, i32 3, i32 4>
; @splat = global <2 x i64> splat (i64 9)
; @z = global [2 x %T] zeroinitializer
; @ce = global ptr getelementptr inbounds nuw (i8, ptr @str, i64 2)
; @ce2 = global i64 sub (i64 ptrtoint (ptr @t to i64), i64 ptrtoint (ptr @str to i64))
; @ce3 = global ptr inttoptr (i64 add (i64 ptrtoint (ptr @p to i64), i64 1) to ptr)
; @u1 = global i32 undef
; @p1 = global i32 poison
; @n = global ptr null
; @b = global i1 true
; @empty = global {} zeroinitializer
; @ext = external global %Opaque
