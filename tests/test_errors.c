/* Last-error messages: every failing public call leaves a message in
 * a2c_last_error() that starts with the function's name and, for
 * A2C_E_INVALID_ARG, names the argument or field at fault.  Uses the public
 * header only.
 *
 * Each sweep_* function covers one module, so a failing check points at
 * the module whose messages are missing; main prints a line per sweep. */
#include "a2c/a2c.h"
#include "harness.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if !defined(__STDC_NO_THREADS__)
#include <threads.h>
#endif

/* ---- checking one failing call ---- */

/* Planted before every call under test, so a call that sets no message of
 * its own cannot pass on what an earlier call left behind. */
#define STALE "#stale-message#"

static void plant_stale(void)
{
    a2c_param p;
    (void)a2c_param_from_name(STALE, &p);
}

/* Whether `text` contains one of the '|'-separated alternatives of `any`
 * (the wording of a message is free; naming the argument is not). */
static int mentions(const char *text, const char *any)
{
    char alt[128];
    while (*any) {
        size_t n = strcspn(any, "|");
        if (n >= sizeof alt) n = sizeof alt - 1;
        memcpy(alt, any, n);
        alt[n] = '\0';
        if (strstr(text, alt)) return 1;
        any += n;
        if (*any == '|') any++;
    }
    return 0;
}

/* The status is `want`; the message is "fn: ..." with something after the
 * colon, lowercase, short, without a trailing period, set by this call;
 * and, when `mention` is not NULL, the part after "fn: " mentions it.
 * TEST_ERRORS_VERBOSE=1 in the environment prints every message, for
 * reading them all at once. */
static void check_failure(const char *file, int line, const char *call, a2c_status got,
                          a2c_status want, const char *fn, const char *mention)
{
    const char *msg = a2c_last_error();
    char what[768];
    const size_t fn_len = strlen(fn);
    const int prefixed = strncmp(msg, fn, fn_len) == 0 && strncmp(msg + fn_len, ": ", 2) == 0;
    const char *rest = prefixed ? msg + fn_len + 2 : msg;
    const size_t len = strlen(rest);

    if (getenv("TEST_ERRORS_VERBOSE")) printf("%-70.70s %s\n", call, msg);
    snprintf(what, sizeof what, "%s returned %s, expected %s", call, a2c_status_name(got),
             a2c_status_name(want));
    harness_check(got == want, file, line, what);

    snprintf(what, sizeof what, "%s: message \"%s\" should start with \"%s: \"", call, msg, fn);
    harness_check(prefixed && len > 0 && !strstr(msg, STALE), file, line, what);
    if (!prefixed) return; /* the checks below would only repeat this one */

    snprintf(what, sizeof what, "%s: message \"%s\" should be short, lowercase after the colon, "
             "without a trailing period", call, msg);
    harness_check(len < 200 && !(rest[0] >= 'A' && rest[0] <= 'Z') && rest[len - 1] != '.' &&
                      rest[len - 1] != '\n',
                  file, line, what);

    if (mention) {
        snprintf(what, sizeof what, "%s: message \"%s\" should mention \"%s\"", call, msg,
                 mention);
        harness_check(mentions(rest, mention), file, line, what);
    }
}

/* FAILS(status, mention, function, args...): one case, one line.  The
 * function's name is taken from the call itself.  BAD_ARG is spelt out
 * rather than built on FAILS so that the printed call shows NULL, not its
 * expansion. */
#define FAILS(want, mention, fn, ...)                                                     \
    check_failure(__FILE__, __LINE__, #fn "(" #__VA_ARGS__ ")",                           \
                  (plant_stale(), fn(__VA_ARGS__)), want, #fn, mention)
#define BAD_ARG(mention, fn, ...)                                                         \
    check_failure(__FILE__, __LINE__, #fn "(" #__VA_ARGS__ ")",                           \
                  (plant_stale(), fn(__VA_ARGS__)), A2C_E_INVALID_ARG, #fn, mention)

/* ---- fixtures ---- */

/* An allocator that fails once its budget of allocations is spent. */
typedef struct budget {
    int left; /* allocations still allowed; -1: unlimited */
} budget;

static void *budget_alloc(void *ctx, size_t size, size_t align)
{
    budget *b = ctx;
    if (b->left == 0) return NULL;
    if (b->left > 0) b->left--;
    return aligned_alloc(align, (size + align - 1) / align * align);
}

static void budget_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    (void)size;
    free(ptr);
}

static a2c_allocator budget_allocator(budget *b)
{
    a2c_allocator a;
    memset(&a, 0, sizeof a);
    a.version = A2C_ALLOCATOR_V1;
    a.alloc = budget_alloc;
    a.free = budget_free;
    a.ctx = b;
    return a;
}

/* A host environment, 2 floats of observation and 2 actions, whose
 * callbacks can be made to fail or to return NaN. */
typedef struct stub {
    int fail_reset;
    int nan_obs;
} stub;

static int stub_reset(void *user, uint32_t index, uint64_t seed, float *obs)
{
    const stub *s = user;
    (void)index;
    (void)seed;
    obs[0] = s->nan_obs ? NAN : 0.25f;
    obs[1] = -0.25f;
    return s->fail_reset;
}

static int stub_step(void *user, uint32_t index, int32_t action, const float *box_action,
                     float *obs, double *reward, int *terminated, int *truncated)
{
    (void)user;
    (void)index;
    (void)action;
    (void)box_action;
    obs[0] = obs[1] = 0.0f;
    *reward = 1.0;
    *terminated = 1;
    *truncated = 0;
    return 0;
}

static a2c_env stub_env(stub *s)
{
    a2c_env e;
    memset(&e, 0, sizeof e);
    e.version = A2C_ENV_V1;
    e.num_envs = 1;
    e.obs_dim = 2;
    e.action_kind = A2C_SPACE_DISCRETE;
    e.action_dim = 2;
    e.user = s;
    e.reset = stub_reset;
    e.step = stub_step;
    return e;
}

static a2c_config *new_config(void)
{
    a2c_config *cfg = NULL;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    return cfg;
}

/* Checkpoint files go where the other tests put theirs; nothing is ever
 * written under MISSING_DIR. */
#define MISSING_DIR "build/no-such-dir-test-errors"

/* ---- status names ---- */

static void test_status_names(void)
{
    static const struct {
        a2c_status s;
        const char *name;
    } names[] = {
        {A2C_OK, "A2C_OK"},
        {A2C_E_INVALID_ARG, "A2C_E_INVALID_ARG"},
        {A2C_E_NOMEM, "A2C_E_NOMEM"},
        {A2C_E_NONFINITE, "A2C_E_NONFINITE"},
        {A2C_E_FORMAT, "A2C_E_FORMAT"},
        {A2C_E_IO, "A2C_E_IO"},
        {A2C_E_ENV, "A2C_E_ENV"},
        {A2C_E_STATE, "A2C_E_STATE"},
    };
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        CHECK(strcmp(a2c_status_name(names[k].s), names[k].name) == 0);
        CHECK(strcmp(a2c_strerror(names[k].s), "unknown status code") != 0);
    }
    CHECK(strcmp(a2c_status_name((a2c_status)8), "A2C_E_UNKNOWN") == 0);
    CHECK(strcmp(a2c_status_name((a2c_status)-1), "A2C_E_UNKNOWN") == 0);
    CHECK(strcmp(a2c_status_name((a2c_status)999), "A2C_E_UNKNOWN") == 0);
    CHECK(a2c_last_error() != NULL);
}

/* ---- config (src/common/config.c) ---- */

