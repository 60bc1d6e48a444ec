/* a2c_rollout internals (rollout.c): what the trainer stores per step and
 * SB3's GAE.  struct a2c_rollout is private to rollout.c; the trainer
 * reads the buffers through the public accessors. */
#ifndef A2C_ALGO_ROLLOUT_H
#define A2C_ALGO_ROLLOUT_H

#include "common/common.h"

/* SB3's RolloutBuffer.compute_returns_and_advantage over [n_steps][n_envs]
 * buffers, in float as SB3's float32 numpy arrays. */
void a2c__gae(size_t n_steps, size_t n_envs, double gamma, double gae_lambda,
              const float *rewards, const float *values, const float *episode_starts,
              const float *last_values, const float *dones, float *advantages, float *returns);

/* SB3's rollout_buffer.add for step t (< n_steps) of all n_envs (actions
 * or, for a continuous rollout, box), without
 * the checks of a2c_rollout_add (the trainer's inputs are its own) and
 * without log-probabilities (A2C never reads them): the size becomes
 * t + 1.  With values NULL, the values are stored later, for every step
 * at once, by a2c__rollout_store_values (n_steps x n_envs floats). */
void a2c__rollout_store(a2c_rollout *ro, size_t t, const float *obs, const int32_t *actions,
                        const float *box, const float *rewards, const float *episode_starts,
                        const float *values);
void a2c__rollout_store_values(a2c_rollout *ro, const float *values);
/* SB3's bootstrap of time-limit truncations, after step t's store: adds
 * gamma * values[k] to the reward of sub-environment envs[k] (k < n). */
void a2c__rollout_bootstrap(a2c_rollout *ro, size_t t, const uint32_t *envs,
                            const float *values, size_t n, float gamma);
/* a2c_rollout_create or, with box_dim > 0, a2c_rollout_create_box, for
 * public function `fn`. */
a2c_status a2c__rollout_create(a2c_rollout **out, const a2c_config *cfg, size_t obs_dim,
                               size_t box_dim, const char *fn);
/* GAE and returns over the full buffer (a2c_rollout_compute_gae without
 * its checks). */
void a2c__rollout_finish(a2c_rollout *ro, double gamma, double gae_lambda,
                         const float *last_values, const float *dones);

/* Tests: the episode-start flags, n_steps x n_envs. */
const float *a2c__rollout_episode_starts(const a2c_rollout *ro);

#endif /* A2C_ALGO_ROLLOUT_H */
