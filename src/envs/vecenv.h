/* The vectorised-environment layer (vecenv.c), used by the trainer and by
 * evaluation alike: it checks an a2c_env table, resets sub-environments
 * with seeds derived from its own generator, steps them all in lockstep
 * (step_all, or step for each), applies the TimeLimit, clips BOX actions
 * to their bounds, keeps each finished episode's final observation, return
 * and length, and resets finished sub-environments in the same step, as
 * SB3's DummyVecEnv does.  struct a2c__vecenv is private to vecenv.c.
 *
 * Failing calls take the public function's name `fn` and record a
 * last-error message under it. */
#ifndef A2C_ENVS_VECENV_H
#define A2C_ENVS_VECENV_H

#include "common/codec.h"
#include "common/common.h"
#include "common/rng.h"

typedef struct a2c__vecenv a2c__vecenv;

/* A2C_E_INVALID_ARG, naming the field, unless `env` is a usable version-1
 * table: num_envs 1..65536, obs_dim and action_dim 1..A2C_MAX_WIDTH, a
 * known action_kind, reset and one of step / step_all.  Which action kinds
 * a caller supports is the caller's check. */
a2c_status a2c__vecenv_check(const a2c_env *env, const char *fn);

/* A vector over `env` (checked by the caller; it must outlive the vector)
 * whose resets draw from stream `stream` of `seed`.  Allocates. */
a2c_status a2c__vecenv_create(a2c__vecenv **out, const a2c_env *env,
                              const a2c_allocator *alloc, uint64_t seed, uint64_t stream,
                              const char *fn);
void a2c__vecenv_destroy(a2c__vecenv *ve);

/* Starts a new episode in every sub-environment. */
a2c_status a2c__vecenv_reset(a2c__vecenv *ve, const char *fn);
/* The current observations, num_envs x obs_dim. */
const float *a2c__vecenv_obs(const a2c__vecenv *ve);

/* Steps every sub-environment with `discrete` (DISCRETE: num_envs actions)
 * or `box` (BOX: num_envs x action_dim, clipped to the bounds here).
 * Afterwards the accessors below describe the step, and the next
 * observations (a new episode's first one where an episode ended) wait
 * for a2c__vecenv_advance. */
a2c_status a2c__vecenv_step(a2c__vecenv *ve, const int32_t *discrete, const float *box,
                            const char *fn);
/* The same step in three parts, for threads: begin (clips BOX actions),
 * step_range for sub-environments [i0, i1) (with `step`, never step_all;
 * returns the first that failed, or i1), which threads may run at once on
 * disjoint ranges, then finish with the lowest failed index over all
 * ranges (n if none): the checks, the TimeLimit, and the resets, in index
 * order on this thread. */
a2c_status a2c__vecenv_step_begin(a2c__vecenv *ve, const float *box, const char *fn);
uint32_t a2c__vecenv_step_range(a2c__vecenv *ve, const int32_t *discrete, uint32_t i0,
                                uint32_t i1);
a2c_status a2c__vecenv_step_finish(a2c__vecenv *ve, uint32_t failed, const char *fn);
/* 1 if the table lets `step` run for different sub-environments at once
 * (A2C_ENV_CONCURRENT_STEP) and there is more than one. */
int a2c__vecenv_concurrent(const a2c__vecenv *ve);
uint32_t a2c__vecenv_count(const a2c__vecenv *ve);
const double *a2c__vecenv_rewards(const a2c__vecenv *ve);
/* Gymnasium's flags as 0/1; truncated includes the TimeLimit. */
const int *a2c__vecenv_terminated(const a2c__vecenv *ve);
const int *a2c__vecenv_truncated(const a2c__vecenv *ve);
/* For a sub-environment whose episode ended in the last step: its final
 * observation (before the reset), return and length. */
const float *a2c__vecenv_final_obs(const a2c__vecenv *ve, uint32_t i);
double a2c__vecenv_episode_return(const a2c__vecenv *ve, uint32_t i);
uint64_t a2c__vecenv_episode_length(const a2c__vecenv *ve, uint32_t i);
/* The observations the last step returned (a new episode's first where
 * one ended), before a2c__vecenv_advance makes them current. */
const float *a2c__vecenv_next_obs(const a2c__vecenv *ve);
/* The next observations become the current ones. */
void a2c__vecenv_advance(a2c__vecenv *ve);

/* A limit on episode length besides env->max_episode_steps (0: none):
 * an episode reaching it is truncated, as by a TimeLimit. */
void a2c__vecenv_set_step_cap(a2c__vecenv *ve, uint64_t cap);

/* The reset generator, saved in trainer checkpoints. */
a2c__rng a2c__vecenv_rng(const a2c__vecenv *ve);
void a2c__vecenv_set_rng(a2c__vecenv *ve, const a2c__rng *rng);

/* ---- a host-owned loop (the push-style trainer) ----
 *
 * The host steps and resets its own environments and reports what
 * happened; the vector keeps the same bookkeeping as a2c__vecenv_step
 * (episode returns and lengths, final observations, the next
 * observations), without calling any callback and without a TimeLimit of
 * its own (the host's truncations are the ones reported). */

/* Validation of the table's shape only (no callbacks needed). */
a2c_status a2c__vecenv_check_shape(const a2c_env *env, const char *fn);
/* The host's first observations, num_envs x obs_dim, each starting an
 * episode. */
void a2c__vecenv_set_obs(a2c__vecenv *ve, const float *obs);
/* One step as the host ran it: rewards, flags, the next observations (a
 * new episode's first where one ended) and the final observations of the
 * episodes that ended (rows of the others are not read; NULL allowed when
 * no episode was truncated).  A2C_E_NONFINITE or A2C_E_INVALID_ARG,
 * recorded under `fn`; then the next observations wait for
 * a2c__vecenv_advance. */
a2c_status a2c__vecenv_feed(a2c__vecenv *ve, const double *rewards, const int *terminated,
                            const int *truncated, const float *next_obs, const float *final_obs,
                            const char *fn);
/* BOX actions clipped to the space's bounds into `out` (A2C_E_NONFINITE
 * for a NaN or infinite action). */
a2c_status a2c__vecenv_clip(a2c__vecenv *ve, const float *box, float *out, const char *fn);

/* ---- exact resume (trainer checkpoints) ----
 *
 * The state of the episodes in flight: per sub-environment the current
 * observation, the episode's return and length so far, and the
 * environment's own state_size bytes from env->save_state (a version-2
 * table; 0 bytes otherwise). */

/* Bytes of one sub-environment's own state; 0 if the env cannot save it. */
uint32_t a2c__vecenv_state_size(const a2c__vecenv *ve);
/* Writes (or with w->p NULL, counts) the state; nonzero if a save_state
 * callback failed. */
int a2c__vecenv_write_state(a2c__writer *w, const a2c__vecenv *ve);
/* Reads the state: with commit 0 only checks it (A2C_E_FORMAT for a short
 * or impossible one, A2C_E_INVALID_ARG if it belongs to an env of another
 * shape or state size), with commit 1 also applies it, calling
 * env->load_state (A2C_E_ENV, recorded under `fn`, if that refuses). */
a2c_status a2c__vecenv_read_state(a2c__reader *r, a2c__vecenv *ve, int commit, const char *fn);

#endif /* A2C_ENVS_VECENV_H */
