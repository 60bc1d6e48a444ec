/* Continuous actions: the diagonal Gaussian and gSDE policies against
 * PyTorch (tests/fixtures/net_gaussian.txt, net_gsde.txt) and against
 * finite differences of an independent double-precision reference; the
 * public BOX calls (acting, clipping, bounds, the loss, rollouts) and their
 * bad input; a BOX trainer with checkpoints, exact resume and evaluation;
 * and a short learning run on MountainCarContinuous-v0. */
#include "fixture.h"
#include "gradcheck.h"
#include "harness.h"
#include "whitebox.h"
#include "zoo.h"

#include <stdlib.h>
#include <string.h>

/* ---- a double-precision reference: tanh trunks, mean head, value head,
 * log_std last; Gaussian or gSDE (latent detached: held at `latent0`) ---- */

typedef struct ref {
    size_t obs_dim, act_dim, batch, n_pi, n_vf, pi[4], vf[4];
    int sde;
    double ent_coef, vf_coef;
    const float *obs, *actions, *adv, *ret;
    const double *latent0; /* gSDE: the latent the std uses, batch x latent */
} ref;

static size_t trunk(const double *theta, size_t *off, const size_t *w, size_t n, double *x,
                    size_t in)
{
    double tmp[64];
    for (size_t l = 0; l < n; l++) {
        const double *W = theta + *off, *b = W + in * w[l];
        for (size_t j = 0; j < w[l]; j++) {
            double z = b[j];
            for (size_t i = 0; i < in; i++) z += x[i] * W[i * w[l] + j];
            tmp[j] = tanh(z);
        }
        *off += in * w[l] + w[l];
        memcpy(x, tmp, w[l] * sizeof *x);
        in = w[l];
    }
    return in;
}

/* The mean, value and latent of row b; returns the offset of log_std. */
static size_t ref_row(const ref *r, const double *theta, size_t b, double *mean, double *value,
                      double *latent)
{
    double xp[64], xv[64];
    for (size_t i = 0; i < r->obs_dim; i++) xp[i] = xv[i] = r->obs[b * r->obs_dim + i];
    size_t off = 0;
    const size_t wp = trunk(theta, &off, r->pi, r->n_pi, xp, r->obs_dim);
    const size_t wv = trunk(theta, &off, r->vf, r->n_vf, xv, r->obs_dim);
    for (size_t k = 0; k < r->act_dim; k++) {
        double z = theta[off + wp * r->act_dim + k];
        for (size_t i = 0; i < wp; i++) z += xp[i] * theta[off + i * r->act_dim + k];
        mean[k] = z;
    }
    off += wp * r->act_dim + r->act_dim;
    double v = theta[off + wv];
    for (size_t i = 0; i < wv; i++) v += xv[i] * theta[off + i];
    *value = v;
    if (latent) memcpy(latent, xp, wp * sizeof *latent);
    return off + wv + 1;
}

static size_t latent_dim(const ref *r) { return r->n_pi ? r->pi[r->n_pi - 1] : r->obs_dim; }

static double ref_loss(const double *theta, void *vctx)
{
    const ref *r = vctx;
    const size_t A = r->act_dim, L = latent_dim(r);
    double pol = 0.0, ent = 0.0, val = 0.0;
    for (size_t b = 0; b < r->batch; b++) {
        double mean[16], v;
        const size_t ls = ref_row(r, theta, b, mean, &v, NULL);
        for (size_t k = 0; k < A; k++) {
            double log_sigma;
            if (!r->sde) {
                log_sigma = theta[ls + k];
            } else {
                double var = 0.0;
                for (size_t j = 0; j < L; j++) {
                    const double z = r->latent0[b * L + j], s = exp(theta[ls + j * A + k]);
                    var += z * z * s * s;
                }
                log_sigma = 0.5 * log(var + 1e-6);
            }
            const double d = (double)r->actions[b * A + k] - mean[k];
            pol += r->adv[b] * (-d * d / (2.0 * exp(2.0 * log_sigma)) - log_sigma -
                                0.5 * log(2.0 * 3.14159265358979323846));
            ent += 0.5 + 0.5 * log(2.0 * 3.14159265358979323846) + log_sigma;
        }
        val += (v - r->ret[b]) * (v - r->ret[b]);
    }
    const double B = (double)r->batch;
    return -pol / B + r->ent_coef * (-ent / B) + r->vf_coef * val / B;
}