static void sweep_config(void)
{
    a2c_config *cfg = new_config(), *copy = NULL;
    budget none = {0}, one = {1};
    a2c_allocator bad = budget_allocator(&none);
    double d;
    int64_t i;
    int flag;
    a2c_param p;

    BAD_ARG("out", a2c_config_create, NULL, NULL);
    bad.version = 3;
    BAD_ARG("version", a2c_config_create, &copy, &bad);
    bad = budget_allocator(&none);
    bad.alloc = NULL;
    BAD_ARG("alloc->alloc", a2c_config_create, &copy, &bad);
    bad = budget_allocator(&none);
    bad.free = NULL;
    BAD_ARG("alloc->free", a2c_config_create, &copy, &bad);
    bad = budget_allocator(&none);
    FAILS(A2C_E_NOMEM, "config", a2c_config_create, &copy, &bad);

    BAD_ARG("out", a2c_config_clone, cfg, NULL);
    BAD_ARG("src", a2c_config_clone, NULL, &copy);
    const a2c_allocator once = budget_allocator(&one);
    a2c_config *tight = NULL;
    CHECK(a2c_config_create(&tight, &once) == A2C_OK);
    FAILS(A2C_E_NOMEM, NULL, a2c_config_clone, tight, &copy);
    a2c_config_destroy(tight);

    BAD_ARG("cfg", a2c_config_set_double, NULL, A2C_PARAM_GAMMA, 0.9);
    BAD_ARG("param", a2c_config_set_double, cfg, (a2c_param)7, 0.9);
    BAD_ARG("gamma", a2c_config_set_double, cfg, A2C_PARAM_GAMMA, 1.5);
    BAD_ARG("n_steps", a2c_config_set_double, cfg, A2C_PARAM_N_STEPS, 2.5);
    BAD_ARG("n_steps is 0", a2c_config_set_double, cfg, A2C_PARAM_N_STEPS, 0.0);
    FAILS(A2C_E_NONFINITE, "learning_rate", a2c_config_set_double, cfg,
          A2C_PARAM_LEARNING_RATE, NAN);
    BAD_ARG("cfg", a2c_config_set_int, NULL, A2C_PARAM_N_STEPS, 5);
    BAD_ARG("param", a2c_config_set_int, cfg, (a2c_param)1000, 5);
    BAD_ARG("n_steps is 0", a2c_config_set_int, cfg, A2C_PARAM_N_STEPS, 0);
    BAD_ARG("n_envs", a2c_config_set_int, cfg, A2C_PARAM_N_ENVS, (int64_t)1 << 40);
    BAD_ARG("max_batch", a2c_config_set_int, cfg, A2C_PARAM_MAX_BATCH, INT64_MIN);
    BAD_ARG("gamma", a2c_config_set_int, cfg, A2C_PARAM_GAMMA, 2);

    BAD_ARG("cfg", a2c_config_get_double, NULL, A2C_PARAM_GAMMA, &d);
    BAD_ARG("param", a2c_config_get_double, cfg, (a2c_param)-1, &d);
    BAD_ARG("value", a2c_config_get_double, cfg, A2C_PARAM_GAMMA, NULL);
    BAD_ARG("cfg", a2c_config_get_int, NULL, A2C_PARAM_N_STEPS, &i);
    BAD_ARG("param", a2c_config_get_int, cfg, (a2c_param)0, &i);
    BAD_ARG("value", a2c_config_get_int, cfg, A2C_PARAM_N_STEPS, NULL);
    BAD_ARG("gamma", a2c_config_get_int, cfg, A2C_PARAM_GAMMA, &i);

    const int32_t ok[2] = {64, 64}, zero[1] = {0}, wide[2] = {64, A2C_MAX_WIDTH + 1};
    BAD_ARG("cfg", a2c_config_set_net_arch, NULL, ok, 2, ok, 2);
    BAD_ARG("pi", a2c_config_set_net_arch, cfg, NULL, 2, ok, 2);
    BAD_ARG("vf", a2c_config_set_net_arch, cfg, ok, 2, NULL, 1);
    BAD_ARG("n_vf", a2c_config_set_net_arch, cfg, ok, 2, ok, A2C_MAX_LAYERS + 1);
    BAD_ARG("pi[0]", a2c_config_set_net_arch, cfg, zero, 1, ok, 2);
    BAD_ARG("vf[1]", a2c_config_set_net_arch, cfg, ok, 2, wide, 2);
    BAD_ARG("cfg", a2c_config_get_net_arch, NULL, NULL, NULL, NULL, NULL);

    BAD_ARG("cfg", a2c_config_set_string, NULL, "gamma", "0.9");
    BAD_ARG("name", a2c_config_set_string, cfg, NULL, "0.9");
    BAD_ARG("value", a2c_config_set_string, cfg, "gamma", NULL);
    BAD_ARG("'learning_rat'", a2c_config_set_string, cfg, "learning_rat", "7e-4");
    BAD_ARG("gamma", a2c_config_set_string, cfg, "gamma", "abc");
    BAD_ARG("'abc'", a2c_config_set_string, cfg, "gamma", "abc");
    BAD_ARG("gamma", a2c_config_set_string, cfg, "gamma", "");
    BAD_ARG("gamma", a2c_config_set_string, cfg, "gamma", "1.5");
    BAD_ARG("n_steps", a2c_config_set_string, cfg, "n_steps", "0");
    BAD_ARG("n_steps", a2c_config_set_string, cfg, "n_steps", "2.5");
    BAD_ARG("use_rms_prop", a2c_config_set_string, cfg, "use_rms_prop", "yes");
    BAD_ARG("learning_rate", a2c_config_set_string, cfg, "learning_rate", "lin_abc");
    BAD_ARG("activation_fn", a2c_config_set_string, cfg, "activation_fn", "sigmoid");
    BAD_ARG("value_loss", a2c_config_set_string, cfg, "value_loss", "l1");
    BAD_ARG("lr_schedule", a2c_config_set_string, cfg, "lr_schedule", "cosine");
    BAD_ARG("net_arch", a2c_config_set_string, cfg, "net_arch", "[64, x]");
    BAD_ARG("net_arch", a2c_config_set_string, cfg, "net_arch", "[64, 99999]");
    BAD_ARG("net_arch", a2c_config_set_string, cfg, "net_arch", "dict(pi=[64])");
    BAD_ARG("net_arch", a2c_config_set_string, cfg, "net_arch", "1,1,1,1,1,1,1,1,1");
    BAD_ARG("gamma", a2c_config_set_string, cfg, "gamma", "1e999");

    BAD_ARG("name", a2c_param_from_name, NULL, &p);
    BAD_ARG("out", a2c_param_from_name, "gamma", NULL);
    BAD_ARG("'foo_bar'", a2c_param_from_name, "foo_bar", &p);
    BAD_ARG("param", a2c_param_bounds, (a2c_param)0, &d, &d);
    BAD_ARG("lo", a2c_param_bounds, A2C_PARAM_GAMMA, NULL, &d);
    BAD_ARG("hi", a2c_param_bounds, A2C_PARAM_GAMMA, &d, NULL);
    BAD_ARG("param", a2c_param_default, (a2c_param)99, &d);
    BAD_ARG("value", a2c_param_default, A2C_PARAM_GAMMA, NULL);
    BAD_ARG("param", a2c_param_is_integer, (a2c_param)(A2C_PARAM_ROLLBACK_LOSS_JUMP + 1), &flag);
    BAD_ARG("is_integer", a2c_param_is_integer, A2C_PARAM_GAMMA, NULL);

    /* a refused value leaves the config as it was */
    CHECK(a2c_config_get_double(cfg, A2C_PARAM_GAMMA, &d) == A2C_OK && d == 0.99);
    a2c_config_destroy(cfg);
}

