#include "CKernels.h"
#include <string.h>

static inline float sign_of(float v) { return v > 0 ? 1.0f : (v < 0 ? -1.0f : 0.0f); }

void mixedbatch_pairwise_l1(const float *restrict m, float *restrict out, long b, long c, long k) {
    memset(out, 0, sizeof(float) * b * b * k);
    for (long i = 0; i < b; i++) {
        for (long j = i + 1; j < b; j++) {
            float *restrict upper = out + (i * b + j) * k;
            for (long d = 0; d < c; d++) {
                const float *xi = m + (i * c + d) * k, *xj = m + (j * c + d) * k;
                for (long q = 0; q < k; q++) upper[q] += __builtin_fabsf(xi[q] - xj[q]);
            }
            memcpy(out + (j * b + i) * k, upper, sizeof(float) * k);
        }
    }
}

void mixedbatch_pairwise_sign_contraction(const float *restrict m, const float *restrict g, float *restrict out,
                                          long b, long c, long k) {
    memset(out, 0, sizeof(float) * b * c * k);
    for (long i = 0; i < b; i++) {
        for (long j = 0; j < b; j++) {
            if (j == i) continue;
            const float *gij = g + (i * b + j) * k, *gji = g + (j * b + i) * k;
            for (long d = 0; d < c; d++) {
                const float *xi = m + (i * c + d) * k, *xj = m + (j * c + d) * k;
                float *restrict o = out + (i * c + d) * k;
                for (long q = 0; q < k; q++) o[q] += (gij[q] + gji[q]) * sign_of(xi[q] - xj[q]);
            }
        }
    }
}

void mixedbatch_pairwise_sign_differences(const float *restrict m, const float *restrict r, float *restrict out,
                                          long b, long c, long k) {
    memset(out, 0, sizeof(float) * b * b * k);
    for (long i = 0; i < b; i++) {
        for (long j = 0; j < b; j++) {
            if (j == i) continue;
            float *restrict o = out + (i * b + j) * k;
            for (long d = 0; d < c; d++) {
                const float *xi = m + (i * c + d) * k, *xj = m + (j * c + d) * k;
                const float *ri = r + (i * c + d) * k, *rj = r + (j * c + d) * k;
                for (long q = 0; q < k; q++) o[q] += sign_of(xi[q] - xj[q]) * (ri[q] - rj[q]);
            }
        }
    }
}
