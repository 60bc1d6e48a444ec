/* VecNormalize inside the library: the trainer's normalised observations,
 * rewards and statistics against SB3's formulas (tests/fixtures/vecnorm.txt
 * from the generator), the statistics in net checkpoints, exact resume
 * with a built-in environment, the zoo's presets, the zoo's text forms
 * (normalize, policy_kwargs, lin_ for ent_coef) and ent_coef's schedule. */
#include "fixture.h"
#include "harness.h"
#include "whitebox.h"
#include "zoo.h"

#include <stdlib.h>
#include <string.h>

/* ---- a scripted vectorised env playing the fixture's sequence ---- */

typedef struct script {
    const double *reset_obs, *obs, *rewards, *dones;
    size_t n, d, steps, t;
    size_t resets; /* resets so far: the first n are the initial ones */
} script;

static int sc_reset(void *user, uint32_t index, uint64_t seed, float *obs)
{
    (void)seed;
    script *s = user;
    /* the first reset of each env gives reset_obs; a reset after a done
     * gives the observation the fixture records for that step (SB3's
     * VecEnv returns the new episode's first observation) */
    const double *src = s->resets < s->n ? s->reset_obs + index * s->d
                                         : s->obs + ((s->t - 1) * s->n + index) * s->d;
    for (size_t k = 0; k < s->d; k++) obs[k] = (float)src[k];
    s->resets++;
    return 0;
}

static int sc_step_all(void *user, const int32_t *actions, const float *box, float *obs,
                       double *rewards, int *terminated, int *truncated)
{
    (void)actions;
    (void)box;
    script *s = user;
    if (s->t >= s->steps) return 1;
    for (size_t i = 0; i < s->n; i++) {
        const size_t row = s->t * s->n + i;
        for (size_t k = 0; k < s->d; k++)
            obs[i * s->d + k] = s->dones[row] != 0.0 ? 1e3f : (float)s->obs[row * s->d + k];
        rewards[i] = s->rewards[row];
        terminated[i] = s->dones[row] != 0.0;
        truncated[i] = 0;
    }
    s->t++;
    return 0;
}

