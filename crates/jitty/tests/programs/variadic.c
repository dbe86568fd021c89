/* A variadic function defined in the program (va_start/va_arg), called in a
 * loop and through a pointer: the JIT cannot compile it, and main, compiled,
 * calls it through its variadic native entry; the program must behave as
 * natively. */
#include <stdarg.h>
#include <stdio.h>

__attribute__((noinline)) static long sum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    long s = 0;
    for (int i = 0; i < n; i++) s += va_arg(ap, int);
    va_end(ap);
    return s;
}

int main(int argc, char **argv) {
    long (*volatile f)(int, ...) = sum;
    long t = 0;
    for (int i = 0; i < 1000; i++) t += sum(3, i, argc, 7) + f(2, i, 1);
    printf("%ld\n", t);
    return (int)(t & 0x7f);
}
