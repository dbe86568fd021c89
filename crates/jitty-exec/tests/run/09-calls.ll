; Calls: recursion, indirect calls through function pointers, and a call
; to the host's libc.
; run: i64 @fact(i64 20) == 2432902008176640000
; run: i32 @pick(i1 true, i32 6) == 36
; run: i32 @pick(i1 false, i32 6) == 12
; run: i64 @len() == 11
@msg = private constant [12 x i8] c"hello world\00"
declare i64 @strlen(ptr)
define i64 @fact(i64 %n) {
  %z = icmp ule i64 %n, 1
  br i1 %z, label %one, label %rec
one:
  ret i64 1
rec:
  %m = sub i64 %n, 1
  %f = call i64 @fact(i64 %m)
  %r = mul i64 %n, %f
  ret i64 %r
}
define internal i32 @square(i32 %x) {
  %r = mul i32 %x, %x
  ret i32 %r
}
define internal i32 @twice(i32 %x) {
  %r = add i32 %x, %x
  ret i32 %r
}
define i32 @pick(i1 %c, i32 %x) {
  %f = select i1 %c, ptr @square, ptr @twice
  %r = call i32 %f(i32 %x)
  ret i32 %r
}
define i64 @len() {
  %r = call i64 @strlen(ptr @msg)
  ret i64 %r
}
