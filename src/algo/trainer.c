/* a2c_trainer: Stable-Baselines3's A2C.learn() loop.
 *
 * The rollout's forward passes are the training forward passes: the
 * parameters do not change while a rollout is collected, so the activations
 * the net caches at step t (rows t*n_envs ...) are exactly what SB3
 * recomputes in train(), and backward runs on them directly.  Extra rows
 * after the rollout's serve the critic-only passes (final observations of
 * truncated episodes, and the bootstrap value of the last observations).
 * Everything is sized at creation: nothing is allocated per step.
 *
 * The trainer owns the pieces and calls them: the environments through the
 * vec-env layer, the net, the loss (in halves, so that a helper thread can
 * take the actor's), the optimizer and the rollout.  It reads none of
 * their fields. */
#include "algo/trainer.h"

#include "algo/loss.h"
#include "algo/optimizer.h"
#include "algo/rollout.h"
#include "algo/pool.h"
#include "common/config.h"
#include "common/rms.h"
#include "common/rng.h"
#include "envs/vecenv.h"
#include "nn/net.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* Chooses between two ways of doing the same work (alone, or on every
 * thread) by timing both now and then: see choose(). */
typedef struct mode_chooser {
    int state;             /* 0 running a choice, 1 probing alone, 2 probing the threads */
    int decided, chosen;   /* chosen: 1 for the threads */
    int use;               /* the way in use now */
    uint64_t left, keep;   /* units until the next probe; current keep length */
    uint64_t units;        /* units done in the current probe */
    double mark;           /* when the current probe began */
    double alone_per_unit; /* seconds per unit in the last probe alone */
    double spent;          /* seconds inside the chooser's probed work so far */
} mode_chooser;

/* A pass's work for the threads (see "the threads' shares" below). */
typedef struct job {
    a2c_trainer *tr;
    int kind;
    size_t r0, rows; /* FORWARD, CRITIC: the rows */
    size_t trunc;    /* CRITIC_AHEAD: truncated episodes' final observations first */
    const float *last_obs; /* CRITIC_AHEAD: the spare rows' inputs to set first */
    double progress;
    float scale;
    double adv_mean, adv_scale, policy_loss, entropy_loss, value_loss; /* the loss's halves */
    double sum[2]; /* each side's gradient sum of squares */
    /* each side's health signals, measured where its data is */
    double saturation[2], kl, moved[2], size[2];
    const int32_t *discrete; /* ENV: the actions */
} job;

/* One side's share of the flat vector: up to three ranges, in the order
 * their squares are summed and their parameters updated. */
typedef struct side {
    a2c__range ranges[3];
    size_t n;
} side;

struct a2c_trainer {
    a2c_allocator alloc;
    a2c__vecenv *envs;
    a2c_net *net;
    a2c_optimizer *opt;
    a2c_rollout *ro;
    const a2c__dist *dist;
    a2c__loss_coefs coefs;
    size_t n_envs, n_steps, obs_dim, batch;
    size_t box_dim;         /* continuous actions' components, 0 for discrete */
    int64_t sde_sample_freq; /* gSDE: steps between exploration draws, <= 0 per rollout */
    double gamma, gae_lambda, max_grad_norm;
    /* per sub-environment, n_envs entries (final_obs: n_envs x obs_dim) */
    float *final_obs; /* final observations of truncated episodes, packed */
    float *trunc_values; /* the critic's values of final_obs */
    float *episode_starts, *rewards_f, *dones_f, *last_values;
    int32_t *actions;
    float *box_actions; /* n_envs x box_dim, as sampled (the env gets them clipped) */
    uint32_t *truncated_rows; /* envs whose final observation needs a value */
    /* With a pool and separate trunks the critic's values of final_obs
     * wait for the thread that runs the critic's next rows, so that its
     * weights stay in that core's cache: trunc_rows final observations of
     * step trunc_step, TRUNC_WAITING for the critic or TRUNC_COMPUTED
     * (values in trunc_values once the pool is joined) for their rewards'
     * bootstrap (settle_truncations). */
    size_t trunc_rows, trunc_step;
    int trunc_state;
    void *block;
    size_t block_bytes;
    /* progress and statistics (all saved in trainer checkpoints) */
    uint64_t timesteps, episodes, updates;
    a2c__rng sample_rng;
    double win_return[A2C__WINDOW];
    uint64_t win_length[A2C__WINDOW];
    uint32_t win_count, win_next;
    int need_reset;
    /* SB3's VecNormalize: the observation statistics are the net's; the
     * reward scaling by the std of the discounted return is the trainer's */
    int norm_obs, norm_reward;
    double clip_reward;
    a2c__rms ret_rms;
    double ret_mean, ret_var; /* ret_rms's storage */
    double *returns;          /* discounted return so far, per env */
    float *obs_norm;          /* the current observations as the net sees them */
    double ent_coef;          /* at the start; with a linear schedule it decays */
    int ent_linear;
    int learning; /* inside a2c_trainer_learn: its callbacks may not re-enter */
    /* the push-style API: the host owns the loop (a2c_trainer_create_push) */
    int push, push_acted;
    a2c_env shape;            /* a push trainer's copy of the host's shape table */
    float *shape_low, *shape_high; /* and of its action bounds */
    size_t push_t;         /* the rollout row block the next push_act fills */
    double push_start;     /* when push_start was called, for the statistics */
    uint64_t push_steps0;  /* timesteps then */
    /* The pool's threads split every pass (see "the threads' shares"
     * below); the norm takes each side's parameters separately (a shared
     * trunk: all of them as the critic's), however many threads run: the
     * same sums in the same order, the same results. */
    side sides[2]; /* 0 actor, 1 critic */
    a2c__pool pool;
    int threads;
    unsigned parts;            /* threads the current pass is split over */
    uint32_t *part_result;     /* per thread: an env range's first failure, a divergence */
    /* whether each kind of work uses every thread or runs alone: both
     * ways are timed now and then and the faster kept (hand-overs can cost
     * more than small passes save, and a busy machine can make the helpers
     * a loss); results are the same either way.  The collection's forward
     * passes, the updates and the env steps (A2C_ENV_CONCURRENT_STEP) are
     * chosen for apart. */
    int pin_mode; /* tests: -1 chooses, 0 always alone, 1 always every thread */
    mode_chooser forward_chooser, update_chooser, env_chooser;
    /* separate trunks: the rollout rows [0, critic_done) have their values
     * (or the helper is computing them: a2c__pool_join waits); the rest
     * wait for the end of the rollout */
    size_t critic_done;
    job critic_job;
    double actor_saturation; /* separate trunks: counted by actor_prepare */
    /* health (the 0.2 fields of a2c_train_stats): the policy's change is
     * measured on kl_rows rows of the batch spread evenly */
    size_t kl_rows;
    float *kl_obs;      /* their observations, kl_rows x obs_dim */
    double *kl_old;     /* their log-probabilities before the update */
    double *log_probs;  /* every batch row's, from the policy loss */
    float *kl_scratch;  /* one row's head gradient and the distribution's parameters' */
    double ent_ref;     /* DISCRETE: log(n_actions); BOX: one component's initial entropy */
    double kl_vloss;    /* the KL rows' mean squared value error before the update */
    double kl_ret_sq;   /* and their mean squared return */
    /* the divergence guard (A2C_PARAM_MAX_ROLLBACKS); lr_scale and
     * rollbacks are saved in trainer checkpoints */
    uint64_t max_rollbacks, rollbacks;
    double lr_factor, loss_jump, lr_scale;
    int can_undo;       /* the optimizer still holds the parameters before the last update */
    a2c_episode_callback on_episode;
    void *episode_user;
    a2c_reduce_callback reduce; /* data-parallel training: the host's mean over workers */
    void *reduce_user;
    uint32_t reduce_flags; /* a2c_reduce_flag: what else the reducer shares */
    /* with A2C_REDUCE_OBS_NORM, this worker's observations since the last
     * update, as sums of (x - obs_shift) and of its squares, for
     * share_obs_stats; obs_reduce is the reducer's 2 obs_dim + 1 doubles */
    double *obs_shift, *obs_sum1, *obs_sum2, *obs_reduce;
    double obs_rows;
};

/* Rows of the batch the approximate KL is measured on, at most: their
 * forward pass after the update is most of what the health signals cost
 * (docs/monitor.md); the monitor averages over 20 updates. */
#define KL_ROWS 8

/* ---- creation ---- */

/* Bytes the block needs, or 0 on overflow; with a block, also points every
 * buffer into it. */
static size_t lay_out(a2c_trainer *tr, unsigned char *block)
{
    const size_t n = tr->n_envs, od = tr->obs_dim;
    size_t used = 0;
    tr->final_obs = a2c__carve(n, od, sizeof(float), block, &used);
    tr->trunc_values = a2c__carve(n, 1, sizeof(float), block, &used);
    tr->episode_starts = a2c__carve(n, 1, sizeof(float), block, &used);
    tr->rewards_f = a2c__carve(n, 1, sizeof(float), block, &used);
    tr->dones_f = a2c__carve(n, 1, sizeof(float), block, &used);
    tr->last_values = a2c__carve(n, 1, sizeof(float), block, &used);
    tr->actions = a2c__carve(n, 1, sizeof(int32_t), block, &used);
    tr->box_actions = a2c__carve(n, tr->box_dim, sizeof(float), block, &used);
    tr->shape_low = a2c__carve(1, tr->box_dim, sizeof(float), block, &used);
    tr->shape_high = a2c__carve(1, tr->box_dim, sizeof(float), block, &used);
    tr->truncated_rows = a2c__carve(n, 1, sizeof(uint32_t), block, &used);
    tr->returns = a2c__carve(n, 1, sizeof(double), block, &used);
    tr->obs_norm = a2c__carve(n, od, sizeof(float), block, &used);
    const a2c__dist *d = a2c__net_dist(tr->net);
    tr->obs_shift = a2c__carve(od, 1, sizeof(double), block, &used);
    tr->obs_sum1 = a2c__carve(od, 1, sizeof(double), block, &used);
    tr->obs_sum2 = a2c__carve(od, 1, sizeof(double), block, &used);
    tr->obs_reduce = a2c__carve(2 * od + 1, 1, sizeof(double), block, &used);
    tr->kl_obs = a2c__carve(tr->kl_rows, od, sizeof(float), block, &used);
    tr->kl_old = a2c__carve(tr->kl_rows, 1, sizeof(double), block, &used);
    tr->log_probs = a2c__carve(tr->batch, 1, sizeof(double), block, &used);
    tr->kl_scratch = a2c__carve(1, d->head_width + d->n_params, sizeof(float), block, &used);
    /* one per thread, and one per side */
    tr->part_result = a2c__carve(tr->threads > 2 ? (size_t)tr->threads : 2, 1,
                                 sizeof(uint32_t), block, &used);
    return used == SIZE_MAX ? 0 : used;
}

static void add_range(side *s, a2c__range r)
{
    if (r.end > r.begin) s->ranges[s->n++] = r;
}

/* The actor's side is [actor trunk | action head | distribution
 * parameters], the critic's [critic trunk | value head]; a shared trunk
 * makes everything the critic's. */
static void split_sides(a2c_trainer *tr)
{
    a2c__net_layout l;
    a2c__net_ranges(tr->net, &l);
    memset(tr->sides, 0, sizeof tr->sides);
    if (a2c__net_shared(tr->net)) {
        add_range(&tr->sides[1], (a2c__range){0, a2c_net_param_count(tr->net)});
        return;
    }
    add_range(&tr->sides[0], l.actor_trunk);
    add_range(&tr->sides[0], l.action_head);
    add_range(&tr->sides[0], l.dist_params);
    add_range(&tr->sides[1], l.critic_trunk);
    add_range(&tr->sides[1], l.value_head);
}

/* a2c_trainer_create, or with `push` a2c_trainer_create_push, whose env
 * table only gives the shape. */
