/* Loops amenable to vectorization, goto, recursion, computed values. */
#include <stdint.h>
#include <stdio.h>
static uint32_t arr[1024];
uint64_t checksum(const uint8_t *p, int n) {
  uint64_t h = 1469598103934665603ULL;
  for (int i = 0; i < n; i++) { h ^= p[i]; h *= 1099511628211ULL; }
  return h;
}
void fill(float *restrict a, const float *restrict b, int n) {
  for (int i = 0; i < n; i++) a[i] = b[i] * 2.0f + 1.0f;
}
int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
int find(const int *v, int n, int x) {
  int i = 0;
again:
  if (i >= n) goto out;
  if (v[i] == x) return i;
  i++;
  goto again;
out:
  return -1;
}
int main(void) {
  float a[256], b[256];
  for (int i = 0; i < 256; i++) { b[i] = (float)i; arr[i] = i * 7u; }
  fill(a, b, 256);
  int v[5] = { 4, 8, 15, 16, 23 };
  printf("%llu %f %d %d\n", (unsigned long long)checksum((const uint8_t *)arr, 4096), a[100], fact(10), find(v, 5, 16));
  return 0;
}
