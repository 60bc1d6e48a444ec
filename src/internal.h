/* Internal declarations shared by the files of src/ and by the white-box
 * tests.  Cross-file names carry the a2c__ prefix: hidden from the shared
 * library's exports and unlikely to collide inside a static link. */
#ifndef A2C_INTERNAL_H
#define A2C_INTERNAL_H

#include "a2c/a2c.h"

#include <stddef.h>
#include <stdint.h>

/* Forward a failure to the function's single `fail:` label; the function
 * declares `a2c_status rc`. */
#define A2C_TRY(expr)                \
    do {                             \
        rc = (expr);                 \
        if (rc != A2C_OK) goto fail; \
    } while (0)

/* ---- allocation (alloc.c) ---- */

/* Alignment of every block the library asks for: one cache line, enough
 * for any SIMD load. */
#define A2C_ALIGN 64

/* The allocator to copy for `hooks`: the default (aligned malloc/free)
 * for NULL, else the host's after checking it (A2C_E_INVALID_ARG). */
a2c_status a2c__allocator(const a2c_allocator *hooks, a2c_allocator *out);
/* A zeroed, A2C_ALIGN-aligned block, or NULL. */
void *a2c__alloc(const a2c_allocator *a, size_t size);
void a2c__free(const a2c_allocator *a, void *ptr, size_t size);
/* *out = a * b; returns 0 on overflow. */
int a2c__mul_size(size_t a, size_t b, size_t *out);
/* Lays out buffers in one block: reserves a x b elements of `elem` bytes
 * at *used (rounded up to whole A2C_ALIGN lines) and returns their address
 * in `block`, or NULL while block is NULL (a sizing pass walks the same
 * calls first).  On overflow *used becomes SIZE_MAX and stays there. */
void *a2c__carve(size_t a, size_t b, size_t elem, unsigned char *block, size_t *used);

/* ---- random numbers (rng.c): xoshiro256** seeded through splitmix64 ---- */

typedef struct a2c__rng {
    uint64_t s[4];
} a2c__rng;

uint64_t a2c__splitmix64(uint64_t *state);
/* Seeds stream `stream` of `seed`: distinct streams of one seed are
 * independent for all practical purposes. */
