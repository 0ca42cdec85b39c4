#include "CKernels.h"

/* Layout: x[b][c / block][i][c % block] over the channels padded to a multiple of block (oneDNN's
   channel-blocked layouts; NHWC is one block of every channel), i < inner. Each kernel handles the
   channel blocks first_block ..< end_block. Per channel, the same sums in the same order as the
   NCHW kernels of BatchNorm.c — each (sample, channel) row of `inner` values in float, rows added
   in double — one lane per channel of a block, so the results are theirs bit for bit. Padding
   channels (c ≥ channels) get no statistics and stay zero. */

enum { MAX_LANES = MIXEDBATCH_BATCH_NORM_MAX_BLOCK };

void mixedbatch_batch_norm_statistics_blocked(const float *x, long batch, long channels, long block, long inner,
                                              long first_block, long end_block, float *mean, float *variance) {
    const long blocks = (channels + block - 1) / block;
    const double n = (double)batch * (double)inner;
    for (long cb = first_block; cb < end_block; cb++) {
        double total[MAX_LANES] = {0}, squares[MAX_LANES] = {0};
        float m[MAX_LANES];
        for (long b = 0; b < batch; b++) {
            const float *rows = x + (b * blocks + cb) * inner * block;
            float sum[MAX_LANES] = {0};
            for (long i = 0; i < inner; i++) {
                for (long k = 0; k < block; k++) sum[k] += rows[i * block + k];
            }
            for (long k = 0; k < block; k++) total[k] += sum[k];
        }
        for (long k = 0; k < block; k++) m[k] = (float)(total[k] / n);
        for (long b = 0; b < batch; b++) {
            const float *rows = x + (b * blocks + cb) * inner * block;
            float sum[MAX_LANES] = {0};
            for (long i = 0; i < inner; i++) {
                for (long k = 0; k < block; k++) sum[k] += (rows[i * block + k] - m[k]) * (rows[i * block + k] - m[k]);
            }
            for (long k = 0; k < block; k++) squares[k] += sum[k];
        }
        for (long k = 0; k < block && cb * block + k < channels; k++) {
            mean[cb * block + k] = m[k];
            variance[cb * block + k] = (float)(squares[k] / n);
        }
    }
}

/* The per-channel constants of a block's lanes, 0 on the padding (whose values then stay 0). */
static void lanes_of(const float *values, long channels, long block, long cb, float *lanes) {
    for (long k = 0; k < block; k++) lanes[k] = cb * block + k < channels ? values[cb * block + k] : 0.0f;
}

void mixedbatch_batch_norm_apply_blocked(const float *restrict x, const float *mean, const float *scale,
                                         const float *shift, float *restrict y, long batch, long channels, long block,
                                         long inner, long first_block, long end_block) {
    const long blocks = (channels + block - 1) / block;
    for (long cb = first_block; cb < end_block; cb++) {
        float m[MAX_LANES], s[MAX_LANES], t[MAX_LANES];
        lanes_of(mean, channels, block, cb, m);
        lanes_of(scale, channels, block, cb, s);
        lanes_of(shift, channels, block, cb, t);
        for (long b = 0; b < batch; b++) {
            const long start = (b * blocks + cb) * inner * block;
            for (long i = 0; i < inner; i++) {
                for (long k = 0; k < block; k++) {
                    y[start + i * block + k] = (x[start + i * block + k] - m[k]) * s[k] + t[k];
                }
            }
        }
    }
}

void mixedbatch_batch_norm_backward_sums_blocked(const float *x, const float *dy, const float *mean, long batch,
                                                 long channels, long block, long inner, long first_block,
                                                 long end_block, float *sum_dy, float *sum_dy_centered) {
    const long blocks = (channels + block - 1) / block;
    for (long cb = first_block; cb < end_block; cb++) {
        double total[MAX_LANES] = {0}, weighted[MAX_LANES] = {0};
        float m[MAX_LANES];
        lanes_of(mean, channels, block, cb, m);
        for (long b = 0; b < batch; b++) {
            const long start = (b * blocks + cb) * inner * block;
            float s[MAX_LANES] = {0}, w[MAX_LANES] = {0};
            for (long i = 0; i < inner; i++) {
                for (long k = 0; k < block; k++) {
                    const float g = dy[start + i * block + k];
                    s[k] += g;
                    w[k] += g * (x[start + i * block + k] - m[k]);
                }
            }
            for (long k = 0; k < block; k++) {
                total[k] += s[k];
                weighted[k] += w[k];
            }
        }
        for (long k = 0; k < block && cb * block + k < channels; k++) {
            sum_dy[cb * block + k] = (float)total[k];
            sum_dy_centered[cb * block + k] = (float)weighted[k];
        }
    }
}

void mixedbatch_batch_norm_backward_data_blocked(const float *restrict x, const float *restrict dy, const float *mean,
                                                 const float *gain, const float *offset, const float *slope,
                                                 float *restrict dx, long batch, long channels, long block, long inner,
                                                 long first_block, long end_block) {
    const long blocks = (channels + block - 1) / block;
    for (long cb = first_block; cb < end_block; cb++) {
        float m[MAX_LANES], g[MAX_LANES], o[MAX_LANES], s[MAX_LANES];
        lanes_of(mean, channels, block, cb, m);
        lanes_of(gain, channels, block, cb, g);
        lanes_of(offset, channels, block, cb, o);
        lanes_of(slope, channels, block, cb, s);
        for (long b = 0; b < batch; b++) {
            const long start = (b * blocks + cb) * inner * block;
            for (long i = 0; i < inner; i++) {
                for (long k = 0; k < block; k++) {
                    const long at = start + i * block + k;
                    dx[at] = g[k] * (dy[at] - o[k] - (x[at] - m[k]) * s[k]);
                }
            }
        }
    }
}