/* ---- built-in environments (src/envs) ---- */

static void sweep_env(void)
{
    a2c_env *env = NULL;
    budget none = {0};
    a2c_allocator bad = budget_allocator(&none);
    double t;

    BAD_ARG("out", a2c_env_make, NULL, "CartPole-v1", 1, NULL);
    BAD_ARG("id", a2c_env_make, &env, NULL, 1, NULL);
    BAD_ARG("CartPol-v1", a2c_env_make, &env, "CartPol-v1", 1, NULL);
    /* the message lists what exists */
    CHECK(strstr(a2c_last_error(), "CartPole-v1") != NULL);
    BAD_ARG("num_envs", a2c_env_make, &env, "CartPole-v1", 0, NULL);
    BAD_ARG("num_envs", a2c_env_make, &env, "CartPole-v1", 65537, NULL);
    bad.version = 0;
    BAD_ARG("version", a2c_env_make, &env, "CartPole-v1", 1, &bad);
    bad = budget_allocator(&none);
    bad.free = NULL;
    BAD_ARG("free", a2c_env_make, &env, "CartPole-v1", 1, &bad);
    bad = budget_allocator(&none);
    FAILS(A2C_E_NOMEM, NULL, a2c_env_make, &env, "CartPole-v1", 4, &bad);

    BAD_ARG("id", a2c_env_reward_threshold, NULL, &t);
    BAD_ARG("Foo-v0", a2c_env_reward_threshold, "Foo-v0", &t);
    BAD_ARG("threshold", a2c_env_reward_threshold, "CartPole-v1", NULL);
}

/* ---- rollout (src/algo/rollout.c) ---- */

static void sweep_rollout(void)
{
    a2c_config *cfg = new_config();
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_STEPS, 2) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_ENVS, 2) == A2C_OK);
    a2c_rollout *ro = NULL;

    BAD_ARG("out", a2c_rollout_create, NULL, cfg, 3);
    BAD_ARG("cfg", a2c_rollout_create, &ro, NULL, 3);
    BAD_ARG("obs_dim", a2c_rollout_create, &ro, cfg, 0);
    BAD_ARG("obs_dim", a2c_rollout_create, &ro, cfg, A2C_MAX_WIDTH + 1);
    {
        budget b = {1}; /* the config itself, then nothing */
        const a2c_allocator a = budget_allocator(&b);
        a2c_config *tight = NULL;
        CHECK(a2c_config_create(&tight, &a) == A2C_OK);
        FAILS(A2C_E_NOMEM, NULL, a2c_rollout_create, &ro, tight, 3);
        b.left = 1; /* the rollout, not its buffers */
        FAILS(A2C_E_NOMEM, NULL, a2c_rollout_create, &ro, tight, 3);
        a2c_config_destroy(tight);
    }
    CHECK(a2c_rollout_create(&ro, cfg, 3) == A2C_OK);

    BAD_ARG("ro", a2c_rollout_reset, NULL);

    float obs[6] = {0}, r[2] = {1, 1}, st[2] = {1, 0}, v[2] = {0.5f, 0.5f}, lp[2] = {-0.7f, -0.7f};
    const int32_t act[2] = {0, 1};
    BAD_ARG("ro", a2c_rollout_add, NULL, obs, act, r, st, v, lp);
    BAD_ARG("obs", a2c_rollout_add, ro, NULL, act, r, st, v, lp);
    BAD_ARG("actions", a2c_rollout_add, ro, obs, NULL, r, st, v, lp);
    BAD_ARG("rewards", a2c_rollout_add, ro, obs, act, NULL, st, v, lp);
    BAD_ARG("episode_starts", a2c_rollout_add, ro, obs, act, r, NULL, v, lp);
    BAD_ARG("values", a2c_rollout_add, ro, obs, act, r, st, NULL, lp);
    BAD_ARG("log_probs", a2c_rollout_add, ro, obs, act, r, st, v, NULL);
    obs[4] = NAN;
    FAILS(A2C_E_NONFINITE, "obs", a2c_rollout_add, ro, obs, act, r, st, v, lp);
    obs[4] = 0.0f;
    r[1] = INFINITY;
    FAILS(A2C_E_NONFINITE, "rewards", a2c_rollout_add, ro, obs, act, r, st, v, lp);
    r[1] = 1.0f;
    lp[0] = -INFINITY;
    FAILS(A2C_E_NONFINITE, "log_probs", a2c_rollout_add, ro, obs, act, r, st, v, lp);
    lp[0] = -0.7f;

    const float last[2] = {0.1f, 0.2f}, dones[2] = {0, 1}, nan2[2] = {0, NAN};
    FAILS(A2C_E_STATE, NULL, a2c_rollout_compute_gae, ro, cfg, last, dones);
    CHECK(a2c_rollout_add(ro, obs, act, r, st, v, lp) == A2C_OK);
    CHECK(a2c_rollout_add(ro, obs, act, r, st, v, lp) == A2C_OK);
    FAILS(A2C_E_STATE, NULL, a2c_rollout_add, ro, obs, act, r, st, v, lp);

    BAD_ARG("ro", a2c_rollout_compute_gae, NULL, cfg, last, dones);
    BAD_ARG("cfg", a2c_rollout_compute_gae, ro, NULL, last, dones);
    BAD_ARG("last_values", a2c_rollout_compute_gae, ro, cfg, NULL, dones);
    BAD_ARG("dones", a2c_rollout_compute_gae, ro, cfg, last, NULL);
    FAILS(A2C_E_NONFINITE, "last_values", a2c_rollout_compute_gae, ro, cfg, nan2, dones);
    FAILS(A2C_E_NONFINITE, "dones", a2c_rollout_compute_gae, ro, cfg, last, nan2);

    a2c_rollout_destroy(ro);
    a2c_config_destroy(cfg);
}

/* ---- optimizer (src/algo/optimizer.c) ---- */

