/* make bench-scale: how liba2c's training speed scales with the number of
 * environments, the width of the networks and the thread count.
 *
 *   scale [--envs N] [--width W] [--threads T] [--runs R] [--seconds S]
 *         [--no-busy | --busy-only]
 *
 * Without a selection it measures the whole matrix n_envs {8, 64, 256} x
 * net {64x64, 256x256} x threads {1, 2} on the built-in CartPole-v1 with
 * rl-baselines3-zoo's CartPole settings otherwise (its preset, which
 * equals a2c_config_create's defaults, with n_envs and net_arch set),
 * then the busy-wait environment below with 8 envs, 64x64, 1 and 2
 * threads.  --envs, --width and --threads each pick one value of their
 * dimension (`scale --envs 64 --width 256 --threads 2`); --busy-only runs
 * just the busy-wait case.
 *
 * Every cell first trains once to warm up and to measure its speed, then
 * picks a step budget of about S seconds (default 0.6) and trains R times
 * (default 5) from fresh trainers with seeds 0..R-1.  It prints the median
 * env steps/s and the spread (max - min) / median.  The table's rows start
 * with "cartpole" or "busy" and have fixed columns, for bench/scale.sh.
 * A user of the public API only. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, CLOCK_MONOTONIC */

#include <a2c/a2c.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"

#define MAX_RUNS 99
#define BUSY_ENVS 8
#define BUSY_WIDTH 64
#define BUSY_EPISODE 200
/* Long enough that stepping dominates an update of the zoo's net (about
 * 1 us per env step), short enough for a game's physics tick. */
#define BUSY_NS 20000

static void check(a2c_status rc, const char *what)
{
    if (rc == A2C_OK) return;
    fprintf(stderr, "scale: %s: %s (%s)\n", what, a2c_strerror(rc), a2c_last_error());
    exit(1);
}

/* ---- the busy-wait environment ----
 *
 * CartPole's shapes (4 observations, 2 actions) with trivial dynamics and
 * a fixed cost per step, standing for a host whose simulation, not the
 * networks, is the bottleneck.  Each sub-environment owns one slot of
 * `slots` and the callbacks touch nothing else that is written, so `step`
 * may run concurrently for different indices.  Slots are a cache line
 * apart so that two threads stepping neighbours do not share one. */
typedef struct busy_slot {
    float x, v;
    uint32_t t;
    uint32_t salt;
    char pad[64 - 2 * sizeof(float) - 2 * sizeof(uint32_t)];
} busy_slot;
_Static_assert(sizeof(busy_slot) == 64, "one busy_slot per cache line");

typedef struct busy_env {
    busy_slot *slots;
    int64_t spin_ns; /* read only after creation */
} busy_env;

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Spins rather than sleeps: a sleeping thread would leave its core to the
 * other thread, which is not what a busy simulation does. */
static void spin(int64_t ns)
{
    const int64_t end = mono_ns() + ns;
    while (mono_ns() < end) {
    }
}

static void busy_obs(const busy_slot *s, float *obs)
{
    obs[0] = s->x;
    obs[1] = s->v;
    obs[2] = (float)s->t / (float)BUSY_EPISODE;
    obs[3] = (float)(s->salt & 0xff) / 256.0f - 0.5f;
}

static int busy_reset(void *user, uint32_t index, uint64_t seed, float *obs)
{
    busy_slot *s = &((busy_env *)user)->slots[index];
    s->salt = (uint32_t)(seed ^ (seed >> 32));
    s->x = (float)(s->salt % 1000u) / 10000.0f - 0.05f;
    s->v = 0.0f;
    s->t = 0;
    busy_obs(s, obs);
    return 0;
}

static int busy_step(void *user, uint32_t index, int32_t action, const float *box_action,
                     float *obs, double *reward, int *terminated, int *truncated)
{
    (void)box_action;
    const busy_env *e = user;
    busy_slot *s = &e->slots[index];
    spin(e->spin_ns);
    s->v += action ? 0.01f : -0.01f;
    s->x += 0.02f * s->v;
    s->t++;
    busy_obs(s, obs);
    *reward = 1.0;
    *terminated = s->t >= BUSY_EPISODE;
    *truncated = 0;
    return 0;
}

