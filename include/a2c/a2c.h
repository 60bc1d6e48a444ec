/*
 * liba2c -- Advantage Actor-Critic (A2C) in C11.
 *
 * This header is the whole public API and its reference documentation.
 *
 * Conventions
 * - Fallible functions return an a2c_status; results go through out-pointers.
 *   A failed create sets *out to NULL.  Nothing in the library prints,
 *   exits or aborts: every failure is a status, and a2c_strerror() names it.
 * - Objects come in create/destroy pairs; destroy(NULL) does nothing.
 *   Create copies what it needs, so a config may be destroyed right after.
 * - Public tensors are float (32-bit), batch-major, row-major, contiguous.
 *   Scalar hyperparameters cross the ABI as double.
 * - Allocation happens only in create (and, later, load) functions, never
 *   in forward, backward or optimizer steps.  Each function's comment says
 *   whether it allocates.
 *
 * Threads
 *   liba2c has no global mutable state (the a2c_last_error message is kept
 *   per thread).  Different handles may be used from different threads at
 *   once; one handle never from two at once.
 *   a2c_strerror, a2c_version_* and a2c_param_* are safe anywhere.
 *   Callbacks run synchronously on the calling thread; an allocator shared
 *   across threads must be thread-safe.
 *
 * ABI
 *   Only a2c_-prefixed symbols are exported.  Enum values are ABI: they are
 *   only ever appended.  Structs the host fills in start with a version
 *   field and only grow at the end.  The SONAME (liba2c.so.MAJOR) changes
 *   only when the ABI breaks; while MAJOR is 0, CHANGELOG.md says which
 *   minor release broke it.
 */
#ifndef A2C_A2C_H
#define A2C_A2C_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define A2C_API __attribute__((visibility("default")))
#else
#define A2C_API /* a Windows DLL build would put __declspec(dllexport) here */
#endif

/* ------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------ */

#define A2C_VERSION_MAJOR 0
#define A2C_VERSION_MINOR 1
#define A2C_VERSION_PATCH 0
#define A2C_VERSION_NUMBER \
    (A2C_VERSION_MAJOR * 10000 + A2C_VERSION_MINOR * 100 + A2C_VERSION_PATCH)
#define A2C_STRINGIFY_(x) #x
#define A2C_STRINGIFY(x) A2C_STRINGIFY_(x)
#define A2C_VERSION_STRING                                                 \
    A2C_STRINGIFY(A2C_VERSION_MAJOR) "." A2C_STRINGIFY(A2C_VERSION_MINOR) \
        "." A2C_STRINGIFY(A2C_VERSION_PATCH)

/* The version of the library actually loaded, as A2C_VERSION_NUMBER would
 * give it.  Compare with A2C_VERSION_NUMBER to catch a header/library
 * mismatch.  Never fails, never allocates.  Since 0.1. */
A2C_API unsigned a2c_version_number(void);

/* The loaded library's version as "MAJOR.MINOR.PATCH" (static storage).
 * Since 0.1. */
A2C_API const char *a2c_version_string(void);

/* ------------------------------------------------------------------------
 * Status codes
 * ------------------------------------------------------------------------ */

/* Explicit values, append-only.  Hosts should treat an unknown code as a
 * failure. */
typedef enum a2c_status {
    A2C_OK = 0,            /* success */
    A2C_E_INVALID_ARG = 1, /* NULL pointer, bad size, out-of-range value */
    A2C_E_NOMEM = 2,       /* an allocation failed; nothing was leaked */
    A2C_E_NONFINITE = 3,   /* NaN or infinity in an input or a result */
    A2C_E_FORMAT = 4,      /* corrupt, truncated or foreign file data */
    A2C_E_IO = 5,          /* a file could not be opened, read or written */
    A2C_E_ENV = 6,         /* a host environment callback reported failure */
    A2C_E_STATE = 7        /* the call does not fit the object's state */
} a2c_status;

/* A constant English sentence describing `status`; never NULL, never
 * allocates.  Unknown codes give "unknown status code".  Since 0.1. */
A2C_API const char *a2c_strerror(a2c_status status);

/* The enumerator's name of `status` ("A2C_E_INVALID_ARG"), for bindings
 * that map statuses to exception classes; never NULL, never allocates.
 * Unknown codes give "A2C_E_UNKNOWN".  Since 0.2. */
A2C_API const char *a2c_status_name(a2c_status status);

/* A message about the last call on this thread that failed: the function,
 * and the argument or field at fault, e.g. "a2c_trainer_create:
 * env->version is 0, expected A2C_ENV_V1".  Every public call that returns
 * a status other than A2C_OK sets it; successful calls leave it alone, so
 * read it right after the failure.  The text is valid until the next
 * failing call on the same thread (each thread has its own); "" if no call
 * on this thread has failed yet.  Never NULL, never allocates.  Platforms
 * without C11 _Thread_local keep one message for the whole process.
 * Since 0.2. */
A2C_API const char *a2c_last_error(void);

/* ------------------------------------------------------------------------
 * Allocator hooks
 * ------------------------------------------------------------------------ */

#define A2C_ALLOCATOR_V1 1u

/* Filled in by a host that wants every allocation of an object routed
 * through its own allocator (an arena, a game engine's heap, a leak
 * tracker).  Pass it to a2c_config_create; every object created from that
 * config uses it.  The struct is copied; `ctx` must stay valid while any
 * object made with it lives.
 *
 * Version 1 fields: */
typedef struct a2c_allocator {
    uint32_t version; /* A2C_ALLOCATOR_V1 */
    /* Returns `size` bytes aligned to `align` (a power of two, at most 64),
     * or NULL on failure. */
    void *(*alloc)(void *ctx, size_t size, size_t align);
    /* Releases a block from `alloc`; `size` is the size it was asked for.
     * Never called with NULL. */
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx; /* passed back to both callbacks */
} a2c_allocator;

/* ------------------------------------------------------------------------
 * Configuration: SB3 hyperparameters, set one at a time
 * ------------------------------------------------------------------------ */

typedef struct a2c_config a2c_config;

/* Hyperparameters, named and defaulted as in Stable-Baselines3's A2C.
 * Values are ABI: append, never renumber or reuse.  "int" parameters take
 * whole numbers; each has bounds (a2c_param_bounds) checked on every set. */
typedef enum a2c_param {
    A2C_PARAM_LEARNING_RATE = 100,       /* double, 7e-4 */
    A2C_PARAM_N_STEPS = 101,             /* int, 5: steps per env per update */
    A2C_PARAM_GAMMA = 102,               /* double, 0.99 */
    A2C_PARAM_GAE_LAMBDA = 103,          /* double, 1.0 */
    A2C_PARAM_ENT_COEF = 104,            /* double, 0.0 */
    A2C_PARAM_VF_COEF = 105,             /* double, 0.5 */
    A2C_PARAM_MAX_GRAD_NORM = 106,       /* double, 0.5 */
    A2C_PARAM_RMS_PROP_EPS = 107,        /* double, 1e-5 */
    A2C_PARAM_USE_RMS_PROP = 108,        /* int 0/1, 1 (0 selects Adam) */
    A2C_PARAM_NORMALIZE_ADVANTAGE = 109, /* int 0/1, 0 */
    A2C_PARAM_ACTIVATION_FN = 110,       /* int a2c_activation, tanh */
    A2C_PARAM_ORTHO_INIT = 111,          /* int 0/1, 1 */
    A2C_PARAM_SEED = 112,                /* int >= 0, 0 */
    A2C_PARAM_N_ENVS = 113,              /* int, 1 */
    A2C_PARAM_LR_SCHEDULE = 114,         /* int a2c_schedule, constant */
    A2C_PARAM_RMS_PROP_ALPHA = 115,      /* double, 0.99 (torch RMSprop alpha) */
    A2C_PARAM_ADAM_BETA1 = 116,          /* double, 0.9 */
    A2C_PARAM_ADAM_BETA2 = 117,          /* double, 0.999 */
    A2C_PARAM_ADAM_EPS = 118,            /* double, 1e-5 (SB3's Adam default) */
    A2C_PARAM_VALUE_LOSS = 119,          /* int a2c_value_loss, MSE */
    A2C_PARAM_HUBER_DELTA = 120,         /* double, 1.0 */
    A2C_PARAM_SHARED_TRUNK = 121,        /* int 0/1, 0: one trunk for both heads */
    A2C_PARAM_MAX_BATCH = 122,           /* int, 0 = n_steps * n_envs */
    A2C_PARAM_N_THREADS = 123,           /* int 1..256, 1: threads a trainer uses */
    /* Since 0.2: SB3's VecNormalize (see "Normalisation" below) */
    A2C_PARAM_NORM_OBS = 124,            /* int 0/1, 0: normalise observations */
    A2C_PARAM_NORM_REWARD = 125,         /* int 0/1, 0: scale rewards by the return's std */
    A2C_PARAM_CLIP_OBS = 126,            /* double, 10.0 */
    A2C_PARAM_CLIP_REWARD = 127,         /* double, 10.0 */
    /* Since 0.2 */
    A2C_PARAM_ENT_SCHEDULE = 128,        /* int a2c_schedule, constant: ent_coef's */
    /* Since 0.2, stored for continuous (BOX) policies; see CHANGELOG.md */
    A2C_PARAM_USE_SDE = 129,             /* int 0/1, 0: generalised state-dependent noise */
    A2C_PARAM_SDE_SAMPLE_FREQ = 130,     /* int >= -1, -1: steps between noise draws */
    A2C_PARAM_LOG_STD_INIT = 131,        /* double, 0.0: initial log standard deviation */
    /* Since 0.2: the divergence guard (see "Divergence guard" below) */
    A2C_PARAM_MAX_ROLLBACKS = 132,       /* int 0..1000000, 0: rollbacks allowed (0 = off) */
    A2C_PARAM_ROLLBACK_LR_FACTOR = 133,  /* double 1e-6..1, 0.5: lr factor per rollback */
    A2C_PARAM_ROLLBACK_LOSS_JUMP = 134   /* double, 1.0: value_loss_jump that rolls back */
} a2c_param;

