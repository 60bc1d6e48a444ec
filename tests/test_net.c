/* a2c_net: layout, initialisation, forward/backward against PyTorch, the
 * full gradient against finite differences, acting. */
#include "fixture.h"
#include "gradcheck.h"
#include "harness.h"
#include "whitebox.h"

#include <stdlib.h>
#include <string.h>

/* ---- a double-precision reference of the whole net and loss ---- */

typedef struct ref_net {
    size_t obs_dim, n_actions, batch, n_pi, n_vf;
    size_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    int activation, shared;
    a2c__loss_coefs c;
    const float *obs, *adv, *ret;
    const int32_t *actions;
} ref_net;

/* Applies the trunk of `n` layers with widths w to x (width in), in place
 * in `buf` rows; returns the final width.  *off walks the flat vector. */
static size_t ref_trunk(const ref_net *r, const double *theta, size_t *off, const size_t *w,
                        size_t n, double *x, size_t in)
{
    double tmp[A2C_MAX_WIDTH];
    for (size_t l = 0; l < n; l++) {
        const double *W = theta + *off, *b = W + in * w[l];
        for (size_t j = 0; j < w[l]; j++) {
            double z = b[j];
            for (size_t i = 0; i < in; i++) z += x[i] * W[i * w[l] + j];
            tmp[j] = r->activation == A2C_ACTIVATION_TANH ? tanh(z) : (z > 0 ? z : 0);
        }
        *off += in * w[l] + w[l];
        memcpy(x, tmp, w[l] * sizeof *x);
        in = w[l];
    }
    return in;
}

/* Offsets of the heads, in the documented order. */
static void ref_offsets(const ref_net *r, size_t *pi_trunk, size_t *vf_trunk, size_t *head_pi,
                        size_t *head_vf, size_t *wp, size_t *wv)
{
    size_t off = 0, in = r->obs_dim;
    *pi_trunk = 0;
    for (size_t l = 0; l < r->n_pi; l++) off += in * r->pi[l] + r->pi[l], in = r->pi[l];
    *wp = in;
    *vf_trunk = off;
    in = r->obs_dim;
    if (!r->shared)
        for (size_t l = 0; l < r->n_vf; l++) off += in * r->vf[l] + r->vf[l], in = r->vf[l];
    *wv = r->shared ? *wp : in;
    *head_pi = off;
    *head_vf = off + *wp * r->n_actions + r->n_actions;
}

static size_t ref_count(const ref_net *r)
{
    size_t a, b, c, d, wp, wv;
    ref_offsets(r, &a, &b, &c, &d, &wp, &wv);
    return d + wv + 1;
}

static void ref_forward(const ref_net *r, const double *theta, size_t row, double *logits,
                        double *value)
{
    size_t pt, vt, hp, hv, wp, wv;
    ref_offsets(r, &pt, &vt, &hp, &hv, &wp, &wv);
    double xp[A2C_MAX_WIDTH], xv[A2C_MAX_WIDTH];
    for (size_t i = 0; i < r->obs_dim; i++) xp[i] = xv[i] = r->obs[row * r->obs_dim + i];
    size_t off = pt;
    ref_trunk(r, theta, &off, r->pi, r->n_pi, xp, r->obs_dim);
    if (r->shared) memcpy(xv, xp, wp * sizeof *xv);
    else {
        off = vt;
        ref_trunk(r, theta, &off, r->vf, r->n_vf, xv, r->obs_dim);
    }
    for (size_t j = 0; j < r->n_actions; j++) {
        double z = theta[hp + wp * r->n_actions + j];
        for (size_t i = 0; i < wp; i++) z += xp[i] * theta[hp + i * r->n_actions + j];
        logits[j] = z;
    }
    double v = theta[hv + wv];
    for (size_t i = 0; i < wv; i++) v += xv[i] * theta[hv + i];
    *value = v;
}

