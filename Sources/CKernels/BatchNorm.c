#include "CKernels.h"

/* Layout: x[b][c][i] for b < batch, c < channels, i < inner; each kernel handles channels
   first_channel ..< end_channel, so that disjoint channel ranges can run on different threads.
   Sums run over rows of `inner` contiguous values in float (vectorised), rows added in double. */

static double row_sum(const float *row, long inner) {
    float sum = 0;
    for (long i = 0; i < inner; i++) sum += row[i];
    return sum;
}

void mixedbatch_batch_norm_statistics(const float *x, long batch, long channels, long inner, long first_channel,
                                      long end_channel, float *mean, float *variance) {
    const double n = (double)batch * (double)inner;
    for (long c = first_channel; c < end_channel; c++) {
        double total = 0;
        for (long b = 0; b < batch; b++) total += row_sum(x + (b * channels + c) * inner, inner);
        const float m = (float)(total / n);
        double squares = 0;
        for (long b = 0; b < batch; b++) {
            const float *row = x + (b * channels + c) * inner;
            float sum = 0;
            for (long i = 0; i < inner; i++) sum += (row[i] - m) * (row[i] - m);
            squares += sum;
        }
        mean[c] = m;
        variance[c] = (float)(squares / n);
    }
}

void mixedbatch_batch_norm_apply(const float *restrict x, const float *mean, const float *scale, const float *shift,
                                 float *restrict y, long batch, long channels, long inner, long first_channel,
                                 long end_channel) {
    for (long b = 0; b < batch; b++) {
        for (long c = first_channel; c < end_channel; c++) {
            const float *row = x + (b * channels + c) * inner;
            float *out = y + (b * channels + c) * inner;
            const float m = mean[c], s = scale[c], t = shift[c];
            for (long i = 0; i < inner; i++) out[i] = (row[i] - m) * s + t;
        }
    }
}

void mixedbatch_batch_norm_backward_sums(const float *x, const float *dy, const float *mean, long batch, long channels,
                                         long inner, long first_channel, long end_channel, float *sum_dy,
                                         float *sum_dy_centered) {
    for (long c = first_channel; c < end_channel; c++) {
        double total = 0, weighted = 0;
        const float m = mean[c];
        for (long b = 0; b < batch; b++) {
            const float *row = x + (b * channels + c) * inner, *g = dy + (b * channels + c) * inner;
            float s = 0, w = 0;
            for (long i = 0; i < inner; i++) {
                s += g[i];
                w += g[i] * (row[i] - m);
            }
            total += s;
            weighted += w;
        }
        sum_dy[c] = (float)total;
        sum_dy_centered[c] = (float)weighted;
    }
}

void mixedbatch_batch_norm_backward_data(const float *restrict x, const float *restrict dy, const float *mean,
                                         const float *gain, const float *offset, const float *slope,
                                         float *restrict dx, long batch, long channels, long inner,
                                         long first_channel, long end_channel) {
    for (long b = 0; b < batch; b++) {
        for (long c = first_channel; c < end_channel; c++) {
            const long start = (b * channels + c) * inner;
            const float m = mean[c], k = gain[c], o = offset[c], s = slope[c];
            for (long i = 0; i < inner; i++) dx[start + i] = k * (dy[start + i] - o - (x[start + i] - m) * s);
        }
    }
}
