/* The training driver and evaluation: learning, determinism, SB3's episode
 * handling, statistics, errors from the environment, no allocation. */
#include "harness.h"
#include "whitebox.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- a scriptable host environment ----
 * obs = (steps into the episode / 10, index); reward 1 per step (or
 * index + 1 with `reward_by_index`); terminates after `term_at` steps if
 * set; can fail or give NaN at a given total step. */
typedef struct script {
    uint32_t n;
    uint32_t term_at;
    int reward_by_index;
    long fail_at, nan_at; /* total steps; -1: never */
    long steps;
    uint32_t t[16];
    uint32_t resets[16];
} script;

static int s_reset(void *user, uint32_t i, uint64_t seed, float *obs)
{
    (void)seed;
    script *s = user;
    s->t[i] = 0;
    s->resets[i]++;
    obs[0] = 0.0f;
    obs[1] = (float)i;
    return 0;
}

static int s_step(void *user, uint32_t i, int32_t action, const float *box, float *obs,
                  double *reward, int *terminated, int *truncated)
{
    (void)box;
    script *s = user;
    if (action < 0 || action > 1) return -1;
    if (s->steps++ == s->fail_at) return -1;
    s->t[i]++;
    obs[0] = (float)s->t[i] / 10.0f;
    obs[1] = s->steps - 1 == s->nan_at ? NAN : (float)i;
    *reward = s->reward_by_index ? (double)(i + 1) : 1.0;
    *terminated = s->term_at && s->t[i] >= s->term_at;
    *truncated = 0;
    return 0;
}

static a2c_env script_env(script *s, uint32_t n, uint32_t max_steps)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->fail_at = s->nan_at = -1;
    a2c_env e = {0};
    e.version = A2C_ENV_V1;
    e.num_envs = n;
    e.obs_dim = 2;
    e.action_kind = A2C_SPACE_DISCRETE;
    e.action_dim = 2;
    e.max_episode_steps = max_steps;
    e.user = s;
    e.reset = s_reset;
    e.step = s_step;
    return e;
}

/* ---- callbacks ---- */

typedef struct record {
    int calls, stop_after;
    a2c_train_stats last;
    uint64_t first_timesteps;
    int sizes_ok, schedule_ok;
    double initial_lr;
} record;

static int on_update(const a2c_train_stats *s, void *user)
{
    record *r = user;
    if (r->calls == 0) r->first_timesteps = s->timesteps;
    r->calls++;
    r->last = *s;
    r->sizes_ok &= s->size == sizeof *s && s->window_episodes <= 100;
    return r->stop_after && r->calls >= r->stop_after;
}

static a2c_config *cartpole_config(uint64_t seed)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, (int64_t)seed) == A2C_OK);
    return cfg;
}

/* ---- tests ---- */

static void test_learns_cartpole(void)
{
    a2c_env *env;
    CHECK(a2c_env_make(&env, "CartPole-v1", 8, NULL) == A2C_OK);
    a2c_config *cfg = cartpole_config(1);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    record r = {0};
    r.sizes_ok = 1;
    CHECK(a2c_trainer_learn(tr, 60000, on_update, &r) == A2C_OK);
    printf("cartpole after %llu steps: mean return %.1f over the last %u episodes\n",
           (unsigned long long)r.last.timesteps, r.last.mean_return, r.last.window_episodes);
    /* a random policy averages about 22; zoo A2C is near 130 here */
    CHECK(r.last.window_episodes == 100 && r.last.mean_return > 80.0);
    CHECK(r.sizes_ok);
    CHECK_EQ_INT(r.first_timesteps, 40); /* n_steps 5 x 8 envs per update */
    CHECK_EQ_INT(r.last.timesteps, 60000);
    CHECK_EQ_INT(r.calls, 1500);
    CHECK_EQ_INT(a2c_trainer_timesteps(tr), 60000);
    CHECK(isfinite(r.last.explained_variance) && isfinite(r.last.grad_norm));
    CHECK(r.last.learning_rate == 7e-4);
    CHECK(r.last.total_loss == r.last.policy_loss + 0.0 * r.last.entropy_loss +
                                   0.5 * r.last.value_loss);
    /* the trained greedy policy beats random by far, too */
    double mean, std;
    CHECK(a2c_evaluate(a2c_trainer_net(tr), env, 10, 1, 7, &mean, &std, NULL) == A2C_OK);
    printf("cartpole greedy evaluation: %.1f +/- %.1f\n", mean, std);
    CHECK(mean > 80.0);
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
    a2c_env_close(env);
}