static void test_vecnorm_fixture(void)
{
    fixture f;
    if (!CHECK(fixture_load(&f, "vecnorm.txt"))) return;
    const size_t n = fixture_size(&f, "n_envs"), d = fixture_size(&f, "obs_dim");
    const size_t steps = fixture_size(&f, "steps");
    script s = {fixture_get(&f, "reset_obs", n * d), fixture_get(&f, "obs", steps * n * d),
                fixture_get(&f, "rewards", steps * n), fixture_get(&f, "dones", steps * n),
                n, d, steps, 0, 0};
    const double *gamma = fixture_get(&f, "gamma", 1), *clip_obs = fixture_get(&f, "clip_obs", 1);
    const double *clip_reward = fixture_get(&f, "clip_reward", 1);
    if (!s.reset_obs || !s.obs || !s.rewards || !s.dones || !gamma || !clip_obs ||
        !clip_reward) {
        fixture_free(&f);
        return;
    }
    a2c_env env = {0};
    env.version = A2C_ENV_V1;
    env.num_envs = (uint32_t)n;
    env.obs_dim = (uint32_t)d;
    env.action_kind = A2C_SPACE_DISCRETE;
    env.action_dim = 2;
    env.user = &s;
    env.reset = sc_reset;
    env.step_all = sc_step_all;
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_string(cfg, "normalize", "True") == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_GAMMA, *gamma) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_CLIP_OBS, *clip_obs) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_CLIP_REWARD, *clip_reward) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_STEPS, (int64_t)steps) == A2C_OK);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, &env) == A2C_OK);
    /* one rollout holds the whole sequence */
    CHECK(a2c_trainer_learn(tr, steps * n, NULL, NULL) == A2C_OK);
    const a2c_rollout *ro = a2c__trainer_rollout(tr);
    const float *stored = a2c_rollout_observations(ro);
    /* row 0 was taken in the reset observations, row t in step t-1's */
    check_floats("reset observations", stored, fixture_get(&f, "reset_norm", n * d), n * d, 0.0,
                 0.0);
    check_floats("normalised observations", stored + n * d, fixture_get(&f, "norm_obs", 0),
                 (steps - 1) * n * d, 0.0, 0.0);
    check_floats("normalised rewards", a2c_rollout_rewards(ro),
                 fixture_get(&f, "norm_rewards", steps * n), steps * n, 0.0, 0.0);
    double mean[8], var[8], count, clip;
    CHECK(a2c_net_get_obs_norm(a2c_trainer_net(tr), mean, var, d, &count, &clip) == A2C_OK);
    const double *want_mean = fixture_get(&f, "obs_mean", d);
    const double *want_var = fixture_get(&f, "obs_var", d);
    for (size_t k = 0; want_mean && want_var && k < d; k++) {
        CHECK_CLOSE(mean[k], want_mean[k], 1e-12, 0.0);
        CHECK_CLOSE(var[k], want_var[k], 1e-12, 0.0);
    }
    CHECK_CLOSE(count, *fixture_get(&f, "obs_count", 1), 1e-15, 0.0);
    CHECK(clip == *clip_obs);
    const a2c__rms *ret = a2c__trainer_ret_rms(tr);
    CHECK_CLOSE(ret->mean[0], *fixture_get(&f, "ret_mean", 1), 1e-12, 0.0);
    CHECK_CLOSE(ret->var[0], *fixture_get(&f, "ret_var", 1), 1e-12, 0.0);
    CHECK_CLOSE(ret->count, *fixture_get(&f, "ret_count", 1), 1e-15, 0.0);
    printf("vecnorm: %zu steps x %zu envs match SB3's formulas; float32 batch moments (SB3's "
           "NumPy) would move a normalised observation by up to %.3g\n",
           steps, n, *fixture_get(&f, "f32_moments_max_diff", 1));

    /* the public normalisation equals what the trainer stored */
    float first[16];
    s.t = 0;
    for (size_t i = 0; i < n * d; i++) first[i] = (float)s.obs[i];
    float by_net[16];
    CHECK(a2c_net_normalize_obs(a2c_trainer_net(tr), first, n, by_net) == A2C_OK);
    for (size_t i = 0; i < n * d; i++) {
        const double std = sqrt(var[i % d] + 1e-8);
        double v = ((double)first[i] - mean[i % d]) / std;
        v = v > *clip_obs ? *clip_obs : v < -*clip_obs ? -*clip_obs : v;
        CHECK(by_net[i] == (float)v);
    }
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
    fixture_free(&f);
}

/* ---- the statistics travel with the net ---- */

static a2c_config *normalized_cartpole(uint64_t seed)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    uint64_t budget = 0;
    CHECK(a2c_config_apply_preset(cfg, "CartPole-v1", &budget) == A2C_OK);
    CHECK(budget == 500000);
    CHECK(a2c_config_set_string(cfg, "normalize", "true") == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, (int64_t)seed) == A2C_OK);
    return cfg;
}

