/* Hostile input and faults (the audit of 0.1): crafted checkpoints that
 * claim huge sizes, impossible optimizer and progress state, updates that
 * diverge, re-entrant calls from callbacks, text numbers that overflow or
 * lose digits, and evaluation of an environment that never ends.
 *
 * Public API only, so that the same file also builds against release 0.1.0
 * (commit 198524e), where each check of a defect fails: the parts that
 * need 0.2's functions are behind #ifdef A2C_EVAL_STEP_CAP. */
#include "harness.h"

#include <a2c/a2c.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- a counting allocator: live and peak bytes ---- */

typedef struct counter {
    size_t live, peak, biggest;
} counter;

static void *c_alloc(void *ctx, size_t size, size_t align)
{
    counter *c = ctx;
    (void)align;
    if (size > (size_t)1 << 32) return NULL; /* don't let 0.1 touch 4 GB here */
    void *raw = malloc(size + 64);
    if (!raw) return NULL;
    unsigned char *p = (unsigned char *)(((uintptr_t)raw + 64) & ~(uintptr_t)63);
    memcpy(p - sizeof raw, &raw, sizeof raw);
    c->live += size;
    c->peak = c->live > c->peak ? c->live : c->peak;
    c->biggest = size > c->biggest ? size : c->biggest;
    return p;
}

static void c_free(void *ctx, void *ptr, size_t size)
{
    counter *c = ctx;
    if (!ptr) return;
    void *raw;
    memcpy(&raw, (unsigned char *)ptr - sizeof raw, sizeof raw);
    c->live -= size;
    free(raw);
}

/* ---- checkpoint surgery: find fields in format 1 or 2, reseal ---- */

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t k = 0; k < n; k++) {
        crc ^= p[k];
        for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static uint32_t get32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int k = 0; k < 4; k++) p[k] = (unsigned char)(v >> (8 * k));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int k = 0; k < 8; k++) p[k] = (unsigned char)(v >> (8 * k));
}

static void reseal(unsigned char *buf, size_t size)
{
    put32(buf + size - 4, crc32_of(buf, size - 4));
}

/* Offset of the configuration's bytes: right after the header in format
 * 1, after the section table (configuration first) in format 2. */
static size_t config_at(const unsigned char *buf)
{
    return get32(buf + 8) == 1 ? 24 : 24 + 4 + (size_t)get32(buf + 24) * 16;
}

/* Offset of the 8-byte value of parameter `id` in the configuration. */
static size_t param_value_at(const unsigned char *buf, uint32_t id)
{
    const size_t at = config_at(buf);
    const uint32_t count = get32(buf + at);
    for (uint32_t k = 0; k < count; k++)
        if (get32(buf + at + 4 + 16 * k) == id) return at + 4 + 16 * k + 8;
    return 0;
}

/* Offset of the network's bytes (obs_dim, n_actions, n_params, ...). */
static size_t net_at(const unsigned char *buf)
{
    size_t at = config_at(buf);
    at += 4 + 16 * (size_t)get32(buf + at);
    at += 4 + 4 * (size_t)get32(buf + at);
    at += 4 + 4 * (size_t)get32(buf + at);
    return at;
}

/* Offset of the optimizer's step count in a trainer checkpoint. */
static size_t optimizer_steps_at(const unsigned char *buf)
{
    const size_t net = net_at(buf);
    const uint64_t n = get32(buf + net + 8) | (uint64_t)get32(buf + net + 12) << 32;
    const size_t after_net = net + 16 + 4 * (size_t)n + 32;
    /* format 1: 88 bytes of progress come first; format 2: the optimizer
     * section follows the network section */
    return (get32(buf + 8) == 1 ? after_net + 88 : after_net) + 4;
}

static a2c_config *small_config(const char *arch, int rmsprop)
{
    a2c_config *cfg = NULL;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_string(cfg, "net_arch", arch) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_STEPS, 4) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_USE_RMS_PROP, rmsprop) == A2C_OK);
    return cfg;
}

static unsigned char *save_trainer(a2c_trainer *tr, size_t *size)
{
    CHECK(a2c_trainer_save_size(tr, size) == A2C_OK);
    unsigned char *buf = malloc(*size);
    CHECK(a2c_trainer_save_to_buffer(tr, buf, *size, NULL) == A2C_OK);
    return buf;
}

/* Defect 1: a checkpoint whose network section claims 4096 inputs (and the
 * matching parameter count) and a huge max_batch, with the parameters
 * absent.  0.1 allocated max_batch x widths before comparing the count
 * with the bytes present. */