/* Values of A2C_PARAM_ACTIVATION_FN. */
typedef enum a2c_activation { A2C_ACTIVATION_TANH = 0, A2C_ACTIVATION_RELU = 1 } a2c_activation;

/* Values of A2C_PARAM_LR_SCHEDULE and A2C_PARAM_ENT_SCHEDULE.  LINEAR is
 * rl-baselines3-zoo's linear_schedule: lr = learning_rate *
 * progress_remaining (likewise ent_coef). */
typedef enum a2c_schedule { A2C_SCHEDULE_CONSTANT = 0, A2C_SCHEDULE_LINEAR = 1 } a2c_schedule;

/* Values of A2C_PARAM_VALUE_LOSS.  MSE is SB3's F.mse_loss (no 0.5 factor);
 * HUBER is torch's F.huber_loss with delta A2C_PARAM_HUBER_DELTA. */
typedef enum a2c_value_loss { A2C_VALUE_LOSS_MSE = 0, A2C_VALUE_LOSS_HUBER = 1 } a2c_value_loss;

/* Largest number of hidden layers in one trunk. */
#define A2C_MAX_LAYERS 8
/* Largest width of one hidden layer. */
#define A2C_MAX_WIDTH 4096

/* Creates a configuration holding SB3's A2C defaults.  `alloc` may be NULL
 * (malloc/free); otherwise it is copied and used for the config itself and
 * for every object later created from it.
 * Returns A2C_OK, A2C_E_INVALID_ARG (out NULL, unknown allocator version or
 * missing callbacks) or A2C_E_NOMEM.  Allocates.  Since 0.1. */
A2C_API a2c_status a2c_config_create(a2c_config **out, const a2c_allocator *alloc);

/* Frees a configuration; NULL is a no-op.  Objects created from it stay
 * valid.  Since 0.1. */
A2C_API void a2c_config_destroy(a2c_config *cfg);

/* Creates an independent copy of `src` (same allocator).  Returns A2C_OK,
 * A2C_E_INVALID_ARG or A2C_E_NOMEM.  Allocates.  Since 0.1. */
A2C_API a2c_status a2c_config_clone(const a2c_config *src, a2c_config **out);

/* Sets a hyperparameter.  An int parameter accepts a double only if it is
 * a whole number.  Returns A2C_OK, or A2C_E_INVALID_ARG (NULL cfg, unknown
 * parameter, out of bounds) or A2C_E_NONFINITE (NaN/inf), leaving the
 * config unchanged.  Never allocates.  Since 0.1. */
A2C_API a2c_status a2c_config_set_double(a2c_config *cfg, a2c_param param, double value);
A2C_API a2c_status a2c_config_set_int(a2c_config *cfg, a2c_param param, int64_t value);

/* Reads a hyperparameter.  get_int on a double parameter returns
 * A2C_E_INVALID_ARG; get_double works on every parameter.  Since 0.1. */
A2C_API a2c_status a2c_config_get_double(const a2c_config *cfg, a2c_param param, double *value);
A2C_API a2c_status a2c_config_get_int(const a2c_config *cfg, a2c_param param, int64_t *value);

/* Sets SB3's net_arch: the hidden layer widths of the actor (pi) and the
 * critic (vf) trunks, input side first; the default is [64, 64] for both.
 * A count of 0 means no hidden layer (the head reads the observation).
 * With A2C_PARAM_SHARED_TRUNK set, `pi` gives the shared trunk and `vf` is
 * ignored.  At most A2C_MAX_LAYERS entries per trunk, each width in
 * 1..A2C_MAX_WIDTH.  Returns A2C_OK or A2C_E_INVALID_ARG (config unchanged).
 * Since 0.1. */
A2C_API a2c_status a2c_config_set_net_arch(a2c_config *cfg, const int32_t *pi, size_t n_pi,
                                           const int32_t *vf, size_t n_vf);

/* Copies net_arch out.  `pi`/`vf` must have room for A2C_MAX_LAYERS
 * entries (either may be NULL to skip it); `n_pi`/`n_vf` receive the
 * counts (either may be NULL).  Since 0.1. */
A2C_API a2c_status a2c_config_get_net_arch(const a2c_config *cfg, int32_t *pi, size_t *n_pi,
                                           int32_t *vf, size_t *n_vf);

/* Sets a hyperparameter from text, as found in an rl-baselines3-zoo YAML
 * file or on a command line.  `name` is the SB3 name (a2c_param_name, plus
 * "net_arch").  Accepted values: numbers ("7e-4", "8"); "True"/"False";
 * "lin_<number>" for learning_rate (sets LINEAR schedule); "tanh"/"relu"
 * (also "nn.Tanh"/"nn.ReLU") for activation_fn; "mse"/"huber" for
 * value_loss; net_arch as "64,64", "[64, 64]" or
 * "dict(pi=[64, 64], vf=[32])".  Returns A2C_OK or A2C_E_INVALID_ARG
 * (unknown name, unparsable or out-of-range value; config unchanged).
 * Never allocates.  Since 0.1.
 *
 * Since 0.2 also: "lin_<number>" for ent_coef (sets ENT_SCHEDULE);
 * "normalize" as the zoo writes it: "True"/"False" (both norm_obs and
 * norm_reward) or a dict such as "{'norm_obs': True, 'norm_reward': False}"
 * or "dict(norm_obs=True, clip_obs=5.0)" (keys norm_obs, norm_reward,
 * clip_obs, clip_reward, gamma; VecNormalize's gamma must equal the
 * config's); "policy_kwargs" as "dict(...)" with the keys net_arch,
 * activation_fn, ortho_init, log_std_init. */
A2C_API a2c_status a2c_config_set_string(a2c_config *cfg, const char *name, const char *value);

/* The SB3 name of a parameter ("learning_rate"), or NULL if unknown.
 * Since 0.1. */
A2C_API const char *a2c_param_name(a2c_param param);

/* Looks a parameter up by its SB3 name.  Returns A2C_OK or
 * A2C_E_INVALID_ARG.  Since 0.1. */
A2C_API a2c_status a2c_param_from_name(const char *name, a2c_param *out);

/* The closed interval a parameter accepts.  Since 0.1. */
A2C_API a2c_status a2c_param_bounds(a2c_param param, double *lo, double *hi);

/* The default value of a parameter.  Since 0.1. */
A2C_API a2c_status a2c_param_default(a2c_param param, double *value);

/* Sets *is_integer to 1 for int parameters, 0 for double ones.
 * Since 0.1. */
A2C_API a2c_status a2c_param_is_integer(a2c_param param, int *is_integer);

/* rl-baselines3-zoo's tuned settings (its hyperparams/a2c.yml) for the
 * built-in environments, as data.  a2c_config_apply_preset applies the row
 * for `env_id` ("Acrobot-v1") on top of what `cfg` holds, through
 * a2c_config_set_string; n_envs goes to A2C_PARAM_N_ENVS, and the row's
 * n_timesteps (the zoo's training budget) to *n_timesteps when that is not
 * NULL.  Keys the row does not name are left as they are, so apply a
 * preset to a fresh config for the zoo's exact settings.  Returns A2C_OK or
 * A2C_E_INVALID_ARG (NULL cfg or id, no preset for `env_id`; the config is
 * unchanged).  Never allocates.  Since 0.2. */
A2C_API a2c_status a2c_config_apply_preset(a2c_config *cfg, const char *env_id,
                                           uint64_t *n_timesteps);

/* The environment id of preset number `index` (0, 1, ...), NULL past the
 * end.  Since 0.2. */
A2C_API const char *a2c_preset_name(size_t index);

/* Setting number `index` of the preset for `env_id`, as the zoo writes it:
 * *key ("n_timesteps", "normalize", "policy_kwargs", ...) and *value
 * ("5e5", "True", "dict(log_std_init=-2, ortho_init=False)"), both static
 * strings.  Returns A2C_OK, or A2C_E_INVALID_ARG past the row's end or for
 * an unknown id.  Since 0.2. */
A2C_API a2c_status a2c_preset_setting(const char *env_id, size_t index, const char **key,
                                      const char **value);

/* ------------------------------------------------------------------------
 * a2c_net: actor and critic MLPs with a categorical policy head
 * ------------------------------------------------------------------------
 *
 * The actor maps an observation through its trunk (hidden Linear layers,
 * each followed by the activation) to n_actions logits; the critic maps it
 * through its own trunk to one value.  With A2C_PARAM_SHARED_TRUNK both
 * heads sit on one trunk.
 *
 * Flat parameter layout.  All parameters live in one float array and all
 * gradients in a twin array of the same layout.  Each Linear(in, out)
 * contributes its weight, stored input-major (element i*out + j connects
 * input i to output j: torch's `weight.T`), then its `out` biases.  The
 * order is: actor hidden layers, critic hidden layers (absent with a shared
 * trunk), action head, value head -- the order of SB3's
 * `policy.parameters()`.  A torch state can be loaded with
 * torch.cat([w.T.flatten(), b] for each Linear in that order).
 *
 * Initialisation (A2C_PARAM_ORTHO_INIT = 1, SB3's default): orthogonal
 * weights with gain sqrt(2) for hidden layers, 0.01 for the action head,
 * 1.0 for the value head, and zero biases.  With ORTHO_INIT = 0 weights
 * are drawn like torch's default Linear init, U(-1/sqrt(in), 1/sqrt(in)),
 * biases too.  Draws come from the net's own generator, seeded by
 * A2C_PARAM_SEED, so a seed gives the same net on every platform.
 *
 * Forward caches what backward needs in workspace sized at creation for
 * A2C_PARAM_MAX_BATCH rows.
 */

typedef struct a2c_net a2c_net;

/* Terms of the A2C loss, as indices into the `terms` array of
 * a2c_net_loss_backward.  Values are ABI: append only. */
typedef enum a2c_loss_term {
    A2C_LOSS_TOTAL = 0,   /* policy + ent_coef * entropy_loss + vf_coef * value */
    A2C_LOSS_POLICY = 1,  /* -mean(log pi(a|s) * A) */
    A2C_LOSS_VALUE = 2,   /* MSE (or Huber) between returns and values */
    A2C_LOSS_ENTROPY = 3, /* SB3's entropy_loss: -mean(entropy) */
    A2C_LOSS_TERMS = 4    /* number of terms in this version */
} a2c_loss_term;