static double ref_loss(const double *theta, void *vctx)
{
    const ref_net *r = vctx;
    const size_t B = r->batch;
    double mean = 0.0, scale = 1.0;
    if (r->c.normalize_advantage) {
        double var = 0.0;
        for (size_t b = 0; b < B; b++) mean += r->adv[b];
        mean /= (double)B;
        for (size_t b = 0; b < B; b++) var += (r->adv[b] - mean) * (r->adv[b] - mean);
        scale = 1.0 / (sqrt(var / (double)(B - 1)) + 1e-8);
    }
    double pol = 0.0, ent = 0.0, val = 0.0;
    for (size_t b = 0; b < B; b++) {
        double z[A2C_MAX_WIDTH], v;
        ref_forward(r, theta, b, z, &v);
        double m = z[0], s = 0.0, h = 0.0;
        for (size_t k = 1; k < r->n_actions; k++) m = z[k] > m ? z[k] : m;
        for (size_t k = 0; k < r->n_actions; k++) s += exp(z[k] - m);
        const double lse = m + log(s);
        for (size_t k = 0; k < r->n_actions; k++) h -= exp(z[k] - lse) * (z[k] - lse);
        pol += (r->adv[b] - mean) * scale * (z[r->actions[b]] - lse);
        ent += h;
        const double e = v - r->ret[b], d = r->c.huber_delta;
        val += r->c.value_loss == A2C_VALUE_LOSS_MSE ? e * e
               : fabs(e) < d                         ? 0.5 * e * e
                                                     : d * (fabs(e) - 0.5 * d);
    }
    return -pol / (double)B + r->c.ent_coef * (-ent / (double)B) + r->c.vf_coef * val / (double)B;
}

/* ---- helpers ---- */

static a2c_config *config_for(const ref_net *r)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    for (size_t l = 0; l < r->n_pi; l++) pi[l] = (int32_t)r->pi[l];
    for (size_t l = 0; l < r->n_vf; l++) vf[l] = (int32_t)r->vf[l];
    CHECK(a2c_config_set_net_arch(cfg, pi, r->n_pi, vf, r->n_vf) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_ACTIVATION_FN, r->activation) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SHARED_TRUNK, r->shared) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, (int64_t)r->batch) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_ENT_COEF, r->c.ent_coef) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_VF_COEF, r->c.vf_coef) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_HUBER_DELTA, r->c.huber_delta) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_NORMALIZE_ADVANTAGE, r->c.normalize_advantage) ==
          A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_VALUE_LOSS, r->c.value_loss) == A2C_OK);
    return cfg;
}

/* ---- PyTorch fixtures ---- */

