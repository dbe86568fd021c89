/* ABI corners: byval structs, sret, struct returns from libc, varargs in IR
 * functions forwarded to vprintf, function-pointer tables, __int128,
 * bitfields, unions, switch, libm calls, callbacks from libc. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

struct Big { long a, b, c, d; char tag[9]; };
struct Small { int x; float y; };
struct BF { unsigned a : 3; signed b : 13; unsigned long long c : 41; unsigned d : 1; };
union U { float f; uint32_t u; unsigned char b[4]; };

__attribute__((noinline)) static long sum_big(struct Big b) { b.a += 100; return b.a + b.b + b.c + b.d + b.tag[0]; }
__attribute__((noinline)) static struct Big make_big(long k) { struct Big b = {k, 2 * k, 3 * k, 4 * k, "bigtag"}; return b; }
__attribute__((noinline)) static struct Small make_small(int x) { struct Small s = {x, x * 0.5f}; return s; }

static void say(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
}

static int vsum(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int s = 0;
  for (int i = 0; i < n; i++) s += va_arg(ap, int);
  double d = va_arg(ap, double);
  va_end(ap);
  return s + (int)d;
}

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int (*const ops[])(int, int) = {add, sub, mul};

static int cmp_desc(const void *a, const void *b) { return *(const long *)b > *(const long *)a ? 1 : -1; }

static const char *name(int k) {
  switch (k) {
    case 0: return "zero";
    case 1: return "one";
    case 7: return "seven";
    case 1000: return "thousand";
    default: return "many";
  }
}

int main(int argc, char **argv) {
  struct Big b = make_big(argc);
  printf("big %ld %ld %s\n", sum_big(b), b.a, b.tag);
  struct Small s = make_small(9);
  printf("small %d %.2f\n", s.x, s.y);
  div_t q = div(17, 5);
  ldiv_t lq = ldiv(-17L, 5L);
  printf("div %d %d %ld %ld\n", q.quot, q.rem, lq.quot, lq.rem);
  say("say %d %s %.3f %c %lu\n", 42, "str", 2.5, 'z', 123456789012UL);
  printf("vsum %d\n", vsum(4, 1, 2, 3, 4, 10.75));
  for (int i = 0; i < 3; i++) printf("op%d %d ", i, ops[i](7, 3));
  printf("\n");
  long xs[6] = {5, -2, 99, 0, 7, 7};
  qsort(xs, 6, sizeof(long), cmp_desc);
  for (int i = 0; i < 6; i++) printf("%ld ", xs[i]);
  printf("\n");
  __int128 big = (__int128)0x123456789abcdefLL * 0x1000000000LL + argc;
  unsigned __int128 ub = (unsigned __int128)big * big;
  printf("i128 %llx %llx %llx\n", (unsigned long long)(big >> 64), (unsigned long long)big,
         (unsigned long long)(ub >> 70));
  struct BF bf = {5, -1000, 0x1ffffffffffULL, 1};
  bf.b += argc;
  bf.c -= 3;
  printf("bf %u %d %llx %u %zu\n", bf.a, bf.b, (unsigned long long)bf.c, bf.d, sizeof bf);
  union U u;
  u.f = 1.0f;
  printf("union %08x %u\n", u.u, u.b[3]);
  for (int k = 0; k < 9; k += 3) printf("%s ", name(k == 6 ? 1000 : k));
  printf("\n");
  printf("math %.6f %.6f %.6f %.3f\n", sqrt(2.0 * argc), sin(0.5), pow(1.5, 3.2), floor(-2.5));
  char buf[64];
  strcpy(buf, "hello");
  strcat(buf, ", world");
  printf("%s %zu %d\n", buf, strlen(buf), memcmp(buf, "hello", 5));
  unsigned char sat = 250;
  for (int i = 0; i < 10; i++) sat = sat + 1 > 255 ? 255 : sat + 1;
  printf("sat %u %X\n", sat, 0xDEADBEEFu >> (argc + 3));
  return argc + 40;
}
