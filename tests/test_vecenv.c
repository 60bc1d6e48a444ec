/* The vec-env layer (src/envs/vecenv.c): table validation with messages,
 * reset seeds from the layer's own generator, step and step_all alike,
 * TimeLimit, final observations and episode statistics, same-step resets,
 * BOX clipping, and the environment's failures. */
#include "harness.h"
#include "whitebox.h"

#include <math.h>
#include <string.h>

/* ---- a recording host environment ----
 * One observation component: the step count into the episode (or, for
 * BOX, the first component of the action the env received).  Reward 1 per
 * step, or `bad_reward` at total step `bad_at`. */
typedef struct world {
    uint32_t n, t[4], resets[4];
    uint64_t seeds[16];
    size_t n_seeds;
    long steps, fail_at, bad_at;
    double bad_reward;
    float seen_box[4 * 2]; /* what step received, BOX */
    uint32_t term_at;
} world;

static int w_reset(void *user, uint32_t i, uint64_t seed, float *obs)
{
    world *w = user;
    if (w->n_seeds < 16) w->seeds[w->n_seeds++] = seed;
    w->t[i] = 0;
    w->resets[i]++;
    obs[0] = 0.0f;
    obs[1] = (float)i;
    return 0;
}

static int w_step(void *user, uint32_t i, int32_t action, const float *box, float *obs,
                  double *reward, int *terminated, int *truncated)
{
    world *w = user;
    (void)action;
    const long step = w->steps++;
    if (step == w->fail_at) return -1;
    w->t[i]++;
    if (box) memcpy(w->seen_box + 2 * i, box, 2 * sizeof *box);
    obs[0] = box ? box[0] : (float)w->t[i];
    obs[1] = (float)i;
    *reward = step == w->bad_at ? w->bad_reward : 1.0;
    *terminated = w->term_at && w->t[i] >= w->term_at;
    *truncated = 0;
    return 0;
}

static int w_step_all(void *user, const int32_t *actions, const float *box, float *obs,
                      double *rewards, int *terminated, int *truncated)
{
    world *w = user;
    for (uint32_t i = 0; i < w->n; i++)
        if (w_step(user, i, actions ? actions[i] : 0, box ? box + 2 * i : NULL, obs + 2 * i,
                   &rewards[i], &terminated[i], &truncated[i]) != 0)
            return -1;
    return 0;
}

static a2c_env world_env(world *w, uint32_t n, uint32_t max_steps)
{
    memset(w, 0, sizeof *w);
    w->n = n;
    w->fail_at = w->bad_at = -1;
    a2c_env e = {0};
    e.version = A2C_ENV_V1;
    e.num_envs = n;
    e.obs_dim = 2;
    e.action_kind = A2C_SPACE_DISCRETE;
    e.action_dim = 2;
    e.max_episode_steps = max_steps;
    e.user = w;
    e.reset = w_reset;
    e.step = w_step;
    return e;
}

static int mentions(const char *needle)
{
    return strstr(a2c_last_error(), needle) != NULL &&
           strncmp(a2c_last_error(), "caller: ", 8) == 0;
}

