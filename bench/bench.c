/* make bench: throughput of liba2c on CartPole-v1 with rl-baselines3-zoo's
 * A2C settings (8 envs, n_steps 5, separate 64x64 tanh actor and critic,
 * RMSprop), and of batched inference.  Each figure is the median of several
 * runs; these machines are noisy.  A user of the public API only. */
#include <a2c/a2c.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "timing.h"

#define RUNS 9
/* Stable-Baselines3's A2C on CartPole-v1 with the same settings, measured on
 * the project's reference 2-core machines (the project brief). */
#define SB3_STEPS_PER_S 11300.0

static void check(a2c_status rc, const char *what)
{
    if (rc == A2C_OK) return;
    fprintf(stderr, "bench: %s: %s\n", what, a2c_strerror(rc));
    exit(1);
}

/* Training steps per second over `steps` env steps, from a fresh trainer. */
static double train_rate(int threads, uint64_t steps, uint64_t seed)
{
    a2c_env *env;
    a2c_config *cfg;
    a2c_trainer *tr;
    check(a2c_env_make(&env, "CartPole-v1", 8, NULL), "env");
    check(a2c_config_create(&cfg, NULL), "config");
    check(a2c_config_set_int(cfg, A2C_PARAM_SEED, (int64_t)seed), "seed");
    check(a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, threads), "threads");
    check(a2c_trainer_create(&tr, cfg, env), "trainer");
    const double t0 = now();
    check(a2c_trainer_learn(tr, steps, NULL, NULL), "learn");
    const double rate = (double)a2c_trainer_timesteps(tr) / (now() - t0);
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
    a2c_env_close(env);
    return rate;
}

/* Greedy actions per second for batches of `batch` observations. */
static double act_rate(size_t batch)
{
    a2c_config *cfg;
    a2c_net *net;
    check(a2c_config_create(&cfg, NULL), "config");
    check(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, (int64_t)batch), "max_batch");
    check(a2c_net_create(&net, cfg, 4, 2), "net");
    float *obs = malloc(batch * 4 * sizeof *obs);
    int32_t *act = malloc(batch * sizeof *act);
    for (size_t k = 0; k < batch * 4; k++) obs[k] = (float)((k * 37) % 100) / 1000.0f - 0.05f;
    const size_t calls = 2000000 / batch + 1;
    const double t0 = now();
    for (size_t c = 0; c < calls; c++) check(a2c_net_act(net, obs, batch, 1, act, NULL, NULL), "act");
    const double rate = (double)(calls * batch) / (now() - t0);
    free(obs), free(act);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
    return rate;
}

int main(int argc, char **argv)
{
    const uint64_t steps = argc > 1 ? strtoull(argv[1], NULL, 10) : 500000;
    printf("liba2c %s benchmark, CartPole-v1, rl-baselines3-zoo A2C settings, median of %d runs\n\n",
           a2c_version_string(), RUNS);
    printf("%-40s %12s %9s   %s\n", "what", "median/s", "vs SB3", "range of the runs");
    for (int threads = 1; threads <= 2; threads++) {
        double r[RUNS];
        for (int k = 0; k < RUNS; k++) r[k] = train_rate(threads, steps, (uint64_t)k);
        const double m = median(r, RUNS); /* sorts r */
        char label[64];
        snprintf(label, sizeof label, "training, %d thread%s (%llu steps)", threads,
                 threads > 1 ? "s" : "", (unsigned long long)steps);
        printf("%-40s %12.0f %8.0fx   %.0f - %.0f\n", label, m, m / SB3_STEPS_PER_S, r[0],
               r[RUNS - 1]);
    }
    static const size_t batches[] = {1, 8, 64, 256};
    for (size_t b = 0; b < sizeof batches / sizeof batches[0]; b++) {
        double r[RUNS];
        for (int k = 0; k < RUNS; k++) r[k] = act_rate(batches[b]);
        char label[64];
        snprintf(label, sizeof label, "greedy actions, batch %zu", batches[b]);
        const double m = median(r, RUNS);
        printf("%-40s %12.0f %9s   %.0f - %.0f\n", label, m, "", r[0], r[RUNS - 1]);
    }
    printf("\nSB3 reference: %.0f env steps/s (A2C, same settings, same machine class).\n",
           SB3_STEPS_PER_S);
    return 0;
}
