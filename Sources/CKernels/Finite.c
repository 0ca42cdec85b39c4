#include "CKernels.h"
#include <stdint.h>
#include <string.h>

long mixedbatch_count_nonfinite(const float *values, long count) {
    long nonfinite = 0;
    for (long i = 0; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, values + i, sizeof bits);
        nonfinite += (bits & 0x7f800000u) == 0x7f800000u;
    }
    return nonfinite;
}