static void busy_make(a2c_env *env, busy_env *be, uint32_t n)
{
    /* Cache-line aligned, so that each slot has a line to itself. */
    be->slots = aligned_alloc(64, n * sizeof *be->slots);
    if (!be->slots) {
        fprintf(stderr, "scale: out of memory\n");
        exit(1);
    }
    memset(be->slots, 0, n * sizeof *be->slots);
    be->spin_ns = BUSY_NS;
    memset(env, 0, sizeof *env);
    /* version 3: `step` may run for different indices at once (the
     * callbacks above keep per-index state only) */
    env->version = A2C_ENV_V3;
    env->flags = A2C_ENV_CONCURRENT_STEP;
    env->num_envs = n;
    env->obs_dim = 4;
    env->action_kind = A2C_SPACE_DISCRETE;
    env->action_dim = 2;
    env->user = be;
    env->reset = busy_reset;
    env->step = busy_step;
}

/* ---- one training run ---- */

typedef struct cell {
    const char *kind; /* "cartpole" or "busy" */
    int envs, width, threads;
} cell;

/* Env steps per second of one a2c_trainer_learn of `steps`, from a fresh
 * trainer (creating it is not timed, as in bench/bench.c). */
static double train_rate(const cell *c, uint64_t steps, uint64_t seed)
{
    a2c_env *env = NULL, busy;
    busy_env be = {0};
    a2c_config *cfg;
    a2c_trainer *tr;
    if (strcmp(c->kind, "busy") == 0) {
        busy_make(&busy, &be, (uint32_t)c->envs);
    } else {
        check(a2c_env_make(&env, "CartPole-v1", (uint32_t)c->envs, NULL), "env");
    }
    const int32_t arch[2] = {c->width, c->width};
    check(a2c_config_create(&cfg, NULL), "config");
    /* The zoo's CartPole row (today equal to the defaults) for every env,
     * so that only the measured dimensions differ between cells. */
    check(a2c_config_apply_preset(cfg, "CartPole-v1", NULL), "preset");
    check(a2c_config_set_int(cfg, A2C_PARAM_SEED, (int64_t)seed), "seed");
    check(a2c_config_set_int(cfg, A2C_PARAM_N_ENVS, c->envs), "n_envs");
    check(a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, c->threads), "threads");
    check(a2c_config_set_net_arch(cfg, arch, 2, arch, 2), "net_arch");
    check(a2c_trainer_create(&tr, cfg, env ? env : &busy), "trainer");
    const double t0 = now();
    check(a2c_trainer_learn(tr, steps, NULL, NULL), "learn");
    const double rate = (double)a2c_trainer_timesteps(tr) / (now() - t0);
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
    a2c_env_close(env);
    free(be.slots);
    return rate;
}

/* Runs one cell and prints its row; returns the median. */
static double run_cell(const cell *c, int runs, double seconds)
{
    const uint64_t batch = 5 * (uint64_t)c->envs; /* n_steps 5: one update */
    /* The warm-up budget is a guess of about 0.1-0.2 s on the reference
     * machine; its measured speed then sets the real budget. */
    uint64_t warm = strcmp(c->kind, "busy") == 0 ? 5000 : c->width > 64 ? 10000 : 100000;
    warm = (warm + batch - 1) / batch * batch;
    const double probe = train_rate(c, warm, 1000);
    uint64_t steps = (uint64_t)(probe * seconds);
    if (steps < 4 * batch) steps = 4 * batch;
    steps = (steps + batch - 1) / batch * batch;
    double r[MAX_RUNS];
    for (int k = 0; k < runs; k++) r[k] = train_rate(c, steps, (uint64_t)k);
    const double m = median(r, runs); /* sorts r */
    char net[32];
    snprintf(net, sizeof net, "%dx%d", c->width, c->width);
    printf("%-9s %5d %8s %7d %10llu %11.0f %11.0f %11.0f %6.1f%%\n", c->kind, c->envs, net,
           c->threads, (unsigned long long)steps, m, r[0], r[runs - 1],
           100.0 * (r[runs - 1] - r[0]) / m);
    fflush(stdout);
    return m;
}