static a2c_status create(a2c_trainer **out, const a2c_config *cfg, const a2c_env *env, int push,
                         const char *fn)
{
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, fn, "out is NULL");
    *out = NULL;
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, fn, "cfg is NULL");
    a2c_status rc = push ? a2c__vecenv_check_shape(env, fn) : a2c__vecenv_check(env, fn);
    if (rc != A2C_OK) return rc;
    for (uint32_t k = 0; env->action_kind == A2C_SPACE_BOX && k < env->action_dim; k++) {
        const float lo = env->action_low ? env->action_low[k] : -HUGE_VALF;
        const float hi = env->action_high ? env->action_high[k] : HUGE_VALF;
        if (!(lo <= hi) || lo == HUGE_VALF || hi == -HUGE_VALF)
            return a2c__fail(A2C_E_INVALID_ARG, fn, "env's action bounds of component %u are "
                                                    "[%g, %g]", k, (double)lo, (double)hi);
    }
    const size_t n_steps = (size_t)a2c__cfg_int(cfg, A2C_PARAM_N_STEPS);
    if (a2c__cfg_int(cfg, A2C_PARAM_NORMALIZE_ADVANTAGE) && n_steps * env->num_envs < 2)
        return a2c__fail(A2C_E_INVALID_ARG, fn, /* SB3 refuses this too: the std of one value */
                         "normalize_advantage needs n_steps x num_envs >= 2");
    const a2c_allocator *alloc = a2c__config_allocator(cfg);
    a2c_trainer *tr = a2c__alloc(alloc, sizeof *tr);
    if (!tr) return a2c__fail(A2C_E_NOMEM, fn, "no memory for the trainer");
    a2c_config *own = NULL;
    tr->alloc = *alloc;
    tr->n_envs = env->num_envs;
    tr->n_steps = n_steps;
    tr->obs_dim = env->obs_dim;
    tr->box_dim = env->action_kind == A2C_SPACE_BOX ? env->action_dim : 0;
    tr->sde_sample_freq = a2c__cfg_int(cfg, A2C_PARAM_SDE_SAMPLE_FREQ);
    tr->batch = tr->n_steps * tr->n_envs;
    tr->gamma = a2c__cfg_double(cfg, A2C_PARAM_GAMMA);
    tr->gae_lambda = a2c__cfg_double(cfg, A2C_PARAM_GAE_LAMBDA);
    tr->max_grad_norm = a2c__cfg_double(cfg, A2C_PARAM_MAX_GRAD_NORM);
    tr->threads = (int)a2c__cfg_int(cfg, A2C_PARAM_N_THREADS);
    a2c__loss_coefs_from_config(cfg, &tr->coefs);
    tr->ent_coef = tr->coefs.ent_coef;
    tr->ent_linear = a2c__cfg_int(cfg, A2C_PARAM_ENT_SCHEDULE) == A2C_SCHEDULE_LINEAR;
    tr->norm_obs = (int)a2c__cfg_int(cfg, A2C_PARAM_NORM_OBS);
    tr->norm_reward = (int)a2c__cfg_int(cfg, A2C_PARAM_NORM_REWARD);
    tr->clip_reward = a2c__cfg_double(cfg, A2C_PARAM_CLIP_REWARD);
    a2c__rms_init(&tr->ret_rms, &tr->ret_mean, &tr->ret_var, 1);
    /* The net's workspace: the rollout's rows plus n_envs for critic-only
     * passes; the env decides n_envs. */
    if (a2c_config_clone(cfg, &own) != A2C_OK) {
        rc = a2c__fail(A2C_E_NOMEM, fn, "no memory for the trainer's configuration");
        goto fail;
    }
    if (a2c_config_set_int(own, A2C_PARAM_N_ENVS, (int64_t)tr->n_envs) != A2C_OK ||
        a2c_config_set_int(own, A2C_PARAM_MAX_BATCH, (int64_t)(tr->batch + tr->n_envs)) !=
            A2C_OK) {
        rc = a2c__fail(A2C_E_INVALID_ARG, fn,
                       "n_steps x num_envs + num_envs is %zu, above the max_batch limit",
                       tr->batch + tr->n_envs);
        goto fail;
    }
    A2C_TRY(a2c__net_create(&tr->net, own, env->obs_dim, env->action_kind, env->action_dim, 1,
                            fn));
    A2C_TRY(a2c_optimizer_create(&tr->opt, own, a2c_net_param_count(tr->net)));
    A2C_TRY(a2c__rollout_create(&tr->ro, own, env->obs_dim, tr->box_dim, fn));
    if (tr->box_dim) a2c__net_set_action_bounds(tr->net, env->action_low, env->action_high);
    const uint64_t seed = (uint64_t)a2c__cfg_int(cfg, A2C_PARAM_SEED);
    tr->kl_rows = tr->batch < KL_ROWS ? tr->batch : KL_ROWS;
    tr->block_bytes = lay_out(tr, NULL);
    if (tr->block_bytes == 0) {
        rc = a2c__fail(A2C_E_INVALID_ARG, fn, "the trainer's buffers overflow");
        goto fail;
    }
    tr->block = a2c__alloc(&tr->alloc, tr->block_bytes);
    if (!tr->block) {
        rc = a2c__fail(A2C_E_NOMEM, fn, "no memory for the trainer's buffers");
        goto fail;
    }
    lay_out(tr, tr->block);
    memset(tr->block, 0, tr->block_bytes); /* scratch that is written before it is read */
    if (push) {
        /* the host's table may be a temporary: keep what is read of it */
        tr->shape = *env;
        tr->shape.reset = NULL, tr->shape.step = NULL, tr->shape.step_all = NULL;
        tr->shape.close = NULL;
        if (env->version >= A2C_ENV_V2) {
            tr->shape.state_size = 0;
            tr->shape.save_state = NULL, tr->shape.load_state = NULL;
        }
        for (size_t k = 0; k < tr->box_dim; k++) {
            tr->shape_low[k] = env->action_low ? env->action_low[k] : -HUGE_VALF;
            tr->shape_high[k] = env->action_high ? env->action_high[k] : HUGE_VALF;
        }
        tr->shape.action_low = tr->box_dim ? tr->shape_low : NULL;
        tr->shape.action_high = tr->box_dim ? tr->shape_high : NULL;
        env = &tr->shape;
    }
    A2C_TRY(a2c__vecenv_create(&tr->envs, env, alloc, seed, 3, fn));
    tr->dist = a2c__net_dist(tr->net);
    /* a Gaussian component's entropy is 0.5 log(2 pi e) + log std */
    tr->ent_ref = tr->box_dim ? 0.5 + 0.91893853320467274178 /* log sqrt(2 pi) */ +
                                    tr->dist->log_std_init
                              : log((double)tr->dist->action_dim);
    tr->max_rollbacks = (uint64_t)a2c__cfg_int(cfg, A2C_PARAM_MAX_ROLLBACKS);
    tr->lr_factor = a2c__cfg_double(cfg, A2C_PARAM_ROLLBACK_LR_FACTOR);
    tr->loss_jump = a2c__cfg_double(cfg, A2C_PARAM_ROLLBACK_LOSS_JUMP);
    tr->lr_scale = 1.0;
    split_sides(tr);
    if (a2c__pool_init(&tr->pool, alloc, (unsigned)tr->threads - 1) != A2C_OK) {
        rc = a2c__fail(A2C_E_NOMEM, fn, "no memory for the trainer's %d threads", tr->threads);
        goto fail;
    }
    a2c__rng_seed(&tr->sample_rng, seed, 2);
    tr->need_reset = 1;
    tr->pin_mode = -1;
    tr->parts = 1;
    tr->push = push;
    a2c_config_destroy(own);
    *out = tr;
    return A2C_OK;
fail:
    a2c_config_destroy(own);
    a2c_trainer_destroy(tr);
    return rc;
}

A2C_API a2c_status a2c_trainer_create(a2c_trainer **out, const a2c_config *cfg, const a2c_env *env)
{
    return create(out, cfg, env, 0, __func__);
}

A2C_API a2c_status a2c_trainer_create_push(a2c_trainer **out, const a2c_config *cfg,
                                           const a2c_env *shape)
{
    return create(out, cfg, shape, 1, __func__);
}

A2C_API void a2c_trainer_destroy(a2c_trainer *tr)
{
    if (!tr) return;
    a2c_allocator a = tr->alloc;
    a2c__pool_release(&tr->pool);
    a2c__vecenv_destroy(tr->envs);
    a2c_rollout_destroy(tr->ro);
    a2c_optimizer_destroy(tr->opt);
    a2c_net_destroy(tr->net);
    a2c__free(&a, tr->block, tr->block_bytes);
    a2c__free(&a, tr, sizeof *tr);
}

A2C_API a2c_net *a2c_trainer_net(a2c_trainer *tr)
{
    return tr ? tr->net : NULL;
}

A2C_API uint64_t a2c_trainer_timesteps(const a2c_trainer *tr)
{
    return tr ? tr->timesteps : 0;
}

/* ---- the threads' shares ----
 *
 * Every pass is split between the pool's threads (part 0 is the calling
 * thread's) in ways that change no result (see pool.h):
 *   - the forward passes by rows: with separate trunks, the collection
 *     runs only the actor step by step, and the critic's rows wait (the
 *     parameters do not change until the update, so the values are the
 *     same bits): with two threads the helper computes each step's beside
 *     the collection's next (JOB_CRITIC_AHEAD), and the last step's, the
 *     last observations' and the truncated episodes' final observations
 *     too, while the calling thread readies the actor's backward
 *     (actor_prepare); otherwise what is left is one pass at the end of
 *     the rollout;
 *   - the backward in the net's stages (net.h): the deltas by rows (with
 *     separate trunks and an even number of threads, half the threads take
 *     the actor and half the critic), the weight gradients by entries of
 *     every layer;
 *   - the optimizer by ranges of the flat vector;
 *   - the loss, the norm's sums of squares and the health signals by side
 *     (sums in a fixed order: one thread per side).
 * With separate trunks and at most two threads, each side's whole
 * backward and update stay on one thread, the actor's on the calling
 * thread (which runs the actor's forward passes) and the critic's on the
 * helper: each side's parameters and activations stay in one core's
 * cache, and an update needs three hand-overs instead of seven. */

enum { JOB_FORWARD, JOB_CRITIC, JOB_CRITIC_AHEAD, JOB_BACKWARD, JOB_OPTIMIZE, JOB_LOSS,
       JOB_DELTAS, JOB_WEIGHTS, JOB_SQUARES, JOB_STEP, JOB_AFTER, JOB_ENV };


static void actor_health_before(a2c_trainer *tr);
static void truncation_values(a2c_trainer *tr, size_t rows);
static size_t kl_row(const a2c_trainer *tr, size_t k);
static double policy_change(a2c_trainer *tr);
static void side_step_sums(const a2c_trainer *tr, int which, double *moved, double *size);
static int watches_jumps(const a2c_trainer *tr);

/* Sum of squares of one side's gradient: actor (0) or critic (1). */
static double side_sum_squares(const a2c_trainer *tr, int which)
{
    const a2c__kernels *k = a2c__net_kernels(tr->net);
    const float *g = a2c_net_grads(tr->net);
    const side *s = &tr->sides[which];
    double sum = 0.0;
    for (size_t r = 0; r < s->n; r++) {
        const double part = k->sum_squares(g + s->ranges[r].begin,
                                           s->ranges[r].end - s->ranges[r].begin);
        sum = r == 0 ? part : sum + part;
    }
    return sum;
}

/* The optimizer step on one side's parameters; nonzero if it made a
 * parameter or state value non-finite. */
static int side_optimize(a2c_trainer *tr, int which, double progress, float scale)
{
    float *params = a2c_net_params(tr->net), *grads = a2c_net_grads(tr->net);
    const side *s = &tr->sides[which];
    int diverged = 0;
    for (size_t r = 0; r < s->n; r++)
        diverged |= a2c__optimizer_apply_range(tr->opt, params, grads, progress,
                                               s->ranges[r].begin, s->ranges[r].end, scale);
    return diverged;
}

