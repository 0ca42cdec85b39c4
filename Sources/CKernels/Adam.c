#include "CKernels.h"

#include <stdint.h>
#include <string.h>

/* 1 when x is infinite or NaN (an exponent of all ones); branch-free, so the loop vectorises. */
static inline long nonfinite(float x) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    return (bits & 0x7f800000u) == 0x7f800000u;
}

long mixedbatch_adam_step(float *restrict parameter, const float *restrict gradient, float *restrict exp_avg,
                          float *restrict exp_avg_sq, long count, float beta1, float beta2, float epsilon,
                          float weight_decay, float step_size, float correction2) {
    long nonfinite_count = 0;
    for (long i = 0; i < count; i++) {
        float g = gradient[i] + weight_decay * parameter[i];
        float m = beta1 * exp_avg[i] + (1.0f - beta1) * g;
        float v = beta2 * exp_avg_sq[i] + (1.0f - beta2) * g * g;
        exp_avg[i] = m;
        exp_avg_sq[i] = v;
        /* __builtin_elementwise_sqrt never sets errno, so the loop vectorises. */
        float p = parameter[i] - step_size * m / (__builtin_elementwise_sqrt(v) / correction2 + epsilon);
        parameter[i] = p;
        /* A non-finite m implies a non-finite g and so v: v and p cover all three. */
        nonfinite_count += nonfinite(p) | nonfinite(v);
    }
    return nonfinite_count;
}
