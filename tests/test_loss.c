/* Categorical log-prob and entropy, value losses and the whole A2C loss:
 * PyTorch fixtures and finite differences against double references. */
#include "fixture.h"
#include "gradcheck.h"
#include "harness.h"
#include "whitebox.h"

#include <stdlib.h>
#include <string.h>

#define FIX_RTOL 1e-5

static void test_categorical_fixture(void)
{
    fixture f;
    if (!fixture_load(&f, "layers.txt")) return;
    const size_t B = fixture_size(&f, "cat_batch"), n = fixture_size(&f, "cat_n");
    const double *logits = fixture_get(&f, "cat_logits", B * n),
                 *actions = fixture_get(&f, "cat_actions", B),
                 *wl = fixture_get(&f, "cat_coef_logp", B), *we = fixture_get(&f, "cat_coef_ent", B);
    if (!logits || !actions || !wl || !we) goto done;
    float z[64], logp[64], lp_a[16], ent[16], d[64];
    for (size_t b = 0; b < B; b++) {
        for (size_t k = 0; k < n; k++) z[k] = (float)logits[b * n + k];
        const size_t a = (size_t)actions[b];
        ent[b] = a2c__log_softmax_row(z, n, logp);
        lp_a[b] = logp[a];
        a2c__categorical_backward_row(logp, n, a, ent[b], wl[b], we[b], d + b * n);
    }
    check_floats("cat log_probs", lp_a, fixture_get(&f, "cat_log_probs", B), B, FIX_RTOL, 1e-6);
    /* the large-logit row has entropy ~1e-11: absolute floor 1e-9 */
    check_floats("cat entropy", ent, fixture_get(&f, "cat_entropy", B), B, FIX_RTOL, 1e-9);
    check_floats("cat dlogits", d, fixture_get(&f, "cat_dlogits", B * n), B * n, FIX_RTOL, 1e-7);
done:
    fixture_free(&f);
}

static void test_value_fixture(void)
{
    fixture f;
    if (!fixture_load(&f, "layers.txt")) return;
    const size_t B = fixture_size(&f, "value_batch");
    float *v = fixture_floats(&f, "value_values", B), *r = fixture_floats(&f, "value_returns", B);
    float dv[32];
    if (v && r && B <= 32) {
        double L = a2c__value_loss(A2C_VALUE_LOSS_MSE, 1.0, v, r, B, 1.0, dv);
        CHECK_CLOSE(L, fixture_get(&f, "mse_loss", 1)[0], FIX_RTOL, 0);
        check_floats("mse dvalues", dv, fixture_get(&f, "mse_dvalues", B), B, FIX_RTOL, 1e-7);
        const double delta = fixture_get(&f, "huber_delta", 1)[0];
        L = a2c__value_loss(A2C_VALUE_LOSS_HUBER, delta, v, r, B, 1.0, dv);
        CHECK_CLOSE(L, fixture_get(&f, "huber_loss", 1)[0], FIX_RTOL, 0);
        check_floats("huber dvalues", dv, fixture_get(&f, "huber_dvalues", B), B, FIX_RTOL, 1e-7);
        const double delta2 = fixture_get(&f, "huber2_delta", 1)[0];
        L = a2c__value_loss(A2C_VALUE_LOSS_HUBER, delta2, v, r, B, 1.0, dv);
        CHECK_CLOSE(L, fixture_get(&f, "huber2_loss", 1)[0], FIX_RTOL, 0);
        check_floats("huber2 dvalues", dv, fixture_get(&f, "huber2_dvalues", B), B, FIX_RTOL,
                     1e-7);
    }
    free(v), free(r);
    fixture_free(&f);
}

/* ---- finite differences ---- */

#define NA 5
#define NB 6

typedef struct cat_ctx {
    const size_t *actions;
    const double *wl, *we;
} cat_ctx;