/* Which sides and rows part `part` of a pass over `rows` rows takes:
 * sides [*side0, *side1) (0 actor, 1 critic), rows [*r0, *r0 + *n). */
static void side_rows(const a2c_trainer *tr, unsigned part, unsigned parts, size_t rows,
                      int *side0, int *side1, size_t *r0, size_t *n)
{
    *side0 = 0;
    *side1 = a2c__net_shared(tr->net) ? 1 : 2;
    if (*side1 == 2 && parts % 2 == 0) { /* a side per half: the actor on part 0 */
        *side0 = part % 2 == 0 ? 0 : 1;
        *side1 = *side0 + 1;
        part /= 2;
        parts /= 2;
    }
    *r0 = a2c__part_start(rows, part, parts, 8);
    *n = a2c__part_start(rows, part + 1, parts, 8) - *r0;
}

/* The side a by-side share gives part `part` (-1: none; 2: both). */
static int side_of(const a2c_trainer *tr, unsigned part, unsigned parts)
{
    if (a2c__net_shared(tr->net)) return part == 0 ? 2 : -1;
    if (parts == 1) return 2;
    return part < 2 ? (int)part : -1;
}

/* One side's half of the loss: the policy loss and the actor's health
 * signals before the update (0; its weights were transposed by
 * actor_prepare) or the value loss (1) and the critic's weights
 * transposed for the backward.  A shared trunk's whole loss is the
 * calling thread's (update). */
static void side_loss(a2c_trainer *tr, job *j, int which)
{
    a2c_net *net = tr->net;
    if (which == 0) {
        a2c__policy_loss(&tr->coefs, tr->dist, a2c__net_head(net, 0), a2c__net_dist_params(net),
                         tr->dist->use_sde ? a2c__net_latent(net, 0) : NULL, tr->batch,
                         a2c_rollout_actions(tr->ro), a2c_rollout_box_actions(tr->ro),
                         a2c_rollout_advantages(tr->ro), j->adv_mean, j->adv_scale,
                         a2c__net_dhead(net), a2c__net_dist_grads(net), &j->policy_loss,
                         &j->entropy_loss, tr->log_probs);
        actor_health_before(tr);
        j->saturation[0] = tr->actor_saturation;
    } else {
        j->value_loss = a2c__value_loss(tr->coefs.value_loss, tr->coefs.huber_delta,
                                        a2c__net_values(net, 0), a2c_rollout_returns(tr->ro),
                                        tr->batch, tr->coefs.vf_coef, a2c__net_dvalues(net));
        j->saturation[1] = a2c__net_trunk_saturation(net, 1, tr->batch);
        a2c__net_backward_transpose(net, 1);
    }
}

/* After the optimizer: a side's update size, and its part of the new
 * net's outputs on the KL rows (whose inputs are in place): the policy's
 * change (actor) or the critic's values for the guard's loss-jump test. */
static void side_after(a2c_trainer *tr, job *j, int which, int diverged)
{
    side_step_sums(tr, which, &j->moved[which], &j->size[which]);
    if (diverged || a2c__net_shared(tr->net)) return;
    if (which == 0) {
        a2c__net_forward_actor(tr->net, 0, tr->kl_rows);
        j->kl = policy_change(tr);
    } else if (watches_jumps(tr)) {
        a2c__net_forward_critic(tr->net, 0, tr->kl_rows);
    }
}

/* Part `part` of `parts` of job j. */
static void run_part(void *arg, unsigned part, unsigned parts)
{
    job *j = arg;
    a2c_trainer *tr = j->tr;
    a2c_net *net = tr->net;
    const int by_side = side_of(tr, part, parts);
    const int first = by_side == 2 ? 0 : by_side, last = by_side == 2 ? 1 : by_side;
    int s0, s1;
    size_t r0, n;
    switch (j->kind) {
    case JOB_FORWARD: /* a collection step: the actor, or a shared trunk's both heads */
    case JOB_CRITIC:  /* the end of a rollout: the critic, separate trunks */
        r0 = a2c__part_start(j->rows, part, parts, 8);
        n = a2c__part_start(j->rows, part + 1, parts, 8) - r0;
        if (n == 0) break;
        if (j->kind == JOB_CRITIC) a2c__net_forward_critic(net, j->r0 + r0, n);
        else if (a2c__net_shared(net)) a2c__net_forward_cached(net, j->r0 + r0, n, 1);
        else a2c__net_forward_actor(net, j->r0 + r0, n);
        break;
    case JOB_CRITIC_AHEAD: /* the critic's rows on the helper, beside the actor's work */
        if (j->trunc > 0) truncation_values(tr, j->trunc);
        if (j->last_obs) a2c__net_set_inputs(net, j->last_obs, tr->batch, tr->n_envs);
        a2c__net_forward_critic(net, j->r0, j->rows);
        break;
    case JOB_BACKWARD: /* separate trunks, one or two threads: whole sides */
        for (int w = last; w >= first && by_side >= 0; w--) {
            side_loss(tr, j, w);
            a2c__net_backward_deltas(net, w, 0, tr->batch);
            a2c__net_backward_weights(net, w, tr->batch, 0, 1);
            j->sum[w] = side_sum_squares(tr, w);
        }
        break;
    case JOB_OPTIMIZE:
        for (int w = last; w >= first && by_side >= 0; w--) {
            const int diverged = side_optimize(tr, w, j->progress, j->scale);
            tr->part_result[w] = (uint32_t)diverged;
            side_after(tr, j, w, diverged);
        }
        break;
    case JOB_LOSS:
        for (int w = last; w >= first && by_side >= 0; w--)
            if (!a2c__net_shared(net)) side_loss(tr, j, w);
        break;
    case JOB_DELTAS:
        side_rows(tr, part, parts, tr->batch, &s0, &s1, &r0, &n);
        for (int w = s0; w < s1 && n > 0; w++) a2c__net_backward_deltas(net, w, r0, n);
        break;
    case JOB_WEIGHTS:
        for (int w = 0; w < 2; w++) a2c__net_backward_weights(net, w, tr->batch, part, parts);
        break;
    case JOB_SQUARES:
        for (int w = last; w >= first && by_side >= 0; w--) j->sum[w] = side_sum_squares(tr, w);
        break;
    case JOB_STEP: {
        const size_t count = a2c_net_param_count(net);
        const size_t begin = a2c__part_start(count, part, parts, 16);
        const size_t end = a2c__part_start(count, part + 1, parts, 16);
        tr->part_result[part] =
            (uint32_t)(end > begin &&
                       a2c__optimizer_apply_range(tr->opt, a2c_net_params(net),
                                                  a2c_net_grads(net), j->progress, begin, end,
                                                  j->scale));
        break;
    }
    case JOB_AFTER:
        for (int w = last; w >= first && by_side >= 0; w--) side_after(tr, j, w, 0);
        break;
    case JOB_ENV: {
        const uint32_t count = a2c__vecenv_count(tr->envs);
        const uint32_t i0 = (uint32_t)a2c__part_start(count, part, parts, 1);
        const uint32_t i1 = (uint32_t)a2c__part_start(count, part + 1, parts, 1);
        const uint32_t failed = a2c__vecenv_step_range(tr->envs, j->discrete, i0, i1);
        tr->part_result[part] = failed < i1 ? failed : count;
        break;
    }
    }
}

/* Runs job j over the threads in use. */
static void run(a2c_trainer *tr, job *j)
{
    a2c__pool_run(&tr->pool, tr->parts, run_part, j);
}

static double now_seconds(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Chooses between doing one kind of work alone and on every thread: after
 * a warm-up, time a probe alone, then one on every thread, and run the
 * faster per unit of work (a forward pass, an update, an env step); measure
 * again after `keep` units, which doubles while the answer stays the same
 * (up to KEEP_MAX) and starts over when it changes.  A probe lasts
 * PROBE_SECONDS of that work, or PROBE_UNITS units if they come first, so
 * that an update of milliseconds is not timed 64 times alone while a
 * forward pass of a microsecond still is; a threaded probe that is already
 * twice as slow as working alone ends at once.  A machine whose other cores
 * are busy settles on working alone, an idle one on the threads where they
 * pay, and neither pays much for measuring.  The clock is the seconds
 * spent inside the chooser's own work (`spent`), so each kind is timed
 * apart. */
#define WARMUP 8
#define PROBE_UNITS 64
#define PROBE_SECONDS 2e-3
#define KEEP_MIN 512
#define KEEP_MAX 65536

static void decide(mode_chooser *c, int threads)
{
    c->keep = c->decided && threads == c->chosen
                  ? (c->keep * 2 < KEEP_MAX ? c->keep * 2 : KEEP_MAX)
                  : KEEP_MIN;
    c->decided = 1;
    c->chosen = threads;
    c->use = threads;
    c->state = 0;
    c->left = c->keep;
}

static void start_probe(mode_chooser *c, int threads, double t)
{
    c->use = threads;
    c->state = threads ? 2 : 1;
    c->units = 0;
    c->mark = t;
}

/* Called before each unit, with the clock `t` after the last one. */
static void choose(mode_chooser *c, double t)
{
    if (c->state == 0) {
        if (c->left > 0) c->left--;
        else start_probe(c, 0, t);
        return;
    }
    const double elapsed = t - c->mark;
    const double per_unit = elapsed / (double)++c->units;
    if (c->state == 2 && per_unit > 2.0 * c->alone_per_unit) { /* the threads lost already */
        decide(c, 0);
        return;
    }
    if (c->units < PROBE_UNITS && elapsed < PROBE_SECONDS) return;
    if (c->state == 1) {
        c->alone_per_unit = per_unit;
        start_probe(c, 1, t);
    } else {
        decide(c, per_unit < c->alone_per_unit);
    }
}

static void start_choosing(mode_chooser *c, int pin)
{
    memset(c, 0, sizeof *c);
    c->use = pin == 1;
    c->left = WARMUP;
}

/* Before a unit of a chooser's work: sets the threads it runs on and, when
 * the unit is timed, the clock's start in *t0 (else -1).  Only probes are
 * timed: a unit of CartPole's is a few microseconds, and reading the clock
 * twice per unit cost 2% of training. */
static void begin_unit(a2c_trainer *tr, mode_chooser *c, double *t0)
{
    *t0 = -1.0;
    if (tr->pool.running > 0 && tr->pin_mode < 0) {
        if (c->state == 0 && c->left > 0) {
            c->left--;
        } else {
            choose(c, c->spent);
            if (c->state != 0) *t0 = now_seconds();
        }
    }
    tr->parts = c->use ? a2c__pool_threads(&tr->pool) : 1;
}

static void end_unit(a2c_trainer *tr, mode_chooser *c, double t0)
{
    if (t0 >= 0.0) c->spent += now_seconds() - t0;
    tr->parts = 1;
}

/* One env step of every sub-environment, on the threads when the table
 * allows it and that is faster (the env chooser times only this). */
static a2c_status step_envs(a2c_trainer *tr, const char *fn)
{
    const int32_t *discrete = tr->box_dim ? NULL : tr->actions;
    const float *box = tr->box_dim ? tr->box_actions : NULL;
    if (tr->pool.running == 0 || !a2c__vecenv_concurrent(tr->envs))
        return a2c__vecenv_step(tr->envs, discrete, box, fn);
    double t0;
    begin_unit(tr, &tr->env_chooser, &t0);
    a2c_status rc;
    if (tr->parts == 1) {
        rc = a2c__vecenv_step(tr->envs, discrete, box, fn);
    } else {
        rc = a2c__vecenv_step_begin(tr->envs, box, fn);
        if (rc == A2C_OK) {
            job j;
            memset(&j, 0, sizeof j);
            j.tr = tr, j.kind = JOB_ENV, j.discrete = discrete;
            run(tr, &j);
            uint32_t failed = a2c__vecenv_count(tr->envs);
            for (unsigned k = 0; k < tr->parts; k++)
                failed = tr->part_result[k] < failed ? tr->part_result[k] : failed;
            rc = a2c__vecenv_step_finish(tr->envs, failed, fn);
        }
    }
    end_unit(tr, &tr->env_chooser, t0);
    return rc;
}

static void record_episode(a2c_trainer *tr, double ret, uint64_t len, uint32_t env,
                           int truncated)
{
    if (tr->on_episode) {
        const a2c_episode_info info = {sizeof info, env, tr->timesteps, ret, len, truncated, 0};
        tr->on_episode(&info, tr->episode_user);
    }
    tr->win_return[tr->win_next] = ret;
    tr->win_length[tr->win_next] = len;
    tr->win_next = (tr->win_next + 1) % A2C__WINDOW;
    if (tr->win_count < A2C__WINDOW) tr->win_count++;
    tr->episodes++;
}

/* The current observations as the net takes them. */
static const float *net_inputs(const a2c_trainer *tr)
{
    return tr->norm_obs ? tr->obs_norm : a2c__vecenv_obs(tr->envs);
}

/* ---- observation statistics shared by data-parallel workers ----
 *
 * With a reducer and A2C_REDUCE_OBS_NORM, VecNormalize's observation
 * statistics stop taking each step's observations as they come: the
 * observations only add to this worker's moments, and once per update
 * every worker merges the same batch, the moments' mean over the workers
 * (share_obs_stats).  Workers that start with equal statistics (liba2c_mpi
 * broadcasts rank 0's) therefore keep them equal, bit for bit, as they
 * keep their parameters. */

static int shares_obs_stats(const a2c_trainer *tr)
{
    return tr->norm_obs && tr->reduce && (tr->reduce_flags & A2C_REDUCE_OBS_NORM);
}

static void clear_obs_moments(a2c_trainer *tr)
{
    for (size_t k = 0; k < tr->obs_dim; k++) tr->obs_sum1[k] = tr->obs_sum2[k] = 0.0;
    tr->obs_rows = 0.0;
}

/* New observations (n rows, raw) for the statistics: merged at once, or
 * into this worker's moments, about the means of the moment they start
 * (the same on every worker, and close to the data). */
static void observe(a2c_trainer *tr, const float *x, size_t n)
{
    a2c__rms *rms = a2c__net_obs_rms(tr->net);
    if (!shares_obs_stats(tr)) {
        a2c__rms_update_floats(rms, x, n);
        return;
    }
    const size_t d = tr->obs_dim;
    if (tr->obs_rows == 0.0) memcpy(tr->obs_shift, rms->mean, d * sizeof(double));
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++) {
            const double e = (double)x[i * d + k] - tr->obs_shift[k];
            tr->obs_sum1[k] += e;
            tr->obs_sum2[k] += e * e;
        }
    tr->obs_rows += (double)n;
}

