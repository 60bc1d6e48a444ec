/* a2c_rollout: SB3's RolloutBuffer, [n_steps][n_envs], and its GAE. */
#include "algo/rollout.h"

#include "common/config.h"
#include "common/error.h"

struct a2c_rollout {
    a2c_allocator alloc;
    size_t n_steps, n_envs, obs_dim, pos; /* pos: steps added */
    size_t box_dim;                       /* continuous actions' components, 0 for discrete */
    float *obs;                           /* n_steps x n_envs x obs_dim */
    float *box;                           /* n_steps x n_envs x box_dim */
    int32_t *actions;                     /* n_steps x n_envs, like every buffer below */
    float *rewards, *episode_starts, *values, *log_probs, *advantages, *returns;
    void *block;
    size_t block_bytes;
};

#include <math.h>
#include <string.h>

void a2c__gae(size_t n_steps, size_t n_envs, double gamma, double gae_lambda,
              const float *rewards, const float *values, const float *episode_starts,
              const float *last_values, const float *dones, float *advantages, float *returns)
{
    /* SB3 works on float32 arrays with Python-float factors, which numpy
     * rounds to float32: gamma, and gamma * gae_lambda formed in double. */
    const float g = (float)gamma, gl = (float)(gamma * gae_lambda);
    for (size_t e = 0; e < n_envs; e++) {
        float last = 0.0f;
        for (size_t t = n_steps; t-- > 0;) {
            const size_t k = t * n_envs + e;
            float next_non_terminal, next_value;
            if (t == n_steps - 1) {
                next_non_terminal = 1.0f - dones[e];
                next_value = last_values[e];
            } else {
                next_non_terminal = 1.0f - episode_starts[k + n_envs];
                next_value = values[k + n_envs];
            }
            const float delta = rewards[k] + g * next_value * next_non_terminal - values[k];
            last = delta + gl * next_non_terminal * last;
            advantages[k] = last;
            returns[k] = last + values[k];
        }
    }
}

/* Bytes the block needs, or 0 on overflow; with a block, also points every
 * buffer into it. */
static size_t lay_out(a2c_rollout *ro, unsigned char *block)
{
    size_t cells, used = 0;
    if (!a2c__mul_size(ro->n_steps, ro->n_envs, &cells)) return 0;
    ro->obs = a2c__carve(cells, ro->obs_dim, sizeof(float), block, &used);
    ro->box = a2c__carve(cells, ro->box_dim, sizeof(float), block, &used);
    ro->actions = a2c__carve(cells, 1, sizeof(int32_t), block, &used);
    float **cells_of[6] = {&ro->rewards, &ro->episode_starts, &ro->values,
                           &ro->log_probs, &ro->advantages, &ro->returns};
    for (int k = 0; k < 6; k++) *cells_of[k] = a2c__carve(cells, 1, sizeof(float), block, &used);
    return used == SIZE_MAX ? 0 : used;
}

/* A rollout for discrete actions (box_dim 0) or continuous ones, for
 * public function `fn`. */
static a2c_status create(a2c_rollout **out, const a2c_config *cfg, size_t obs_dim,
                         size_t box_dim, const char *fn)
{
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, fn, "out is NULL");
    *out = NULL;
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, fn, "cfg is NULL");
    if (obs_dim < 1 || obs_dim > A2C_MAX_WIDTH)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "obs_dim is %zu, expected 1..%d", obs_dim,
                         A2C_MAX_WIDTH);
    if (box_dim > A2C_MAX_WIDTH)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "action_dim is %zu, expected 1..%d", box_dim,
                         A2C_MAX_WIDTH);
    const size_t n_steps = (size_t)a2c__cfg_int(cfg, A2C_PARAM_N_STEPS);
    const size_t n_envs = (size_t)a2c__cfg_int(cfg, A2C_PARAM_N_ENVS);
    a2c_rollout *ro = a2c__alloc(a2c__config_allocator(cfg), sizeof *ro);
    if (!ro)
        return a2c__fail(A2C_E_NOMEM, fn, "cannot allocate the rollout (%zu bytes)",
                         sizeof *ro);
    *ro = (a2c_rollout){.alloc = *a2c__config_allocator(cfg), .n_steps = n_steps, .n_envs = n_envs,
                        .obs_dim = obs_dim, .box_dim = box_dim};
    ro->block_bytes = lay_out(ro, NULL);
    if (ro->block_bytes == 0) {
        a2c__free(&ro->alloc, ro, sizeof *ro);
        return a2c__fail(A2C_E_INVALID_ARG, fn,
                         "n_steps %zu x n_envs %zu x obs_dim %zu is too large", n_steps, n_envs,
                         obs_dim);
    }
    ro->block = a2c__alloc(a2c__config_allocator(cfg), ro->block_bytes);
    if (!ro->block) {
        const size_t bytes = ro->block_bytes; /* for the message, after ro is gone */
        a2c__free(&ro->alloc, ro, sizeof *ro);
        return a2c__fail(A2C_E_NOMEM, fn,
                         "cannot allocate %zu bytes of buffers (n_steps %zu x n_envs %zu)", bytes,
                         n_steps, n_envs);
    }
    lay_out(ro, ro->block);
    *out = ro;
    return A2C_OK;
}