static a2c_config *config_for(const ref *r)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    int32_t pi[4], vf[4];
    for (size_t l = 0; l < r->n_pi; l++) pi[l] = (int32_t)r->pi[l];
    for (size_t l = 0; l < r->n_vf; l++) vf[l] = (int32_t)r->vf[l];
    CHECK(a2c_config_set_net_arch(cfg, pi, r->n_pi, vf, r->n_vf) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, (int64_t)r->batch) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_ENT_COEF, r->ent_coef) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_VF_COEF, r->vf_coef) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_USE_SDE, r->sde) == A2C_OK);
    return cfg;
}

/* ---- PyTorch fixtures ---- */

static void test_fixture(const char *file)
{
    fixture f;
    if (!fixture_load(&f, file)) return;
    ref r = {0};
    r.obs_dim = fixture_size(&f, "obs_dim");
    r.act_dim = fixture_size(&f, "action_dim");
    r.batch = fixture_size(&f, "batch");
    r.n_pi = fixture_count(&f, "pi_arch");
    r.n_vf = fixture_count(&f, "vf_arch");
    for (size_t l = 0; l < r.n_pi; l++) r.pi[l] = (size_t)fixture_get(&f, "pi_arch", 0)[l];
    for (size_t l = 0; l < r.n_vf; l++) r.vf[l] = (size_t)fixture_get(&f, "vf_arch", 0)[l];
    r.sde = (int)fixture_size(&f, "use_sde");
    r.ent_coef = fixture_get(&f, "ent_coef", 1)[0];
    r.vf_coef = fixture_get(&f, "vf_coef", 1)[0];
    const size_t B = r.batch, A = r.act_dim, L = latent_dim(&r);
    a2c_config *cfg = config_for(&r);
    a2c_net *net = NULL;
    CHECK(a2c_net_create_box(&net, cfg, r.obs_dim, A) == A2C_OK);
    CHECK(a2c_net_action_kind(net) == A2C_SPACE_BOX && a2c_net_n_actions(net) == A);
    const size_t n = a2c_net_param_count(net);
    CHECK_EQ_INT(n, fixture_count(&f, "params"));
    float *params = fixture_floats(&f, "params", n);
    float *obs = fixture_floats(&f, "obs", B * r.obs_dim);
    float *actions = fixture_floats(&f, "actions", B * A);
    float *adv = fixture_floats(&f, "advantages", B), *ret = fixture_floats(&f, "returns", B);
    if (!net || !params || !obs || !actions || !adv || !ret) goto done;
    CHECK(a2c_net_set_params(net, params, n) == A2C_OK);
    float means[64], values[16];
    CHECK(a2c_net_forward(net, obs, B, means, values) == A2C_OK);
    check_floats("means", means, fixture_get(&f, "means", B * A), B * A, 1e-5, 1e-6);
    check_floats("values", values, fixture_get(&f, "values", B), B, 1e-5, 1e-6);
    /* per row: log pi(action) and the entropy, through the distribution */
    {
        const a2c__dist *d = a2c__net_dist(net);
        float lp[16], ent[16], dmean[16], dparams[256] = {0};
        for (size_t b = 0; b < B; b++) {
            double l, e;
            d->ops->policy_row(d, a2c__net_head(net, b), a2c__net_dist_params(net),
                               r.sde ? a2c__net_latent(net, b) : NULL, b, NULL, actions, 0.0,
                               0.0, dmean, dparams, &l, &e);
            lp[b] = (float)l;
            ent[b] = (float)e;
        }
        check_floats("log_probs", lp, fixture_get(&f, "log_probs", B), B, 1e-5, 1e-6);
        check_floats("entropy", ent, fixture_get(&f, "entropy", B), B, 1e-5, 1e-6);
    }
    double terms[A2C_LOSS_TERMS];
    CHECK(a2c_net_zero_grad(net) == A2C_OK);
    CHECK(a2c_net_loss_backward_box(net, cfg, B, actions, adv, ret, terms, A2C_LOSS_TERMS) ==
          A2C_OK);
    CHECK_CLOSE(terms[A2C_LOSS_POLICY], fixture_get(&f, "loss_policy", 1)[0], 1e-5, 1e-7);
    CHECK_CLOSE(terms[A2C_LOSS_VALUE], fixture_get(&f, "loss_value", 1)[0], 1e-5, 1e-7);
    CHECK_CLOSE(terms[A2C_LOSS_ENTROPY], fixture_get(&f, "loss_entropy", 1)[0], 1e-5, 1e-7);
    CHECK_CLOSE(terms[A2C_LOSS_TOTAL], fixture_get(&f, "loss_total", 1)[0], 1e-5, 1e-7);
    /* Against the float64 gradient: torch's float32 one is up to
     * torch_grad_error from it (1.2e-6 and 1.9e-7 here: the head gradients
     * of small stds are several times the final ones, and float32 backprop
     * keeps ~1e-7 of those), and this float32 one must stay within a few
     * times that scale. */
    const double *err = fixture_get(&f, "torch_grad_error", 1);
    check_floats("grads (float64 reference)", a2c_net_grads(net),
                 fixture_get(&f, "grads_f64", n), n, 1e-5, err ? 4.0 * err[0] : 0.0);
    if (r.sde) {
        /* the latent is the actor trunk's output, and a sample with one
         * exploration matrix is mean + latent . E (SB3's get_noise) */
        CHECK_EQ_INT(L, fixture_size(&f, "latent_dim"));
        check_floats("latent", a2c__net_latent(net, 0), fixture_get(&f, "latent", B * L), B * L,
                     1e-5, 1e-6);
        float *e = fixture_floats(&f, "exploration_matrix", L * A);
        CHECK(a2c__net_noise_count(net) == 1);
        if (e) memcpy(a2c__net_noise(net), e, L * A * sizeof *e);
        float sampled[64];
        CHECK(a2c_net_act_box(net, obs, B, 0, sampled, NULL, NULL) == A2C_OK);
        check_floats("sampled actions", sampled, fixture_get(&f, "sampled_actions", B * A),
                     B * A, 1e-5, 1e-6);
        free(e);
    }
    printf("%s: loss and gradient of %zu parameters as PyTorch's\n", file, n);
done:
    free(params), free(obs), free(actions), free(adv), free(ret);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
    fixture_free(&f);
}

