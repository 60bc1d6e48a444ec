/* Checks a policy exported as C source (tests/test_export.sh) against the
 * library it came from.
 *
 *   export_driver MODEL EXPORTED.c ENV_ID N_OBS EPISODES MIN_MEAN
 *
 * Built with -DPOLICY=<prefix> (and -DPOLICY_BOX=1 for a continuous
 * policy) and linked with the exported file compiled on its own, plus
 * liba2c for the checkpoint, the comparison and the environment.  It
 *   1. re-exports MODEL through the buffer calls and checks that the text
 *      is EXPORTED.c byte for byte, and that bad arguments are refused;
 *   2. draws N_OBS observations uniformly from a box around the states
 *      the environment visits (twice the span they cover, per component;
 *      with ENV_ID "-", [-3, 3] and every tenth one a hundred times
 *      larger) and compares, for each, the exported forward pass with
 *      a2c_net_forward (bit for bit) and the exported action with the
 *      library's greedy one;
 *   3. plays EPISODES episodes of ENV_ID with the exported policy alone
 *      choosing the actions (the library only steps the environment),
 *      comparing each action with the library's on the way, and requires
 *      a mean return of at least MIN_MEAN.
 * Prints the counts; exits 1 if anything disagrees.
 *
 *   export_driver --make DIR
 *
 * Built without POLICY: writes DIR/NAME.a2c for untrained nets of shapes
 * the trained agents do not have (NAME: wide, shared, linear, gsde); see
 * make_nets. */
#include <a2c/a2c.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef POLICY_BOX
#define POLICY_BOX 0
#endif

#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#define STR_(a) #a
#define STR(a) STR_(a)

#ifdef POLICY
/* what the exported file defines */
void CAT(POLICY, _forward)(const float *obs, float *out);
#if POLICY_BOX
void CAT(POLICY, _act_box)(const float *obs, float *action);
#else
int CAT(POLICY, _act)(const float *obs);
#endif
#endif

#define MAX_DIM 64
#define RANGE_STEPS 20000

#ifndef POLICY

/* Saves a net made from `settings` (name/value pairs, NULL-terminated)
 * for obs_dim inputs and n_act actions (BOX if `box`, with bounds low[k]
 * = -1 - k and high[k] = 1 + k, the last component unbounded), with a few
 * parameters set to awkward values and, if `var` is not NULL, observation
 * statistics (mean k / 2 - 1, variances var). */