static void sweep_optimizer(void)
{
    a2c_config *cfg = new_config();
    a2c_optimizer *opt = NULL;

    BAD_ARG("out", a2c_optimizer_create, NULL, cfg, 4);
    BAD_ARG("cfg", a2c_optimizer_create, &opt, NULL, 4);
    BAD_ARG("n_params", a2c_optimizer_create, &opt, cfg, 0);
    BAD_ARG("n_params", a2c_optimizer_create, &opt, cfg, SIZE_MAX);
    {
        budget b = {1};
        const a2c_allocator a = budget_allocator(&b);
        a2c_config *tight = NULL;
        CHECK(a2c_config_create(&tight, &a) == A2C_OK);
        FAILS(A2C_E_NOMEM, NULL, a2c_optimizer_create, &opt, tight, 4);
        b.left = 1; /* the optimizer, not its state */
        FAILS(A2C_E_NOMEM, NULL, a2c_optimizer_create, &opt, tight, 4);
        a2c_config_destroy(tight);
    }
    CHECK(a2c_optimizer_create(&opt, cfg, 4) == A2C_OK);

    float p[4] = {0}, g[4] = {1, 2, 3, 4}, st[4] = {0};
    double lr;
    uint64_t steps;
    BAD_ARG("opt", a2c_optimizer_step, NULL, p, g, 4, 1.0);
    BAD_ARG("params", a2c_optimizer_step, opt, NULL, g, 4, 1.0);
    BAD_ARG("grads", a2c_optimizer_step, opt, p, NULL, 4, 1.0);
    BAD_ARG("n is 3", a2c_optimizer_step, opt, p, g, 3, 1.0);
    BAD_ARG("progress_remaining", a2c_optimizer_step, opt, p, g, 4, -0.1);
    BAD_ARG("progress_remaining", a2c_optimizer_step, opt, p, g, 4, NAN);
    g[2] = NAN;
    FAILS(A2C_E_NONFINITE, "grads", a2c_optimizer_step, opt, p, g, 4, 1.0);
    g[2] = 3.0f;

    BAD_ARG("opt", a2c_optimizer_learning_rate, NULL, 1.0, &lr);
    BAD_ARG("lr", a2c_optimizer_learning_rate, opt, 1.0, NULL);
    BAD_ARG("progress_remaining", a2c_optimizer_learning_rate, opt, 2.0, &lr);

    BAD_ARG("opt", a2c_optimizer_get_state, NULL, st, 4, &steps);
    BAD_ARG("dst", a2c_optimizer_get_state, opt, NULL, 4, &steps);
    BAD_ARG("n is 5", a2c_optimizer_get_state, opt, st, 5, &steps);
    BAD_ARG("opt", a2c_optimizer_set_state, NULL, st, 4, 0);
    BAD_ARG("src", a2c_optimizer_set_state, opt, NULL, 4, 0);
    BAD_ARG("n is 3", a2c_optimizer_set_state, opt, st, 3, 0);
    st[1] = -1.0f;
    BAD_ARG("src[1]", a2c_optimizer_set_state, opt, st, 4, 0);
    st[1] = INFINITY;
    FAILS(A2C_E_NONFINITE, "src", a2c_optimizer_set_state, opt, st, 4, 0);

    BAD_ARG("grads", a2c_clip_grad_norm, NULL, 4, 0.5, NULL);
    BAD_ARG("max_norm", a2c_clip_grad_norm, g, 4, -1.0, NULL);
    BAD_ARG("max_norm", a2c_clip_grad_norm, g, 4, INFINITY, NULL);
    g[0] = NAN;
    FAILS(A2C_E_NONFINITE, "grads", a2c_clip_grad_norm, g, 4, 0.5, NULL);

    a2c_optimizer_destroy(opt);
    a2c_config_destroy(cfg);
}

/* ---- net (src/nn) ---- */

static void sweep_net(void)
{
    a2c_config *cfg = new_config();
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, 4) == A2C_OK);
    a2c_net *net = NULL;

    BAD_ARG("out", a2c_net_create, NULL, cfg, 4, 2);
    BAD_ARG("cfg", a2c_net_create, &net, NULL, 4, 2);
    BAD_ARG("obs_dim", a2c_net_create, &net, cfg, 0, 2);
    BAD_ARG("obs_dim", a2c_net_create, &net, cfg, A2C_MAX_WIDTH + 1, 2);
    BAD_ARG("n_actions", a2c_net_create, &net, cfg, 4, 0);
    BAD_ARG("n_actions", a2c_net_create, &net, cfg, 4, A2C_MAX_WIDTH + 1);
    {
        budget b = {1};
        const a2c_allocator a = budget_allocator(&b);
        a2c_config *tight = NULL;
        CHECK(a2c_config_create(&tight, &a) == A2C_OK);
        FAILS(A2C_E_NOMEM, NULL, a2c_net_create, &net, tight, 4, 2);
        a2c_config_destroy(tight);
    }
    CHECK(a2c_net_create(&net, cfg, 4, 2) == A2C_OK);
    const size_t n = a2c_net_param_count(net);
    float *buf = calloc(n, sizeof *buf);
    CHECK(buf != NULL);

    BAD_ARG("net", a2c_net_get_params, NULL, buf, n);
    BAD_ARG("dst", a2c_net_get_params, net, NULL, n);
    BAD_ARG("n is 16", a2c_net_get_params, net, buf, 16);
    BAD_ARG("net", a2c_net_set_params, NULL, buf, n);
    BAD_ARG("src", a2c_net_set_params, net, NULL, n);
    BAD_ARG("n is 0", a2c_net_set_params, net, buf, 0);
    buf[n / 2] = NAN;
    FAILS(A2C_E_NONFINITE, "src", a2c_net_set_params, net, buf, n);
    BAD_ARG("net", a2c_net_zero_grad, NULL);
    BAD_ARG("net", a2c_net_seed, NULL, 1);

    float obs[8] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f}, logits[8], values[4];
    int32_t act[4] = {0, 1, 0, 1};
    BAD_ARG("net", a2c_net_forward, NULL, obs, 2, logits, values);
    BAD_ARG("obs", a2c_net_forward, net, NULL, 2, logits, values);
    BAD_ARG("batch", a2c_net_forward, net, obs, 0, logits, values);
    BAD_ARG("batch", a2c_net_forward, net, obs, 5, logits, values);
    obs[5] = NAN;
    FAILS(A2C_E_NONFINITE, "obs", a2c_net_forward, net, obs, 2, logits, values);
    FAILS(A2C_E_NONFINITE, "obs", a2c_net_act, net, obs, 2, 0, act, NULL, NULL);
    obs[5] = 0.6f;
    BAD_ARG("net", a2c_net_act, NULL, obs, 2, 0, act, NULL, NULL);
    BAD_ARG("obs", a2c_net_act, net, NULL, 2, 0, act, NULL, NULL);
    BAD_ARG("actions", a2c_net_act, net, obs, 2, 0, NULL, NULL, NULL);
    BAD_ARG("batch", a2c_net_act, net, obs, 0, 0, act, NULL, NULL);

    /* the failed forward above left nothing cached */
    FAILS(A2C_E_STATE, NULL, a2c_net_backward, net, 2, logits, values);
    CHECK(a2c_net_forward(net, obs, 2, logits, values) == A2C_OK);
    BAD_ARG("net", a2c_net_backward, NULL, 2, logits, values);
    BAD_ARG("batch", a2c_net_backward, net, 0, logits, values);
    FAILS(A2C_E_STATE, NULL, a2c_net_backward, net, 3, logits, values);
    logits[1] = NAN;
    FAILS(A2C_E_NONFINITE, "dlogits", a2c_net_backward, net, 2, logits, NULL);
    values[0] = INFINITY;
    FAILS(A2C_E_NONFINITE, "dvalues", a2c_net_backward, net, 2, NULL, values);

    const float adv[2] = {1.0f, -1.0f}, ret[2] = {1.0f, 0.0f}, nan2[2] = {NAN, 0.0f};
    const int32_t bad_act[2] = {0, 2};
    BAD_ARG("net", a2c_net_loss_backward, NULL, cfg, 2, act, adv, ret, NULL, 0);
    BAD_ARG("cfg", a2c_net_loss_backward, net, NULL, 2, act, adv, ret, NULL, 0);
    BAD_ARG("actions", a2c_net_loss_backward, net, cfg, 2, NULL, adv, ret, NULL, 0);
    BAD_ARG("advantages", a2c_net_loss_backward, net, cfg, 2, act, NULL, ret, NULL, 0);
    BAD_ARG("returns", a2c_net_loss_backward, net, cfg, 2, act, adv, NULL, NULL, 0);
    BAD_ARG("batch", a2c_net_loss_backward, net, cfg, 0, act, adv, ret, NULL, 0);
    FAILS(A2C_E_STATE, NULL, a2c_net_loss_backward, net, cfg, 3, act, adv, ret, NULL, 0);
    FAILS(A2C_E_NONFINITE, "advantages", a2c_net_loss_backward, net, cfg, 2, act, nan2, ret,
          NULL, 0);
    FAILS(A2C_E_NONFINITE, "returns", a2c_net_loss_backward, net, cfg, 2, act, adv, nan2, NULL,
          0);
    BAD_ARG("actions", a2c_net_loss_backward, net, cfg, 2, bad_act, adv, ret, NULL, 0);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_NORMALIZE_ADVANTAGE, 1) == A2C_OK);
    CHECK(a2c_net_forward(net, obs, 1, logits, values) == A2C_OK);
    BAD_ARG("batch|normalize_advantage", a2c_net_loss_backward, net, cfg, 1, act, adv, ret,
            NULL, 0);

    free(buf);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