/* ---- finite differences: mean, log_std, through the trunk ---- */

/* The number of mismatching entries; with `corrupt` the library gradient of
 * log_std is halved first, to show the check sees it. */
static size_t box_gradcheck(const char *what, int sde, int corrupt)
{
    ref r = {0};
    r.obs_dim = 4, r.act_dim = 3, r.batch = 7, r.n_pi = 2, r.pi[0] = 8, r.pi[1] = 5;
    r.n_vf = 1, r.vf[0] = 6, r.sde = sde, r.ent_coef = 0.05, r.vf_coef = 0.5;
    unsigned long long s = 77 + (unsigned)sde;
    float obs[28], actions[21], adv[7], ret[7];
    fill_uniform(&s, obs, sizeof obs / sizeof *obs, -1.5, 1.5);
    fill_uniform(&s, actions, sizeof actions / sizeof *actions, -2.0, 2.0);
    fill_uniform(&s, adv, 7, -2, 2);
    fill_uniform(&s, ret, 7, -1, 2);
    r.obs = obs, r.actions = actions, r.adv = adv, r.ret = ret;
    a2c_config *cfg = config_for(&r);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_ORTHO_INIT, 0) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_LOG_STD_INIT, -0.5) == A2C_OK);
    a2c_net *net = NULL;
    CHECK(a2c_net_create_box(&net, cfg, r.obs_dim, r.act_dim) == A2C_OK);
    size_t bad = 1;
    if (!net) goto done;
    const size_t n = a2c_net_param_count(net), L = latent_dim(&r);
    /* log_std away from its start, different per entry */
    const size_t n_std = sde ? L * r.act_dim : r.act_dim;
    for (size_t k = 0; k < n_std; k++)
        a2c_net_params(net)[n - n_std + k] = (float)(-0.8 + 0.1 * (double)k);
    CHECK(a2c_net_forward(net, obs, r.batch, NULL, NULL) == A2C_OK);
    double latent0[7 * 8];
    for (size_t b = 0; b < r.batch; b++)
        for (size_t j = 0; j < L; j++) latent0[b * L + j] = a2c__net_latent(net, b)[j];
    r.latent0 = latent0;
    CHECK(a2c_net_zero_grad(net) == A2C_OK);
    CHECK(a2c_net_loss_backward_box(net, cfg, r.batch, actions, adv, ret, NULL, 0) == A2C_OK);
    float *grad = malloc(n * sizeof *grad);
    double *theta = malloc(n * sizeof *theta);
    memcpy(grad, a2c_net_grads(net), n * sizeof *grad);
    for (size_t k = 0; k < n; k++) theta[k] = a2c_net_params(net)[k];
    if (corrupt) grad[n - 1] *= 0.5f;
    /* the latent held fixed in the reference is the float one the library
     * used; the trunk's entries of the reference therefore see the std
     * only through nothing, exactly the detached gradient */
    bad = gradcheck(what, ref_loss, &r, theta, n, grad, 1e-4, 1e-4, 1e-6);
    free(grad), free(theta);
