/* jitty engine benchmark: sieve of Eratosthenes over a byte array, repeated.
 * argv[1] = iterations.
 *
 * jitty-bench: full=10 quick=1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 200000

static char composite[LIMIT + 1];

int main(int argc, char **argv) {
    int iters = argc > 1 ? atoi(argv[1]) : 5;
    long total = 0;
    int count = 0;
    for (int it = 0; it < iters; it++) {
        memset(composite, 0, sizeof composite);
        count = 0;
        for (int i = 2; i <= LIMIT; i++) {
            if (!composite[i]) {
                count++;
                total += i;
                for (long j = (long)i * i; j <= LIMIT; j += i) composite[j] = 1;
            }
        }
    }
    printf("sieve: iterations %d primes %d sum %ld\n", iters, count, total);
    return 0;
}