/* Creates a net for `obs_dim` inputs and `n_actions` discrete actions, laid
 * out and initialised from `cfg` (net_arch, activation_fn, shared_trunk,
 * ortho_init, seed, max_batch).  obs_dim and n_actions must be at least 1
 * and at most A2C_MAX_WIDTH.  Returns A2C_OK, A2C_E_INVALID_ARG (since 0.2
 * also for a config with use_sde, which needs continuous actions) or
 * A2C_E_NOMEM.  Allocates (once, for everything).  Since 0.1. */
A2C_API a2c_status a2c_net_create(a2c_net **out, const a2c_config *cfg, size_t obs_dim,
                                  size_t n_actions);

/* Frees a net and everything it owns; NULL is a no-op.  Since 0.1. */
A2C_API void a2c_net_destroy(a2c_net *net);

/* Sizes; 0 for a NULL net.  Since 0.1. */
A2C_API size_t a2c_net_param_count(const a2c_net *net);
A2C_API size_t a2c_net_obs_dim(const a2c_net *net);
A2C_API size_t a2c_net_n_actions(const a2c_net *net);
A2C_API size_t a2c_net_max_batch(const a2c_net *net);

/* The flat parameter and gradient arrays (a2c_net_param_count floats
 * each), owned by the net and valid until a2c_net_destroy.  Writing to
 * them is allowed (an optimizer does).  NULL for a NULL net.  Since 0.1. */
A2C_API float *a2c_net_params(a2c_net *net);
A2C_API float *a2c_net_grads(a2c_net *net);

/* Copies the flat parameters out to `dst` / in from `src`; `n` must equal
 * the parameter count.  set_params rejects non-finite values with
 * A2C_E_NONFINITE and leaves the net unchanged.  Since 0.1. */
A2C_API a2c_status a2c_net_get_params(const a2c_net *net, float *dst, size_t n);
A2C_API a2c_status a2c_net_set_params(a2c_net *net, const float *src, size_t n);

/* Sets every gradient to zero.  Since 0.1. */
A2C_API a2c_status a2c_net_zero_grad(a2c_net *net);

/* Reseeds the generator used by a2c_net_act's sampling.  Since 0.1. */
A2C_API a2c_status a2c_net_seed(a2c_net *net, uint64_t seed);

/* Observation normalisation (Stable-Baselines3's VecNormalize), since 0.2.
 * A net made from a config with A2C_PARAM_NORM_OBS carries the running
 * mean and variance of the observations (a trainer updates them while it
 * collects, and checkpoints save them).  a2c_net_forward, a2c_net_act and
 * a2c_evaluate then take RAW observations and normalise them first:
 *   x = clip((obs - mean) / sqrt(var + 1e-8), -clip_obs, clip_obs)
 * in double, rounded to float, as VecNormalize.normalize_obs.  A net
 * without statistics takes its inputs as they are.  See
 * docs/normalization.md. */

/* 1 if the net normalises observations, 0 if not (or NULL).  Since 0.2. */
A2C_API int a2c_net_normalizes_obs(const a2c_net *net);

/* Copies the statistics out: n (= obs_dim) means and variances, the
 * count and clip_obs; any output may be NULL.  Returns A2C_OK,
 * A2C_E_INVALID_ARG or A2C_E_STATE (the net does not normalise).
 * Since 0.2. */
A2C_API a2c_status a2c_net_get_obs_norm(const a2c_net *net, double *mean, double *var, size_t n,
                                        double *count, double *clip_obs);

/* Sets the statistics (turning normalisation on), e.g. from an SB3
 * VecNormalize's obs_rms: n (= obs_dim) finite means, finite non-negative
 * variances, count >= 1e-4, clip_obs within A2C_PARAM_CLIP_OBS's bounds.
 * Returns A2C_OK, A2C_E_INVALID_ARG, A2C_E_NONFINITE or A2C_E_STATE (its
 * trainer is collecting); the net is unchanged on failure.  Never
 * allocates.  Since 0.2. */
A2C_API a2c_status a2c_net_set_obs_norm(a2c_net *net, const double *mean, const double *var,
                                        size_t n, double count, double clip_obs);

/* Writes the net's input for `batch` raw observations to `out` (which may
 * equal `obs`): normalised as above, or copied if the net does not
 * normalise.  Returns A2C_OK, A2C_E_INVALID_ARG or A2C_E_NONFINITE.  Never
 * allocates.  Since 0.2. */
A2C_API a2c_status a2c_net_normalize_obs(const a2c_net *net, const float *obs, size_t batch,
                                         float *out);

/* Runs `batch` observations (batch x obs_dim floats) through both heads.
 * Writes batch x n_actions logits and batch values; either output may be
 * NULL.  Caches activations for a following backward call.  batch must be
 * 1..max_batch.  Returns A2C_OK, A2C_E_INVALID_ARG or A2C_E_NONFINITE (an
 * observation is NaN/inf; nothing is computed).  Never allocates.
 * Since 0.1. */
A2C_API a2c_status a2c_net_forward(a2c_net *net, const float *obs, size_t batch, float *logits,
                                   float *values);

/* Chooses actions for `batch` observations: sampled from the categorical
 * policy with the net's generator, or the most probable action if
 * `deterministic` is nonzero (ties go to the lowest index).  Writes
 * `actions`; `log_probs` (log pi(a|s)) and `values` may be NULL.  Any batch
 * size >= 1 is accepted (it is processed in chunks of max_batch), but only
 * the last chunk stays cached for backward.  Returns A2C_OK,
 * A2C_E_INVALID_ARG or A2C_E_NONFINITE.  Never allocates.  Since 0.1. */
A2C_API a2c_status a2c_net_act(a2c_net *net, const float *obs, size_t batch, int deterministic,
                               int32_t *actions, float *log_probs, float *values);

/* ---- continuous (BOX) actions, since 0.2 ----
 *
 * A BOX net's action head outputs the mean of each action component; the
 * distribution's own parameters (log_std) follow the value head at the end
 * of the flat vector (docs/continuous.md).  With A2C_PARAM_USE_SDE = 0 it is
 * SB3's DiagGaussianDistribution: log_std has action_dim entries and a
 * sample is mean + exp(log_std) * N(0, 1).  With USE_SDE = 1 it is SB3's
 * gSDE (StateDependentNoiseDistribution with its defaults): log_std is a
 * latent_dim x action_dim matrix (latent_dim: the actor trunk's last
 * width), the std of each component depends on the actor's latent
 * features, and a sample is mean + latent . E with an exploration matrix E
 * that stays fixed until a2c_net_reset_noise (a trainer redraws it at the
 * start of every rollout and every A2C_PARAM_SDE_SAMPLE_FREQ steps; a
 * net made by a trainer holds one per environment, any other net one,
 * used for every row).  log_std starts at A2C_PARAM_LOG_STD_INIT.
 * a2c_net_n_actions gives the number of components. */

/* Creates a BOX net for obs_dim inputs and action_dim components, as
 * a2c_net_create (same statuses, allocates).  Its action bounds start
 * unbounded.  Since 0.2. */
A2C_API a2c_status a2c_net_create_box(a2c_net **out, const a2c_config *cfg, size_t obs_dim,
                                      size_t action_dim);

/* A2C_SPACE_DISCRETE or A2C_SPACE_BOX (an a2c_space_kind), -1 for NULL.
 * Since 0.2. */
A2C_API int a2c_net_action_kind(const a2c_net *net);

/* Sets the bounds a2c_net_act_box clips to: n (= action_dim) lows and
 * highs, NULL for unbounded; each low <= high, not NaN.  A trainer sets its
 * env's; checkpoints keep them.  Returns A2C_OK or A2C_E_INVALID_ARG.
 * Never allocates.  Since 0.2. */
A2C_API a2c_status a2c_net_set_action_bounds(a2c_net *net, const float *low, const float *high,
                                             size_t n);

/* gSDE: draws new exploration matrices from the net's generator (a no-op
 * for other nets).  Returns A2C_OK, A2C_E_INVALID_ARG or A2C_E_STATE (its
 * trainer is collecting).  Never allocates.  Since 0.2. */
A2C_API a2c_status a2c_net_reset_noise(a2c_net *net);

/* a2c_net_act for a BOX net: writes batch x action_dim actions, the mean
 * if `deterministic`, else a sample (Gaussian: from the net's generator;
 * gSDE: with its exploration matrices), clipped to the net's action bounds
 * as SB3's predict clips them; log_probs (may be NULL) are those of the
 * unclipped sample.  Any batch >= 1 (processed max_batch rows at a time).
 * Returns A2C_OK, A2C_E_INVALID_ARG (NULL, a discrete net), A2C_E_NONFINITE
 * or A2C_E_STATE.  Never allocates: a program can act one observation at a
 * time in a control loop.  Since 0.2. */
A2C_API a2c_status a2c_net_act_box(a2c_net *net, const float *obs, size_t batch,
                                   int deterministic, float *actions, float *log_probs,
                                   float *values);

/* a2c_net_loss_backward for a BOX net: `actions` holds batch x action_dim
 * floats as they were sampled (before any clipping); log pi and the
 * entropy are summed over components.  For gSDE the std's dependence on
 * the latent features is not differentiated (SB3 detaches them).  Same
 * statuses; A2C_E_INVALID_ARG also for a NaN or infinite action or a
 * discrete net.  Never allocates.  Since 0.2. */
A2C_API a2c_status a2c_net_loss_backward_box(a2c_net *net, const a2c_config *cfg, size_t batch,
                                             const float *actions, const float *advantages,
                                             const float *returns, double *terms,
                                             size_t n_terms);

/* Backpropagates output gradients of the last forward (same batch):
 * `dlogits` (batch x n_actions) and `dvalues` (batch), either may be NULL
 * for zero.  ADDS into the flat gradient; call a2c_net_zero_grad first for
 * a fresh one.  Returns A2C_OK, A2C_E_INVALID_ARG or A2C_E_STATE (no
 * forward of that batch size is cached).  Never allocates.  Since 0.1. */
