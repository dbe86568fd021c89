; Verifier invariant 3: every referenced constant exists. The reader only
; refers to constants it made, so the command points an initializer past
; the constant pool.
; command: init-out-of-pool @g
@g = global i32 7

; ---- expected ----
; verify error: in `@g`: initializer is not in the constant pool
