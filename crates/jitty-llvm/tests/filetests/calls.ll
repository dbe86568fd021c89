; Attributes, calling conventions, tail calls, varargs, bundles, metadata,
; debug records, dropped debug intrinsics, inline asm (a declaration of its
; own that no library defines, so engines refuse the call where it runs;
; an empty one without outputs, a compiler barrier, is dropped, but one
; with an output is not).
%S = type { i64, i64 }

declare i32 @printf(ptr noundef, ...) #0
declare fastcc void @callee(ptr byval(%S) align 8, ptr sret(%S) align 8 captures(none), i8 zeroext, i16 signext, i32 inreg)
declare void @llvm.dbg.value(metadata, metadata, metadata)
declare void @llvm.assume(i1)
declare noundef range(i64 1, -9223372036854775807) i64 @r(ptr dereferenceable(24) initializes((0, 136)) %x) unnamed_addr #0
declare cc 10 void @ghc()

@fmt = private constant [4 x i8] c"%d\0A\00"

define dso_local noundef i32 @main(i32 noundef %argc, ptr noalias nocapture readonly %argv) local_unnamed_addr #0 !dbg !5 {
entry:
  %s = alloca %S, align 8
  %out = alloca %S, align 8
  %arr = alloca i32, i64 4, align 16
  call void @llvm.dbg.value(metadata i32 %argc, metadata !10, metadata !DIExpression()), !dbg !12
    #dbg_value(i32 %argc, !10, !DIExpression(), !12)
  %call = tail call i32 (ptr, ...) @printf(ptr noundef nonnull @fmt, i32 noundef %argc) #1, !dbg !12
  tail call fastcc void @callee(ptr byval(%S) align 8 %s, ptr sret(%S) %out, i8 zeroext 1, i16 signext -2, i32 inreg 3) [ "funclet"(token none) ]
  notail call void @llvm.assume(i1 true) [ "align"(ptr %s, i64 8) ]
  call cc 10 void @ghc()
  call void asm sideeffect "nop", "~{memory}"()
  call void asm sideeffect "", "r,~{memory}"(ptr %s)
  %garbage = call i32 asm sideeffect "", "=r,~{dirflag},~{fpsr},~{flags}"()
  %v = call fast double @llvm.fabs.f64(double 1.500000e+00)
  %x = call i64 @r(ptr %s), !range !13
  ret i32 %call
}

declare double @llvm.fabs.f64(double)

attributes #0 = { nounwind "frame-pointer"="all" }
attributes #1 = { cold }

!llvm.dbg.cu = !{!0}
!0 = distinct !DICompileUnit(language: DW_LANG_C11, file: !1, producer: "clang", isOptimized: true, emissionKind: FullDebug,
  splitDebugInlining: false, nameTableKind: None)
!1 = !DIFile(filename: "t.c", directory: "/tmp")
!5 = distinct !DISubprogram(name: "main", scope: !1, file: !1, line: 3, type: !6, flags: DIFlagPrototyped | DIFlagAllCallsDescribed, unit: !0)
!6 = !DISubroutineType(types: !{})
!10 = !DILocalVariable(name: "argc", arg: 1, scope: !5, file: !1, line: 3, type: !11)
!11 = !DIBasicType(name: "int", size: 32, encoding: DW_ATE_signed)
!12 = !DILocation(line: 4, column: 3, scope: !5)
!13 = !{i64 0, i64 10}

; ---- expected ----
; 28:13: unsupported: inline asm call
; 30:23: unsupported: inline asm call
;
; %S = type { i64, i64 }
; @fmt = private constant [4 x i8] c"%d\0A\00"
;
; declare i32 @printf(ptr, ...)
;
; declare fastcc void @callee(ptr byval(%S) align 8, ptr sret(%S), i8 zeroext, i16 signext, i32 inreg)
;
; declare void @llvm.dbg.value(metadata, metadata, metadata)
;
; declare void @llvm.assume(i1)
;
; declare i64 @r(ptr)
;
; declare cc 10 void @ghc()
;
; define i32 @main(i32 %argc, ptr %argv) {
; entry:
;   %s = alloca %S, align 8
;   %out = alloca %S, align 8
;   %arr = alloca i32, i64 4, align 16
;   %call = tail call i32 (ptr, ...) @printf(ptr @fmt, i32 %argc)
;   tail call fastcc void @callee(ptr byval(%S) align 8 %s, ptr sret(%S) %out, i8 zeroext 1, i16 signext -2, i32 inreg 3)
;   notail call void @llvm.assume(i1 true)
;   call cc 10 void @ghc()
;   call void @"inline asm at 28:13: nop"()
;   %garbage = call i32 @"inline asm at 30:23: "()
;   %v = call nnan ninf nsz arcp contract afn reassoc double @llvm.fabs.f64(double 0x3FF8000000000000)
;   %x = call i64 @r(ptr %s)
;   ret i32 %call
; }
;
; declare double @llvm.fabs.f64(double)
;
; declare void @"inline asm at 28:13: nop"()
;
; declare i32 @"inline asm at 30:23: "()
