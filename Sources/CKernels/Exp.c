#include "CKernels.h"
#include "ExpKernel.h"

void mixedbatch_exp(const float *restrict input, float *restrict output, long count) {
    for (long i = 0; i < count; i++) output[i] = exp_kernel(input[i]);
}