A2C_API a2c_status a2c_net_backward(a2c_net *net, size_t batch, const float *dlogits,
                                    const float *dvalues);

/* The A2C loss of the last forward (same batch) and its gradient, added to
 * the flat gradient:
 *   policy_loss  = -mean(A * log pi(a|s))  (A normalised per batch with
 *                  mean/std(unbiased) + 1e-8 if normalize_advantage)
 *   value_loss   = mean((R - V)^2), or Huber with huber_delta
 *   entropy_loss = -mean(entropy)
 *   total        = policy_loss + ent_coef*entropy_loss + vf_coef*value_loss
 * Coefficients come from `cfg` (ent_coef, vf_coef, normalize_advantage,
 * value_loss, huber_delta).  `actions`, `advantages` and `returns` hold
 * `batch` entries.  If `terms` is not NULL, min(n_terms, A2C_LOSS_TERMS)
 * values indexed by a2c_loss_term are written.  Returns A2C_OK,
 * A2C_E_INVALID_ARG (bad action index, batch < 2 with normalisation, ...),
 * A2C_E_NONFINITE (NaN/inf advantages or returns, or a non-finite loss;
 * the gradient is then left untouched) or A2C_E_STATE.  Never allocates.
 * Since 0.1. */
A2C_API a2c_status a2c_net_loss_backward(a2c_net *net, const a2c_config *cfg, size_t batch,
                                         const int32_t *actions, const float *advantages,
                                         const float *returns, double *terms, size_t n_terms);

/* ------------------------------------------------------------------------
 * a2c_optimizer: RMSprop or Adam over a flat vector, gradient clipping
 * ------------------------------------------------------------------------
 *
 * RMSprop follows torch.optim.RMSprop (no momentum, not centred):
 *   v = alpha*v + (1-alpha)*g^2;  p -= lr * g / (sqrt(v) + eps)
 * Adam follows torch.optim.Adam (no weight decay, no amsgrad):
 *   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2;  t += 1
 *   p -= (lr / (1-b1^t)) * m / (sqrt(v) / sqrt(1-b2^t) + eps)
 * A2C_PARAM_USE_RMS_PROP picks one (SB3 default: RMSprop, alpha 0.99,
 * eps rms_prop_eps); Adam uses adam_beta1/2 and adam_eps.
 *
 * The learning rate is learning_rate, or learning_rate * progress_remaining
 * with the LINEAR schedule, where progress_remaining goes from 1 at the
 * start of training to 0 at the end (SB3's convention).
 */

typedef struct a2c_optimizer a2c_optimizer;

/* Creates an optimizer for `n_params` parameters with zeroed state, reading
 * use_rms_prop, learning_rate, lr_schedule and the optimizer constants from
 * `cfg`.  Returns A2C_OK, A2C_E_INVALID_ARG or A2C_E_NOMEM.  Allocates.
 * Since 0.1. */
A2C_API a2c_status a2c_optimizer_create(a2c_optimizer **out, const a2c_config *cfg,
                                        size_t n_params);

/* Frees an optimizer; NULL is a no-op.  Since 0.1. */
A2C_API void a2c_optimizer_destroy(a2c_optimizer *opt);

/* Applies one update to `params` from `grads` (both `n` floats, n equal to
 * the optimizer's size, not overlapping).  Returns A2C_OK,
 * A2C_E_INVALID_ARG (NULL, wrong n, overlapping arrays, progress_remaining
 * outside [0, 1]), A2C_E_NONFINITE (a gradient is NaN/inf, or, since 0.2,
 * the update would make a parameter or the optimizer state non-finite; in
 * both cases parameters, state and step count are left as they were) or
 * A2C_E_STATE (2^53 steps taken).  Never allocates.  Since 0.1. */
A2C_API a2c_status a2c_optimizer_step(a2c_optimizer *opt, float *params, const float *grads,
                                      size_t n, double progress_remaining);

/* The learning rate a step at `progress_remaining` would use.  Since 0.1. */
A2C_API a2c_status a2c_optimizer_learning_rate(const a2c_optimizer *opt,
                                               double progress_remaining, double *lr);

/* Number of floats of optimizer state: n_params for RMSprop (the square
 * average), 2 * n_params for Adam (first moments, then second moments).
 * 0 for NULL.  Since 0.1. */
A2C_API size_t a2c_optimizer_state_size(const a2c_optimizer *opt);

/* Copies the state out (`n` must equal a2c_optimizer_state_size) together
 * with the number of steps taken; `steps` may be NULL.  Since 0.1. */
A2C_API a2c_status a2c_optimizer_get_state(const a2c_optimizer *opt, float *dst, size_t n,
                                           uint64_t *steps);

/* Restores state saved by a2c_optimizer_get_state.  Rejects non-finite
 * values (A2C_E_NONFINITE) and negative second moments (A2C_E_INVALID_ARG),
 * leaving the optimizer unchanged.  Since 0.1. */
A2C_API a2c_status a2c_optimizer_set_state(a2c_optimizer *opt, const float *src, size_t n,
                                           uint64_t steps);

/* torch.nn.utils.clip_grad_norm_ over one flat gradient: computes the
 * global 2-norm and multiplies every element by
 * min(1, max_norm / (norm + 1e-6)).  *total_norm (may be NULL) receives the
 * norm BEFORE clipping.  Returns A2C_OK, A2C_E_INVALID_ARG (NULL grads with
 * n > 0, max_norm negative or not finite) or A2C_E_NONFINITE (the norm is
 * NaN/inf; the gradients are left unchanged and *total_norm receives the
 * norm).  Never allocates.  Since 0.1. */
A2C_API a2c_status a2c_clip_grad_norm(float *grads, size_t n, double max_norm,
                                      double *total_norm);

/* ------------------------------------------------------------------------
 * a2c_env: the host's world as a table of callbacks
 * ------------------------------------------------------------------------
 *
 * One table stands for `num_envs` sub-environments (a game simulating many
 * agents fills in one table; a host with one world per object keeps an
 * array of them behind `user` and dispatches on `index`).  The library
 * steps all of them in lockstep, as SB3's DummyVecEnv does, and resets a
 * sub-environment in the same step its episode ends, keeping the final
 * observation for bootstrapping.
 *
 * Callbacks return 0 on success; any other value makes the calling
 * function fail with A2C_E_ENV.  They run on the caller's thread, never
 * concurrently, unless a version-3 table sets A2C_ENV_CONCURRENT_STEP.  An
 * observation or reward that is NaN or infinite makes it fail with
 * A2C_E_NONFINITE.
 */

#define A2C_ENV_V1 1u
#define A2C_ENV_V2 2u /* since 0.2: adds the state callbacks */
#define A2C_ENV_V3 3u /* since 0.2: adds flags */

/* Bits of a2c_env.flags (version 3). */
#define A2C_ENV_CONCURRENT_STEP 1u

/* Values of a2c_env.action_kind. */
typedef enum a2c_space_kind { A2C_SPACE_DISCRETE = 0, A2C_SPACE_BOX = 1 } a2c_space_kind;

/* Filled in by the host (or by a2c_env_make).  Version 1 fields: */
typedef struct a2c_env {
    uint32_t version;     /* A2C_ENV_V1 */
    uint32_t num_envs;    /* sub-environments behind this table, >= 1 */
    uint32_t obs_dim;     /* each observation is obs_dim floats */
    int32_t action_kind;  /* a2c_space_kind */
    uint32_t action_dim;  /* DISCRETE: number of actions; BOX: components */
    /* Gymnasium's TimeLimit: if > 0, an episode still running after this
     * many steps is reported truncated.  0: no limit from the library. */
    uint32_t max_episode_steps;
    /* Space bounds, obs_dim / action_dim floats each, or NULL for
     * unbounded.  Box actions are clipped to the action bounds before
     * `step`, as SB3 does. */
    const float *obs_low, *obs_high;
    const float *action_low, *action_high;
    void *user; /* passed back to every callback */
    /* Starts a new episode in sub-environment `index` (< num_envs) and
     * writes its first observation.  `seed` is a fresh 64-bit seed for this
     * episode's initial state: the library derives one per reset from its
     * own seed, so an environment needs no generator of its own. */
    int (*reset)(void *user, uint32_t index, uint64_t seed, float *obs);
    /* Advances sub-environment `index` by one step with `action`
     * (DISCRETE) or the action_dim floats at `box_action` (BOX; NULL for
     * DISCRETE).  Writes the next observation, the reward and the
     * Gymnasium flags (nonzero = true). */
    int (*step)(void *user, uint32_t index, int32_t action, const float *box_action, float *obs,
                double *reward, int *terminated, int *truncated);
    /* Optional (may be NULL): steps every sub-environment at once, with
     * arrays over num_envs (box_actions: num_envs x action_dim; obs:
     * num_envs x obs_dim).  When set, the library uses it instead of step. */
    int (*step_all)(void *user, const int32_t *actions, const float *box_actions, float *obs,
                    double *rewards, int *terminated, int *truncated);
    /* Optional (may be NULL): releases the host's resources; called by
     * a2c_env_close and never by anything else. */
    void (*close)(void *user);
    /* Version 2 fields (since 0.2), read only when version >=
     * A2C_ENV_V2.  Optional state callbacks for exact resume: when
     * state_size > 0 and both callbacks are set, a trainer checkpoint holds
     * every sub-environment's state, and a trainer that loads it continues
     * the episodes in flight, so a resumed run equals an uninterrupted one
     * bit for bit.  Without them (or with a version-1 table) a resumed
     * trainer starts new episodes, as in 0.1. */
    uint32_t state_size; /* bytes of one sub-environment's state */
    /* Writes sub-environment `index`'s state, exactly state_size bytes, to
     * `buf`.  The bytes may be loaded by another process on another
     * machine: write them in a fixed byte order. */
    int (*save_state)(void *user, uint32_t index, void *buf);
    /* Restores sub-environment `index` from state_size bytes written by
     * save_state (of a table with the same state_size).  Return nonzero
     * for bytes you cannot accept; the load then fails with A2C_E_ENV. */
    int (*load_state)(void *user, uint32_t index, const void *buf);
    /* Version 3 fields (since 0.2), read only when version >= A2C_ENV_V3.
     * A2C_ENV_CONCURRENT_STEP: `step` may be called for different
     * sub-environments at the same time, from the trainer's worker threads
     * (A2C_PARAM_N_THREADS > 1); it is never called twice at once for one
     * index, and every other callback still runs on the calling thread.
     * A trainer with more than one thread then steps the sub-environments
     * in chunks, one per thread, when that is faster than stepping them on
     * one thread (it measures both now and then; step_all, when set, is
     * used for the one-thread way).  Results do not change: each
     * sub-environment gets the same calls in the same order.  Other bits
     * must be 0. */
    uint32_t flags;
} a2c_env;