/* sum_b wl[b] * logp_b[a_b] + we[b] * entropy_b, in double */
static double cat_ref(const double *z, void *vctx)
{
    const cat_ctx *c = vctx;
    double L = 0.0;
    for (size_t b = 0; b < NB; b++) {
        const double *zb = z + b * NA;
        double m = zb[0], s = 0.0, h = 0.0;
        for (size_t k = 1; k < NA; k++) m = zb[k] > m ? zb[k] : m;
        for (size_t k = 0; k < NA; k++) s += exp(zb[k] - m);
        const double lse = m + log(s);
        for (size_t k = 0; k < NA; k++) h -= exp(zb[k] - lse) * (zb[k] - lse);
        L += c->wl[b] * (zb[c->actions[b]] - lse) + c->we[b] * h;
    }
    return L;
}

static void test_categorical_gradcheck(void)
{
    unsigned long long s = 2024;
    float z[NB * NA], d[NB * NA], logp[NA];
    double theta[NB * NA], wl[NB], we[NB], zero[NB] = {0};
    size_t actions[NB];
    fill_uniform(&s, z, NB * NA, -3.0, 3.0);
    for (size_t b = 0; b < NB; b++) {
        actions[b] = (size_t)(test_uniform(&s, 0, NA));
        wl[b] = test_uniform(&s, -2, 2);
        we[b] = test_uniform(&s, -2, 2);
    }
    for (size_t k = 0; k < NB * NA; k++) theta[k] = z[k];
    /* log-prob alone, entropy alone, then both together */
    for (int part = 0; part < 3; part++) {
        const double *l = part == 1 ? zero : wl, *e = part == 0 ? zero : we;
        for (size_t b = 0; b < NB; b++) {
            const float h = a2c__log_softmax_row(z + b * NA, NA, logp);
            a2c__categorical_backward_row(logp, NA, actions[b], h, l[b], e[b], d + b * NA);
        }
        cat_ctx ctx = {actions, l, e};
        static const char *names[3] = {"categorical log_prob", "categorical entropy",
                                       "categorical both"};
        /* d = p-weighted sums of float log-probs: ~1e-7 relative, so
         * rtol 1e-5 with an absolute floor of 1e-6 for tiny entries */
        CHECK(gradcheck(names[part], cat_ref, &ctx, theta, NB * NA, d, 1e-5, 1e-5, 1e-6) == 0);
    }
}

typedef struct value_ctx {
    int kind;
    double delta;
    const float *returns;
    size_t n;
} value_ctx;

static double value_ref(const double *v, void *vctx)
{
    const value_ctx *c = vctx;
    double L = 0.0;
    for (size_t b = 0; b < c->n; b++) {
        const double e = v[b] - (double)c->returns[b];
        if (c->kind == A2C_VALUE_LOSS_MSE) L += e * e;
        else L += fabs(e) < c->delta ? 0.5 * e * e : c->delta * (fabs(e) - 0.5 * c->delta);
    }
    return L / (double)c->n;
}

static void test_value_gradcheck(void)
{
    const float values[8] = {0.3f, -1.2f, 2.0f, 0.0f, 5.5f, -3.0f, 0.9f, 1.7f};
    const float returns[8] = {0.5f, 0.4f, -0.6f, 0.05f, 1.0f, -3.3f, 2.2f, 1.75f};
    double theta[8];
    float dv[8];
    for (int k = 0; k < 8; k++) theta[k] = values[k];
    for (int kind = 0; kind < 2; kind++) {
        value_ctx ctx = {kind, 0.8, returns, 8};
        a2c__value_loss(kind, 0.8, values, returns, 8, 1.0, dv);
        CHECK(gradcheck(kind ? "value huber" : "value mse", value_ref, &ctx, theta, 8, dv, 1e-5,
                        1e-6, 1e-7) == 0);
        /* scale multiplies the gradient, not the loss */
        float dv3[8];
        const double L1 = a2c__value_loss(kind, 0.8, values, returns, 8, 1.0, NULL);
        const double L3 = a2c__value_loss(kind, 0.8, values, returns, 8, 3.0, dv3);
        CHECK(L1 == L3);
        int scaled = 1;
        for (int k = 0; k < 8; k++) scaled &= fabsf(dv3[k] - 3.0f * dv[k]) <= 1e-6f;
        CHECK(scaled);
    }
}

