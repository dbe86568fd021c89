/* jitty engine benchmark: CoreMark-like state machine.
 *
 * Classifies comma-separated tokens of a generated buffer (integers,
 * floats, scientific notation, invalid) with a switch-based state machine,
 * mutating the buffer between passes. argv[1] = iterations.
 *
 * jitty-bench: full=300 quick=6
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

enum state { START, INVALID, S1, S2, INT, FLOAT, EXPONENT, SCIENTIFIC, NUM_STATES };

static enum state next_state(const char **instr, uint32_t *transitions) {
    const char *str = *instr;
    enum state st = START;
    for (; *str && st != INVALID; str++) {
        char c = *str;
        if (c == ',') { str++; break; }
        switch (st) {
        case START:
            if (c >= '0' && c <= '9') st = INT;
            else if (c == '+' || c == '-') st = S1;
            else if (c == '.') st = FLOAT;
            else { st = INVALID; transitions[INVALID]++; }
            transitions[START]++;
            break;
        case S1:
            if (c >= '0' && c <= '9') { st = INT; transitions[S1]++; }
            else if (c == '.') { st = FLOAT; transitions[S1]++; }
            else { st = INVALID; transitions[S1]++; }
            break;
        case INT:
            if (c == '.') { st = FLOAT; transitions[INT]++; }
            else if (!(c >= '0' && c <= '9')) { st = INVALID; transitions[INT]++; }
            break;
        case FLOAT:
            if (c == 'E' || c == 'e') { st = S2; transitions[FLOAT]++; }
            else if (!(c >= '0' && c <= '9')) { st = INVALID; transitions[FLOAT]++; }
            break;
        case S2:
            if (c == '+' || c == '-') { st = EXPONENT; transitions[S2]++; }
            else { st = INVALID; transitions[S2]++; }
            break;
        case EXPONENT:
            if (c >= '0' && c <= '9') { st = SCIENTIFIC; transitions[EXPONENT]++; }
            else { st = INVALID; transitions[EXPONENT]++; }
            break;
        case SCIENTIFIC:
            if (!(c >= '0' && c <= '9')) { st = INVALID; transitions[INVALID]++; }
            break;
        default:
            break;
        }
    }
    *instr = str;
    return st;
}

static const char *const patterns[] = {"5012", "1234", "-874", "+122", "35.54", ".1234", "-110.7", "+0.64",
                                       "5.500e+3", "-.123e-2", "-87e+832", "+0.6e-12", "T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^"};

#define SIZE 4000

int main(int argc, char **argv) {
    int iters = argc > 1 ? atoi(argv[1]) : 5;
    static char buf[SIZE + 16];
    int n = 0, k = 0;
    while (n < SIZE - 12) {
        const char *p = patterns[(k * 7 + k / 3) % 16];
        while (*p) buf[n++] = *p++;
        buf[n++] = ',';
        k++;
    }
    buf[n] = 0;
    uint32_t final_counts[NUM_STATES] = {0}, transitions[NUM_STATES] = {0};
    uint32_t crc = 0;
    for (int it = 0; it < iters; it++) {
        const char *p = buf;
        while (*p) {
            enum state s = next_state(&p, transitions);
            final_counts[s]++;
        }
        /* corrupt and repair the buffer like CoreMark does */
        for (int i = it % 13; i < n; i += 13) {
            if (buf[i] != ',') buf[i] ^= (char)(it & 1 ? 0x1 : 0x0);
        }
        for (int s = 0; s < NUM_STATES; s++) crc = crc * 31 + final_counts[s] + transitions[s];
    }
    printf("state_machine: iterations %d crc %08x", iters, crc);
    for (int s = 0; s < NUM_STATES; s++) printf(" %u", final_counts[s]);
    printf("\n");
    return 0;
}
