/* setjmp/longjmp as C programs use them: within one function, out of
   several nested calls, from a callback that native code (qsort) calls,
   repeatedly in a loop like an error-handling interpreter (Lua's
   luaD_throw / luaD_rawrunprotected), nested handlers, longjmp(buf, 0)
   returning 1, volatile locals kept, and sigsetjmp/siglongjmp restoring the
   signal mask. Under `--engine jit` the functions that call setjmp run on
   the interpreter and the others are compiled, so the jumps cross engines. */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static jmp_buf top;
static int depth_reached;

__attribute__((noinline)) static void thrower(int depth, int code) {
    depth_reached = depth;
    if (depth == 0) longjmp(top, code);
    thrower(depth - 1, code);
    printf("never printed %d\n", depth);
}

/* An error handler chain, like Lua's `struct lua_longjmp`. */
struct handler { jmp_buf b; struct handler *prev; volatile int status; };
static struct handler *current;

__attribute__((noinline)) static void raise_error(int status) {
    current->status = status;
    longjmp(current->b, 1);
}

__attribute__((noinline)) static int protected_call(void (*f)(void *), void *ud) {
    struct handler h;
    h.status = 0;
    h.prev = current;
    current = &h;
    if (setjmp(h.b) == 0) f(ud);
    current = h.prev;
    return h.status;
}

static void fails_at(void *ud) {
    int n = *(int *)ud;
    if (n % 3 == 0) raise_error(100 + n);
}

static void nested(void *ud) {
    int inner = protected_call(fails_at, ud);
    printf("  inner status %d\n", inner);
    if (inner) raise_error(inner + 1000);
}

static int cmp_calls;
static int cmp_throwing(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    if (++cmp_calls == 7) raise_error(77);
    return (x > y) - (x < y);
}

static void sorts(void *ud) {
    (void)ud;
    int v[] = { 9, 3, 7, 1, 8, 2, 6, 4, 5, 0 };
    qsort(v, 10, sizeof v[0], cmp_throwing);
    printf("sorted without error\n");
}

int main(int argc, char **argv) {
    (void)argv;
    /* 1. setjmp returning twice, with the value; nested frames skipped. */
    volatile int round = 0;
    int r = setjmp(top);
    printf("setjmp returned %d (round %d, depth %d)\n", r, round, depth_reached);
    if (round < 3) {
        round++;
        thrower(5 + round, round == 2 ? 0 : 40 + round);
    }
    /* 2. An error-handling loop. */
    int sum = 0;
    for (int i = 0; i < 2000; i++) {
        int st = protected_call(fails_at, &i);
        sum += st;
    }
    printf("loop status sum %d\n", sum);
    /* 3. Nested handlers. */
    for (int i = 2; i <= 4; i++) {
        int st = protected_call(nested, &i);
        printf("nested(%d) -> %d\n", i, st);
    }
    /* 4. A longjmp out of a qsort callback. */
    printf("qsort -> %d after %d comparisons\n", protected_call(sorts, NULL), cmp_calls);
    /* 5. sigsetjmp/siglongjmp restore the signal mask; _setjmp does not. */
    sigset_t set, cur;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigjmp_buf sb;
    volatile int pass = 0;
    if (sigsetjmp(sb, 1) == 0) {
        sigprocmask(SIG_BLOCK, &set, NULL);
        pass = 1;
        siglongjmp(sb, 5);
    }
    sigprocmask(SIG_SETMASK, NULL, &cur);
    printf("after siglongjmp: pass %d, SIGUSR1 blocked %d\n", pass, sigismember(&cur, SIGUSR1));
    return argc + sum % 200;
}