/* Creates a built-in environment: `id` is a Gymnasium id ("CartPole-v1";
 * see a2c_env_name).  The table and its state are one allocation, through
 * `alloc` (NULL: malloc); release it with a2c_env_close.  Built-ins use the
 * same vtable a host fills in.  Returns A2C_OK, A2C_E_INVALID_ARG (unknown
 * id, num_envs 0 or above 65536) or A2C_E_NOMEM.  Allocates.  Since 0.1. */
A2C_API a2c_status a2c_env_make(a2c_env **out, const char *id, uint32_t num_envs,
                                const a2c_allocator *alloc);

/* Calls env->close(env->user) if set; NULL is a no-op.  For a table from
 * a2c_env_make this frees it.  Since 0.1. */
A2C_API void a2c_env_close(a2c_env *env);

/* The id of built-in number `index` (0, 1, ...), NULL past the end.
 * Since 0.1. */
A2C_API const char *a2c_env_name(size_t index);

/* The reward threshold Gymnasium registers for a built-in (475 for
 * CartPole-v1): the usual "solved" mark for a 100-episode mean.  Returns
 * A2C_E_INVALID_ARG for an unknown id or one without a threshold.
 * Since 0.1. */
A2C_API a2c_status a2c_env_reward_threshold(const char *id, double *threshold);

/* ------------------------------------------------------------------------
 * a2c_rollout: n_steps x n_envs of experience, GAE and returns
 * ------------------------------------------------------------------------
 *
 * Buffers are laid out [n_steps][n_envs] (observations
 * [n_steps][n_envs][obs_dim]), as in SB3's RolloutBuffer.  The trainer
 * owns one; users who write their own loop can drive one directly.
 */

typedef struct a2c_rollout a2c_rollout;

/* Creates a rollout for n_steps x n_envs (from `cfg`) observations of
 * obs_dim floats.  Returns A2C_OK, A2C_E_INVALID_ARG or A2C_E_NOMEM.
 * Allocates.  Since 0.1. */
A2C_API a2c_status a2c_rollout_create(a2c_rollout **out, const a2c_config *cfg, size_t obs_dim);

/* Frees a rollout; NULL is a no-op.  Since 0.1. */
A2C_API void a2c_rollout_destroy(a2c_rollout *ro);

/* Empties the rollout (a new one starts at step 0).  Since 0.1. */
A2C_API a2c_status a2c_rollout_reset(a2c_rollout *ro);

/* Appends one step of n_envs entries: the observations the actions were
 * taken in, the actions, the rewards (already including gamma * V(final
 * observation) for time-limit truncations, as SB3 does), whether each
 * observation starts an episode (SB3's episode_starts: 1 after a reset),
 * the values and the log-probabilities.  Returns A2C_OK,
 * A2C_E_INVALID_ARG, A2C_E_STATE (already full) or A2C_E_NONFINITE.
 * Never allocates.  Since 0.1. */
A2C_API a2c_status a2c_rollout_add(a2c_rollout *ro, const float *obs, const int32_t *actions,
                                   const float *rewards, const float *episode_starts,
                                   const float *values, const float *log_probs);

/* SB3's compute_returns_and_advantage on a full rollout: GAE(gamma,
 * gae_lambda) from `cfg`, bootstrapping each env from last_values unless
 * `dones` (1 = the last step ended its episode), then returns = advantages
 * + values.  Returns A2C_OK, A2C_E_INVALID_ARG, A2C_E_STATE (not full) or
 * A2C_E_NONFINITE.  Never allocates.  Since 0.1. */
A2C_API a2c_status a2c_rollout_compute_gae(a2c_rollout *ro, const a2c_config *cfg,
                                           const float *last_values, const float *dones);

/* A rollout for continuous actions of action_dim components: as
 * a2c_rollout_create, with a2c_rollout_add_box to append steps (actions:
 * n_envs x action_dim floats, stored as sampled, before any clipping) and
 * a2c_rollout_box_actions to read them.  Since 0.2. */
A2C_API a2c_status a2c_rollout_create_box(a2c_rollout **out, const a2c_config *cfg,
                                          size_t obs_dim, size_t action_dim);
A2C_API a2c_status a2c_rollout_add_box(a2c_rollout *ro, const float *obs, const float *actions,
                                       const float *rewards, const float *episode_starts,
                                       const float *values, const float *log_probs);
/* n_steps x n_envs x action_dim floats; NULL for a discrete rollout.
 * Since 0.2. */
A2C_API const float *a2c_rollout_box_actions(const a2c_rollout *ro);

/* Read access to the buffers (n_steps x n_envs floats, observations
 * n_steps x n_envs x obs_dim), valid until destroy.  NULL for NULL.
 * Since 0.1. */
A2C_API const float *a2c_rollout_observations(const a2c_rollout *ro);
A2C_API const int32_t *a2c_rollout_actions(const a2c_rollout *ro);
A2C_API const float *a2c_rollout_rewards(const a2c_rollout *ro);
A2C_API const float *a2c_rollout_values(const a2c_rollout *ro);
A2C_API const float *a2c_rollout_advantages(const a2c_rollout *ro);
A2C_API const float *a2c_rollout_returns(const a2c_rollout *ro);
/* Steps added so far.  Since 0.1. */
A2C_API size_t a2c_rollout_size(const a2c_rollout *ro);

/* ------------------------------------------------------------------------
 * a2c_trainer: SB3's A2C.learn() loop
 * ------------------------------------------------------------------------
 *
 * Collects n_steps from each sub-environment with the current policy,
 * bootstraps (time-limit truncations from the value of the final
 * observation), computes GAE, then makes one gradient step: loss, backward,
 * clip to max_grad_norm, optimizer.  After every update a callback gets the
 * statistics below and may stop training.  Nothing is allocated per step
 * or per update.
 *
 * With A2C_PARAM_N_THREADS = N > 1, N - 1 helper threads share every pass
 * with the calling thread: forward passes by rows, the backward by rows
 * and by gradient entries, the optimizer by parameter ranges, the loss and
 * its sums by side (docs/api.md, "Threads").  No split changes an
 * operation or the order of a sum, so the results are the same, bit for
 * bit, for every N.  The helpers live only during a2c_trainer_learn; the
 * trainer times working alone and on every thread now and then and keeps
 * the faster, so a busy machine, or a net too small to share, falls back to
 * one thread.  Training and episode callbacks always run on the calling
 * thread, and so does every environment callback unless the table allows
 * concurrent steps (A2C_ENV_CONCURRENT_STEP).  Push-style trainers share
 * their passes the same way; their helpers start at the first
 * a2c_trainer_push_start, sleep between the host's calls and end in
 * a2c_trainer_destroy.  Platforms without threads use one thread.
 */

typedef struct a2c_trainer a2c_trainer;

/* Statistics after an update, owned by the library and valid during the
 * callback.  Fields are only ever appended; `size` is sizeof the struct
 * the library filled in, so a host can tell whether a newer field is
 * present (offsetof(field) < size). */
typedef struct a2c_train_stats {
    uint32_t size;
    uint32_t window_episodes;  /* episodes in the mean below, <= 100 */
    uint64_t timesteps;        /* env steps so far, all sub-envs (SB3 num_timesteps) */
    uint64_t episodes;         /* finished training episodes */
    uint64_t updates;          /* gradient steps */
    double mean_return;        /* over the last 100 episodes; NaN before the first */
    double mean_length;        /* likewise */
    double policy_loss, value_loss, entropy_loss, total_loss;
    double explained_variance; /* of the values for the returns; NaN if var(returns) = 0 */
    double grad_norm;          /* before clipping */
    double learning_rate;      /* used in this update */
    double steps_per_second;   /* env steps per wall-clock second since learn began */
    double elapsed_seconds;    /* wall clock since learn began */
    /* Since 0.2: training health, measured on the update's batch at a cost
     * of a few percent of an update (docs/monitor.md defines each). */
    double entropy;            /* mean policy entropy, nats (-entropy_loss) */
    double entropy_fraction;   /* DISCRETE: entropy / log(n_actions); BOX: geometric-mean
                                  std over exp(log_std_init) */
    double approx_kl;          /* mean of (r - 1) - log r, r = pi_new(a) / pi_old(a), over
                                  up to 8 rows of the batch spread evenly */
    double actor_grad_norm;    /* actor side of grad_norm (shared trunk: action head and
                                  log_std only) */
    double critic_grad_norm;   /* critic side (shared trunk: the value head only) */
    double value_loss_ratio;   /* value_loss / var(returns); NaN if var(returns) = 0 */
    double return_mean;        /* mean of the batch's returns (GAE advantages + values) */
    double return_std;         /* their standard deviation */
    double advantage_mean;     /* of the batch's GAE advantages, before any normalisation */
    double advantage_std;
    double actor_saturation;   /* tanh: fraction of the actor trunk's activations with
                                  |h| > 0.99; ReLU: fraction of units 0 on every row */
    double critic_saturation;  /* likewise for the critic trunk (shared: the same) */
    double update_ratio;       /* ||params after - before|| / ||params before|| (summed in
                                  float: ~1e-7 relative); 0 when rolled back */
    double value_loss_jump;    /* what the step added to the mean squared value error of
                                  the rows approx_kl uses, over their mean squared
                                  return: above 1, the step made the critic worse than
                                  predicting 0; NaN unless the guard tests for jumps */
    /* Since 0.2: the divergence guard */
    double lr_scale;           /* factor the guard applies to the schedule's rate */
    uint64_t rollbacks;        /* rollbacks so far */
    uint32_t rollback;         /* a2c_rollback_reason of this report, 0 = an applied update */
    uint32_t reserved0;
} a2c_train_stats;