static void test_deterministic(void)
{
    a2c_env *e1, *e2;
    CHECK(a2c_env_make(&e1, "CartPole-v1", 4, NULL) == A2C_OK);
    CHECK(a2c_env_make(&e2, "CartPole-v1", 4, NULL) == A2C_OK);
    a2c_config *cfg = cartpole_config(42);
    CHECK(a2c_config_set_string(cfg, "learning_rate", "lin_1e-3") == A2C_OK);
    a2c_trainer *a, *b;
    CHECK(a2c_trainer_create(&a, cfg, e1) == A2C_OK);
    CHECK(a2c_trainer_create(&b, cfg, e2) == A2C_OK);
    record ra = {0}, rb = {0};
    CHECK(a2c_trainer_learn(a, 8000, on_update, &ra) == A2C_OK);
    CHECK(a2c_trainer_learn(b, 8000, on_update, &rb) == A2C_OK);
    const size_t n = a2c_net_param_count(a2c_trainer_net(a));
    CHECK(memcmp(a2c_net_params(a2c_trainer_net(a)), a2c_net_params(a2c_trainer_net(b)),
                 n * sizeof(float)) == 0);
    CHECK(ra.last.episodes == rb.last.episodes && ra.last.mean_return == rb.last.mean_return &&
          ra.last.total_loss == rb.last.total_loss);
    /* the linear schedule: lr = 1e-3 * (1 - 8000 / 8000) at the last update */
    CHECK_CLOSE(ra.last.learning_rate, 0.0, 0.0, 1e-15);
    /* another seed trains another net */
    a2c_trainer *c;
    a2c_env *e3;
    CHECK(a2c_env_make(&e3, "CartPole-v1", 4, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, 43) == A2C_OK);
    CHECK(a2c_trainer_create(&c, cfg, e3) == A2C_OK);
    CHECK(a2c_trainer_learn(c, 8000, NULL, NULL) == A2C_OK);
    CHECK(memcmp(a2c_net_params(a2c_trainer_net(a)), a2c_net_params(a2c_trainer_net(c)),
                 n * sizeof(float)) != 0);
    a2c_trainer_destroy(a), a2c_trainer_destroy(b), a2c_trainer_destroy(c);
    a2c_env_close(e1), a2c_env_close(e2), a2c_env_close(e3);
    a2c_config_destroy(cfg);
}

/* Same seed, every kernel table this CPU runs: bit-identical training. */
static void test_same_on_every_kernel_table(void)
{
    const a2c__kernels *tables[A2C__ISA_COUNT];
    int n_tables = 0;
    for (int isa = 0; isa < A2C__ISA_COUNT; isa++)
        if (a2c__kernels_for_isa(isa)) tables[n_tables++] = a2c__kernels_for_isa(isa);
    if (n_tables < 2) {
        printf("kernel tables: this CPU runs only the base table, nothing to compare\n");
        return;
    }
    a2c_config *cfg = cartpole_config(5);
    float *first = NULL;
    for (int t = 0; t < n_tables; t++) {
        a2c_env *e;
        a2c_trainer *tr;
        CHECK(a2c_env_make(&e, "CartPole-v1", 8, NULL) == A2C_OK);
        CHECK(a2c_trainer_create(&tr, cfg, e) == A2C_OK);
        a2c__trainer_use_kernels(tr, tables[t]);
        CHECK(a2c_trainer_learn(tr, 20000, NULL, NULL) == A2C_OK);
        const size_t n = a2c_net_param_count(a2c_trainer_net(tr));
        if (t == 0) {
            first = malloc(n * sizeof *first);
            if (first) memcpy(first, a2c_net_params(a2c_trainer_net(tr)), n * sizeof *first);
        } else if (first && !CHECK(memcmp(first, a2c_net_params(a2c_trainer_net(tr)),
                                          n * sizeof(float)) == 0)) {
            printf("  kernel table %s trains differently from %s\n", tables[t]->name,
                   tables[0]->name);
        }
        a2c_trainer_destroy(tr);
        a2c_env_close(e);
    }
    free(first);
    a2c_config_destroy(cfg);
}