void a2c__rng_seed(a2c__rng *r, uint64_t seed, uint64_t stream);
uint64_t a2c__rng_next(a2c__rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
double a2c__rng_uniform(a2c__rng *r);
/* Standard normal draw (Marsaglia's polar method with a portable log, so
 * the stream is the same on every IEEE-754 platform). */
double a2c__rng_normal(a2c__rng *r);
/* Natural log of x > 0 from + - * / and frexp only: bit-identical across
 * C libraries, within 2.5 ulp of log(). */
double a2c__portable_log(double x);

/* ---- configuration (config.c) ---- */

#define A2C__PARAM_FIRST 100
#define A2C__PARAM_COUNT 24

struct a2c_config {
    a2c_allocator alloc;
    double d[A2C__PARAM_COUNT];  /* double parameters */
    int64_t i[A2C__PARAM_COUNT]; /* int parameters */
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    size_t n_pi, n_vf;
};

double a2c__cfg_double(const a2c_config *cfg, a2c_param p);
int64_t a2c__cfg_int(const a2c_config *cfg, a2c_param p);
/* Locale-independent decimal parse of the whole string; 0 on failure. */
int a2c__parse_double(const char *s, double *out);

/* ---- numeric kernels (kernels.c, built once per instruction set) ---- */

/* How gemm starts each output: from a broadcast bias row, from zero, or
 * from what C holds (accumulate). */
enum { A2C__INIT_BIAS, A2C__INIT_ZERO, A2C__INIT_C };

typedef struct a2c__kernels {
    /* C[r][c] (+)= sum_k A[r*ars + k*aks] * B[k*ldb + c], r < m, c < n, k < K;
     * every sum runs over k in order. */
    void (*gemm)(size_t m, size_t n, size_t K, const float *a, size_t ars, size_t aks,
                 const float *b, size_t ldb, float *c, size_t ldc, int init, const float *bias);
    void (*tanh_forward)(float *h, size_t n);
    void (*tanh_backward)(const float *h, float *d, size_t n);
    void (*relu_forward)(float *h, size_t n);
    void (*relu_backward)(const float *h, float *d, size_t n);
    /* The updates use g[k] * gscale (clipping folded in; 1 is exact) and,
     * with zero_g, set each g[k] to 0 once used (ready for the next
     * accumulation). */
    void (*rmsprop)(float *p, float *g, float *v, size_t n, float alpha, float one_minus,
                    float eps, float neg_lr, float gscale, int zero_g);
    void (*adam)(float *p, float *g, float *m, float *v, size_t n, float b1, float one_minus_b1,
                 float b2, float one_minus_b2, float neg_step, float bc2_sqrt, float eps,
                 float gscale, int zero_g);
    void (*scale)(float *x, size_t n, float c);
    /* t (cols x rows) = s (rows x cols) transposed */
    void (*transpose)(const float *s, size_t rows, size_t cols, float *t);
    /* out[j] += sum_r x[r*cols + j] */
    void (*column_sums)(const float *x, size_t rows, size_t cols, float *out);
    /* sum of x[k]^2 in double, in a fixed order */
    double (*sum_squares)(const float *x, size_t n);
} a2c__kernels;

extern const a2c__kernels a2c__k_base_table;
#if defined(A2C_HAVE_AVX2_KERNELS)
extern const a2c__kernels a2c__k_avx2_table;
#endif
/* The fastest table this CPU runs (a stateless CPUID check). */
const a2c__kernels *a2c__kernels_select(void);

/* ---- dense layers (linear.c, activation.c) ---- */

/* y[b][j] = bias[j] + sum_i x[b][i] * w[i*out + j]  (w is input-major).
 * `scratch` holds a2c__linear_scratch(in, out) floats. */
void a2c__linear_forward(const a2c__kernels *k, const float *x, size_t batch, size_t in,
                         size_t out, const float *w, const float *bias, float *y, float *scratch);
/* Given dy = dL/dy: dw += x^T dy, db += column sums of dy (both
 * accumulate), and, if dx is not NULL, dx = dy w^T (overwritten). */
void a2c__linear_backward(const a2c__kernels *k, const float *x, const float *dy, size_t batch,
                          size_t in, size_t out, const float *w, float *dw, float *db, float *dx,
                          float *scratch);
/* Floats of scratch the two calls above need for a layer of these sizes. */
size_t a2c__linear_scratch(size_t in, size_t out);

/* In place: h = act(z) over n floats. */
void a2c__activation_forward(const a2c__kernels *k, int activation, float *h, size_t n);
/* In place: turns dL/dh into dL/dz, given the cached outputs h. */
void a2c__activation_backward(const a2c__kernels *k, int activation, const float *h, float *d,
                              size_t n);

/* ---- categorical policy head (categorical.c) ---- */

/* One row: logp[k] = z[k] - logsumexp(z); returns the entropy. */
float a2c__log_softmax_row(const float *z, size_t n, float *logp);
/* One row: d = wl * d logp[a] / dz + we * d entropy / dz, written to d,
 * given the row's log-probabilities and entropy h. */
void a2c__categorical_backward_row(const float *logp, size_t n, size_t a, float h, double wl,
                                   double we, float *d);
/* Inverse-CDF sample from one row of log-probabilities with u in [0, 1). */
size_t a2c__categorical_sample_row(const float *logp, size_t n, double u);
/* The same draw straight from one row of logits (no log-softmax pass);
 * writes log pi(a), if log_prob is not NULL, as a2c__log_softmax_row would.
 * Returns n if the logits are not finite. */
size_t a2c__categorical_sample_logits(const float *z, size_t n, double u, float *log_prob);
/* Index of the largest logit (lowest index on ties). */
size_t a2c__argmax_row(const float *z, size_t n);

/* ---- losses (loss.c) ---- */

typedef struct a2c__loss_coefs {
    double ent_coef, vf_coef, huber_delta;
    int normalize_advantage, value_loss;
} a2c__loss_coefs;

void a2c__loss_coefs_from_config(const a2c_config *cfg, a2c__loss_coefs *out);
/* mean over the batch of MSE or Huber(delta) between values and returns;
 * if dv is not NULL, dv[b] = scale * d loss / d values[b]. */
double a2c__value_loss(int kind, double delta, const float *values, const float *returns,
                       size_t batch, double scale, float *dv);
/* The A2C loss in parts, so that the policy half (with the actor) and the
 * value half (with the critic) can run on two threads: the checks and the
 * advantage normalisation; the policy and entropy terms with dlogits; then
 * the terms (A2C_E_NONFINITE if the total is not finite). */
a2c_status a2c__loss_prepare(const a2c__loss_coefs *c, size_t batch, size_t n,
                             const int32_t *actions, const float *advantages,
                             const float *returns, double *adv_mean, double *adv_scale);
void a2c__policy_loss(const a2c__loss_coefs *c, const float *logits, size_t batch, size_t n,
                      const int32_t *actions, const float *advantages, double adv_mean,
                      double adv_scale, float *dlogits, double *policy_loss, double *entropy_loss);
a2c_status a2c__loss_terms(const a2c__loss_coefs *c, double policy_loss, double entropy_loss,
                           double value_loss, double *terms);
/* The whole A2C loss from logits and values: writes terms[A2C_LOSS_TERMS]
 * and the gradients dlogits (batch x n) and dvalues (batch). */
a2c_status a2c__a2c_loss(const a2c__loss_coefs *c, const float *logits, const float *values,
                         size_t batch, size_t n, const int32_t *actions,
                         const float *advantages, const float *returns, float *dlogits,
                         float *dvalues, double *terms);

/* ---- initialisation (init.c) ---- */

/* Fills w (input-major, in x out) with an orthogonal matrix scaled by
 * gain, as torch.nn.init.orthogonal_ would the torch weight (out x in);
 * scratch holds in*out doubles. */
void a2c__orthogonal(float *w, size_t in, size_t out, double gain, a2c__rng *rng,
                     double *scratch);

/* ---- net internals used by the trainer and the tests (net.c) ---- */

typedef struct a2c__layer {
    size_t in, out;
    size_t w, b; /* offsets of the weight block and the bias in the flat vector */
    float *h;    /* cached outputs, max_batch x out (activated for hidden layers) */
} a2c__layer;

struct a2c_net {
    a2c_allocator alloc;
    const a2c__kernels *k;
    a2c_config cfg; /* the configuration it was made from, for checkpoints */
    size_t obs_dim, n_actions, max_batch, n_params, max_width;
    int activation, shared;
    size_t n_pi, n_vf; /* hidden layers per trunk; n_vf = 0 with a shared trunk */
    a2c__layer pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    a2c__layer head_pi, head_vf; /* head_pi.h are the logits, head_vf.h the values */
    float *params, *grads;
    float *obs;            /* cached inputs, max_batch x obs_dim */
    float *delta[2];       /* backward scratch of the actor side (and a shared trunk) */
    float *delta_vf[2];    /* and of the critic side: the two may run at once */
    float *dlogits, *dvals; /* loss gradients, max_batch x n_actions and max_batch */
    float *scratch, *scratch_vf; /* linear-kernel scratch per side, scratch_floats each */
    size_t scratch_floats;
    size_t cached;         /* batch of the last public forward, 0 if none */
    a2c__rng rng;          /* sampling stream */
    unsigned char *block;
    size_t block_bytes;
};


/* Forward into cached rows [row0, row0 + batch); obs may alias nothing and
 * must be finite (callers check it).  `want_pi` = 0 skips the actor
 * (value-only forward). */
a2c_status a2c__net_forward_rows(a2c_net *net, const float *obs, size_t row0, size_t batch,
                                 int want_pi);
/* a2c_net_create; with initialise 0 the parameters are left zero (for a
 * checkpoint that is about to overwrite them). */
a2c_status a2c__net_create(a2c_net **out, const a2c_config *cfg, size_t obs_dim,
                           size_t n_actions, int initialise);
/* a2c_net_act without its checks, drawing from `rng`: any batch, run
 * max_batch rows at a time (the last chunk stays cached). */
a2c_status a2c__net_act(a2c_net *net, const float *obs, size_t batch, int deterministic,
                        a2c__rng *rng, int32_t *actions, float *log_probs, float *values);
/* Chooses actions for cached rows [row0, row0 + batch) from their logits
 * (greedy, or sampled with `rng`); log_probs may be NULL. */
a2c_status a2c__net_sample(a2c_net *net, size_t row0, size_t batch, a2c__rng *rng,
                           int deterministic, int32_t *actions, float *log_probs);
/* The A2C loss of cached rows [0, batch), its gradient added to the flat
 * gradient (inputs already checked). */
a2c_status a2c__net_loss_backward(a2c_net *net, const a2c__loss_coefs *c, size_t batch,
                                  const int32_t *actions, const float *advantages,
                                  const float *returns, double *terms);
/* The two halves of a forward pass over rows whose inputs are already in
 * net->obs (a2c__net_set_inputs); with separate trunks they touch disjoint
 * memory and may run on two threads at once.  With a shared trunk only
 * a2c__net_forward_rows may be used. */
void a2c__net_set_inputs(a2c_net *net, const float *obs, size_t r0, size_t batch);
void a2c__net_forward_actor(a2c_net *net, size_t r0, size_t batch);
void a2c__net_forward_critic(a2c_net *net, size_t r0, size_t batch);
/* Likewise for backward, from net->dlogits / net->dvals (separate trunks
 * only). */
void a2c__net_backward_actor(a2c_net *net, size_t batch);
void a2c__net_backward_critic(a2c_net *net, size_t batch);
/* Both heads and a shared trunk, from net->dlogits / net->dvals. */
void a2c__net_backward_shared(a2c_net *net, size_t batch);
/* The loss only: fills net->dlogits and net->dvals from cached rows
 * [0, batch). */
a2c_status a2c__net_loss(a2c_net *net, const a2c__loss_coefs *c, size_t batch,
                         const int32_t *actions, const float *advantages, const float *returns,
                         double *terms);
/* Pointer to the cached value of row `row`. */
const float *a2c__net_values(const a2c_net *net, size_t row);

/* ---- optimizer (optimizer.c) ---- */

struct a2c_optimizer {
    a2c_allocator alloc;
    const a2c__kernels *k;
    size_t n;
    int rms; /* 1 RMSprop, 0 Adam */
    int schedule;
    double lr, alpha, rms_eps, beta1, beta2, adam_eps;
    uint64_t steps;
    float *state; /* RMSprop: square averages; Adam: first then second moments */
    size_t state_n;
};

/* The same update split in two: count the step once, then update elements
 * [begin, end) with that step's factors (each element is independent),
 * using grads * gscale and zeroing the used gradients. */
void a2c__optimizer_count_step(a2c_optimizer *opt);
void a2c__optimizer_apply_range(a2c_optimizer *opt, float *params, float *grads,
                                double progress_remaining, size_t begin, size_t end, float gscale);

/* ---- rollout (rollout.c) ---- */

struct a2c_rollout {
    a2c_allocator alloc;
    size_t n_steps, n_envs, obs_dim, pos; /* pos: steps added */
    float *obs;                           /* n_steps x n_envs x obs_dim */
    int32_t *actions;                     /* n_steps x n_envs, like every buffer below */
    float *rewards, *episode_starts, *values, *log_probs, *advantages, *returns;
    void *block;
    size_t block_bytes;
};

/* SB3's RolloutBuffer.compute_returns_and_advantage over [n_steps][n_envs]
 * buffers, in float as SB3's float32 numpy arrays. */
void a2c__gae(size_t n_steps, size_t n_envs, double gamma, double gae_lambda,
              const float *rewards, const float *values, const float *episode_starts,
              const float *last_values, const float *dones, float *advantages, float *returns);

/* ---- helper thread (worker.c) ---- */

#if !defined(__STDC_NO_THREADS__) && !defined(__STDC_NO_ATOMICS__)
#include <stdatomic.h>
#include <threads.h>
#if defined(A2C_WORKER_PTHREAD)
#include <pthread.h>
#endif
typedef struct a2c__worker {
    thrd_t thread;
    mtx_t lock; /* only for sleeping: the fast path is the atomics */
    cnd_t wake;
#if defined(A2C_WORKER_PTHREAD)
    pthread_t pthread; /* make tsan only, see worker.c */
    pthread_mutex_t plock;
    pthread_cond_t pwake;
#endif
    atomic_uint posted, done; /* job sequence numbers */
    atomic_int sleepers;
    unsigned sequence;        /* the main thread's count of posted jobs */
    void (*job)(void *);
    void *arg;
    int running;
} a2c__worker;
#else
typedef struct a2c__worker {
    int running;
} a2c__worker;
#endif

/* Starts the helper; returns 0 (and the helper runs jobs inline) if no
 * thread could be made. */
int a2c__worker_start(a2c__worker *w);
/* Hands `job` to the helper (runs it at once without a helper). */
void a2c__worker_post(a2c__worker *w, void (*job)(void *), void *arg);
/* Waits until the posted job has finished. */
void a2c__worker_wait(a2c__worker *w);
/* Joins the helper. */
void a2c__worker_stop(a2c__worker *w);

/* ---- trainer (trainer.c) ---- */

typedef struct a2c__mode_chooser {
    int state;            /* 0 running a choice, 1 probing inline, 2 probing the helper */
    int decided;
    uint64_t left, keep;  /* updates until the next step; current keep length */
    double mark;          /* when the current probe began */
    double inline_seconds; /* the last inline probe */
} a2c__mode_chooser;

/* Episodes in the running statistics: SB3's stats_window_size. */
#define A2C__WINDOW 100

struct a2c_trainer {
    a2c_allocator alloc;
    a2c_config cfg;
    const a2c_env *env;
    a2c_net *net;
    a2c_optimizer *opt;
    a2c_rollout *ro;
    a2c__loss_coefs coefs;
    size_t n_envs, n_steps, obs_dim, batch;
    double gamma, max_grad_norm;
    /* per sub-environment, n_envs entries (observations x obs_dim) */
    float *obs, *next_obs, *final_obs;
    float *episode_starts, *rewards_f, *dones_f, *last_values;
    double *rewards;
    int *terminated, *truncated;
    int32_t *actions;
    uint32_t *truncated_rows; /* envs whose final observation needs a value */
    double *ep_return;
    uint64_t *ep_length;
    void *block;
    size_t block_bytes;
    /* progress and statistics (all saved in trainer checkpoints) */
    uint64_t timesteps, episodes, updates;
    a2c__rng sample_rng, reset_rng;
    /* the optional helper thread does the actor's half of every pass.
     * The flat vector is [actor hidden | critic hidden | action head |
     * value head]: the actor's parameters are [0, cut[0]) and
     * [cut[1], cut[2]), the critic's [cut[0], cut[1]) and [cut[2], n) */
    a2c__worker worker;
    int threads;
    size_t cut[3];
    /* whether jobs go to the helper (1) or run inline (0): both modes are
     * timed now and then and the faster kept (a busy machine can make the
     * helper a loss); results are the same either way */
    int use_helper, chosen;
    int pin_mode; /* tests: -1 chooses, 0 always inline, 1 always the helper */
    a2c__mode_chooser chooser;
    double win_return[A2C__WINDOW];
    uint64_t win_length[A2C__WINDOW];
    uint32_t win_count, win_next;
    int need_reset;
};

/* ---- built-in environments (env.c, env_cartpole.c) ---- */

/* CartPole-v1 (Gymnasium 1.x dynamics, Euler integrator, 500-step limit
 * reported as truncation by the env itself). */
a2c_status a2c__cartpole_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc);
/* Test hooks: the float64 state (x, x_dot, theta, theta_dot) of
 * sub-environment `index` of a table from a2c__cartpole_make.  Setting it
 * leaves the episode's step counter alone. */
void a2c__cartpole_get_state(const a2c_env *env, uint32_t index, double state[4]);
void a2c__cartpole_set_state(a2c_env *env, uint32_t index, const double state[4]);

/* Finite check over n floats: 1 if all are finite. */
int a2c__all_finite(const float *x, size_t n);

/* ---- checkpoints (checkpoint.c) ---- */

/* CRC-32 (IEEE 802.3, as zlib's crc32) of n bytes, continuing from crc. */
uint32_t a2c__crc32(uint32_t crc, const void *data, size_t n);

#endif /* A2C_INTERNAL_H */
