#include "CKernels.h"
#include "TanhKernel.h"

void mixedbatch_tanh(const float *restrict input, float *restrict output, long count) {
    for (long i = 0; i < count; i++) output[i] = tanh_kernel(input[i]);
}
