/* Helpers of the tests that train with rl-baselines3-zoo's presets
 * (test_normalize.c, test_continuous.c), on top of harness.h. */
#ifndef A2C_TESTS_ZOO_H
#define A2C_TESTS_ZOO_H

#include "harness.h"

#include <a2c/a2c.h>

#include <stdlib.h>

/* A trainer checkpoint in a new buffer (free() it); *size its bytes. */
static inline unsigned char *trainer_bytes(const a2c_trainer *tr, size_t *size)
{
    CHECK(a2c_trainer_save_size(tr, size) == A2C_OK);
    unsigned char *buf = malloc(*size);
    CHECK(buf && a2c_trainer_save_to_buffer(tr, buf, *size, NULL) == A2C_OK);
    return buf;
}

/* Trains `id` with its preset (the zoo's settings and budget, seed 0) and
 * returns the greedy mean return over 100 episodes on one environment
 * (evaluation seed 1); *budget receives the steps trained. */
static inline double zoo_greedy_mean(const char *id, uint64_t *budget)
{
    a2c_config *cfg = NULL;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    *budget = 0;
    CHECK(a2c_config_apply_preset(cfg, id, budget) == A2C_OK);
    int64_t n_envs = 1;
    CHECK(a2c_config_get_int(cfg, A2C_PARAM_N_ENVS, &n_envs) == A2C_OK);
    a2c_env *env = NULL, *eval_env = NULL;
    CHECK(a2c_env_make(&env, id, (uint32_t)n_envs, NULL) == A2C_OK);
    CHECK(a2c_env_make(&eval_env, id, 1, NULL) == A2C_OK);
    a2c_trainer *tr = NULL;
    CHECK(a2c_trainer_create(&tr, cfg, env) == A2C_OK);
    CHECK(a2c_trainer_learn(tr, *budget, NULL, NULL) == A2C_OK);
    double mean = -1e300;
    CHECK(a2c_evaluate(a2c_trainer_net(tr), eval_env, 100, 1, 1, &mean, NULL, NULL) == A2C_OK);
    a2c_trainer_destroy(tr);
    a2c_env_close(eval_env);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
    return mean;
}

#endif /* A2C_TESTS_ZOO_H */