/* The whole loss: theta = [logits (B x NA), values (B)] */
typedef struct a2c_ctx {
    a2c__loss_coefs c;
    const int32_t *actions;
    const float *adv, *ret;
} a2c_ctx;

static double a2c_ref(const double *t, void *vctx)
{
    const a2c_ctx *x = vctx;
    double mean = 0.0, var = 0.0, scale = 1.0;
    if (x->c.normalize_advantage) {
        for (size_t b = 0; b < NB; b++) mean += x->adv[b];
        mean /= NB;
        for (size_t b = 0; b < NB; b++) var += (x->adv[b] - mean) * (x->adv[b] - mean);
        scale = 1.0 / (sqrt(var / (NB - 1)) + 1e-8);
    }
    double pol = 0.0, ent = 0.0;
    for (size_t b = 0; b < NB; b++) {
        const double *z = t + b * NA;
        double m = z[0], s = 0.0, h = 0.0;
        for (size_t k = 1; k < NA; k++) m = z[k] > m ? z[k] : m;
        for (size_t k = 0; k < NA; k++) s += exp(z[k] - m);
        const double lse = m + log(s);
        for (size_t k = 0; k < NA; k++) h -= exp(z[k] - lse) * (z[k] - lse);
        pol += ((x->adv[b] - mean) * scale) * (z[x->actions[b]] - lse);
        ent += h;
    }
    value_ctx vc = {x->c.value_loss, x->c.huber_delta, x->ret, NB};
    return -pol / NB + x->c.ent_coef * (-ent / NB) + x->c.vf_coef * value_ref(t + NB * NA, &vc);
}

static void test_a2c_loss_gradcheck(void)
{
    unsigned long long s = 77;
    float logits[NB * NA], values[NB], adv[NB], ret[NB], dl[NB * NA], dvals[NB];
    float grad[NB * NA + NB];
    int32_t actions[NB];
    double theta[NB * NA + NB];
    fill_uniform(&s, logits, NB * NA, -2, 2);
    fill_uniform(&s, values, NB, -1, 3);
    fill_uniform(&s, adv, NB, -2, 2);
    fill_uniform(&s, ret, NB, -1, 4);
    for (size_t b = 0; b < NB; b++) actions[b] = (int32_t)test_uniform(&s, 0, NA);
    for (size_t k = 0; k < NB * NA; k++) theta[k] = logits[k];
    for (size_t b = 0; b < NB; b++) theta[NB * NA + b] = values[b];
    for (int variant = 0; variant < 2; variant++) {
        a2c_ctx ctx = {{0.01, 0.5, 1.0, 0, A2C_VALUE_LOSS_MSE}, actions, adv, ret};
        if (variant == 1) ctx.c = (a2c__loss_coefs){0.2, 0.25, 0.7, 1, A2C_VALUE_LOSS_HUBER};
        double terms[A2C_LOSS_TERMS];
        CHECK(a2c__a2c_loss(&ctx.c, logits, values, NB, NA, actions, adv, ret, dl, dvals, terms) ==
              A2C_OK);
        memcpy(grad, dl, sizeof dl);
        memcpy(grad + NB * NA, dvals, sizeof dvals);
        CHECK_CLOSE(terms[A2C_LOSS_TOTAL], a2c_ref(theta, &ctx), 1e-6, 1e-7);
        CHECK_CLOSE(terms[A2C_LOSS_TOTAL],
                    terms[A2C_LOSS_POLICY] + ctx.c.ent_coef * terms[A2C_LOSS_ENTROPY] +
                        ctx.c.vf_coef * terms[A2C_LOSS_VALUE],
                    1e-12, 1e-12);
        CHECK(gradcheck(variant ? "a2c loss (norm, huber)" : "a2c loss (mse)", a2c_ref, &ctx, theta,
                        NB * NA + NB, grad, 1e-5, 1e-5, 1e-6) == 0);
    }
    /* bad inputs */
    a2c__loss_coefs c = {0.0, 0.5, 1.0, 1, 0};
    double terms[A2C_LOSS_TERMS];
    CHECK(a2c__a2c_loss(&c, logits, values, 1, NA, actions, adv, ret, dl, dvals, terms) ==
          A2C_E_INVALID_ARG); /* normalising one advantage */
    int32_t bad_actions[NB] = {0, 1, NA, 0, 0, 0};
    c.normalize_advantage = 0;
    CHECK(a2c__a2c_loss(&c, logits, values, NB, NA, bad_actions, adv, ret, dl, dvals, terms) ==
          A2C_E_INVALID_ARG);
    bad_actions[2] = -1;
    CHECK(a2c__a2c_loss(&c, logits, values, NB, NA, bad_actions, adv, ret, dl, dvals, terms) ==
          A2C_E_INVALID_ARG);
    adv[3] = NAN;
    CHECK(a2c__a2c_loss(&c, logits, values, NB, NA, actions, adv, ret, dl, dvals, terms) ==
          A2C_E_NONFINITE);
    adv[3] = 0.0f;
    logits[4] = INFINITY;
    CHECK(a2c__a2c_loss(&c, logits, values, NB, NA, actions, adv, ret, dl, dvals, terms) ==
          A2C_E_NONFINITE);
}