static void test_validation(void)
{
    world w;
    const a2c_env good = world_env(&w, 2, 0);
    CHECK(a2c__vecenv_check(&good, "caller") == A2C_OK);
    CHECK(a2c__vecenv_check(NULL, "caller") == A2C_E_INVALID_ARG && mentions("env is NULL"));
    a2c_env e = good;
    e.version = 0;
    CHECK(a2c__vecenv_check(&e, "caller") == A2C_E_INVALID_ARG && mentions("env->version"));
    e = good, e.num_envs = 0;
    CHECK(a2c__vecenv_check(&e, "caller") == A2C_E_INVALID_ARG && mentions("env->num_envs"));
    e = good, e.num_envs = 65537;
    CHECK(a2c__vecenv_check(&e, "caller") == A2C_E_INVALID_ARG && mentions("65536"));
    e = good, e.obs_dim = 0;
    CHECK(a2c__vecenv_check(&e, "caller") == A2C_E_INVALID_ARG && mentions("env->obs_dim"));
    e = good, e.action_kind = 7;
    CHECK(a2c__vecenv_check(&e, "caller") == A2C_E_INVALID_ARG && mentions("action_kind"));
    e = good, e.action_dim = A2C_MAX_WIDTH + 1;
    CHECK(a2c__vecenv_check(&e, "caller") == A2C_E_INVALID_ARG && mentions("env->action_dim"));
    e = good, e.reset = NULL;
    CHECK(a2c__vecenv_check(&e, "caller") == A2C_E_INVALID_ARG && mentions("env->reset"));
    e = good, e.step = NULL;
    CHECK(a2c__vecenv_check(&e, "caller") == A2C_E_INVALID_ARG && mentions("env->step"));
    e.step_all = w_step_all;
    CHECK(a2c__vecenv_check(&e, "caller") == A2C_OK); /* step_all alone will do */
}

static a2c__vecenv *make(const a2c_env *env, uint64_t seed, uint64_t stream)
{
    a2c_allocator alloc;
    a2c__allocator(NULL, &alloc, "test");
    a2c__vecenv *ve = NULL;
    CHECK(a2c__vecenv_create(&ve, env, &alloc, seed, stream, "caller") == A2C_OK);
    return ve;
}

/* Resets draw their seeds from the layer's generator, in env order. */
static void test_reset_seeds(void)
{
    world w;
    const a2c_env env = world_env(&w, 3, 0);
    a2c__vecenv *ve = make(&env, 42, 3);
    CHECK(a2c__vecenv_reset(ve, "caller") == A2C_OK);
    a2c__rng r;
    a2c__rng_seed(&r, 42, 3);
    CHECK_EQ_INT(w.n_seeds, 3);
    for (size_t k = 0; k < 3; k++) CHECK(w.seeds[k] == a2c__rng_next(&r));
    const a2c__rng saved = a2c__vecenv_rng(ve);
    CHECK(memcmp(&saved, &r, sizeof r) == 0); /* the state a checkpoint stores */
    for (uint32_t i = 0; i < 3; i++) CHECK(a2c__vecenv_obs(ve)[2 * i + 1] == (float)i);
    a2c__vecenv_destroy(ve);
}

/* TimeLimit truncation, final observation, statistics, same-step reset. */
static void test_time_limit(int use_step_all)
{
    world w;
    a2c_env env = world_env(&w, 2, 3);
    if (use_step_all) env.step_all = w_step_all;
    w.term_at = 2; /* env 0 and 1 terminate at 2 ... */
    a2c__vecenv *ve = make(&env, 1, 3);
    CHECK(a2c__vecenv_reset(ve, "caller") == A2C_OK);
    const int32_t actions[2] = {0, 1};
    CHECK(a2c__vecenv_step(ve, actions, NULL, "caller") == A2C_OK);
    CHECK(a2c__vecenv_terminated(ve)[0] == 0 && a2c__vecenv_truncated(ve)[0] == 0);
    a2c__vecenv_advance(ve);
    CHECK(a2c__vecenv_obs(ve)[0] == 1.0f);
    CHECK(a2c__vecenv_step(ve, actions, NULL, "caller") == A2C_OK);
    for (uint32_t i = 0; i < 2; i++) {
        CHECK(a2c__vecenv_terminated(ve)[i] == 1 && a2c__vecenv_truncated(ve)[i] == 0);
        CHECK(a2c__vecenv_final_obs(ve, i)[0] == 2.0f); /* before the reset */
        CHECK(a2c__vecenv_episode_return(ve, i) == 2.0);
        CHECK_EQ_INT(a2c__vecenv_episode_length(ve, i), 2);
        CHECK_EQ_INT(w.resets[i], 2); /* reset in the same step */
    }
    a2c__vecenv_advance(ve);
    CHECK(a2c__vecenv_obs(ve)[0] == 0.0f); /* a new episode's first observation */
    /* ... now let the TimeLimit (3) act first */
    w.term_at = 0;
    for (int k = 0; k < 2; k++) {
        CHECK(a2c__vecenv_step(ve, actions, NULL, "caller") == A2C_OK);
        CHECK(a2c__vecenv_truncated(ve)[0] == 0);
        a2c__vecenv_advance(ve);
    }
    CHECK(a2c__vecenv_step(ve, actions, NULL, "caller") == A2C_OK);
    CHECK(a2c__vecenv_terminated(ve)[1] == 0 && a2c__vecenv_truncated(ve)[1] == 1);
    CHECK(a2c__vecenv_final_obs(ve, 1)[0] == 3.0f);
    CHECK_EQ_INT(a2c__vecenv_episode_length(ve, 1), 3);
    a2c__vecenv_destroy(ve);
}

