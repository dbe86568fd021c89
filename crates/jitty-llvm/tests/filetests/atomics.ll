; Atomics, fences, volatile accesses.
define i64 @atomics(ptr %p, i64 %v) {
entry:
  %a = load atomic i64, ptr %p seq_cst, align 8
  store atomic i64 %v, ptr %p release, align 8
  %b = load volatile i32, ptr %p, align 4
  store volatile i32 %b, ptr %p, align 4
  %c = atomicrmw add ptr %p, i64 1 monotonic, align 8
  %d = atomicrmw volatile umax ptr %p, i64 %c acq_rel, align 8
  %e = cmpxchg weak volatile ptr %p, i64 %a, i64 %d acquire monotonic, align 8
  %f = extractvalue { i64, i1 } %e, 0
  %ok = extractvalue { i64, i1 } %e, 1
  fence syncscope("singlethread") seq_cst
  fence acquire
  %r = select i1 %ok, i64 %f, i64 0
  ret i64 %r
}

; ---- expected ----
;
;
; define i64 @atomics(ptr %p, i64 %v) {
; entry:
;   %a = load atomic i64, ptr %p seq_cst, align 8
;   store atomic i64 %v, ptr %p release, align 8
;   %b = load volatile i32, ptr %p, align 4
;   store volatile i32 %b, ptr %p, align 4
;   %c = atomicrmw add ptr %p, i64 1 monotonic, align 8
;   %d = atomicrmw volatile umax ptr %p, i64 %c acq_rel, align 8
;   %e = cmpxchg weak volatile ptr %p, i64 %a, i64 %d acquire monotonic, align 8
;   %f = extractvalue { i64, i1 } %e, 0
;   %ok = extractvalue { i64, i1 } %e, 1
;   fence seq_cst
;   fence acquire
;   %r = select i1 %ok, i64 %f, i64 0
;   ret i64 %r
; }