static void test_fixture(const char *file)
{
    fixture f;
    if (!fixture_load(&f, file)) return;
    printf("fixture %s\n", file);
    ref_net r = {0};
    r.obs_dim = fixture_size(&f, "obs_dim");
    r.n_actions = fixture_size(&f, "n_actions");
    r.batch = fixture_size(&f, "batch");
    r.activation = (int)fixture_size(&f, "activation");
    r.shared = (int)fixture_size(&f, "shared");
    r.n_pi = fixture_count(&f, "pi_arch");
    r.n_vf = fixture_count(&f, "vf_arch");
    const double *pa = fixture_get(&f, "pi_arch", 0), *va = fixture_get(&f, "vf_arch", 0);
    for (size_t l = 0; l < r.n_pi; l++) r.pi[l] = (size_t)pa[l];
    for (size_t l = 0; l < r.n_vf; l++) r.vf[l] = (size_t)va[l];
    r.c.ent_coef = fixture_get(&f, "ent_coef", 1)[0];
    r.c.vf_coef = fixture_get(&f, "vf_coef", 1)[0];
    r.c.huber_delta = fixture_get(&f, "huber_delta", 1)[0];
    r.c.normalize_advantage = (int)fixture_size(&f, "normalize_advantage");
    r.c.value_loss = (int)fixture_size(&f, "value_loss_kind");
    const size_t B = r.batch, A = r.n_actions;

    a2c_config *cfg = config_for(&r);
    a2c_net *net = NULL;
    CHECK(a2c_net_create(&net, cfg, r.obs_dim, A) == A2C_OK);
    const size_t n = a2c_net_param_count(net);
    CHECK_EQ_INT(n, fixture_count(&f, "params"));
    CHECK_EQ_INT(n, ref_count(&r));
    float *params = fixture_floats(&f, "params", n), *obs = fixture_floats(&f, "obs", B * r.obs_dim);
    float *adv = fixture_floats(&f, "advantages", B), *ret = fixture_floats(&f, "returns", B);
    const double *acts = fixture_get(&f, "actions", B);
    if (!net || !params || !obs || !adv || !ret || !acts) goto done;
    int32_t actions[64];
    for (size_t b = 0; b < B; b++) actions[b] = (int32_t)acts[b];
    CHECK(a2c_net_set_params(net, params, n) == A2C_OK);

    float *logits = malloc(B * A * sizeof *logits), *values = malloc(B * sizeof *values);
    CHECK(a2c_net_forward(net, obs, B, logits, values) == A2C_OK);
    check_floats("logits", logits, fixture_get(&f, "logits", B * A), B * A, 1e-5, 1e-6);
    check_floats("values", values, fixture_get(&f, "values", B), B, 1e-5, 1e-6);
    float lp[64], ent[64], row[A2C_MAX_WIDTH];
    for (size_t b = 0; b < B; b++) {
        ent[b] = a2c__log_softmax_row(logits + b * A, A, row);
        lp[b] = row[actions[b]];
    }
    check_floats("log_probs", lp, fixture_get(&f, "log_probs", B), B, 1e-5, 1e-6);
    check_floats("entropy", ent, fixture_get(&f, "entropy", B), B, 1e-5, 1e-6);

    double terms[A2C_LOSS_TERMS];
    CHECK(a2c_net_zero_grad(net) == A2C_OK);
    CHECK(a2c_net_loss_backward(net, cfg, B, actions, adv, ret, terms, A2C_LOSS_TERMS) == A2C_OK);
    CHECK_CLOSE(terms[A2C_LOSS_POLICY], fixture_get(&f, "loss_policy", 1)[0], 1e-5, 1e-7);
    CHECK_CLOSE(terms[A2C_LOSS_VALUE], fixture_get(&f, "loss_value", 1)[0], 1e-5, 1e-7);
    CHECK_CLOSE(terms[A2C_LOSS_ENTROPY], fixture_get(&f, "loss_entropy", 1)[0], 1e-5, 1e-7);
    CHECK_CLOSE(terms[A2C_LOSS_TOTAL], fixture_get(&f, "loss_total", 1)[0], 1e-5, 1e-7);
    /* Gradient entries span many magnitudes (the 0.01-gain action head of
     * the zoo net makes the hidden actor gradients ~1e-3 of the critic's);
     * float32 backprop in either implementation differs by ~1e-7 of the
     * largest terms summed, hence the absolute floor of 1e-7 of the
     * gradient's largest magnitude. */
    const double *want = fixture_get(&f, "grads", n);
    double gmax = 0.0;
    for (size_t k = 0; want && k < n; k++) gmax = fabs(want[k]) > gmax ? fabs(want[k]) : gmax;
    check_floats("grads", a2c_net_grads(net), want, n, 1e-5, 1e-7 * gmax);

    /* The double reference agrees with PyTorch too, so the finite
     * differences below check the same function. */
    double *theta = malloc(n * sizeof *theta);
    for (size_t k = 0; k < n; k++) theta[k] = params[k];
    r.obs = obs, r.adv = adv, r.ret = ret, r.actions = actions;
    CHECK_CLOSE(ref_loss(theta, &r), fixture_get(&f, "loss_total", 1)[0], 1e-5, 1e-7);
    free(theta);
    free(logits), free(values);
done:
    free(params), free(obs), free(adv), free(ret);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
    fixture_free(&f);
}

/* ---- finite differences through the whole net ---- */

/* Returns the number of mismatching gradient entries; with `corrupt`, the
 * library gradient is damaged first (1: sign of the critic's first weight
 * block flipped, 2: one actor weight halved) to prove the check sees it. */
