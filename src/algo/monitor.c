/* a2c_monitor: the training-health monitor.
 *
 * Each condition watches one or two smoothed signals of a2c_train_stats.
 * Smoothing is an exponential average over about SMOOTH updates (of the
 * logarithm for signals that span orders of magnitude: gradient norms,
 * the value error, KL), so a single odd batch moves nothing.  A condition
 * becomes active when its test has held on HOLD consecutive updates after
 * the first WARMUP updates (the first updates of every run are a transient:
 * the critic starts at zero), and inactive when the test fails again.
 * The thresholds and their reasons are in docs/monitor.md, with the runs
 * that measured them (bench/monitor_eval.c). */
#include "common/common.h"
#include "common/config.h"
#include "common/error.h"

#include <math.h>
#include <string.h>

#define SMOOTH 20.0
#define WARMUP 50
#define HOLD 50

/* The thresholds.  docs/monitor.md gives the runs that set each: the
 * smoothed signal of 25 healthy CartPole runs against runs broken on
 * purpose, with the margin on both sides. */
#define CRITIC_CLIP_HIGH 3000.0  /* critic gradient norm over max_grad_norm */
#define VALUE_ERROR_HIGH 0.7     /* value loss over the mean squared return */
#define ACTOR_GRAD_LOW 1e-3      /* actor gradient norm over the advantages' rms */
#define ACTOR_GRAD_HIGH 100.0    /* actor gradient norm over max_grad_norm */
#define ENTROPY_LOW 0.02         /* entropy_fraction */
#define EV_LOW 0.05              /* explained variance */
#define KL_HIGH 0.01             /* approx_kl per update */
#define SATURATION_HIGH 0.6      /* fraction of saturated units */

enum {
    SIG_VALUE_ERROR, /* log10 of value loss / mean(returns^2) */
    SIG_CRITIC_GRAD, /* log10 */
    SIG_ACTOR_GRAD,  /* log10 */
    SIG_ACTOR_GAIN,  /* log10 of actor gradient norm / rms of the advantages */
    SIG_ENTROPY,
    SIG_EV,
    SIG_KL, /* log10 */
    SIG_SATURATION,
    SIG_COUNT
};

struct a2c_monitor {
    a2c_allocator alloc;
    double max_grad_norm;
    int normalize_advantage; /* the policy loss sees advantages of rms 1 */
    uint64_t seen;                     /* updates taken (rollbacks not counted) */
    double sig[SIG_COUNT];             /* smoothed signals */
    int have[SIG_COUNT];               /* whether a finite value has come */
    uint32_t held[A2C_CONDITION_COUNT];  /* consecutive updates the test held */
    uint32_t active, ever;
    uint64_t first_update[A2C_CONDITION_COUNT], first_step[A2C_CONDITION_COUNT];
};

typedef struct condition_text {
    const char *name, *explanation, *remedies;
} condition_text;

static const condition_text texts[A2C_CONDITION_COUNT] = {
    {"value_loss_exploding",
     "the critic's gradient is over 3000 times max_grad_norm: the value loss is so large that "
     "clipping throws nearly all of every update away",
     "normalise rewards (normalize: dict(norm_reward=True)) or scale them down; lower the "
     "learning rate; lower vf_coef; use the Huber value loss"},
    {"actor_grad_vanishing",
     "the actor's gradient has all but vanished: the policy has stopped changing",
     "raise ent_coef; lower the learning rate (saturated units pass no gradient); normalise "
     "observations"},
    {"actor_grad_exploding",
     "the actor's gradient is far beyond max_grad_norm: clipping discards almost all of it",
     "normalise observations and rewards; normalize_advantage; lower the learning rate"},
    {"entropy_collapsed",
     "the policy has become almost deterministic and no longer explores; if its return is "
     "still poor, it stopped exploring too early",
     "if the return is poor: raise ent_coef (for example 0.01); lower the learning rate; a "
     "wider network"},
    {"critic_not_learning",
     "the critic's values are no better than predicting 0 and explain none of the variance of "
     "the returns: the advantages are mostly noise",
     "check vf_coef (it must be > 0); raise the learning rate or vf_coef; normalise rewards; "
     "a separate critic network"},
    {"policy_thrashing",
     "each update moves the policy far (large KL divergence between successive policies)",
     "lower the learning rate; clip gradients harder (max_grad_norm); more n_steps or n_envs "
     "per update"},
    {"saturated_units",
     "most hidden units are saturated (tanh near +-1) or dead (ReLU always 0): they pass almost "
     "no gradient",
     "normalise observations; lower the learning rate; orthogonal initialisation (ortho_init)"},
};