/* ---- since 0.2: continuous actions, normalisation, presets ---- */

static void sweep_02(void)
{
    a2c_config *cfg = new_config();
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, 4) == A2C_OK);
    a2c_net *net = NULL, *discrete = NULL;
    BAD_ARG("out", a2c_net_create_box, NULL, cfg, 3, 1);
    BAD_ARG("cfg", a2c_net_create_box, &net, NULL, 3, 1);
    BAD_ARG("obs_dim", a2c_net_create_box, &net, cfg, 0, 1);
    BAD_ARG("n_actions", a2c_net_create_box, &net, cfg, 3, 0);
    CHECK(a2c_net_create_box(&net, cfg, 3, 2) == A2C_OK);
    CHECK(a2c_net_create(&discrete, cfg, 3, 2) == A2C_OK);

    float obs[6] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f}, act[4];
    BAD_ARG("net", a2c_net_act_box, NULL, obs, 2, 1, act, NULL, NULL);
    BAD_ARG("obs", a2c_net_act_box, net, NULL, 2, 1, act, NULL, NULL);
    BAD_ARG("actions", a2c_net_act_box, net, obs, 2, 1, NULL, NULL, NULL);
    BAD_ARG("batch", a2c_net_act_box, net, obs, 0, 1, act, NULL, NULL);
    BAD_ARG("discrete", a2c_net_act_box, discrete, obs, 2, 1, act, NULL, NULL);
    obs[4] = NAN;
    FAILS(A2C_E_NONFINITE, "obs", a2c_net_act_box, net, obs, 2, 1, act, NULL, NULL);
    obs[4] = 0.5f;

    const float low[2] = {-1, -1}, high[2] = {1, 1}, inverted[2] = {1, -2};
    const float nan_b[2] = {NAN, 1};
    BAD_ARG("net", a2c_net_set_action_bounds, NULL, low, high, 2);
    BAD_ARG("n is 3", a2c_net_set_action_bounds, net, low, high, 3);
    BAD_ARG("component 1", a2c_net_set_action_bounds, net, low, inverted, 2);
    BAD_ARG("component 0", a2c_net_set_action_bounds, net, nan_b, high, 2);
    BAD_ARG("not continuous", a2c_net_set_action_bounds, discrete, low, high, 2);
    BAD_ARG("net", a2c_net_reset_noise, NULL);

    const float box[4] = {0.5f, -0.5f, 3.0f, 0.0f}, nan_box[4] = {0, NAN, 0, 0};
    const float adv[2] = {1, -1}, ret[2] = {0, 1}, nan2[2] = {0, NAN};
    FAILS(A2C_E_STATE, NULL, a2c_net_loss_backward_box, net, cfg, 2, box, adv, ret, NULL, 0);
    CHECK(a2c_net_forward(net, obs, 2, NULL, NULL) == A2C_OK);
    BAD_ARG("net", a2c_net_loss_backward_box, NULL, cfg, 2, box, adv, ret, NULL, 0);
    BAD_ARG("cfg", a2c_net_loss_backward_box, net, NULL, 2, box, adv, ret, NULL, 0);
    BAD_ARG("actions", a2c_net_loss_backward_box, net, cfg, 2, NULL, adv, ret, NULL, 0);
    BAD_ARG("actions", a2c_net_loss_backward_box, net, cfg, 2, nan_box, adv, ret, NULL, 0);
    FAILS(A2C_E_NONFINITE, "advantages", a2c_net_loss_backward_box, net, cfg, 2, box, nan2, ret,
          NULL, 0);
    const int32_t iact[2] = {0, 1};
    int32_t iact_out[2];
    BAD_ARG("a2c_net_loss_backward_box", a2c_net_loss_backward, net, cfg, 2, iact, adv, ret,
            NULL, 0);

    /* observation statistics */
    double mean[3] = {0, 0, 0}, var[3] = {1, 1, 1}, bad_var[3] = {1, -1, 1};
    FAILS(A2C_E_STATE, "does not normalise", a2c_net_get_obs_norm, net, mean, var, 3, NULL,
          NULL);
    BAD_ARG("net", a2c_net_get_obs_norm, NULL, mean, var, 3, NULL, NULL);
    BAD_ARG("net", a2c_net_set_obs_norm, NULL, mean, var, 3, 1.0, 10.0);
    BAD_ARG("mean or var", a2c_net_set_obs_norm, net, NULL, var, 3, 1.0, 10.0);
    BAD_ARG("n is 2", a2c_net_set_obs_norm, net, mean, var, 2, 1.0, 10.0);
    BAD_ARG("var[1]", a2c_net_set_obs_norm, net, mean, bad_var, 3, 1.0, 10.0);
    BAD_ARG("count", a2c_net_set_obs_norm, net, mean, var, 3, 0.0, 10.0);
    BAD_ARG("clip_obs", a2c_net_set_obs_norm, net, mean, var, 3, 1.0, -1.0);
    mean[0] = INFINITY;
    FAILS(A2C_E_NONFINITE, "mean[0]", a2c_net_set_obs_norm, net, mean, var, 3, 1.0, 10.0);
    mean[0] = 0.0;
    float normed[6];
    BAD_ARG("net", a2c_net_normalize_obs, NULL, obs, 2, normed);
    BAD_ARG("obs or out", a2c_net_normalize_obs, net, NULL, 2, normed);
    obs[0] = NAN;
    FAILS(A2C_E_NONFINITE, "obs", a2c_net_normalize_obs, net, obs, 2, normed);
    obs[0] = 0.1f;

    /* presets */
    uint64_t steps;
    const char *key, *value;
    BAD_ARG("cfg", a2c_config_apply_preset, NULL, "Acrobot-v1", &steps);
    BAD_ARG("env_id", a2c_config_apply_preset, cfg, NULL, &steps);
    BAD_ARG("no preset for 'Nope-v0'", a2c_config_apply_preset, cfg, "Nope-v0", &steps);
    BAD_ARG("env_id", a2c_preset_setting, NULL, 0, &key, &value);
    BAD_ARG("no setting 40", a2c_preset_setting, "Acrobot-v1", 40, &key, &value);

    /* continuous rollouts */
    a2c_rollout *ro = NULL;
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_ENVS, 2) == A2C_OK);
    BAD_ARG("out", a2c_rollout_create_box, NULL, cfg, 3, 2);
    BAD_ARG("cfg", a2c_rollout_create_box, &ro, NULL, 3, 2);
    BAD_ARG("action_dim", a2c_rollout_create_box, &ro, cfg, 3, 0);
    BAD_ARG("action_dim", a2c_rollout_create_box, &ro, cfg, 3, A2C_MAX_WIDTH + 1);
    CHECK(a2c_rollout_create_box(&ro, cfg, 3, 2) == A2C_OK);
    const float z[2] = {0, 0};
    BAD_ARG("ro", a2c_rollout_add_box, NULL, obs, box, z, z, z, z);
    BAD_ARG("actions", a2c_rollout_add_box, ro, obs, NULL, z, z, z, z);
    BAD_ARG("obs", a2c_rollout_add_box, ro, NULL, box, z, z, z, z);
    FAILS(A2C_E_NONFINITE, "actions[1]", a2c_rollout_add_box, ro, obs, nan_box, z, z, z, z);
    BAD_ARG("a2c_rollout_add_box", a2c_rollout_add, ro, obs, iact, z, z, z, z);

    /* the push-style trainer */
    a2c_env shape = {0};
    shape.version = A2C_ENV_V1, shape.num_envs = 2, shape.obs_dim = 3;
    shape.action_kind = A2C_SPACE_DISCRETE, shape.action_dim = 2;
    a2c_trainer *tr = NULL;
    BAD_ARG("out", a2c_trainer_create_push, NULL, cfg, &shape);
    BAD_ARG("cfg", a2c_trainer_create_push, &tr, NULL, &shape);
    BAD_ARG("env", a2c_trainer_create_push, &tr, cfg, NULL);
    shape.obs_dim = 0;
    BAD_ARG("obs_dim", a2c_trainer_create_push, &tr, cfg, &shape);
    shape.obs_dim = 3;
    CHECK(a2c_trainer_create_push(&tr, cfg, &shape) == A2C_OK);
    const double rw[2] = {0, 0};
    const int flags[2] = {0, 0};
    BAD_ARG("tr", a2c_trainer_push_start, NULL, obs);
    BAD_ARG("obs", a2c_trainer_push_start, tr, NULL);
    BAD_ARG("tr", a2c_trainer_push_act, NULL, iact_out, NULL);
    FAILS(A2C_E_STATE, "push_start", a2c_trainer_push_act, tr, iact_out, NULL);
    BAD_ARG("tr", a2c_trainer_push_step, NULL, rw, flags, flags, obs, NULL, 10, NULL, NULL);
    FAILS(A2C_E_STATE, "push_act", a2c_trainer_push_step, tr, rw, flags, flags, obs, NULL, 10,
          NULL, NULL);
    CHECK(a2c_trainer_push_start(tr, obs) == A2C_OK);
    BAD_ARG("actions", a2c_trainer_push_act, tr, NULL, NULL);
    CHECK(a2c_trainer_push_act(tr, iact_out, NULL) == A2C_OK);
    BAD_ARG("rewards", a2c_trainer_push_step, tr, NULL, flags, flags, obs, NULL, 10, NULL, NULL);
    BAD_ARG("next_obs", a2c_trainer_push_step, tr, rw, flags, flags, NULL, NULL, 10, NULL, NULL);
    BAD_ARG("total_timesteps", a2c_trainer_push_step, tr, rw, flags, flags, obs, NULL, 0, NULL,
            NULL);
    FAILS(A2C_E_STATE, "a2c_trainer_push", a2c_trainer_learn, tr, 10, NULL, NULL);
    a2c_trainer_destroy(tr);

    a2c_rollout_destroy(ro);
    a2c_net_destroy(discrete);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