/* Any number of threads trains exactly as one: the same operations, split
 * (rows, weight-gradient entries, parameter ranges, sub-environments).
 * CartPole's time limit is cut to 23 steps, so that many episodes end
 * truncated, at every step of a rollout, and their bootstrap values are
 * computed on every path (at once alone, on the helper, inline beside a
 * pool); Pendulum's episodes all end truncated at 200. */
static void test_threads_change_nothing(void)
{
    static const struct {
        const char *env, *arch;
        int n_envs, shared, rmsprop, sde;
    } cases[] = {
        {"CartPole-v1", "[64, 64]", 8, 0, 1, 0},
        {"CartPole-v1", "dict(pi=[32], vf=[16, 8])", 5, 0, 0, 0}, /* Adam, ragged rows */
        {"CartPole-v1", "[24, 40]", 7, 1, 1, 0},                  /* one trunk */
        {"Pendulum-v1", "[32, 32]", 4, 0, 1, 1},                   /* gSDE */
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        a2c_config *cfg = cartpole_config(6);
        CHECK(a2c_config_set_string(cfg, "net_arch", cases[c].arch) == A2C_OK);
        CHECK(a2c_config_set_int(cfg, A2C_PARAM_SHARED_TRUNK, cases[c].shared) == A2C_OK);
        CHECK(a2c_config_set_int(cfg, A2C_PARAM_USE_RMS_PROP, cases[c].rmsprop) == A2C_OK);
        CHECK(a2c_config_set_int(cfg, A2C_PARAM_USE_SDE, cases[c].sde) == A2C_OK);
        float *first = NULL;
        record r1 = {0};
        /* threads 1..4 with every pass on every thread, then 2 with the
         * timing chooser switching as it likes, then 2 always alone beside
         * the idle helper */
        static const char *const how[] = {"", "", "", "", " (chooser)", " (alone)"};
        for (int run = 0; run < 6; run++) {
            const int threads = run < 4 ? run + 1 : 2;
            a2c_env *e;
            a2c_trainer *tr;
            CHECK(a2c_env_make(&e, cases[c].env, (uint32_t)cases[c].n_envs, NULL) == A2C_OK);
            if (strcmp(cases[c].env, "CartPole-v1") == 0) e->max_episode_steps = 23;
            CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, threads) == A2C_OK);
            CHECK(a2c_trainer_create(&tr, cfg, e) == A2C_OK);
            if (run < 4) a2c__trainer_pin_mode(tr, 1);
            if (run == 5) a2c__trainer_pin_mode(tr, 0);
            record r = {0};
            CHECK(a2c_trainer_learn(tr, 6000, on_update, &r) == A2C_OK);
            CHECK(a2c__trainer_helper_running(tr) == 0); /* joined at the end of learn */
            const size_t n = a2c_net_param_count(a2c_trainer_net(tr));
            if (run == 0) {
                first = malloc(n * sizeof *first);
                if (first) memcpy(first, a2c_net_params(a2c_trainer_net(tr)), n * sizeof *first);
                r1 = r;
            } else if (first) {
                if (!CHECK(memcmp(first, a2c_net_params(a2c_trainer_net(tr)),
                                  n * sizeof(float)) == 0))
                    printf("  %s %s: %d threads%s train differently from one\n", cases[c].env,
                           cases[c].arch, threads, how[run]);
                CHECK(r1.last.grad_norm == r.last.grad_norm &&
                      r1.last.episodes == r.last.episodes &&
                      r1.last.approx_kl == r.last.approx_kl &&
                      r1.last.update_ratio == r.last.update_ratio);
            }
            a2c_trainer_destroy(tr);
            a2c_env_close(e);
        }
        free(first);
        a2c_config_destroy(cfg);
    }
}

/* One trainer update equals the public calls by hand on the same rollout:
 * forward, loss_backward, clip_grad_norm and optimizer_step. */