static void test_claims_before_allocation(void)
{
    a2c_env *env;
    CHECK(a2c_env_make(&env, "CartPole-v1", 2, NULL) == A2C_OK);
    a2c_config *cfg = small_config("8", 1);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, 64, NULL, NULL) == A2C_OK);
    size_t size;
    unsigned char *good = save_trainer(tr, &size);
    unsigned char *buf = malloc(size);
    const size_t net = net_at(good), mb = param_value_at(good, A2C_PARAM_MAX_BATCH);
    CHECK(mb != 0);
    for (int variant = 0; variant < 3; variant++) {
        memcpy(buf, good, size);
        if (variant == 0 || variant == 2) {
            /* obs_dim 4096 with the count the architecture implies:
             * 2 x (4096 x 8 + 8) + (8 x 2 + 2) + (8 + 1) */
            put32(buf + net, 4096);
            put64(buf + net + 8, 2 * (4096 * 8 + 8) + 18 + 9);
        }
        if (variant >= 1) put64(buf + mb, (uint64_t)1 << 24); /* max_batch */
        reseal(buf, size);
        counter c = {0, 0, 0};
        const a2c_allocator hooks = {A2C_ALLOCATOR_V1, c_alloc, c_free, &c};
        a2c_net *back = NULL;
        const a2c_status rc = a2c_net_load_from_buffer(&back, buf, size, &hooks);
        /* variant 1 is a consistent file with a huge max_batch: it loads,
         * with a bounded workspace; the others lack their parameters */
        CHECK(rc == (variant == 1 ? A2C_OK : A2C_E_FORMAT));
        CHECK(c.peak <= 8 * size + 16384);
        printf("crafted checkpoint %d: %zu bytes, %s, peak %zu bytes allocated while loading\n",
               variant, size, a2c_strerror(rc), c.peak);
        if (back) {
            float obs[4] = {0.1f, 0.0f, -0.1f, 0.0f};
            int32_t a[3];
            float many[12] = {0};
            CHECK(a2c_net_act(back, obs, 1, 1, a, NULL, NULL) == A2C_OK);
            CHECK(a2c_net_act(back, many, 3, 1, a, NULL, NULL) == A2C_OK); /* any batch */
            a2c_net_destroy(back);
        }
        CHECK(c.live == 0);
        /* the trainer load checks the same before allocating */
        if (variant != 1) CHECK(a2c_trainer_load_from_buffer(tr, buf, size) == A2C_E_FORMAT);
    }
    free(buf), free(good);
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
    a2c_env_close(env);
}

/* Defect 2: Adam's step count at 2^64 - 1 (the next update would wrap it
 * to 0 and divide by zero in the bias correction); and progress counters
 * no trainer can reach. */
static void test_impossible_state(void)
{
    a2c_env *env;
    CHECK(a2c_env_make(&env, "CartPole-v1", 2, NULL) == A2C_OK);
    a2c_config *cfg = small_config("8", 0); /* Adam */
    a2c_trainer *tr = NULL, *other = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_create(&other, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, 64, NULL, NULL) == A2C_OK);
    size_t size;
    unsigned char *buf = save_trainer(tr, &size);
    const size_t steps_at = optimizer_steps_at(buf);
    CHECK(get32(buf + steps_at) == 8 && get32(buf + steps_at + 4) == 0); /* 64 / (2 x 4) */
    put64(buf + steps_at, UINT64_MAX);
    reseal(buf, size);
    const a2c_status rc = a2c_trainer_load_from_buffer(other, buf, size);
    CHECK(rc == A2C_E_FORMAT);
    if (rc == A2C_OK) { /* what 0.1 then did */
        const a2c_status learned = a2c_trainer_learn(other, 128, NULL, NULL);
        const float *p = a2c_net_params(a2c_trainer_net(other));
        printf("  loaded; learn gave %s, first parameter %g\n", a2c_strerror(learned),
               (double)p[0]);
    }
    free(buf);
    a2c_trainer_destroy(tr), a2c_trainer_destroy(other);
    a2c_config_destroy(cfg);
    a2c_env_close(env);
}

/* Defect 4: RMSprop with alpha 1 keeps its square averages at 0, so a
 * finite gradient divided by eps overflows a parameter. */