/* After an update: this worker's moments through the reducer, which makes
 * them the means over the workers (first moments, second moments, rows),
 * then the batch they describe merged into the statistics: every
 * worker's observations, each worker's weighing alike, counted as the
 * mean worker's rows.  The current observations are normalised again for
 * the next step. */
static a2c_status share_obs_stats(a2c_trainer *tr, const char *fn)
{
    if (!shares_obs_stats(tr)) return A2C_OK;
    const size_t d = tr->obs_dim;
    double *m = tr->obs_reduce;
    const double rows = tr->obs_rows;
    for (size_t k = 0; k < d; k++) {
        m[k] = rows > 0.0 ? tr->obs_sum1[k] / rows : 0.0;
        m[d + k] = rows > 0.0 ? tr->obs_sum2[k] / rows : 0.0;
    }
    m[2 * d] = rows;
    if (rows == 0.0) memcpy(tr->obs_shift, a2c__net_obs_rms(tr->net)->mean, d * sizeof(double));
    clear_obs_moments(tr);
    if (tr->reduce(NULL, 0, m, 2 * d + 1, tr->reduce_user) != 0)
        return a2c__fail(A2C_E_ENV, fn, "the gradient reducer (a2c_trainer_set_reducer) "
                                        "reported failure on the observation statistics after "
                                        "%llu updates", (unsigned long long)tr->updates);
    int finite = 1;
    for (size_t k = 0; k <= 2 * d; k++) finite &= isfinite(m[k]) != 0;
    if (!finite)
        return a2c__fail(A2C_E_NONFINITE, fn, "the observation statistics the reducer returned "
                                              "after %llu updates are not finite",
                         (unsigned long long)tr->updates);
    for (size_t k = 0; k < d; k++) { /* into the batch's means and variances */
        const double m1 = m[k], var = m[d + k] - m1 * m1;
        m[k] = tr->obs_shift[k] + m1;
        m[d + k] = var > 0.0 ? var : 0.0;
    }
    a2c__rms *rms = a2c__net_obs_rms(tr->net);
    a2c__rms_update_moments(rms, m, m + d, m[2 * d]);
    a2c__rms_normalize(rms, a2c__vecenv_obs(tr->envs), tr->n_envs, a2c__net_clip_obs(tr->net),
                       tr->obs_norm);
    return A2C_OK;
}

/* ---- truncated episodes' bootstrap ----
 *
 * SB3 adds gamma * V(final observation) to the reward of a step that
 * ends an episode by its time limit.  The critic's pass over those final
 * observations uses the net's spare rows.  Without a pool, or with a
 * shared trunk, it runs at once in record_step; otherwise it waits for
 * the critic's next rows (choose_actions, finish_rollout), on whichever
 * thread runs them: with two threads that is the helper, which keeps the
 * critic's weights in its own core's cache (on these machines pulling
 * a 256 x 256 critic to the other core for a few rows cost more than
 * the rows).  The reward is the same float sum either way. */

enum { TRUNC_NONE, TRUNC_WAITING, TRUNC_COMPUTED };

/* The critic's values of the first `rows` final observations, into
 * tr->trunc_values (on the thread that runs the critic). */
static void truncation_values(a2c_trainer *tr, size_t rows)
{
    a2c_net *net = tr->net;
    /* rows <= n_envs spare rows: the only failure of forward_rows, too
     * many rows, cannot happen */
    (void)a2c__net_forward_rows(net, tr->final_obs, tr->batch, rows, 0);
    for (size_t k = 0; k < rows; k++) tr->trunc_values[k] = *a2c__net_values(net, tr->batch + k);
}

/* Joins the pool's pending task and bootstraps the rewards whose values
 * it computed; final_obs is free again afterwards. */
static void settle_truncations(a2c_trainer *tr)
{
    a2c__pool_join(&tr->pool);
    if (tr->trunc_state != TRUNC_COMPUTED) return;
    a2c__rollout_bootstrap(tr->ro, tr->trunc_step, tr->truncated_rows, tr->trunc_values,
                           tr->trunc_rows, (float)tr->gamma);
    tr->trunc_state = TRUNC_NONE;
}

/* Whether final observations wait for the critic's next rows. */
static int defers_truncations(const a2c_trainer *tr)
{
    return tr->pool.running > 0 && !a2c__net_shared(tr->net);
}

/* Hands waiting final observations to critic job j (on the helper), or
 * with j NULL computes and bootstraps them here. */
static void take_truncations(a2c_trainer *tr, job *j)
{
    if (tr->trunc_state != TRUNC_WAITING) return;
    tr->trunc_state = TRUNC_COMPUTED;
    if (j) {
        j->trunc = tr->trunc_rows;
        return;
    }
    a2c__pool_join(&tr->pool); /* a helper may still be in the spare rows */
    truncation_values(tr, tr->trunc_rows);
    settle_truncations(tr);
}

/* Starts the critic's rows [critic_done, end) on the helper, after the
 * waiting final observations and, with last_obs, after setting the spare
 * rows' inputs; the critic then has every row before `end`. */
static void start_critic_rows(a2c_trainer *tr, size_t end, const float *last_obs)
{
    job *j = &tr->critic_job;
    memset(j, 0, sizeof *j);
    j->tr = tr, j->kind = JOB_CRITIC_AHEAD;
    j->r0 = tr->critic_done, j->rows = end - tr->critic_done;
    j->last_obs = last_obs;
    take_truncations(tr, j);
    a2c__pool_start_one(&tr->pool, run_part, j);
    tr->critic_done = end;
}

/* One env step for all sub-environments, from the actions chosen on
 * rollout row block t.  Handles episode ends as SB3 does: the step's
 * `dones`, a reset in the same step (the vec-env layer's), and
 * gamma * V(final observation) added to the reward of a time-limit
 * truncation. */
/* The first half of a step: the policy on the current observations,
 * into rollout rows t * n_envs ..., and the actions chosen. */
static a2c_status choose_actions(a2c_trainer *tr, size_t t, const char *fn)
{
    const size_t n = tr->n_envs, row0 = t * n;
    a2c_net *net = tr->net;
    const float *obs = net_inputs(tr);
    a2c_status rc = A2C_OK;
    if (t == 0) {
        a2c__net_prepare_heads(net); /* the parameters stay put until the update */
        tr->critic_done = 0;
        tr->trunc_state = TRUNC_NONE; /* none left unless a rollout was abandoned */
    }
    a2c__net_set_inputs(net, obs, row0, n);
    double t0;
    begin_unit(tr, &tr->forward_chooser, &t0);
    if (tr->parts == 2 && !a2c__net_shared(net)) {
        /* the critic's rows so far on the helper, beside the actor's here:
         * each side's activations stay in its own core's cache for the
         * backward, which puts the critic on the helper too (a push
         * trainer joins them before it returns to its host, who may
         * save, load or reset between calls) */
        settle_truncations(tr); /* the last step's rows */
        start_critic_rows(tr, row0 + n, NULL);
        a2c__net_forward_actor(net, row0, n);
        if (tr->push) settle_truncations(tr);
    } else {
        job j;
        memset(&j, 0, sizeof j);
        j.tr = tr, j.kind = JOB_FORWARD, j.r0 = row0, j.rows = n;
        run(tr, &j);
        take_truncations(tr, NULL); /* here: no helper takes the critic's rows */
        if (tr->pool.running > 0 && tr->parts == 1 && !a2c__net_shared(net)) {
            /* alone beside a helper that could take the critic: its rows
             * now, so that the chooser compares the same work both ways */
            a2c__net_forward_critic(net, tr->critic_done, row0 + n - tr->critic_done);
            tr->critic_done = row0 + n;
        }
    }
    end_unit(tr, &tr->forward_chooser, t0);
    /* gSDE's exploration matrices: new at the start of every rollout, and
     * every sde_sample_freq steps if that is positive (SB3's
     * collect_rollouts) */
    if (tr->dist->use_sde &&
        (t == 0 || (tr->sde_sample_freq > 0 && t % (size_t)tr->sde_sample_freq == 0)))
        a2c__net_reset_noise(net, &tr->sample_rng);
    /* no log-probabilities: SB3's A2C stores them but never uses them */
    int32_t *discrete = tr->box_dim ? NULL : tr->actions;
    float *box = tr->box_dim ? tr->box_actions : NULL;
    if (rc == A2C_OK) rc = a2c__net_sample(net, row0, n, &tr->sample_rng, 0, discrete, box, NULL);
    if (rc == A2C_E_NONFINITE) return a2c__fail(rc, fn, "the policy's outputs are not finite");
    if (rc != A2C_OK) return a2c__fail_status(rc, fn);
    return A2C_OK;
}

/* The second half, once the vec-env layer holds the step's outcome: the
 * normaliser, the rewards (with the truncation bootstrap), the rollout row,
 * and the next observations made current. */
