/* The A2C loss of SB3's A2C.train() (loss.c), the one place it is
 * assembled.  Its policy half runs through the distribution interface, so
 * it holds for any action space:
 *
 *   policy_loss  = -mean(A * log pi(a|s))
 *   value_loss   = F.mse_loss(returns, values)   (or Huber)
 *   entropy_loss = -mean(entropy)
 *   loss = policy_loss + ent_coef * entropy_loss + vf_coef * value_loss
 *
 * It comes whole (a2c__loss_net) or in halves that the trainer runs on two
 * threads: prepare (checks, advantage normalisation), then the policy half
 * beside the value half, then the terms. */
#ifndef A2C_ALGO_LOSS_H
#define A2C_ALGO_LOSS_H

#include "common/common.h"
#include "policy/dist.h"

typedef struct a2c__loss_coefs {
    double ent_coef, vf_coef, huber_delta;
    int normalize_advantage, value_loss;
} a2c__loss_coefs;

void a2c__loss_coefs_from_config(const a2c_config *cfg, a2c__loss_coefs *out);

/* Checks the batch (size, actions in the space, finite advantages and
 * returns) and gives the advantage normalisation: A' = (A - mean) * scale.
 * A2C_E_INVALID_ARG or A2C_E_NONFINITE, with no message (callers name the
 * public function). */
a2c_status a2c__loss_prepare(const a2c__loss_coefs *c, const a2c__dist *dist, size_t batch,
                             const int32_t *discrete, const float *box, const float *advantages,
                             const float *returns, double *adv_mean, double *adv_scale);
/* The policy and entropy terms over `batch` rows of head outputs (row
 * stride head_width) and, for gSDE, the rows' latent features (stride
 * latent_dim; NULL otherwise), their gradient written to dhead and, for the
 * distribution's own parameters, added to dparams.  log_probs (may be
 * NULL) receives each row's log pi(action). */
void a2c__policy_loss(const a2c__loss_coefs *c, const a2c__dist *dist, const float *head,
                      const float *params, const float *latent, size_t batch,
                      const int32_t *discrete,
                      const float *box, const float *advantages, double adv_mean,
                      double adv_scale, float *dhead, float *dparams, double *policy_loss,
                      double *entropy_loss, double *log_probs);
/* Mean over the batch of MSE or Huber(delta) between values and returns;
 * if dv is not NULL, dv[b] = scale * d loss / d values[b]. */
double a2c__value_loss(int kind, double delta, const float *values, const float *returns,
                       size_t batch, double scale, float *dv);
/* terms[A2C_LOSS_TERMS] from the three parts; A2C_E_NONFINITE if the total
 * is not finite. */
a2c_status a2c__loss_terms(const a2c__loss_coefs *c, double policy_loss, double entropy_loss,
                           double value_loss, double *terms);
/* The whole loss over the net's cached rows [0, batch), into the net's
 * gradient buffers (a2c__net_dhead, a2c__net_dvalues, the distribution's
 * gradient slice), ready for a backward pass; log_probs as
 * a2c__policy_loss's. */
a2c_status a2c__loss_net(a2c_net *net, const a2c__loss_coefs *c, size_t batch,
                         const int32_t *discrete, const float *box, const float *advantages,
                         const float *returns, double *terms, double *log_probs);
/* The whole loss of a categorical policy from plain arrays (the tests'
 * entry point): logits (batch x n), values, and the gradients dlogits and
 * dvalues. */
a2c_status a2c__a2c_loss(const a2c__loss_coefs *c, const float *logits, const float *values,
                         size_t batch, size_t n, const int32_t *actions,
                         const float *advantages, const float *returns, float *dlogits,
                         float *dvalues, double *terms);

#endif /* A2C_ALGO_LOSS_H */
