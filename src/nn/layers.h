/* Dense layers, activations and initialisation (linear.c, activation.c,
 * init.c): the building blocks of a2c_net, stateless. */
#ifndef A2C_NN_LAYERS_H
#define A2C_NN_LAYERS_H

#include <stddef.h>

#include "a2c/a2c.h"
#include "common/rng.h"
#include "kernels/kernels.h"

/* y[b][j] = bias[j] + sum_i x[b][i] * w[i*out + j]  (w is input-major). */
void a2c__linear_forward(const a2c__kernels *k, const float *x, size_t batch, size_t in,
                         size_t out, const float *w, const float *bias, float *y);
/* Layers with fewer outputs than this are narrow: dot products, not the
 * matrix kernel (linear.c). */
#define A2C__LINEAR_NARROW 8

/* The same as a2c__linear_forward for a narrow layer, from the
 * transposed weights wt (out x in). */
void a2c__linear_forward_narrow(const float *x, size_t batch, size_t in, size_t out,
                                const float *wt, const float *bias, float *y);
/* Given dy = dL/dy: dw += x^T dy, db += column sums of dy (both
 * accumulate), and, if dx is not NULL, dx = dy w^T (overwritten).
 * `scratch` holds a2c__linear_scratch(in, out) floats. */
void a2c__linear_backward(const a2c__kernels *k, const float *x, const float *dy, size_t batch,
                          size_t in, size_t out, const float *w, float *dw, float *db, float *dx,
                          float *scratch);
/* The two halves of a2c__linear_backward, for threads that share a layer.
 * weight_grads adds rows [i0, i1) of dw and entries [j0, j1) of db (the
 * sums over the batch's rows in order, so any split gives the same bits);
 * a narrow layer (out < 8) uses columns [i0, i1) of `scratch`, laid out
 * out x in, so parts with disjoint rows may share it.  input_grads writes
 * dx = dy w^T from wt = w^T (out x in). */
void a2c__linear_weight_grads(const a2c__kernels *k, const float *x, const float *dy,
                              size_t batch, size_t in, size_t out, float *dw, float *db,
                              size_t i0, size_t i1, size_t j0, size_t j1, float *scratch);
void a2c__linear_input_grads(const a2c__kernels *k, const float *dy, size_t batch, size_t in,
                             size_t out, const float *wt, float *dx);
/* Floats of scratch the two calls above need for a layer of these sizes. */
size_t a2c__linear_scratch(size_t in, size_t out);

/* In place: h = act(z) over n floats. */
void a2c__activation_forward(const a2c__kernels *k, int activation, float *h, size_t n);
/* In place: turns dL/dh into dL/dz, given the cached outputs h. */
void a2c__activation_backward(const a2c__kernels *k, int activation, const float *h, float *d,
                              size_t n);

/* Fills w (input-major, in x out) with an orthogonal matrix scaled by
 * gain, as torch.nn.init.orthogonal_ would the torch weight (out x in);
 * scratch holds in*out doubles. */
void a2c__orthogonal(float *w, size_t in, size_t out, double gain, a2c__rng *rng,
                     double *scratch);

#endif /* A2C_NN_LAYERS_H */
