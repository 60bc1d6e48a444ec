/* The trainer's threads and the data-parallel hook: environments that
 * allow concurrent steps are stepped by the pool's threads (and others
 * never), and the gradient reducer is called once per update with the
 * gradient that is then applied.  (tests/test_trainer.c checks that the
 * thread count changes no result.) */
#include "harness.h"
#include "whitebox.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- an environment that records which threads step it ----
 * obs = (steps into the episode / 10); reward 1; episodes of 10 steps.
 * Every thread has its own `marker`, so its address names the thread. */
#define MAX_SEEN 8
#define N_SUB 6

static _Thread_local char marker;

typedef struct watched {
    atomic_int in_step[N_SUB]; /* 1 while sub-environment i is being stepped */
    atomic_int overlaps;       /* steps of one index found running twice */
    atomic_int foreign_resets; /* resets off the thread that called learn */
    const char *caller;        /* the marker of the thread that called learn */
    const char *seen[MAX_SEEN];
    atomic_int n_seen;
    atomic_flag seen_lock;
    uint32_t t[N_SUB];
} watched;

static void note_thread(watched *w)
{
    while (atomic_flag_test_and_set(&w->seen_lock)) {
    }
    const int n = atomic_load(&w->n_seen);
    int known = 0;
    for (int k = 0; k < n; k++) known |= w->seen[k] == &marker;
    if (!known && n < MAX_SEEN) {
        w->seen[n] = &marker;
        atomic_store(&w->n_seen, n + 1);
    }
    atomic_flag_clear(&w->seen_lock);
}

static int w_reset(void *user, uint32_t i, uint64_t seed, float *obs)
{
    (void)seed;
    watched *w = user;
    if (&marker != w->caller) atomic_fetch_add(&w->foreign_resets, 1);
    w->t[i] = 0;
    obs[0] = 0.0f;
    return 0;
}

static int w_step(void *user, uint32_t i, int32_t action, const float *box, float *obs,
                  double *reward, int *terminated, int *truncated)
{
    (void)box;
    watched *w = user;
    if (atomic_exchange(&w->in_step[i], 1) != 0) atomic_fetch_add(&w->overlaps, 1);
    note_thread(w);
    w->t[i]++;
    obs[0] = (float)w->t[i] / 10.0f + (float)action * 0.01f;
    *reward = 1.0;
    *terminated = w->t[i] >= 10;
    *truncated = 0;
    atomic_store(&w->in_step[i], 0);
    return 0;
}

static a2c_env watched_env(watched *w, uint32_t flags)
{
    memset(w, 0, sizeof *w);
    atomic_flag_clear(&w->seen_lock);
    w->caller = &marker;
    a2c_env e;
    memset(&e, 0, sizeof e);
    e.version = A2C_ENV_V3;
    e.num_envs = N_SUB;
    e.obs_dim = 1;
    e.action_kind = A2C_SPACE_DISCRETE;
    e.action_dim = 2;
    e.user = w;
    e.reset = w_reset;
    e.step = w_step;
    e.flags = flags;
    return e;
}

static a2c_config *config(int threads)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, threads) == A2C_OK);
    CHECK(a2c_config_set_string(cfg, "net_arch", "[16]") == A2C_OK);
    return cfg;
}

/* Trains `env` for 600 steps with `threads` threads, every pass on every
 * thread; returns how many threads stepped it. */
static int threads_stepping(a2c_env *env, watched *w, int threads)
{
    a2c_config *cfg = config(threads);
    a2c_trainer *tr;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    a2c__trainer_pin_mode(tr, 1);
    CHECK(a2c_trainer_learn(tr, 600, NULL, NULL) == A2C_OK);
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
    CHECK_EQ_INT(atomic_load(&w->overlaps), 0);       /* one index, one step at a time */
    CHECK_EQ_INT(atomic_load(&w->foreign_resets), 0); /* resets stay on the caller's thread */
    return atomic_load(&w->n_seen);
}

