#ifndef MIXEDBATCH_EXP_KERNEL_H
#define MIXEDBATCH_EXP_KERNEL_H
/* The scalar exp of mixedbatch_exp, inlined into every vectorised loop that needs it. */
#include <stdint.h>
#include <string.h>

/* 2^k for an integer-valued k in [-126, 127], from its exponent bits. */
static inline float power_of_two(int32_t k) {
    uint32_t bits = (uint32_t)(k + 127) << 23;
    float result;
    memcpy(&result, &bits, sizeof result);
    return result;
}

/* e^x within a few ulp over the whole float range (see mixedbatch_exp). */
static inline float exp_kernel(float x) {
    const float log2e = 1.44269504088896341f;
    const float ln2_high = 0.693145751953125f, ln2_low = 1.42860682030941723212e-6f;
    /* Clamp into the range where the result is finite and not flushed to zero. */
    float c = x > 88.72283f ? 88.72283f : (x < -103.972f ? -103.972f : x);
    float t = c * log2e;
    int32_t k = (int32_t)(t + (t >= 0 ? 0.5f : -0.5f));
    float kf = (float)k;
    float r = (c - kf * ln2_high) - kf * ln2_low; /* |r| <= ln2/2 */
    /* Taylor polynomial of degree 7: truncation error below 5e-9 relative. */
    float p = 1.0f + r * (1.0f + r * (0.5f + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120
              + r * (1.0f / 720 + r * (1.0f / 5040)))))));
    /* Two factors so that results down to the subnormal range stay exact in the exponent. */
    int32_t half = k / 2;
    float y = p * power_of_two(half) * power_of_two(k - half);
    y = x > 88.72283935546875f ? __builtin_inff() : y;
    y = x < -103.97208f ? 0.0f : y;
    return x != x ? x : y; /* NaN stays NaN */
}
#endif
