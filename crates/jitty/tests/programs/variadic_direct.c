/* main calls a variadic function defined in the same file (built at -O0, so
 * the call stays a plain direct call). The JIT leaves `sum` to the
 * interpreter; the compiled main enters it through its variadic native
 * entry. */
#include <stdarg.h>
#include <stdio.h>

int sum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    int s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, int);
    va_end(ap);
    return s;
}

int main(void) {
    int s = sum(4, 10, 20, 30, 2);
    printf("sum=%d\n", s);
    return s & 0x7f;
}