static void test_net_checkpoint(void)
{
    a2c_config *cfg = normalized_cartpole(3);
    a2c_env *env = NULL, *eval_env = NULL;
    CHECK(a2c_env_make(&env, "CartPole-v1", 8, NULL) == A2C_OK);
    CHECK(a2c_env_make(&eval_env, "CartPole-v1", 1, NULL) == A2C_OK);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, 20000, NULL, NULL) == A2C_OK);
    a2c_net *net = a2c_trainer_net(tr);
    CHECK(a2c_net_normalizes_obs(net) == 1);
    size_t size = 0;
    CHECK(a2c_net_save_size(net, &size) == A2C_OK);
    unsigned char *buf = malloc(size);
    CHECK(buf && a2c_net_save_to_buffer(net, buf, size, NULL) == A2C_OK);
    a2c_net *loaded = NULL;
    CHECK(a2c_net_load_from_buffer(&loaded, buf, size, NULL) == A2C_OK);
    CHECK(a2c_net_normalizes_obs(loaded) == 1);
    double m1[4], v1[4], c1, m2[4], v2[4], c2;
    CHECK(a2c_net_get_obs_norm(net, m1, v1, 4, &c1, NULL) == A2C_OK);
    CHECK(a2c_net_get_obs_norm(loaded, m2, v2, 4, &c2, NULL) == A2C_OK);
    CHECK(memcmp(m1, m2, sizeof m1) == 0 && memcmp(v1, v2, sizeof v1) == 0 && c1 == c2);
    CHECK(c1 > 20000.0); /* every observation of training was counted */
    /* acting on raw observations and evaluating: the same, bit for bit */
    const float obs[8] = {0.1f, -0.5f, 0.02f, 0.3f, -1.0f, 1.5f, -0.1f, -0.7f};
    float val_a[2], val_b[2];
    int32_t act_a[2], act_b[2];
    CHECK(a2c_net_act(net, obs, 2, 1, act_a, NULL, val_a) == A2C_OK);
    CHECK(a2c_net_act(loaded, obs, 2, 1, act_b, NULL, val_b) == A2C_OK);
    CHECK(memcmp(act_a, act_b, sizeof act_a) == 0 && memcmp(val_a, val_b, sizeof val_a) == 0);
    double mean_a, mean_b;
    CHECK(a2c_evaluate(net, eval_env, 5, 1, 11, &mean_a, NULL, NULL) == A2C_OK);
    CHECK(a2c_evaluate(loaded, eval_env, 5, 1, 11, &mean_b, NULL, NULL) == A2C_OK);
    CHECK(mean_a == mean_b);
    /* without its statistics the same parameters act differently: the
     * test above can fail */
    float raw_vals[2];
    a2c_config *plain_cfg = normalized_cartpole(3);
    CHECK(a2c_config_set_string(plain_cfg, "normalize", "False") == A2C_OK);
    a2c_net *plain = NULL;
    CHECK(a2c_net_create(&plain, plain_cfg, 4, 2) == A2C_OK);
    CHECK(a2c_net_normalizes_obs(plain) == 0);
    CHECK(a2c_net_set_params(plain, a2c_net_params(net), a2c_net_param_count(net)) == A2C_OK);
    CHECK(a2c_net_act(plain, obs, 2, 1, act_b, NULL, raw_vals) == A2C_OK);
    CHECK(memcmp(raw_vals, val_a, sizeof raw_vals) != 0);
    /* ... and with them set by hand (as from SB3's obs_rms) the same again */
    CHECK(a2c_net_get_obs_norm(plain, m2, v2, 4, &c2, NULL) == A2C_E_STATE);
    CHECK(a2c_net_set_obs_norm(plain, m1, v1, 4, c1, 10.0) == A2C_OK);
    CHECK(a2c_net_act(plain, obs, 2, 1, act_b, NULL, raw_vals) == A2C_OK);
    CHECK(memcmp(raw_vals, val_a, sizeof raw_vals) == 0);
    double bad_var[4] = {1, 1, -1, 1};
    CHECK(a2c_net_set_obs_norm(plain, m1, bad_var, 4, c1, 10.0) == A2C_E_INVALID_ARG);
    CHECK(strstr(a2c_last_error(), "var[2]") != NULL);
    CHECK(a2c_net_set_obs_norm(plain, m1, v1, 3, c1, 10.0) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_set_obs_norm(plain, m1, v1, 4, 0.0, 10.0) == A2C_E_INVALID_ARG);
    bad_var[2] = (double)NAN;
    CHECK(a2c_net_set_obs_norm(plain, m1, bad_var, 4, c1, 10.0) == A2C_E_NONFINITE);
    /* a net checkpoint of the hand-set net keeps them too */
    CHECK(a2c_net_save_size(plain, &size) == A2C_OK);
    unsigned char *buf2 = malloc(size);
    CHECK(buf2 && a2c_net_save_to_buffer(plain, buf2, size, NULL) == A2C_OK);
    a2c_net *again = NULL;
    CHECK(a2c_net_load_from_buffer(&again, buf2, size, NULL) == A2C_OK);
    CHECK(a2c_net_act(again, obs, 2, 1, act_b, NULL, raw_vals) == A2C_OK);
    CHECK(memcmp(raw_vals, val_a, sizeof raw_vals) == 0);
    free(buf2);
    a2c_net_destroy(again);
    a2c_net_destroy(plain);
    a2c_config_destroy(plain_cfg);
    a2c_net_destroy(loaded);
    free(buf);
    a2c_trainer_destroy(tr);
    a2c_env_close(eval_env);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
}