static void record_step(a2c_trainer *tr, size_t t)
{
    const size_t n = tr->n_envs, od = tr->obs_dim, row0 = t * n;
    a2c_net *net = tr->net;
    const float *obs = net_inputs(tr);
    tr->timesteps += n;
    const double *rewards = a2c__vecenv_rewards(tr->envs);
    const int *terminated = a2c__vecenv_terminated(tr->envs);
    const int *truncated = a2c__vecenv_truncated(tr->envs);
    a2c__rms *obs_rms = a2c__net_obs_rms(net);
    /* VecNormalize.step_wait's order: the statistics take the new
     * observations first, and the discounted returns their rewards; then
     * rewards, and the final observations below, are normalised */
    if (tr->norm_obs) observe(tr, a2c__vecenv_next_obs(tr->envs), n);
    double reward_std = 1.0;
    if (tr->norm_reward) {
        for (size_t i = 0; i < n; i++) tr->returns[i] = tr->returns[i] * tr->gamma + rewards[i];
        a2c__rms_update_doubles(&tr->ret_rms, tr->returns, n);
        reward_std = a2c__rms_std0(&tr->ret_rms);
    }
    const double clip = tr->clip_reward;
    size_t n_trunc = 0;
    for (uint32_t i = 0; i < n; i++) {
        const int done = terminated[i] || truncated[i];
        if (tr->norm_reward) {
            const double r = rewards[i] / reward_std;
            tr->rewards_f[i] = (float)(r < -clip ? -clip : r > clip ? clip : r);
            if (done) tr->returns[i] = 0.0;
        } else {
            tr->rewards_f[i] = (float)rewards[i];
        }
        tr->dones_f[i] = done ? 1.0f : 0.0f;
        if (!done) continue;
        record_episode(tr, a2c__vecenv_episode_return(tr->envs, i),
                       a2c__vecenv_episode_length(tr->envs, i), i,
                       truncated[i] && !terminated[i]);
        if (truncated[i] && !terminated[i]) {
            if (n_trunc == 0) settle_truncations(tr); /* final_obs is free */
            memcpy(tr->final_obs + n_trunc * od, a2c__vecenv_final_obs(tr->envs, i),
                   od * sizeof(float));
            tr->truncated_rows[n_trunc++] = i;
        }
    }
    const int defer = n_trunc > 0 && defers_truncations(tr);
    if (n_trunc > 0) {
        if (tr->norm_obs)
            a2c__rms_normalize(obs_rms, tr->final_obs, n_trunc, a2c__net_clip_obs(net),
                               tr->final_obs);
        if (!defer) {
            truncation_values(tr, n_trunc);
            const float g = (float)tr->gamma;
            for (size_t k = 0; k < n_trunc; k++)
                tr->rewards_f[tr->truncated_rows[k]] += g * tr->trunc_values[k];
        }
    }
    /* SB3's rollout_buffer.add(last_obs, actions, rewards, last_episode_starts,
     * values) */
    a2c__rollout_store(tr->ro, t, obs, tr->actions, tr->box_actions, tr->rewards_f,
                       tr->episode_starts,
                       a2c__net_shared(net) ? a2c__net_values(net, row0) : NULL);
    /* next observations become current; this step's dones start episodes */
    a2c__vecenv_advance(tr->envs);
    if (tr->norm_obs)
        a2c__rms_normalize(obs_rms, a2c__vecenv_obs(tr->envs), n, a2c__net_clip_obs(net),
                           tr->obs_norm);
    memcpy(tr->episode_starts, tr->dones_f, n * sizeof(float));
    if (defer) { /* after the store: the bootstrap adds to the stored rewards */
        tr->trunc_rows = n_trunc;
        tr->trunc_step = t;
        tr->trunc_state = TRUNC_WAITING;
    }
}

static a2c_status collect_step(a2c_trainer *tr, size_t t, const char *fn)
{
    a2c_status rc = choose_actions(tr, t, fn);
    if (rc == A2C_OK) rc = step_envs(tr, fn);
    if (rc == A2C_OK) record_step(tr, t);
    return rc;
}

/* ---- health signals ---- */

/* Mean and standard deviation (population, as numpy's) of n floats. */
static void mean_std(const float *x, size_t n, double *mean, double *std)
{
    double sum = 0.0, sq = 0.0;
    for (size_t k = 0; k < n; k++) sum += (double)x[k];
    const double m = sum / (double)n;
    for (size_t k = 0; k < n; k++) sq += ((double)x[k] - m) * ((double)x[k] - m);
    *mean = m;
    *std = sqrt(sq / (double)n);
}

/* 1 - var(returns - values) / var(returns), NaN if var(returns) is 0. */
static double explained_variance(const float *values, const float *returns, size_t n)
{
    double sy = 0.0, sd = 0.0;
    for (size_t k = 0; k < n; k++) {
        sy += (double)returns[k];
        sd += (double)returns[k] - (double)values[k];
    }
    const double my = sy / (double)n, md = sd / (double)n;
    double vy = 0.0, vd = 0.0;
    for (size_t k = 0; k < n; k++) {
        const double y = (double)returns[k] - my, d = (double)returns[k] - (double)values[k] - md;
        vy += y * y;
        vd += d * d;
    }
    return vy == 0.0 ? (double)NAN : 1.0 - vd / vy;
}

/* The batch row the k-th KL row stands for. */
static size_t kl_row(const a2c_trainer *tr, size_t k)
{
    return k * tr->batch / tr->kl_rows;
}

/* log pi(a) of the action of the k-th KL row under the net's new
 * outputs, which the pass after the update put in row k. */
static double kl_log_prob(a2c_trainer *tr, size_t k)
{
    const a2c__dist *d = tr->dist;
    const a2c_net *net = tr->net;
    float *dhead = tr->kl_scratch, *dparams = tr->kl_scratch + d->head_width;
    double log_prob, entropy;
    d->ops->policy_row(d, a2c__net_head(net, k), a2c__net_dist_params(net),
                       d->use_sde ? a2c__net_latent(net, k) : NULL, kl_row(tr, k),
                       a2c_rollout_actions(tr->ro), a2c_rollout_box_actions(tr->ro), 0.0, 0.0,
                       dhead, dparams, &log_prob, &entropy);
    return log_prob;
}

/* After the policy loss, on the actor's thread: the KL rows'
 * log-probabilities before the update, taken from the loss's own. */
static void actor_health_before(a2c_trainer *tr)
{
    for (size_t k = 0; k < tr->kl_rows; k++) tr->kl_old[k] = tr->log_probs[kl_row(tr, k)];
}

/* Separate trunks, at the end of a rollout, on the calling thread (the
 * actor's): what the actor's backward needs that does not wait for the
 * critic's values, so that it overlaps the critic's last rows on a
 * helper: the actor's weights transposed and its trunk's saturated units
 * (each side counts its own where its activations are: reading the other
 * side's from another core would cost more than counting). */
static void actor_prepare(a2c_trainer *tr)
{
    tr->actor_saturation = a2c__net_trunk_saturation(tr->net, 0, tr->batch);
    a2c__net_backward_transpose(tr->net, 0);
}

/* The rest, on the calling thread, whose data it is: the batch's
 * statistics, the KL rows kept for after the update, and their squared
 * value error. */
static void batch_health_before(a2c_trainer *tr, a2c_train_stats *st)
{
    const a2c_rollout *ro = tr->ro;
    const float *returns = a2c_rollout_returns(ro);
    mean_std(a2c_rollout_advantages(ro), tr->batch, &st->advantage_mean, &st->advantage_std);
    mean_std(returns, tr->batch, &st->return_mean, &st->return_std);
    st->explained_variance = explained_variance(a2c_rollout_values(ro), returns, tr->batch);
    const size_t od = tr->obs_dim;
    const float *obs = a2c_rollout_observations(ro);
    double sq = 0.0, ret_sq = 0.0;
    for (size_t k = 0; k < tr->kl_rows; k++) {
        memcpy(tr->kl_obs + k * od, obs + kl_row(tr, k) * od, od * sizeof(float));
        const double ret = (double)returns[kl_row(tr, k)];
        const double err = ret - (double)*a2c__net_values(tr->net, kl_row(tr, k));
        sq += err * err;
        ret_sq += ret * ret;
    }
    tr->kl_vloss = sq / (double)tr->kl_rows;
    tr->kl_ret_sq = ret_sq / (double)tr->kl_rows;
}

/* Whether updates are tested for a loss jump (the divergence guard). */
static int watches_jumps(const a2c_trainer *tr)
{
    return tr->max_rollbacks > 0 && tr->loss_jump > 0.0;
}

/* SB3's approx_kl estimator (PPO's) of the policy's change on the KL
 * rows, from the new actor's head rows 0, 1, ... */
static double policy_change(a2c_trainer *tr)
{
    double sum = 0.0;
    for (size_t k = 0; k < tr->kl_rows; k++) {
        const double log_ratio = kl_log_prob(tr, k) - tr->kl_old[k];
        sum += expm1(log_ratio) - log_ratio;
    }
    return sum / (double)tr->kl_rows;
}

/* After an update whose critic has been run on the KL rows: how much the
 * step added to the rows' mean squared value error, over their mean
 * squared return (NaN if that is 0): the scale of the critic's targets,
 * so that a step that moves a nearly exact critic a little is not a
 * jump. */
static double value_error_growth(const a2c_trainer *tr)
{
    if (!(tr->kl_ret_sq > 0.0)) return (double)NAN;
    const float *returns = a2c_rollout_returns(tr->ro);
    double sq = 0.0;
    for (size_t k = 0; k < tr->kl_rows; k++) {
        const double err =
            (double)returns[kl_row(tr, k)] - (double)*a2c__net_values(tr->net, k);
        sq += err * err;
    }
    return (sq / (double)tr->kl_rows - tr->kl_vloss) / tr->kl_ret_sq;
}

/* Adds the update's step and parameter sums of squares over one side's
 * ranges (a2c_train_stats.update_ratio). */
static void side_step_sums(const a2c_trainer *tr, int which, double *moved, double *size)
{
    const side *s = &tr->sides[which];
    const float *params = a2c__net_const_params(tr->net);
    for (size_t r = 0; r < s->n; r++)
        a2c__optimizer_step_sums(tr->opt, params, s->ranges[r].begin, s->ranges[r].end, moved,
                                 size);
}

/* Sum of squares of the flat ranges of `net` that belong to one head side
 * of a shared-trunk net (the trunk is both sides' and neither's). */
static double head_sum_squares(const a2c_trainer *tr, int which)
{
    a2c__net_layout l;
    a2c__net_ranges(tr->net, &l);
    const a2c__kernels *k = a2c__net_kernels(tr->net);
    const float *g = a2c_net_grads(tr->net);
    const a2c__range rs[2] = {which == 0 ? l.action_head : l.value_head,
                              which == 0 ? l.dist_params : (a2c__range){0, 0}};
    double sum = 0.0;
    for (int r = 0; r < 2; r++)
        if (rs[r].end > rs[r].begin)
            sum += k->sum_squares(g + rs[r].begin, rs[r].end - rs[r].begin);
    return sum;
}

/* ---- the divergence guard ---- */

/* A bad update (`reason`): with the guard on and rollbacks left, return
 * to the last good parameters, lower the rate and report the rollback in
 * *st (A2C_OK, nothing applied); otherwise fail with A2C_E_NONFINITE,
 * the parameters finite.  `prior` says whether the current parameters
 * are themselves bad (they gave the bad loss), so that the update before
 * is undone too. */
static a2c_status roll_back(a2c_trainer *tr, uint32_t reason, int prior, a2c_train_stats *st,
                            const char *fn)
{
    const unsigned long long n = (unsigned long long)tr->updates;
    if (tr->max_rollbacks == 0) {
        if (reason == A2C_ROLLBACK_NONFINITE_UPDATE)
            return a2c__fail(A2C_E_NONFINITE, fn,
                             "training diverged: update %llu would make a parameter or the "
                             "optimizer state non-finite; the parameters of the update before "
                             "are kept", n + 1);
        return a2c__fail(A2C_E_NONFINITE, fn, "training diverged: the loss or its gradient is "
                                              "not finite after %llu updates", n);
    }
    if (prior && tr->can_undo) a2c__optimizer_undo_step(tr->opt, a2c_net_params(tr->net));
    /* every path here has undone a step: the optimizer's copy is now of
     * the current parameters, and a second undo would only miscount */
    tr->can_undo = 0;
    a2c__net_invalidate(tr->net);
    if (tr->rollbacks >= tr->max_rollbacks)
        return a2c__fail(A2C_E_NONFINITE, fn,
                         "training diverged (%s) after %llu updates and %llu rollbacks, "
                         "max_rollbacks; the parameters are those of the last good update",
                         a2c_rollback_reason_name(reason), n,
                         (unsigned long long)tr->rollbacks);
    tr->rollbacks++;
    tr->lr_scale *= tr->lr_factor;
    a2c__optimizer_set_lr_scale(tr->opt, tr->lr_scale);
    st->rollback = reason;
    return A2C_OK;
}

