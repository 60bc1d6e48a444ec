/* One vectorised-environment layer for training and evaluation (see
 * vecenv.h).  Everything is sized at creation; stepping never allocates. */
#include "envs/vecenv.h"

#include <math.h>
#include <string.h>

struct a2c__vecenv {
    a2c_allocator alloc;
    const a2c_env *env;
    uint32_t n;
    size_t obs_dim, box_dim; /* box_dim: action_dim for BOX, 0 for DISCRETE */
    uint64_t step_cap;       /* the caller's episode-length limit, 0 for none */
    a2c__rng reset_rng;
    float *obs, *next_obs, *final_obs; /* n x obs_dim each */
    float *box;                        /* clipped BOX actions, n x box_dim */
    const float *box_actions;          /* the step's: box, or NULL for DISCRETE */
    double *rewards, *ep_return, *last_return;
    uint64_t *ep_length, *last_length;
    int *terminated, *truncated;
    unsigned char *block;
    size_t block_bytes;
};

/* The table's shape: version, sizes and kinds, and the state callbacks'
 * consistency; the step and reset callbacks are the caller's check. */
static a2c_status check_shape(const a2c_env *env, const char *fn)
{
    const a2c_status bad = A2C_E_INVALID_ARG;
    if (!env) return a2c__fail(bad, fn, "env is NULL");
    if (env->version < A2C_ENV_V1 || env->version > A2C_ENV_V3)
        return a2c__fail(bad, fn, "env->version is %u, expected A2C_ENV_V1, A2C_ENV_V2 or "
                                  "A2C_ENV_V3", env->version);
    if (env->version >= A2C_ENV_V3 && (env->flags & ~A2C_ENV_CONCURRENT_STEP) != 0)
        return a2c__fail(bad, fn, "env->flags is 0x%x: bits other than "
                                  "A2C_ENV_CONCURRENT_STEP must be 0", env->flags);
    if (env->num_envs < 1 || env->num_envs > 65536)
        return a2c__fail(bad, fn, "env->num_envs is %u, expected 1..65536", env->num_envs);
    if (env->obs_dim < 1 || env->obs_dim > A2C_MAX_WIDTH)
        return a2c__fail(bad, fn, "env->obs_dim is %u, expected 1..%d", env->obs_dim,
                         A2C_MAX_WIDTH);
    if (env->action_kind != A2C_SPACE_DISCRETE && env->action_kind != A2C_SPACE_BOX)
        return a2c__fail(bad, fn, "env->action_kind is %d, expected A2C_SPACE_DISCRETE or "
                                  "A2C_SPACE_BOX", (int)env->action_kind);
    if (env->action_dim < 1 || env->action_dim > A2C_MAX_WIDTH)
        return a2c__fail(bad, fn, "env->action_dim is %u, expected 1..%d", env->action_dim,
                         A2C_MAX_WIDTH);
    if (env->version >= A2C_ENV_V2 && env->state_size > 0 &&
        (!env->save_state || !env->load_state))
        return a2c__fail(bad, fn, "env->state_size is %u but env->%s is NULL", env->state_size,
                         env->save_state ? "load_state" : "save_state");
    return A2C_OK;
}

a2c_status a2c__vecenv_check(const a2c_env *env, const char *fn)
{
    const a2c_status rc = check_shape(env, fn);
    if (rc != A2C_OK) return rc;
    if (!env->reset) return a2c__fail(A2C_E_INVALID_ARG, fn, "env->reset is NULL");
    if (!env->step && !env->step_all)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "env->step and env->step_all are both NULL");
    return A2C_OK;
}

a2c_status a2c__vecenv_check_shape(const a2c_env *env, const char *fn)
{
    return check_shape(env, fn);
}

/* Bytes the block needs, or 0 on overflow; with a block, also points every
 * buffer into it. */
static size_t lay_out(a2c__vecenv *ve, unsigned char *block)
{
    const size_t n = ve->n, od = ve->obs_dim;
    size_t used = 0;
    ve->obs = a2c__carve(n, od, sizeof(float), block, &used);
    ve->next_obs = a2c__carve(n, od, sizeof(float), block, &used);
    ve->final_obs = a2c__carve(n, od, sizeof(float), block, &used);
    ve->box = a2c__carve(n, ve->box_dim, sizeof(float), block, &used);
    ve->rewards = a2c__carve(n, 1, sizeof(double), block, &used);
    ve->ep_return = a2c__carve(n, 1, sizeof(double), block, &used);
    ve->last_return = a2c__carve(n, 1, sizeof(double), block, &used);
    ve->ep_length = a2c__carve(n, 1, sizeof(uint64_t), block, &used);
    ve->last_length = a2c__carve(n, 1, sizeof(uint64_t), block, &used);
    ve->terminated = a2c__carve(n, 1, sizeof(int), block, &used);
    ve->truncated = a2c__carve(n, 1, sizeof(int), block, &used);
    return used == SIZE_MAX ? 0 : used;
}