static size_t net_gradcheck(const char *what, ref_net *r, int corrupt)
{
    unsigned long long s = 31 + r->obs_dim * 7 + r->n_pi * 3 + (unsigned)r->shared;
    const size_t B = r->batch;
    float obs[8 * 16], adv[8], ret[8];
    int32_t actions[8];
    fill_uniform(&s, obs, B * r->obs_dim, -1.5, 1.5);
    fill_uniform(&s, adv, B, -2, 2);
    fill_uniform(&s, ret, B, -1, 2);
    for (size_t b = 0; b < B; b++) actions[b] = (int32_t)test_uniform(&s, 0, (double)r->n_actions);
    r->obs = obs, r->adv = adv, r->ret = ret, r->actions = actions;

    a2c_config *cfg = config_for(r);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_ORTHO_INIT, 0) == A2C_OK); /* sizable head weights */
    a2c_net *net = NULL;
    CHECK(a2c_net_create(&net, cfg, r->obs_dim, r->n_actions) == A2C_OK);
    size_t bad = 1;
    if (!net) goto done;
    const size_t n = a2c_net_param_count(net);
    CHECK_EQ_INT(n, ref_count(r));
    if (r->activation == A2C_ACTIVATION_RELU) {
        /* shift biases so no unit sits within reach of its kink */
        float *p = a2c_net_params(net);
        for (size_t k = 0; k < n; k++) p[k] *= 1.3f;
    }
    CHECK(a2c_net_forward(net, obs, B, NULL, NULL) == A2C_OK);
    CHECK(a2c_net_zero_grad(net) == A2C_OK);
    CHECK(a2c_net_loss_backward(net, cfg, B, actions, adv, ret, NULL, 0) == A2C_OK);
    float *grad = malloc(n * sizeof *grad);
    double *theta = malloc(n * sizeof *theta);
    memcpy(grad, a2c_net_grads(net), n * sizeof *grad);
    for (size_t k = 0; k < n; k++) theta[k] = a2c_net_params(net)[k];
    size_t pt, vt, hp, hv, wp, wv;
    ref_offsets(r, &pt, &vt, &hp, &hv, &wp, &wv);
    if (corrupt == 1) {
        const size_t start = r->shared ? hv : vt, len = r->shared ? wv : r->obs_dim * r->vf[0];
        for (size_t k = start; k < start + len; k++) grad[k] = -grad[k];
    }
    if (corrupt == 2) grad[pt + 1] *= 0.5f;
    /* h = 1e-4: the reference loss is smooth; truncation error ~h^2 = 1e-8.
     * The float backward's error is ~1e-6 relative on a chain of a few
     * layers, so rtol 1e-4 and an absolute floor of 1e-6. */
    bad = gradcheck(what, ref_loss, r, theta, n, grad, 1e-4, 1e-4, 1e-6);
    free(grad), free(theta);
done:
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
    return bad;
}

static void test_net_gradchecks(void)
{
    ref_net r = {0};
    r.obs_dim = 5, r.n_actions = 3, r.batch = 6, r.n_pi = 2, r.n_vf = 1;
    r.pi[0] = 9, r.pi[1] = 7, r.vf[0] = 40;
    r.activation = A2C_ACTIVATION_TANH;
    r.c = (a2c__loss_coefs){0.05, 0.5, 1.0, 1, A2C_VALUE_LOSS_MSE};
    CHECK(net_gradcheck("net tanh separate", &r, 0) == 0);
    /* the check can fail: a flipped sign or a dropped factor shows */
    CHECK(net_gradcheck("net (sign flipped: must fail)", &r, 1) > 0);
    CHECK(net_gradcheck("net (factor dropped: must fail)", &r, 2) > 0);

    r.activation = A2C_ACTIVATION_RELU, r.shared = 1, r.n_pi = 2, r.pi[0] = 12, r.pi[1] = 6;
    r.c = (a2c__loss_coefs){0.1, 0.7, 0.5, 0, A2C_VALUE_LOSS_HUBER};
    CHECK(net_gradcheck("net relu shared", &r, 0) == 0);
    CHECK(net_gradcheck("net shared (sign flipped)", &r, 1) > 0);

    r.shared = 0, r.n_pi = 0, r.n_vf = 3, r.vf[0] = 4, r.vf[1] = 33, r.vf[2] = 5;
    r.activation = A2C_ACTIVATION_TANH, r.obs_dim = 16, r.n_actions = 4, r.batch = 8;
    CHECK(net_gradcheck("net linear actor, deep critic", &r, 0) == 0);
}

/* ---- initialisation ---- */

