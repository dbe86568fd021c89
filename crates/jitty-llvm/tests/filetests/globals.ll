; Linkage, visibility, TLS, sections, comdats, aliases, module asm, noreturn.
source_filename = "globals.c"
target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
target triple = "x86_64-unknown-linux-gnu"
module asm ".globl foo"

$c = comdat any

@a = dso_local global i32 1, align 4
@b = internal thread_local(initialexec) global i32 0, section ".tbss", align 4
@c = linkonce_odr hidden unnamed_addr constant i32 3, comdat, align 4
@d = weak global i32 4
@e = extern_weak global i32
@f = common global i64 0, align 8
@"quoted name" = private global i8 0
@0 = private constant i8 1
@al = alias i32, ptr @a
@al2 = internal alias i8, ptr getelementptr (i8, ptr @a, i64 1)

define internal void @abort_like() #0 {
  unreachable
}

define linkonce_odr hidden void @"\01weird"() comdat($c) section ".text.x" align 16 {
  ret void
}

attributes #0 = { noreturn nounwind }

; ---- expected ----
; source_filename = "globals.c"
; target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
; target triple = "x86_64-unknown-linux-gnu"
; module asm ".globl foo"
;
; @a = global i32 1, align 4
; @b = internal thread_local global i32 0, section ".tbss", align 4
; @c = linkonce_odr unnamed_addr constant i32 3, align 4
; @d = weak global i32 4
; @e = extern_weak global i32
; @f = common global i64 0, align 8
; @"quoted name" = private global i8 0
; @0 = private constant i8 1
; @al = alias i32, ptr @a
; @al2 = internal alias i8, ptr getelementptr (i8, ptr @a, i64 1)
;
; define internal void @abort_like() noreturn {
; 0:
;   unreachable
; }
;
; define linkonce_odr void @"\01weird"() section ".text.x" align 16 {
; 0:
;   ret void
; }
