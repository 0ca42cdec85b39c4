#include "CKernels.h"

/* One loop per operation and operand shape, so that each vectorises (a switch inside the
   loop, or a stride that may be 0 or 1, would not). */
#define BINARY_LOOPS(op)                                                                          \
    if (a_step && b_step) for (long i = 0; i < count; i++) out[i] = a[i] op b[i];                 \
    else if (a_step) { const float bv = *b; for (long i = 0; i < count; i++) out[i] = a[i] op bv; } \
    else if (b_step) { const float av = *a; for (long i = 0; i < count; i++) out[i] = av op b[i]; } \
    else { const float v = *a op *b; for (long i = 0; i < count; i++) out[i] = v; }

void mixedbatch_binary(int operation, const float *restrict a, long a_step, const float *restrict b, long b_step,
                       float *restrict out, long count) {
    switch (operation) {
    case MIXEDBATCH_ADD: BINARY_LOOPS(+) break;
    case MIXEDBATCH_SUBTRACT: BINARY_LOOPS(-) break;
    case MIXEDBATCH_MULTIPLY: BINARY_LOOPS(*) break;
    default: BINARY_LOOPS(/) break;
    }
}

void mixedbatch_leaky_relu(const float *restrict x, float slope, float *restrict out, long count) {
    /* ReLU: +0 (not −0) for negative inputs, NaN kept, as Swift.max(x, 0). */
    if (slope == 0) for (long i = 0; i < count; i++) out[i] = x[i] <= 0 ? 0 : x[i];
    else for (long i = 0; i < count; i++) out[i] = x[i] > 0 ? x[i] : slope * x[i];
}

void mixedbatch_leaky_relu_in_place(float *values, float slope, long count) {
    /* The expressions of mixedbatch_leaky_relu, so the same bits. */
    if (slope == 0) for (long i = 0; i < count; i++) values[i] = values[i] <= 0 ? 0 : values[i];
    else for (long i = 0; i < count; i++) values[i] = values[i] > 0 ? values[i] : slope * values[i];
}

void mixedbatch_leaky_relu_backward(const float *restrict g, const float *restrict x, float slope,
                                    float *restrict out, long count) {
    for (long i = 0; i < count; i++) out[i] = x[i] > 0 ? g[i] : slope * g[i];
}