static void test_concurrent_steps(void)
{
    watched w;
    /* allowed: with 3 threads the six sub-environments are stepped by all
     * three (two each), the caller's thread among them */
    a2c_env e = watched_env(&w, A2C_ENV_CONCURRENT_STEP);
    CHECK_EQ_INT(threads_stepping(&e, &w, 3), 3);
    int caller_stepped = 0;
    for (int k = 0; k < atomic_load(&w.n_seen); k++) caller_stepped |= w.seen[k] == w.caller;
    CHECK(caller_stepped);
    /* not allowed (no flag, or a version-2 table): only the caller steps */
    e = watched_env(&w, 0);
    CHECK_EQ_INT(threads_stepping(&e, &w, 3), 1);
    CHECK(w.seen[0] == w.caller);
    e = watched_env(&w, A2C_ENV_CONCURRENT_STEP);
    e.version = A2C_ENV_V2; /* the flags field is not read */
    CHECK_EQ_INT(threads_stepping(&e, &w, 3), 1);
    /* one thread: the caller alone */
    e = watched_env(&w, A2C_ENV_CONCURRENT_STEP);
    CHECK_EQ_INT(threads_stepping(&e, &w, 1), 1);
}

/* A failing step on a helper thread is reported like one on the caller's:
 * the lowest failing index, by name. */
static int fail_at_4(void *user, uint32_t i, int32_t action, const float *box, float *obs,
                     double *reward, int *terminated, int *truncated)
{
    const int rc = w_step(user, i, action, box, obs, reward, terminated, truncated);
    return i >= 4 ? 1 : rc;
}

static void test_concurrent_step_failure(void)
{
    watched w;
    a2c_env e = watched_env(&w, A2C_ENV_CONCURRENT_STEP);
    e.step = fail_at_4;
    a2c_config *cfg = config(3);
    a2c_trainer *tr;
    CHECK(a2c_trainer_create(&tr, cfg, &e) == A2C_OK);
    a2c__trainer_pin_mode(tr, 1);
    CHECK(a2c_trainer_learn(tr, 600, NULL, NULL) == A2C_E_ENV);
    CHECK(strstr(a2c_last_error(), "sub-environment 4") != NULL);
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
}

/* ---- the gradient reducer ---- */

enum { IDENTITY, ZERO_GRADIENT, FAIL, POISON, SET_VALUE_LOSS, BIG_JUMP };

typedef struct reducer {
    int mode, calls, at; /* `at`: the gradient call FAIL and POISON act on */
    int jump_calls;      /* the guard's loss-jump calls (grads NULL) */
    size_t n_grads, n_stats;
} reducer;

static int reduce(float *grads, size_t n_grads, double *stats, size_t n_stats, void *user)
{
    reducer *r = user;
    if (!grads) { /* the loss-jump test's mean */
        if (!CHECK(n_grads == 0 && n_stats == 1)) return 1;
        r->jump_calls++;
        if (r->mode == BIG_JUMP && r->jump_calls == r->at) stats[0] = 1e9;
        return 0;
    }
    r->calls++;
    r->n_grads = n_grads;
    r->n_stats = n_stats;
    if (r->mode == ZERO_GRADIENT) memset(grads, 0, n_grads * sizeof *grads);
    if (r->mode == FAIL && r->calls == r->at) return 1;
    if (r->mode == POISON && r->calls == r->at) grads[n_grads / 2] = NAN;
    if (r->mode == SET_VALUE_LOSS) stats[A2C_REDUCE_VALUE_LOSS] = 123.0;
    return 0;
}

typedef struct seen {
    int updates, rollbacks;
    double value_loss;
} seen;

static int on_update(const a2c_train_stats *s, void *user)
{
    seen *v = user;
    v->updates++;
    v->rollbacks += s->rollback != A2C_ROLLBACK_NONE;
    v->value_loss = s->value_loss;
    return 0;
}

/* Trains CartPole for 4000 steps with `threads` threads and reducer `r`
 * (NULL: none); copies the parameters to `params` (n floats). */
