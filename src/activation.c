/* Hidden-layer activations, forward and backward.
 *
 * tanh is a rational function instead of the C library's tanhf: tanhf is
 * an opaque call the compiler cannot vectorise (without -ffast-math), and a
 * 64x64 actor-critic evaluates 256 of them per environment step.  The
 * coefficients are our own weighted least-squares (Loeb) fit of
 * tanh(x) = x P(x^2) / Q(x^2) on [0, 9.1] (relative error 7.5e-9 in exact
 * arithmetic); evaluated in float the error stays under 6 ulp, mean below
 * 1 ulp (tests/test_layers.c sweeps it).  From |x| = 9.02 on, tanh rounds
 * to exactly 1 in float, so the input is clamped at 9.1. */
#include "internal.h"

float a2c__tanhf(float x)
{
    const float clamp = 9.1f;
    x = x > clamp ? clamp : x;
    x = x < -clamp ? -clamp : x;
    const float s = x * x;
    float p = -8.228681137e-14f;
    p = p * s + 5.177781467e-11f;
    p = p * s + -2.001935151e-08f;
    p = p * s + 1.110398262e-05f;
    p = p * s + 3.099167487e-03f;
    p = p * s + 1.307972968e-01f;
    p = p * s + 1.0f;
    float q = 2.539158741e-04f;
    q = q * s + 2.447612770e-02f;
    q = q * s + 4.641305506e-01f;
    q = q * s + 1.0f;
    float y = x * p / q;
    /* Rounding can overshoot 1 by an ulp; 1 - y^2 must not go negative. */
    y = y > 1.0f ? 1.0f : y;
    y = y < -1.0f ? -1.0f : y;
    return y;
}

void a2c__activation_forward(int activation, float *h, size_t n)
{
    if (activation == A2C_ACTIVATION_TANH) {
        for (size_t k = 0; k < n; k++) h[k] = a2c__tanhf(h[k]);
    } else {
        /* written so that NaN passes through, as in torch */
        for (size_t k = 0; k < n; k++) h[k] = h[k] < 0.0f ? 0.0f : h[k];
    }
}

void a2c__activation_backward(int activation, const float *h, float *d, size_t n)
{
    if (activation == A2C_ACTIVATION_TANH) {
        for (size_t k = 0; k < n; k++) d[k] *= 1.0f - h[k] * h[k];
    } else {
        /* relu: h > 0 exactly where z > 0; at z = 0 the gradient is 0, as
         * in torch. */
        for (size_t k = 0; k < n; k++) d[k] = h[k] > 0.0f ? d[k] : 0.0f;
    }
}
