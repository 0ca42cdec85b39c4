#include "CKernels.h"
#include "ExpKernel.h"
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

void mixedbatch_pairwise_l1_closeness(const float *restrict m, float *restrict out, float *restrict e,
                                      long b, long c, long k) {
    memset(out, 0, sizeof(float) * b * k);
    for (long i = 0; i < b; i++) {
        for (long j = i + 1; j < b; j++) {
            float *restrict row = e + (i * b + j) * k;
            memset(row, 0, sizeof(float) * k);
            for (long d = 0; d < c; d++) {
                const float *xi = m + (i * c + d) * k, *xj = m + (j * c + d) * k;
                for (long q = 0; q < k; q++) row[q] -= __builtin_fabsf(xi[q] - xj[q]);
            }
            float *restrict oi = out + i * k, *restrict oj = out + j * k;
            for (long q = 0; q < k; q++) {
                row[q] = exp_kernel(row[q]);
                oi[q] += row[q];
                oj[q] += row[q];
            }
        }
    }
}

void mixedbatch_pairwise_l1_closeness_backward(const float *restrict m, const float *restrict e,
                                               const float *restrict g, float *restrict out, long b, long c, long k) {
    enum { chunk = 256 };
    float w[chunk];  /* (G_i + G_j)·e_ij for a chunk of kernels, shared by the c dimensions */
    memset(out, 0, sizeof(float) * b * c * k);
    for (long i = 0; i < b; i++) {
        for (long j = i + 1; j < b; j++) {
            const float *eij = e + (i * b + j) * k, *gi = g + i * k, *gj = g + j * k;
            for (long start = 0; start < k; start += chunk) {
                long n = k - start < chunk ? k - start : chunk;
                for (long q = 0; q < n; q++) w[q] = (gi[start + q] + gj[start + q]) * eij[start + q];
                for (long d = 0; d < c; d++) {
                    const float *xi = m + (i * c + d) * k + start, *xj = m + (j * c + d) * k + start;
                    float *restrict oi = out + (i * c + d) * k + start, *restrict oj = out + (j * c + d) * k + start;
                    for (long q = 0; q < n; q++) {
                        float v = w[q] * sign_of(xi[q] - xj[q]);
                        oi[q] -= v;
                        oj[q] += v;
                    }
                }
            }
        }
    }
}
