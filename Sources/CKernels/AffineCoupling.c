#include "CKernels.h"
#include "ExpKernel.h"
#include "TanhKernel.h"

/* Per sample b: x, y `[inner]`; the network's output `[2, inner]` = [s̃, t]; the row mask
   `[inner]` (1 kept, 0 transformed). Selects instead of branches, so the loops vectorise. */

enum { LANES = 16 };

void mixedbatch_affine_coupling(const float *restrict x, const float *restrict net, const float *restrict mask,
                                float bound, float *restrict y, float *restrict log_det, long batch, long inner) {
    for (long b = 0; b < batch; b++) {
        const float *xb = x + b * inner, *scale = net + 2 * b * inner, *shift = scale + inner;
        float *restrict yb = y + b * inner;
        /* The log-determinant in LANES partial sums (a fixed order whatever the split over threads). */
        float lanes[LANES] = {0};
        long end = inner - inner % LANES;
        for (long i = 0; i < end; i += LANES) {
            for (int k = 0; k < LANES; k++) {
                int kept = mask[i + k] != 0;
                float s = kept ? 0.0f : bound * tanh_kernel(scale[i + k]);
                yb[i + k] = kept ? xb[i + k] : xb[i + k] * exp_kernel(s) + shift[i + k];
                lanes[k] += s;
            }
        }
        double total = 0;
        for (long i = end; i < inner; i++) {
            int kept = mask[i] != 0;
            float s = kept ? 0.0f : bound * tanh_kernel(scale[i]);
            yb[i] = kept ? xb[i] : xb[i] * exp_kernel(s) + shift[i];
            total += s;
        }
        for (int k = 0; k < LANES; k++) total += lanes[k];
        log_det[b] = (float)total;
    }
}

void mixedbatch_affine_coupling_backward(const float *restrict x, const float *restrict net,
                                         const float *restrict mask, float bound, const float *restrict dy,
                                         float *restrict dx, float *restrict dnet, long batch, long inner) {
    for (long b = 0; b < batch; b++) {
        const float *xb = x + b * inner, *scale = net + 2 * b * inner, *g = dy + b * inner;
        float *restrict dxb = dx + b * inner, *restrict dscale = dnet + 2 * b * inner, *restrict dshift = dscale + inner;
        for (long i = 0; i < inner; i++) {
            int kept = mask[i] != 0;
            float th = tanh_kernel(scale[i]);
            float e = exp_kernel(kept ? 0.0f : bound * th);
            dxb[i] = g[i] * e;
            dscale[i] = kept ? 0.0f : g[i] * xb[i] * e * bound * (1 - th * th);
            dshift[i] = kept ? 0.0f : g[i];
        }
    }
}

void mixedbatch_affine_coupling_log_det_backward(const float *restrict net, const float *restrict mask, float bound,
                                                 const float *restrict dlog_det, float *restrict dnet, long batch,
                                                 long inner) {
    for (long b = 0; b < batch; b++) {
        const float *scale = net + 2 * b * inner;
        float *restrict dscale = dnet + 2 * b * inner, *restrict dshift = dscale + inner;
        float g = dlog_det[b] * bound;
        for (long i = 0; i < inner; i++) {
            float th = tanh_kernel(scale[i]);
            dscale[i] = mask[i] != 0 ? 0.0f : g * (1 - th * th);
            dshift[i] = 0.0f;
        }
    }
}

void mixedbatch_affine_coupling_inverse(const float *restrict y, const float *restrict net, const float *restrict mask,
                                        float bound, float *restrict x, long batch, long inner) {
    for (long b = 0; b < batch; b++) {
        const float *yb = y + b * inner, *scale = net + 2 * b * inner, *shift = scale + inner;
        float *restrict xb = x + b * inner;
        for (long i = 0; i < inner; i++) {
            int kept = mask[i] != 0;
            float s = kept ? 0.0f : bound * tanh_kernel(scale[i]);
            xb[i] = kept ? yb[i] : (yb[i] - shift[i]) * exp_kernel(-s);
        }
    }
}

void mixedbatch_affine_coupling_inverse_backward(const float *restrict x, const float *restrict net,
                                                 const float *restrict mask, float bound, const float *restrict dx,
                                                 float *restrict dy, float *restrict dnet, long batch, long inner) {
    for (long b = 0; b < batch; b++) {
        const float *xb = x + b * inner, *scale = net + 2 * b * inner, *g = dx + b * inner;
        float *restrict dyb = dy + b * inner, *restrict dscale = dnet + 2 * b * inner, *restrict dshift = dscale + inner;
        for (long i = 0; i < inner; i++) {
            int kept = mask[i] != 0;
            float th = tanh_kernel(scale[i]);
            float e = exp_kernel(kept ? 0.0f : -bound * th);
            dyb[i] = g[i] * e;
            dscale[i] = kept ? 0.0f : -g[i] * xb[i] * bound * (1 - th * th);
            dshift[i] = kept ? 0.0f : -g[i] * e;
        }
    }
}