static a2c_status train(int threads, reducer *r, int max_rollbacks, seen *v, float *params,
                        size_t n)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, 3) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, threads) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_ROLLBACKS, max_rollbacks) == A2C_OK);
    a2c_env *env;
    CHECK(a2c_env_make(&env, "CartPole-v1", 8, NULL) == A2C_OK);
    a2c_trainer *tr;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    if (r) CHECK(a2c_trainer_set_reducer(tr, reduce, r) == A2C_OK);
    const a2c_status rc = a2c_trainer_learn(tr, 4000, on_update, v);
    /* the net's own parameters: get_params would overwrite the last error */
    CHECK_EQ_INT(a2c_net_param_count(a2c_trainer_net(tr)), n);
    memcpy(params, a2c_net_params(a2c_trainer_net(tr)), n * sizeof *params);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
    return rc;
}

static void test_reducer(void)
{
    a2c_config *cfg;
    a2c_net *net;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, 3) == A2C_OK);
    CHECK(a2c_net_create(&net, cfg, 4, 2) == A2C_OK); /* the trainers' initial net */
    const size_t n = a2c_net_param_count(net);
    float *plain = malloc(n * sizeof *plain), *got = malloc(n * sizeof *got);
    if (!CHECK(plain && got)) goto done;
    seen v0 = {0, 0, 0.0};
    CHECK(train(1, NULL, 0, &v0, plain, n) == A2C_OK);
    /* the mean over one worker is the identity: the same training, on any
     * thread count, with one call per update */
    for (int threads = 1; threads <= 3; threads++) {
        reducer r = {IDENTITY, 0, 0, 0, 0, 0};
        seen v = {0, 0, 0.0};
        CHECK(train(threads, &r, 0, &v, got, n) == A2C_OK);
        CHECK(memcmp(plain, got, n * sizeof *got) == 0);
        CHECK_EQ_INT(r.calls, v0.updates);
        CHECK_EQ_INT(r.n_grads, n);
        CHECK_EQ_INT(r.n_stats, A2C_REDUCE_STATS);
        CHECK(v.value_loss == v0.value_loss);
    }
    /* what the reducer returns is what is applied: a zero gradient moves
     * nothing (RMSprop's step is -lr * 0 / (sqrt(v) + eps)) */
    {
        reducer r = {ZERO_GRADIENT, 0, 0, 0, 0, 0};
        seen v = {0, 0, 0.0};
        float *init = malloc(n * sizeof *init);
        if (init && CHECK(a2c_net_get_params(net, init, n) == A2C_OK)) {
            CHECK(train(2, &r, 0, &v, got, n) == A2C_OK);
            CHECK(memcmp(init, got, n * sizeof *got) == 0);
            CHECK(memcmp(init, plain, n * sizeof *got) != 0); /* training without it moves */
        }
        free(init);
    }
    /* and the statistics it returns are the ones reported */
    {
        reducer r = {SET_VALUE_LOSS, 0, 0, 0, 0, 0};
        seen v = {0, 0, 0.0};
        CHECK(train(2, &r, 0, &v, got, n) == A2C_OK);
        CHECK(v.value_loss == 123.0);
    }
    /* a failing reducer fails the update, naming itself */
    {
        reducer r = {FAIL, 0, 3, 0, 0, 0};
        seen v = {0, 0, 0.0};
        CHECK(train(2, &r, 0, &v, got, n) == A2C_E_ENV);
        CHECK(strstr(a2c_last_error(), "reducer") != NULL);
        CHECK_EQ_INT(v.updates, 2);
    }
    /* a non-finite mean is a non-finite gradient: the guard rolls back,
     * and without it training stops */
    {
        reducer r = {POISON, 0, 3, 0, 0, 0};
        seen v = {0, 0, 0.0};
        CHECK(train(2, &r, 2, &v, got, n) == A2C_OK);
        CHECK_EQ_INT(v.rollbacks, 1);
        r.calls = 0;
        CHECK(train(2, &r, 0, &v, got, n) == A2C_E_NONFINITE);
    }
    /* with the guard's loss-jump test on, the reducer also decides the
     * jump: one call after every step, and its mean is what is tested */
    {
        reducer r = {IDENTITY, 0, 0, 0, 0, 0};
        seen v = {0, 0, 0.0};
        CHECK(train(1, &r, 2, &v, got, n) == A2C_OK);
        CHECK(memcmp(plain, got, n * sizeof *got) == 0); /* a guard that never fires */
        CHECK_EQ_INT(r.jump_calls, r.calls);
        reducer big = {BIG_JUMP, 0, 5, 0, 0, 0};
        CHECK(train(1, &big, 2, &v, got, n) == A2C_OK);
        CHECK_EQ_INT(v.rollbacks, 1);
    }
    /* installing and removing */
    CHECK(a2c_trainer_set_reducer(NULL, reduce, NULL) == A2C_E_INVALID_ARG);