static void usage(void)
{
    fprintf(stderr, "usage: scale [--envs N] [--width W] [--threads T] [--runs R] "
                    "[--seconds S] [--no-busy | --busy-only]\n");
    exit(2);
}

static long arg_long(int argc, char **argv, int *i, long lo, long hi)
{
    if (*i + 1 >= argc) usage();
    char *end;
    const long v = strtol(argv[++*i], &end, 10);
    if (*end || v < lo || v > hi) {
        fprintf(stderr, "scale: %s wants a whole number in %ld..%ld\n", argv[*i - 1], lo, hi);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    static const int all_envs[] = {8, 64, 256}, all_widths[] = {64, 256}, all_threads[] = {1, 2};
    int envs = 0, width = 0, threads = 0, runs = 5, busy = 1, matrix = 1;
    double seconds = 0.6;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--envs") == 0) envs = (int)arg_long(argc, argv, &i, 1, 65536);
        else if (strcmp(argv[i], "--width") == 0) width = (int)arg_long(argc, argv, &i, 1, 4096);
        else if (strcmp(argv[i], "--threads") == 0) threads = (int)arg_long(argc, argv, &i, 1, 256);
        else if (strcmp(argv[i], "--runs") == 0) runs = (int)arg_long(argc, argv, &i, 1, MAX_RUNS);
        else if (strcmp(argv[i], "--no-busy") == 0) busy = 0;
        else if (strcmp(argv[i], "--busy-only") == 0) matrix = 0;
        else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = strtod(argv[++i], NULL);
            if (!(seconds > 0.0 && seconds <= 600.0)) usage();
        } else usage();
    }
    /* A selected cell is a CartPole cell; the busy-wait case comes with the
     * whole matrix, or alone with --busy-only. */
    if (envs || width || threads) busy = busy && !matrix;
    printf("liba2c %s scaling, env steps/s of a2c_trainer_learn, median of %d runs of "
           "about %.2g s\n",
           a2c_version_string(), runs, seconds);
    printf("CartPole-v1 with rl-baselines3-zoo's settings (n_steps 5, RMSprop, tanh, "
           "separate actor and critic)\n\n");
    printf("%-9s %5s %8s %7s %10s %11s %11s %11s %7s\n", "env", "envs", "net", "threads",
           "steps/run", "median/s", "min/s", "max/s", "spread");
    for (size_t e = 0; matrix && e < sizeof all_envs / sizeof all_envs[0]; e++) {
        for (size_t w = 0; w < sizeof all_widths / sizeof all_widths[0]; w++) {
            for (size_t t = 0; t < sizeof all_threads / sizeof all_threads[0]; t++) {
                cell c = {"cartpole", envs ? envs : all_envs[e], width ? width : all_widths[w],
                          threads ? threads : all_threads[t]};
                run_cell(&c, runs, seconds);
                if (threads) break;
            }
            if (width) break;
        }
        if (envs) break;
    }
    if (busy) {
        printf("\nbusy: %d envs whose step spins %d us, %dx%d net; concurrent step: "
               "allowed (A2C_ENV_CONCURRENT_STEP)\n", BUSY_ENVS, BUSY_NS / 1000, BUSY_WIDTH,
               BUSY_WIDTH);
        cell c1 = {"busy", BUSY_ENVS, BUSY_WIDTH, 1}, c2 = {"busy", BUSY_ENVS, BUSY_WIDTH, 2};
        const double m1 = run_cell(&c1, runs, seconds);
        const double m2 = run_cell(&c2, runs, seconds);
        printf("busy-wait env, 2 threads / 1 thread: %.3f\n", m2 / m1);
    }
    return 0;
}
