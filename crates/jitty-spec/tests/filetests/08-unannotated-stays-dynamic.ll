; Oracle soundness: a load from an address the oracle does not vouch for
; (the object is not annotated) is never folded, even when the address is
; static; a Quasi cell is folded only where it is annotated.
; test specialize @f 0x5000 0x6000
; memory 0x6000 quasi 8 42 deps=0x6100 what=Obj.q
define i64 @f(ptr %unannotated, ptr %annotated) {
  %a = load i64, ptr %unannotated
  %qp = getelementptr inbounds i8, ptr %annotated, i64 8
  %b = load i64, ptr %qp
  %q = load i64, ptr %annotated
  %s = add i64 %a, %b
  %t = add i64 %s, %q
  ret i64 %t
}
; ---- expected ----
; define i64 @residual(ptr %a0, ptr %a1) {
; entry:
;   %0 = load i64, ptr inttoptr (i64 20480 to ptr)
;   %1 = load i64, ptr inttoptr (i64 24584 to ptr)
;   %2 = add i64 %0, %1
;   %3 = add i64 %2, 42
;   ret i64 %3
; }
; guard Obj.q at 0x6000 (8 bytes) = 0x2a, deps 0x6100
; 1x read    f %a: dynamic — not annotated
; 1x read    f %b: dynamic — not annotated
