/* Training health (0.2): the statistics a2c_train_stats gained, each
 * recomputed here independently from the rollout and from a copy of the
 * net before the update; the divergence guard (rollbacks, the learning
 * rate's scale, exhaustion with finite parameters, checkpoints, no effect
 * on a healthy run); the monitor's conditions on synthetic statistics; the
 * episode callback. */
#include "harness.h"
#include "whitebox.h"

#include <stdlib.h>
#include <string.h>

static a2c_config *cartpole_config(const char *extra_name, const char *extra_value)
{
    a2c_config *cfg = NULL;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_apply_preset(cfg, "CartPole-v1", NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, 1) == A2C_OK);
    if (extra_name) CHECK(a2c_config_set_string(cfg, extra_name, extra_value) == A2C_OK);
    return cfg;
}

static int all_finite(const float *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (!isfinite(v[k])) return 0;
    return 1;
}

/* ---- every health statistic, recomputed ---- */

typedef struct recompute {
    a2c_trainer *tr;
    a2c_net *before;   /* the parameters the rollout was collected with */
    float *prev;       /* the same, as a vector */
    size_t n_params;
    int have_prev, guarded;
    int checked, saturated;
} recompute;

/* log pi(a) of a categorical over two logits, in double. */
static double log_prob2(const float *logits, int32_t a)
{
    const double z0 = logits[0], z1 = logits[1], m = z0 > z1 ? z0 : z1;
    const double lse = m + log(exp(z0 - m) + exp(z1 - m));
    return (a ? z1 : z0) - lse;
}

static void check_batch_stats(const a2c_train_stats *s, const a2c_rollout *ro, size_t batch)
{
    const float *adv = a2c_rollout_advantages(ro), *ret = a2c_rollout_returns(ro);
    double am = 0, rm = 0, av = 0, rv = 0;
    for (size_t k = 0; k < batch; k++) am += adv[k], rm += ret[k];
    am /= (double)batch, rm /= (double)batch;
    for (size_t k = 0; k < batch; k++)
        av += (adv[k] - am) * (adv[k] - am), rv += (ret[k] - rm) * (ret[k] - rm);
    CHECK_CLOSE(s->advantage_mean, am, 1e-9, 1e-12);
    CHECK_CLOSE(s->advantage_std, sqrt(av / (double)batch), 1e-9, 1e-12);
    CHECK_CLOSE(s->return_mean, rm, 1e-9, 1e-12);
    CHECK_CLOSE(s->return_std, sqrt(rv / (double)batch), 1e-9, 1e-12);
    CHECK_CLOSE(s->value_loss_ratio, s->value_loss / (s->return_std * s->return_std), 1e-9, 0);
}

/* approx_kl and value_loss_jump on the rows the library uses (up to 8,
 * row k * batch / m), from the net before the update and after it. */
static void check_policy_change(recompute *rc, const a2c_train_stats *s, const a2c_rollout *ro,
                                size_t batch)
{
    const size_t m = batch < 8 ? batch : 8;
    const float *obs = a2c_rollout_observations(ro), *ret = a2c_rollout_returns(ro);
    const int32_t *act = a2c_rollout_actions(ro);
    a2c_net *after = a2c_trainer_net(rc->tr);
    double kl = 0, err_before = 0, err_after = 0, ret_sq = 0;
    for (size_t k = 0; k < m; k++) {
        const size_t row = k * batch / m;
        float lb[2], la[2], vb, va;
        CHECK(a2c_net_forward(rc->before, obs + row * 4, 1, lb, &vb) == A2C_OK);
        CHECK(a2c_net_forward(after, obs + row * 4, 1, la, &va) == A2C_OK);
        const double d = log_prob2(la, act[row]) - log_prob2(lb, act[row]);
        kl += expm1(d) - d;
        err_before += (ret[row] - vb) * (ret[row] - vb);
        err_after += (ret[row] - va) * (ret[row] - va);
        ret_sq += (double)ret[row] * ret[row];
    }
    CHECK_CLOSE(s->approx_kl, kl / (double)m, 1e-3, 1e-10);
    /* measured only when the guard watches for jumps */
    if (rc->guarded) CHECK_CLOSE(s->value_loss_jump, (err_after - err_before) / ret_sq, 1e-3, 1e-9);
    else CHECK(isnan(s->value_loss_jump));
}

