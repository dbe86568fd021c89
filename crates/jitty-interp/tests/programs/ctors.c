/* Global constructors and destructors run around main, as lli runs them. */
#include <stdio.h>
static int order[4], n;
__attribute__((constructor(200))) static void late(void) { order[n++] = 2; }
__attribute__((constructor(101))) static void early(void) { order[n++] = 1; }
__attribute__((destructor)) static void bye(void) { printf("dtor %d\n", n); fflush(stdout); }
int main(void) {
  printf("ctors ran: %d [%d %d]\n", n, order[0], order[1]);
  return 0;
}