static void test_update_by_hand(void)
{
    for (int rms = 0; rms < 2; rms++) {
        a2c_env *env;
        CHECK(a2c_env_make(&env, "CartPole-v1", 8, NULL) == A2C_OK);
        a2c_config *cfg = cartpole_config(4);
        CHECK(a2c_config_set_int(cfg, A2C_PARAM_USE_RMS_PROP, rms) == A2C_OK);
        CHECK(a2c_config_set_double(cfg, A2C_PARAM_MAX_GRAD_NORM, 1e-3) == A2C_OK); /* clips */
        CHECK(a2c_config_set_double(cfg, A2C_PARAM_ENT_COEF, 0.01) == A2C_OK);
        CHECK(a2c_config_set_double(cfg, A2C_PARAM_LEARNING_RATE, 1e-3) == A2C_OK);
        a2c_trainer *tr;
        CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
        a2c_net *tnet = a2c_trainer_net(tr);
        const size_t n = a2c_net_param_count(tnet);
        float *before = malloc(n * sizeof *before), *after = malloc(n * sizeof *after);
        memcpy(before, a2c_net_params(tnet), n * sizeof *before);
        record r = {0};
        CHECK(a2c_trainer_learn(tr, 40, on_update, &r) == A2C_OK); /* exactly one update */
        CHECK_EQ_INT(r.calls, 1);
        memcpy(after, a2c_net_params(tnet), n * sizeof *after);
        const a2c_rollout *ro = a2c__trainer_rollout(tr);
        /* by hand, from the same starting parameters and the same rollout */
        CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, 40) == A2C_OK);
        a2c_net *net;
        a2c_optimizer *opt;
        CHECK(a2c_net_create(&net, cfg, 4, 2) == A2C_OK);
        CHECK(a2c_optimizer_create(&opt, cfg, n) == A2C_OK);
        CHECK(a2c_net_set_params(net, before, n) == A2C_OK);
        float values[40];
        CHECK(a2c_net_forward(net, a2c_rollout_observations(ro), 40, NULL, values) == A2C_OK);
        CHECK(memcmp(values, a2c_rollout_values(ro), sizeof values) == 0); /* the cached forward */
        double terms[A2C_LOSS_TERMS], norm;
        CHECK(a2c_net_zero_grad(net) == A2C_OK);
        CHECK(a2c_net_loss_backward(net, cfg, 40, a2c_rollout_actions(ro), a2c_rollout_advantages(ro),
                                    a2c_rollout_returns(ro), terms,
                                    A2C_LOSS_TERMS) == A2C_OK);
        CHECK(a2c_clip_grad_norm(a2c_net_grads(net), n, 1e-3, &norm) == A2C_OK);
        CHECK(norm > 1e-2); /* clipping really happened */
        CHECK_CLOSE(norm, r.last.grad_norm, 1e-6, 0);
        CHECK(terms[A2C_LOSS_TOTAL] == r.last.total_loss);
        CHECK(a2c_optimizer_step(opt, a2c_net_params(net), a2c_net_grads(net), n, 0.0) == A2C_OK);
        /* the two norms add their squares in different orders, so the
         * clip factors (and the steps) agree to float precision */
        double worst = 0.0, step = 0.0;
        for (size_t k = 0; k < n; k++) {
            const double d = fabs((double)after[k] - (double)a2c_net_params(net)[k]);
            worst = d > worst ? d : worst;
            step = fabs((double)after[k] - (double)before[k]) > step
                       ? fabs((double)after[k] - (double)before[k])
                       : step;
        }
        printf("update by hand (%s): largest step %.3g, largest difference %.3g\n",
               rms ? "RMSprop" : "Adam", step, worst);
        CHECK(step > 0.0 && worst <= 1e-6 * step);
        free(before), free(after);
        a2c_optimizer_destroy(opt);
        a2c_net_destroy(net);
        a2c_trainer_destroy(tr);
        a2c_config_destroy(cfg);
        a2c_env_close(env);
    }
}

static void test_stop_and_resume_counting(void)
{
    a2c_env *env;
    CHECK(a2c_env_make(&env, "CartPole-v1", 2, NULL) == A2C_OK);
    a2c_config *cfg = cartpole_config(3);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_STEPS, 10) == A2C_OK);
    a2c_trainer *tr;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    record r = {0};
    r.stop_after = 3;
    CHECK(a2c_trainer_learn(tr, 100000, on_update, &r) == A2C_OK);
    CHECK_EQ_INT(r.calls, 3);
    CHECK_EQ_INT(a2c_trainer_timesteps(tr), 60);
    /* a second call continues the count; a total below it does nothing */
    CHECK(a2c_trainer_learn(tr, 100, NULL, NULL) == A2C_OK);
    CHECK_EQ_INT(a2c_trainer_timesteps(tr), 100);
    CHECK(a2c_trainer_learn(tr, 50, NULL, NULL) == A2C_OK);
    CHECK_EQ_INT(a2c_trainer_timesteps(tr), 100);
    /* the last rollout may overshoot the total, as in SB3 */
    CHECK(a2c_trainer_learn(tr, 110, NULL, NULL) == A2C_OK);
    CHECK_EQ_INT(a2c_trainer_timesteps(tr), 120);
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
    a2c_env_close(env);
}