/* The fraction of a 4 -> 64 -> 64 tanh trunk's activations with |h| >
 * 0.99 over the batch, the trunk's flat parameters at `p` (each layer W
 * as in x out, row-major, then b). */
static double trunk_saturation(const float *p, const float *obs, size_t batch)
{
    size_t hit = 0;
    for (size_t r = 0; r < batch; r++) {
        double h1[64], h2[64];
        for (int j = 0; j < 64; j++) {
            double z = p[256 + j];
            for (int i = 0; i < 4; i++) z += (double)obs[r * 4 + i] * p[i * 64 + j];
            h1[j] = tanh(z);
            hit += fabs(h1[j]) > 0.99;
        }
        for (int j = 0; j < 64; j++) {
            double z = p[320 + 4096 + j];
            for (int i = 0; i < 64; i++) z += h1[i] * p[320 + i * 64 + j];
            h2[j] = tanh(z);
            hit += fabs(h2[j]) > 0.99;
        }
    }
    return (double)hit / (double)(batch * 128);
}

static int on_update_recompute(const a2c_train_stats *s, void *user)
{
    recompute *rc = user;
    a2c_net *net = a2c_trainer_net(rc->tr);
    const float *now = a2c_net_params(net);
    CHECK_EQ_INT(s->size, sizeof *s);
    CHECK(s->rollback == 0 && s->rollbacks == 0 && s->lr_scale == 1.0);
    CHECK_CLOSE(s->entropy, -s->entropy_loss, 1e-12, 0);
    CHECK_CLOSE(s->entropy_fraction, s->entropy / log(2.0), 1e-12, 0);
    CHECK_CLOSE(s->grad_norm * s->grad_norm,
                s->actor_grad_norm * s->actor_grad_norm +
                    s->critic_grad_norm * s->critic_grad_norm, 1e-9, 0);
    CHECK(s->actor_saturation >= 0 && s->actor_saturation <= 1);
    CHECK(s->critic_saturation >= 0 && s->critic_saturation <= 1);
    CHECK(s->approx_kl >= 0);
    const a2c_rollout *ro = a2c__trainer_rollout(rc->tr);
    const size_t batch = a2c_rollout_size(ro) * 8;
    check_batch_stats(s, ro, batch);
    if (rc->have_prev) {
        double moved = 0, size = 0;
        for (size_t k = 0; k < rc->n_params; k++) {
            moved += ((double)now[k] - rc->prev[k]) * ((double)now[k] - rc->prev[k]);
            size += (double)rc->prev[k] * rc->prev[k];
        }
        /* the library sums in float lanes (a statistic; kernels.h) */
        CHECK_CLOSE(s->update_ratio, sqrt(moved / size), 1e-6, 0);
        /* the actor trunk is first in the flat vector, the critic's next
         * (4480 parameters each); float rounding may move an activation
         * that sits at 0.99 across it: a unit or two of slack */
        const float *obs = a2c_rollout_observations(ro);
        const double slack = 2.0 / (double)(batch * 128);
        CHECK_NEAR(s->actor_saturation, trunk_saturation(rc->prev, obs, batch), slack);
        CHECK_NEAR(s->critic_saturation, trunk_saturation(rc->prev + 4480, obs, batch), slack);
        rc->saturated += s->critic_saturation > 0.0;
        check_policy_change(rc, s, ro, batch);
        rc->checked++;
    }
    memcpy(rc->prev, now, rc->n_params * sizeof(float));
    CHECK(a2c_net_set_params(rc->before, now, rc->n_params) == A2C_OK);
    rc->have_prev = 1;
    return 0;
}

