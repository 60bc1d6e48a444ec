/* Evaluation, as SB3's evaluate_policy: episodes are shared out over the
 * sub-environments (env i runs (n + i) / num_envs of them), every
 * sub-environment steps in lockstep and resets when its episode ends, and
 * the mean and population standard deviation of the returns are reported.
 * Its own generators (from `seed`) drive resets and sampling, so an
 * evaluation never disturbs training. */
#include "internal.h"

#include <math.h>
#include <string.h>

typedef struct eval_buffers {
    float *obs, *next_obs;
    double *rewards, *ep_return;
    int *terminated, *truncated;
    int32_t *actions;
    uint32_t *done_count, *target;
    uint64_t *ep_length;
} eval_buffers;

/* Bytes the block needs, or 0 on overflow; with a block, also points every
 * buffer into it. */
static size_t lay_out(eval_buffers *b, unsigned char *block, size_t n, size_t obs_dim)
{
    size_t used = 0;
    b->obs = a2c__carve(n, obs_dim, sizeof(float), block, &used);
    b->next_obs = a2c__carve(n, obs_dim, sizeof(float), block, &used);
    b->rewards = a2c__carve(n, 1, sizeof(double), block, &used);
    b->ep_return = a2c__carve(n, 1, sizeof(double), block, &used);
    b->terminated = a2c__carve(n, 1, sizeof(int), block, &used);
    b->truncated = a2c__carve(n, 1, sizeof(int), block, &used);
    b->actions = a2c__carve(n, 1, sizeof(int32_t), block, &used);
    b->done_count = a2c__carve(n, 1, sizeof(uint32_t), block, &used);
    b->target = a2c__carve(n, 1, sizeof(uint32_t), block, &used);
    b->ep_length = a2c__carve(n, 1, sizeof(uint64_t), block, &used);
    return used == SIZE_MAX ? 0 : used;
}

static a2c_status reset(const a2c_env *env, uint32_t i, a2c__rng *rng, float *obs)
{
    if (env->reset(env->user, i, a2c__rng_next(rng), obs) != 0) return A2C_E_ENV;
    return a2c__all_finite(obs, env->obs_dim) ? A2C_OK : A2C_E_NONFINITE;
}

static a2c_status run(a2c_net *net, const a2c_env *env, uint32_t n_episodes, int deterministic,
                      uint64_t seed, eval_buffers *b, double *mean, double *std, double *returns)
{
    const uint32_t n = env->num_envs;
    const size_t od = env->obs_dim;
    a2c__rng reset_rng, sample_rng;
    a2c__rng_seed(&reset_rng, seed, 4);
    a2c__rng_seed(&sample_rng, seed, 5);
    for (uint32_t i = 0; i < n; i++) {
        b->target[i] = (n_episodes + i) / n;
        a2c_status rc = reset(env, i, &reset_rng, b->obs + i * od);
        if (rc != A2C_OK) return rc;
    }
    uint32_t finished = 0;
    double sum = 0.0, sum_sq = 0.0;
    while (finished < n_episodes) {
        a2c_status rc =
            a2c__net_act(net, b->obs, n, deterministic, &sample_rng, b->actions, NULL, NULL);
        if (rc != A2C_OK) return rc;
        if (env->step_all) {
            if (env->step_all(env->user, b->actions, NULL, b->next_obs, b->rewards, b->terminated,
                              b->truncated) != 0)
                return A2C_E_ENV;
        } else {
            for (uint32_t i = 0; i < n; i++)
                if (env->step(env->user, i, b->actions[i], NULL, b->next_obs + i * od,
                              &b->rewards[i], &b->terminated[i], &b->truncated[i]) != 0)
                    return A2C_E_ENV;
        }
        if (!a2c__all_finite(b->next_obs, n * od)) return A2C_E_NONFINITE;
        for (uint32_t i = 0; i < n; i++) {
            if (!isfinite(b->rewards[i])) return A2C_E_NONFINITE;
            b->ep_return[i] += b->rewards[i];
            b->ep_length[i]++;
            const int limit = env->max_episode_steps && b->ep_length[i] >= env->max_episode_steps;
            if (!b->terminated[i] && !b->truncated[i] && !limit) continue;
            if (b->done_count[i] < b->target[i]) {
                const double r = b->ep_return[i];
                if (returns) returns[finished] = r;
                sum += r;
                sum_sq += r * r;
                finished++;
                b->done_count[i]++;
            }
            b->ep_return[i] = 0.0;
            b->ep_length[i] = 0;
            rc = reset(env, i, &reset_rng, b->next_obs + i * od);
            if (rc != A2C_OK) return rc;
        }
        memcpy(b->obs, b->next_obs, n * od * sizeof(float));
    }
    const double m = sum / n_episodes;
    const double var = sum_sq / n_episodes - m * m;
    if (mean) *mean = m;
    if (std) *std = sqrt(var > 0.0 ? var : 0.0);
    return A2C_OK;
}

A2C_API a2c_status a2c_evaluate(a2c_net *net, const a2c_env *env, uint32_t n_episodes,
                                int deterministic, uint64_t seed, double *mean, double *std,
                                double *returns)
{
    if (!net || !env || n_episodes == 0 || env->version != A2C_ENV_V1 || env->num_envs < 1 ||
        env->obs_dim != net->obs_dim || env->action_kind != A2C_SPACE_DISCRETE ||
        env->action_dim != net->n_actions || !env->reset || (!env->step && !env->step_all))
        return A2C_E_INVALID_ARG;
    eval_buffers b;
    const size_t bytes = lay_out(&b, NULL, env->num_envs, env->obs_dim);
    if (bytes == 0) return A2C_E_INVALID_ARG;
    unsigned char *block = a2c__alloc(&net->alloc, bytes);
    if (!block) return A2C_E_NOMEM;
    lay_out(&b, block, env->num_envs, env->obs_dim);
    const a2c_status rc = run(net, env, n_episodes, deterministic, seed, &b, mean, std, returns);
    a2c__free(&net->alloc, block, bytes);
    return rc;
}
