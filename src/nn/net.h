/* a2c_net internals (net.c): the actor-critic MLP over one flat parameter
 * vector, for the trainer, evaluation, the loss and checkpoints.  struct
 * a2c_net is private to net.c.
 *
 * Rows: the net caches the activations of every row it ran forward, up to
 * max_batch rows, so a rollout's collection passes are also its training
 * passes.  Calls taking `r0, batch` work on cached rows [r0, r0 + batch). */
#ifndef A2C_NN_NET_H
#define A2C_NN_NET_H

#include "common/codec.h"
#include "common/common.h"
#include "common/rms.h"
#include "common/rng.h"
#include "kernels/kernels.h"
#include "policy/dist.h"

/* A half-open range [begin, end) of the flat parameter vector. */
typedef struct a2c__range {
    size_t begin, end;
} a2c__range;

/* Where each part of the net lives in the flat vector, in this order:
 * actor trunk (the shared trunk, with A2C_PARAM_SHARED_TRUNK), critic
 * trunk (empty when shared), action head, value head, the distribution's
 * own parameters (empty for a categorical). */
typedef struct a2c__net_layout {
    a2c__range actor_trunk, critic_trunk, action_head, value_head, dist_params;
} a2c__net_layout;

/* a2c_net_create for any action space; with initialise 0 the parameters
 * are left zero (for a checkpoint that is about to overwrite them).
 * Failures record a last-error message under the name `fn`. */
a2c_status a2c__net_create(a2c_net **out, const a2c_config *cfg, size_t obs_dim,
                           int action_kind, size_t action_dim, int initialise, const char *fn);
/* The number of parameters a net made from `cfg` would have, computed
 * without allocating; 0 if the sizes are out of range. */
size_t a2c__net_param_count_for(const a2c_config *cfg, size_t obs_dim, int action_kind,
                                size_t action_dim);

void a2c__net_ranges(const a2c_net *net, a2c__net_layout *out);
const a2c__dist *a2c__net_dist(const a2c_net *net);
int a2c__net_shared(const a2c_net *net);
const a2c_allocator *a2c__net_allocator(const a2c_net *net);
const a2c__kernels *a2c__net_kernels(const a2c_net *net);
/* Tests: run the net on another kernel table. */
void a2c__net_use_kernels(a2c_net *net, const a2c__kernels *k);

/* ---- forward ---- */

/* Forward into cached rows [r0, r0 + batch); obs must be finite (callers
 * check it).  `want_pi` = 0 skips the actor (value-only forward). */
a2c_status a2c__net_forward_rows(a2c_net *net, const float *obs, size_t r0, size_t batch,
                                 int want_pi);
/* The two halves of a forward pass over rows whose inputs are already in
 * place (a2c__net_set_inputs); with separate trunks they touch disjoint
 * memory and may run on two threads at once.  With a shared trunk only
 * a2c__net_forward_rows may be used. */
void a2c__net_set_inputs(a2c_net *net, const float *obs, size_t r0, size_t batch);
void a2c__net_forward_actor(a2c_net *net, size_t r0, size_t batch);
void a2c__net_forward_critic(a2c_net *net, size_t r0, size_t batch);
/* Both sides (or with want_pi 0 the critic's) over rows whose inputs are
 * in place; disjoint rows may run on different threads at once. */
void a2c__net_forward_cached(a2c_net *net, size_t r0, size_t batch, int want_pi);
/* For a locked net whose parameters stay put (a trainer's rollout): the
 * heads' weights transposed once, so that every forward pass until the
 * next a2c__net_invalidate or unlock reads them as contiguous rows (the
 * same sums, the same bits). */
void a2c__net_prepare_heads(a2c_net *net);
/* Cached outputs: the action head's row `row` (head_width floats) and the
 * value of row `row`; rows are contiguous. */
const float *a2c__net_head(const a2c_net *net, size_t row);
/* Health: the fraction of saturated units of the actor's (critic 0) or
 * the critic's trunk over the cached rows 0..batch-1 (a shared trunk is
 * both); see a2c_train_stats.actor_saturation. */
double a2c__net_trunk_saturation(const a2c_net *net, int critic, size_t batch);
const float *a2c__net_values(const a2c_net *net, size_t row);
/* The flat parameter vector, read-only. */
const float *a2c__net_const_params(const a2c_net *net);
/* The distribution's parameters in the flat vector (n_params floats). */
const float *a2c__net_dist_params(const a2c_net *net);
/* Rows of the last public forward or act (0 if none, or if the
 * parameters changed since); a2c__net_invalidate forgets them. */
size_t a2c__net_cached(const a2c_net *net);
void a2c__net_invalidate(a2c_net *net);
/* A trainer locks its net while it collects and updates (its cached rows
 * are the rollout's); the public calls that would overwrite them or the
 * parameters then fail with A2C_E_STATE.  a2c__net_check_unlocked records
 * that message under `fn`. */
void a2c__net_lock(a2c_net *net, int locked);
a2c_status a2c__net_check_unlocked(const a2c_net *net, const char *fn);

/* ---- acting ---- */

/* Chooses actions for cached rows [row0, row0 + batch) from their head
 * outputs (greedy, or sampled with `rng`); log_probs may be NULL. */
a2c_status a2c__net_sample(a2c_net *net, size_t row0, size_t batch, a2c__rng *rng,
                           int deterministic, int32_t *discrete, float *box, float *log_probs);
