/* The categorical distribution's row operations (categorical.c), used
 * through the distribution interface (dist.h) and by the tests.  Rows are
 * short (n_actions), so these work one row at a time; reductions run in
 * double. */
#ifndef A2C_POLICY_CATEGORICAL_H
#define A2C_POLICY_CATEGORICAL_H

#include <stddef.h>

/* One row: logp[k] = z[k] - logsumexp(z); returns the entropy. */
float a2c__log_softmax_row(const float *z, size_t n, float *logp);
/* One row: d = wl * d logp[a] / dz + we * d entropy / dz, written to d,
 * given the row's log-probabilities and entropy h. */
void a2c__categorical_backward_row(const float *logp, size_t n, size_t a, float h, double wl,
                                   double we, float *d);
/* Inverse-CDF sample from one row of log-probabilities with u in [0, 1). */
size_t a2c__categorical_sample_row(const float *logp, size_t n, double u);
/* The same draw straight from one row of logits (no log-softmax pass);
 * writes log pi(a), if log_prob is not NULL, as a2c__log_softmax_row would.
 * Returns n if the logits are not finite. */
size_t a2c__categorical_sample_logits(const float *z, size_t n, double u, float *log_prob);
/* Index of the largest logit (lowest index on ties). */
size_t a2c__argmax_row(const float *z, size_t n);

#endif /* A2C_POLICY_CATEGORICAL_H */
