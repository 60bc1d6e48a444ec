/* a2c_trainer: Stable-Baselines3's A2C.learn() loop.
 *
 * The rollout's forward passes are the training forward passes: the
 * parameters do not change while a rollout is collected, so the activations
 * the net caches at step t (rows t*n_envs ...) are exactly what SB3
 * recomputes in train(), and backward runs on them directly.  Extra rows
 * after the rollout's serve the critic-only passes (final observations of
 * truncated episodes, and the bootstrap value of the last observations).
 * Everything is sized at creation: nothing is allocated per step. */
#include "internal.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* ---- creation ---- */

static int env_ok(const a2c_env *env)
{
    return env && env->version == A2C_ENV_V1 && env->num_envs >= 1 && env->num_envs <= 65536 &&
           env->obs_dim >= 1 && env->obs_dim <= A2C_MAX_WIDTH &&
           env->action_kind == A2C_SPACE_DISCRETE && env->action_dim >= 1 &&
           env->action_dim <= A2C_MAX_WIDTH && env->reset && (env->step || env->step_all);
}

/* Bytes the block needs, or 0 on overflow; with a block, also points every
 * buffer into it. */
static size_t lay_out(a2c_trainer *tr, unsigned char *block)
{
    const size_t n = tr->n_envs, od = tr->obs_dim;
    size_t used = 0;
    tr->obs = a2c__carve(n, od, sizeof(float), block, &used);
    tr->next_obs = a2c__carve(n, od, sizeof(float), block, &used);
    tr->final_obs = a2c__carve(n, od, sizeof(float), block, &used);
    tr->episode_starts = a2c__carve(n, 1, sizeof(float), block, &used);
    tr->rewards_f = a2c__carve(n, 1, sizeof(float), block, &used);
    tr->dones_f = a2c__carve(n, 1, sizeof(float), block, &used);
    tr->last_values = a2c__carve(n, 1, sizeof(float), block, &used);
    tr->rewards = a2c__carve(n, 1, sizeof(double), block, &used);
    tr->terminated = a2c__carve(n, 1, sizeof(int), block, &used);
    tr->truncated = a2c__carve(n, 1, sizeof(int), block, &used);
    tr->actions = a2c__carve(n, 1, sizeof(int32_t), block, &used);
    tr->truncated_rows = a2c__carve(n, 1, sizeof(uint32_t), block, &used);
    tr->ep_return = a2c__carve(n, 1, sizeof(double), block, &used);
    tr->ep_length = a2c__carve(n, 1, sizeof(uint64_t), block, &used);
    return used == SIZE_MAX ? 0 : used;
}

A2C_API a2c_status a2c_trainer_create(a2c_trainer **out, const a2c_config *cfg, const a2c_env *env)
{
    if (!out) return A2C_E_INVALID_ARG;
    *out = NULL;
    if (!cfg || !env_ok(env)) return A2C_E_INVALID_ARG;
    a2c_trainer *tr = a2c__alloc(&cfg->alloc, sizeof *tr);
    if (!tr) return A2C_E_NOMEM;
    a2c_status rc = A2C_OK;
    tr->alloc = cfg->alloc;
    tr->cfg = *cfg;
    tr->env = env;
    tr->n_envs = env->num_envs;
    tr->n_steps = (size_t)a2c__cfg_int(cfg, A2C_PARAM_N_STEPS);
    tr->obs_dim = env->obs_dim;
    tr->batch = tr->n_steps * tr->n_envs;
    tr->gamma = a2c__cfg_double(cfg, A2C_PARAM_GAMMA);
    tr->max_grad_norm = a2c__cfg_double(cfg, A2C_PARAM_MAX_GRAD_NORM);
    a2c__loss_coefs_from_config(cfg, &tr->coefs);
    if (tr->coefs.normalize_advantage && tr->batch < 2) {
        rc = A2C_E_INVALID_ARG; /* SB3 refuses this too: the std of one value */
        goto fail;
    }
    /* The net's workspace: the rollout's rows plus n_envs for critic-only
     * passes; the env decides n_envs. */
    A2C_TRY(a2c_config_set_int(&tr->cfg, A2C_PARAM_N_ENVS, (int64_t)tr->n_envs));
    A2C_TRY(a2c_config_set_int(&tr->cfg, A2C_PARAM_MAX_BATCH, (int64_t)(tr->batch + tr->n_envs)));
    A2C_TRY(a2c_net_create(&tr->net, &tr->cfg, env->obs_dim, env->action_dim));
    A2C_TRY(a2c_optimizer_create(&tr->opt, &tr->cfg, a2c_net_param_count(tr->net)));
    A2C_TRY(a2c_rollout_create(&tr->ro, &tr->cfg, env->obs_dim));
    tr->block_bytes = lay_out(tr, NULL);
    if (tr->block_bytes == 0) {
        rc = A2C_E_INVALID_ARG;
        goto fail;
    }
    tr->block = a2c__alloc(&tr->alloc, tr->block_bytes);
    if (!tr->block) {
        rc = A2C_E_NOMEM;
        goto fail;
    }
    lay_out(tr, tr->block);
    tr->threads = (int)a2c__cfg_int(cfg, A2C_PARAM_N_THREADS);
    /* The norm and the optimizer take each side's parameters separately
     * (a shared trunk: all of them as the critic's), whether or not a
     * helper thread runs: the same sums in the same order, same results. */
    const a2c_net *net = tr->net;
    tr->cut[0] = net->shared ? 0 : net->n_vf > 0 ? net->vf[0].w : net->head_pi.w;
    tr->cut[1] = net->shared ? 0 : net->head_pi.w;
    tr->cut[2] = net->shared ? 0 : net->head_vf.w;
    const uint64_t seed = (uint64_t)a2c__cfg_int(cfg, A2C_PARAM_SEED);
    a2c__rng_seed(&tr->sample_rng, seed, 2);
    a2c__rng_seed(&tr->reset_rng, seed, 3);
    tr->need_reset = 1;
    tr->pin_mode = -1;
    *out = tr;
    return A2C_OK;
fail:
    a2c_trainer_destroy(tr);
    return rc;
}

