/* Categorical policy over logits: log-softmax, entropy, their gradients,
 * sampling and the greedy action.  Rows are short (n_actions), so these
 * work one row at a time; reductions run in double. */
#include "policy/categorical.h"
#include "policy/dist.h"

#include <math.h>

float a2c__log_softmax_row(const float *z, size_t n, float *logp)
{
    float m = z[0];
    for (size_t k = 1; k < n; k++) m = z[k] > m ? z[k] : m;
    double sum = 0.0;
    for (size_t k = 0; k < n; k++) sum += (double)expf(z[k] - m);
    /* (z - max) - log(sum): the same grouping as torch's log_softmax. */
    const float log_sum = (float)log(sum);
    double h = 0.0;
    for (size_t k = 0; k < n; k++) {
        const float lp = (z[k] - m) - log_sum;
        logp[k] = lp;
        h -= (double)expf(lp) * (double)lp;
    }
    return (float)h;
}

/* With p = softmax(z):  d logp[a] / dz_k = [k == a] - p_k  and
 * d entropy / dz_k = -p_k (logp_k + entropy).  `d` may alias `logp`. */
void a2c__categorical_backward_row(const float *logp, size_t n, size_t a, float h, double wl,
                                   double we, float *d)
{
    for (size_t k = 0; k < n; k++) {
        const double pk = (double)expf(logp[k]);
        const double g = wl * ((k == a ? 1.0 : 0.0) - pk) - we * pk * ((double)logp[k] + (double)h);
        d[k] = (float)g;
    }
}

size_t a2c__categorical_sample_row(const float *logp, size_t n, double u)
{
    double cum = 0.0;
    size_t last = 0;
    for (size_t k = 0; k < n; k++) {
        const double p = (double)expf(logp[k]);
        if (p > 0.0) last = k;
        cum += p;
        if (u < cum) return k;
    }
    /* The probabilities summed to just under u by rounding: the draw fell
     * in the top sliver, which belongs to the last possible action. */
    return last;
}

size_t a2c__categorical_sample_logits(const float *z, size_t n, double u, float *log_prob)
{
    /* Straight from the logits: exp(z - max) once per action, and the
     * log-probability of the chosen one as log_softmax computes it. */
    float m = z[0];
    for (size_t k = 1; k < n; k++) m = z[k] > m ? z[k] : m;
    double sum = 0.0;
    for (size_t k = 0; k < n; k++) sum += (double)expf(z[k] - m);
    if (!(sum >= 1.0 && sum <= (double)n)) return n; /* NaN or inf among the logits */
    const double target = u * sum;
    double cum = 0.0;
    size_t a = 0, last = 0;
    for (; a < n; a++) {
        const double e = (double)expf(z[a] - m);
        if (e > 0.0) last = a;
        cum += e;
        if (target < cum) break;
    }
    if (a == n) a = last; /* rounding left the draw just above the total */
    if (log_prob) *log_prob = (z[a] - m) - (float)log(sum);
    return a;
}

size_t a2c__argmax_row(const float *z, size_t n)
{
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (z[k] > z[best]) best = k;
    return best;
}

/* ---- the categorical distribution behind the a2c__dist interface ---- */

static a2c_status categorical_act(const a2c__dist *d, const float *head, const float *params,
                                  const float *latent, const float *noise, size_t n_noise,
                                  size_t rows, int deterministic, a2c__rng *rng,
                                  int32_t *discrete, float *box, float *log_probs,
                                  float *scratch)
{
    (void)params, (void)box, (void)latent, (void)noise, (void)n_noise;
    const size_t n = d->action_dim;
    for (size_t b = 0; b < rows; b++) {
        const float *z = head + b * n;
        size_t a;
        if (deterministic) {
            a2c__log_softmax_row(z, n, scratch);
            a = a2c__argmax_row(z, n);
            if (!a2c__all_finite(scratch, n)) return A2C_E_NONFINITE; /* the logits overflowed */
            if (log_probs) log_probs[b] = scratch[a];
        } else {
            a = a2c__categorical_sample_logits(z, n, a2c__rng_uniform(rng),
                                               log_probs ? &log_probs[b] : NULL);
            if (a == n) return A2C_E_NONFINITE;
        }
        discrete[b] = (int32_t)a;
    }
    return A2C_OK;
}

static int categorical_actions_valid(const a2c__dist *d, const int32_t *discrete,
                                     const float *box, size_t rows)
{
    (void)box;
    for (size_t b = 0; b < rows; b++)
        if (discrete[b] < 0 || (size_t)discrete[b] >= d->action_dim) return 0;
    return 1;
}

static void categorical_policy_row(const a2c__dist *d, const float *z, const float *params,
                                   const float *latent, size_t row, const int32_t *discrete,
                                   const float *box, double w_logp, double w_entropy, float *dz,
                                   float *dparams, double *log_prob, double *entropy)
{
    (void)params, (void)box, (void)dparams, (void)latent;
    const size_t n = d->action_dim, a = (size_t)discrete[row];
    const float h = a2c__log_softmax_row(z, n, dz); /* dz holds logp until the backward */
    *log_prob = (double)dz[a];
    *entropy = (double)h;
    a2c__categorical_backward_row(dz, n, a, h, w_logp, w_entropy, dz);
}

static void categorical_init_params(const a2c__dist *d, float *params)
{
    (void)d, (void)params; /* a categorical has none */
}

const a2c__dist_ops a2c__categorical_ops = {
    "categorical", categorical_act, categorical_actions_valid, categorical_policy_row,
    categorical_init_params,
};
