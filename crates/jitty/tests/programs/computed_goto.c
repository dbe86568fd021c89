/* Computed goto (`blockaddress`/`indirectbr`): a bytecode VM dispatched
   through a static table of label addresses, as Lua's luaV_execute is, and
   label addresses used as values (stored, compared, chosen at run time). */
#include <stdio.h>

enum { PUSH, ADD, MUL, DUP, JNZ, DEC, SWAP, PRINT, HALT };

static long run(const unsigned char *code) {
    static const void *const table[] = { &&op_push, &&op_add, &&op_mul, &&op_dup, &&op_jnz,
                                         &&op_dec, &&op_swap, &&op_print, &&op_halt };
    long stack[64];
    int sp = 0;
    const unsigned char *pc = code;
    long steps = 0;
#define NEXT do { steps++; goto *table[*pc++]; } while (0)
    NEXT;
op_push: stack[sp++] = *pc++; NEXT;
op_add: sp--; stack[sp - 1] += stack[sp]; NEXT;
op_mul: sp--; stack[sp - 1] *= stack[sp]; NEXT;
op_dup: stack[sp] = stack[sp - 1]; sp++; NEXT;
op_jnz: { unsigned char t = *pc++; if (stack[--sp]) pc = code + t; } NEXT;
op_dec: stack[sp - 1]--; NEXT;
op_swap: { long x = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = x; } NEXT;
op_print: printf("%ld\n", stack[sp - 1]); NEXT;
op_halt: return steps * 1000 + (sp ? stack[sp - 1] : 0);
}

/* Label addresses as values. */
static const void *last;
static int classify(int x) {
    const void *where = x < 0 ? &&neg : x == 0 ? &&zero : &&pos;
    if (where == last) printf("same label as before: %d\n", x);
    last = where;
    goto *where;
neg: return -1;
zero: return 0;
pos: return 1;
}

int main(int argc, char **argv) {
    (void)argv;
    unsigned char count[] = { PUSH, 5, /*2*/ PRINT, DEC, DUP, JNZ, 2, HALT };
    printf("count = %ld\n", run(count));
    /* acc * n for n = argc + 9 down to 1: [acc n] */
    unsigned char fact[] = { PUSH, 1, PUSH, (unsigned char)(argc + 9),
        /*4*/ DUP, JNZ, 8, HALT,
        /*8*/ DUP, PUSH, 0, ADD, SWAP, DEC, SWAP, /* acc n-1 n */
        PUSH, 0, JNZ, 0, /* (never taken) */
        MUL, PRINT, HALT };
    printf("fact = %ld\n", run(fact));
    unsigned char arith[] = { PUSH, 6, PUSH, 7, MUL, PUSH, 100, ADD, PRINT, HALT };
    printf("arith = %ld\n", run(arith));
    int s = 0;
    for (int i = -3; i <= 3; i++) s = s * 3 + classify(i) + 1;
    printf("classify = %d\n", s);
    return (int)(run(arith) % 256);
}