static int make_net(const char *dir, const char *name, const char *const *settings,
                    size_t obs_dim, size_t n_act, int box, const double *var)
{
    a2c_config *cfg = NULL;
    a2c_net *net = NULL;
    int ok = a2c_config_create(&cfg, NULL) == A2C_OK;
    for (size_t k = 0; ok && settings[k]; k += 2)
        ok = a2c_config_set_string(cfg, settings[k], settings[k + 1]) == A2C_OK;
    ok = ok && (box ? a2c_net_create_box(&net, cfg, obs_dim, n_act)
                    : a2c_net_create(&net, cfg, obs_dim, n_act)) == A2C_OK;
    if (ok && box) {
        float low[MAX_DIM], high[MAX_DIM];
        for (size_t k = 0; k < n_act; k++) {
            low[k] = -1.0f - (float)k;
            high[k] = k + 1 < n_act ? 1.0f + (float)k : HUGE_VALF;
        }
        low[n_act - 1] = -HUGE_VALF;
        ok = a2c_net_set_action_bounds(net, low, high, n_act) == A2C_OK;
    }
    if (ok) {
        /* a subnormal, both zeros, a large weight: exact in the file too */
        float *p = a2c_net_params(net);
        p[0] = 1e-40f;
        p[1] = -0.0f;
        p[2] = 0.0f;
        p[3] = 3.5f;
    }
    if (ok && var) {
        double mean[MAX_DIM];
        for (size_t k = 0; k < obs_dim; k++) mean[k] = 0.5 * (double)k - 1.0;
        ok = a2c_net_set_obs_norm(net, mean, var, obs_dim, 10.0, 5.0) == A2C_OK;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.a2c", dir, name);
    ok = ok && a2c_net_save(net, path) == A2C_OK;
    if (!ok) fprintf(stderr, "export_driver: making %s: %s\n", name, a2c_last_error());
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
    return ok;
}

/* wide: relu, three hidden layers of widths below and above the narrow
 * dot product's 8 and the matrix kernel's 16, 9 actions (a head wide
 * enough for the matrix kernel), normalised observations with a zero
 * variance.  shared: one tanh trunk under both heads.  linear: no hidden
 * layer, a diagonal Gaussian.  gsde: gSDE with a relu trunk. */
static int make_nets(const char *dir)
{
    static const char *const wide[] = {"net_arch", "[13, 7, 21]", "activation_fn", "relu",
                                       "ortho_init", "False", "seed", "3", NULL};
    static const char *const shared[] = {"net_arch", "[16]", "shared_trunk", "True", "seed",
                                         "4", NULL};
    static const char *const linear[] = {"net_arch", "[]", "ortho_init", "False", NULL};
    static const char *const gsde[] = {"net_arch", "[8, 8]", "activation_fn", "relu", "use_sde",
                                       "True", "ortho_init", "False", NULL};
    static const double var5[] = {1.0, 0.0, 4.0, 0.25, 1e-6};
    static const double var4[] = {2.0, 0.5, 0.0, 9.0};
    return make_net(dir, "wide", wide, 5, 9, 0, var5) &&
           make_net(dir, "shared", shared, 3, 2, 0, NULL) &&
           make_net(dir, "linear", linear, 4, 2, 1, var4) &&
           make_net(dir, "gsde", gsde, 3, 3, 1, NULL);
}

int main(int argc, char **argv)
{
    if (argc != 3 || strcmp(argv[1], "--make")) {
        fprintf(stderr, "usage: export_driver --make DIR (built without -DPOLICY)\n");
        return 2;
    }
    return make_nets(argv[2]) ? 0 : 1;
}

#else /* POLICY */

static int failures;

#define EXPECT(cond, ...)                                        \
    do {                                                         \
        if (!(cond)) {                                           \
            fprintf(stderr, "export_driver: FAIL: " __VA_ARGS__); \
            fputc('\n', stderr);                                 \
            failures++;                                          \
        }                                                        \
    } while (0)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static double uniform(void) /* splitmix64, [0, 1) */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return (double)((z ^ (z >> 31)) >> 11) * 0x1p-53;
}

static char *read_all(const char *path, size_t *size)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    fclose(fp);
    *size = n;
    return buf;
}

