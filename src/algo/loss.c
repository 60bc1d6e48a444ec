/* The A2C loss of SB3's A2C.train():
 *   policy_loss  = -mean(A * log pi(a|s))
 *   value_loss   = F.mse_loss(returns, values)   (or Huber)
 *   entropy_loss = -mean(entropy)
 *   loss = policy_loss + ent_coef * entropy_loss + vf_coef * value_loss
 * with its gradient with respect to the logits and the values. */
#include "algo/loss.h"

#include "common/config.h"
#include "nn/net.h"

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

a2c_status a2c__loss_prepare(const a2c__loss_coefs *c, const a2c__dist *dist, size_t batch,
                             const int32_t *discrete, const float *box, const float *advantages,
                             const float *returns, double *adv_mean, double *adv_scale)
{
    if (batch == 0) return A2C_E_INVALID_ARG;
    if (c->normalize_advantage && batch < 2) return A2C_E_INVALID_ARG;
    if (!dist->ops->actions_valid(dist, discrete, box, batch)) return A2C_E_INVALID_ARG;
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

void a2c__policy_loss(const a2c__loss_coefs *c, const a2c__dist *dist, const float *head,
                      const float *params, const float *latent, size_t batch,
                      const int32_t *discrete,
                      const float *box, const float *advantages, double adv_mean,
                      double adv_scale, float *dhead, float *dparams, double *policy_loss,
                      double *entropy_loss, double *log_probs)
{
    const size_t width = dist->head_width;
    const double inv_b = 1.0 / (double)batch;
    double policy_sum = 0.0, entropy_sum = 0.0;
    for (size_t b = 0; b < batch; b++) {
        const double adv = ((double)advantages[b] - adv_mean) * adv_scale;
        double log_prob, entropy;
        /* loss = -adv/B * log pi(a) - ent_coef/B * entropy + ... */
        dist->ops->policy_row(dist, head + b * width, params,
                              latent ? latent + b * dist->latent_dim : NULL, b, discrete, box,
                              -adv * inv_b, -c->ent_coef * inv_b, dhead + b * width, dparams,
                              &log_prob, &entropy);
        policy_sum += adv * log_prob;
        entropy_sum += entropy;
        if (log_probs) log_probs[b] = log_prob;
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

/* The whole loss from explicit buffers. */
static a2c_status whole_loss(const a2c__loss_coefs *c, const a2c__dist *dist, const float *head,
                             const float *params, const float *latent, const float *values,
                             size_t batch,
                             const int32_t *discrete, const float *box, const float *advantages,
                             const float *returns, float *dhead, float *dparams, float *dvalues,
                             double *terms, double *log_probs)
{
    double mean, scale, policy, entropy;
    const a2c_status rc = a2c__loss_prepare(c, dist, batch, discrete, box, advantages, returns,
                                            &mean, &scale);
    if (rc != A2C_OK) return rc;
    a2c__policy_loss(c, dist, head, params, latent, batch, discrete, box, advantages, mean, scale,
                     dhead, dparams, &policy, &entropy, log_probs);
    const double value =
        a2c__value_loss(c->value_loss, c->huber_delta, values, returns, batch, c->vf_coef, dvalues);
    return a2c__loss_terms(c, policy, entropy, value, terms);
}

a2c_status a2c__loss_net(a2c_net *net, const a2c__loss_coefs *c, size_t batch,
                         const int32_t *discrete, const float *box, const float *advantages,
                         const float *returns, double *terms, double *log_probs)
{
    const a2c__dist *dist = a2c__net_dist(net);
    return whole_loss(c, dist, a2c__net_head(net, 0), a2c__net_dist_params(net),
                      dist->use_sde ? a2c__net_latent(net, 0) : NULL, a2c__net_values(net, 0),
                      batch, discrete, box, advantages, returns,
                      a2c__net_dhead(net), a2c__net_dist_grads(net), a2c__net_dvalues(net),
                      terms, log_probs);
}

a2c_status a2c__a2c_loss(const a2c__loss_coefs *c, const float *logits, const float *values,
                         size_t batch, size_t n, const int32_t *actions,
                         const float *advantages, const float *returns, float *dlogits,
                         float *dvalues, double *terms)
{
    a2c__dist dist;
    if (a2c__dist_init(&dist, A2C_SPACE_DISCRETE, n, NULL) != A2C_OK) return A2C_E_INVALID_ARG;
    return whole_loss(c, &dist, logits, NULL, NULL, values, batch, actions, NULL, advantages,
                      returns, dlogits, NULL, dvalues, terms, NULL);
}

/* ---- public: the loss and its backward pass on a net ---- */

/* a2c_net_loss_backward and its BOX twin: one of discrete / box. */
static a2c_status loss_backward(a2c_net *net, const a2c_config *cfg, size_t batch,
                                const int32_t *discrete, const float *box,
                                const float *advantages, const float *returns, double *terms,
                                size_t n_terms, const char *fn)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, fn, "net is NULL");
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, fn, "cfg is NULL");
    if (!discrete && !box) return a2c__fail(A2C_E_INVALID_ARG, fn, "actions is NULL");
    if (!advantages) return a2c__fail(A2C_E_INVALID_ARG, fn, "advantages is NULL");
    if (!returns) return a2c__fail(A2C_E_INVALID_ARG, fn, "returns is NULL");
    if (batch == 0) return a2c__fail(A2C_E_INVALID_ARG, fn, "batch is 0");
    const a2c__dist *dist = a2c__net_dist(net);
    if ((dist->action_kind == A2C_SPACE_BOX) != (box != NULL))
        return a2c__fail(A2C_E_INVALID_ARG, fn, "the net's actions are %s: use %s",
                         box ? "discrete" : "continuous",
                         box ? "a2c_net_loss_backward" : "a2c_net_loss_backward_box");
    if (a2c__net_check_unlocked(net, fn) != A2C_OK) return A2C_E_STATE;
    if (a2c__net_cached(net) != batch)
        return a2c__fail(A2C_E_STATE, fn, "batch is %zu but the last forward pass ran %zu rows",
                         batch, a2c__net_cached(net));
    a2c__loss_coefs c;
    a2c__loss_coefs_from_config(cfg, &c);
    double t[A2C_LOSS_TERMS];
    const a2c_status rc =
        a2c__loss_net(net, &c, batch, discrete, box, advantages, returns, t, NULL);
    if (rc == A2C_E_INVALID_ARG) {
        if (c.normalize_advantage && batch < 2)
            return a2c__fail(rc, fn, "normalize_advantage needs a batch of 2 or more");
        if (box) return a2c__fail(rc, fn, "actions holds NaN or infinity");
        return a2c__fail(rc, fn, "actions holds a value outside 0..%zu", dist->action_dim - 1);
    }
    if (rc == A2C_E_NONFINITE)
        return a2c__fail(rc, fn, "advantages, returns or the loss are not finite");
    if (rc != A2C_OK) return a2c__fail_status(rc, fn);
    a2c__net_backward_loss(net, batch);
    for (size_t k = 0; terms && k < n_terms && k < A2C_LOSS_TERMS; k++) terms[k] = t[k];
    return A2C_OK;
}

A2C_API a2c_status a2c_net_loss_backward(a2c_net *net, const a2c_config *cfg, size_t batch,
                                         const int32_t *actions, const float *advantages,
                                         const float *returns, double *terms, size_t n_terms)
{
    if (!actions) return a2c__fail(A2C_E_INVALID_ARG, __func__, "actions is NULL");
    return loss_backward(net, cfg, batch, actions, NULL, advantages, returns, terms, n_terms,
                         __func__);
}

A2C_API a2c_status a2c_net_loss_backward_box(a2c_net *net, const a2c_config *cfg, size_t batch,
                                             const float *actions, const float *advantages,
                                             const float *returns, double *terms,
                                             size_t n_terms)
{
    if (!actions) return a2c__fail(A2C_E_INVALID_ARG, __func__, "actions is NULL");
    return loss_backward(net, cfg, batch, NULL, actions, advantages, returns, terms, n_terms,
                         __func__);
}
