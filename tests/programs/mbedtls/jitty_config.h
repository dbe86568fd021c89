/*
 * Mbed TLS configuration of jitty's program corpus: the library's default
 * configuration (mbedtls/config.h) without the modules that are inline
 * assembly, which jitty refuses (its engines run LLVM IR, and an inline
 * asm call has no IR): the bignum multiply in asm (MBEDTLS_HAVE_ASM; the
 * portable C, with 128-bit multiplies, is used instead), AES-NI, VIA
 * PadLock, and the cycle counter of the timing module. The native oracle
 * is built with the same configuration.
 */
#include "mbedtls/config.h"
#undef MBEDTLS_HAVE_ASM
#undef MBEDTLS_AESNI_C
#undef MBEDTLS_PADLOCK_C
#undef MBEDTLS_TIMING_C
