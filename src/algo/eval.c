/* Evaluation, as SB3's evaluate_policy: episodes are shared out over the
 * sub-environments (env i runs (n + i) / num_envs of them), every
 * sub-environment steps in lockstep through the vec-env layer and resets
 * when its episode ends, and the mean and population standard deviation of
 * the returns are reported.  Its own generators (from `seed`) drive resets
 * and sampling, so an evaluation never disturbs training. */
#include "common/rng.h"
#include "envs/vecenv.h"
#include "nn/net.h"

#include <math.h>

typedef struct eval_buffers {
    int32_t *discrete;
    float *box;
    uint32_t *done_count, *target;
} eval_buffers;

/* Bytes the block needs, or 0 on overflow; with a block, also points every
 * buffer into it. */
static size_t lay_out(eval_buffers *b, unsigned char *block, size_t n, size_t box_dim)
{
    size_t used = 0;
    b->discrete = a2c__carve(n, 1, sizeof(int32_t), block, &used);
    b->box = a2c__carve(n, box_dim, sizeof(float), block, &used);
    b->done_count = a2c__carve(n, 1, sizeof(uint32_t), block, &used);
    b->target = a2c__carve(n, 1, sizeof(uint32_t), block, &used);
    return used == SIZE_MAX ? 0 : used;
}

static a2c_status run(a2c_net *net, a2c__vecenv *envs, uint32_t n, uint32_t n_episodes,
                      int deterministic, uint64_t seed, eval_buffers *b, double *mean,
                      double *std, double *returns, const char *fn)
{
    a2c__rng sample_rng;
    a2c__rng_seed(&sample_rng, seed, 5);
    for (uint32_t i = 0; i < n; i++) b->target[i] = (n_episodes + i) / n;
    a2c_status rc = a2c__vecenv_reset(envs, fn);
    if (rc != A2C_OK) return rc;
    const int box = a2c__net_dist(net)->action_kind == A2C_SPACE_BOX;
    uint32_t finished = 0;
    double sum = 0.0, sum_sq = 0.0;
    while (finished < n_episodes) {
        rc = a2c__net_act(net, a2c__vecenv_obs(envs), n, deterministic, &sample_rng,
                          box ? NULL : b->discrete, box ? b->box : NULL, NULL, NULL);
        if (rc == A2C_E_NONFINITE) return a2c__fail(rc, fn, "the policy's outputs are not finite");
        if (rc != A2C_OK) return a2c__fail_status(rc, fn);
        rc = a2c__vecenv_step(envs, box ? NULL : b->discrete, box ? b->box : NULL, fn);
        if (rc != A2C_OK) return rc;
        const int *terminated = a2c__vecenv_terminated(envs);
        const int *truncated = a2c__vecenv_truncated(envs);
        for (uint32_t i = 0; i < n; i++) {
            if (!terminated[i] && !truncated[i]) continue;
            if (b->done_count[i] < b->target[i]) {
                const double r = a2c__vecenv_episode_return(envs, i);
                if (returns) returns[finished] = r;
                sum += r;
                sum_sq += r * r;
                finished++;
                b->done_count[i]++;
            }
        }
        a2c__vecenv_advance(envs);
    }
    const double m = sum / n_episodes;
    const double var = sum_sq / n_episodes - m * m;
    if (mean) *mean = m;
    if (std) *std = sqrt(var > 0.0 ? var : 0.0);
    return A2C_OK;
}

static a2c_status evaluate(a2c_net *net, const a2c_env *env, uint32_t n_episodes,
                           int deterministic, uint64_t seed, uint64_t step_cap, double *mean,
                           double *std, double *returns, const char *fn)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, fn, "net is NULL");
    if (a2c__net_check_unlocked(net, fn) != A2C_OK) return A2C_E_STATE;
    if (n_episodes == 0) return a2c__fail(A2C_E_INVALID_ARG, fn, "n_episodes is 0");
    a2c_status rc = a2c__vecenv_check(env, fn);
    if (rc != A2C_OK) return rc;
    const a2c__dist *dist = a2c__net_dist(net);
    if (env->obs_dim != a2c_net_obs_dim(net))
        return a2c__fail(A2C_E_INVALID_ARG, fn, "env->obs_dim is %u but the net takes %zu",
                         env->obs_dim, a2c_net_obs_dim(net));
    if (env->action_kind != dist->action_kind)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "env->action_kind is %d but the net's is %d",
                         (int)env->action_kind, dist->action_kind);
    if (env->action_dim != dist->action_dim)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "env->action_dim is %u but the net's is %zu",
                         env->action_dim, dist->action_dim);
    const a2c_allocator *alloc = a2c__net_allocator(net);
    const size_t n = env->num_envs;
    const size_t box_dim = dist->action_kind == A2C_SPACE_BOX ? dist->action_dim : 0;
    eval_buffers b;
    const size_t bytes = lay_out(&b, NULL, n, box_dim);
    unsigned char *block = bytes ? a2c__alloc(alloc, bytes) : NULL;
    if (!block) return a2c__fail(A2C_E_NOMEM, fn, "no memory for the evaluation buffers");
    lay_out(&b, block, n, box_dim);
    a2c__vecenv *envs = NULL;
    rc = a2c__vecenv_create(&envs, env, alloc, seed, 4, fn);
    if (rc == A2C_OK)
        a2c__vecenv_set_step_cap(envs, step_cap ? step_cap
                                                : env->max_episode_steps ? 0 : A2C_EVAL_STEP_CAP);
    if (rc == A2C_OK)
        rc = run(net, envs, (uint32_t)n, n_episodes, deterministic, seed, &b, mean, std, returns,
                 fn);
    a2c__vecenv_destroy(envs);
    a2c__free(alloc, block, bytes);
    return rc;
}

A2C_API a2c_status a2c_evaluate(a2c_net *net, const a2c_env *env, uint32_t n_episodes,
                                int deterministic, uint64_t seed, double *mean, double *std,
                                double *returns)
{
    return evaluate(net, env, n_episodes, deterministic, seed, 0, mean, std, returns, __func__);
}

A2C_API a2c_status a2c_evaluate_capped(a2c_net *net, const a2c_env *env, uint32_t n_episodes,
                                       int deterministic, uint64_t seed,
                                       uint64_t max_episode_steps, double *mean, double *std,
                                       double *returns)
{
    return evaluate(net, env, n_episodes, deterministic, seed, max_episode_steps, mean, std,
                    returns, __func__);
}
