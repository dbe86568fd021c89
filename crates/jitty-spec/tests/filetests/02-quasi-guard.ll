; A Quasi cell folds and enters the guard set (the whole cell, though the
; load reads one byte of it); the branch on it folds.
; test specialize @f 0x1000 _
; memory 0x1000 quasi 4 0x0102 deps=0x1100 what=File.flags
define i32 @f(ptr %file, i32 %n) {
  %p = getelementptr inbounds i8, ptr %file, i64 1
  %b = load i8, ptr %p
  %c = icmp eq i8 %b, 1
  br i1 %c, label %append, label %plain
append:
  %r = add i32 %n, 100
  ret i32 %r
plain:
  ret i32 %n
}
; ---- expected ----
; define i32 @residual(ptr %a0, i32 %a1) {
; entry:
;   %0 = add i32 %a1, 100
;   ret i32 %0
; }
; guard File.flags at 0x1000 (4 bytes) = 0x102, deps 0x1100