a2c_status a2c__vecenv_create(a2c__vecenv **out, const a2c_env *env,
                              const a2c_allocator *alloc, uint64_t seed, uint64_t stream,
                              const char *fn)
{
    *out = NULL;
    a2c__vecenv *ve = a2c__alloc(alloc, sizeof *ve);
    if (!ve) return a2c__fail(A2C_E_NOMEM, fn, "no memory for the environment vector");
    ve->alloc = *alloc;
    ve->env = env;
    ve->n = env->num_envs;
    ve->obs_dim = env->obs_dim;
    ve->box_dim = env->action_kind == A2C_SPACE_BOX ? env->action_dim : 0;
    a2c__rng_seed(&ve->reset_rng, seed, stream);
    ve->block_bytes = lay_out(ve, NULL);
    ve->block = ve->block_bytes ? a2c__alloc(alloc, ve->block_bytes) : NULL;
    if (!ve->block) {
        a2c__free(alloc, ve, sizeof *ve);
        return a2c__fail(A2C_E_NOMEM, fn, "no memory for the environment buffers");
    }
    lay_out(ve, ve->block);
    *out = ve;
    return A2C_OK;
}

void a2c__vecenv_destroy(a2c__vecenv *ve)
{
    if (!ve) return;
    a2c_allocator a = ve->alloc;
    a2c__free(&a, ve->block, ve->block_bytes);
    a2c__free(&a, ve, sizeof *ve);
}

/* A new episode in sub-environment i, its first observation into obs. */
static a2c_status reset_one(a2c__vecenv *ve, uint32_t i, float *obs, const char *fn)
{
    const a2c_env *env = ve->env;
    if (env->reset(env->user, i, a2c__rng_next(&ve->reset_rng), obs) != 0)
        return a2c__fail(A2C_E_ENV, fn, "env->reset failed for sub-environment %u", i);
    if (!a2c__all_finite(obs, ve->obs_dim))
        return a2c__fail(A2C_E_NONFINITE, fn,
                         "env->reset gave a NaN or infinite observation (sub-environment %u)",
                         i);
    ve->ep_return[i] = 0.0;
    ve->ep_length[i] = 0;
    return A2C_OK;
}

a2c_status a2c__vecenv_reset(a2c__vecenv *ve, const char *fn)
{
    for (uint32_t i = 0; i < ve->n; i++) {
        const a2c_status rc = reset_one(ve, i, ve->obs + i * ve->obs_dim, fn);
        if (rc != A2C_OK) return rc;
    }
    return A2C_OK;
}

const float *a2c__vecenv_obs(const a2c__vecenv *ve) { return ve->obs; }
uint32_t a2c__vecenv_count(const a2c__vecenv *ve) { return ve->n; }
const double *a2c__vecenv_rewards(const a2c__vecenv *ve) { return ve->rewards; }
const int *a2c__vecenv_terminated(const a2c__vecenv *ve) { return ve->terminated; }
const int *a2c__vecenv_truncated(const a2c__vecenv *ve) { return ve->truncated; }
const float *a2c__vecenv_final_obs(const a2c__vecenv *ve, uint32_t i)
{
    return ve->final_obs + i * ve->obs_dim;
}
double a2c__vecenv_episode_return(const a2c__vecenv *ve, uint32_t i) { return ve->last_return[i]; }
uint64_t a2c__vecenv_episode_length(const a2c__vecenv *ve, uint32_t i)
{
    return ve->last_length[i];
}
a2c__rng a2c__vecenv_rng(const a2c__vecenv *ve) { return ve->reset_rng; }
void a2c__vecenv_set_step_cap(a2c__vecenv *ve, uint64_t cap) { ve->step_cap = cap; }
void a2c__vecenv_set_rng(a2c__vecenv *ve, const a2c__rng *rng) { ve->reset_rng = *rng; }

const float *a2c__vecenv_next_obs(const a2c__vecenv *ve) { return ve->next_obs; }

void a2c__vecenv_advance(a2c__vecenv *ve)
{
    float *swap = ve->obs;
    ve->obs = ve->next_obs;
    ve->next_obs = swap;
}

/* BOX actions clipped to the space's bounds, as SB3 clips before
 * env.step; the unclipped actions stay the caller's (and the rollout's). */
