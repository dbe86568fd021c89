#include <stdio.h>
#include <stdlib.h>
#include <string.h>
struct P { int a; long b; char c[5]; };
static struct P gp = {1, 2, "abc"};
static int cmp(const void *a, const void *b) { return *(const int*)a - *(const int*)b; }
int fib(int n) { return n < 2 ? n : fib(n-1) + fib(n-2); }
int main(int argc, char **argv) {
  int xs[] = {5, 3, 9, 1, 7};
  qsort(xs, 5, sizeof(int), cmp);
  for (int i = 0; i < 5; i++) printf("%d ", xs[i]);
  printf("\nfib=%d argc=%d %s %ld %s %.3f %X\n", fib(20), argc, argc > 1 ? argv[1] : "-", gp.b, gp.c, 3.14159, 0xbeefu);
  long double ld = 1.5L; printf("%Lf\n", ld * 2);
  char buf[32]; snprintf(buf, sizeof buf, "%s-%d", "x", 42); puts(buf);
  unsigned long long u = 0xffffffffffffffffULL; printf("%llu %lld\n", u / 3, (long long)u);
  return 3;
}