static void test_sampling(void)
{
    /* probabilities 0.1, 0.2, 0.3, 0.4: inverse CDF boundaries */
    const float z[4] = {logf(0.1f), logf(0.2f), logf(0.3f), logf(0.4f)};
    float logp[4];
    a2c__log_softmax_row(z, 4, logp);
    CHECK_EQ_INT(a2c__categorical_sample_row(logp, 4, 0.0), 0);
    CHECK_EQ_INT(a2c__categorical_sample_row(logp, 4, 0.09), 0);
    CHECK_EQ_INT(a2c__categorical_sample_row(logp, 4, 0.11), 1);
    CHECK_EQ_INT(a2c__categorical_sample_row(logp, 4, 0.5), 2);
    CHECK_EQ_INT(a2c__categorical_sample_row(logp, 4, 0.61), 3);
    CHECK_EQ_INT(a2c__categorical_sample_row(logp, 4, 0.9999999999), 3);
    /* a zero-probability last action is never chosen, even at u -> 1 */
    const float z2[3] = {0.0f, 0.0f, -1000.0f}; /* exp underflows to 0 */
    a2c__log_softmax_row(z2, 3, logp);
    CHECK_EQ_INT(a2c__categorical_sample_row(logp, 3, 0.99999999999999989), 1);
    CHECK_EQ_INT(a2c__argmax_row(z, 4), 3);
    const float tie[3] = {1.0f, 2.0f, 2.0f};
    CHECK_EQ_INT(a2c__argmax_row(tie, 3), 1);
    /* frequencies over many draws */
    a2c__rng r;
    a2c__rng_seed(&r, 5, 0);
    a2c__log_softmax_row(z, 4, logp);
    int count[4] = {0};
    const int n = 100000;
    for (int k = 0; k < n; k++) count[a2c__categorical_sample_row(logp, 4, a2c__rng_uniform(&r))]++;
    for (int k = 0; k < 4; k++) /* sd <= 0.0016; 5 sd */
        CHECK_NEAR(count[k] / (double)n, 0.1 * (k + 1), 0.008);
}

int main(void)
{
    test_categorical_fixture();
    test_value_fixture();
    test_categorical_gradcheck();
    test_value_gradcheck();
    test_a2c_loss_gradcheck();
    test_sampling();
    return harness_report();
}
