define i32 @f(i32 %a) {
entry:
  %x = add i32 %a, %nope
  ret i32 %x
}

; ---- expected ----
; error: err-undefined.ll:3:20: use of undefined value `%nope`
