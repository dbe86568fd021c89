/* jitty engine benchmark: CoreMark-like integer matrix kernels.
 *
 * Per iteration: add a constant, multiply by a constant, matrix-vector and
 * matrix-matrix products, and a bit-extracting product, each folded into
 * a checksum. argv[1] = iterations.
 *
 * jitty-bench: full=20 quick=1
 */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

#define N 64

static int16_t A[N][N], B[N][N];
static int32_t C[N][N], V[N];

static uint32_t checksum(uint32_t crc, int32_t v) {
    crc ^= (uint32_t)v;
    for (int i = 0; i < 8; i++) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
    return crc;
}

int main(int argc, char **argv) {
    int iters = argc > 1 ? atoi(argv[1]) : 5;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            A[i][j] = (int16_t)((i * 31 + j * 17) % 101 - 50);
            B[i][j] = (int16_t)((i * 7 + j * 13) % 67 - 33);
        }
    uint32_t crc = 0;
    for (int it = 0; it < iters; it++) {
        int16_t k = (int16_t)(it % 7 + 1);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) A[i][j] = (int16_t)(A[i][j] + k);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) C[i][j] = (int32_t)A[i][j] * k;
        for (int i = 0; i < N; i++) {
            int32_t s = 0;
            for (int j = 0; j < N; j++) s += A[i][j] * B[j][i % N];
            V[i] = s;
        }
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                int32_t s = 0;
                for (int x = 0; x < N; x++) s += A[i][x] * B[x][j];
                C[i][j] = s;
            }
        int32_t acc = 0;
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) {
                int32_t s = 0;
                for (int x = 0; x < N; x++) {
                    int32_t t = A[i][x] * B[x][j];
                    s += (t >> 2) & 0xf;
                }
                acc += s + C[i][j];
            }
        crc = checksum(crc, acc);
        crc = checksum(crc, V[it % N]);
        for (int i = 0; i < N; i++)
            for (int j = 0; j < N; j++) A[i][j] = (int16_t)(A[i][j] - k + (C[i][j] & 1));
    }
    printf("matmul: iterations %d crc %08x c[5][7]=%d\n", iters, crc, C[5][7]);
    return 0;
}
