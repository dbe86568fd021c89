/* jitty real-program corpus: bzip2. Compresses and decompresses 512 KiB of
 * deterministic data at block sizes 1, 5 and 9 (buffer API), then through
 * the stream API with small buffers, and prints sizes and checksums. Exit 0
 * when every round trip matches, 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bzlib.h"

#define SIZE (512u * 1024u)

static unsigned long long lcg_state = 0x9E3779B97F4A7C15ULL;
static unsigned next_rand(void) {
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(lcg_state >> 33);
}

static void fill(unsigned char *buf, size_t n) {
    static const char *words[] = {"the ", "quick ", "brown ", "fox ", "jumps ", "over ", "lazy ", "dogs ",
                                  "\n", "bzip2 "};
    size_t i = 0;
    while (i < n) {
        unsigned r = next_rand();
        if (r % 16 == 0) {
            size_t k = 1 + r % 32;
            for (size_t j = 0; j < k && i < n; j++) buf[i++] = (unsigned char)next_rand();
        } else if (r % 16 == 1) {
            /* long runs exercise the run-length stages */
            size_t k = 1 + r % 300;
            unsigned char c = (unsigned char)(r >> 8);
            for (size_t j = 0; j < k && i < n; j++) buf[i++] = c;
        } else {
            const char *w = words[r % 10];
            for (size_t j = 0; w[j] && i < n; j++) buf[i++] = (unsigned char)w[j];
        }
    }
}

/* FNV-1a, to print a checksum of compressed bytes. */
static unsigned fnv(const unsigned char *p, size_t n) {
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 16777619u;
    return h;
}

static int buffer_round_trip(const unsigned char *src, int block) {
    unsigned cap = SIZE + SIZE / 100 + 600, clen = cap, blen = SIZE;
    char *comp = malloc(cap), *back = malloc(SIZE);
    int rc = BZ2_bzBuffToBuffCompress(comp, &clen, (char *)src, SIZE, block, 0, 0);
    if (rc != BZ_OK) {
        printf("block %d: compress failed: %d\n", block, rc);
        return 1;
    }
    rc = BZ2_bzBuffToBuffDecompress(back, &blen, comp, clen, 0, 0);
    int same = rc == BZ_OK && blen == SIZE && memcmp(back, src, SIZE) == 0;
    printf("block %d: %u -> %u bytes, fnv(comp)=%08x, round trip %s\n", block, SIZE, clen,
           fnv((unsigned char *)comp, clen), same ? "ok" : "MISMATCH");
    free(comp);
    free(back);
    return !same;
}

static int stream_round_trip(const unsigned char *src) {
    enum { CHUNK = 3000 };
    char out[CHUNK];
    size_t cap = SIZE + SIZE / 100 + 600, clen = 0;
    char *comp = malloc(cap);
    bz_stream s;
    memset(&s, 0, sizeof s);
    if (BZ2_bzCompressInit(&s, 3, 0, 30) != BZ_OK) return 1;
    size_t fed = 0;
    int rc;
    for (;;) {
        if (s.avail_in == 0 && fed < SIZE) {
            size_t take = SIZE - fed < 7777 ? SIZE - fed : 7777;
            s.next_in = (char *)src + fed;
            s.avail_in = (unsigned)take;
            fed += take;
        }
        s.next_out = out;
        s.avail_out = CHUNK;
        rc = BZ2_bzCompress(&s, fed == SIZE ? BZ_FINISH : BZ_RUN);
        memcpy(comp + clen, out, CHUNK - s.avail_out);
        clen += CHUNK - s.avail_out;
        if (rc == BZ_STREAM_END) break;
        if (rc != BZ_RUN_OK && rc != BZ_FINISH_OK) return 1;
    }
    BZ2_bzCompressEnd(&s);

    char *back = malloc(SIZE);
    size_t blen = 0;
    memset(&s, 0, sizeof s);
    if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK) return 1;
    s.next_in = comp;
    s.avail_in = (unsigned)clen;
    do {
        s.next_out = out;
        s.avail_out = CHUNK;
        rc = BZ2_bzDecompress(&s);
        size_t have = CHUNK - s.avail_out;
        if (blen + have > SIZE) break;
        memcpy(back + blen, out, have);
        blen += have;
    } while (rc == BZ_OK);
    BZ2_bzDecompressEnd(&s);
    int same = rc == BZ_STREAM_END && blen == SIZE && memcmp(back, src, SIZE) == 0;
    printf("stream: %u -> %lu bytes, fnv(comp)=%08x, round trip %s\n", SIZE, (unsigned long)clen,
           fnv((unsigned char *)comp, clen), same ? "ok" : "MISMATCH");
    free(comp);
    free(back);
    return !same;
}

int main(void) {
    unsigned char *src = malloc(SIZE);
    fill(src, SIZE);
    printf("bzip2 %s\n", BZ2_bzlibVersion());
    printf("input: fnv=%08x\n", fnv(src, SIZE));
    int bad = 0;
    bad |= buffer_round_trip(src, 1);
    bad |= buffer_round_trip(src, 5);
    bad |= buffer_round_trip(src, 9);
    bad |= stream_round_trip(src);
    free(src);
    printf("%s\n", bad ? "FAILED" : "all round trips ok");
    return bad;
}
