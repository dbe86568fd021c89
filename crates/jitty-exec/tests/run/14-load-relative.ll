; `llvm.load.relative.iN(ptr %p, iN %off)` = %p + sext(load i32 (%p + %off)),
; as clang -O2 emits it for switch lookup tables of string pointers
; (`@names.rel`, offsets relative to the table folded from constant
; expressions) and with hand-written offsets (negative ones included) and an
; i32 offset operand. Expected values checked against `lli-22`.
; run: i32 @first_char(i64 0) == 122
; run: i32 @first_char(i64 1) == 111
; run: i32 @first_char(i64 2) == 116
; run: i32 @second_char(i64 2) == 119
; run: i64 @raw(i64 0) == -8
; run: i64 @raw(i64 4) == 16
; run: i64 @raw(i64 8) == 0
; run: i64 @raw(i64 12) == -2147483648
; run: i64 @raw32(i32 -4) == 24
; run: i64 @raw32(i32 0) == 8
@.s0 = private unnamed_addr constant [5 x i8] c"zero\00", align 1
@.s1 = private unnamed_addr constant [4 x i8] c"one\00", align 1
@.s2 = private unnamed_addr constant [4 x i8] c"two\00", align 1
@names.rel = private unnamed_addr constant [3 x i32] [i32 trunc (i64 sub (i64 ptrtoint (ptr @.s0 to i64), i64 ptrtoint (ptr @names.rel to i64)) to i32), i32 trunc (i64 sub (i64 ptrtoint (ptr @.s1 to i64), i64 ptrtoint (ptr @names.rel to i64)) to i32), i32 trunc (i64 sub (i64 ptrtoint (ptr @.s2 to i64), i64 ptrtoint (ptr @names.rel to i64)) to i32)], align 4
@offs = private constant [4 x i32] [i32 -8, i32 16, i32 0, i32 -2147483648], align 4

declare ptr @llvm.load.relative.i64(ptr, i64)
declare ptr @llvm.load.relative.i32(ptr, i32)

define i32 @first_char(i64 %i) {
  %off = shl i64 %i, 2
  %s = call ptr @llvm.load.relative.i64(ptr @names.rel, i64 %off)
  %c = load i8, ptr %s, align 1
  %r = zext i8 %c to i32
  ret i32 %r
}
define i32 @second_char(i64 %i) {
  %off = shl i64 %i, 2
  %s = call ptr @llvm.load.relative.i64(ptr @names.rel, i64 %off)
  %p = getelementptr i8, ptr %s, i64 1
  %c = load i8, ptr %p, align 1
  %r = zext i8 %c to i32
  ret i32 %r
}
; The target relative to the table, as a byte difference.
define i64 @raw(i64 %off) {
  %p = call ptr @llvm.load.relative.i64(ptr @offs, i64 %off)
  %a = ptrtoint ptr %p to i64
  %b = ptrtoint ptr @offs to i64
  %d = sub i64 %a, %b
  ret i64 %d
}
; An i32 offset operand, sign-extended: from @offs+8, -4 reads @offs[1]
; (16, so the target is @offs+24), 0 reads @offs[2] (0: @offs+8).
define i64 @raw32(i32 %off) {
  %base = getelementptr i8, ptr @offs, i64 8
  %p = call ptr @llvm.load.relative.i32(ptr %base, i32 %off)
  %a = ptrtoint ptr %p to i64
  %b = ptrtoint ptr @offs to i64
  %d = sub i64 %a, %b
  ret i64 %d
}