static void test_statistics(int guarded)
{
    a2c_config *cfg = cartpole_config(NULL, NULL);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_ROLLBACKS, guarded ? 10 : 0) == A2C_OK);
    a2c_env *env = NULL;
    recompute rc = {0};
    rc.guarded = guarded;
    CHECK(a2c_env_make(&env, "CartPole-v1", 8, NULL) == A2C_OK);
    CHECK(a2c_trainer_create(&rc.tr, cfg, env) == A2C_OK);
    rc.n_params = a2c_net_param_count(a2c_trainer_net(rc.tr));
    rc.prev = malloc(rc.n_params * sizeof(float));
    CHECK(a2c_net_create(&rc.before, cfg, 4, 2) == A2C_OK);
    /* the first update's "before" is the initial net */
    memcpy(rc.prev, a2c_net_params(a2c_trainer_net(rc.tr)), rc.n_params * sizeof(float));
    CHECK(a2c_net_set_params(rc.before, rc.prev, rc.n_params) == A2C_OK);
    rc.have_prev = 1;
    CHECK(a2c_trainer_learn(rc.tr, 20000, on_update_recompute, &rc) == A2C_OK);
    CHECK_EQ_INT(rc.checked, 500);
    CHECK(rc.saturated > 100); /* the comparison saw saturated units */
    free(rc.prev);
    a2c_net_destroy(rc.before);
    a2c_trainer_destroy(rc.tr);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
}

/* ---- the divergence guard ---- */

typedef struct guard_log {
    a2c_trainer *tr;
    uint64_t reports, rollbacks, last_rollbacks;
    uint32_t reasons;      /* bit per reason seen */
    double lr_scale;
    int scale_ok, finite_ok;
} guard_log;

static int on_update_guard(const a2c_train_stats *s, void *user)
{
    guard_log *g = user;
    a2c_net *net = a2c_trainer_net(g->tr);
    g->reports++;
    if (s->rollback) {
        g->rollbacks++;
        g->reasons |= 1u << s->rollback;
        if (s->rollbacks != g->last_rollbacks + 1) g->scale_ok = 0;
    } else if (s->rollbacks != g->last_rollbacks) {
        g->scale_ok = 0;
    }
    if (s->lr_scale != pow(0.5, (double)s->rollbacks)) g->scale_ok = 0;
    if (!all_finite(a2c_net_params(net), a2c_net_param_count(net))) g->finite_ok = 0;
    g->last_rollbacks = s->rollbacks;
    g->lr_scale = s->lr_scale;
    return 0;
}

static a2c_status guarded_run(a2c_config *cfg, a2c_env *env, uint64_t steps, guard_log *g,
                              a2c_trainer **out)
{
    memset(g, 0, sizeof *g);
    g->scale_ok = g->finite_ok = 1;
    CHECK(a2c_trainer_create(&g->tr, cfg, env) == A2C_OK);
    const a2c_status rc = a2c_trainer_learn(g->tr, steps, on_update_guard, g);
    *out = g->tr;
    return rc;
}

