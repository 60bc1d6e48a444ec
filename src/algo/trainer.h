/* a2c_trainer internals (trainer.c): the progress section of trainer
 * checkpoints and test hooks.  struct a2c_trainer is private to
 * trainer.c. */
#ifndef A2C_ALGO_TRAINER_H
#define A2C_ALGO_TRAINER_H

#include "common/codec.h"
#include "common/common.h"
#include "common/rms.h"
#include "kernels/kernels.h"

/* Episodes in the running statistics: SB3's stats_window_size. */
#define A2C__WINDOW 100
/* The most env steps a trainer takes (exact in a double, far from
 * wrapping): learn stops with A2C_E_STATE before passing it, and loading
 * refuses a checkpoint beyond it, so whatever a trainer saves it can load. */
#define A2C__MAX_TIMESTEPS (UINT64_C(1) << 53)

/* The parts a trainer checkpoint adds to a net checkpoint. */
a2c_optimizer *a2c__trainer_optimizer(const a2c_trainer *tr);
const a2c_net *a2c__trainer_const_net(const a2c_trainer *tr);
const a2c_allocator *a2c__trainer_allocator(const a2c_trainer *tr);

/* The progress section: counters, the sampling and reset generators and
 * the episode window.  Reading checks everything into `out` and commits
 * nothing; a2c__trainer_commit_progress applies a section that was read
 * without error (and makes the environments start new episodes). */
typedef struct a2c__progress {
    uint64_t timesteps, episodes, updates;
    a2c__rng sample_rng, reset_rng;
    uint32_t win_count, win_next;
    double win_return[A2C__WINDOW];
    uint64_t win_length[A2C__WINDOW];
} a2c__progress;
void a2c__trainer_write_progress(a2c__writer *w, const a2c_trainer *tr);
/* 1 inside a2c_trainer_learn (a checkpoint may not be loaded then). */
int a2c__trainer_learning(const a2c_trainer *tr);
void a2c__progress_read(a2c__reader *r, a2c__progress *out);
void a2c__trainer_commit_progress(a2c_trainer *tr, const a2c__progress *p);

/* The collection section: the reward normaliser and the episodes in
 * flight, for exact resume.  Writing returns nonzero if an environment's
 * save_state failed.  Reading with commit 0 checks (A2C_E_FORMAT); with
 * commit 1 applies, after the progress section was committed: the
 * environments' states (A2C_E_ENV if one is refused, recorded under `fn`;
 * the trainer then starts new episodes), or, if the trainer's env cannot
 * take them (another env, no state callbacks), new episodes. */
int a2c__trainer_write_collection(a2c__writer *w, const a2c_trainer *tr);
a2c_status a2c__trainer_read_collection(a2c__reader *r, a2c_trainer *tr, int commit,
                                        const char *fn);

/* The guard section (optional, written after a rollback): f64 lr_scale in
 * (0, 1], u64 rollbacks.  Reading checks (the reader goes bad); commit
 * applies, or with no section (has 0) resets to no rollbacks. */
int a2c__trainer_has_rollbacks(const a2c_trainer *tr);
void a2c__trainer_write_guard(a2c__writer *w, const a2c_trainer *tr);
void a2c__guard_read(a2c__reader *r, double *lr_scale, uint64_t *rollbacks);
void a2c__trainer_commit_guard(a2c_trainer *tr, int has, double lr_scale, uint64_t rollbacks);

/* Tests: the rollout of the last update, finished episodes, the kernels
 * of the net and the optimizer, and the threads' mode (-1 chooses by
 * timing, 0 always alone, 1 always every thread). */
const a2c_rollout *a2c__trainer_rollout(const a2c_trainer *tr);
uint64_t a2c__trainer_episodes(const a2c_trainer *tr);
/* The return statistics that scale rewards (A2C_PARAM_NORM_REWARD). */
const a2c__rms *a2c__trainer_ret_rms(const a2c_trainer *tr);
void a2c__trainer_use_kernels(a2c_trainer *tr, const a2c__kernels *k);
void a2c__trainer_pin_mode(a2c_trainer *tr, int mode);
/* 1 while the helper thread exists (inside a2c_trainer_learn, or from a push
 * trainer's first a2c_trainer_push_start to its destruction). */
int a2c__trainer_helper_running(const a2c_trainer *tr);

#endif /* A2C_ALGO_TRAINER_H */