/* ---- exact resume ---- */

/* `first` steps, a checkpoint, a new trainer over a new env loading it,
 * on to `total`: the same trainer checkpoint, byte for byte, as one run
 * to `total` (parameters, optimizer state, normaliser statistics,
 * generators, counters, episode window, the episodes in flight). */
static void check_resume(const char *id, uint64_t first, uint64_t total, int expect_equal)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    uint64_t budget;
    CHECK(a2c_config_apply_preset(cfg, id, &budget) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, 5) == A2C_OK);
    int64_t n_envs = 0;
    CHECK(a2c_config_get_int(cfg, A2C_PARAM_N_ENVS, &n_envs) == A2C_OK);

    a2c_env *env = NULL;
    a2c_trainer *tr = NULL;
    CHECK(a2c_env_make(&env, id, (uint32_t)n_envs, NULL) == A2C_OK);
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, total, NULL, NULL) == A2C_OK);
    size_t size_one, size_two;
    unsigned char *one = trainer_bytes(tr, &size_one);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);

    CHECK(a2c_env_make(&env, id, (uint32_t)n_envs, NULL) == A2C_OK);
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, first, NULL, NULL) == A2C_OK);
    size_t size_mid;
    unsigned char *mid = trainer_bytes(tr, &size_mid);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);

    a2c_env *env2 = NULL;
    CHECK(a2c_env_make(&env2, id, (uint32_t)n_envs, NULL) == A2C_OK);
    CHECK(a2c_trainer_create(&tr, cfg, env2) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(tr, mid, size_mid) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, total, NULL, NULL) == A2C_OK);
    unsigned char *two = trainer_bytes(tr, &size_two);
    const int same = size_one == size_two && memcmp(one, two, size_one) == 0;
    CHECK(same == expect_equal);
    printf("%s: %llu steps, then resumed to %llu: %s one %llu-step run\n", id,
           (unsigned long long)first, (unsigned long long)total,
           same ? "bit for bit" : "differs from", (unsigned long long)total);
    free(one);
    free(two);
    free(mid);
    a2c_trainer_destroy(tr);
    a2c_env_close(env2);
    a2c_config_destroy(cfg);
}

/* A host env without state callbacks: resuming starts new episodes, as in
 * 0.1, and works. */
typedef struct counter_env {
    uint32_t t[4];
    int started[4]; /* a step before the first reset fails */
} counter_env;

static int ce_reset(void *user, uint32_t i, uint64_t seed, float *obs)
{
    counter_env *c = user;
    c->t[i] = 0;
    c->started[i] = 1;
    obs[0] = (float)(seed % 7) * 0.1f;
    return 0;
}

static int ce_step(void *user, uint32_t i, int32_t a, const float *box, float *obs, double *r,
                   int *term, int *trunc)
{
    (void)box;
    counter_env *c = user;
    if (!c->started[i]) return 1;
    c->t[i]++;
    obs[0] = (float)c->t[i] * 0.05f * (float)(a + 1);
    *r = a == 1 ? 1.0 : 0.0;
    *term = c->t[i] >= 9;
    *trunc = 0;
    return 0;
}