/* ---- trainer (src/algo/trainer.c) ---- */

/* The functions added with the health monitor (0.2): the monitor, the episode callback. */
static void sweep_03(void)
{
    a2c_monitor *m = NULL;
    BAD_ARG("out", a2c_monitor_create, NULL, NULL);
    CHECK(a2c_monitor_create(&m, NULL) == A2C_OK);
    a2c_train_stats st;
    memset(&st, 0, sizeof st);
    st.size = sizeof st;
    BAD_ARG("m", a2c_monitor_update, NULL, &st, NULL, NULL);
    BAD_ARG("stats", a2c_monitor_update, m, NULL, NULL, NULL);
    st.size = 8;
    BAD_ARG("stats->size", a2c_monitor_update, m, &st, NULL, NULL);
    BAD_ARG("m", a2c_monitor_first_raised, NULL, 1, NULL, NULL);
    BAD_ARG("code", a2c_monitor_first_raised, m, 0, NULL, NULL);
    BAD_ARG("code", a2c_monitor_first_raised, m, 99, NULL, NULL);
    FAILS(A2C_E_STATE, "never", a2c_monitor_first_raised, m, 1, NULL, NULL);
    a2c_monitor_destroy(m);
    BAD_ARG("tr", a2c_trainer_set_episode_callback, NULL, NULL, NULL);
    /* the allocator of the config is the monitor's: a failing one is a
     * clear A2C_E_NOMEM */
    budget b = {0};
    a2c_allocator hooks = budget_allocator(&b);
    a2c_config *cfg = NULL;
    b.left = 1;
    CHECK(a2c_config_create(&cfg, &hooks) == A2C_OK);
    FAILS(A2C_E_NOMEM, "monitor", a2c_monitor_create, &m, cfg);
    CHECK(m == NULL);
    b.left = -1;
    CHECK(a2c_monitor_create(&m, cfg) == A2C_OK);
    a2c_monitor_destroy(m);
    a2c_config_destroy(cfg);
}

static void sweep_trainer(void)
{
    a2c_config *cfg = new_config();
    a2c_env *cp = NULL;
    CHECK(a2c_env_make(&cp, "CartPole-v1", 1, NULL) == A2C_OK);
    a2c_trainer *tr = NULL;
    stub s = {0, 0};
    a2c_env e;

    BAD_ARG("out", a2c_trainer_create, NULL, cfg, cp);
    BAD_ARG("cfg", a2c_trainer_create, &tr, NULL, cp);
    BAD_ARG("env", a2c_trainer_create, &tr, cfg, NULL);
    e = *cp, e.version = 0;
    BAD_ARG("version", a2c_trainer_create, &tr, cfg, &e);
    e = *cp, e.num_envs = 0;
    BAD_ARG("num_envs", a2c_trainer_create, &tr, cfg, &e);
    e = *cp, e.num_envs = 65537;
    BAD_ARG("num_envs", a2c_trainer_create, &tr, cfg, &e);
    e = *cp, e.obs_dim = 0;
    BAD_ARG("obs_dim", a2c_trainer_create, &tr, cfg, &e);
    e = *cp, e.obs_dim = A2C_MAX_WIDTH + 1;
    BAD_ARG("obs_dim", a2c_trainer_create, &tr, cfg, &e);
    /* continuous actions train since 0.2, within sensible bounds */
    static const float low[2] = {1.0f, -1.0f}, high[2] = {0.0f, 1.0f};
    e = *cp, e.action_kind = A2C_SPACE_BOX, e.action_low = low, e.action_high = high;
    BAD_ARG("bounds of component 0", a2c_trainer_create, &tr, cfg, &e);
    e = *cp, e.action_kind = 7;
    BAD_ARG("action_kind", a2c_trainer_create, &tr, cfg, &e);
    e = *cp, e.action_dim = 0;
    BAD_ARG("action_dim", a2c_trainer_create, &tr, cfg, &e);
    e = *cp, e.reset = NULL;
    BAD_ARG("reset", a2c_trainer_create, &tr, cfg, &e);
    e = *cp, e.step = NULL, e.step_all = NULL;
    BAD_ARG("step", a2c_trainer_create, &tr, cfg, &e);
    {
        a2c_config *one = new_config();
        CHECK(a2c_config_set_int(one, A2C_PARAM_N_STEPS, 1) == A2C_OK);
        CHECK(a2c_config_set_int(one, A2C_PARAM_NORMALIZE_ADVANTAGE, 1) == A2C_OK);
        BAD_ARG("normalize_advantage", a2c_trainer_create, &tr, one, cp);
        a2c_config_destroy(one);
    }
    {
        budget b = {1};
        const a2c_allocator a = budget_allocator(&b);
        a2c_config *tight = NULL;
        CHECK(a2c_config_create(&tight, &a) == A2C_OK);
        FAILS(A2C_E_NOMEM, NULL, a2c_trainer_create, &tr, tight, cp);
        b.left = 3; /* a little further in */
        FAILS(A2C_E_NOMEM, NULL, a2c_trainer_create, &tr, tight, cp);
        a2c_config_destroy(tight);
    }

    BAD_ARG("tr", a2c_trainer_learn, NULL, 100, NULL, NULL);
    e = stub_env(&s);
    CHECK(a2c_trainer_create(&tr, cfg, &e) == A2C_OK);
    s.fail_reset = 1;
    FAILS(A2C_E_ENV, "reset", a2c_trainer_learn, tr, 100, NULL, NULL);
    s.fail_reset = 0;
    s.nan_obs = 1;
    FAILS(A2C_E_NONFINITE, NULL, a2c_trainer_learn, tr, 100, NULL, NULL);
    a2c_trainer_destroy(tr);

    a2c_env_close(cp);
    a2c_config_destroy(cfg);
}