static void test_update_overflow(void)
{
    a2c_config *cfg = NULL;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_RMS_PROP_ALPHA, 1.0) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_RMS_PROP_EPS, 1e-12) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_LEARNING_RATE, 1e3) == A2C_OK);
    a2c_optimizer *opt = NULL;
    CHECK(a2c_optimizer_create(&opt, cfg, 4) == A2C_OK);
    float params[4] = {1.0f, -2.0f, 3.0f, 0.5f}, grads[4] = {1e30f, 0.0f, -1e30f, 1e-3f};
    const float before[4] = {1.0f, -2.0f, 3.0f, 0.5f};
    const a2c_status rc = a2c_optimizer_step(opt, params, grads, 4, 1.0);
    CHECK(rc == A2C_E_NONFINITE);
    int finite = 1;
    for (int k = 0; k < 4; k++) finite &= isfinite(params[k]) != 0;
    CHECK(finite);
    CHECK(memcmp(params, before, sizeof before) == 0); /* the last good parameters */
    float state[4];
    uint64_t steps = 99;
    CHECK(a2c_optimizer_get_state(opt, state, 4, &steps) == A2C_OK);
    CHECK(steps == 0 && state[0] == 0.0f); /* the step was undone */
#ifdef A2C_EVAL_STEP_CAP
    /* the update kernels take each array as their own: overlap is refused */
    CHECK(a2c_optimizer_step(opt, params, params, 4, 1.0) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_step(opt, params + 1, params, 4, 1.0) == A2C_E_INVALID_ARG);
#endif
    /* a sane step still works afterwards */
    const float small[4] = {1e-3f, 1e-3f, 1e-3f, 1e-3f};
    CHECK(a2c_optimizer_set_state(opt, small, 4, 0) == A2C_OK);
    const float g2[4] = {0.1f, 0.1f, 0.1f, 0.1f};
    CHECK(a2c_optimizer_step(opt, params, g2, 4, 1.0) == A2C_OK);
    a2c_optimizer_destroy(opt);
    a2c_config_destroy(cfg);
}

/* Saves refuse a net a host made non-finite through a2c_net_params. */
static void test_save_refuses_nonfinite(void)
{
    a2c_config *cfg = small_config("4", 1);
    a2c_net *net = NULL;
    CHECK(a2c_net_create(&net, cfg, 3, 2) == A2C_OK);
    size_t size = 0;
    CHECK(a2c_net_save_size(net, &size) == A2C_OK);
    unsigned char *buf = malloc(size);
    a2c_net_params(net)[5] = NAN;
    CHECK(a2c_net_save_to_buffer(net, buf, size, NULL) == A2C_E_NONFINITE);
    a2c_net_params(net)[5] = INFINITY;
    CHECK(a2c_net_save(net, "build/test_hostile_nonfinite.a2c") == A2C_E_NONFINITE);
    a2c_net_params(net)[5] = 0.5f;
    CHECK(a2c_net_save_to_buffer(net, buf, size, NULL) == A2C_OK);
    free(buf);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

/* Defect 5: learn called from inside its own callback with two threads. */
typedef struct reentry {
    a2c_trainer *tr;
    a2c_status inner_learn, inner_load, inner_act, inner_save;
    int calls;
} reentry;

static int reenter(const a2c_train_stats *s, void *user)
{
    reentry *r = user;
    (void)s;
    if (r->calls++ > 0) return 1;
    r->inner_learn = a2c_trainer_learn(r->tr, 100000, NULL, NULL);
    unsigned char junk[64] = {0};
    r->inner_load = a2c_trainer_load_from_buffer(r->tr, junk, sizeof junk);
    /* acting and saving between updates are allowed */
    float obs[4] = {0};
    int32_t a;
    r->inner_act = a2c_net_act(a2c_trainer_net(r->tr), obs, 1, 1, &a, NULL, NULL);
    size_t size;
    r->inner_save = a2c_trainer_save_size(r->tr, &size);
    return 0;
}

static void test_reentry(void)
{
    a2c_env *env;
    CHECK(a2c_env_make(&env, "CartPole-v1", 4, NULL) == A2C_OK);
    a2c_config *cfg = small_config("16", 1);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, 2) == A2C_OK);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    reentry r = {tr, A2C_OK, A2C_OK, A2C_OK, A2C_OK, 0};
    CHECK(a2c_trainer_learn(tr, 400, reenter, &r) == A2C_OK);
    CHECK(r.inner_learn == A2C_E_STATE);
    CHECK(r.inner_load == A2C_E_STATE);
    CHECK(r.inner_act == A2C_OK && r.inner_save == A2C_OK);
    CHECK(a2c_trainer_timesteps(tr) < 1000); /* the inner learn did not train */
    CHECK(a2c_trainer_learn(tr, 800, NULL, NULL) == A2C_OK); /* and the trainer still works */
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
    a2c_env_close(env);
}