/* Time-limit truncation adds gamma * V(final observation) to the reward; a
 * termination does not.  With learning rate 0 the net after learn() is the
 * one that collected, so V(final) can be recomputed. */
static void test_truncation_bootstrap(void)
{
    script s;
    a2c_env env = script_env(&s, 2, 4); /* the library truncates at 4 steps */
    s.term_at = 6;                      /* unreachable: the limit comes first */
    a2c_config *cfg = cartpole_config(11);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_STEPS, 6) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_LEARNING_RATE, 0.0) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_GAMMA, 0.9) == A2C_OK);
    a2c_trainer *tr;
    CHECK(a2c_trainer_create(&tr, cfg, &env) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, 12, NULL, NULL) == A2C_OK);
    const a2c_rollout *ro = a2c__trainer_rollout(tr);
    /* the final observation of each env's first episode is (4/10, i) */
    const float final_obs[4] = {0.4f, 0.0f, 0.4f, 1.0f};
    float v[2];
    CHECK(a2c_net_forward(a2c_trainer_net(tr), final_obs, 2, NULL, v) == A2C_OK);
    for (int i = 0; i < 2; i++) {
        const float want = 1.0f + 0.9f * v[i]; /* float arithmetic, as SB3 */
        CHECK(a2c_rollout_rewards(ro)[3 * 2 + i] == want);
        CHECK(a2c_rollout_rewards(ro)[2 * 2 + i] == 1.0f);
        /* after the truncation a new episode starts */
        CHECK(a2c__rollout_episode_starts(ro)[4 * 2 + i] == 1.0f &&
              a2c__rollout_episode_starts(ro)[3 * 2 + i] == 0.0f);
        CHECK(a2c__rollout_episode_starts(ro)[0 * 2 + i] == 1.0f); /* the first reset */
        CHECK(s.resets[i] == 2);
    }
    a2c_trainer_destroy(tr);

    /* terminated on the limit's step too: terminal, no bootstrap */
    env = script_env(&s, 2, 4);
    s.term_at = 4;
    CHECK(a2c_trainer_create(&tr, cfg, &env) == A2C_OK);
    record r = {0};
    CHECK(a2c_trainer_learn(tr, 12, on_update, &r) == A2C_OK);
    ro = a2c__trainer_rollout(tr);
    CHECK(a2c_rollout_rewards(ro)[3 * 2] == 1.0f && a2c_rollout_rewards(ro)[3 * 2 + 1] == 1.0f);
    CHECK(a2c__trainer_episodes(tr) == 2 && r.last.window_episodes == 2 &&
          r.last.mean_return == 4.0);
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
}

/* A rollout abandoned on an env error leaves no truncated episodes'
 * bootstrap behind.  The failure comes in the step after one that
 * truncated every episode (3 envs, time limit 4: global steps 4, 8, ...),
 * when two threads have handed those final observations to the helper;
 * the next call works alone, and it must train as one thread does. */
static void test_abandoned_truncations(void)
{
    float *first = NULL;
    size_t n = 0;
    for (int threads = 1; threads <= 2; threads++) {
        script s;
        a2c_config *cfg = cartpole_config(4);
        CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, threads) == A2C_OK);
        a2c_env env = script_env(&s, 3, 4);
        s.reward_by_index = 1;
        a2c_trainer *tr;
        CHECK(a2c_trainer_create(&tr, cfg, &env) == A2C_OK);
        a2c__trainer_pin_mode(tr, 1);
        s.fail_at = 3 * 8; /* the first env call of global step 9 */
        CHECK(a2c_trainer_learn(tr, 1000, NULL, NULL) == A2C_E_ENV);
        a2c__trainer_pin_mode(tr, 0);
        CHECK(a2c_trainer_learn(tr, a2c_trainer_timesteps(tr) + 60, NULL, NULL) == A2C_OK);
        const a2c_net *net = a2c_trainer_net(tr);
        if (threads == 1) {
            n = a2c_net_param_count(net);
            first = malloc(n * sizeof *first);
            if (first) memcpy(first, a2c__net_const_params(net), n * sizeof *first);
        } else if (first) {
            if (!CHECK(memcmp(first, a2c__net_const_params(net), n * sizeof *first) == 0))
                printf("  after an abandoned rollout, 2 threads train differently from one\n");
        }
        a2c_trainer_destroy(tr);
        a2c_config_destroy(cfg);
    }
    free(first);
}