/* ---- evaluation (src/algo/eval.c) ---- */

static void sweep_eval(void)
{
    a2c_config *cfg = new_config();
    a2c_net *net = NULL;
    CHECK(a2c_net_create(&net, cfg, 2, 2) == A2C_OK);
    stub s = {0, 0};
    const a2c_env good = stub_env(&s);
    a2c_env e;
    double mean;

    BAD_ARG("net", a2c_evaluate, NULL, &good, 2, 1, 0, &mean, NULL, NULL);
    BAD_ARG("env", a2c_evaluate, net, NULL, 2, 1, 0, &mean, NULL, NULL);
    BAD_ARG("n_episodes", a2c_evaluate, net, &good, 0, 1, 0, &mean, NULL, NULL);
    e = good, e.version = 4;
    BAD_ARG("version", a2c_evaluate, net, &e, 2, 1, 0, &mean, NULL, NULL);
    e = good, e.version = A2C_ENV_V3, e.flags = 2;
    BAD_ARG("flags", a2c_evaluate, net, &e, 2, 1, 0, &mean, NULL, NULL);
    e = good, e.num_envs = 0;
    BAD_ARG("num_envs", a2c_evaluate, net, &e, 2, 1, 0, &mean, NULL, NULL);
    e = good, e.obs_dim = 3;
    BAD_ARG("obs_dim", a2c_evaluate, net, &e, 2, 1, 0, &mean, NULL, NULL);
    e = good, e.action_kind = A2C_SPACE_BOX;
    BAD_ARG("action_kind", a2c_evaluate, net, &e, 2, 1, 0, &mean, NULL, NULL);
    e = good, e.action_dim = 3;
    BAD_ARG("action_dim", a2c_evaluate, net, &e, 2, 1, 0, &mean, NULL, NULL);
    e = good, e.reset = NULL;
    BAD_ARG("reset", a2c_evaluate, net, &e, 2, 1, 0, &mean, NULL, NULL);
    e = good, e.step = NULL;
    BAD_ARG("step", a2c_evaluate, net, &e, 2, 1, 0, &mean, NULL, NULL);

    s.fail_reset = 1;
    FAILS(A2C_E_ENV, "reset", a2c_evaluate, net, &good, 2, 1, 0, &mean, NULL, NULL);
    s.fail_reset = 0;
    s.nan_obs = 1;
    FAILS(A2C_E_NONFINITE, NULL, a2c_evaluate, net, &good, 2, 1, 0, &mean, NULL, NULL);
    s.nan_obs = 0;
    {
        budget b = {-1};
        const a2c_allocator a = budget_allocator(&b);
        a2c_config *tight = NULL;
        a2c_net *tight_net = NULL;
        CHECK(a2c_config_create(&tight, &a) == A2C_OK);
        CHECK(a2c_net_create(&tight_net, tight, 2, 2) == A2C_OK);
        b.left = 0; /* the workspace fails */
        FAILS(A2C_E_NOMEM, NULL, a2c_evaluate, tight_net, &good, 2, 1, 0, &mean, NULL, NULL);
        a2c_net_destroy(tight_net);
        a2c_config_destroy(tight);
    }

    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

/* ---- checkpoints (src/io) ---- */

static void sweep_checkpoint(void)
{
    a2c_config *cfg = new_config();
    a2c_net *net = NULL, *back = NULL;
    CHECK(a2c_net_create(&net, cfg, 2, 2) == A2C_OK);
    a2c_env *cp = NULL;
    CHECK(a2c_env_make(&cp, "CartPole-v1", 1, NULL) == A2C_OK);
    stub s = {0, 0};
    const a2c_env small = stub_env(&s);
    a2c_trainer *tr = NULL, *other = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, cp) == A2C_OK);
    CHECK(a2c_trainer_create(&other, cfg, &small) == A2C_OK);
    budget none = {0};
    a2c_allocator bad = budget_allocator(&none);
    size_t size = 0, tsize = 0;

    BAD_ARG("net", a2c_net_save_size, NULL, &size);
    BAD_ARG("size", a2c_net_save_size, net, NULL);
    CHECK(a2c_net_save_size(net, &size) == A2C_OK);
    unsigned char *buf = malloc(size);
    CHECK(buf != NULL);
    BAD_ARG("net", a2c_net_save_to_buffer, NULL, buf, size, NULL);
    BAD_ARG("buf", a2c_net_save_to_buffer, net, NULL, size, NULL);
    BAD_ARG("cap", a2c_net_save_to_buffer, net, buf, size - 1, NULL);
    BAD_ARG("net", a2c_net_save, NULL, "build/test_errors_net.a2c");
    BAD_ARG("path", a2c_net_save, net, NULL);
    BAD_ARG("path", a2c_net_save, net, "");
    FAILS(A2C_E_IO, MISSING_DIR, a2c_net_save, net, MISSING_DIR "/net.a2c");
    {
        budget b = {-1};
        const a2c_allocator a = budget_allocator(&b);
        a2c_config *tight = NULL;
        a2c_net *tight_net = NULL;
        CHECK(a2c_config_create(&tight, &a) == A2C_OK);
        CHECK(a2c_net_create(&tight_net, tight, 2, 2) == A2C_OK);
        b.left = 0;
        FAILS(A2C_E_NOMEM, NULL, a2c_net_save, tight_net, "build/test_errors_nomem.a2c");
        a2c_net_destroy(tight_net);
        a2c_config_destroy(tight);
    }

    CHECK(a2c_net_save_to_buffer(net, buf, size, NULL) == A2C_OK);
    BAD_ARG("out", a2c_net_load_from_buffer, NULL, buf, size, NULL);
    BAD_ARG("buf", a2c_net_load_from_buffer, &back, NULL, size, NULL);
    bad.version = 0;
    BAD_ARG("version", a2c_net_load_from_buffer, &back, buf, size, &bad);
    bad = budget_allocator(&none);
    bad.alloc = NULL;
    BAD_ARG("alloc", a2c_net_load_from_buffer, &back, buf, size, &bad);
    bad = budget_allocator(&none);
    FAILS(A2C_E_NOMEM, NULL, a2c_net_load_from_buffer, &back, buf, size, &bad);
    FAILS(A2C_E_FORMAT, NULL, a2c_net_load_from_buffer, &back, buf, size - 1, NULL);
    FAILS(A2C_E_FORMAT, NULL, a2c_net_load_from_buffer, &back, buf, 8, NULL);
    buf[size / 2] ^= 0x40; /* the checksum no longer matches */
    FAILS(A2C_E_FORMAT, NULL, a2c_net_load_from_buffer, &back, buf, size, NULL);
    buf[size / 2] ^= 0x40;
    FAILS(A2C_E_FORMAT, NULL, a2c_trainer_load_from_buffer, tr, buf, size); /* net only */

    BAD_ARG("out", a2c_net_load, NULL, "build/test_errors_net.a2c", NULL);
    BAD_ARG("path", a2c_net_load, &back, NULL, NULL);
    bad.version = 0;
    BAD_ARG("version", a2c_net_load, &back, "build/test_errors_net.a2c", &bad);
    FAILS(A2C_E_IO, MISSING_DIR, a2c_net_load, &back, MISSING_DIR "/net.a2c", NULL);

    BAD_ARG("tr", a2c_trainer_save_size, NULL, &tsize);
    BAD_ARG("size", a2c_trainer_save_size, tr, NULL);
    CHECK(a2c_trainer_save_size(tr, &tsize) == A2C_OK);
    unsigned char *tbuf = malloc(tsize);
    CHECK(tbuf != NULL);
    BAD_ARG("tr", a2c_trainer_save_to_buffer, NULL, tbuf, tsize, NULL);
    BAD_ARG("buf", a2c_trainer_save_to_buffer, tr, NULL, tsize, NULL);
    BAD_ARG("cap", a2c_trainer_save_to_buffer, tr, tbuf, tsize / 2, NULL);
    BAD_ARG("tr", a2c_trainer_save, NULL, "build/test_errors_trainer.a2c");
    BAD_ARG("path", a2c_trainer_save, tr, NULL);
    FAILS(A2C_E_IO, MISSING_DIR, a2c_trainer_save, tr, MISSING_DIR "/trainer.a2c");

    CHECK(a2c_trainer_save_to_buffer(tr, tbuf, tsize, NULL) == A2C_OK);
    BAD_ARG("tr", a2c_trainer_load_from_buffer, NULL, tbuf, tsize);
    BAD_ARG("buf", a2c_trainer_load_from_buffer, tr, NULL, tsize);
    FAILS(A2C_E_FORMAT, NULL, a2c_trainer_load_from_buffer, tr, tbuf, tsize - 3);
    /* a trainer for 2 observations cannot take CartPole's 4 */
    BAD_ARG("architecture|obs_dim", a2c_trainer_load_from_buffer, other, tbuf, tsize);
    BAD_ARG("tr", a2c_trainer_load, NULL, "build/test_errors_trainer.a2c");
    BAD_ARG("path", a2c_trainer_load, tr, NULL);
    FAILS(A2C_E_IO, MISSING_DIR, a2c_trainer_load, tr, MISSING_DIR "/trainer.a2c");

    free(tbuf);
    free(buf);
    a2c_trainer_destroy(other);
    a2c_trainer_destroy(tr);
    a2c_env_close(cp);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

