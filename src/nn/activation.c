/* Hidden-layer activations, forward and backward, through the kernel table.
 *
 * tanh is a rational function instead of the C library's tanhf: tanhf is
 * an opaque call the compiler cannot vectorise (without -ffast-math), and a
 * 64x64 actor-critic evaluates 256 of them per environment step.  The
 * coefficients (kernels.c) are our own weighted least-squares (Loeb) fit of
 * tanh(x) = x P(x^2) / Q(x^2) on [0, 9.1] (relative error 7.5e-9 in exact
 * arithmetic; tools/fit_tanh.py re-derives them); evaluated in float the
 * error stays under 6 ulp, mean below 1 ulp (tests/test_layers.c sweeps
 * it).  From |x| = 9.02 on, tanh rounds to exactly 1 in float, so the input
 * is clamped at 9.1.  ReLU passes NaN through, as torch does. */
#include "nn/layers.h"

void a2c__activation_forward(const a2c__kernels *k, int activation, float *h, size_t n)
{
    if (activation == A2C_ACTIVATION_TANH) k->tanh_forward(h, n);
    else k->relu_forward(h, n);
}

void a2c__activation_backward(const a2c__kernels *k, int activation, const float *h, float *d,
                              size_t n)
{
    /* tanh' = 1 - h^2; relu' = [h > 0] (0 at the kink, as in torch) */
    if (activation == A2C_ACTIVATION_TANH) k->tanh_backward(h, d, n);
    else k->relu_backward(h, d, n);
}
