#include "CKernels.h"
#include "ExpKernel.h"

static inline float elu_of(float v) { return v > 0 ? v : exp_kernel(v) - 1.0f; }

void mixedbatch_concatenated_elu(const float *restrict x, float *restrict out, long batch, long inner) {
    for (long b = 0; b < batch; b++) {
        const float *xb = x + b * inner;
        float *restrict positive = out + 2 * b * inner, *restrict negative = positive + inner;
        for (long i = 0; i < inner; i++) {
            positive[i] = elu_of(xb[i]);
            negative[i] = elu_of(-xb[i]);
        }
    }
}

void mixedbatch_concatenated_elu_backward(const float *restrict x, const float *restrict y, const float *restrict g,
                                          float *restrict dx, long batch, long inner) {
    for (long b = 0; b < batch; b++) {
        const float *xb = x + b * inner, *yp = y + 2 * b * inner, *yn = yp + inner;
        const float *gp = g + 2 * b * inner, *gn = gp + inner;
        float *restrict d = dx + b * inner;
        for (long i = 0; i < inner; i++) {
            /* elu'(v) is 1 for v > 0 and e^v = elu(v) + 1 otherwise (1 at v = 0, as `elu` takes it). */
            float positive_slope = xb[i] > 0 ? 1.0f : yp[i] + 1.0f;
            float negative_slope = -xb[i] > 0 ? 1.0f : yn[i] + 1.0f;
            d[i] = gp[i] * positive_slope - gn[i] * negative_slope;
        }
    }
}