static a2c_status clip_box(a2c__vecenv *ve, const float *box, float *out, const char *fn)
{
    const a2c_env *env = ve->env;
    const size_t d = ve->box_dim;
    if (!a2c__all_finite(box, ve->n * d))
        return a2c__fail(A2C_E_NONFINITE, fn, "an action is NaN or infinite");
    for (size_t i = 0; i < ve->n; i++) {
        for (size_t k = 0; k < d; k++) {
            float a = box[i * d + k];
            if (env->action_low && a < env->action_low[k]) a = env->action_low[k];
            if (env->action_high && a > env->action_high[k]) a = env->action_high[k];
            out[i * d + k] = a;
        }
    }
    return A2C_OK;
}

a2c_status a2c__vecenv_clip(a2c__vecenv *ve, const float *box, float *out, const char *fn)
{
    return clip_box(ve, box, out, fn);
}

int a2c__vecenv_concurrent(const a2c__vecenv *ve)
{
    const a2c_env *env = ve->env;
    return env->version >= A2C_ENV_V3 && (env->flags & A2C_ENV_CONCURRENT_STEP) && env->step &&
           ve->n > 1;
}

a2c_status a2c__vecenv_step_begin(a2c__vecenv *ve, const float *box, const char *fn)
{
    ve->box_actions = NULL;
    if (ve->box_dim == 0) return A2C_OK;
    const a2c_status rc = clip_box(ve, box, ve->box, fn);
    if (rc == A2C_OK) ve->box_actions = ve->box;
    return rc;
}

uint32_t a2c__vecenv_step_range(a2c__vecenv *ve, const int32_t *discrete, uint32_t i0,
                                uint32_t i1)
{
    const a2c_env *env = ve->env;
    const size_t od = ve->obs_dim;
    for (uint32_t i = i0; i < i1; i++)
        if (env->step(env->user, i, discrete ? discrete[i] : 0,
                      ve->box_actions ? ve->box_actions + i * ve->box_dim : NULL,
                      ve->next_obs + i * od, &ve->rewards[i], &ve->terminated[i],
                      &ve->truncated[i]) != 0)
            return i;
    return i1;
}

a2c_status a2c__vecenv_step_finish(a2c__vecenv *ve, uint32_t failed, const char *fn)
{
    const size_t n = ve->n, od = ve->obs_dim;
    if (failed < n)
        return a2c__fail(A2C_E_ENV, fn, "env->step failed for sub-environment %u", failed);
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) sum += ve->rewards[i];
    if (!isfinite(sum))
        return a2c__fail(A2C_E_NONFINITE, fn, "the environment gave a NaN or infinite reward");
    if (!a2c__all_finite(ve->next_obs, n * od))
        return a2c__fail(A2C_E_NONFINITE, fn,
                         "the environment gave a NaN or infinite observation");
    const uint32_t limit = ve->env->max_episode_steps;
    for (uint32_t i = 0; i < n; i++) {
        ve->ep_return[i] += ve->rewards[i];
        ve->ep_length[i]++;
        ve->terminated[i] = ve->terminated[i] != 0;
        ve->truncated[i] = ve->truncated[i] != 0 || (limit && ve->ep_length[i] >= limit) ||
                           (ve->step_cap && ve->ep_length[i] >= ve->step_cap);
        if (!ve->terminated[i] && !ve->truncated[i]) continue;
        ve->last_return[i] = ve->ep_return[i];
        ve->last_length[i] = ve->ep_length[i];
        memcpy(ve->final_obs + i * od, ve->next_obs + i * od, od * sizeof(float));
        const a2c_status rc = reset_one(ve, i, ve->next_obs + i * od, fn);
        if (rc != A2C_OK) return rc;
    }
    return A2C_OK;
}

a2c_status a2c__vecenv_step(a2c__vecenv *ve, const int32_t *discrete, const float *box,
                            const char *fn)
{
    const a2c_env *env = ve->env;
    a2c_status rc = a2c__vecenv_step_begin(ve, box, fn);
    if (rc != A2C_OK) return rc;
    if (env->step_all) {
        if (env->step_all(env->user, discrete, ve->box_actions, ve->next_obs, ve->rewards,
                          ve->terminated, ve->truncated) != 0)
            return a2c__fail(A2C_E_ENV, fn, "env->step_all failed");
        return a2c__vecenv_step_finish(ve, ve->n, fn);
    }
    return a2c__vecenv_step_finish(ve, a2c__vecenv_step_range(ve, discrete, 0, ve->n), fn);
}

/* ---- exact resume ---- */

uint32_t a2c__vecenv_state_size(const a2c__vecenv *ve)
{
    const a2c_env *env = ve->env;
    return env->version >= A2C_ENV_V2 && env->save_state && env->load_state ? env->state_size
                                                                             : 0;
}

