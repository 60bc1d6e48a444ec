/* The A2C loss of SB3's A2C.train():
 *   policy_loss  = -mean(A * log pi(a|s))
 *   value_loss   = F.mse_loss(returns, values)   (or Huber)
 *   entropy_loss = -mean(entropy)
 *   loss = policy_loss + ent_coef * entropy_loss + vf_coef * value_loss
 * with its gradient with respect to the logits and the values. */
#include "internal.h"

#include <math.h>

void a2c__loss_coefs_from_config(const a2c_config *cfg, a2c__loss_coefs *out)
{
    out->ent_coef = a2c__cfg_double(cfg, A2C_PARAM_ENT_COEF);
    out->vf_coef = a2c__cfg_double(cfg, A2C_PARAM_VF_COEF);
    out->huber_delta = a2c__cfg_double(cfg, A2C_PARAM_HUBER_DELTA);
    out->normalize_advantage = (int)a2c__cfg_int(cfg, A2C_PARAM_NORMALIZE_ADVANTAGE);
    out->value_loss = (int)a2c__cfg_int(cfg, A2C_PARAM_VALUE_LOSS);
}

double a2c__value_loss(int kind, double delta, const float *values, const float *returns,
                       size_t batch, double scale, float *dv)
{
    const double inv_b = 1.0 / (double)batch;
    double sum = 0.0;
    for (size_t b = 0; b < batch; b++) {
        const double e = (double)values[b] - (double)returns[b];
        double g;
        if (kind == A2C_VALUE_LOSS_HUBER) {
            const double ae = fabs(e);
            sum += ae < delta ? 0.5 * e * e : delta * (ae - 0.5 * delta);
            g = e > delta ? delta : (e < -delta ? -delta : e);
        } else {
            sum += e * e;
            g = 2.0 * e;
        }
        if (dv) dv[b] = (float)(scale * g * inv_b);
    }
    return sum * inv_b;
}

/* Mean and unbiased standard deviation (torch's Tensor.std default). */
static void mean_std(const float *x, size_t n, double *mean, double *std)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++) s += (double)x[k];
    const double m = s / (double)n;
    double ss = 0.0;
    for (size_t k = 0; k < n; k++) ss += ((double)x[k] - m) * ((double)x[k] - m);
    *mean = m;
    *std = sqrt(ss / (double)(n - 1));
}

a2c_status a2c__loss_prepare(const a2c__loss_coefs *c, size_t batch, size_t n,
                             const int32_t *actions, const float *advantages,
                             const float *returns, double *adv_mean, double *adv_scale)
{
    if (batch == 0) return A2C_E_INVALID_ARG;
    if (c->normalize_advantage && batch < 2) return A2C_E_INVALID_ARG;
    for (size_t b = 0; b < batch; b++)
        if (actions[b] < 0 || (size_t)actions[b] >= n) return A2C_E_INVALID_ARG;
    if (!a2c__all_finite(advantages, batch) || !a2c__all_finite(returns, batch))
        return A2C_E_NONFINITE;
    *adv_mean = 0.0;
    *adv_scale = 1.0;
    if (c->normalize_advantage) {
        double std;
        mean_std(advantages, batch, adv_mean, &std);
        *adv_scale = 1.0 / (std + 1e-8); /* SB3's epsilon */
    }
    return A2C_OK;
}

void a2c__policy_loss(const a2c__loss_coefs *c, const float *logits, size_t batch, size_t n,
                      const int32_t *actions, const float *advantages, double adv_mean,
                      double adv_scale, float *dlogits, double *policy_loss, double *entropy_loss)
{
    const double inv_b = 1.0 / (double)batch;
    double policy_sum = 0.0, entropy_sum = 0.0;
    for (size_t b = 0; b < batch; b++) {
        float *d = dlogits + b * n;
        const float h = a2c__log_softmax_row(logits + b * n, n, d); /* d holds logp */
        const double adv = ((double)advantages[b] - adv_mean) * adv_scale;
        const size_t a = (size_t)actions[b];
        policy_sum += adv * (double)d[a];
        entropy_sum += (double)h;
        /* loss = -adv/B * logp[a] - ent_coef/B * entropy + ... */
        a2c__categorical_backward_row(d, n, a, h, -adv * inv_b, -c->ent_coef * inv_b, d);
    }
    *policy_loss = -policy_sum * inv_b;
    *entropy_loss = -entropy_sum * inv_b;
}

a2c_status a2c__loss_terms(const a2c__loss_coefs *c, double policy_loss, double entropy_loss,
                           double value_loss, double *terms)
{
    const double total = policy_loss + c->ent_coef * entropy_loss + c->vf_coef * value_loss;
    if (!isfinite(total)) return A2C_E_NONFINITE;
    terms[A2C_LOSS_TOTAL] = total;
    terms[A2C_LOSS_POLICY] = policy_loss;
    terms[A2C_LOSS_VALUE] = value_loss;
    terms[A2C_LOSS_ENTROPY] = entropy_loss;
    return A2C_OK;
}

a2c_status a2c__a2c_loss(const a2c__loss_coefs *c, const float *logits, const float *values,
                         size_t batch, size_t n, const int32_t *actions,
                         const float *advantages, const float *returns, float *dlogits,
                         float *dvalues, double *terms)
{
    double mean, scale, policy, entropy;
    const a2c_status rc =
        a2c__loss_prepare(c, batch, n, actions, advantages, returns, &mean, &scale);
    if (rc != A2C_OK) return rc;
    a2c__policy_loss(c, logits, batch, n, actions, advantages, mean, scale, dlogits, &policy,
                     &entropy);
    const double value =
        a2c__value_loss(c->value_loss, c->huber_delta, values, returns, batch, c->vf_coef, dvalues);
    return a2c__loss_terms(c, policy, entropy, value, terms);
}
