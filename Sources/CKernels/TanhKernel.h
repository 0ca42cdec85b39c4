#ifndef MIXEDBATCH_TANH_KERNEL_H
#define MIXEDBATCH_TANH_KERNEL_H
/* The scalar tanh of mixedbatch_tanh, inlined into every vectorised loop that needs it. */
#include "ExpKernel.h"

static inline float tanh_kernel(float x) {
    float a = x < 0 ? -x : x;
    /* Small |x|: the odd Taylor series to x^13 (the next term is below 2e-11 relative at 0.3). */
    float s = a * a;
    float series = a + a * s * (-1.0f / 3 + s * (2.0f / 15 + s * (-17.0f / 315 + s * (62.0f / 2835
                   + s * (-1382.0f / 155925 + s * (21844.0f / 6081075))))));
    /* Larger |x|: 1 − 2 / (e^{2|x|} + 1); beyond 9.1 it rounds to 1. */
    float e = exp_kernel(2 * (a < 9.1f ? a : 9.1f));
    float large = 1.0f - 2.0f / (e + 1.0f);
    float y = a < 0.3f ? series : large;
    y = x < 0 ? -y : y;
    return x != x ? x : y;
}
#endif