static void test_init(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, 123) == A2C_OK);
    a2c_net *a, *b;
    CHECK(a2c_net_create(&a, cfg, 4, 2) == A2C_OK);
    CHECK(a2c_net_create(&b, cfg, 4, 2) == A2C_OK);
    /* SB3 CartPole policy: 2 x (4*64+64 + 64*64+64) + 64*2+2 + 64+1 */
    CHECK_EQ_INT(a2c_net_param_count(a), 9155);
    CHECK(memcmp(a2c_net_params(a), a2c_net_params(b), 9155 * sizeof(float)) == 0);
    const float *p = a2c_net_params(a);
    /* W (torch out x in) from the input-major block at off: gain^2 I on
     * the smaller side, zero bias. */
    static const struct {
        size_t off, in, out;
        double gain;
    } layers[] = {
        {0, 4, 64, 1.4142135623730951},      {320, 64, 64, 1.4142135623730951},
        {4480, 4, 64, 1.4142135623730951},   {4800, 64, 64, 1.4142135623730951},
        {8960, 64, 2, 0.01},                 {9090, 64, 1, 1.0},
    };
    for (size_t l = 0; l < sizeof layers / sizeof layers[0]; l++) {
        const size_t in = layers[l].in, out = layers[l].out, off = layers[l].off;
        const size_t k = in < out ? in : out; /* orthonormal vectors: columns of W^T if out<=in */
        double worst = 0.0;
        for (size_t u = 0; u < k; u++)
            for (size_t v = 0; v < k; v++) {
                double dot = 0.0;
                if (out <= in) /* rows of W: columns j of the block */
                    for (size_t i = 0; i < in; i++)
                        dot += (double)p[off + i * out + u] * p[off + i * out + v];
                else /* columns of W: rows i of the block */
                    for (size_t j = 0; j < out; j++)
                        dot += (double)p[off + u * out + j] * p[off + v * out + j];
                const double want = u == v ? layers[l].gain * layers[l].gain : 0.0;
                worst = fabs(dot - want) > worst ? fabs(dot - want) : worst;
            }
        CHECK(worst < 1e-5 * layers[l].gain * layers[l].gain + 1e-9);
        int zero = 1;
        for (size_t j = 0; j < out; j++) zero &= p[off + in * out + j] == 0.0f;
        CHECK(zero);
    }
    /* another seed, another net */
    a2c_net *c;
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, 124) == A2C_OK);
    CHECK(a2c_net_create(&c, cfg, 4, 2) == A2C_OK);
    CHECK(memcmp(a2c_net_params(a), a2c_net_params(c), 9155 * sizeof(float)) != 0);
    /* torch's default Linear init without ortho_init: U(+-1/sqrt(in)) */
    a2c_net *d;
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_ORTHO_INIT, 0) == A2C_OK);
    CHECK(a2c_net_create(&d, cfg, 4, 2) == A2C_OK);
    int within = 1, nonzero_bias = 0;
    const float *q = a2c_net_params(d);
    for (size_t k = 0; k < 320; k++) within &= fabsf(q[k]) <= 0.5f; /* in = 4 */
    for (size_t k = 320; k < 4480; k++) within &= fabsf(q[k]) <= 0.125f; /* in = 64 */
    for (size_t k = 256; k < 320; k++) nonzero_bias |= q[k] != 0.0f;
    CHECK(within && nonzero_bias);
    a2c_net_destroy(a), a2c_net_destroy(b), a2c_net_destroy(c), a2c_net_destroy(d);
    a2c_config_destroy(cfg);
}

/* ---- acting, caching, accumulation ---- */