A2C_API a2c_status a2c_rollout_create(a2c_rollout **out, const a2c_config *cfg, size_t obs_dim)
{
    return create(out, cfg, obs_dim, 0, __func__);
}

A2C_API a2c_status a2c_rollout_create_box(a2c_rollout **out, const a2c_config *cfg,
                                          size_t obs_dim, size_t action_dim)
{
    if (action_dim == 0) {
        if (out) *out = NULL;
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "action_dim is 0, expected 1..%d",
                         A2C_MAX_WIDTH);
    }
    return create(out, cfg, obs_dim, action_dim, __func__);
}

a2c_status a2c__rollout_create(a2c_rollout **out, const a2c_config *cfg, size_t obs_dim,
                               size_t box_dim, const char *fn)
{
    return create(out, cfg, obs_dim, box_dim, fn);
}

A2C_API void a2c_rollout_destroy(a2c_rollout *ro)
{
    if (!ro) return;
    a2c_allocator a = ro->alloc;
    a2c__free(&a, ro->block, ro->block_bytes);
    a2c__free(&a, ro, sizeof *ro);
}

A2C_API a2c_status a2c_rollout_reset(a2c_rollout *ro)
{
    if (!ro) return a2c__fail(A2C_E_INVALID_ARG, __func__, "ro is NULL");
    ro->pos = 0;
    return A2C_OK;
}

/* a2c_rollout_add and a2c_rollout_add_box: one of actions / box is used,
 * the one the rollout was made for. */
static a2c_status add(a2c_rollout *ro, const float *obs, const int32_t *actions, const float *box,
                      const float *rewards, const float *episode_starts, const float *values,
                      const float *log_probs, const char *fn)
{
    /* the float inputs in order, for the NULL and finite checks */
    const float *in[6] = {obs, rewards, episode_starts, values, log_probs, box};
    static const char *const in_name[6] = {"obs", "rewards", "episode_starts", "values",
                                           "log_probs", "actions"};
    if (!ro) return a2c__fail(A2C_E_INVALID_ARG, fn, "ro is NULL");
    if (!box && ro->box_dim > 0)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "the rollout holds continuous actions (made by "
                                                "a2c_rollout_create_box): use a2c_rollout_add_box");
    if (box && ro->box_dim == 0)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "the rollout holds discrete actions (made by "
                                                "a2c_rollout_create): use a2c_rollout_add");
    if (!obs) return a2c__fail(A2C_E_INVALID_ARG, fn, "obs is NULL");
    if (!box && !actions) return a2c__fail(A2C_E_INVALID_ARG, fn, "actions is NULL");
    for (int j = 1; j < 5; j++)
        if (!in[j]) return a2c__fail(A2C_E_INVALID_ARG, fn, "%s is NULL", in_name[j]);
    if (ro->pos == ro->n_steps)
        return a2c__fail(A2C_E_STATE, fn,
                         "rollout is full (%zu steps), call a2c_rollout_reset first", ro->pos);
    const size_t n = ro->n_envs, at = ro->pos * n;
    for (int j = 0; j < (box ? 6 : 5); j++) {
        const size_t len = j == 0 ? n * ro->obs_dim : j == 5 ? n * ro->box_dim : n;
        if (a2c__all_finite(in[j], len)) continue;
        size_t k = 0;
        while (k + 1 < len && isfinite(in[j][k])) k++;
        return a2c__fail(A2C_E_NONFINITE, fn, "%s[%zu] is %g", in_name[j], k,
                         (double)in[j][k]);
    }
    memcpy(ro->obs + at * ro->obs_dim, obs, n * ro->obs_dim * sizeof *obs);
    if (box) memcpy(ro->box + at * ro->box_dim, box, n * ro->box_dim * sizeof *box);
    else if (actions) memcpy(ro->actions + at, actions, n * sizeof *actions);
    memcpy(ro->rewards + at, rewards, n * sizeof *rewards);
    memcpy(ro->episode_starts + at, episode_starts, n * sizeof *episode_starts);
    memcpy(ro->values + at, values, n * sizeof *values);
    memcpy(ro->log_probs + at, log_probs, n * sizeof *log_probs);
    ro->pos++;
    return A2C_OK;
}

A2C_API a2c_status a2c_rollout_add(a2c_rollout *ro, const float *obs, const int32_t *actions,
                                   const float *rewards, const float *episode_starts,
                                   const float *values, const float *log_probs)
{
    return add(ro, obs, actions, NULL, rewards, episode_starts, values, log_probs, __func__);
}