/* Defect 7: text numbers. */
static void test_text_numbers(void)
{
    a2c_config *cfg = NULL;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    /* documented to return only OK or INVALID_ARG */
    CHECK(a2c_config_set_string(cfg, "gamma", "1e400") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(cfg, "learning_rate", "lin_1e400") == A2C_E_INVALID_ARG);
    /* a seed keeps every digit */
    CHECK(a2c_config_set_string(cfg, "seed", "9007199254740993") == A2C_OK);
    int64_t seed = 0;
    CHECK(a2c_config_get_int(cfg, A2C_PARAM_SEED, &seed) == A2C_OK);
    CHECK(seed == INT64_C(9007199254740993));
    CHECK(a2c_config_set_string(cfg, "seed", "9223372036854775807") == A2C_OK);
    CHECK(a2c_config_get_int(cfg, A2C_PARAM_SEED, &seed) == A2C_OK);
    CHECK(seed == INT64_MAX);
    CHECK(a2c_config_set_string(cfg, "seed", "9223372036854775808") == A2C_E_INVALID_ARG);
    a2c_config_destroy(cfg);
}

/* Found by fuzz_trainer_load: a checkpoint at 2^53 steps (the loader's
 * limit) loaded, learn went past it, and the trainer saved a file it then
 * refused.  Now learn stops at the limit and every save loads again. */
static void test_step_limit_round_trip(void)
{
    FILE *fp = fopen(A2C_SOURCE_DIR "/tests/fixtures/fuzz/fuzz_trainer_load-timesteps-2p53", "rb");
    if (!CHECK(fp != NULL)) return;
    unsigned char ckpt[4096];
    const size_t size = fread(ckpt, 1, sizeof ckpt, fp);
    fclose(fp);
    a2c_env *env;
    CHECK(a2c_env_make(&env, "CartPole-v1", 2, NULL) == A2C_OK);
    a2c_config *cfg = small_config("8", 1);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_STEPS, 2) == A2C_OK);
    a2c_trainer *tr = NULL, *again = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_create(&again, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_load_from_buffer(tr, ckpt, size) == A2C_OK);
    const uint64_t at = a2c_trainer_timesteps(tr);
    CHECK(at == (uint64_t)1 << 53);
    CHECK(a2c_trainer_learn(tr, at + 8, NULL, NULL) == A2C_E_STATE);
    CHECK(a2c_trainer_timesteps(tr) == at);
    size_t saved_size;
    unsigned char *saved = save_trainer(tr, &saved_size);
    CHECK(a2c_trainer_load_from_buffer(again, saved, saved_size) == A2C_OK);
    free(saved);
    a2c_trainer_destroy(tr), a2c_trainer_destroy(again);
    a2c_config_destroy(cfg);
    a2c_env_close(env);
}

#ifdef A2C_EVAL_STEP_CAP
/* Defect 7: evaluation of an environment that never ends and sets no
 * limit still returns. */
static int endless_reset(void *user, uint32_t i, uint64_t seed, float *obs)
{
    (void)user, (void)i, (void)seed;
    obs[0] = 0.0f;
    return 0;
}

static int endless_step(void *user, uint32_t i, int32_t action, const float *box, float *obs,
                        double *reward, int *terminated, int *truncated)
{
    (void)i, (void)action, (void)box;
    ++*(long *)user;
    obs[0] = 0.5f;
    *reward = 1.0;
    *terminated = *truncated = 0;
    return 0;
}

static void test_endless_evaluation(void)
{
    long steps = 0;
    a2c_env env = {0};
    env.version = A2C_ENV_V1;
    env.num_envs = 1;
    env.obs_dim = 1;
    env.action_kind = A2C_SPACE_DISCRETE;
    env.action_dim = 2;
    env.user = &steps;
    env.reset = endless_reset;
    env.step = endless_step;
    a2c_config *cfg = small_config("4", 1);
    a2c_net *net = NULL;
    CHECK(a2c_net_create(&net, cfg, 1, 2) == A2C_OK);
    double mean = 0.0, returns[2];
    CHECK(a2c_evaluate_capped(net, &env, 2, 1, 0, 1000, &mean, NULL, returns) == A2C_OK);
    CHECK(steps == 2000 && mean == 1000.0 && returns[1] == 1000.0);
    steps = 0;
    CHECK(a2c_evaluate(net, &env, 1, 1, 0, &mean, NULL, NULL) == A2C_OK);
    CHECK(steps == A2C_EVAL_STEP_CAP && mean == (double)A2C_EVAL_STEP_CAP);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}
#endif

int main(void)
{
    test_claims_before_allocation();
    test_impossible_state();
    test_update_overflow();
    test_save_refuses_nonfinite();
    test_reentry();
    test_text_numbers();
    test_step_limit_round_trip();
#ifdef A2C_EVAL_STEP_CAP
    test_endless_evaluation();
#endif
    return harness_report();
}
