/* Continuous actions: Stable-Baselines3's DiagGaussianDistribution and its
 * StateDependentNoiseDistribution (gSDE) with SB3's defaults (full_std,
 * exp rather than expln, no squashing, the latent not learned, epsilon
 * 1e-6), behind the a2c__dist interface.
 *
 * Both are a Normal per action dimension around the action head's output
 * (the mean), with log-probability and entropy summed over dimensions.
 * They differ in the standard deviation and the noise:
 * - Gaussian: sigma_k = exp(log_std[k]), one parameter per dimension;
 *   a sample is mean + sigma * N(0, 1).
 * - gSDE: log_std is a latent_dim x action_dim matrix L, and with the
 *   actor's latent features z of the row (detached: no gradient reaches
 *   the trunk through the std), sigma_k = sqrt(sum_j z_j^2 exp(2 L_jk) +
 *   1e-6).  A sample is mean + z . E, with an exploration matrix E drawn
 *   from N(0, exp(L)) and kept for many steps (a2c__gsde_draw_noise), so
 *   exploration is a smooth function of the state.
 *
 * Arithmetic is in double, as the loss accumulates its sums; inputs and
 * outputs are float. */
#include "policy/dist.h"

#include <math.h>

#define LOG_SQRT_2PI 0.91893853320467274178 /* log(sqrt(2 pi)) */
#define GSDE_EPSILON 1e-6

/* sigma_k and log sigma_k of one row. */
static void row_std(const a2c__dist *d, const float *params, const float *latent, size_t k,
                    double *sigma, double *log_sigma)
{
    if (!d->use_sde) {
        *log_sigma = (double)params[k];
        *sigma = exp(*log_sigma);
        return;
    }
    const size_t a = d->action_dim;
    double var = 0.0;
    for (size_t j = 0; j < d->latent_dim; j++) {
        const double z = (double)latent[j], s = exp((double)params[j * a + k]);
        var += (z * z) * (s * s);
    }
    *sigma = sqrt(var + GSDE_EPSILON);
    *log_sigma = log(*sigma);
}

static a2c_status gaussian_act(const a2c__dist *d, const float *head, const float *params,
                               const float *latent, const float *noise, size_t n_noise,
                               size_t rows, int deterministic, a2c__rng *rng, int32_t *discrete,
                               float *box, float *log_probs, float *scratch)
{
    (void)discrete, (void)scratch;
    const size_t a = d->action_dim, l = d->latent_dim;
    for (size_t b = 0; b < rows; b++) {
        const float *mean = head + b * a;
        const float *z = latent ? latent + b * l : NULL;
        /* one matrix per row when there is one per env, else the first
         * for all (SB3's get_noise) */
        const float *e = noise ? noise + (n_noise == rows ? b : 0) * l * a : NULL;
        double logp = 0.0;
        for (size_t k = 0; k < a; k++) {
            const double mu = (double)mean[k];
            double sigma, log_sigma;
            row_std(d, params, z, k, &sigma, &log_sigma);
            if (!isfinite(mu) || !isfinite(sigma)) return A2C_E_NONFINITE;
            double x = mu;
            if (!deterministic) {
                if (d->use_sde) {
                    double n = 0.0;
                    for (size_t j = 0; j < l; j++) n += (double)z[j] * (double)e[j * a + k];
                    x = mu + n;
                } else {
                    x = mu + sigma * a2c__rng_normal(rng);
                }
            }
            const float act = (float)x;
            const double diff = (double)act - mu;
            logp += -(diff * diff) / (2.0 * sigma * sigma) - log_sigma - LOG_SQRT_2PI;
            box[b * a + k] = act;
        }
        if (log_probs) log_probs[b] = (float)logp;
    }
    return A2C_OK;
}

static int gaussian_actions_valid(const a2c__dist *d, const int32_t *discrete, const float *box,
                                  size_t rows)
{
    (void)discrete;
    return box != NULL && a2c__all_finite(box, rows * d->action_dim);
}

/* One row of the policy loss.  With d = action - mean:
 *   log pi = sum_k -d^2 / (2 sigma^2) - log sigma - log sqrt(2 pi)
 *   entropy = sum_k 1/2 + log sqrt(2 pi) + log sigma
 * d/dmean log pi = d / sigma^2;  d/dlog sigma: log pi (d^2/sigma^2 - 1),
 * entropy 1.  For gSDE, d sigma^2 / d L_jk = 2 z_j^2 exp(2 L_jk), so a
 * gradient g with respect to log sigma adds g z_j^2 exp(2 L_jk) / sigma^2
 * to L_jk. */
static void gaussian_policy_row(const a2c__dist *d, const float *mean, const float *params,
                                const float *latent, size_t row, const int32_t *discrete,
                                const float *box, double w_logp, double w_entropy, float *dmean,
                                float *dparams, double *log_prob, double *entropy)
{
    (void)discrete;
    const size_t a = d->action_dim, l = d->latent_dim;
    const float *action = box + row * a;
    double logp = 0.0, ent = 0.0;
    for (size_t k = 0; k < a; k++) {
        double sigma, log_sigma;
        row_std(d, params, latent, k, &sigma, &log_sigma);
        const double mu = (double)mean[k];
        const double diff = (double)action[k] - mu, var = sigma * sigma;
        logp += -(diff * diff) / (2.0 * var) - log_sigma - LOG_SQRT_2PI;
        ent += 0.5 + LOG_SQRT_2PI + log_sigma;
        dmean[k] = (float)(w_logp * diff / var);
        const double g_log_sigma = w_logp * (diff * diff / var - 1.0) + w_entropy;
        if (!d->use_sde) {
            dparams[k] += (float)g_log_sigma;
            continue;
        }
        for (size_t j = 0; j < l; j++) {
            const double z = (double)latent[j], s = exp((double)params[j * a + k]);
            dparams[j * a + k] += (float)(g_log_sigma * (z * z) * (s * s) / var);
        }
    }
    *log_prob = logp;
    *entropy = ent;
}

static void gaussian_init_params(const a2c__dist *d, float *params)
{
    for (size_t k = 0; k < d->n_params; k++) params[k] = (float)d->log_std_init;
}

const a2c__dist_ops a2c__gaussian_ops = {
    "gaussian", gaussian_act, gaussian_actions_valid, gaussian_policy_row, gaussian_init_params,
};

void a2c__gsde_draw_noise(const a2c__dist *d, const float *params, a2c__rng *rng, float *noise,
                          size_t n_noise)
{
    const size_t cells = d->latent_dim * d->action_dim;
    for (size_t m = 0; m < n_noise; m++)
        for (size_t c = 0; c < cells; c++)
            noise[m * cells + c] = (float)(exp((double)params[c]) * a2c__rng_normal(rng));
}
