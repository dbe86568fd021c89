define i32 @f(i64 %a) {
entry:
  %x = add i32 %a, 1
  ret i32 %x
}

; ---- expected ----
; error: err-type.ll:3:16: type mismatch: `%a` has type `i64` but is used as `i32`