/* a2c_net_act without its checks, drawing from `rng`: any batch, run
 * max_batch rows at a time (the last chunk stays cached). */
a2c_status a2c__net_act(a2c_net *net, const float *obs, size_t batch, int deterministic,
                        a2c__rng *rng, int32_t *discrete, float *box, float *log_probs,
                        float *values);

/* The actor's latent features of cached row `row` (its trunk's output, or
 * the input without hidden layers): gSDE's z; rows are contiguous. */
const float *a2c__net_latent(const a2c_net *net, size_t row);
/* gSDE: draws new exploration matrices, one per environment (SB3's
 * reset_noise), from `rng`; nothing for other distributions.  The count
 * is the configuration's n_envs (0 without gSDE). */
void a2c__net_reset_noise(a2c_net *net, a2c__rng *rng);
size_t a2c__net_noise_count(const a2c_net *net);
/* Tests: the exploration matrices (n_noise x latent_dim x action_dim). */
float *a2c__net_noise(a2c_net *net);
/* BOX: the space's bounds (NULL: unbounded), which a2c_net_act_box clips
 * to and checkpoints keep; and where they are. */
void a2c__net_set_action_bounds(a2c_net *net, const float *low, const float *high);
const float *a2c__net_action_low(const a2c_net *net);
const float *a2c__net_action_high(const a2c_net *net);
/* The action-space section of BOX nets: kind, dim, lows, highs. */
void a2c__net_write_action_space(a2c__writer *w, const a2c_net *net);
void a2c__net_read_action_space(a2c__reader *r, a2c_net *net);

/* ---- backward ---- */

/* Gradient buffers the loss fills before a backward: dL/d head outputs
 * (max_batch x head_width), dL/d values (max_batch), and the flat
 * gradient's slice for the distribution's own parameters. */
float *a2c__net_dhead(a2c_net *net);
float *a2c__net_dvalues(a2c_net *net);
float *a2c__net_dist_grads(a2c_net *net);
/* Backward from a2c__net_dhead / a2c__net_dvalues over cached rows
 * [0, batch), accumulating into the flat gradient, on this thread (the
 * stages below, run whole). */
void a2c__net_backward_loss(a2c_net *net, size_t batch);

/* The same backward in stages, for a pool of threads.  Sides: 0 the actor
 * (with a shared trunk: everything), 1 the critic (nothing with a shared
 * trunk).  Each stage must finish, on every side, before the next starts;
 * within a stage, different sides, or different rows / parts of one side,
 * may run on different threads at once.
 *   begin      the loss gradients the backward starts from (NULL: that
 *              head gets none), from one thread;
 *   transpose  the side's weights, for its deltas;
 *   deltas     rows [r0, r0 + rows) of every hidden layer's delta;
 *   weights    part `part` of `parts` of every weight and bias gradient
 *              of the side, summed over rows [0, batch).
 * However rows and parts are divided, the gradient is the same bits as
 * the one-thread backward's. */
void a2c__net_backward_begin(a2c_net *net, const float *dlogits, const float *dvalues);
void a2c__net_backward_transpose(a2c_net *net, int side);
void a2c__net_backward_deltas(a2c_net *net, int side, size_t r0, size_t rows);
void a2c__net_backward_weights(a2c_net *net, int side, size_t batch, unsigned part,
                               unsigned parts);

/* ---- checkpoints: the net section ---- */

/* Writes obs_dim, the number of actions, the parameter count, the parameters
 * and the sampling generator. */
void a2c__net_write(a2c__writer *w, const a2c_net *net);
/* Reads a net section into a new net made from `cfg` (the checkpoint's
 * configuration section, created with the caller's allocator).  A2C_E_FORMAT if the section is
 * short, inconsistent with the configuration or holds non-finite
 * parameters; A2C_E_NOMEM.  The reader must then be at the section's
 * end; the caller checks. */
a2c_status a2c__net_read(a2c__reader *r, const a2c_config *cfg, int action_kind,
                         a2c_net **out);
/* 1 if two nets have the same architecture (sizes, widths, activation,
 * trunk sharing, action space). */
int a2c__net_same_architecture(const a2c_net *a, const a2c_net *b);
/* Copies the parameters and the sampling generator of `src` into `dst`
 * (same architecture), zeroes dst's gradient and forgets its cache. */
void a2c__net_copy_state(a2c_net *dst, const a2c_net *src);
/* ---- observation normalisation (A2C_PARAM_NORM_OBS) ---- */

/* Whether the net's public forward and act normalise raw observations;
 * its statistics, which the trainer updates while collecting, and clip. */
int a2c__net_norm_obs(const a2c_net *net);
a2c__rms *a2c__net_obs_rms(a2c_net *net);
double a2c__net_clip_obs(const a2c_net *net);
/* The observation-normaliser section: obs_dim, clip_obs, the statistics.
 * Reading into a net made with norm_obs from the same configuration
 * marks the reader bad on any mismatch or impossible value. */
void a2c__net_write_obs_norm(a2c__writer *w, const a2c_net *net);
void a2c__net_read_obs_norm(a2c__reader *r, a2c_net *net);

/* The configuration the net was made from. */
const a2c_config *a2c__net_config(const a2c_net *net);
/* The observation statistics, read-only (a2c_net_export_c). */
const a2c__rms *a2c__net_const_obs_rms(const a2c_net *net);

#endif /* A2C_NN_NET_H */
