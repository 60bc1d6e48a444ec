/* Dense layer y = x W + b with W stored input-major (in x out).
 *
 * All three products of a layer are one kernel (kernels.c), C (+)= A B with
 * B row-major and A read through two strides:
 *   forward   y  = x W + b        A = x (rows, in),   B = W
 *   weights   dW += x^T dy        A = x read down its columns, B = dy
 *   inputs    dx = dy W^T         A = dy, B = W^T (transposed into scratch)
 * Products with fewer than 8 output columns (the policy and value heads)
 * are dot products over the shared dimension instead, with fixed partial
 * sums: a register block would be mostly empty there.
 *
 * Nothing is reassociated (we never use -ffast-math): the order of every
 * sum is fixed by the source, so results do not depend on the vector width
 * or the machine. */
#include "nn/layers.h"

#include <string.h>

#define LANES 8 /* partial sums of the small-output dot products */

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

void a2c__linear_forward(const a2c__kernels *k, const float *x, size_t batch, size_t in,
                         size_t out, const float *w, const float *bias, float *y, float *scratch)
{
    if (out >= LANES) {
        k->gemm(batch, out, in, x, in, 1, w, out, y, out, A2C__INIT_BIAS, bias);
        return;
    }
    /* A narrow head: one dot product per output along the input row. */
    k->transpose(w, in, out, scratch);
    for (size_t r = 0; r < batch; r++)
        for (size_t j = 0; j < out; j++)
            y[r * out + j] = bias[j] + dot_lanes(x + r * in, scratch + j * in, in);
}

void a2c__linear_backward(const a2c__kernels *k, const float *x, const float *dy, size_t batch,
                          size_t in, size_t out, const float *w, float *dw, float *db, float *dx,
                          float *scratch)
{
    k->column_sums(dy, batch, out, db);
    if (out >= LANES) {
        /* dW (in x out) += x^T dy: A = x read down its columns. */
        k->gemm(in, out, batch, x, 1, in, dy, out, dw, out, A2C__INIT_C, NULL);
    } else {
        /* Narrow: dW^T (out x in) = dy^T x has long rows, so compute that
         * in scratch (A = dy read down its columns) and add it back. */
        k->gemm(out, in, batch, dy, 1, out, x, in, scratch, in, A2C__INIT_ZERO, NULL);
        for (size_t i = 0; i < in; i++)
            for (size_t j = 0; j < out; j++) dw[i * out + j] += scratch[j * in + i];
    }
    if (dx) {
        /* dx = dy W^T, with W^T (out x in) in scratch. */
        float *wt = scratch;
        k->transpose(w, in, out, wt);
        k->gemm(batch, in, out, dy, out, 1, wt, in, dx, in, A2C__INIT_ZERO, NULL);
    }
}

size_t a2c__linear_scratch(size_t in, size_t out)
{
    return in * out; /* W^T, or the narrow dW^T */
}