static void test_env_errors(void)
{
    script s;
    a2c_config *cfg = cartpole_config(2);
    a2c_env env = script_env(&s, 3, 0);
    s.term_at = 7;
    a2c_trainer *tr;
    CHECK(a2c_trainer_create(&tr, cfg, &env) == A2C_OK);
    s.nan_at = 20;
    CHECK(a2c_trainer_learn(tr, 1000, NULL, NULL) == A2C_E_NONFINITE);
    const uint64_t at = a2c_trainer_timesteps(tr);
    /* the trainer stays usable: the next call starts fresh episodes */
    CHECK(a2c_trainer_learn(tr, at + 30, NULL, NULL) == A2C_OK);
    CHECK(a2c_trainer_timesteps(tr) >= at + 30);
    s.fail_at = s.steps + 4;
    CHECK(a2c_trainer_learn(tr, at + 1000, NULL, NULL) == A2C_E_ENV);
    CHECK(a2c_trainer_learn(tr, a2c_trainer_timesteps(tr) + 15, NULL, NULL) == A2C_OK);
    a2c_trainer_destroy(tr);

    /* invalid tables */
    a2c_env bad = script_env(&s, 3, 0);
    bad.version = 4;
    a2c_trainer *out = (a2c_trainer *)cfg;
    CHECK(a2c_trainer_create(&out, cfg, &bad) == A2C_E_INVALID_ARG && out == NULL);
    bad = script_env(&s, 3, 0);
    bad.action_kind = A2C_SPACE_BOX;
    static const float nan_low[2] = {NAN, 0.0f};
    bad.action_low = nan_low;
    CHECK(a2c_trainer_create(&out, cfg, &bad) == A2C_E_INVALID_ARG);
    bad = script_env(&s, 0, 0);
    CHECK(a2c_trainer_create(&out, cfg, &bad) == A2C_E_INVALID_ARG);
    bad = script_env(&s, 3, 0);
    bad.reset = NULL;
    CHECK(a2c_trainer_create(&out, cfg, &bad) == A2C_E_INVALID_ARG);
    bad = script_env(&s, 3, 0);
    bad.step = NULL;
    CHECK(a2c_trainer_create(&out, cfg, &bad) == A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_create(&out, NULL, &env) == A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_create(&out, cfg, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_create(NULL, cfg, &env) == A2C_E_INVALID_ARG);
    /* normalising the advantage of a single sample is refused, as in SB3 */
    a2c_env one = script_env(&s, 1, 0);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_STEPS, 1) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_NORMALIZE_ADVANTAGE, 1) == A2C_OK);
    CHECK(a2c_trainer_create(&out, cfg, &one) == A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_learn(NULL, 10, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_net(NULL) == NULL && a2c_trainer_timesteps(NULL) == 0);
    a2c_trainer_destroy(NULL);
    a2c_config_destroy(cfg);
}

/* ---- allocation ---- */

typedef struct counter {
    long allocs, live;
} counter;

static void *c_alloc(void *ctx, size_t size, size_t align)
{
    counter *c = ctx;
    c->allocs++;
    c->live++;
    void *p = NULL;
    size = (size + align - 1) / align * align;
    p = aligned_alloc(align, size);
    return p;
}

static void c_free(void *ctx, void *ptr, size_t size)
{
    (void)size;
    ((counter *)ctx)->live--;
    free(ptr);
}