/* ---- the update (SB3's A2C.train) ---- */

/* Data-parallel training: hands the gradient and the loss terms to the
 * host's reducer, which makes them the means over the workers, and
 * measures the reduced gradient's squares again.  `rc` is this worker's
 * outcome so far: if it failed, the gradient goes out as NaN, so that every
 * worker sees the same non-finite mean.  Returns A2C_E_ENV (gradient zero)
 * if the reducer failed, else whether the reduced losses are finite. */
static a2c_status reduce_update(a2c_trainer *tr, a2c_status rc, double *terms,
                                double *actor_sq, double *critic_sq, a2c_train_stats *st,
                                const char *fn)
{
    a2c_net *net = tr->net;
    float *g = a2c_net_grads(net);
    const size_t n = a2c_net_param_count(net);
    if (rc != A2C_OK)
        for (size_t k = 0; k < n; k++) g[k] = NAN;
    double stats[A2C_REDUCE_STATS];
    stats[A2C_REDUCE_POLICY_LOSS] = terms[A2C_LOSS_POLICY];
    stats[A2C_REDUCE_VALUE_LOSS] = terms[A2C_LOSS_VALUE];
    stats[A2C_REDUCE_ENTROPY_LOSS] = terms[A2C_LOSS_ENTROPY];
    if (tr->reduce(g, n, stats, A2C_REDUCE_STATS, tr->reduce_user) != 0) {
        a2c_net_zero_grad(net);
        return a2c__fail(A2C_E_ENV, fn, "the gradient reducer (a2c_trainer_set_reducer) "
                                        "reported failure after %llu updates",
                         (unsigned long long)tr->updates);
    }
    const a2c_status finite =
        a2c__loss_terms(&tr->coefs, stats[A2C_REDUCE_POLICY_LOSS],
                        stats[A2C_REDUCE_ENTROPY_LOSS], stats[A2C_REDUCE_VALUE_LOSS], terms);
    if (finite != A2C_OK) {
        terms[A2C_LOSS_POLICY] = stats[A2C_REDUCE_POLICY_LOSS];
        terms[A2C_LOSS_VALUE] = stats[A2C_REDUCE_VALUE_LOSS];
        terms[A2C_LOSS_ENTROPY] = stats[A2C_REDUCE_ENTROPY_LOSS];
    }
    if (a2c__net_shared(net)) {
        *actor_sq = 0.0;
        *critic_sq = side_sum_squares(tr, 1);
        st->actor_grad_norm = sqrt(head_sum_squares(tr, 0));
        st->critic_grad_norm = sqrt(head_sum_squares(tr, 1));
    } else {
        *actor_sq = side_sum_squares(tr, 0);
        *critic_sq = side_sum_squares(tr, 1);
        st->actor_grad_norm = sqrt(*actor_sq);
        st->critic_grad_norm = sqrt(*critic_sq);
    }
    return finite;
}

/* SB3's A2C.train(): the loss, backward, clipping and one optimizer step,
 * with the health signals around it and the guard's tests.  The gradient
 * is zero on entry and left zero on every exit (the optimizer pass clears
 * what it used).  A rollback returns A2C_OK with st->rollback set. */
static a2c_status update(a2c_trainer *tr, double progress, a2c_train_stats *st, const char *fn)
{
    a2c_net *net = tr->net;
    const a2c_rollout *ro = tr->ro;
    const int32_t *actions = tr->box_dim ? NULL : a2c_rollout_actions(ro);
    const float *box = a2c_rollout_box_actions(ro);
    const float *advantages = a2c_rollout_advantages(ro), *returns = a2c_rollout_returns(ro);
    const double nan = (double)NAN;
    double terms[A2C_LOSS_TERMS] = {nan, nan, nan, nan};
    job j;
    memset(&j, 0, sizeof j);
    j.tr = tr, j.progress = progress, j.scale = 1.0f, j.adv_scale = 1.0;
    a2c_status rc = a2c__loss_prepare(&tr->coefs, tr->dist, tr->batch, actions, box,
                                      advantages, returns, &j.adv_mean, &j.adv_scale);
    if (rc == A2C_OK) batch_health_before(tr, st);
    double actor_sq = 0.0, critic_sq = 0.0;
    const int shared = a2c__net_shared(net), whole_sides = !shared && tr->parts <= 2;
    if (rc == A2C_OK) {
        a2c__net_backward_begin(net, a2c__net_dhead(net), a2c__net_dvalues(net));
        if (shared) {
            rc = a2c__loss_net(net, &tr->coefs, tr->batch, actions, box, advantages, returns,
                               terms, tr->log_probs);
            actor_health_before(tr);
            j.saturation[0] = a2c__net_trunk_saturation(net, 0, tr->batch);
            j.saturation[1] = a2c__net_trunk_saturation(net, 1, tr->batch);
            a2c__net_backward_transpose(net, 0);
        } else {
            /* the policy loss (and with whole sides the actor's backward and
             * squares) beside the value loss (and the critic's) */
            j.kind = whole_sides ? JOB_BACKWARD : JOB_LOSS;
            run(tr, &j);
            rc = a2c__loss_terms(&tr->coefs, j.policy_loss, j.entropy_loss, j.value_loss,
                                 terms);
            if (rc == A2C_E_NONFINITE) {
                terms[A2C_LOSS_POLICY] = j.policy_loss, terms[A2C_LOSS_VALUE] = j.value_loss;
                terms[A2C_LOSS_ENTROPY] = j.entropy_loss;
            }
        }
        if (rc == A2C_OK && !whole_sides) {
            j.kind = JOB_DELTAS;
            run(tr, &j);
            j.kind = JOB_WEIGHTS;
            run(tr, &j);
            j.kind = JOB_SQUARES;
            if (!shared) run(tr, &j);
        }
        if (shared) {
            critic_sq = side_sum_squares(tr, 1); /* everything is the critic's */
            st->actor_grad_norm = sqrt(head_sum_squares(tr, 0));
            st->critic_grad_norm = sqrt(head_sum_squares(tr, 1));
        } else {
            actor_sq = j.sum[0];
            critic_sq = j.sum[1];
            st->actor_grad_norm = sqrt(actor_sq);
            st->critic_grad_norm = sqrt(critic_sq);
        }
    }
    if (tr->reduce) {
        const a2c_status reduced = reduce_update(tr, rc, terms, &actor_sq, &critic_sq, st, fn);
        if (reduced == A2C_E_ENV) return reduced;
        if (rc == A2C_OK || rc == A2C_E_NONFINITE) rc = reduced;
    }
    st->actor_saturation = j.saturation[0];
    st->critic_saturation = j.saturation[1];
    /* clip_grad_norm_; a finite norm means finite gradients, so the
     * optimizer need not look again */
    const double norm = sqrt(actor_sq + critic_sq);
    st->policy_loss = terms[A2C_LOSS_POLICY];
    st->value_loss = terms[A2C_LOSS_VALUE];
    st->entropy_loss = terms[A2C_LOSS_ENTROPY];
    st->total_loss = terms[A2C_LOSS_TOTAL];
    st->grad_norm = norm;
    st->entropy = -terms[A2C_LOSS_ENTROPY];
    st->entropy_fraction = tr->box_dim ? exp(st->entropy / (double)tr->box_dim - tr->ent_ref)
                                       : st->entropy / tr->ent_ref;
    st->value_loss_ratio = st->return_std > 0.0
                               ? terms[A2C_LOSS_VALUE] / (st->return_std * st->return_std)
                               : (double)NAN;
    a2c_optimizer_learning_rate(tr->opt, progress, &st->learning_rate);
    if (rc == A2C_OK && !isfinite(norm)) rc = A2C_E_NONFINITE;
    if (rc != A2C_OK) {
        a2c_net_zero_grad(net);
        if (rc == A2C_E_NONFINITE) return roll_back(tr, A2C_ROLLBACK_NONFINITE_LOSS, 1, st, fn);
        return a2c__fail_status(rc, fn);
    }
    const double coef = tr->max_grad_norm / (norm + 1e-6);
    j.scale = coef < 1.0 ? (float)coef : 1.0f; /* torch scales by min(1, coef) */
    if (a2c__optimizer_count_step(tr->opt) != A2C_OK) {
        a2c_net_zero_grad(net);
        return a2c__fail(A2C_E_STATE, fn, "the optimizer has taken 2^53 steps, its limit");
    }
    /* the optimizer; then each side measures its own part of the new net
     * on the KL rows: the actor's thread the policy's change, the
     * critic's its values (only when the guard tests for loss jumps) */
    const int values = watches_jumps(tr);
    a2c__net_invalidate(net); /* the parameters move now: no cached rows or head copies */
    if (!shared) a2c__net_set_inputs(net, tr->kl_obs, 0, tr->kl_rows);
    uint32_t diverged = 0;
    if (whole_sides) {
        j.kind = JOB_OPTIMIZE;
        run(tr, &j);
        diverged = tr->part_result[0] | tr->part_result[1];
    } else {
        j.kind = JOB_STEP;
        run(tr, &j);
        for (unsigned k = 0; k < tr->parts; k++) diverged |= tr->part_result[k];
        j.kind = JOB_AFTER;
        if (!diverged) run(tr, &j);
    }
    a2c__net_invalidate(net); /* the activations belong to the old parameters now */
    if (diverged) {
        /* keep the last good parameters and optimizer state */
        a2c__optimizer_undo_step(tr->opt, a2c_net_params(net));
        return roll_back(tr, A2C_ROLLBACK_NONFINITE_UPDATE, 0, st, fn);
    }
    const double moved = j.moved[0] + j.moved[1], size = j.size[0] + j.size[1];
    st->update_ratio = size > 0.0 ? sqrt(moved / size) : (moved > 0.0 ? (double)INFINITY : 0.0);
    if (shared) { /* one trunk: both heads in one pass, here */
        a2c__net_forward_rows(net, tr->kl_obs, 0, tr->kl_rows, 1);
        j.kl = policy_change(tr);
    }
    st->approx_kl = j.kl;
    st->value_loss_jump = values ? value_error_growth(tr) : (double)NAN;
    if (values && tr->reduce) {
        /* the workers measured the jump on their own batches: decide on
         * its mean, all alike, or their parameters would part */
        double jump = st->value_loss_jump;
        if (tr->reduce(NULL, 0, &jump, 1, tr->reduce_user) != 0) {
            a2c__optimizer_undo_step(tr->opt, a2c_net_params(net));
            a2c__net_invalidate(net);
            return a2c__fail(A2C_E_ENV, fn, "the gradient reducer (a2c_trainer_set_reducer) "
                                            "reported failure on the loss-jump test after "
                                            "%llu updates", (unsigned long long)tr->updates);
        }
        st->value_loss_jump = jump;
    }
    a2c__net_invalidate(net); /* the KL rows' pass is no public forward */
    if (watches_jumps(tr) && st->value_loss_jump > tr->loss_jump) {
        /* the step made the critic far worse on its own batch: too long */
        a2c__optimizer_undo_step(tr->opt, a2c_net_params(net));
        st->update_ratio = 0.0;
        return roll_back(tr, A2C_ROLLBACK_LOSS_JUMP, 0, st, fn);
    }
    tr->updates++;
    tr->can_undo = 1;
    return A2C_OK;
}