static void test_guard_learning_rate_1(void)
{
    /* lr 1.0: every early step overshoots, the guard halves the rate until
     * the steps are sane; training then goes on (docs/monitor.md) */
    a2c_config *cfg = cartpole_config("learning_rate", "1.0");
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_ROLLBACKS, 30) == A2C_OK);
    a2c_env *env = NULL;
    CHECK(a2c_env_make(&env, "CartPole-v1", 8, NULL) == A2C_OK);
    a2c_trainer *tr = NULL;
    guard_log g;
    CHECK(guarded_run(cfg, env, 40000, &g, &tr) == A2C_OK);
    CHECK(g.rollbacks >= 3 && g.rollbacks <= 30);
    CHECK(g.reasons == 1u << A2C_ROLLBACK_LOSS_JUMP);
    CHECK(g.scale_ok && g.finite_ok);
    /* the guard's state goes through a checkpoint */
    size_t size = 0, written = 0;
    CHECK(a2c_trainer_save_size(tr, &size) == A2C_OK);
    unsigned char *buf = malloc(size);
    CHECK(a2c_trainer_save_to_buffer(tr, buf, size, &written) == A2C_OK);
    a2c_trainer *again = NULL;
    CHECK(a2c_trainer_create(&again, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(again, buf, written) == A2C_OK);
    guard_log g2;
    memset(&g2, 0, sizeof g2);
    g2.tr = again, g2.scale_ok = g2.finite_ok = 1, g2.last_rollbacks = g.rollbacks;
    CHECK(a2c_trainer_learn(again, a2c_trainer_timesteps(again) + 40, on_update_guard, &g2) ==
          A2C_OK);
    CHECK(g2.reports == 1 && g2.last_rollbacks == g.rollbacks && g2.lr_scale == g.lr_scale);
    /* the guard section is the last before the CRC: lr_scale, rollbacks;
     * values no trainer could have are refused, and nothing changes */
    a2c_trainer *other = NULL;
    CHECK(a2c_trainer_create(&other, cfg, env) == A2C_OK);
    const double bad_scales[] = {0.0, 2.0, -0.5, NAN};
    for (size_t k = 0; k < sizeof bad_scales / sizeof bad_scales[0]; k++) {
        unsigned char *copy = malloc(written);
        memcpy(copy, buf, written);
        uint64_t bits;
        memcpy(&bits, &bad_scales[k], sizeof bits);
        for (int b = 0; b < 8; b++) copy[written - 20 + b] = (unsigned char)(bits >> (8 * b));
        const uint32_t crc = a2c__crc32(0, copy, written - 4);
        for (int b = 0; b < 4; b++) copy[written - 4 + b] = (unsigned char)(crc >> (8 * b));
        CHECK(a2c_trainer_load_from_buffer(other, copy, written) == A2C_E_FORMAT);
        CHECK(strstr(a2c_last_error(), "divergence guard") != NULL);
        CHECK(a2c_trainer_timesteps(other) == 0);
        free(copy);
    }
    a2c_trainer_destroy(other);
    free(buf);
    a2c_trainer_destroy(again);
    a2c_trainer_destroy(tr);
    /* exhausted: learn fails, the parameters are finite and savable */
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_ROLLBACKS, 2) == A2C_OK);
    CHECK(guarded_run(cfg, env, 40000, &g, &tr) == A2C_E_NONFINITE);
    CHECK(strstr(a2c_last_error(), "2 rollbacks") != NULL);
    CHECK(g.rollbacks == 2 && g.finite_ok);
    a2c_net *net = a2c_trainer_net(tr);
    CHECK(all_finite(a2c_net_params(net), a2c_net_param_count(net)));
    CHECK(a2c_trainer_save_size(tr, &size) == A2C_OK);
    buf = malloc(size);
    CHECK(a2c_trainer_save_to_buffer(tr, buf, size, &written) == A2C_OK);
    a2c_net *loaded = NULL;
    CHECK(a2c_net_load_from_buffer(&loaded, buf, written, NULL) == A2C_OK);
    a2c_net_destroy(loaded);
    free(buf);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
}

/* Rewards of 1e38 from step `from` of sub-environment 0 on: the returns
 * overflow a float, the loss is infinite. */
typedef struct huge_env {
    a2c_env outer;
    a2c_env *inner;
    uint64_t steps, from;
} huge_env;

static int huge_reset(void *user, uint32_t i, uint64_t seed, float *obs)
{
    huge_env *h = user;
    return h->inner->reset(h->inner->user, i, seed, obs);
}

static int huge_step(void *user, uint32_t i, int32_t a, const float *box, float *obs, double *r,
                     int *term, int *trunc)
{
    huge_env *h = user;
    const int rc = h->inner->step(h->inner->user, i, a, box, obs, r, term, trunc);
    if (i == 0) h->steps++;
    if (h->steps >= h->from) *r = 1e38;
    return rc;
}

/* The parameters at each report, the last three kept. */
typedef struct param_trail {
    a2c_trainer *tr;
    float *kept[3];
    size_t n;
    int reports, rollback_at, matches_before_last;
} param_trail;

static int on_update_trail(const a2c_train_stats *s, void *user)
{
    param_trail *t = user;
    const float *now = a2c_net_params(a2c_trainer_net(t->tr));
    if (s->rollback == A2C_ROLLBACK_NONFINITE_LOSS && !t->rollback_at && t->reports >= 2) {
        /* back to the parameters before the last applied update: those
         * reported two updates ago */
        t->rollback_at = t->reports;
        t->matches_before_last = !memcmp(now, t->kept[(t->reports - 2) % 3], t->n * 4);
    }
    memcpy(t->kept[t->reports % 3], now, t->n * sizeof(float));
    t->reports++;
    return 0;
}