/* Why the divergence guard undid an update (a2c_train_stats.rollback).
 * Since 0.2. */
typedef enum a2c_rollback_reason {
    A2C_ROLLBACK_NONE = 0,
    A2C_ROLLBACK_NONFINITE_LOSS = 1,   /* the loss or its gradient is NaN or infinite */
    A2C_ROLLBACK_NONFINITE_UPDATE = 2, /* the step made a parameter or state non-finite */
    A2C_ROLLBACK_LOSS_JUMP = 3         /* value_loss_jump > A2C_PARAM_ROLLBACK_LOSS_JUMP */
} a2c_rollback_reason;

/* "nonfinite_loss", "nonfinite_update", "loss_jump"; "none" for 0; NULL
 * for an unknown value.  Since 0.2. */
A2C_API const char *a2c_rollback_reason_name(uint32_t reason);

/* Called after every update; return nonzero to stop training (learn then
 * returns A2C_OK). */
typedef int (*a2c_train_callback)(const a2c_train_stats *stats, void *user);

/* Creates a trainer for `env` (which must outlive it and is not closed by
 * it), copying `cfg`.  The number of parallel environments is
 * env->num_envs.  DISCRETE action spaces since 0.1, BOX since 0.2 (a
 * Gaussian or gSDE policy, A2C_PARAM_USE_SDE; actions are clipped to the
 * env's bounds only on their way to `step`).
 * Returns A2C_OK, A2C_E_INVALID_ARG or A2C_E_NOMEM.  Allocates everything
 * training will need.  Since 0.1. */
A2C_API a2c_status a2c_trainer_create(a2c_trainer **out, const a2c_config *cfg, const a2c_env *env);

/* Frees a trainer (not its env); NULL is a no-op.  Since 0.1. */
A2C_API void a2c_trainer_destroy(a2c_trainer *tr);

/* Trains until `total_timesteps` env steps have been taken in all (counting
 * from the trainer's start, so after a resumed checkpoint it continues
 * where it stopped), or the callback asks to stop.  The learning-rate
 * schedule's progress_remaining is 1 - timesteps / total_timesteps.
 * `callback` may be NULL.  Returns A2C_OK, A2C_E_INVALID_ARG,
 * A2C_E_ENV (a callback failed), A2C_E_NONFINITE (the environment gave
 * NaN/inf, or the loss diverged: an update that would make a parameter or
 * the optimizer state non-finite is undone, so the net keeps the last good
 * parameters; with the divergence guard below, only once its rollbacks are
 * spent), A2C_E_STATE (a push trainer; called from inside this trainer's own
 * callbacks, or another rollout would take the trainer past 2^53 env
 * steps, its limit); after an error the envs are reset at the next call.
 * Never allocates.
 *
 * Re-entrancy: while learn runs, the environment callbacks may not call
 * a2c_trainer_learn or a2c_trainer_load* on this trainer, nor act,
 * forward, backward, set parameters or evaluate with its net (all give
 * A2C_E_STATE).  The training callback (between updates) may act with
 * and evaluate the net and save the trainer; it may not call learn or
 * load (A2C_E_STATE).  No callback may destroy the trainer.  Since 0.1. */
A2C_API a2c_status a2c_trainer_learn(a2c_trainer *tr, uint64_t total_timesteps,
                                     a2c_train_callback callback, void *user);

/* ---- divergence guard, since 0.2 ----
 *
 * With A2C_PARAM_MAX_ROLLBACKS > 0 a diverging update does not end
 * training.  The trainer rolls back when the loss or its gradient is not
 * finite (to the parameters before the last applied update, the last
 * whose loss was finite), when the optimizer step would make a parameter
 * non-finite, or when the step made the critic's squared error on its own
 * batch grow by more than A2C_PARAM_ROLLBACK_LOSS_JUMP times the batch's
 * mean squared return (stats.value_loss_jump; 0 turns this test off) (in
 * both, to the parameters before the step).  The rollout is dropped, the learning rate is
 * multiplied by A2C_PARAM_ROLLBACK_LR_FACTOR from then on, and training
 * goes on.  The callback reports each rollback (stats.rollback
 * says why, with the rejected update's losses); stats.rollbacks and
 * stats.lr_scale say how many and the rate's factor, and both are saved in
 * trainer checkpoints.  After MAX_ROLLBACKS rollbacks the next one ends
 * learn with A2C_E_NONFINITE, the parameters rolled back, finite and
 * savable.  With the guard off (0, SB3's behaviour) a non-finite loss
 * ends learn at once with the parameters of the update before. */

/* Called once for every training episode that ends, on the thread that
 * called learn or push_step, before the update callback of its rollout.
 * Since 0.2. */
typedef struct a2c_episode_info {
    uint32_t size;          /* sizeof the struct the library filled in */
    uint32_t env_index;     /* which sub-environment */
    uint64_t timesteps;     /* env steps so far, all sub-environments */
    double episode_return;  /* the sum of the environment's own rewards (before any
                               normalisation), as SB3's Monitor records it */
    uint64_t length;        /* steps of the episode */
    int32_t truncated;      /* 1 if a time limit ended it */
    uint32_t reserved0;
} a2c_episode_info;

typedef void (*a2c_episode_callback)(const a2c_episode_info *episode, void *user);

/* Installs (or with NULL removes) the episode callback of a trainer.  It
 * may not call into this trainer.  Returns A2C_OK, A2C_E_INVALID_ARG or
 * A2C_E_STATE (inside this trainer's callbacks).  Since 0.2. */
A2C_API a2c_status a2c_trainer_set_episode_callback(a2c_trainer *tr,
                                                    a2c_episode_callback callback, void *user);

/* ---- data-parallel training: the gradient reducer, since 0.2 ----
 *
 * Several workers (processes, machines) can train one policy: each runs its
 * own trainer on its own environments, all start from the same parameters
 * (copy them with a2c_net_get_params / a2c_net_set_params before learning),
 * and at every update each worker's gradient is replaced by the mean over
 * the workers before it is clipped.  The optimizer then takes the same step
 * everywhere, so the workers' parameters stay equal.  The reducer is the
 * host's: liba2c_mpi (a2c/a2c_mpi.h) installs one over MPI_Allreduce, and
 * any other transport plugs in the same way.
 *
 * The reducer is called once per update, on the thread that called learn
 * or push_step, after the backward pass and before clipping, with:
 *   grads   the flat gradient of this worker's batch (n_grads floats, the
 *           net's parameter count, in a2c_net_params' order);
 *   stats   n_stats doubles of this worker's update statistics, indexed by
 *           a2c_reduce_stat (more may be appended in later versions).
 * It must replace every value of both arrays by its mean over the workers,
 * and every worker must get the same bits back (for parameters that stay
 * bit-identical).  It is called at every update of every worker, even when
 * this worker's loss is not finite (its gradient then holds NaN, so that
 * every worker sees the same non-finite mean and takes the same path of the
 * divergence guard).  Return 0, or nonzero to fail the update: learn or
 * push_step then returns A2C_E_ENV with nothing applied.  The statistics
 * callback then reports the reduced losses.
 *
 * With the divergence guard's loss-jump test on (A2C_PARAM_MAX_ROLLBACKS
 * > 0 and A2C_PARAM_ROLLBACK_LOSS_JUMP > 0), a second call follows each
 * optimizer step, with grads NULL, n_grads 0 and one statistic, the
 * step's value_loss_jump measured on this worker's batch: the mean
 * decides the rollback on every worker alike. */
typedef enum a2c_reduce_stat {
    A2C_REDUCE_POLICY_LOSS = 0,
    A2C_REDUCE_VALUE_LOSS = 1,
    A2C_REDUCE_ENTROPY_LOSS = 2,
    A2C_REDUCE_STATS = 3 /* how many this version passes */
} a2c_reduce_stat;

typedef int (*a2c_reduce_callback)(float *grads, size_t n_grads, double *stats, size_t n_stats,
                                   void *user);

/* What else a trainer's reducer reduces (a2c_trainer_set_reducer_flags). */
typedef enum a2c_reduce_flag {
    /* VecNormalize's observation statistics (A2C_PARAM_NORM_OBS): instead
     * of taking each step's observations as they come, the statistics
     * take, once per update, the observations of every worker.  A third
     * call per update, after the others, passes grads NULL, n_grads 0 and
     * n_stats = 2 * obs_dim + 1 statistics: this worker's first moments
     * about the current means (obs_dim), its second moments about them
     * (obs_dim) and its number of observations since the last update.
     * Their means over the workers describe one batch of all workers'
     * observations, each worker's weighing alike, which every worker
     * merges into its statistics as a batch of the mean count.  Workers
     * whose statistics start equal keep them equal, bit for bit.  With
     * one worker this only defers the statistics' updates to once per
     * update, so it is for several. */
    A2C_REDUCE_OBS_NORM = 1
} a2c_reduce_flag;

/* Installs (or with NULL removes) the reducer of a trainer.  It may not
 * call into this trainer.  Returns A2C_OK, A2C_E_INVALID_ARG or
 * A2C_E_STATE (inside this trainer's callbacks).  Since 0.2. */
A2C_API a2c_status a2c_trainer_set_reducer(a2c_trainer *tr, a2c_reduce_callback reduce,
                                           void *user);

/* Sets what else the reducer reduces: a combination of a2c_reduce_flag
 * (0, the default: only the gradient and the losses).  A flag takes effect
 * with a reducer installed; observations this worker had gathered for the
 * next update are dropped.  Returns A2C_OK, A2C_E_INVALID_ARG (NULL, or a
 * bit no flag names) or A2C_E_STATE (inside this trainer's callbacks).
 * Since 0.2. */
A2C_API a2c_status a2c_trainer_set_reducer_flags(a2c_trainer *tr, uint32_t flags);