A2C_API a2c_status a2c_rollout_add_box(a2c_rollout *ro, const float *obs, const float *actions,
                                       const float *rewards, const float *episode_starts,
                                       const float *values, const float *log_probs)
{
    if (!actions) return a2c__fail(A2C_E_INVALID_ARG, __func__, "actions is NULL");
    return add(ro, obs, NULL, actions, rewards, episode_starts, values, log_probs, __func__);
}

A2C_API a2c_status a2c_rollout_compute_gae(a2c_rollout *ro, const a2c_config *cfg,
                                           const float *last_values, const float *dones)
{
    if (!ro) return a2c__fail(A2C_E_INVALID_ARG, __func__, "ro is NULL");
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, __func__, "cfg is NULL");
    if (!last_values) return a2c__fail(A2C_E_INVALID_ARG, __func__, "last_values is NULL");
    if (!dones) return a2c__fail(A2C_E_INVALID_ARG, __func__, "dones is NULL");
    if (ro->pos != ro->n_steps)
        return a2c__fail(A2C_E_STATE, __func__, "rollout holds %zu of %zu steps, expected full",
                         ro->pos, ro->n_steps);
    const float *in[2] = {last_values, dones};
    static const char *const in_name[2] = {"last_values", "dones"};
    for (int j = 0; j < 2; j++) {
        if (a2c__all_finite(in[j], ro->n_envs)) continue;
        size_t k = 0;
        while (k + 1 < ro->n_envs && isfinite(in[j][k])) k++;
        return a2c__fail(A2C_E_NONFINITE, __func__, "%s[%zu] is %g", in_name[j], k,
                         (double)in[j][k]);
    }
    a2c__gae(ro->n_steps, ro->n_envs, a2c__cfg_double(cfg, A2C_PARAM_GAMMA),
             a2c__cfg_double(cfg, A2C_PARAM_GAE_LAMBDA), ro->rewards, ro->values,
             ro->episode_starts, last_values, dones, ro->advantages, ro->returns);
    return A2C_OK;
}

A2C_API const float *a2c_rollout_observations(const a2c_rollout *ro) { return ro ? ro->obs : NULL; }
A2C_API const int32_t *a2c_rollout_actions(const a2c_rollout *ro)
{
    return ro ? ro->actions : NULL;
}
A2C_API const float *a2c_rollout_rewards(const a2c_rollout *ro) { return ro ? ro->rewards : NULL; }
A2C_API const float *a2c_rollout_values(const a2c_rollout *ro) { return ro ? ro->values : NULL; }
A2C_API const float *a2c_rollout_advantages(const a2c_rollout *ro)
{
    return ro ? ro->advantages : NULL;
}
A2C_API const float *a2c_rollout_returns(const a2c_rollout *ro) { return ro ? ro->returns : NULL; }
A2C_API size_t a2c_rollout_size(const a2c_rollout *ro) { return ro ? ro->pos : 0; }
A2C_API const float *a2c_rollout_box_actions(const a2c_rollout *ro)
{
    return ro && ro->box_dim > 0 ? ro->box : NULL;
}

/* ---- for the trainer ---- */

void a2c__rollout_store(a2c_rollout *ro, size_t t, const float *obs, const int32_t *actions,
                        const float *box, const float *rewards, const float *episode_starts,
                        const float *values)
{
    const size_t n = ro->n_envs, at = t * n;
    memcpy(ro->obs + at * ro->obs_dim, obs, n * ro->obs_dim * sizeof *obs);
    if (ro->box_dim > 0) memcpy(ro->box + at * ro->box_dim, box, n * ro->box_dim * sizeof *box);
    else memcpy(ro->actions + at, actions, n * sizeof *actions);
    memcpy(ro->rewards + at, rewards, n * sizeof *rewards);
    memcpy(ro->episode_starts + at, episode_starts, n * sizeof *episode_starts);
    if (values) memcpy(ro->values + at, values, n * sizeof *values);
    ro->pos = t + 1;
}

void a2c__rollout_bootstrap(a2c_rollout *ro, size_t t, const uint32_t *envs,
                            const float *values, size_t n, float gamma)
{
    float *rewards = ro->rewards + t * ro->n_envs;
    for (size_t k = 0; k < n; k++) rewards[envs[k]] += gamma * values[k];
}

void a2c__rollout_store_values(a2c_rollout *ro, const float *values)
{
    memcpy(ro->values, values, ro->n_steps * ro->n_envs * sizeof *values);
}

void a2c__rollout_finish(a2c_rollout *ro, double gamma, double gae_lambda,
                         const float *last_values, const float *dones)
{
    a2c__gae(ro->n_steps, ro->n_envs, gamma, gae_lambda, ro->rewards, ro->values,
             ro->episode_starts, last_values, dones, ro->advantages, ro->returns);
}

const float *a2c__rollout_episode_starts(const a2c_rollout *ro)
{
    return ro->episode_starts;
}
