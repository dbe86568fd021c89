/* Variadic functions defined in the program, called from compiled code
   (under `--engine jit` the callers are compiled and the variadic
   definitions run on the interpreter, entered through their native entry):
   integer and double arguments beyond the registers (on the stack), a fixed
   double parameter, a va_list handed on to libc's vsnprintf, va_copy, and
   a call through a function pointer. */
#include <stdarg.h>
#include <stdio.h>

__attribute__((noinline)) long sum_ints(int n, ...) {
    va_list ap;
    va_start(ap, n);
    long s = 0;
    for (int i = 0; i < n; i++) s = s * 3 + va_arg(ap, int);
    va_end(ap);
    return s;
}

__attribute__((noinline)) double sum_doubles(double scale, int n, ...) {
    va_list ap, again;
    va_start(ap, n);
    va_copy(again, ap);
    double s = 0;
    for (int i = 0; i < n; i++) s = s * 1.5 + va_arg(ap, double);
    double t = 0;
    for (int i = 0; i < n; i++) t += va_arg(again, double);
    va_end(again);
    va_end(ap);
    return scale * s + t;
}

__attribute__((noinline)) int format(char *out, int size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(out, size, fmt, ap);
    va_end(ap);
    return r;
}

__attribute__((noinline)) const char *mixed(int n, ...) {
    static char buf[256];
    va_list ap;
    va_start(ap, n);
    int off = 0;
    for (int i = 0; i < n; i++) {
        if (i % 3 == 0)
            off += snprintf(buf + off, sizeof buf - off, "%d;", va_arg(ap, int));
        else if (i % 3 == 1)
            off += snprintf(buf + off, sizeof buf - off, "%.3f;", va_arg(ap, double));
        else
            off += snprintf(buf + off, sizeof buf - off, "%s;", va_arg(ap, const char *));
    }
    va_end(ap);
    return buf;
}

int main(int argc, char **argv) {
    (void)argv;
    printf("ints %ld\n", sum_ints(10, 1, 2, 3, 4, 5, 6, 7, 8, 9, argc));
    printf("doubles %.6f\n", sum_doubles(0.5, 11, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.5));
    char out[128];
    int r = format(out, sizeof out, "%s %d %.2f %c %ld %x %s %d %g", "x", 42, 2.5, 'q', 1234567890123L, 255, "end",
                   -7, 1e-3);
    printf("format %d [%s]\n", r, out);
    printf("mixed %s\n", mixed(9, 1, 1.5, "a", 2, 2.25, "b", 3, 3.125, "c"));
    long (*fp)(int, ...) = sum_ints;
    printf("pointer %ld\n", fp(3, 7, 8, 9));
    return (int)(sum_ints(2, argc, 5) & 0x7f);
}
