/* Structs, unions, bitfields, varargs, function pointers, switch, long double. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct point { int x, y; };
struct packed_s { char c; long l; } __attribute__((packed));
union u { float f; unsigned int i; };
struct bits { unsigned a : 3; unsigned b : 13; int c : 7; };
static const char *names[] = { "zero", "one", "two\tthree \"q\"" };
long double ld = 1.25L;
__int128 big = ((__int128)1 << 100) - 3;
_Thread_local int tls = 4;
typedef int (*binop)(int, int);
static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
binop ops[2] = { add, sub };
int sum(int n, ...) {
  va_list ap; va_start(ap, n); int s = 0;
  for (int i = 0; i < n; i++) s += va_arg(ap, int);
  va_end(ap); return s;
}
struct point mid(struct point a, struct point b) { struct point r = { (a.x + b.x) / 2, (a.y + b.y) / 2 }; return r; }
int classify(int k) {
  switch (k) { case 0: return 10; case 1: return 20; case 5: return 7; case 100: return -1; default: return k * 2; }
}
double mathy(double x, float y) { return x / 3.0 + y * 0.1f - (double)ld; }
int main(int argc, char **argv) {
  struct point p = mid((struct point){1, 2}, (struct point){argc, 9});
  union u uu; uu.f = 1.5f;
  struct bits bb = { 5, 100, -3 };
  struct packed_s ps = { 'a', 77 };
  char *buf = malloc(64);
  strcpy(buf, names[argc % 3]);
  printf("%d %d %u %d %d %s %d %f %d %ld\n", p.x, p.y, uu.i, bb.c + bb.a, ops[argc & 1](3, 4), buf,
         sum(3, 1, 2, 3), mathy(2.0, 3.0f), classify(argc), ps.l);
  printf("%lld %d\n", (long long)(big >> 64), tls);
  free(buf);
  return 0;
}
