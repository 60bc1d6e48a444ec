/* Dense layer y = x W + b with W stored input-major (in x out).
 *
 * The loops are written so that the compiler can vectorise them without
 * reassociating anything (we never use -ffast-math): the forward pass and
 * the weight gradient are axpy loops over contiguous output columns kept in
 * a block of accumulators, and the input gradient is a dot product split
 * into LANES fixed partial sums.  The summation order is fixed by the
 * source, so results do not depend on the vector width the compiler picks. */
#include "internal.h"

/* Output columns per accumulator block: 32 floats = 4 AVX2 / 2 AVX-512
 * registers, small enough to stay in registers across the input loop. */
#define BLOCK 32
/* Partial sums of the input-gradient dot products. */
#define LANES 8

void a2c__linear_forward(const float *x, size_t batch, size_t in, size_t out, const float *w,
                         const float *bias, float *y)
{
    for (size_t b = 0; b < batch; b++) {
        const float *xb = x + b * in;
        float *yb = y + b * out;
        size_t j0 = 0;
        for (; j0 + BLOCK <= out; j0 += BLOCK) {
            float acc[BLOCK];
            for (size_t k = 0; k < BLOCK; k++) acc[k] = bias[j0 + k];
            for (size_t i = 0; i < in; i++) {
                const float xi = xb[i];
                const float *wi = w + i * out + j0;
                for (size_t k = 0; k < BLOCK; k++) acc[k] += xi * wi[k];
            }
            for (size_t k = 0; k < BLOCK; k++) yb[j0 + k] = acc[k];
        }
        if (j0 < out) {
            const size_t rest = out - j0;
            for (size_t k = 0; k < rest; k++) yb[j0 + k] = bias[j0 + k];
            for (size_t i = 0; i < in; i++) {
                const float xi = xb[i];
                const float *wi = w + i * out + j0;
                for (size_t k = 0; k < rest; k++) yb[j0 + k] += xi * wi[k];
            }
        }
    }
}

/* dot(a, b) over n floats with LANES partial sums, added pairwise. */
static float dot_lanes(const float *a, const float *b, size_t n)
{
    float acc[LANES] = {0};
    size_t j = 0;
    for (; j + LANES <= n; j += LANES)
        for (size_t k = 0; k < LANES; k++) acc[k] += a[j + k] * b[j + k];
    for (size_t k = 0; j < n; j++, k++) acc[k] += a[j] * b[j];
    for (size_t width = LANES / 2; width > 0; width /= 2)
        for (size_t k = 0; k < width; k++) acc[k] += acc[k + width];
    return acc[0];
}

void a2c__linear_backward(const float *x, const float *dy, size_t batch, size_t in, size_t out,
                          const float *w, float *dw, float *db, float *dx)
{
    /* Bias: column sums of dy. */
    for (size_t b = 0; b < batch; b++) {
        const float *dyb = dy + b * out;
        for (size_t j = 0; j < out; j++) db[j] += dyb[j];
    }
    /* Weights: row i of dw gains sum_b x[b][i] * dy[b][:], accumulated in a
     * register block over the whole batch before touching memory. */
    for (size_t i = 0; i < in; i++) {
        float *dwi = dw + i * out;
        size_t j0 = 0;
        for (; j0 + BLOCK <= out; j0 += BLOCK) {
            float acc[BLOCK];
            for (size_t k = 0; k < BLOCK; k++) acc[k] = dwi[j0 + k];
            for (size_t b = 0; b < batch; b++) {
                const float xbi = x[b * in + i];
                const float *dyb = dy + b * out + j0;
                for (size_t k = 0; k < BLOCK; k++) acc[k] += xbi * dyb[k];
            }
            for (size_t k = 0; k < BLOCK; k++) dwi[j0 + k] = acc[k];
        }
        for (size_t b = 0; j0 < out && b < batch; b++) {
            const float xbi = x[b * in + i];
            const float *dyb = dy + b * out;
            for (size_t j = j0; j < out; j++) dwi[j] += xbi * dyb[j];
        }
    }
    /* Inputs: dx[b][i] = dot(dy[b], row i of w). */
    if (dx) {
        for (size_t b = 0; b < batch; b++) {
            const float *dyb = dy + b * out;
            float *dxb = dx + b * in;
            for (size_t i = 0; i < in; i++) dxb[i] = dot_lanes(dyb, w + i * out, out);
        }
    }
}
