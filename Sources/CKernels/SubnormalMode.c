#include "CKernels.h"

#include <stdint.h>

/* x86: MXCSR's FTZ (bit 15: a subnormal result becomes zero) and DAZ (bit 6: a subnormal
 * operand is read as zero). AArch64: FPCR's FZ (bit 24) does both. Elsewhere nothing changes. */
#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>

unsigned long mixedbatch_flush_subnormals_begin(void) {
    unsigned int saved = _mm_getcsr();
    _mm_setcsr(saved | 0x8040u);
    return saved;
}

void mixedbatch_flush_subnormals_end(unsigned long saved) { _mm_setcsr((unsigned int)saved); }

#elif defined(__aarch64__)

unsigned long mixedbatch_flush_subnormals_begin(void) {
    uint64_t saved;
    __asm__ volatile("mrs %0, fpcr" : "=r"(saved));
    __asm__ volatile("msr fpcr, %0" : : "r"(saved | (UINT64_C(1) << 24)));
    return (unsigned long)saved;
}

void mixedbatch_flush_subnormals_end(unsigned long saved) {
    uint64_t value = saved;
    __asm__ volatile("msr fpcr, %0" : : "r"(value));
}

#else

unsigned long mixedbatch_flush_subnormals_begin(void) { return 0; }
void mixedbatch_flush_subnormals_end(unsigned long saved) { (void)saved; }

#endif
