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

/* dot(x, column j of w) over n inputs, with LANES partial sums added
 * pairwise (a fixed order); w is read down a column of the input-major
 * weights (stride `out`), so no transposed copy or scratch is needed. */
static float dot_column(const float *x, const float *w, size_t out, size_t n)
{
    float acc[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < LANES; k++) acc[k] += x[i + k] * w[(i + k) * out];
    for (size_t k = 0; i < n; i++, k++) acc[k] += x[i] * w[i * out];
    for (size_t width = LANES / 2; width > 0; width /= 2)
        for (size_t k = 0; k < width; k++) acc[k] += acc[k + width];
    return acc[0];
}

/* The same sum as dot_column, with the column given as a contiguous row
 * (of the transposed weights): it vectorises. */
static float dot_lanes(const float *x, const float *w, size_t n)
{
    float acc[LANES] = {0};
    size_t i = 0;
    for (; i + LANES <= n; i += LANES)
        for (size_t k = 0; k < LANES; k++) acc[k] += x[i + k] * w[i + k];
    for (size_t k = 0; i < n; i++, k++) acc[k] += x[i] * w[i];
    for (size_t width = LANES / 2; width > 0; width /= 2)
        for (size_t k = 0; k < width; k++) acc[k] += acc[k + width];
    return acc[0];
}

void a2c__linear_forward_narrow(const float *x, size_t batch, size_t in, size_t out,
                                const float *wt, const float *bias, float *y)
{
    for (size_t r = 0; r < batch; r++)
        for (size_t j = 0; j < out; j++)
            y[r * out + j] = bias[j] + dot_lanes(x + r * in, wt + j * in, in);
}

void a2c__linear_forward(const a2c__kernels *k, const float *x, size_t batch, size_t in,
                         size_t out, const float *w, const float *bias, float *y)
{
    if (out >= A2C__LINEAR_NARROW) {
        k->gemm(batch, out, in, x, in, 1, w, out, y, out, A2C__INIT_BIAS, bias);
        return;
    }
    /* A narrow head: one dot product per output along the input row. */
    for (size_t r = 0; r < batch; r++)
        for (size_t j = 0; j < out; j++)
            y[r * out + j] = bias[j] + dot_column(x + r * in, w + j, out, in);
}

void a2c__linear_weight_grads(const a2c__kernels *k, const float *x, const float *dy,
                              size_t batch, size_t in, size_t out, float *dw, float *db,
                              size_t i0, size_t i1, size_t j0, size_t j1, float *scratch)
{
    /* db[j] += dy[r][j] over r in order, for columns [j0, j1) */
    for (size_t r = 0; r < batch && j1 > j0; r++)
        for (size_t j = j0; j < j1; j++) db[j] += dy[r * out + j];
    if (i1 <= i0) return;
    if (out >= A2C__LINEAR_NARROW) {
        /* rows [i0, i1) of dW (in x out) += x^T dy: A = x read down its
         * columns */
        k->gemm(i1 - i0, out, batch, x + i0, 1, in, dy, out, dw + i0 * out, out, A2C__INIT_C,
                NULL);
        return;
    }
    /* Narrow: columns [i0, i1) of dW^T (out x in) = dy^T x have long rows,
     * so compute them in scratch (A = dy read down its columns) and add
     * them back. */
    k->gemm(out, i1 - i0, batch, dy, 1, out, x + i0, in, scratch + i0, in, A2C__INIT_ZERO, NULL);
    for (size_t i = i0; i < i1; i++)
        for (size_t j = 0; j < out; j++) dw[i * out + j] += scratch[j * in + i];
}

void a2c__linear_input_grads(const a2c__kernels *k, const float *dy, size_t batch, size_t in,
                             size_t out, const float *wt, float *dx)
{
    k->gemm(batch, in, out, dy, out, 1, wt, in, dx, in, A2C__INIT_ZERO, NULL);
}

void a2c__linear_backward(const a2c__kernels *k, const float *x, const float *dy, size_t batch,
                          size_t in, size_t out, const float *w, float *dw, float *db, float *dx,
                          float *scratch)
{
    a2c__linear_weight_grads(k, x, dy, batch, in, out, dw, db, 0, in, 0, out, scratch);
    if (dx) {
        /* dx = dy W^T, with W^T (out x in) in scratch. */
        k->transpose(w, in, out, scratch);
        a2c__linear_input_grads(k, dy, batch, in, out, scratch, dx);
    }
}

size_t a2c__linear_scratch(size_t in, size_t out)
{
    return in * out; /* W^T, or the narrow dW^T */
}