static void test_guard_nonfinite_loss(void)
{
    a2c_config *cfg = cartpole_config(NULL, NULL);
    a2c_env *inner = NULL;
    CHECK(a2c_env_make(&inner, "CartPole-v1", 8, NULL) == A2C_OK);
    huge_env h = {*inner, inner, 0, 0};
    h.outer.version = A2C_ENV_V1;
    h.outer.user = &h, h.outer.reset = huge_reset, h.outer.step = huge_step;
    h.outer.step_all = NULL, h.outer.close = NULL;
    a2c_trainer *tr = NULL;
    guard_log g;
    /* off: the first non-finite loss ends learn, as in 0.1 */
    CHECK(guarded_run(cfg, &h.outer, 4000, &g, &tr) == A2C_E_NONFINITE);
    CHECK(g.rollbacks == 0);
    a2c_trainer_destroy(tr);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_ROLLBACKS, 3) == A2C_OK);
    CHECK(guarded_run(cfg, &h.outer, 4000, &g, &tr) == A2C_E_NONFINITE);
    CHECK(g.rollbacks == 3 && g.reasons == 1u << A2C_ROLLBACK_NONFINITE_LOSS);
    CHECK(g.scale_ok && g.finite_ok);
    a2c_trainer_destroy(tr);
    /* after 40 healthy updates: the parameters that gave the infinite loss
     * are themselves suspect, so the update before is undone too */
    h.steps = 0, h.from = 200;
    param_trail t = {0};
    CHECK(a2c_trainer_create(&t.tr, cfg, &h.outer) == A2C_OK);
    t.n = a2c_net_param_count(a2c_trainer_net(t.tr));
    for (int k = 0; k < 3; k++) t.kept[k] = malloc(t.n * sizeof(float));
    /* the first report is the initial parameters' */
    memcpy(t.kept[0], a2c_net_params(a2c_trainer_net(t.tr)), t.n * sizeof(float));
    t.reports = 1;
    CHECK(a2c_trainer_learn(t.tr, 4000, on_update_trail, &t) == A2C_E_NONFINITE);
    CHECK(t.rollback_at == 41 && t.matches_before_last);
    for (int k = 0; k < 3; k++) free(t.kept[k]);
    a2c_trainer_destroy(t.tr);
    a2c_env_close(inner);
    a2c_config_destroy(cfg);
}

/* A guard that never fires changes nothing, bit for bit. */
static void test_guard_no_effect(void)
{
    float *params[2];
    size_t n = 0, saved_sizes[2] = {0, 0};
    for (int on = 0; on < 2; on++) {
        a2c_config *cfg = cartpole_config(NULL, NULL);
        CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_ROLLBACKS, on ? 10 : 0) == A2C_OK);
        a2c_env *env = NULL;
        CHECK(a2c_env_make(&env, "CartPole-v1", 8, NULL) == A2C_OK);
        a2c_trainer *tr = NULL;
        guard_log g;
        CHECK(guarded_run(cfg, env, 50000, &g, &tr) == A2C_OK);
        CHECK(g.rollbacks == 0);
        n = a2c_net_param_count(a2c_trainer_net(tr));
        CHECK(a2c_trainer_save_size(tr, &saved_sizes[on]) == A2C_OK);
        params[on] = malloc(n * sizeof(float));
        memcpy(params[on], a2c_net_params(a2c_trainer_net(tr)), n * sizeof(float));
        a2c_trainer_destroy(tr);
        a2c_env_close(env);
        a2c_config_destroy(cfg);
    }
    CHECK(memcmp(params[0], params[1], n * sizeof(float)) == 0);
    CHECK(saved_sizes[0] == saved_sizes[1]); /* no guard section without a rollback */
    free(params[0]);
    free(params[1]);
}

/* ---- the monitor on synthetic statistics ---- */

static a2c_train_stats healthy_stats(uint64_t update)
{
    a2c_train_stats s;
    memset(&s, 0, sizeof s);
    s.size = sizeof s;
    s.updates = update;
    s.timesteps = update * 40;
    s.value_loss = 1.0;
    s.return_mean = 20.0, s.return_std = 5.0;
    s.advantage_mean = 0.1, s.advantage_std = 1.0;
    s.actor_grad_norm = 0.5, s.critic_grad_norm = 5.0;
    s.entropy_fraction = 0.7;
    s.explained_variance = 0.6;
    s.approx_kl = 1e-3;
    s.actor_saturation = 0.1, s.critic_saturation = 0.2;
    s.lr_scale = 1.0;
    return s;
}