/* BOX actions are clipped on their way to the env; the caller's stay. */
static void test_box_clipping(void)
{
    world w;
    a2c_env env = world_env(&w, 2, 0);
    static const float low[2] = {-1.0f, 0.0f}, high[2] = {1.0f, 0.5f};
    env.action_kind = A2C_SPACE_BOX;
    env.action_low = low;
    env.action_high = high;
    a2c__vecenv *ve = make(&env, 1, 3);
    CHECK(a2c__vecenv_reset(ve, "caller") == A2C_OK);
    float box[4] = {-3.0f, 0.25f, 0.5f, 9.0f};
    const float copy[4] = {-3.0f, 0.25f, 0.5f, 9.0f};
    CHECK(a2c__vecenv_step(ve, NULL, box, "caller") == A2C_OK);
    const float want[4] = {-1.0f, 0.25f, 0.5f, 0.5f};
    CHECK(memcmp(w.seen_box, want, sizeof want) == 0);
    CHECK(memcmp(box, copy, sizeof copy) == 0);
    a2c__vecenv_advance(ve);
    CHECK(a2c__vecenv_obs(ve)[0] == -1.0f);
    box[1] = NAN;
    CHECK(a2c__vecenv_step(ve, NULL, box, "caller") == A2C_E_NONFINITE && mentions("action"));
    a2c__vecenv_destroy(ve);
    /* unbounded: passed through as they are */
    env.action_low = env.action_high = NULL;
    ve = make(&env, 1, 3);
    CHECK(a2c__vecenv_reset(ve, "caller") == A2C_OK);
    box[1] = 0.25f;
    CHECK(a2c__vecenv_step(ve, NULL, box, "caller") == A2C_OK);
    CHECK(memcmp(w.seen_box, copy, sizeof copy) == 0);
    a2c__vecenv_destroy(ve);
}

static void test_failures(void)
{
    world w;
    a2c_env env = world_env(&w, 2, 0);
    a2c__vecenv *ve = make(&env, 1, 3);
    const int32_t actions[2] = {0, 0};
    CHECK(a2c__vecenv_reset(ve, "caller") == A2C_OK);
    w.fail_at = 1;
    CHECK(a2c__vecenv_step(ve, actions, NULL, "caller") == A2C_E_ENV &&
          mentions("sub-environment 1"));
    w.fail_at = -1;
    w.bad_at = w.steps + 1;
    w.bad_reward = NAN;
    CHECK(a2c__vecenv_step(ve, actions, NULL, "caller") == A2C_E_NONFINITE &&
          mentions("reward"));
    w.bad_at = w.steps;
    w.bad_reward = INFINITY;
    CHECK(a2c__vecenv_step(ve, actions, NULL, "caller") == A2C_E_NONFINITE);
    a2c__vecenv_destroy(ve);
}

int main(void)
{
    test_validation();
    test_reset_seeds();
    test_time_limit(0);
    test_time_limit(1);
    test_box_clipping();
    test_failures();
    return harness_report();
}