/* State callbacks for counter_env: the step count as 4 bytes; load_state
 * refuses while `refuse` is set. */
static int refuse_loads;

static int ce_save(void *user, uint32_t i, void *buf)
{
    const counter_env *c = user;
    unsigned char *b = buf;
    for (int k = 0; k < 4; k++) b[k] = (unsigned char)(c->t[i] >> (8 * k));
    return 0;
}

static int ce_load(void *user, uint32_t i, const void *buf)
{
    counter_env *c = user;
    const unsigned char *b = buf;
    if (refuse_loads) return 1;
    c->t[i] = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    c->started[i] = 1;
    return 0;
}

static void test_resume_without_env_state(void)
{
    counter_env c = {{0}, {0}};
    a2c_env env = {0};
    env.version = A2C_ENV_V2; /* version 2, but no state callbacks */
    env.num_envs = 4;
    env.obs_dim = 1;
    env.action_kind = A2C_SPACE_DISCRETE;
    env.action_dim = 2;
    env.user = &c;
    env.reset = ce_reset;
    env.step = ce_step;
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_string(cfg, "normalize", "True") == A2C_OK);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, &env) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, 400, NULL, NULL) == A2C_OK);
    size_t size;
    unsigned char *mid = trainer_bytes(tr, &size);
    /* a new process: a fresh env that has never been reset */
    counter_env c2 = {{0}, {0}};
    a2c_env env2 = env;
    env2.user = &c2;
    a2c_trainer *back = NULL;
    CHECK(a2c_trainer_create(&back, cfg, &env2) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(back, mid, size) == A2C_OK);
    CHECK(a2c_trainer_learn(back, 800, NULL, NULL) == A2C_OK);
    CHECK(a2c_trainer_timesteps(back) == 800);
    /* another number of envs: the checkpoint loads, new episodes start */
    c2 = (counter_env){{0}, {0}};
    env2.num_envs = 3;
    a2c_trainer *fewer = NULL;
    CHECK(a2c_trainer_create(&fewer, cfg, &env2) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(fewer, mid, size) == A2C_OK);
    CHECK(a2c_trainer_learn(fewer, 800, NULL, NULL) == A2C_OK);
    a2c_trainer_destroy(fewer);
    a2c_env *cp8 = NULL, *cp4 = NULL;
    CHECK(a2c_env_make(&cp8, "CartPole-v1", 8, NULL) == A2C_OK);
    CHECK(a2c_env_make(&cp4, "CartPole-v1", 4, NULL) == A2C_OK);
    a2c_trainer *eight = NULL, *four = NULL;
    CHECK(a2c_trainer_create(&eight, cfg, cp8) == A2C_OK);
    CHECK(a2c_trainer_create(&four, cfg, cp4) == A2C_OK);
    CHECK(a2c_trainer_learn(eight, 400, NULL, NULL) == A2C_OK);
    size_t size8;
    unsigned char *buf8 = trainer_bytes(eight, &size8);
    CHECK(a2c_trainer_load_from_buffer(four, buf8, size8) == A2C_OK);
    CHECK(a2c_trainer_learn(four, 800, NULL, NULL) == A2C_OK);
    free(buf8);
    a2c_trainer_destroy(four);
    a2c_trainer_destroy(eight);
    a2c_env_close(cp4);
    a2c_env_close(cp8);
    /* a host's own state: continued, or, when its load_state refuses,
     * A2C_E_ENV with the rest loaded and new episodes */
    counter_env c3 = {{0}, {0}}, c4 = {{0}, {0}};
    a2c_env env3 = env;
    env3.user = &c3;
    env3.state_size = 4;
    env3.save_state = ce_save;
    env3.load_state = ce_load;
    a2c_trainer *saver = NULL, *loader = NULL;
    CHECK(a2c_trainer_create(&saver, cfg, &env3) == A2C_OK);
    CHECK(a2c_trainer_learn(saver, 400, NULL, NULL) == A2C_OK);
    size_t size3;
    unsigned char *buf3 = trainer_bytes(saver, &size3);
    env3.user = &c4;
    CHECK(a2c_trainer_create(&loader, cfg, &env3) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(loader, buf3, size3) == A2C_OK);
    CHECK(memcmp(c3.t, c4.t, sizeof c3.t) == 0); /* the episodes in flight */
    refuse_loads = 1;
    c4 = (counter_env){{0}, {0}};
    CHECK(a2c_trainer_load_from_buffer(loader, buf3, size3) == A2C_E_ENV);
    CHECK(strstr(a2c_last_error(), "load_state") != NULL);
    CHECK(a2c_trainer_timesteps(loader) == 400); /* the rest was loaded */
    CHECK(a2c_trainer_learn(loader, 800, NULL, NULL) == A2C_OK); /* after new episodes */
    refuse_loads = 0;
    free(buf3);
    a2c_trainer_destroy(loader);
    a2c_trainer_destroy(saver);
    /* state_size without the callbacks is a broken table */
    env.state_size = 8;
    a2c_trainer *bad = NULL;
    CHECK(a2c_trainer_create(&bad, cfg, &env) == A2C_E_INVALID_ARG);
    CHECK(strstr(a2c_last_error(), "save_state") != NULL);
    free(mid);
    a2c_trainer_destroy(back);
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
}

