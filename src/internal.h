/* Internal declarations shared by the files of src/ and by the white-box
 * tests.  Cross-file names carry the a2c__ prefix: hidden from the shared
 * library's exports and unlikely to collide inside a static link. */
#ifndef A2C_INTERNAL_H
#define A2C_INTERNAL_H

#include "a2c/a2c.h"

#include <stddef.h>
#include <stdint.h>

/* Forward a failure to the function's single `fail:` label; the function
 * declares `a2c_status rc`. */
#define A2C_TRY(expr)                \
    do {                             \
        rc = (expr);                 \
        if (rc != A2C_OK) goto fail; \
    } while (0)

/* ---- allocation (alloc.c) ---- */

/* Alignment of every block the library asks for: one cache line, enough
 * for any SIMD load. */
#define A2C_ALIGN 64

/* The default allocator (aligned malloc/free), for a NULL hook. */
void a2c__default_allocator(a2c_allocator *out);
/* Checks a host allocator before it is copied. */
a2c_status a2c__check_allocator(const a2c_allocator *a);
/* A zeroed, A2C_ALIGN-aligned block, or NULL. */
void *a2c__alloc(const a2c_allocator *a, size_t size);
void a2c__free(const a2c_allocator *a, void *ptr, size_t size);
/* *out = a * b; returns 0 on overflow. */
int a2c__mul_size(size_t a, size_t b, size_t *out);
/* Rounds n floats up to a whole number of A2C_ALIGN-byte lines. */
size_t a2c__pad_floats(size_t n);

/* ---- random numbers (rng.c): xoshiro256** seeded through splitmix64 ---- */

typedef struct a2c__rng {
    uint64_t s[4];
} a2c__rng;

uint64_t a2c__splitmix64(uint64_t *state);
/* Seeds stream `stream` of `seed`: distinct streams of one seed are
 * independent for all practical purposes. */
void a2c__rng_seed(a2c__rng *r, uint64_t seed, uint64_t stream);
uint64_t a2c__rng_next(a2c__rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
double a2c__rng_uniform(a2c__rng *r);
/* Standard normal draw (Marsaglia's polar method with a portable log, so
 * the stream is the same on every IEEE-754 platform). */
double a2c__rng_normal(a2c__rng *r);
/* Natural log of x > 0 from + - * / and frexp only: bit-identical across
 * C libraries, within 2.5 ulp of log(). */
double a2c__portable_log(double x);

/* ---- configuration (config.c) ---- */

#define A2C__PARAM_FIRST 100
#define A2C__PARAM_COUNT 23

struct a2c_config {
    a2c_allocator alloc;
    double d[A2C__PARAM_COUNT];  /* double parameters */
    int64_t i[A2C__PARAM_COUNT]; /* int parameters */
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    size_t n_pi, n_vf;
};

double a2c__cfg_double(const a2c_config *cfg, a2c_param p);
int64_t a2c__cfg_int(const a2c_config *cfg, a2c_param p);
/* Locale-independent decimal parse of the whole string; 0 on failure. */
int a2c__parse_double(const char *s, double *out);

/* ---- dense layers (linear.c, activation.c) ---- */

/* y[b][j] = bias[j] + sum_i x[b][i] * w[i*out + j]  (w is input-major) */
void a2c__linear_forward(const float *x, size_t batch, size_t in, size_t out, const float *w,
                         const float *bias, float *y);
/* Given dy = dL/dy: dw += x^T dy, db += column sums of dy (both
 * accumulate), and, if dx is not NULL, dx = dy w^T (overwritten). */
void a2c__linear_backward(const float *x, const float *dy, size_t batch, size_t in, size_t out,
                          const float *w, float *dw, float *db, float *dx);

/* In place: h = act(z) over n floats. */
void a2c__activation_forward(int activation, float *h, size_t n);
/* In place: turns dL/dh into dL/dz, given the cached outputs h. */
void a2c__activation_backward(int activation, const float *h, float *d, size_t n);
/* The float tanh used by the nets (vectorisable, within a few ulp). */
float a2c__tanhf(float x);

/* ---- categorical policy head (categorical.c) ---- */

/* One row: logp[k] = z[k] - logsumexp(z); returns the entropy. */
float a2c__log_softmax_row(const float *z, size_t n, float *logp);
/* One row: d = wl * d logp[a] / dz + we * d entropy / dz, written to d,
 * given logp (the row's log-probabilities) and its entropy h. */
void a2c__categorical_backward_row(const float *logp, size_t n, size_t a, float h, double wl,
                                   double we, float *d);
/* Inverse-CDF sample from one row of log-probabilities with u in [0, 1). */
size_t a2c__categorical_sample_row(const float *logp, size_t n, double u);
/* Index of the largest logit (lowest index on ties). */
size_t a2c__argmax_row(const float *z, size_t n);

/* ---- losses (loss.c) ---- */

typedef struct a2c__loss_coefs {
    double ent_coef, vf_coef, huber_delta;
    int normalize_advantage, value_loss;
} a2c__loss_coefs;

void a2c__loss_coefs_from_config(const a2c_config *cfg, a2c__loss_coefs *out);
/* mean over the batch of MSE or Huber(delta) between values and returns;
 * if dv is not NULL, dv[b] = scale * d loss / d values[b]. */
double a2c__value_loss(int kind, double delta, const float *values, const float *returns,
                       size_t batch, double scale, float *dv);
/* The whole A2C loss from logits and values: writes terms[A2C_LOSS_TERMS]
 * and the gradients dlogits (batch x n) and dvalues (batch). */
a2c_status a2c__a2c_loss(const a2c__loss_coefs *c, const float *logits, const float *values,
                         size_t batch, size_t n, const int32_t *actions,
                         const float *advantages, const float *returns, float *dlogits,
                         float *dvalues, double *terms);

/* ---- initialisation (init.c) ---- */

/* Fills w (input-major, in x out) with an orthogonal matrix scaled by
 * gain, as torch.nn.init.orthogonal_ would the torch weight (out x in);
 * scratch holds in*out doubles. */
void a2c__orthogonal(float *w, size_t in, size_t out, double gain, a2c__rng *rng,
                     double *scratch);

/* ---- net internals used by the trainer and the tests (net.c) ---- */

/* Forward into cached rows [row0, row0 + batch); obs may alias nothing.
 * `want_pi` = 0 skips the actor (value-only forward). */
a2c_status a2c__net_forward_rows(a2c_net *net, const float *obs, size_t row0, size_t batch,
                                 int want_pi);
/* Pointers to cached outputs of row `row`. */
const float *a2c__net_logits(const a2c_net *net, size_t row);
const float *a2c__net_values(const a2c_net *net, size_t row);

/* Finite check over n floats: 1 if all are finite. */
int a2c__all_finite(const float *x, size_t n);
/* Sum of squares in double with a fixed summation order. */
double a2c__sum_squares(const float *x, size_t n);

#endif /* A2C_INTERNAL_H */
