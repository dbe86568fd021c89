; Loads through a chain of Const fields fold; a load the oracle does not
; vouch for (offset 16 of the second object) stays residual.
; test specialize @get 0x1000 _
; memory 0x1000 const 8 0x2000 what=Root.obj
; memory 0x2000 const 4 7 what=Obj.k
define i32 @get(ptr %root, i32 %x) {
  %obj = load ptr, ptr %root
  %kp = getelementptr inbounds i8, ptr %obj, i64 0
  %k = load i32, ptr %kp
  %dp = getelementptr inbounds i8, ptr %obj, i64 16
  %d = load i32, ptr %dp
  %s = add i32 %k, %x
  %t = mul i32 %s, %d
  ret i32 %t
}
; ---- expected ----
; define i32 @residual(ptr %a0, i32 %a1) {
; entry:
;   %0 = load i32, ptr inttoptr (i64 8208 to ptr)
;   %1 = add i32 7, %a1
;   %2 = mul i32 %1, %0
;   ret i32 %2
; }
; 1x read    get %d: dynamic — not annotated