/* Feeds healthy statistics for `onset` updates, then `breaks` them; the
 * update at which `code` was first raised (0: never within 400). */
static uint64_t raised_at(int code, uint64_t onset, void (*breaks)(a2c_train_stats *))
{
    a2c_monitor *m = NULL;
    CHECK(a2c_monitor_create(&m, NULL) == A2C_OK);
    uint64_t at = 0;
    for (uint64_t u = 1; u <= onset + 400 && !at; u++) {
        a2c_train_stats s = healthy_stats(u);
        if (u > onset) breaks(&s);
        uint32_t active = 0, raised = 0;
        CHECK(a2c_monitor_update(m, &s, &active, &raised) == A2C_OK);
        if (raised & ~(1u << (code - 1))) {
            CHECK(!"another condition was raised");
            break;
        }
        if (raised) at = u;
    }
    uint64_t first = 0, step = 0;
    if (at) {
        CHECK(a2c_monitor_first_raised(m, code, &first, &step) == A2C_OK);
        CHECK(first == at && step == at * 40);
        CHECK(a2c_monitor_active(m) == 1u << (code - 1));
    } else {
        CHECK(a2c_monitor_first_raised(m, code, &first, &step) == A2C_E_STATE);
    }
    a2c_monitor_destroy(m);
    return at;
}

static void break_value(a2c_train_stats *s) { s->critic_grad_norm = 5000.0; }
static void break_vanish(a2c_train_stats *s) { s->actor_grad_norm = 1e-6; }
static void break_explode(a2c_train_stats *s) { s->actor_grad_norm = 500.0; }
static void break_entropy(a2c_train_stats *s) { s->entropy_fraction = 0.001; }
static void break_critic(a2c_train_stats *s)
{
    s->explained_variance = -0.01;
    s->value_loss = 400.0; /* the values predict nothing: error ~ mean square */
}
static void break_kl(a2c_train_stats *s) { s->approx_kl = 0.5; }
static void break_saturation(a2c_train_stats *s) { s->critic_saturation = 0.95; }
static void no_break(a2c_train_stats *s) { (void)s; }
static void small_advantages(a2c_train_stats *s)
{
    /* a nearly exact critic: tiny gradient from tiny advantages */
    s->actor_grad_norm = 1e-7;
    s->advantage_mean = 0.0, s->advantage_std = 1e-6;
}

static void test_monitor_conditions(void)
{
    void (*breaks[A2C_CONDITION_COUNT])(a2c_train_stats *) = {
        break_value, break_vanish, break_explode, break_entropy, break_critic, break_kl,
        break_saturation};
    for (int code = 1; code <= (int)A2C_CONDITION_COUNT; code++) {
        const uint64_t at = raised_at(code, 200, breaks[code - 1]);
        /* not before it has held for 50 updates, and not much later */
        if (!CHECK(at > 250 && at < 400)) printf("  %s raised at %llu\n",
                                                 a2c_condition_name(code),
                                                 (unsigned long long)at);
        /* nothing during the warm-up, whatever the statistics */
        const uint64_t early = raised_at(code, 0, breaks[code - 1]);
        CHECK(early > 50 + 49);
    }
    CHECK(raised_at(1, 200, no_break) == 0);
    CHECK(raised_at(2, 200, small_advantages) == 0);
}

