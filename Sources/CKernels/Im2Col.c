#include "CKernels.h"
#include <string.h>

/* ⌊a / b⌋ for b > 0 (C's division truncates towards zero). */
static inline long floor_div(long a, long b) { return a >= 0 ? a / b : -((b - 1 - a) / b); }

/* The output columns x of one window column j whose input column x·sw − pw + j lies in
   [0, width): lo ≤ x < hi. */
static inline void valid_columns(const struct mixedbatch_conv_geometry *g, long j, long *lo, long *hi) {
    long first = -floor_div(j - g->pad_w, g->stride_w);
    long last = floor_div(g->width - 1 + g->pad_w - j, g->stride_w) + 1;
    *lo = first > 0 ? first : 0;
    *hi = last < g->out_width ? last : g->out_width;
}

void mixedbatch_im2col(const struct mixedbatch_conv_geometry *g, long first_channel, long end_channel,
                       const float *restrict image, float *restrict columns) {
    const long oh = g->out_height, ow = g->out_width, sw = g->stride_w;
    const long per_row = g->batch * oh * ow;
    for (long c = first_channel; c < end_channel; c++) {
        for (long i = 0; i < g->kernel_h; i++) {
            for (long j = 0; j < g->kernel_w; j++) {
                float *row = columns + ((c * g->kernel_h + i) * g->kernel_w + j) * per_row;
                long lo, hi;
                valid_columns(g, j, &lo, &hi);
                for (long b = 0; b < g->batch; b++) {
                    for (long y = 0; y < oh; y++) {
                        float *dst = row + (b * oh + y) * ow;
                        long iy = y * g->stride_h - g->pad_h + i;
                        if (iy < 0 || iy >= g->height || lo >= hi) {
                            memset(dst, 0, (size_t)ow * sizeof(float));
                            continue;
                        }
                        const float *src = image + ((b * g->channels + c) * g->height + iy) * g->width + (j - g->pad_w);
                        for (long x = 0; x < lo; x++) dst[x] = 0;
                        if (sw == 1) {
                            memcpy(dst + lo, src + lo, (size_t)(hi - lo) * sizeof(float));
                        } else {
                            for (long x = lo; x < hi; x++) dst[x] = src[x * sw];
                        }
                        for (long x = hi; x < ow; x++) dst[x] = 0;
                    }
                }
            }
        }
    }
}

void mixedbatch_col2im(const struct mixedbatch_conv_geometry *g, long first_channel, long end_channel,
                       const float *restrict columns, float *restrict image) {
    const long oh = g->out_height, ow = g->out_width, sw = g->stride_w;
    const long per_row = g->batch * oh * ow, plane = g->height * g->width;
    for (long b = 0; b < g->batch; b++) {
        memset(image + (b * g->channels + first_channel) * plane, 0,
               (size_t)((end_channel - first_channel) * plane) * sizeof(float));
    }
    for (long c = first_channel; c < end_channel; c++) {
        for (long i = 0; i < g->kernel_h; i++) {
            for (long j = 0; j < g->kernel_w; j++) {
                const float *row = columns + ((c * g->kernel_h + i) * g->kernel_w + j) * per_row;
                long lo, hi;
                valid_columns(g, j, &lo, &hi);
                if (lo >= hi) continue;
                for (long b = 0; b < g->batch; b++) {
                    for (long y = 0; y < oh; y++) {
                        long iy = y * g->stride_h - g->pad_h + i;
                        if (iy < 0 || iy >= g->height) continue;
                        const float *src = row + (b * oh + y) * ow;
                        float *dst = image + ((b * g->channels + c) * g->height + iy) * g->width + (j - g->pad_w);
                        if (sw == 1) {
                            for (long x = lo; x < hi; x++) dst[x] += src[x];
                        } else {
                            for (long x = lo; x < hi; x++) dst[x * sw] += src[x];
                        }
                    }
                }
            }
        }
    }
}