done:
    free(plain);
    free(got);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

/* ---- the observation statistics through the reducer ---- */

typedef struct obs_reducer {
    int grad_calls, obs_calls;
    size_t n_stats;
    double m1[16], m2[16], rows; /* the first update's moments, as passed */
    double offset; /* the mean with a worker whose observations are offset higher */
} obs_reducer;

/* The means of this worker's moments (m1, m2) and those of a worker whose
 * observations are `offset` higher. */
static void with_other(double offset, double *m1, double *m2)
{
    *m2 = (*m2 + (*m2 + 2.0 * offset * *m1 + offset * offset)) / 2.0;
    *m1 = (*m1 + (*m1 + offset)) / 2.0;
}

static int reduce_obs(float *grads, size_t n_grads, double *stats, size_t n_stats, void *user)
{
    obs_reducer *r = user;
    (void)n_grads;
    if (grads) {
        r->grad_calls++;
        return 0;
    }
    if (n_stats == 1) return 0; /* the loss-jump test's */
    r->obs_calls++;
    r->n_stats = n_stats;
    const size_t d = (n_stats - 1) / 2;
    if (!CHECK(d <= 16)) return 1;
    if (r->obs_calls == 1) {
        memcpy(r->m1, stats, d * sizeof *stats);
        memcpy(r->m2, stats + d, d * sizeof *stats);
        r->rows = stats[2 * d];
    }
    for (size_t k = 0; k < d && r->offset != 0.0; k++)
        with_other(r->offset, &stats[k], &stats[d + k]);
    return 0;
}

/* Acrobot (whose preset normalises observations) for `steps` steps with
 * reducer r (NULL: none) and `flags`; the statistics into mean, var and
 * *count, the parameters into params (room for n floats, or NULL), whose
 * count it returns. */
static size_t train_acrobot(uint64_t steps, obs_reducer *r, uint32_t flags, double *mean,
                            double *var, double *count, float *params, size_t n)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_apply_preset(cfg, "Acrobot-v1", NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, 5) == A2C_OK);
    a2c_env *env;
    CHECK(a2c_env_make(&env, "Acrobot-v1", 16, NULL) == A2C_OK);
    a2c_trainer *tr;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    if (r) CHECK(a2c_trainer_set_reducer(tr, reduce_obs, r) == A2C_OK);
    CHECK(a2c_trainer_set_reducer_flags(tr, flags) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, steps, NULL, NULL) == A2C_OK);
    const a2c_net *net = a2c_trainer_net(tr);
    CHECK(a2c_net_get_obs_norm(net, mean, var, env->obs_dim, count, NULL) == A2C_OK);
    const size_t n_params = a2c_net_param_count(net);
    if (params && CHECK(n_params <= n))
        memcpy(params, a2c_net_params(a2c_trainer_net(tr)), n_params * sizeof *params);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
    return n_params;
}

/* Chan et al.'s merge of a batch (mean bm, variance bv, n values) into
 * (*mean, *var, count), as SB3's RunningMeanStd.update_from_moments. */
static void merge_by_hand(double *mean, double *var, double count, double bm, double bv,
                          double n)
{
    const double delta = bm - *mean, total = count + n;
    const double m2 = *var * count + bv * n + delta * delta * count * n / total;
    *mean += delta * n / total;
    *var = m2 / total;
}