static void test_monitor_api(void)
{
    a2c_monitor *m = NULL;
    uint32_t active = 9, raised = 9;
    CHECK(a2c_monitor_create(NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_monitor_update(NULL, NULL, &active, &raised) == A2C_E_INVALID_ARG);
    CHECK(active == 0 && raised == 0);
    CHECK(a2c_monitor_create(&m, NULL) == A2C_OK);
    CHECK(a2c_monitor_update(m, NULL, NULL, NULL) == A2C_E_INVALID_ARG);
    a2c_train_stats s = healthy_stats(1);
    s.size = 120; /* a 0.2 struct */
    CHECK(a2c_monitor_update(m, &s, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(strstr(a2c_last_error(), "0.2 health") != NULL);
    CHECK(a2c_monitor_first_raised(m, 0, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_monitor_first_raised(m, 8, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_monitor_first_raised(NULL, 1, NULL, NULL) == A2C_E_INVALID_ARG);
    /* rollback reports are taken and ignored */
    for (uint64_t u = 1; u <= 300; u++) {
        s = healthy_stats(u);
        s.entropy_fraction = 0.0;
        s.rollback = A2C_ROLLBACK_LOSS_JUMP;
        CHECK(a2c_monitor_update(m, &s, &active, &raised) == A2C_OK);
    }
    CHECK(active == 0 && a2c_monitor_active(m) == 0);
    a2c_monitor_reset(m);
    a2c_monitor_reset(NULL);
    CHECK(a2c_monitor_active(NULL) == 0);
    a2c_monitor_destroy(m);
    a2c_monitor_destroy(NULL);
    for (int code = 1; code <= (int)A2C_CONDITION_COUNT; code++) {
        CHECK(a2c_condition_name(code) && a2c_condition_explanation(code) &&
              a2c_condition_remedies(code));
        for (int other = 1; other < code; other++)
            CHECK(strcmp(a2c_condition_name(code), a2c_condition_name(other)) != 0);
    }
    CHECK(!a2c_condition_name(0) && !a2c_condition_name(8) && !a2c_condition_remedies(-1));
    CHECK(!strcmp(a2c_condition_name(A2C_COND_ENTROPY_COLLAPSED), "entropy_collapsed"));
    CHECK(!strcmp(a2c_rollback_reason_name(0), "none"));
    CHECK(!strcmp(a2c_rollback_reason_name(A2C_ROLLBACK_LOSS_JUMP), "loss_jump"));
    CHECK(a2c_rollback_reason_name(4) == NULL);
}

/* ---- the episode callback ---- */

typedef struct episodes {
    a2c_trainer *tr;
    uint64_t count, last_steps;
    double sum_last100[100];
    int order_ok, reentry_refused;
} episodes;

static void on_episode(const a2c_episode_info *ep, void *user)
{
    episodes *e = user;
    if (ep->size != sizeof *ep || ep->env_index >= 8 || ep->length == 0 ||
        ep->timesteps < e->last_steps || ep->episode_return != (double)ep->length)
        e->order_ok = 0;
    e->last_steps = ep->timesteps;
    e->sum_last100[e->count % 100] = ep->episode_return;
    e->count++;
    e->reentry_refused += a2c_trainer_set_episode_callback(e->tr, NULL, NULL) == A2C_E_STATE;
}

static int check_window(const a2c_train_stats *s, void *user)
{
    episodes *e = user;
    CHECK_EQ_INT(s->episodes, e->count);
    if (s->window_episodes == 100) {
        double sum = 0;
        for (int k = 0; k < 100; k++) sum += e->sum_last100[k];
        CHECK_CLOSE(s->mean_return, sum / 100.0, 1e-12, 0);
    }
    return 0;
}

static void test_episode_callback(void)
{
    a2c_config *cfg = cartpole_config(NULL, NULL);
    a2c_env *env = NULL;
    CHECK(a2c_env_make(&env, "CartPole-v1", 8, NULL) == A2C_OK);
    episodes e;
    memset(&e, 0, sizeof e);
    e.order_ok = 1;
    CHECK(a2c_trainer_create(&e.tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_set_episode_callback(NULL, on_episode, &e) == A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_set_episode_callback(e.tr, on_episode, &e) == A2C_OK);
    CHECK(a2c_trainer_learn(e.tr, 30000, check_window, &e) == A2C_OK);
    CHECK(e.count > 100 && e.order_ok && e.reentry_refused == (int)e.count);
    const uint64_t seen = e.count;
    CHECK(a2c_trainer_set_episode_callback(e.tr, NULL, NULL) == A2C_OK);
    CHECK(a2c_trainer_learn(e.tr, 40000, NULL, NULL) == A2C_OK);
    CHECK(e.count == seen);
    a2c_trainer_destroy(e.tr);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
}

int main(void)
{
    test_statistics(0);
    test_statistics(1);
    test_guard_learning_rate_1();
    test_guard_nonfinite_loss();
    test_guard_no_effect();
    test_monitor_conditions();
    test_monitor_api();
    test_episode_callback();
    return harness_report();
}