/* ---- push-style training: the host owns the loop, since 0.2 ----
 *
 * A game engine steps its world from its own frame loop (Unity's
 * FixedUpdate, Godot's _physics_process) and cannot hand control to
 * a2c_trainer_learn.  A push trainer gives it the same training one step
 * at a time: the host asks for actions for the current observations of its
 * num_envs sub-environments, applies them, resets the sub-environments
 * whose episodes ended, and reports what happened; when n_steps steps are
 * in, the trainer updates (GAE, the time-limit bootstrap from the final
 * observations, the schedules' progress), exactly as a2c_trainer_learn
 * does: on the same env with the same seeds the two give the same
 * parameters, bit for bit.  See examples/game_loop.c.
 *
 *   a2c_trainer_create_push(&tr, cfg, &shape);
 *   a2c_trainer_push_start(tr, first_obs);
 *   every frame:
 *       a2c_trainer_push_act(tr, actions, NULL);
 *       ... step each sub-environment, reset those that ended ...
 *       a2c_trainer_push_step(tr, rewards, terminated, truncated, obs,
 *                             final_obs, planned_total, on_update, user);
 *
 * From the first push_act of a rollout to its update the trainer's net is
 * locked (its cached rows are the rollout's; acting with it then gives
 * A2C_E_STATE): act with it from the update callback, after the push_step
 * that completed a rollout, or use a separate net (a2c_net_load of a
 * save).  push_start drops a rollout in flight.  The host applies its own
 * time limits (max_episode_steps of the shape is not used). */

/* Creates a push trainer: `shape` is an a2c_env table whose version,
 * num_envs, obs_dim, action_kind, action_dim and action bounds are copied
 * (it may be a temporary); its callbacks may be NULL and are never called.
 * Otherwise as a2c_trainer_create.  Allocates.  Since 0.2. */
A2C_API a2c_status a2c_trainer_create_push(a2c_trainer **out, const a2c_config *cfg,
                                           const a2c_env *shape);

/* Starts (or restarts) the loop with the first observations of every
 * sub-environment (num_envs x obs_dim), each at the start of an episode.
 * Returns A2C_OK, A2C_E_INVALID_ARG, A2C_E_NONFINITE or A2C_E_STATE (not a
 * push trainer; inside its callback).  Never allocates.  Since 0.2. */
A2C_API a2c_status a2c_trainer_push_start(a2c_trainer *tr, const float *obs);

/* Chooses the actions for the current observations: num_envs ints in
 * `actions` (DISCRETE) or num_envs x action_dim floats in `box_actions`
 * (BOX, clipped to the bounds; the trainer keeps the unclipped sample).
 * The other pointer may be NULL.  A2C_E_STATE before push_start or twice
 * without a push_step.  Never allocates.  Since 0.2. */
A2C_API a2c_status a2c_trainer_push_act(a2c_trainer *tr, int32_t *actions, float *box_actions);

/* Reports the step the last actions made: per sub-environment the
 * reward, Gymnasium's flags (nonzero = true), the next observation (for a
 * sub-environment whose episode ended, the first of its new episode: reset
 * it before calling) and, in `final_obs`, the last observation of each
 * episode that ended (num_envs x obs_dim; rows of the others are not read;
 * NULL is allowed when no episode was truncated).  `total_timesteps` is
 * the planned length of training, for the schedules' progress (1 -
 * timesteps / total, as a2c_trainer_learn's argument).  When the rollout is
 * full, trains and calls `callback` (may be NULL; its return value is
 * ignored: the host stops by not calling again).  Returns A2C_OK,
 * A2C_E_INVALID_ARG or A2C_E_NONFINITE for refused data (a NULL, a NaN or
 * infinite reward or observation, a truncation without final_obs: nothing
 * changes, and the call may be repeated with corrected data),
 * A2C_E_NONFINITE for a diverged update, A2C_E_STATE (no actions pending;
 * past 2^53 steps).  After a failure other than refused data the rollout
 * in flight is dropped: call push_start again.  Never allocates.
 * Since 0.2. */
A2C_API a2c_status a2c_trainer_push_step(a2c_trainer *tr, const double *rewards,
                                         const int *terminated, const int *truncated,
                                         const float *next_obs, const float *final_obs,
                                         uint64_t total_timesteps, a2c_train_callback callback,
                                         void *user);

/* The trainer's network (owned by the trainer), for acting or saving.
 * Since 0.1. */
A2C_API a2c_net *a2c_trainer_net(a2c_trainer *tr);

/* Env steps taken so far.  Since 0.1. */
A2C_API uint64_t a2c_trainer_timesteps(const a2c_trainer *tr);

/* ------------------------------------------------------------------------
 * Checkpoints
 * ------------------------------------------------------------------------
 *
 * A versioned little-endian binary format with a magic number and a CRC-32
 * (docs/checkpoint-format.md).  A net checkpoint holds what acting needs:
 * the hyperparameters, the architecture and the parameters.  A trainer
 * checkpoint adds what resuming needs: optimizer state, generator states
 * and progress.  Loading checks every size and the checksum; truncated or
 * corrupt input gives A2C_E_FORMAT, never a crash.  A round trip is
 * bit-exact.  Buffers: ask for the size first, then save into a buffer at
 * least that large.  Since 0.2 the saves write format version 2 (a table of
 * typed sections); the loads read it and version 1, written by 0.1.
 *
 * Since 0.2 every save also returns A2C_E_NONFINITE, writing nothing, if a
 * parameter (which a host can reach through a2c_net_params) or the
 * optimizer state is NaN or infinite; every load checks all sizes against
 * the bytes present before allocating, so a crafted file costs memory in
 * proportion to its own size, and checks counters and optimizer state for
 * values a trainer cannot reach (A2C_E_FORMAT).  A net loaded from a
 * checkpoint keeps the saved max_batch only up to a workspace twice the
 * size of its parameters (a2c_net_max_batch tells); a2c_net_act runs any
 * batch regardless.  Loading into a trainer from inside its own learn
 * callbacks returns A2C_E_STATE.
 */

/* Writes the exact size of the net checkpoint a2c_net_save_to_buffer would
 * write to *size.  Returns A2C_OK or A2C_E_INVALID_ARG (NULL).  Never
 * allocates.  Since 0.1. */
A2C_API a2c_status a2c_net_save_size(const a2c_net *net, size_t *size);
/* Writes a net checkpoint into `buf` (capacity `cap`); *written (may be
 * NULL) receives its size.  Returns A2C_OK or A2C_E_INVALID_ARG (NULL, or
 * cap below a2c_net_save_size; nothing is written then).  Never allocates.
 * Since 0.1. */
A2C_API a2c_status a2c_net_save_to_buffer(const a2c_net *net, void *buf, size_t cap,
                                          size_t *written);
/* Writes a net checkpoint to the file `path`, through a new temporary file
 * ".NAME.tmp-*" in the same directory that is renamed over `path`, so
 * `path` holds the old checkpoint or the new one, never part of one.  On
 * POSIX systems the file is flushed to disk before A2C_OK, and a `path`
 * that exists but is not a regular file (a symbolic link, a directory, a
 * device, a FIFO) is refused with A2C_E_IO and left alone.  The temporary
 * is removed on failure; a process killed mid-save may leave it behind.
 * Returns A2C_OK, A2C_E_INVALID_ARG (NULL or empty path), A2C_E_IO (cannot
 * write; the last-error message names the path and the reason, errno is
 * left as the failing call set it) or A2C_E_NOMEM.  Allocates a buffer of
 * the checkpoint's size through the net's allocator and frees it.  See
 * docs/checkpoint-format.md, "Writing", for what each platform
 * guarantees.  Since 0.1. */
A2C_API a2c_status a2c_net_save(const a2c_net *net, const char *path);
/* Creates a net (*out, owned by the caller: a2c_net_destroy) from a net or
 * trainer checkpoint in `buf` (`size` bytes, only read), allocating through
 * `alloc` (NULL: malloc).  Returns A2C_OK, A2C_E_INVALID_ARG (NULL, bad
 * allocator), A2C_E_FORMAT (truncated, corrupt or unsupported data) or
 * A2C_E_NOMEM; *out is NULL on failure.  Allocates.  Since 0.1. */
A2C_API a2c_status a2c_net_load_from_buffer(a2c_net **out, const void *buf, size_t size,
                                            const a2c_allocator *alloc);
/* The same from the file `path`; also A2C_E_IO if it cannot be read, or
 * is not a regular file (a directory, a device, a FIFO).  Its 24-byte
 * header is checked before the rest is read, so a file that is not a
 * checkpoint, or is larger than any (2 GiB), is refused with A2C_E_FORMAT
 * without reading it whole.  Reads the file into a temporary buffer
 * through `alloc`.  Since 0.1. */
A2C_API a2c_status a2c_net_load(a2c_net **out, const char *path, const a2c_allocator *alloc);

/* Trainer checkpoints: the net checkpoint plus optimizer state, generator
 * states and progress, and since 0.2 the reward normaliser and the
 * episodes in flight (calling env->save_state for each sub-environment:
 * A2C_E_ENV if one fails; a buffer is then left without a valid
 * checkpoint, a file is not written).  Size query, buffer and file writers
 * as for nets (same statuses, same allocation); a2c_trainer_save writes
 * through a temporary file and refuses the same targets as a2c_net_save.
 * Since 0.1. */
A2C_API a2c_status a2c_trainer_save_size(const a2c_trainer *tr, size_t *size);
A2C_API a2c_status a2c_trainer_save_to_buffer(const a2c_trainer *tr, void *buf, size_t cap,
                                              size_t *written);