static void test_act_and_state(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_ORTHO_INIT, 0) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, 4) == A2C_OK);
    a2c_net *net;
    CHECK(a2c_net_create(&net, cfg, 3, 4) == A2C_OK);
    CHECK_EQ_INT(a2c_net_max_batch(net), 4);
    CHECK_EQ_INT(a2c_net_obs_dim(net), 3);
    CHECK_EQ_INT(a2c_net_n_actions(net), 4);
    unsigned long long s = 5;
    float obs[10 * 3], logits[4 * 4], values[4], lp[10], v10[10], row[4];
    int32_t act[10];
    fill_uniform(&s, obs, 30, -1, 1);

    /* greedy actions are the argmax of the logits, log-probs match */
    CHECK(a2c_net_forward(net, obs, 4, logits, values) == A2C_OK);
    CHECK(a2c_net_act(net, obs, 4, 1, act, lp, v10) == A2C_OK);
    for (size_t b = 0; b < 4; b++) {
        CHECK_EQ_INT(act[b], a2c__argmax_row(logits + b * 4, 4));
        a2c__log_softmax_row(logits + b * 4, 4, row);
        CHECK(lp[b] == row[act[b]]);
        CHECK(v10[b] == values[b]);
    }
    /* batches above max_batch run in chunks */
    CHECK(a2c_net_act(net, obs, 10, 1, act, lp, v10) == A2C_OK);
    CHECK(a2c_net_forward(net, obs + 8 * 3, 2, logits, values) == A2C_OK);
    CHECK_EQ_INT(act[9], a2c__argmax_row(logits + 4, 4));
    CHECK(v10[9] == values[1]);
    /* forward itself is limited to max_batch rows */
    CHECK(a2c_net_forward(net, obs, 5, logits, values) == A2C_E_INVALID_ARG);

    /* sampling follows the policy and the seed */
    int32_t a1[4], a2[4];
    CHECK(a2c_net_seed(net, 9) == A2C_OK);
    CHECK(a2c_net_act(net, obs, 4, 0, a1, NULL, NULL) == A2C_OK);
    CHECK(a2c_net_seed(net, 9) == A2C_OK);
    CHECK(a2c_net_act(net, obs, 4, 0, a2, NULL, NULL) == A2C_OK);
    CHECK(memcmp(a1, a2, sizeof a1) == 0);
    int counts[4] = {0};
    const int draws = 40000;
    for (int k = 0; k < draws; k++) {
        int32_t a;
        CHECK(a2c_net_act(net, obs, 1, 0, &a, NULL, NULL) == A2C_OK || (k = draws));
        counts[a]++;
    }
    CHECK(a2c_net_forward(net, obs, 1, logits, NULL) == A2C_OK);
    a2c__log_softmax_row(logits, 4, row);
    for (int k = 0; k < 4; k++) /* sd <= 0.0025; 5 sd */
        CHECK_NEAR(counts[k] / (double)draws, exp(row[k]), 0.0125);

    /* backward needs a forward of the same batch, and accumulates */
    a2c_net *fresh;
    CHECK(a2c_net_create(&fresh, cfg, 3, 4) == A2C_OK);
    const float dl[8] = {0.1f, -0.2f, 0.3f, 0.05f, -0.1f, 0.0f, 0.2f, 0.4f}, dv[2] = {1.0f, -0.5f};
    CHECK(a2c_net_backward(fresh, 2, dl, dv) == A2C_E_STATE);
    CHECK(a2c_net_forward(fresh, obs, 2, NULL, NULL) == A2C_OK);
    CHECK(a2c_net_backward(fresh, 3, dl, dv) == A2C_E_STATE);
    CHECK(a2c_net_zero_grad(fresh) == A2C_OK);
    CHECK(a2c_net_backward(fresh, 2, dl, dv) == A2C_OK);
    const size_t n = a2c_net_param_count(fresh);
    float *g1 = malloc(n * sizeof *g1);
    memcpy(g1, a2c_net_grads(fresh), n * sizeof *g1);
    CHECK(a2c_net_backward(fresh, 2, dl, dv) == A2C_OK);
    /* (g + a) + b rounds differently from 2 (a + b), and entries that are
     * sums of cancelling terms carry that rounding in absolute terms: equal
     * to 1e-6 of the largest entry. */
    float gmax = 0.0f;
    for (size_t k = 0; k < n; k++) gmax = fabsf(g1[k]) > gmax ? fabsf(g1[k]) : gmax;
    int doubled = gmax > 0.0f;
    for (size_t k = 0; k < n; k++)
        doubled &= fabsf(a2c_net_grads(fresh)[k] - 2.0f * g1[k]) <= 1e-6f * gmax;
    CHECK(doubled);
    /* backward with only one head's gradient touches only that side */
    CHECK(a2c_net_zero_grad(fresh) == A2C_OK);
    CHECK(a2c_net_backward(fresh, 2, NULL, dv) == A2C_OK);
    float pi_norm = 0.0f, vf_norm = 0.0f; /* actor trunk: 3*64+64 + 64*64+64 */
    for (size_t k = 0; k < 4416; k++) pi_norm += fabsf(a2c_net_grads(fresh)[k]);
    for (size_t k = 4416; k < 8832; k++) vf_norm += fabsf(a2c_net_grads(fresh)[k]);
    CHECK(pi_norm == 0.0f && vf_norm > 0.0f);
    /* new parameters invalidate the cache */
    float *p = malloc(n * sizeof *p);
    CHECK(a2c_net_get_params(fresh, p, n) == A2C_OK);
    CHECK(a2c_net_set_params(fresh, p, n) == A2C_OK);
    CHECK(a2c_net_backward(fresh, 2, dl, dv) == A2C_E_STATE);
    p[3] = NAN;
    CHECK(a2c_net_set_params(fresh, p, n) == A2C_E_NONFINITE);
    CHECK(a2c_net_params(fresh)[3] != p[3]); /* unchanged */
    free(g1), free(p);
    a2c_net_destroy(fresh);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

int main(void)
{
    test_fixture("net_tanh_separate.txt");
    test_fixture("net_relu_shared.txt");
    test_fixture("net_zoo.txt");
    test_net_gradchecks();
    test_init();
    test_act_and_state();
    return harness_report();
}