int a2c__vecenv_write_state(a2c__writer *w, const a2c__vecenv *ve)
{
    const a2c_env *env = ve->env;
    const uint32_t size = a2c__vecenv_state_size(ve);
    int failed = 0;
    a2c__put_u32(w, ve->n);
    a2c__put_u32(w, (uint32_t)ve->obs_dim);
    a2c__put_u32(w, size);
    for (uint32_t i = 0; i < ve->n; i++) {
        a2c__put_floats(w, ve->obs + i * ve->obs_dim, ve->obs_dim);
        a2c__put_f64(w, ve->ep_return[i]);
        a2c__put_u64(w, ve->ep_length[i]);
        if (w->p && size > 0) failed |= env->save_state(env->user, i, w->p + w->len) != 0;
        w->len += size;
    }
    return failed;
}

/* The state is read twice: to check it (commit 0), then to apply it. */
a2c_status a2c__vecenv_read_state(a2c__reader *r, a2c__vecenv *ve, int commit, const char *fn)
{
    const a2c_env *env = ve->env;
    if (a2c__get_u32(r) != ve->n || a2c__get_u32(r) != ve->obs_dim) r->bad = 1;
    const uint32_t size = a2c__get_u32(r);
    if (r->bad) return A2C_E_FORMAT;
    /* another env, or one that cannot take its state back */
    if (size == 0 || size != a2c__vecenv_state_size(ve)) return A2C_E_INVALID_ARG;
    for (uint32_t i = 0; i < ve->n && !r->bad; i++) {
        float *obs = ve->obs + i * ve->obs_dim;
        for (size_t k = 0; k < ve->obs_dim; k++) {
            const float v = a2c__get_f32(r);
            if (!isfinite(v)) r->bad = 1;
            if (commit) obs[k] = v;
        }
        const double ret = a2c__get_f64(r);
        const uint64_t len = a2c__get_u64(r);
        const unsigned char *bytes = a2c__get_bytes(r, size);
        if (!isfinite(ret) || len > ((uint64_t)1 << 53) || r->bad) {
            r->bad = 1;
            break;
        }
        if (!commit) continue;
        ve->ep_return[i] = ret;
        ve->ep_length[i] = len;
        if (size > 0 && env->load_state(env->user, i, bytes) != 0)
            return a2c__fail(A2C_E_ENV, fn, "env->load_state refused the state of "
                                            "sub-environment %u", i);
    }
    return r->bad ? A2C_E_FORMAT : A2C_OK;
}

/* ---- a host-owned loop (the push-style trainer) ---- */

void a2c__vecenv_set_obs(a2c__vecenv *ve, const float *obs)
{
    memcpy(ve->obs, obs, ve->n * ve->obs_dim * sizeof *obs);
    for (uint32_t i = 0; i < ve->n; i++) {
        ve->ep_return[i] = 0.0;
        ve->ep_length[i] = 0;
    }
}

a2c_status a2c__vecenv_feed(a2c__vecenv *ve, const double *rewards, const int *terminated,
                            const int *truncated, const float *next_obs, const float *final_obs,
                            const char *fn)
{
    const size_t n = ve->n, od = ve->obs_dim;
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) sum += rewards[i];
    if (!isfinite(sum)) return a2c__fail(A2C_E_NONFINITE, fn, "a reward is NaN or infinite");
    if (!a2c__all_finite(next_obs, n * od))
        return a2c__fail(A2C_E_NONFINITE, fn, "next_obs holds NaN or infinity");
    for (size_t i = 0; i < n; i++) {
        if (!truncated[i] || terminated[i]) continue;
        if (!final_obs)
            return a2c__fail(A2C_E_INVALID_ARG, fn, "sub-environment %zu was truncated but "
                                                    "final_obs is NULL", i);
        if (!a2c__all_finite(final_obs + i * od, od))
            return a2c__fail(A2C_E_NONFINITE, fn, "final_obs of sub-environment %zu holds NaN "
                                                  "or infinity", i);
    }
    /* as a2c__vecenv_step leaves things, with the host's own resets */
    memcpy(ve->next_obs, next_obs, n * od * sizeof *next_obs);
    for (size_t i = 0; i < n; i++) {
        ve->rewards[i] = rewards[i];
        ve->terminated[i] = terminated[i] != 0;
        ve->truncated[i] = truncated[i] != 0;
        ve->ep_return[i] += rewards[i];
        ve->ep_length[i]++;
        if (!ve->terminated[i] && !ve->truncated[i]) continue;
        ve->last_return[i] = ve->ep_return[i];
        ve->last_length[i] = ve->ep_length[i];
        if (final_obs) memcpy(ve->final_obs + i * od, final_obs + i * od, od * sizeof(float));
        ve->ep_return[i] = 0.0;
        ve->ep_length[i] = 0;
    }
    return A2C_OK;
}
