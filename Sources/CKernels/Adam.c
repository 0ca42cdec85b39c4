#include "CKernels.h"

void mixedbatch_adam_step(float *restrict parameter, const float *restrict gradient, float *restrict exp_avg,
                          float *restrict exp_avg_sq, long count, float beta1, float beta2, float epsilon,
                          float weight_decay, float step_size, float correction2) {
    for (long i = 0; i < count; i++) {
        float g = gradient[i] + weight_decay * parameter[i];
        float m = beta1 * exp_avg[i] + (1.0f - beta1) * g;
        float v = beta2 * exp_avg_sq[i] + (1.0f - beta2) * g * g;
        exp_avg[i] = m;
        exp_avg_sq[i] = v;
        /* __builtin_elementwise_sqrt never sets errno, so the loop vectorises. */
        parameter[i] -= step_size * m / (__builtin_elementwise_sqrt(v) / correction2 + epsilon);
    }
}