static void test_no_allocation_while_training(void)
{
    counter c = {0, 0};
    const a2c_allocator hooks = {A2C_ALLOCATOR_V1, c_alloc, c_free, &c};
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, &hooks) == A2C_OK);
    a2c_env *env;
    CHECK(a2c_env_make(&env, "CartPole-v1", 8, &hooks) == A2C_OK);
    a2c_trainer *tr;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    const long before = c.allocs;
    CHECK(a2c_trainer_learn(tr, 20000, NULL, NULL) == A2C_OK);
    CHECK_EQ_INT(c.allocs, before); /* not one allocation per step or update */
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
    CHECK_EQ_INT(c.live, 0);
}

/* ---- evaluation ---- */

static void test_evaluate(void)
{
    /* episodes of 5 steps paying index + 1 per step; 3 envs, 7 episodes:
     * SB3 gives env i (7 + i) / 3 of them: 2, 2 and 3 */
    script s;
    a2c_env env = script_env(&s, 3, 0);
    s.term_at = 5;
    s.reward_by_index = 1;
    a2c_config *cfg = cartpole_config(0);
    a2c_net *net;
    CHECK(a2c_net_create(&net, cfg, 2, 2) == A2C_OK);
    double mean, std, returns[7];
    CHECK(a2c_evaluate(net, &env, 7, 1, 9, &mean, &std, returns) == A2C_OK);
    const double want[7] = {5, 10, 15, 5, 10, 15, 15};
    for (int k = 0; k < 7; k++) CHECK(returns[k] == want[k]);
    const double m = 75.0 / 7.0;
    double var = 0.0;
    for (int k = 0; k < 7; k++) var += (want[k] - m) * (want[k] - m) / 7.0;
    CHECK_CLOSE(mean, m, 1e-12, 0);
    CHECK_CLOSE(std, sqrt(var), 1e-9, 0);
    /* sampled actions: the same seed gives the same episodes */
    a2c_env *cp;
    a2c_net *cp_net;
    CHECK(a2c_env_make(&cp, "CartPole-v1", 2, NULL) == A2C_OK);
    CHECK(a2c_net_create(&cp_net, cfg, 4, 2) == A2C_OK);
    double r1[6], r2[6];
    CHECK(a2c_evaluate(cp_net, cp, 6, 0, 123, NULL, NULL, r1) == A2C_OK);
    CHECK(a2c_evaluate(cp_net, cp, 6, 0, 123, NULL, NULL, r2) == A2C_OK);
    CHECK(memcmp(r1, r2, sizeof r1) == 0);
    CHECK(a2c_evaluate(cp_net, cp, 6, 0, 124, NULL, NULL, r2) == A2C_OK);
    CHECK(memcmp(r1, r2, sizeof r1) != 0);
    CHECK(a2c_evaluate(net, cp, 6, 0, 1, &mean, NULL, NULL) == A2C_E_INVALID_ARG); /* 2 inputs */
    a2c_net_destroy(cp_net);
    /* bad input */
    CHECK(a2c_evaluate(NULL, cp, 6, 0, 1, &mean, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_evaluate(net, NULL, 6, 0, 1, &mean, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_evaluate(net, cp, 0, 0, 1, &mean, NULL, NULL) == A2C_E_INVALID_ARG);
    a2c_net *wide;
    CHECK(a2c_net_create(&wide, cfg, 4, 3) == A2C_OK); /* 3 actions, CartPole has 2 */
    CHECK(a2c_evaluate(wide, cp, 6, 0, 1, &mean, NULL, NULL) == A2C_E_INVALID_ARG);
    env = script_env(&s, 3, 0);
    s.term_at = 5;
    s.nan_at = 4;
    CHECK(a2c_evaluate(net, &env, 3, 1, 1, &mean, NULL, NULL) == A2C_E_NONFINITE);
    env = script_env(&s, 3, 0);
    s.term_at = 5;
    s.fail_at = 4;
    CHECK(a2c_evaluate(net, &env, 3, 1, 1, &mean, NULL, NULL) == A2C_E_ENV);
    a2c_net_destroy(wide);
    a2c_net_destroy(net);
    a2c_env_close(cp);
    a2c_config_destroy(cfg);
}

int main(void)
{
    test_learns_cartpole();
    test_deterministic();
    test_same_on_every_kernel_table();
    test_threads_change_nothing();
    test_update_by_hand();
    test_stop_and_resume_counting();
    test_truncation_bootstrap();
    test_env_errors();
    test_abandoned_truncations();
    test_no_allocation_while_training();
    test_evaluate();
    return harness_report();
}