A2C_API a2c_status a2c_trainer_save(const a2c_trainer *tr, const char *path);
/* Restores a trainer checkpoint into a trainer created with the same
 * architecture and optimizer: parameters, optimizer state, generators and
 * progress.  Hyperparameters stay those the trainer was created with.
 * Since 0.2 the checkpoint also holds the normaliser's statistics and the
 * episodes in flight: if the trainer's env has the same shape and saves
 * its state (version-2 table with state callbacks, as every built-in),
 * the next learn continues those episodes, so training to N steps, saving
 * and resuming to M gives bit for bit the trainer of one run to M (with a
 * constant learning rate; a linear schedule depends on the planned total,
 * so pass the same total to every learn).  Otherwise the environments
 * start new episodes at the next learn, as in 0.1; A2C_E_ENV if
 * env->load_state refused a state (the rest is loaded, and new episodes
 * start).  Returns A2C_OK,
 * A2C_E_INVALID_ARG (NULL, or another architecture or optimizer),
 * A2C_E_FORMAT (truncated, corrupt, a net-only checkpoint: the message says
 * so) or A2C_E_NOMEM;
 * the file variant also A2C_E_IO (unreadable, or not a regular file) and,
 * as a2c_net_load, checks the header before reading the rest.  The trainer
 * is unchanged on failure.  Allocates temporary memory through the
 * trainer's allocator and frees it.  Since 0.1. */
A2C_API a2c_status a2c_trainer_load_from_buffer(a2c_trainer *tr, const void *buf, size_t size);
A2C_API a2c_status a2c_trainer_load(a2c_trainer *tr, const char *path);

/* ------------------------------------------------------------------------
 * Exporting a policy as C source, since 0.2
 * ------------------------------------------------------------------------
 *
 * Writes the greedy policy of a net as one C99 source file that needs
 * neither liba2c nor any header, not even the C library's: the actor's
 * weights and biases as `static const float` arrays (hexadecimal
 * literals, so every value is exact), the observation normaliser's means
 * and standard deviations as `static const double`, a BOX net's action
 * bounds, and the forward pass in the same float operations, in the same
 * order, as a2c_net_forward.  The critic is left out.  With `prefix` "p"
 * the file defines
 *   void p_forward(const float *obs, float *out);  the action head's
 *        outputs: the logits, or a BOX net's means before clipping
 *   int  p_act(const float *obs);                  DISCRETE: the greedy
 *        action, a2c_net_act's with deterministic set
 *   void p_act_box(const float *obs, float *action); BOX: the mean clipped
 *        to the action bounds, a2c_net_act_box's with deterministic set
 * and the macros P_OBS_DIM and P_ACTION_DIM (the prefix in capitals).
 * Nothing in the file allocates or writes anything but the caller's
 * arrays.  Compiled without fused multiply-add contraction and with float
 * arithmetic done in float (FLT_EVAL_METHOD 0), its outputs equal the
 * library's bit for bit; docs/export.md says more.  The text depends only
 * on the net and the prefix, so exporting twice gives the same bytes.
 *
 * `prefix` names every symbol of the file; NULL gives "a2c_policy".  It
 * must be a C identifier of 1..32 characters that does not start with an
 * underscore.  Every export returns A2C_E_INVALID_ARG for a NULL net or a
 * bad prefix, and A2C_E_NONFINITE, writing nothing, if a parameter is NaN
 * or infinite (as the saves do).
 */

/* Writes the size of the source text a2c_net_export_c_to_buffer would
 * write, plus one for its terminating NUL, to *size.  Returns A2C_OK,
 * A2C_E_INVALID_ARG, A2C_E_NONFINITE or A2C_E_NOMEM (the text would not
 * fit in a size_t).  Never allocates.  Since 0.2. */
A2C_API a2c_status a2c_net_export_c_size(const a2c_net *net, const char *prefix, size_t *size);
/* Writes the source text and a terminating NUL into `buf` (capacity
 * `cap`); *written (may be NULL) receives the text's length without the
 * NUL.  Returns A2C_OK, A2C_E_INVALID_ARG (also NULL buf, or cap below
 * a2c_net_export_c_size; nothing is written then), A2C_E_NONFINITE or
 * A2C_E_NOMEM.  Never allocates.  Since 0.2. */
A2C_API a2c_status a2c_net_export_c_to_buffer(const a2c_net *net, const char *prefix, char *buf,
                                              size_t cap, size_t *written);
/* Writes the source text (without a NUL) to the file `path` as
 * a2c_net_save writes a checkpoint: through a temporary file renamed over
 * `path`, refusing a `path` that is not a regular file.  Returns A2C_OK,
 * A2C_E_INVALID_ARG (also a NULL or empty path), A2C_E_NONFINITE,
 * A2C_E_IO or A2C_E_NOMEM.  Allocates a buffer of the text's size through
 * the net's allocator and frees it.  Since 0.2. */
A2C_API a2c_status a2c_net_export_c(const a2c_net *net, const char *path, const char *prefix);

/* ------------------------------------------------------------------------
 * Training-health monitor, since 0.2 (docs/monitor.md)
 * ------------------------------------------------------------------------
 *
 * Turns the statistics of successive updates into named conditions, the
 * known ways an A2C run goes wrong.  Feed it every a2c_train_stats the
 * training callback receives; it smooths each signal over recent updates
 * and raises a condition when its test has held for long enough, so one
 * noisy update raises nothing.  It reads nothing but the statistics, so it
 * works the same for a2c_trainer_learn, push trainers and bindings.
 * Conditions are bits of a mask: 1u << (code - 1). */

typedef enum a2c_condition {
    A2C_COND_VALUE_LOSS_EXPLODING = 1, /* critic error far beyond the returns' spread */
    A2C_COND_ACTOR_GRAD_VANISHING = 2, /* the actor's gradient has all but gone */
    A2C_COND_ACTOR_GRAD_EXPLODING = 3, /* the actor's gradient is far beyond the clip */
    A2C_COND_ENTROPY_COLLAPSED = 4,    /* the policy became (nearly) deterministic */
    A2C_COND_CRITIC_NOT_LEARNING = 5,  /* explained variance stuck at or below 0 */
    A2C_COND_POLICY_THRASHING = 6,     /* each update moves the policy a lot (KL) */
    A2C_COND_SATURATED_UNITS = 7       /* most tanh units saturated (or ReLUs dead) */
} a2c_condition;

/* Number of condition codes (1..A2C_CONDITION_COUNT).  Later versions may
 * add codes; a host should treat unknown ones generically. */
#define A2C_CONDITION_COUNT 7u

typedef struct a2c_monitor a2c_monitor;

/* Creates a monitor.  `cfg` (may be NULL for the defaults) gives the
 * allocator and the max_grad_norm the gradient tests compare with.
 * Returns A2C_OK, A2C_E_INVALID_ARG or A2C_E_NOMEM.  Since 0.2. */
A2C_API a2c_status a2c_monitor_create(a2c_monitor **out, const a2c_config *cfg);

/* Frees a monitor; NULL is a no-op.  Since 0.2. */
A2C_API void a2c_monitor_destroy(a2c_monitor *m);

/* Takes one update's statistics (stats->size must cover the 0.2 fields).
 * Writes the conditions active after it to *active and those active now
 * for the first time in this monitor's life to *raised (either may be
 * NULL).  A report of a rollback (stats->rollback != 0) changes nothing
 * but is accepted.  Returns A2C_OK or A2C_E_INVALID_ARG.  Never
 * allocates.  Since 0.2. */
A2C_API a2c_status a2c_monitor_update(a2c_monitor *m, const a2c_train_stats *stats,
                                      uint32_t *active, uint32_t *raised);

/* Conditions active now, as a mask; 0 for NULL.  Since 0.2. */
A2C_API uint32_t a2c_monitor_active(const a2c_monitor *m);

/* The update count (stats->updates) and timestep at which `code` was
 * first raised.  Returns A2C_OK, A2C_E_INVALID_ARG, or A2C_E_STATE if it
 * never was.  Since 0.2. */
A2C_API a2c_status a2c_monitor_first_raised(const a2c_monitor *m, int code, uint64_t *update,
                                            uint64_t *timestep);

/* Forgets everything, as a new monitor.  Since 0.2. */
A2C_API void a2c_monitor_reset(a2c_monitor *m);

/* A condition's short name ("entropy_collapsed"), one-line explanation,
 * and usual remedies (one line, "; " between them), static strings; NULL
 * for an unknown code.  Since 0.2. */
A2C_API const char *a2c_condition_name(int code);
A2C_API const char *a2c_condition_explanation(int code);
A2C_API const char *a2c_condition_remedies(int code);

/* ------------------------------------------------------------------------
 * Evaluation
 * ------------------------------------------------------------------------ */

/* Runs `n_episodes` episodes of `net` in `env` (spread over its
 * sub-environments as SB3's evaluate_policy does) with greedy actions if
 * `deterministic`, else sampled ones, all drawn from `seed` (the net's own
 * generator is not touched).  Writes the mean and standard deviation of the
 * episode returns (either may be NULL) and, if `returns` is not NULL, each
 * episode's return.  An episode the environment does not end within
 * env->max_episode_steps steps is truncated there; without that limit
 * (max_episode_steps 0), after A2C_EVAL_STEP_CAP steps, so evaluation
 * always returns.  Returns A2C_OK, A2C_E_INVALID_ARG, A2C_E_NOMEM,
 * A2C_E_ENV, A2C_E_NONFINITE, or A2C_E_STATE if the net belongs to a
 * trainer that is collecting (a call from an environment callback during
 * a2c_trainer_learn; the training callback may evaluate).  Allocates a
 * small workspace through the net's allocator and frees it; the net's
 * cached forward pass is overwritten.  Since 0.1; the step cap since
 * 0.2. */
A2C_API a2c_status a2c_evaluate(a2c_net *net, const a2c_env *env, uint32_t n_episodes,
                                int deterministic, uint64_t seed, double *mean, double *std,
                                double *returns);

/* Episode length at which a2c_evaluate cuts an episode of an environment
 * without max_episode_steps.  Since 0.2. */
#define A2C_EVAL_STEP_CAP 1000000u

/* a2c_evaluate with an explicit cap: an episode still running after
 * `max_episode_steps` steps (if > 0) is truncated there, as a TimeLimit
 * would; env->max_episode_steps still applies too.  With 0 it behaves as
 * a2c_evaluate.  Since 0.2. */
A2C_API a2c_status a2c_evaluate_capped(a2c_net *net, const a2c_env *env, uint32_t n_episodes,
                                       int deterministic, uint64_t seed,
                                       uint64_t max_episode_steps, double *mean, double *std,
                                       double *returns);

#ifdef __cplusplus
}
#endif

#endif /* A2C_A2C_H */