/* ---- the message's lifetime ---- */

/* Successful calls from every module leave the last message alone. */
static void test_success_keeps_message(void)
{
    a2c_param p;
    CHECK(a2c_param_from_name("kept_name", &p) == A2C_E_INVALID_ARG);
    char before[512];
    snprintf(before, sizeof before, "%s", a2c_last_error());
    CHECK(strstr(before, "kept_name") != NULL);

    a2c_config *cfg = new_config();
    double d;
    CHECK(a2c_config_set_string(cfg, "gamma", "0.95") == A2C_OK);
    CHECK(a2c_config_get_double(cfg, A2C_PARAM_GAMMA, &d) == A2C_OK);
    CHECK(a2c_param_from_name("n_steps", &p) == A2C_OK);
    a2c_env *cp = NULL;
    CHECK(a2c_env_make(&cp, "CartPole-v1", 1, NULL) == A2C_OK);
    CHECK(a2c_env_reward_threshold("CartPole-v1", &d) == A2C_OK);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, cp) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, 20, NULL, NULL) == A2C_OK);
    a2c_net *net = a2c_trainer_net(tr);
    float obs[4] = {0.01f, 0.02f, -0.01f, 0.0f}, logits[2], values[1];
    int32_t act[1];
    CHECK(a2c_net_forward(net, obs, 1, logits, values) == A2C_OK);
    CHECK(a2c_net_act(net, obs, 1, 1, act, NULL, NULL) == A2C_OK);
    size_t size = 0;
    CHECK(a2c_net_save_size(net, &size) == A2C_OK);
    CHECK(a2c_evaluate(net, cp, 1, 1, 3, &d, NULL, NULL) == A2C_OK);
    a2c_optimizer *opt = NULL;
    float prm[2] = {0}, grd[2] = {1, 1};
    CHECK(a2c_optimizer_create(&opt, cfg, 2) == A2C_OK);
    CHECK(a2c_optimizer_step(opt, prm, grd, 2, 1.0) == A2C_OK);
    CHECK(a2c_clip_grad_norm(grd, 2, 0.5, &d) == A2C_OK);
    a2c_rollout *ro = NULL;
    CHECK(a2c_rollout_create(&ro, cfg, 4) == A2C_OK);
    CHECK(a2c_rollout_reset(ro) == A2C_OK);

    CHECK(strcmp(a2c_last_error(), before) == 0);

    a2c_rollout_destroy(ro);
    a2c_optimizer_destroy(opt);
    a2c_trainer_destroy(tr);
    a2c_env_close(cp);
    a2c_config_destroy(cfg);
}

#if !defined(__STDC_NO_THREADS__)
typedef struct thread_seen {
    int started_empty;
    char message[512];
} thread_seen;

static int other_thread(void *arg)
{
    thread_seen *seen = arg;
    a2c_param p;
    seen->started_empty = a2c_last_error()[0] == '\0';
    (void)a2c_param_from_name("other_thread_name", &p);
    snprintf(seen->message, sizeof seen->message, "%s", a2c_last_error());
    return 0;
}
#endif

/* Each thread has its own message. */
static void test_per_thread(void)
{
#if !defined(__STDC_NO_THREADS__)
    a2c_param p;
    CHECK(a2c_param_from_name("main_thread_name", &p) == A2C_E_INVALID_ARG);
    thread_seen seen = {0, ""};
    thrd_t t;
    int result = -1;
    CHECK(thrd_create(&t, other_thread, &seen) == thrd_success);
    CHECK(thrd_join(t, &result) == thrd_success && result == 0);
    CHECK(seen.started_empty);
    CHECK(strstr(seen.message, "other_thread_name") != NULL);
    CHECK(strstr(a2c_last_error(), "main_thread_name") != NULL);
    CHECK(strstr(a2c_last_error(), "other_thread_name") == NULL);
#else
    printf("test_per_thread: skipped (no C11 threads)\n");
#endif
}

/* Runs one group and says how it went, so the module at fault is plain. */
static void run(const char *name, void (*group)(void))
{
    const int passed = harness_passed, failed = harness_failed;
    group();
    printf("%-28s %4d passed, %3d failed\n", name, harness_passed - passed,
           harness_failed - failed);
}

int main(void)
{
    run("test_status_names", test_status_names);
    run("sweep_config", sweep_config);
    run("sweep_env", sweep_env);
    run("sweep_rollout", sweep_rollout);
    run("sweep_optimizer", sweep_optimizer);
    run("sweep_net", sweep_net);
    run("sweep_trainer", sweep_trainer);
    run("sweep_eval", sweep_eval);
    run("sweep_checkpoint", sweep_checkpoint);
    run("sweep_02", sweep_02);
    run("sweep_03", sweep_03);
    run("test_success_keeps_message", test_success_keeps_message);
    run("test_per_thread", test_per_thread);
    return harness_report();
}
