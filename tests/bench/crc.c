/* jitty engine benchmark: CRC-32 (bitwise and table-driven) and CRC-16
 * over a generated buffer. argv[1] = iterations.
 *
 * jitty-bench: full=120 quick=3
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

#define LEN 16384

static uint8_t data[LEN];
static uint32_t table[256];

static uint32_t crc32_bitwise(const uint8_t *p, size_t n, uint32_t crc) {
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static uint32_t crc32_table(const uint8_t *p, size_t n, uint32_t crc) {
    crc = ~crc;
    while (n--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static uint16_t crc16_ccitt(const uint8_t *p, size_t n, uint16_t crc) {
    while (n--) {
        crc ^= (uint16_t)(*p++ << 8);
        for (int k = 0; k < 8; k++) crc = (uint16_t)(crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1);
    }
    return crc;
}

int main(int argc, char **argv) {
    int iters = argc > 1 ? atoi(argv[1]) : 5;
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[i] = c;
    }
    uint32_t x = 1;
    for (int i = 0; i < LEN; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        data[i] = (uint8_t)x;
    }
    uint32_t a = 0, b = 0;
    uint16_t c = 0xffff;
    for (int it = 0; it < iters; it++) {
        a = crc32_bitwise(data, LEN / 4, a);
        b = crc32_table(data, LEN, b);
        c = crc16_ccitt(data + (it % 64), LEN / 4, c);
        data[it % LEN] ^= (uint8_t)a;
    }
    printf("crc: iterations %d crc32 %08x crc32t %08x crc16 %04x\n", iters, a, b, c);
    return 0;
}
