#include "CKernels.h"
#include "ExpKernel.h"

void mixedbatch_tanh(const float *restrict input, float *restrict output, long count) {
    for (long i = 0; i < count; i++) {
        float x = input[i];
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
        output[i] = x != x ? x : y;
    }
}