done:
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
    return bad;
}

static void test_gradchecks(void)
{
    CHECK(box_gradcheck("gaussian", 0, 0) == 0);
    CHECK(box_gradcheck("gaussian (log_std halved)", 0, 1) > 0);
    CHECK(box_gradcheck("gsde", 1, 0) == 0);
    CHECK(box_gradcheck("gsde (log_std halved)", 1, 1) > 0);
}

/* ---- the public BOX calls and their bad input ---- */

static void test_public_calls(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    a2c_net *net = NULL, *discrete = NULL;
    CHECK(a2c_net_create_box(&net, cfg, 3, 2) == A2C_OK);
    CHECK(a2c_net_create(&discrete, cfg, 3, 2) == A2C_OK);
    const float obs[6] = {0.5f, -0.2f, 0.1f, 3.0f, -2.0f, 1.0f};
    float act[4], lp[2];
    /* unbounded: the mean itself; the log-probability is the density's */
    CHECK(a2c_net_act_box(net, obs, 2, 1, act, lp, NULL) == A2C_OK);
    CHECK(isfinite(act[0]) && isfinite(lp[0]));
    const float low[2] = {-0.001f, 0.0f}, high[2] = {0.001f, 0.0f};
    CHECK(a2c_net_set_action_bounds(net, low, high, 2) == A2C_OK);
    CHECK(a2c_net_act_box(net, obs, 2, 0, act, NULL, NULL) == A2C_OK);
    for (int k = 0; k < 4; k++) CHECK(act[k] >= low[k % 2] && act[k] <= high[k % 2]);
    /* refusals name what was wrong */
    const float bad_low[2] = {1.0f, 0.0f}, nan_high[2] = {NAN, 1.0f};
    CHECK(a2c_net_set_action_bounds(net, bad_low, high, 2) == A2C_E_INVALID_ARG);
    CHECK(strstr(a2c_last_error(), "component 0") != NULL);
    CHECK(a2c_net_set_action_bounds(net, low, nan_high, 2) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_set_action_bounds(net, low, high, 3) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_set_action_bounds(discrete, low, high, 2) == A2C_E_INVALID_ARG);
    int32_t ia[2];
    CHECK(a2c_net_act(net, obs, 2, 1, ia, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_act_box(discrete, obs, 2, 1, act, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(strstr(a2c_last_error(), "a2c_net_act") != NULL);
    const float nan_obs[3] = {0.0f, NAN, 0.0f};
    CHECK(a2c_net_act_box(net, nan_obs, 1, 1, act, NULL, NULL) == A2C_E_NONFINITE);
    CHECK(a2c_net_act_box(net, obs, 0, 1, act, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_act_box(net, obs, 1, 1, NULL, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_reset_noise(net) == A2C_OK); /* a no-op without gSDE */
    CHECK(a2c_net_reset_noise(NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_action_kind(NULL) == -1 && a2c_net_action_kind(discrete) == 0);
    /* gSDE is for continuous actions only, as in SB3 */
    a2c_config *sde = NULL;
    CHECK(a2c_config_clone(cfg, &sde) == A2C_OK);
    CHECK(a2c_config_set_string(sde, "use_sde", "True") == A2C_OK);
    a2c_net *refused = NULL;
    CHECK(a2c_net_create(&refused, sde, 3, 2) == A2C_E_INVALID_ARG && refused == NULL);
    CHECK(strstr(a2c_last_error(), "use_sde") != NULL);
    a2c_env *cartpole = NULL;
    a2c_trainer *tr = NULL;
    CHECK(a2c_env_make(&cartpole, "CartPole-v1", 2, NULL) == A2C_OK);
    CHECK(a2c_trainer_create(&tr, sde, cartpole) == A2C_E_INVALID_ARG && tr == NULL);
    CHECK(strstr(a2c_last_error(), "a2c_trainer_create: use_sde") != NULL);
    a2c_env_close(cartpole);
    a2c_config_destroy(sde);
    /* the BOX loss: NaN actions, a discrete net */
    const float nan_act[4] = {0.0f, NAN, 0.0f, 0.0f}, adv[2] = {1, -1}, ret[2] = {0, 1};
    CHECK(a2c_net_forward(net, obs, 2, NULL, NULL) == A2C_OK);
    CHECK(a2c_net_loss_backward_box(net, cfg, 2, nan_act, adv, ret, NULL, 0) ==
          A2C_E_INVALID_ARG);
    CHECK(strstr(a2c_last_error(), "NaN") != NULL);
    CHECK(a2c_net_loss_backward(net, cfg, 2, ia, adv, ret, NULL, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_forward(discrete, obs, 2, NULL, NULL) == A2C_OK);
    CHECK(a2c_net_loss_backward_box(discrete, cfg, 2, act, adv, ret, NULL, 0) ==
          A2C_E_INVALID_ARG);
    /* rollouts of float actions */
    a2c_rollout *ro = NULL, *dro = NULL;
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_ENVS, 2) == A2C_OK);
    CHECK(a2c_rollout_create_box(&ro, cfg, 3, 2) == A2C_OK);
    a2c_rollout *none = ro;
    CHECK(a2c_rollout_create_box(&none, cfg, 3, 0) == A2C_E_INVALID_ARG && none == NULL);
    CHECK(a2c_rollout_create(&dro, cfg, 3) == A2C_OK);
    const float box[4] = {0.1f, 2.5f, -3.0f, 0.0f}, z[2] = {0, 0};
    CHECK(a2c_rollout_add_box(ro, obs, box, z, z, z, z) == A2C_OK);
    CHECK(a2c_rollout_add_box(ro, obs, nan_act, z, z, z, z) == A2C_E_NONFINITE);
    CHECK(strstr(a2c_last_error(), "actions[1]") != NULL);
    CHECK(a2c_rollout_add(ro, obs, ia, z, z, z, z) == A2C_E_INVALID_ARG);
    CHECK(a2c_rollout_add_box(dro, obs, box, z, z, z, z) == A2C_E_INVALID_ARG);
    CHECK(a2c_rollout_box_actions(ro) && a2c_rollout_box_actions(ro)[1] == 2.5f);
    CHECK(a2c_rollout_box_actions(dro) == NULL);
    a2c_rollout_destroy(dro);
    a2c_rollout_destroy(ro);
    a2c_net_destroy(discrete);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

/* ---- a BOX trainer: checkpoints, evaluation, exact resume ---- */

static void test_trainer(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_apply_preset(cfg, "Pendulum-v1", NULL) == A2C_OK); /* gSDE, normalised */
    CHECK(a2c_config_set_string(cfg, "learning_rate", "7e-4") == A2C_OK); /* constant */
    a2c_env *env = NULL, *eval_env = NULL;
    CHECK(a2c_env_make(&env, "Pendulum-v1", 8, NULL) == A2C_OK);
    CHECK(a2c_env_make(&eval_env, "Pendulum-v1", 1, NULL) == A2C_OK);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, 16000, NULL, NULL) == A2C_OK);
    size_t one_size;
    unsigned char *one = trainer_bytes(tr, &one_size);
    a2c_net *net = a2c_trainer_net(tr);
    /* the net knows its env's bounds and keeps them in its checkpoint */
    size_t size = 0;
    CHECK(a2c_net_save_size(net, &size) == A2C_OK);
    unsigned char *buf = malloc(size);
    CHECK(buf && a2c_net_save_to_buffer(net, buf, size, NULL) == A2C_OK);
    a2c_net *loaded = NULL;
    CHECK(a2c_net_load_from_buffer(&loaded, buf, size, NULL) == A2C_OK);
    CHECK(a2c_net_action_kind(loaded) == A2C_SPACE_BOX);
    const float far[3] = {1.0f, 0.0f, 50.0f};
    float a1, a2;
    CHECK(a2c_net_act_box(net, far, 1, 1, &a1, NULL, NULL) == A2C_OK);
    CHECK(a2c_net_act_box(loaded, far, 1, 1, &a2, NULL, NULL) == A2C_OK);
    CHECK(a1 == a2 && a1 >= -2.0f && a1 <= 2.0f);
    double m1, m2;
    CHECK(a2c_evaluate(net, eval_env, 3, 1, 9, &m1, NULL, NULL) == A2C_OK);
    CHECK(a2c_evaluate(loaded, eval_env, 3, 1, 9, &m2, NULL, NULL) == A2C_OK);
    CHECK(m1 == m2);
    CHECK(a2c_evaluate(loaded, eval_env, 2, 0, 9, &m2, NULL, NULL) == A2C_OK); /* sampled */
    a2c_net_destroy(loaded);
    free(buf);
    a2c_trainer_destroy(tr);

    /* 8000 steps, saved, resumed to 16000 in a new trainer: one run's bytes */
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, 8000, NULL, NULL) == A2C_OK);
    size_t mid_size, two_size;
    unsigned char *mid = trainer_bytes(tr, &mid_size);
    a2c_trainer_destroy(tr);
    a2c_env *env2 = NULL;
    CHECK(a2c_env_make(&env2, "Pendulum-v1", 8, NULL) == A2C_OK);
    CHECK(a2c_trainer_create(&tr, cfg, env2) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(tr, mid, mid_size) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, 16000, NULL, NULL) == A2C_OK);
    unsigned char *two = trainer_bytes(tr, &two_size);
    CHECK(one_size == two_size && memcmp(one, two, one_size) == 0);
    printf("Pendulum-v1 (gSDE, normalised): 8000 steps + resume to 16000 %s one run\n",
           one_size == two_size && memcmp(one, two, one_size) == 0 ? "equals" : "differs from");
    free(one), free(two), free(mid);
    a2c_trainer_destroy(tr);
    a2c_env_close(env2);
    a2c_env_close(eval_env);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
}

/* A short honest learning run: the zoo's MountainCarContinuous settings
 * (gSDE, sde_sample_freq 16, normalised) and budget, one seed; Gymnasium's
 * threshold is 90.  Bit-reproducible, so it cannot flake. */
static void test_mountain_car_continuous_learns(void)
{
    uint64_t budget;
    const double mean = zoo_greedy_mean("MountainCarContinuous-v0", &budget);
    printf("MountainCarContinuous-v0, zoo settings, %llu steps: greedy mean %.2f over 100 "
           "episodes (threshold 90, zoo 91.17)\n", (unsigned long long)budget, mean);
    CHECK(mean >= 90.0);
}

int main(void)
{
    test_fixture("net_gaussian.txt");
    test_fixture("net_gsde.txt");
    test_gradchecks();
    test_public_calls();
    test_trainer();
    test_mountain_car_continuous_learns();
    return harness_report();
}
