; After a call that may make the thread quiescent (here: through a helper
; that calls the quiescent external), Quasi loads are no longer folded;
; the one before it is, and guarded.
; test specialize @f 0x7000
; memory 0x7000 quasi 4 9 deps=0x7100 what=File.flags
; quiescent hal_sleep
declare void @hal_sleep()

define void @wait() noinline {
  call void @hal_sleep()
  ret void
}

define i32 @f(ptr %file) {
  %a = load i32, ptr %file
  call void @wait()
  %b = load i32, ptr %file
  %s = add i32 %a, %b
  ret i32 %s
}
; ---- expected ----
; define i32 @residual(ptr %a0) {
; entry:
;   call void @wait()
;   %0 = load i32, ptr inttoptr (i64 28672 to ptr)
;   %1 = add i32 9, %0
;   ret i32 %1
; }
; guard File.flags at 0x7000 (4 bytes) = 0x9, deps 0x7100
; 1x read    f %b: dynamic — File.flags: after a point where the thread may have been quiescent
; 1x call    f #1: kept wait — noinline (#[inline(never)] in the source)