A2C_API void a2c_trainer_destroy(a2c_trainer *tr)
{
    if (!tr) return;
    a2c_allocator a = tr->alloc;
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

/* ---- environment stepping (SB3's DummyVecEnv) ---- */

static a2c_status reset_one(a2c_trainer *tr, uint32_t i, float *obs)
{
    const a2c_env *env = tr->env;
    if (env->reset(env->user, i, a2c__rng_next(&tr->reset_rng), obs) != 0) return A2C_E_ENV;
    if (!a2c__all_finite(obs, tr->obs_dim)) return A2C_E_NONFINITE;
    tr->ep_return[i] = 0.0;
    tr->ep_length[i] = 0;
    return A2C_OK;
}

static a2c_status reset_all(a2c_trainer *tr)
{
    for (uint32_t i = 0; i < tr->n_envs; i++) {
        a2c_status rc = reset_one(tr, i, tr->obs + i * tr->obs_dim);
        if (rc != A2C_OK) return rc;
        tr->episode_starts[i] = 1.0f;
    }
    tr->need_reset = 0;
    return A2C_OK;
}

static a2c_status step_envs(a2c_trainer *tr)
{
    const a2c_env *env = tr->env;
    if (env->step_all) {
        if (env->step_all(env->user, tr->actions, NULL, tr->next_obs, tr->rewards,
                          tr->terminated, tr->truncated) != 0)
            return A2C_E_ENV;
    } else {
        for (uint32_t i = 0; i < tr->n_envs; i++)
            if (env->step(env->user, i, tr->actions[i], NULL, tr->next_obs + i * tr->obs_dim,
                          &tr->rewards[i], &tr->terminated[i], &tr->truncated[i]) != 0)
                return A2C_E_ENV;
    }
    double sum = 0.0;
    for (size_t i = 0; i < tr->n_envs; i++) sum += tr->rewards[i];
    if (!isfinite(sum) || !a2c__all_finite(tr->next_obs, tr->n_envs * tr->obs_dim))
        return A2C_E_NONFINITE;
    return A2C_OK;
}

/* ---- the helper thread's share ---- */

enum { JOB_FORWARD, JOB_BACKWARD, JOB_OPTIMIZE };

typedef struct job {
    a2c_trainer *tr;
    int kind;
    size_t r0, batch;
    double progress, sum;
    float scale;
    double adv_mean, adv_scale, policy_loss, entropy_loss; /* the policy half of the loss */
} job;

/* Sum of squares of one side's gradient: actor (0) or critic (1). */
static double side_sum_squares(const a2c_trainer *tr, int side)
{
    const a2c_net *net = tr->net;
    const float *g = net->grads;
    if (side == 0)
        return net->k->sum_squares(g, tr->cut[0]) +
               net->k->sum_squares(g + tr->cut[1], tr->cut[2] - tr->cut[1]);
    return net->k->sum_squares(g + tr->cut[0], tr->cut[1] - tr->cut[0]) +
           net->k->sum_squares(g + tr->cut[2], net->n_params - tr->cut[2]);
}

/* The optimizer step on one side's parameters. */
static void side_optimize(a2c_trainer *tr, int side, double progress, float scale)
{
    a2c_net *net = tr->net;
    const size_t a = side == 0 ? 0 : tr->cut[0], b = side == 0 ? tr->cut[0] : tr->cut[1];
    const size_t c = side == 0 ? tr->cut[1] : tr->cut[2], d = side == 0 ? tr->cut[2] : net->n_params;
    a2c__optimizer_apply_range(tr->opt, net->params, net->grads, progress, a, b, scale);
    a2c__optimizer_apply_range(tr->opt, net->params, net->grads, progress, c, d, scale);
}

/* The actor's half of a pass. */
static void run_job(void *arg)
{
    job *j = arg;
    a2c_net *net = j->tr->net;
    switch (j->kind) {
    case JOB_FORWARD: a2c__net_forward_actor(net, j->r0, j->batch); break;
    case JOB_BACKWARD: {
        const a2c_rollout *ro = j->tr->ro;
        a2c__policy_loss(&j->tr->coefs, net->head_pi.h, j->batch, net->n_actions, ro->actions,
                         ro->advantages, j->adv_mean, j->adv_scale, net->dlogits,
                         &j->policy_loss, &j->entropy_loss);
        a2c__net_backward_actor(net, j->batch);
        j->sum = side_sum_squares(j->tr, 0);
        break;
    }
    case JOB_OPTIMIZE: side_optimize(j->tr, 0, j->progress, j->scale); break;
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Hands the actor's half to the helper, or runs it here. */
static void dispatch(a2c_trainer *tr, job *j)
{
    if (tr->use_helper) a2c__worker_post(&tr->worker, run_job, j);
    else run_job(j);
}

static void join(a2c_trainer *tr)
{
    if (tr->use_helper) a2c__worker_wait(&tr->worker);
}

/* Chooses between helper and inline: after a warm-up, time PROBE updates
 * inline, then up to PROBE with the helper, giving up on the helper as
 * soon as it has taken longer (so a losing probe costs at most one inline
 * probe); run the faster, and measure again after `keep` updates, which
 * doubles while the answer stays the same (up to KEEP_MAX) and starts over
 * when it changes.  A machine whose other core is busy settles on working
 * alone, an idle one on the helper, and neither pays much for measuring. */
#define WARMUP 8
#define PROBE 64
#define KEEP_MIN 512
#define KEEP_MAX 65536

static void decide(a2c_trainer *tr, int helper)
{
    a2c__mode_chooser *c = &tr->chooser;
    c->keep = c->decided && helper == tr->chosen
                  ? (c->keep * 2 < KEEP_MAX ? c->keep * 2 : KEEP_MAX)
                  : KEEP_MIN;
    c->decided = 1;
    tr->chosen = helper;
    tr->use_helper = helper;
    c->state = 0;
    c->left = c->keep;
}

static void choose_mode(a2c_trainer *tr)
{
    a2c__mode_chooser *c = &tr->chooser;
    const double t = now_seconds();
    if (c->state == 2 && t - c->mark > c->inline_seconds) { /* the helper lost already */
        decide(tr, 0);
        return;
    }
    if (c->left > 0) {
        c->left--;
        return;
    }
    if (c->state == 0) { /* time PROBE updates inline */
        tr->use_helper = 0;
        c->state = 1;
    } else if (c->state == 1) { /* then the helper */
        c->inline_seconds = t - c->mark;
        tr->use_helper = 1;
        c->state = 2;
    } else { /* the helper finished its probe first */
        decide(tr, 1);
        return;
    }
    c->left = PROBE - 1;
    c->mark = t;
}

static void record_episode(a2c_trainer *tr, double ret, uint64_t len)
{
    tr->win_return[tr->win_next] = ret;
    tr->win_length[tr->win_next] = len;
    tr->win_next = (tr->win_next + 1) % A2C__WINDOW;
    if (tr->win_count < A2C__WINDOW) tr->win_count++;
    tr->episodes++;
}

/* One env step for all sub-environments, from the actions chosen on
 * rollout row block t.  Handles episode ends as SB3 does: the step's
 * `dones`, a reset in the same step, and gamma * V(final observation)
 * added to the reward of a time-limit truncation. */
static a2c_status collect_step(a2c_trainer *tr, size_t t)
{
    const size_t n = tr->n_envs, od = tr->obs_dim, row0 = t * n;
    a2c_net *net = tr->net;
    a2c_status rc = A2C_OK;
    if (net->shared) {
        rc = a2c__net_forward_rows(net, tr->obs, row0, n, 1);
    } else {
        a2c__net_set_inputs(net, tr->obs, row0, n);
        job j = {tr, JOB_FORWARD, row0, n, 0.0, 0.0, 1.0f, 0.0, 1.0, 0.0, 0.0};
        dispatch(tr, &j);
        a2c__net_forward_critic(net, row0, n);
        join(tr);
    }
    /* no log-probabilities: SB3's A2C stores them but never uses them */
    if (rc == A2C_OK) rc = a2c__net_sample(net, row0, n, &tr->sample_rng, 0, tr->actions, NULL);
    if (rc == A2C_OK) rc = step_envs(tr);
    if (rc != A2C_OK) return rc;
    tr->timesteps += n;

    const uint32_t limit = tr->env->max_episode_steps;
    size_t n_trunc = 0;
    for (uint32_t i = 0; i < n; i++) {
        tr->ep_return[i] += tr->rewards[i];
        tr->ep_length[i]++;
        if (limit && tr->ep_length[i] >= limit) tr->truncated[i] = 1; /* TimeLimit */
        const int done = tr->terminated[i] || tr->truncated[i];
        tr->rewards_f[i] = (float)tr->rewards[i];
        tr->dones_f[i] = done ? 1.0f : 0.0f;
        if (!done) continue;
        record_episode(tr, tr->ep_return[i], tr->ep_length[i]);
        if (tr->truncated[i] && !tr->terminated[i]) {
            memcpy(tr->final_obs + n_trunc * od, tr->next_obs + i * od, od * sizeof(float));
            tr->truncated_rows[n_trunc++] = i;
        }
        rc = reset_one(tr, i, tr->next_obs + i * od);
        if (rc != A2C_OK) return rc;
    }
    if (n_trunc > 0) {
        /* Critic on the final observations, in the spare rows. */
        rc = a2c__net_forward_rows(tr->net, tr->final_obs, tr->batch, n_trunc, 0);
        if (rc != A2C_OK) return rc;
        const float g = (float)tr->gamma;
        for (size_t k = 0; k < n_trunc; k++)
            tr->rewards_f[tr->truncated_rows[k]] += g * *a2c__net_values(tr->net, tr->batch + k);
    }
    /* SB3's rollout_buffer.add(last_obs, actions, rewards, last_episode_starts,
     * values), straight into the buffers (log_probs are not needed). */
    a2c_rollout *ro = tr->ro;
    memcpy(ro->obs + row0 * od, tr->obs, n * od * sizeof(float));
    memcpy(ro->actions + row0, tr->actions, n * sizeof(int32_t));
    memcpy(ro->rewards + row0, tr->rewards_f, n * sizeof(float));
    memcpy(ro->episode_starts + row0, tr->episode_starts, n * sizeof(float));
    memcpy(ro->values + row0, a2c__net_values(tr->net, row0), n * sizeof(float));
    ro->pos = t + 1;
    /* next observations become current; this step's dones start episodes */
    float *swap = tr->obs;
    tr->obs = tr->next_obs;
    tr->next_obs = swap;
    memcpy(tr->episode_starts, tr->dones_f, n * sizeof(float));
    return A2C_OK;
}

/* ---- the update (SB3's A2C.train) ---- */

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

/* SB3's A2C.train(): the loss, backward, clipping and one optimizer step.
 * The gradient is zero on entry and left zero on every exit (the
 * optimizer pass clears what it used). */
static a2c_status update(a2c_trainer *tr, double progress, a2c_train_stats *st)
{
    a2c_net *net = tr->net;
    const a2c_rollout *ro = tr->ro;
    double terms[A2C_LOSS_TERMS];
    job j = {tr, JOB_BACKWARD, 0, tr->batch, progress, 0.0, 1.0f, 0.0, 1.0, 0.0, 0.0};
    a2c_status rc = a2c__loss_prepare(&tr->coefs, tr->batch, net->n_actions, ro->actions,
                                      ro->advantages, ro->returns, &j.adv_mean, &j.adv_scale);
    if (rc != A2C_OK) return rc;
    double sum_squares;
    if (net->shared) {
        rc = a2c__net_loss(net, &tr->coefs, tr->batch, ro->actions, ro->advantages, ro->returns,
                           terms);
        if (rc == A2C_OK) a2c__net_backward_shared(net, tr->batch);
        sum_squares = side_sum_squares(tr, 1); /* everything is the critic's */
    } else {
        /* policy loss, actor backward and its squares beside value loss,
         * critic backward and its squares */
        dispatch(tr, &j);
        const double value = a2c__value_loss(tr->coefs.value_loss, tr->coefs.huber_delta,
                                             net->head_vf.h, ro->returns, tr->batch,
                                             tr->coefs.vf_coef, net->dvals);
        a2c__net_backward_critic(net, tr->batch);
        const double critic = side_sum_squares(tr, 1);
        join(tr);
        rc = a2c__loss_terms(&tr->coefs, j.policy_loss, j.entropy_loss, value, terms);
        sum_squares = j.sum + critic;
    }
    /* clip_grad_norm_; a finite norm means finite gradients, so the
     * optimizer need not look again */
    const double norm = sqrt(sum_squares);
    if (rc == A2C_OK && !isfinite(norm)) rc = A2C_E_NONFINITE;
    if (rc != A2C_OK) {
        memset(net->grads, 0, net->n_params * sizeof(float));
        return rc;
    }
    const double coef = tr->max_grad_norm / (norm + 1e-6);
    j.kind = JOB_OPTIMIZE;
    j.scale = coef < 1.0 ? (float)coef : 1.0f; /* torch scales by min(1, coef) */
    a2c__optimizer_count_step(tr->opt);
    if (!net->shared) dispatch(tr, &j);
    side_optimize(tr, 1, progress, j.scale);
    if (!net->shared) join(tr);
    net->cached = 0; /* the activations belong to the old parameters now */
    tr->updates++;
    st->policy_loss = terms[A2C_LOSS_POLICY];
    st->value_loss = terms[A2C_LOSS_VALUE];
    st->entropy_loss = terms[A2C_LOSS_ENTROPY];
    st->total_loss = terms[A2C_LOSS_TOTAL];
    st->grad_norm = norm;
    a2c_optimizer_learning_rate(tr->opt, progress, &st->learning_rate);
    st->explained_variance = explained_variance(ro->values, ro->returns, tr->batch);
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

A2C_API a2c_status a2c_trainer_learn(a2c_trainer *tr, uint64_t total_timesteps,
                                     a2c_train_callback callback, void *user)
{
    if (!tr) return A2C_E_INVALID_ARG;
    a2c_status rc = A2C_OK;
    /* the updates keep the gradient zero; a host may have used it between calls */
    memset(tr->net->grads, 0, tr->net->n_params * sizeof(float));
    const int have_helper =
        tr->threads > 1 && !tr->net->shared && a2c__worker_start(&tr->worker);
    tr->use_helper = tr->pin_mode == 1 && have_helper; /* else warm up alone */
    memset(&tr->chooser, 0, sizeof tr->chooser);
    tr->chooser.left = WARMUP;
    if (tr->need_reset) A2C_TRY(reset_all(tr));
    const double start = now_seconds();
    const uint64_t start_steps = tr->timesteps;
    while (tr->timesteps < total_timesteps) {
        if (have_helper && tr->pin_mode < 0) choose_mode(tr);
        for (size_t t = 0; t < tr->n_steps; t++) A2C_TRY(collect_step(tr, t));
        /* bootstrap from V(last observations), in the spare rows */
        A2C_TRY(a2c__net_forward_rows(tr->net, tr->obs, tr->batch, tr->n_envs, 0));
        memcpy(tr->last_values, a2c__net_values(tr->net, tr->batch), tr->n_envs * sizeof(float));
        a2c__gae(tr->n_steps, tr->n_envs, tr->gamma, a2c__cfg_double(&tr->cfg, A2C_PARAM_GAE_LAMBDA),
                 tr->ro->rewards, tr->ro->values, tr->ro->episode_starts, tr->last_values,
                 tr->episode_starts, tr->ro->advantages, tr->ro->returns);
        double progress = 1.0 - (double)tr->timesteps / (double)total_timesteps;
        progress = progress < 0.0 ? 0.0 : progress; /* the last rollout may overshoot */
        a2c_train_stats st;
        memset(&st, 0, sizeof st);
        st.size = (uint32_t)sizeof st;
        A2C_TRY(update(tr, progress, &st));
        fill_window_stats(tr, &st);
        st.elapsed_seconds = now_seconds() - start;
        st.steps_per_second =
            st.elapsed_seconds > 0.0 ? (double)(tr->timesteps - start_steps) / st.elapsed_seconds : 0.0;
        if (callback && callback(&st, user) != 0) break;
    }
    if (have_helper) a2c__worker_stop(&tr->worker);
    return A2C_OK;
fail:
    if (have_helper) a2c__worker_stop(&tr->worker);
    tr->need_reset = 1; /* the rollout in flight is abandoned */
    tr->net->cached = 0;
    return rc;
}