static void test_obs_reducer(void)
{
    enum { D = 6, ROLLOUT = 16 * 5 }; /* Acrobot: 6 inputs; 16 envs x n_steps 5 */
    double mean[D], var[D], count, plain_mean[D], plain_var[D], plain_count;
    CHECK(a2c_trainer_set_reducer_flags(NULL, A2C_REDUCE_OBS_NORM) == A2C_E_INVALID_ARG);
    /* without the flag a reducer leaves VecNormalize's step-by-step updates
     * as they are: the identity trains as no reducer */
    enum { ROOM = 1 << 16 };
    float *plain = malloc(ROOM * sizeof *plain), *got = malloc(ROOM * sizeof *got);
    if (!CHECK(plain && got)) goto done;
    {
        obs_reducer r = {0};
        const size_t n = train_acrobot(4000, NULL, 0, plain_mean, plain_var, &plain_count, plain,
                                       ROOM);
        CHECK(train_acrobot(4000, &r, 0, mean, var, &count, got, ROOM) == n);
        CHECK(memcmp(plain, got, n * sizeof *got) == 0);
        CHECK(memcmp(plain_mean, mean, sizeof mean) == 0 &&
              memcmp(plain_var, var, sizeof var) == 0 && plain_count == count);
        CHECK_EQ_INT(r.obs_calls, 0);
    }
    /* with it, one update's statistics are the fresh ones (mean 0,
     * variance 1, count 1e-4) merged with one batch: the reset's 16 rows
     * and the rollout's 80, whose moments about the mean 0 the reducer saw,
     * as it returned them (alone, or as the mean with another worker) */
    for (int other = 0; other < 2; other++) {
        obs_reducer r = {0};
        r.offset = other ? 0.5 : 0.0;
        train_acrobot(ROLLOUT, &r, A2C_REDUCE_OBS_NORM, mean, var, &count, NULL, 0);
        CHECK_EQ_INT(r.grad_calls, 1);
        CHECK_EQ_INT(r.obs_calls, 1);
        CHECK_EQ_INT(r.n_stats, 2 * D + 1);
        CHECK(r.rows == 16 + ROLLOUT);
        int same = 1;
        for (size_t k = 0; k < D; k++) {
            double m1 = r.m1[k], m2 = r.m2[k];
            if (other) with_other(r.offset, &m1, &m2);
            double want_mean = 0.0, want_var = 1.0;
            merge_by_hand(&want_mean, &want_var, 1e-4, m1, m2 - m1 * m1, r.rows);
            same &= fabs(mean[k] - want_mean) <= 1e-12 * (1.0 + fabs(want_mean)) &&
                    fabs(var[k] - want_var) <= 1e-12 * (1.0 + want_var);
        }
        if (!CHECK(same)) printf("  shared observation statistics: not the batch's merge\n");
        CHECK(fabs(count - (1e-4 + r.rows)) < 1e-9);
    }
    /* and a run of many updates takes one batch of the mean rows each */
    {
        obs_reducer r = {0};
        train_acrobot(40 * ROLLOUT, &r, A2C_REDUCE_OBS_NORM, mean, var, &count, NULL, 0);
        CHECK_EQ_INT(r.obs_calls, 40);
        CHECK(fabs(count - (1e-4 + 16 + 40.0 * ROLLOUT)) < 1e-6);
    }
    CHECK(a2c_trainer_set_reducer_flags(NULL, 0) == A2C_E_INVALID_ARG);
done:
    free(plain);
    free(got);
}

static void test_reducer_flags(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    a2c_env *env;
    CHECK(a2c_env_make(&env, "CartPole-v1", 2, NULL) == A2C_OK);
    a2c_trainer *tr;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_set_reducer_flags(tr, 2) == A2C_E_INVALID_ARG);
    CHECK(strstr(a2c_last_error(), "0x2") != NULL);
    CHECK(a2c_trainer_set_reducer_flags(tr, A2C_REDUCE_OBS_NORM) == A2C_OK);
    CHECK(a2c_trainer_set_reducer_flags(tr, 0) == A2C_OK);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
}

int main(void)
{
    test_concurrent_steps();
    test_concurrent_step_failure();
    test_reducer();
    test_obs_reducer();
    test_reducer_flags();
    return harness_report();
}