A2C_API const char *a2c_condition_name(int code)
{
    return code >= 1 && code <= (int)A2C_CONDITION_COUNT ? texts[code - 1].name : NULL;
}

A2C_API const char *a2c_condition_explanation(int code)
{
    return code >= 1 && code <= (int)A2C_CONDITION_COUNT ? texts[code - 1].explanation : NULL;
}

A2C_API const char *a2c_condition_remedies(int code)
{
    return code >= 1 && code <= (int)A2C_CONDITION_COUNT ? texts[code - 1].remedies : NULL;
}

A2C_API a2c_status a2c_monitor_create(a2c_monitor **out, const a2c_config *cfg)
{
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, __func__, "out is NULL");
    *out = NULL;
    a2c_allocator a;
    if (cfg) a = *a2c__config_allocator(cfg);
    else if (a2c__allocator(NULL, &a, __func__) != A2C_OK) return A2C_E_INVALID_ARG;
    a2c_monitor *m = a2c__alloc(&a, sizeof *m);
    if (!m) return a2c__fail(A2C_E_NOMEM, __func__, "no memory for the monitor");
    m->alloc = a;
    m->max_grad_norm = cfg ? a2c__cfg_double(cfg, A2C_PARAM_MAX_GRAD_NORM) : 0.5;
    m->normalize_advantage = cfg ? (int)a2c__cfg_int(cfg, A2C_PARAM_NORMALIZE_ADVANTAGE) : 0;
    a2c_monitor_reset(m);
    *out = m;
    return A2C_OK;
}

A2C_API void a2c_monitor_destroy(a2c_monitor *m)
{
    if (!m) return;
    a2c_allocator a = m->alloc;
    a2c__free(&a, m, sizeof *m);
}

A2C_API void a2c_monitor_reset(a2c_monitor *m)
{
    if (!m) return;
    const a2c_allocator a = m->alloc;
    const double clip = m->max_grad_norm;
    const int normalized = m->normalize_advantage;
    memset(m, 0, sizeof *m);
    m->alloc = a;
    m->max_grad_norm = clip;
    m->normalize_advantage = normalized;
}

/* log10 of a positive value; very small values are held at 1e-30 so that
 * a zero gradient is "tiny", not -inf. */
static double log_of(double v)
{
    return log10(v > 1e-30 ? v : 1e-30);
}

static void smooth(a2c_monitor *m, int k, double v)
{
    if (!isfinite(v)) return; /* NaN: no information this update */
    if (!m->have[k]) {
        m->sig[k] = v;
        m->have[k] = 1;
        return;
    }
    m->sig[k] += (v - m->sig[k]) / SMOOTH;
}

/* Whether condition `code`'s test holds on the smoothed signals.  A clip
 * of 0 (max_grad_norm off) makes the gradient tests compare with 1. */
static int test(const a2c_monitor *m, int code)
{
    const double *s = m->sig;
    const double clip = log_of(m->max_grad_norm > 0.0 ? m->max_grad_norm : 1.0);
    switch (code) {
    case A2C_COND_VALUE_LOSS_EXPLODING:
        return s[SIG_CRITIC_GRAD] > clip + log10(CRITIC_CLIP_HIGH);
    case A2C_COND_ACTOR_GRAD_VANISHING:
        return m->have[SIG_ACTOR_GAIN] && s[SIG_ACTOR_GAIN] < log10(ACTOR_GRAD_LOW);
    case A2C_COND_ACTOR_GRAD_EXPLODING: return s[SIG_ACTOR_GRAD] > clip + log10(ACTOR_GRAD_HIGH);
    case A2C_COND_ENTROPY_COLLAPSED: return m->have[SIG_ENTROPY] && s[SIG_ENTROPY] < ENTROPY_LOW;
    case A2C_COND_CRITIC_NOT_LEARNING:
        return m->have[SIG_EV] && s[SIG_EV] <= EV_LOW && m->have[SIG_VALUE_ERROR] &&
               s[SIG_VALUE_ERROR] > log10(VALUE_ERROR_HIGH);
    case A2C_COND_POLICY_THRASHING: return m->have[SIG_KL] && s[SIG_KL] > log10(KL_HIGH);
    case A2C_COND_SATURATED_UNITS: return s[SIG_SATURATION] > SATURATION_HIGH;
    default: return 0;
    }
}

