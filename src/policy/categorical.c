/* Categorical policy over logits: log-softmax, entropy, their gradients,
 * sampling and the greedy action.  Rows are short (n_actions), so these
 * work one row at a time; reductions run in double. */
#include "internal.h"

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
