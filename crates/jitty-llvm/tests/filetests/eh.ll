; invoke / landingpad / resume with a personality.
declare i32 @rust_eh_personality(...)
declare void @may_throw(i32)

define void @g(i32 %x) personality ptr @rust_eh_personality {
start:
  invoke void @may_throw(i32 %x)
          to label %ok unwind label %cleanup

ok:
  ret void

cleanup:
  %lp = landingpad { ptr, i32 }
          cleanup
          catch ptr null
  resume { ptr, i32 } %lp
}

; ---- expected ----
;
;
; declare i32 @rust_eh_personality(...)
;
; declare void @may_throw(i32)
;
; define void @g(i32 %x) personality ptr @rust_eh_personality {
; start:
;   invoke void @may_throw(i32 %x) to label %ok unwind label %cleanup
; ok:
;   ret void
; cleanup:
;   %lp = landingpad { ptr, i32 } cleanup catch ptr null
;   resume { ptr, i32 } %lp
; }
