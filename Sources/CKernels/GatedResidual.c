#include "CKernels.h"
#include "ExpKernel.h"

/* σ(v) without overflow: e = exp(−|v|) ≤ 1, then 1 / (1 + e) or e / (1 + e). */
static inline float sigmoid_of(float v) {
    float e = exp_kernel(v >= 0 ? -v : v);
    return (v >= 0 ? 1.0f : e) / (1.0f + e);
}

void mixedbatch_gated_residual(const float *restrict x, const float *restrict gates, float *restrict out, long batch,
                               long inner) {
    for (long b = 0; b < batch; b++) {
        const float *xb = x + b * inner, *a = gates + 2 * b * inner, *g = a + inner;
        float *restrict o = out + b * inner;
        for (long i = 0; i < inner; i++) o[i] = xb[i] + a[i] * sigmoid_of(g[i]);
    }
}

void mixedbatch_gated_residual_backward(const float *restrict gates, const float *restrict dy, float *restrict dgates,
                                        long batch, long inner) {
    for (long b = 0; b < batch; b++) {
        const float *a = gates + 2 * b * inner, *g = a + inner, *d = dy + b * inner;
        float *restrict da = dgates + 2 * b * inner, *restrict dg = da + inner;
        for (long i = 0; i < inner; i++) {
            float s = sigmoid_of(g[i]);
            da[i] = d[i] * s;
            dg[i] = d[i] * a[i] * s * (1.0f - s);
        }
    }
}