A2C_API a2c_status a2c_monitor_update(a2c_monitor *m, const a2c_train_stats *stats,
                                      uint32_t *active, uint32_t *raised)
{
    if (raised) *raised = 0;
    if (active) *active = m ? m->active : 0;
    if (!m) return a2c__fail(A2C_E_INVALID_ARG, __func__, "m is NULL");
    if (!stats) return a2c__fail(A2C_E_INVALID_ARG, __func__, "stats is NULL");
    if (stats->size < offsetof(a2c_train_stats, reserved0) + sizeof stats->reserved0)
        return a2c__fail(A2C_E_INVALID_ARG, __func__,
                         "stats->size is %u, too small for the 0.2 health fields (%zu)",
                         stats->size, sizeof *stats);
    if (stats->rollback != A2C_ROLLBACK_NONE) return A2C_OK; /* nothing was applied */
    const double mean_sq =
        stats->return_mean * stats->return_mean + stats->return_std * stats->return_std;
    smooth(m, SIG_VALUE_ERROR, mean_sq > 0.0 ? log_of(stats->value_loss / mean_sq) : (double)NAN);
    smooth(m, SIG_CRITIC_GRAD, log_of(stats->critic_grad_norm));
    smooth(m, SIG_ACTOR_GRAD, log_of(stats->actor_grad_norm));
    /* a small gradient from small advantages is no news: nothing to learn */
    const double adv_rms = m->normalize_advantage
                               ? 1.0
                               : sqrt(stats->advantage_mean * stats->advantage_mean +
                                      stats->advantage_std * stats->advantage_std);
    if (adv_rms > 0.0) smooth(m, SIG_ACTOR_GAIN, log_of(stats->actor_grad_norm / adv_rms));
    smooth(m, SIG_ENTROPY, stats->entropy_fraction);
    smooth(m, SIG_EV, stats->explained_variance);
    smooth(m, SIG_KL, log_of(stats->approx_kl));
    const double sat = stats->actor_saturation > stats->critic_saturation
                           ? stats->actor_saturation : stats->critic_saturation;
    smooth(m, SIG_SATURATION, sat);
    m->seen++;
    uint32_t now_raised = 0;
    for (int code = 1; code <= (int)A2C_CONDITION_COUNT; code++) {
        const uint32_t bit = 1u << (code - 1);
        const int holds = m->seen > WARMUP && test(m, code);
        m->held[code - 1] = holds ? m->held[code - 1] + 1 : 0;
        if (!holds) {
            m->active &= ~bit;
            continue;
        }
        if (m->held[code - 1] < HOLD) continue;
        m->active |= bit;
        if (m->ever & bit) continue;
        m->ever |= bit;
        now_raised |= bit;
        m->first_update[code - 1] = stats->updates;
        m->first_step[code - 1] = stats->timesteps;
    }
    if (active) *active = m->active;
    if (raised) *raised = now_raised;
    return A2C_OK;
}

A2C_API uint32_t a2c_monitor_active(const a2c_monitor *m)
{
    return m ? m->active : 0;
}

A2C_API a2c_status a2c_monitor_first_raised(const a2c_monitor *m, int code, uint64_t *update,
                                            uint64_t *timestep)
{
    if (!m) return a2c__fail(A2C_E_INVALID_ARG, __func__, "m is NULL");
    if (code < 1 || code > (int)A2C_CONDITION_COUNT)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "code is %d, expected 1..%u", code,
                         A2C_CONDITION_COUNT);
    if (!(m->ever & (1u << (code - 1))))
        return a2c__fail(A2C_E_STATE, __func__, "%s was never raised", texts[code - 1].name);
    if (update) *update = m->first_update[code - 1];
    if (timestep) *timestep = m->first_step[code - 1];
    return A2C_OK;
}