/* ---- presets and the zoo's text forms ---- */

static double get_d(const a2c_config *cfg, a2c_param p)
{
    double v = -1.0;
    CHECK(a2c_config_get_double(cfg, p, &v) == A2C_OK);
    return v;
}

static void test_presets(void)
{
    static const struct {
        const char *id;
        uint64_t timesteps;
        int n_envs, normalize;
    } want[] = {
        {"CartPole-v1", 500000, 8, 0},
        {"Acrobot-v1", 500000, 16, 1},
        {"MountainCar-v0", 1000000, 16, 1},
        {"MountainCarContinuous-v0", 100000, 4, 1},
        {"Pendulum-v1", 1000000, 8, 1},
    };
    size_t k = 0;
    for (; a2c_preset_name(k); k++) {
        if (!CHECK(k < sizeof want / sizeof want[0])) break;
        CHECK(strcmp(a2c_preset_name(k), want[k].id) == 0);
        a2c_config *cfg;
        CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
        uint64_t budget = 0;
        CHECK(a2c_config_apply_preset(cfg, want[k].id, &budget) == A2C_OK);
        CHECK(budget == want[k].timesteps);
        CHECK(get_d(cfg, A2C_PARAM_N_ENVS) == want[k].n_envs);
        CHECK(get_d(cfg, A2C_PARAM_NORM_OBS) == want[k].normalize);
        CHECK(get_d(cfg, A2C_PARAM_NORM_REWARD) == want[k].normalize);
        CHECK(get_d(cfg, A2C_PARAM_ENT_COEF) == 0.0);
        const char *key = NULL, *value = NULL;
        CHECK(a2c_preset_setting(want[k].id, 0, &key, &value) == A2C_OK && key && value);
        a2c_config_destroy(cfg);
    }
    CHECK(k == sizeof want / sizeof want[0]);
    /* the tuned rows, as rl-baselines3-zoo's a2c.yml writes them */
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_apply_preset(cfg, "Pendulum-v1", NULL) == A2C_OK);
    CHECK(get_d(cfg, A2C_PARAM_GAMMA) == 0.9 && get_d(cfg, A2C_PARAM_GAE_LAMBDA) == 0.9);
    CHECK(get_d(cfg, A2C_PARAM_N_STEPS) == 8 && get_d(cfg, A2C_PARAM_VF_COEF) == 0.4);
    CHECK(get_d(cfg, A2C_PARAM_LEARNING_RATE) == 7e-4);
    CHECK(get_d(cfg, A2C_PARAM_LR_SCHEDULE) == A2C_SCHEDULE_LINEAR);
    CHECK(get_d(cfg, A2C_PARAM_USE_SDE) == 1 && get_d(cfg, A2C_PARAM_LOG_STD_INIT) == -2.0);
    CHECK(get_d(cfg, A2C_PARAM_ORTHO_INIT) == 0);
    CHECK(a2c_config_apply_preset(cfg, "MountainCarContinuous-v0", NULL) == A2C_OK);
    CHECK(get_d(cfg, A2C_PARAM_N_STEPS) == 100 && get_d(cfg, A2C_PARAM_SDE_SAMPLE_FREQ) == 16);
    CHECK(get_d(cfg, A2C_PARAM_LOG_STD_INIT) == 0.0);
    /* refusals leave the config alone */
    CHECK(a2c_config_apply_preset(cfg, "LunarLander-v3", NULL) == A2C_E_INVALID_ARG);
    CHECK(strstr(a2c_last_error(), "LunarLander-v3") != NULL);
    CHECK(a2c_config_apply_preset(NULL, "Acrobot-v1", NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_apply_preset(cfg, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_preset_setting("Acrobot-v1", 99, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_preset_setting("nope", 0, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_preset_name(99) == NULL);
    a2c_config_destroy(cfg);
}

static void test_text_forms(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_string(cfg, "normalize", "{'norm_obs': True, 'norm_reward': False}") ==
          A2C_OK);
    CHECK(get_d(cfg, A2C_PARAM_NORM_OBS) == 1 && get_d(cfg, A2C_PARAM_NORM_REWARD) == 0);
    CHECK(a2c_config_set_string(cfg, "normalize", "dict(norm_reward=True, clip_obs=5.0)") ==
          A2C_OK);
    CHECK(get_d(cfg, A2C_PARAM_NORM_OBS) == 1 && get_d(cfg, A2C_PARAM_NORM_REWARD) == 1);
    CHECK(get_d(cfg, A2C_PARAM_CLIP_OBS) == 5.0);
    CHECK(a2c_config_set_string(cfg, "normalize", "False") == A2C_OK);
    CHECK(get_d(cfg, A2C_PARAM_NORM_OBS) == 0 && get_d(cfg, A2C_PARAM_NORM_REWARD) == 0);
    /* a refused dict changes nothing, even after an accepted key */
    CHECK(a2c_config_set_string(cfg, "normalize", "{'norm_obs': True, 'gamma': 0.9}") ==
          A2C_E_INVALID_ARG);
    CHECK(strstr(a2c_last_error(), "'gamma'") != NULL);
    CHECK(get_d(cfg, A2C_PARAM_NORM_OBS) == 0);
    CHECK(a2c_config_set_string(cfg, "normalize", "{'norm_obs': maybe}") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(cfg, "normalize", "dict(norm_obs=True") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(cfg, "policy_kwargs",
                                "dict(log_std_init=-2, ortho_init=False, activation_fn=nn.ReLU, "
                                "net_arch=dict(pi=[32, 32], vf=[16]))") == A2C_OK);
    CHECK(get_d(cfg, A2C_PARAM_LOG_STD_INIT) == -2.0 && get_d(cfg, A2C_PARAM_ORTHO_INIT) == 0);
    CHECK(get_d(cfg, A2C_PARAM_ACTIVATION_FN) == A2C_ACTIVATION_RELU);
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    size_t n_pi, n_vf;
    CHECK(a2c_config_get_net_arch(cfg, pi, &n_pi, vf, &n_vf) == A2C_OK);
    CHECK(n_pi == 2 && pi[0] == 32 && pi[1] == 32 && n_vf == 1 && vf[0] == 16);
    CHECK(a2c_config_set_string(cfg, "policy_kwargs", "dict(ortho_init=True, squash=1)") ==
          A2C_E_INVALID_ARG);
    CHECK(strstr(a2c_last_error(), "'squash'") != NULL);
    CHECK(get_d(cfg, A2C_PARAM_ORTHO_INIT) == 0);
    CHECK(a2c_config_set_string(cfg, "ent_coef", "lin_0.01") == A2C_OK);
    CHECK(get_d(cfg, A2C_PARAM_ENT_COEF) == 0.01);
    CHECK(get_d(cfg, A2C_PARAM_ENT_SCHEDULE) == A2C_SCHEDULE_LINEAR);
    CHECK(a2c_config_set_string(cfg, "ent_coef", "0.02") == A2C_OK);
    CHECK(get_d(cfg, A2C_PARAM_ENT_SCHEDULE) == A2C_SCHEDULE_CONSTANT);
    CHECK(a2c_config_set_string(cfg, "sde_sample_freq", "-1") == A2C_OK);
    CHECK(a2c_config_set_string(cfg, "sde_sample_freq", "-2") == A2C_E_INVALID_ARG);
    a2c_config_destroy(cfg);
}

/* ent_coef = lin_0.02 at progress 0.5 trains as a constant 0.01. */
static int stop_now(const a2c_train_stats *s, void *user)
{
    (void)s;
    (void)user;
    return 1;
}

static void test_ent_schedule(void)
{
    float params[2][20000];
    size_t n = 0;
    for (int run = 0; run < 3; run++) {
        a2c_config *cfg = normalized_cartpole(7);
        CHECK(a2c_config_set_string(cfg, "ent_coef", run == 0 ? "lin_0.02" : run == 1 ? "0.01"
                                                                                        : "0.02") ==
              A2C_OK);
        a2c_env *env = NULL;
        CHECK(a2c_env_make(&env, "CartPole-v1", 8, NULL) == A2C_OK);
        a2c_trainer *tr = NULL;
        CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
        /* one update: 5 x 8 steps of a planned 80, so progress is 0.5 */
        CHECK(a2c_trainer_learn(tr, 80, stop_now, NULL) == A2C_OK);
        n = a2c_net_param_count(a2c_trainer_net(tr));
        if (CHECK(n <= 20000)) {
            float *dst = params[run == 0 ? 0 : 1];
            CHECK(a2c_net_get_params(a2c_trainer_net(tr), dst, n) == A2C_OK);
            if (run == 1) CHECK(memcmp(params[0], params[1], n * sizeof(float)) == 0);
            if (run == 2) CHECK(memcmp(params[0], params[1], n * sizeof(float)) != 0);
        }
        a2c_trainer_destroy(tr);
        a2c_env_close(env);
        a2c_config_destroy(cfg);
    }
}

/* A short honest learning run: the zoo's Acrobot settings (normalize on)
 * for the zoo's 500k steps, one seed, greedy over 100 episodes, past
 * Gymnasium's reward threshold (-100).  Training is bit-reproducible, so
 * this cannot flake; it fails if normalisation or the env regresses. */
static void test_acrobot_learns(void)
{
    uint64_t budget;
    const double mean = zoo_greedy_mean("Acrobot-v1", &budget);
    double threshold = 0.0;
    CHECK(a2c_env_reward_threshold("Acrobot-v1", &threshold) == A2C_OK);
    printf("Acrobot-v1, zoo settings, %llu steps: greedy mean %.2f over 100 episodes "
           "(threshold %.0f, zoo -83.4)\n", (unsigned long long)budget, mean, threshold);
    CHECK(mean >= threshold);
}

int main(void)
{
    test_vecnorm_fixture();
    test_net_checkpoint();
    test_presets();
    test_text_forms();
    test_ent_schedule();
    test_resume_without_env_state();
    check_resume("CartPole-v1", 20000, 40000, 1);
    check_resume("Acrobot-v1", 50000, 100000, 1);
    check_resume("MountainCar-v0", 50000, 100000, 1);
    test_acrobot_learns();
    return harness_report();
}
