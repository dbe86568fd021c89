/* jitty real-program corpus: zlib. Compresses and decompresses 1 MiB of
 * deterministic data at levels 1, 6 and 9 (compress2/uncompress), then as a
 * gzip stream through deflate/inflate with small buffers, and prints sizes
 * and checksums. Exit 0 when every round trip matches, 1 otherwise. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "zlib.h"

#define SIZE (1u << 20)

static unsigned long long lcg_state = 0x2545F4914F6CDD1DULL;
static unsigned next_rand(void) {
    lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(lcg_state >> 33);
}

/* Text-like runs (compressible) interleaved with noise (not). */
static void fill(unsigned char *buf, size_t n) {
    static const char *words[] = {"alpha ", "beta ", "gamma ", "delta ", "jitty ", "zlib ",
                                  "deflate ", "inflate ", "\n", "0123456789 "};
    size_t i = 0;
    while (i < n) {
        unsigned r = next_rand();
        if (r % 8 == 0) {
            size_t k = 1 + r % 64;
            for (size_t j = 0; j < k && i < n; j++) buf[i++] = (unsigned char)next_rand();
        } else {
            const char *w = words[r % 10];
            for (size_t j = 0; w[j] && i < n; j++) buf[i++] = (unsigned char)w[j];
        }
    }
}

static int round_trip(const unsigned char *src, int level) {
    uLongf clen = compressBound(SIZE);
    unsigned char *comp = malloc(clen);
    unsigned char *back = malloc(SIZE);
    int rc = compress2(comp, &clen, src, SIZE, level);
    if (rc != Z_OK) {
        printf("level %d: compress2 failed: %d\n", level, rc);
        return 1;
    }
    uLongf blen = SIZE;
    rc = uncompress(back, &blen, comp, clen);
    int same = rc == Z_OK && blen == SIZE && memcmp(back, src, SIZE) == 0;
    printf("level %d: %lu -> %lu bytes, adler32(comp)=%08lx crc32(comp)=%08lx, round trip %s\n", level,
           (unsigned long)SIZE, (unsigned long)clen, adler32(1L, comp, (uInt)clen), crc32(0L, comp, (uInt)clen),
           same ? "ok" : "MISMATCH");
    free(comp);
    free(back);
    return !same;
}

static int gzip_stream(const unsigned char *src) {
    enum { CHUNK = 4096 };
    size_t cap = compressBound(SIZE) + 64, clen = 0;
    unsigned char *comp = malloc(cap);
    unsigned char out[CHUNK];
    z_stream s;
    memset(&s, 0, sizeof s);
    if (deflateInit2(&s, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 1;
    size_t fed = 0;
    int flush;
    do {
        size_t take = SIZE - fed < 10007 ? SIZE - fed : 10007;
        s.next_in = (Bytef *)src + fed;
        s.avail_in = (uInt)take;
        fed += take;
        flush = fed == SIZE ? Z_FINISH : Z_NO_FLUSH;
        do {
            s.next_out = out;
            s.avail_out = CHUNK;
            if (deflate(&s, flush) == Z_STREAM_ERROR) return 1;
            size_t have = CHUNK - s.avail_out;
            memcpy(comp + clen, out, have);
            clen += have;
        } while (s.avail_out == 0);
    } while (flush != Z_FINISH);
    deflateEnd(&s);

    unsigned char *back = malloc(SIZE);
    size_t blen = 0;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, 15 + 16) != Z_OK) return 1;
    s.next_in = comp;
    s.avail_in = (uInt)clen;
    int rc;
    do {
        s.next_out = out;
        s.avail_out = CHUNK;
        rc = inflate(&s, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) break;
        size_t have = CHUNK - s.avail_out;
        if (blen + have > SIZE) break;
        memcpy(back + blen, out, have);
        blen += have;
    } while (rc != Z_STREAM_END);
    inflateEnd(&s);
    int same = rc == Z_STREAM_END && blen == SIZE && memcmp(back, src, SIZE) == 0;
    printf("gzip: %lu -> %lu bytes, header %02x %02x, crc32(comp)=%08lx, trailer crc=%02x%02x%02x%02x, round trip %s\n",
           (unsigned long)SIZE, (unsigned long)clen, comp[0], comp[1], crc32(0L, comp, (uInt)clen), comp[clen - 5],
           comp[clen - 6], comp[clen - 7], comp[clen - 8], same ? "ok" : "MISMATCH");
    free(comp);
    free(back);
    return !same;
}

int main(void) {
    unsigned char *src = malloc(SIZE);
    fill(src, SIZE);
    printf("zlib %s\n", zlibVersion());
    printf("input: adler32=%08lx crc32=%08lx\n", adler32(1L, src, SIZE), crc32(0L, src, SIZE));
    int bad = 0;
    bad |= round_trip(src, 1);
    bad |= round_trip(src, 6);
    bad |= round_trip(src, 9);
    bad |= gzip_stream(src);
    free(src);
    printf("%s\n", bad ? "FAILED" : "all round trips ok");
    return bad;
}