static void fill_window_stats(const a2c_trainer *tr, a2c_train_stats *st)
{
    double sr = 0.0, sl = 0.0;
    for (uint32_t k = 0; k < tr->win_count; k++) {
        sr += tr->win_return[k];
        sl += (double)tr->win_length[k];
    }
    st->window_episodes = tr->win_count;
    st->mean_return = tr->win_count ? sr / tr->win_count : (double)NAN;
    st->mean_length = tr->win_count ? sl / tr->win_count : (double)NAN;
    st->timesteps = tr->timesteps;
    st->episodes = tr->episodes;
    st->updates = tr->updates;
}

static void after_reset(a2c_trainer *tr);

/* Starts new episodes everywhere; episode_starts marks them. */
static a2c_status reset_all(a2c_trainer *tr, const char *fn)
{
    const a2c_status rc = a2c__vecenv_reset(tr->envs, fn);
    if (rc != A2C_OK) return rc;
    after_reset(tr);
    return A2C_OK;
}

/* What follows new episodes everywhere, however they were started. */
static void after_reset(a2c_trainer *tr)
{
    if (tr->norm_obs) { /* VecNormalize.reset updates the statistics too */
        a2c__rms *obs_rms = a2c__net_obs_rms(tr->net);
        observe(tr, a2c__vecenv_obs(tr->envs), tr->n_envs);
        a2c__rms_normalize(obs_rms, a2c__vecenv_obs(tr->envs), tr->n_envs,
                           a2c__net_clip_obs(tr->net), tr->obs_norm);
    }
    for (size_t i = 0; i < tr->n_envs; i++) {
        tr->episode_starts[i] = 1.0f;
        tr->returns[i] = 0.0;
    }
    tr->need_reset = 0;
}

/* After a full rollout: the bootstrap from V(last observations), GAE, the
 * update at the schedule's progress, the statistics and the callback
 * (*stop set if it asks to stop).  The net is locked on entry and exit. */
static a2c_status finish_rollout(a2c_trainer *tr, uint64_t total_timesteps, double start,
                                 uint64_t start_steps, a2c_train_callback callback, void *user,
                                 int *stop, const char *fn)
{
    /* the values of the last observations, in the spare rows, and with
     * separate trunks of the rollout's rows the collection left (all of
     * them when it ran alone), in one pass */
    settle_truncations(tr);
    double t0;
    begin_unit(tr, &tr->update_chooser, &t0);
    a2c_net *net = tr->net;
    a2c_status rc = A2C_OK;
    if (a2c__net_shared(net)) {
        rc = a2c__net_forward_rows(net, net_inputs(tr), tr->batch, tr->n_envs, 0);
    } else if (tr->parts == 2) {
        /* the critic's rows left (and the last step's truncated
         * episodes) on the helper, where its weights are, beside the
         * actor's preparation here */
        start_critic_rows(tr, tr->batch + tr->n_envs, net_inputs(tr));
        actor_prepare(tr);
        settle_truncations(tr);
        a2c__rollout_store_values(tr->ro, a2c__net_values(net, 0));
    } else {
        take_truncations(tr, NULL);
        a2c__net_set_inputs(net, net_inputs(tr), tr->batch, tr->n_envs);
        job j;
        memset(&j, 0, sizeof j);
        j.tr = tr, j.kind = JOB_CRITIC, j.r0 = tr->critic_done;
        j.rows = tr->batch + tr->n_envs - tr->critic_done;
        run(tr, &j);
        actor_prepare(tr);
        a2c__rollout_store_values(tr->ro, a2c__net_values(net, 0));
    }
    if (rc != A2C_OK) {
        end_unit(tr, &tr->update_chooser, t0);
        return a2c__fail_status(rc, fn);
    }
    memcpy(tr->last_values, a2c__net_values(net, tr->batch), tr->n_envs * sizeof(float));
    a2c__rollout_finish(tr->ro, tr->gamma, tr->gae_lambda, tr->last_values, tr->episode_starts);
    double progress = 1.0 - (double)tr->timesteps / (double)total_timesteps;
    progress = progress < 0.0 ? 0.0 : progress; /* the last rollout may overshoot */
    if (tr->ent_linear) tr->coefs.ent_coef = tr->ent_coef * progress;
    a2c_train_stats st;
    memset(&st, 0, sizeof st);
    st.size = (uint32_t)sizeof st;
    rc = update(tr, progress, &st, fn);
    end_unit(tr, &tr->update_chooser, t0);
    if (rc == A2C_OK) rc = share_obs_stats(tr, fn);
    if (rc != A2C_OK) return rc;
    st.lr_scale = tr->lr_scale;
    st.rollbacks = tr->rollbacks;
    fill_window_stats(tr, &st);
    st.elapsed_seconds = now_seconds() - start;
    const double steps = (double)(tr->timesteps - start_steps);
    st.steps_per_second = st.elapsed_seconds > 0.0 ? steps / st.elapsed_seconds : 0.0;
    if (callback) {
        /* between updates the net is the host's to act with or evaluate */
        a2c__net_lock(tr->net, 0);
        *stop = callback(&st, user) != 0;
        a2c__net_lock(tr->net, 1);
    }
    return A2C_OK;
}

A2C_API a2c_status a2c_trainer_learn(a2c_trainer *tr, uint64_t total_timesteps,
                                     a2c_train_callback callback, void *user)
{
    const char *fn = __func__;
    if (!tr) return a2c__fail(A2C_E_INVALID_ARG, fn, "tr is NULL");
    if (tr->learning)
        return a2c__fail(A2C_E_STATE, fn, "called from inside this trainer's own callback");
    if (tr->push)
        return a2c__fail(A2C_E_STATE, fn, "this trainer was made for a host-owned loop "
                                          "(a2c_trainer_create_push): use a2c_trainer_push_act "
                                          "and a2c_trainer_push_step");
    a2c_status rc = A2C_OK;
    tr->learning = 1;
    a2c__net_lock(tr->net, 1);
    /* the updates keep the gradient zero; a host may have used it between calls */
    a2c_net_zero_grad(tr->net);
    a2c__pool_start(&tr->pool); /* fewer helpers (even none) if threads cannot be made */
    start_choosing(&tr->forward_chooser, tr->pin_mode); /* warm up alone unless pinned */
    start_choosing(&tr->update_chooser, tr->pin_mode);
    start_choosing(&tr->env_chooser, tr->pin_mode);
    if (tr->need_reset) A2C_TRY(reset_all(tr, fn));
    const double start = now_seconds();
    const uint64_t start_steps = tr->timesteps;
    while (tr->timesteps < total_timesteps) {
        if (tr->timesteps > A2C__MAX_TIMESTEPS - tr->batch) {
            rc = a2c__fail(A2C_E_STATE, fn, "the trainer has taken %llu steps; another rollout "
                                            "would pass its limit of 2^53",
                           (unsigned long long)tr->timesteps);
            goto fail;
        }
        for (size_t t = 0; t < tr->n_steps; t++) A2C_TRY(collect_step(tr, t, fn));
        int stop = 0;
        A2C_TRY(finish_rollout(tr, total_timesteps, start, start_steps, callback, user, &stop,
                               fn));
        if (stop) break;
    }
    a2c__pool_stop(&tr->pool); /* after the helper's critic rows, if any */
    tr->parts = 1;
    a2c__net_lock(tr->net, 0);
    tr->learning = 0;
    return A2C_OK;
fail:
    a2c__pool_stop(&tr->pool); /* after the helper's critic rows, if any */
    tr->parts = 1;
    tr->need_reset = 1; /* the rollout in flight is abandoned */
    a2c__net_invalidate(tr->net);
    a2c__net_lock(tr->net, 0);
    tr->learning = 0;
    return rc;
}

A2C_API a2c_status a2c_trainer_set_episode_callback(a2c_trainer *tr,
                                                    a2c_episode_callback callback, void *user)
{
    if (!tr) return a2c__fail(A2C_E_INVALID_ARG, __func__, "tr is NULL");
    if (tr->learning != 0)
        return a2c__fail(A2C_E_STATE, __func__, "called from inside this trainer's own callback");
    tr->on_episode = callback;
    tr->episode_user = callback ? user : NULL;
    return A2C_OK;
}

A2C_API a2c_status a2c_trainer_set_reducer_flags(a2c_trainer *tr, uint32_t flags)
{
    if (!tr) return a2c__fail(A2C_E_INVALID_ARG, __func__, "tr is NULL");
    if (flags & ~(uint32_t)A2C_REDUCE_OBS_NORM)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "flags 0x%lx has bits no a2c_reduce_flag "
                                                      "names", (unsigned long)flags);
    if (tr->learning != 0)
        return a2c__fail(A2C_E_STATE, __func__, "called from inside this trainer's own callback");
    tr->reduce_flags = flags;
    clear_obs_moments(tr);
    return A2C_OK;
}

A2C_API a2c_status a2c_trainer_set_reducer(a2c_trainer *tr, a2c_reduce_callback reduce,
                                           void *user)
{
    if (!tr) return a2c__fail(A2C_E_INVALID_ARG, __func__, "tr is NULL");
    if (tr->learning != 0)
        return a2c__fail(A2C_E_STATE, __func__, "called from inside this trainer's own callback");
    tr->reduce = reduce;
    tr->reduce_user = reduce ? user : NULL;
    clear_obs_moments(tr);
    return A2C_OK;
}

A2C_API const char *a2c_rollback_reason_name(uint32_t reason)
{
    static const char *const names[] = {"none", "nonfinite_loss", "nonfinite_update",
                                        "loss_jump"};
    return reason < sizeof names / sizeof names[0] ? names[reason] : NULL;
}

/* ---- the push-style API: a host-owned loop ----
 *
 * The same two halves of a step as a2c_trainer_learn's (choose_actions,
 * record_step) and the same end of a rollout (finish_rollout), with the
 * host running its environments in between, so the results are the same
 * bit for bit.  The net stays locked between calls: its cached rows are
 * the rollout's. */

/* The checks every push call shares. */
static a2c_status push_check(const a2c_trainer *tr, const char *fn)
{
    if (!tr) return a2c__fail(A2C_E_INVALID_ARG, fn, "tr is NULL");
    if (!tr->push)
        return a2c__fail(A2C_E_STATE, fn, "this trainer steps its own environments: create "
                                          "it with a2c_trainer_create_push for a host loop");
    if (tr->learning != 0)
        return a2c__fail(A2C_E_STATE, fn, "called from inside this trainer's own callback");
    return A2C_OK;
}

A2C_API a2c_status a2c_trainer_push_start(a2c_trainer *tr, const float *obs)
{
    const char *fn = __func__;
    a2c_status rc = push_check(tr, fn);
    if (rc != A2C_OK) return rc;
    if (!obs) return a2c__fail(A2C_E_INVALID_ARG, fn, "obs is NULL");
    if (!a2c__all_finite(obs, tr->n_envs * tr->obs_dim))
        return a2c__fail(A2C_E_NONFINITE, fn, "obs holds NaN or infinity");
    if (tr->pool.running == 0 && tr->threads > 1) {
        /* a push trainer's helpers live until a2c_trainer_destroy, asleep
         * between the host's calls once their short spin runs out (fewer,
         * even none, if threads cannot be made) */
        a2c__pool_start(&tr->pool);
        start_choosing(&tr->forward_chooser, tr->pin_mode);
        start_choosing(&tr->update_chooser, tr->pin_mode);
        start_choosing(&tr->env_chooser, tr->pin_mode);
    }
    a2c__vecenv_set_obs(tr->envs, obs);
    after_reset(tr);
    tr->push_t = 0;
    tr->push_acted = 0;
    tr->push_start = now_seconds();
    tr->push_steps0 = tr->timesteps;
    a2c_net_zero_grad(tr->net);
    a2c__net_invalidate(tr->net);
    a2c__net_lock(tr->net, 0); /* a rollout in flight is dropped */
    return A2C_OK;
}