/* 1. The buffer calls give the file's text; bad arguments are refused. */
static void check_text(const a2c_net *net, const char *path)
{
    size_t file_size = 0, size = 0, written = 0;
    char *file = read_all(path, &file_size);
    EXPECT(file != NULL, "cannot read %s", path);
    EXPECT(a2c_net_export_c_size(net, STR(POLICY), &size) == A2C_OK, "export_c_size failed");
    char *text = malloc(size);
    EXPECT(a2c_net_export_c_to_buffer(net, STR(POLICY), text, size - 1, &written) ==
               A2C_E_INVALID_ARG,
           "a buffer one byte short was accepted");
    EXPECT(a2c_net_export_c_to_buffer(net, STR(POLICY), text, size, &written) == A2C_OK,
           "export_c_to_buffer failed: %s", a2c_last_error());
    EXPECT(written + 1 == size && text[written] == '\0', "size %zu, written %zu", size, written);
    EXPECT(file && written == file_size && !memcmp(file, text, written),
           "the buffer's text differs from %s", path);
    EXPECT(!strstr(text, "\n#include"), "the exported file includes a header");
    const char *bad[] = {"", "9lives", "_p", "a-b", "a b", "abcdefghijabcdefghijabcdefghijabc"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        EXPECT(a2c_net_export_c_size(net, bad[k], &size) == A2C_E_INVALID_ARG,
               "prefix '%s' was accepted", bad[k]);
    EXPECT(a2c_net_export_c_size(NULL, NULL, &size) == A2C_E_INVALID_ARG, "NULL net accepted");
    EXPECT(a2c_net_export_c_size(net, NULL, NULL) == A2C_E_INVALID_ARG, "NULL size accepted");
    EXPECT(a2c_net_export_c(net, "", NULL) == A2C_E_INVALID_ARG, "empty path accepted");
    EXPECT(a2c_net_export_c(net, NULL, NULL) == A2C_E_INVALID_ARG, "NULL path accepted");
    free(text);
    free(file);
}

/* The library's greedy action for one observation, and the exported
 * file's; 1 if they are the same. */
static int same_action(a2c_net *net, const float *obs, size_t n_act)
{
#if POLICY_BOX
    float lib[MAX_DIM], mine[MAX_DIM];
    if (a2c_net_act_box(net, obs, 1, 1, lib, NULL, NULL) != A2C_OK) return 0;
    CAT(POLICY, _act_box)(obs, mine);
    return !memcmp(lib, mine, n_act * sizeof *lib);
#else
    (void)n_act;
    int32_t lib;
    if (a2c_net_act(net, obs, 1, 1, &lib, NULL, NULL) != A2C_OK) return 0;
    return lib == CAT(POLICY, _act)(obs);
#endif
}

/* The exported file's action, stepped in sub-environment 0 of `env`. */
static int step_exported(a2c_env *env, float *obs, double *reward, int *done)
{
    int terminated = 0, truncated = 0;
#if POLICY_BOX
    float action[MAX_DIM];
    CAT(POLICY, _act_box)(obs, action);
    const int rc = env->step(env->user, 0, 0, action, obs, reward, &terminated, &truncated);
#else
    const int rc = env->step(env->user, 0, CAT(POLICY, _act)(obs), NULL, obs, reward,
                             &terminated, &truncated);
#endif
    *done = terminated || truncated;
    return rc;
}

/* A random action of the space, stepped in sub-environment 0. */
static int step_random(a2c_env *env, float *obs, int *done)
{
    int terminated = 0, truncated = 0;
    double reward;
    float action[MAX_DIM];
    for (uint32_t k = 0; k < env->action_dim; k++) {
        const float lo = env->action_low ? env->action_low[k] : -1.0f;
        const float hi = env->action_high ? env->action_high[k] : 1.0f;
        action[k] = lo + (float)uniform() * (hi - lo);
    }
    const int32_t a = (int32_t)(uniform() * env->action_dim);
    const int box = env->action_kind == A2C_SPACE_BOX;
    const int rc = env->step(env->user, 0, box ? 0 : a, box ? action : NULL, obs, &reward,
                             &terminated, &truncated);
    *done = terminated || truncated;
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: export_driver MODEL EXPORTED.c ENV_ID N_OBS EPISODES "
                        "MIN_MEAN\n");
        return 2;
    }
    const char *model = argv[1], *exported = argv[2], *env_id = argv[3];
    const long n_obs = atol(argv[4]), episodes = atol(argv[5]);
    const double min_mean = atof(argv[6]);
    const int use_env = strcmp(env_id, "-") != 0;
    a2c_net *net = NULL;
    a2c_env *env = NULL;
    if (a2c_net_load(&net, model, NULL) != A2C_OK ||
        (use_env && a2c_env_make(&env, env_id, 1, NULL) != A2C_OK)) {
        fprintf(stderr, "export_driver: cannot load %s or make %s: %s\n", model, env_id,
                a2c_last_error());
        return 1;
    }
    const size_t d = a2c_net_obs_dim(net), n_act = a2c_net_n_actions(net);
    if ((use_env && d != env->obs_dim) || d > MAX_DIM || n_act > MAX_DIM ||
        (a2c_net_action_kind(net) == A2C_SPACE_BOX) != POLICY_BOX) {
        fprintf(stderr, "export_driver: %s does not fit %s or this build\n", model, env_id);
        return 1;
    }
    check_text(net, exported);

    /* 2. the box of visited states: random actions, then greedy ones */
    float obs[MAX_DIM], lo[MAX_DIM], hi[MAX_DIM];
    for (size_t k = 0; k < d; k++) {
        lo[k] = -1.5f;
        hi[k] = 1.5f;
    }
    uint64_t seed = 1;
    int done = 1;
    for (long t = 0; use_env && t < RANGE_STEPS; t++) {
        if (done && env->reset(env->user, 0, seed++, obs) != 0) return 1;
        for (size_t k = 0; k < d; k++) {
            lo[k] = t == 0 || obs[k] < lo[k] ? obs[k] : lo[k];
            hi[k] = t == 0 || obs[k] > hi[k] ? obs[k] : hi[k];
        }
        double reward;
        const int rc = t < RANGE_STEPS / 2 ? step_random(env, obs, &done)
                                           : step_exported(env, obs, &reward, &done);
        if (rc != 0) return 1;
    }
    long outputs_same = 0, actions_same = 0;
    double max_diff = 0.0;
    for (long n = 0; n < n_obs; n++) {
        for (size_t k = 0; k < d; k++) {
            const double mid = 0.5 * ((double)lo[k] + hi[k]), span = (double)hi[k] - lo[k];
            obs[k] = (float)(mid + (uniform() - 0.5) * 2.0 * (span > 0 ? span : 1.0));
            if (!use_env && n % 10 == 9) obs[k] *= 100.0f; /* clipping, tanh's clamp */
        }
        float lib[MAX_DIM], mine[MAX_DIM];
        if (a2c_net_forward(net, obs, 1, lib, NULL) != A2C_OK) return 1;
        CAT(POLICY, _forward)(obs, mine);
        outputs_same += !memcmp(lib, mine, n_act * sizeof *lib);
        for (size_t k = 0; k < n_act; k++) {
            const double diff = fabs((double)lib[k] - mine[k]);
            max_diff = diff > max_diff ? diff : max_diff;
        }
        actions_same += same_action(net, obs, n_act);
    }
    printf("%s: %ld of %ld observations give bit-identical outputs (largest difference %g), "
           "%ld the library's greedy action\n",
           STR(POLICY), outputs_same, n_obs, max_diff, actions_same);
    EXPECT(outputs_same == n_obs && actions_same == n_obs, "the exported policy disagrees");

    if (!use_env) {
        a2c_net_destroy(net);
        return failures ? 1 : 0;
    }

    /* 3. episodes played by the exported policy */
    double total = 0.0, worst = HUGE_VAL;
    long steps = 0, steps_same = 0;
    for (long e = 0; e < episodes; e++) {
        if (env->reset(env->user, 0, 1000 + (uint64_t)e, obs) != 0) return 1;
        double ret = 0.0, reward;
        for (uint32_t t = 0; !env->max_episode_steps || t < env->max_episode_steps; t++) {
            steps_same += same_action(net, obs, n_act);
            steps++;
            if (step_exported(env, obs, &reward, &done) != 0) return 1;
            ret += reward;
            if (done) break;
        }
        total += ret;
        worst = ret < worst ? ret : worst;
    }
    const double mean = episodes > 0 ? total / (double)episodes : 0.0;
    printf("%s: %ld episodes of %s played by the exported file alone: mean return %.1f, worst "
           "%.1f; the library agreed on %ld of %ld steps\n",
           STR(POLICY), episodes, env_id, mean, worst, steps_same, steps);
    EXPECT(steps_same == steps, "the library chose otherwise on some visited state");
    EXPECT(mean >= min_mean, "mean return %.1f, expected at least %.1f", mean, min_mean);
    a2c_env_close(env);
    a2c_net_destroy(net);
    return failures ? 1 : 0;
}

#endif /* POLICY */