A2C_API a2c_status a2c_trainer_push_act(a2c_trainer *tr, int32_t *actions, float *box_actions)
{
    const char *fn = __func__;
    a2c_status rc = push_check(tr, fn);
    if (rc != A2C_OK) return rc;
    if (tr->need_reset)
        return a2c__fail(A2C_E_STATE, fn, "no episodes are running: call "
                                          "a2c_trainer_push_start with the first observations");
    if (tr->push_acted)
        return a2c__fail(A2C_E_STATE, fn, "the last actions have not been reported yet: call "
                                          "a2c_trainer_push_step");
    if (tr->box_dim ? !box_actions : !actions)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "%s is NULL",
                         tr->box_dim ? "box_actions" : "actions");
    /* from the first actions of a rollout to its update the net's cached
     * rows are the rollout's */
    a2c__net_lock(tr->net, 1);
    rc = choose_actions(tr, tr->push_t, fn);
    if (rc != A2C_OK) {
        a2c__net_lock(tr->net, tr->push_t > 0);
        return rc;
    }
    if (tr->box_dim) {
        /* the host gets them clipped to the bounds; the rollout keeps them
         * as sampled */
        rc = a2c__vecenv_clip(tr->envs, tr->box_actions, box_actions, fn);
        if (rc != A2C_OK) return rc;
    } else {
        memcpy(actions, tr->actions, tr->n_envs * sizeof *actions);
    }
    tr->push_acted = 1;
    return A2C_OK;
}

A2C_API a2c_status a2c_trainer_push_step(a2c_trainer *tr, const double *rewards,
                                         const int *terminated, const int *truncated,
                                         const float *next_obs, const float *final_obs,
                                         uint64_t total_timesteps, a2c_train_callback callback,
                                         void *user)
{
    const char *fn = __func__;
    a2c_status rc = push_check(tr, fn);
    if (rc != A2C_OK) return rc;
    if (!tr->push_acted)
        return a2c__fail(A2C_E_STATE, fn, "no actions to report on: call a2c_trainer_push_act "
                                          "first");
    if (!rewards || !terminated || !truncated || !next_obs)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "%s is NULL",
                         !rewards ? "rewards" : !terminated ? "terminated"
                                              : !truncated ? "truncated" : "next_obs");
    if (total_timesteps == 0)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "total_timesteps is 0");
    if (tr->timesteps > A2C__MAX_TIMESTEPS - tr->n_envs)
        return a2c__fail(A2C_E_STATE, fn, "the trainer has taken %llu steps, its limit is 2^53",
                         (unsigned long long)tr->timesteps);
    /* refused data changes nothing: the host may correct it and call again */
    rc = a2c__vecenv_feed(tr->envs, rewards, terminated, truncated, next_obs, final_obs, fn);
    if (rc != A2C_OK) return rc;
    record_step(tr, tr->push_t);
    tr->push_acted = 0;
    if (++tr->push_t == tr->n_steps) {
        tr->push_t = 0;
        int stop = 0; /* a push loop stops when its host does */
        tr->learning = 1; /* the callback may not re-enter */
        rc = finish_rollout(tr, total_timesteps, tr->push_start, tr->push_steps0, callback, user,
                            &stop, fn);
        tr->learning = 0;
        a2c__net_lock(tr->net, 0); /* the host's until the next rollout */
    }
    if (rc != A2C_OK) { /* the rollout in flight is abandoned */
        tr->need_reset = 1;
        tr->push_acted = 0;
        a2c__net_invalidate(tr->net);
        a2c__net_lock(tr->net, 0);
    }
    return rc;
}

/* ---- checkpoints: the progress section ---- */

a2c_optimizer *a2c__trainer_optimizer(const a2c_trainer *tr) { return tr->opt; }
const a2c_net *a2c__trainer_const_net(const a2c_trainer *tr) { return tr->net; }
const a2c_allocator *a2c__trainer_allocator(const a2c_trainer *tr) { return &tr->alloc; }

void a2c__trainer_write_progress(a2c__writer *w, const a2c_trainer *tr)
{
    a2c__put_u64(w, tr->timesteps);
    a2c__put_u64(w, tr->episodes);
    a2c__put_u64(w, tr->updates);
    a2c__put_rng(w, &tr->sample_rng);
    const a2c__rng reset_rng = a2c__vecenv_rng(tr->envs);
    a2c__put_rng(w, &reset_rng);
    a2c__put_u32(w, tr->win_count);
    a2c__put_u32(w, tr->win_next);
    for (int k = 0; k < A2C__WINDOW; k++) {
        a2c__put_f64(w, tr->win_return[k]);
        a2c__put_u64(w, tr->win_length[k]);
    }
}

void a2c__progress_read(a2c__reader *r, a2c__progress *p)
{
    p->timesteps = a2c__get_u64(r);
    p->episodes = a2c__get_u64(r);
    p->updates = a2c__get_u64(r);
    a2c__get_rng(r, &p->sample_rng);
    a2c__get_rng(r, &p->reset_rng);
    p->win_count = a2c__get_u32(r);
    p->win_next = a2c__get_u32(r);
    for (int k = 0; k < A2C__WINDOW; k++) {
        p->win_return[k] = a2c__get_f64(r);
        p->win_length[k] = a2c__get_u64(r);
        if (!isfinite(p->win_return[k])) r->bad = 1;
    }
    if (p->win_count > A2C__WINDOW || p->win_next >= A2C__WINDOW) r->bad = 1;
    /* Counters a trainer could have reached: no wrap-around ahead (2^53
     * steps), no more episodes or updates than steps, and the window as
     * the episode count leaves it. */
    if (p->timesteps > A2C__MAX_TIMESTEPS || p->episodes > p->timesteps ||
        p->updates > p->timesteps)
        r->bad = 1;
    if (p->win_count != (p->episodes < A2C__WINDOW ? p->episodes : A2C__WINDOW) ||
        p->win_next != p->episodes % A2C__WINDOW)
        r->bad = 1;
}

int a2c__trainer_learning(const a2c_trainer *tr)
{
    return tr->learning;
}

void a2c__trainer_commit_progress(a2c_trainer *tr, const a2c__progress *p)
{
    tr->timesteps = p->timesteps;
    tr->episodes = p->episodes;
    tr->updates = p->updates;
    tr->sample_rng = p->sample_rng;
    a2c__vecenv_set_rng(tr->envs, &p->reset_rng);
    tr->win_count = p->win_count;
    tr->win_next = p->win_next;
    memcpy(tr->win_return, p->win_return, sizeof p->win_return);
    memcpy(tr->win_length, p->win_length, sizeof p->win_length);
    tr->need_reset = 1; /* environments start new episodes */
}

/* ---- checkpoints: the collection section (exact resume) ----
 *
 * u32 norm_reward, then if set the return statistics and each env's
 * discounted return; u32 live (episodes in flight), then if set each
 * env's episode_starts and the vec-env's state (vecenv.c). */

int a2c__trainer_write_collection(a2c__writer *w, const a2c_trainer *tr)
{
    a2c__put_u32(w, (uint32_t)tr->n_envs);
    a2c__put_u32(w, (uint32_t)tr->norm_reward);
    if (tr->norm_reward) {
        a2c__rms_write(w, &tr->ret_rms);
        for (size_t i = 0; i < tr->n_envs; i++) a2c__put_f64(w, tr->returns[i]);
    }
    /* episodes are worth saving only with the env's own state */
    const int live = !tr->need_reset && a2c__vecenv_state_size(tr->envs) > 0;
    a2c__put_u32(w, (uint32_t)live);
    if (!live) return 0;
    a2c__put_floats(w, tr->episode_starts, tr->n_envs);
    return a2c__vecenv_write_state(w, tr->envs);
}

a2c_status a2c__trainer_read_collection(a2c__reader *r, a2c_trainer *tr, int commit,
                                        const char *fn)
{
    const size_t n = tr->n_envs;
    const uint32_t saved_n = a2c__get_u32(r), norm_reward = a2c__get_u32(r);
    if (saved_n < 1 || saved_n > 65536 || norm_reward > 1) r->bad = 1;
    if (r->bad) return A2C_E_FORMAT;
    /* The return statistics carry over to a trainer that scales rewards,
     * each env's running return only to the same number of envs; a
     * trainer without reward scaling skips them. */
    const int keep = norm_reward && tr->norm_reward && commit;
    if (norm_reward) {
        double mean, var;
        a2c__rms tmp;
        a2c__rms_init(&tmp, &mean, &var, 1);
        a2c__rms_read(r, &tmp);
        if (keep) a2c__rms_copy(&tr->ret_rms, &tmp);
        for (size_t i = 0; i < saved_n; i++) {
            const double v = a2c__get_f64(r);
            if (!isfinite(v)) r->bad = 1;
            if (keep && saved_n == n) tr->returns[i] = v;
        }
    }
    const uint32_t live = a2c__get_u32(r);
    if (live > 1) r->bad = 1;
    if (r->bad) return A2C_E_FORMAT;
    if (!live || saved_n != n) { /* nothing in flight, or not for these envs */
        if (commit) tr->need_reset = 1;
        r->left = 0; /* the episodes of other envs are not read */
        return A2C_OK;
    }
    for (size_t i = 0; i < n; i++) {
        const float v = a2c__get_f32(r);
        if (v != 0.0f && v != 1.0f) r->bad = 1;
        if (commit) tr->episode_starts[i] = v;
    }
    if (r->bad) return A2C_E_FORMAT;
    a2c_status rc = a2c__vecenv_read_state(r, tr->envs, commit, fn);
    if (rc == A2C_E_INVALID_ARG) { /* another env: start new episodes */
        if (commit) tr->need_reset = 1;
        r->bad = 0;
        r->left = 0;
        return A2C_OK;
    }
    if (rc != A2C_OK) {
        if (commit) tr->need_reset = 1;
        return rc;
    }
    if (commit) {
        if (tr->norm_obs)
            a2c__rms_normalize(a2c__net_obs_rms(tr->net), a2c__vecenv_obs(tr->envs), n,
                               a2c__net_clip_obs(tr->net), tr->obs_norm);
        tr->need_reset = 0;
    }
    return A2C_OK;
}

/* ---- checkpoints: the guard section ---- */

int a2c__trainer_has_rollbacks(const a2c_trainer *tr) { return tr->rollbacks > 0; }

void a2c__trainer_write_guard(a2c__writer *w, const a2c_trainer *tr)
{
    a2c__put_f64(w, tr->lr_scale);
    a2c__put_u64(w, tr->rollbacks);
}

void a2c__guard_read(a2c__reader *r, double *lr_scale, uint64_t *rollbacks)
{
    *lr_scale = a2c__get_f64(r);
    *rollbacks = a2c__get_u64(r);
    if (!(*lr_scale > 0.0 && *lr_scale <= 1.0) || *rollbacks > A2C__MAX_TIMESTEPS) r->bad = 1;
}

void a2c__trainer_commit_guard(a2c_trainer *tr, int has, double lr_scale, uint64_t rollbacks)
{
    tr->lr_scale = has ? lr_scale : 1.0;
    tr->rollbacks = has ? rollbacks : 0;
    a2c__optimizer_set_lr_scale(tr->opt, tr->lr_scale);
    tr->can_undo = 0; /* the optimizer's copy is not of these parameters */
}

/* ---- test hooks ---- */

const a2c_rollout *a2c__trainer_rollout(const a2c_trainer *tr) { return tr->ro; }
uint64_t a2c__trainer_episodes(const a2c_trainer *tr) { return tr->episodes; }
const a2c__rms *a2c__trainer_ret_rms(const a2c_trainer *tr) { return &tr->ret_rms; }
void a2c__trainer_pin_mode(a2c_trainer *tr, int mode) { tr->pin_mode = mode; }
int a2c__trainer_helper_running(const a2c_trainer *tr)
{
    return tr->pool.running > 0;
}

void a2c__trainer_use_kernels(a2c_trainer *tr, const a2c__kernels *k)
{
    a2c__net_use_kernels(tr->net, k);
    a2c__optimizer_use_kernels(tr->opt, k);
}
