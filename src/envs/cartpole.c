/* CartPole-v1 as Gymnasium 1.x steps it: Euler integration at 50 Hz, the
 * state kept in double, the observation its float rounding, a 500-step
 * TimeLimit reported by the env itself.
 *
 * The arithmetic follows Gymnasium's Python expression by expression
 * (left-to-right grouping, squares as x*x, composite constants built with
 * the same double operations) and the Makefile forbids FMA contraction, so
 * a step differs from Gymnasium's only where libm's sin/cos differ from
 * NumPy's by an ulp or so. */
#include "common/rng.h"
#include "envs/builtin.h"
#include "envs/envs.h"

#include <math.h>

#define CP_PI 3.14159265358979323846
#define CP_MASSCART 1.0
#define CP_MASSPOLE 0.1
#define CP_LENGTH 0.5 /* half the pole's length */

static const double gravity = 9.8;
static const double masspole = CP_MASSPOLE;
static const double total_mass = CP_MASSPOLE + CP_MASSCART;
static const double length = CP_LENGTH;
static const double polemass_length = CP_MASSPOLE * CP_LENGTH;
static const double force_mag = 10.0;
static const double tau = 0.02;
static const double theta_threshold = 12 * 2 * CP_PI / 360;
static const double x_threshold = 2.4;
static const double reset_low = -0.05, reset_high = 0.05;

#define CP_MAX_STEPS 500u
/* First word of a saved sub-env (builtin.h) */
#define CP_STATE_TAG 0x31305043u /* "CP01" */

typedef struct cp_sub {
    double x, x_dot, theta, theta_dot;
    uint32_t elapsed;      /* steps since reset, saturating at CP_MAX_STEPS */
    unsigned char fell;    /* Gymnasium's steps_beyond_terminated is not None */
    unsigned char started; /* reset at least once (Gymnasium's OrderEnforcing) */
} cp_sub;

/* The whole env is this one block: the shared header (builtin.h: the
 * table the host sees), the bounds the table points at, and every
 * sub-environment. */
typedef struct cartpole {
    a2c__builtin head;
    float bounds[2 * 4]; /* obs_low, obs_high */
    cp_sub sub[];
} cartpole;

static void write_obs(const cp_sub *s, float *obs)
{
    obs[0] = (float)s->x;
    obs[1] = (float)s->x_dot;
    obs[2] = (float)s->theta;
    obs[3] = (float)s->theta_dot;
}

/* One step of one sub-environment; the action is already known to be 0
 * or 1.  Inlined into both step and step_all. */
static inline void advance(cp_sub *s, int32_t action, float *obs, double *reward,
                           int *terminated, int *truncated)
{
    const double force = action == 1 ? force_mag : -force_mag;
    const double costheta = cos(s->theta), sintheta = sin(s->theta);
    const double temp =
        (force + polemass_length * (s->theta_dot * s->theta_dot) * sintheta) / total_mass;
    const double thetaacc =
        (gravity * sintheta - costheta * temp) /
        (length * (4.0 / 3.0 - masspole * (costheta * costheta) / total_mass));
    const double xacc = temp - polemass_length * thetaacc * costheta / total_mass;

    /* Euler: every right-hand side uses the old state. */
    const double x = s->x + tau * s->x_dot;
    const double x_dot = s->x_dot + tau * xacc;
    const double theta = s->theta + tau * s->theta_dot;
    const double theta_dot = s->theta_dot + tau * thetaacc;
    s->x = x;
    s->x_dot = x_dot;
    s->theta = theta;
    s->theta_dot = theta_dot;

    const int term = x < -x_threshold || x > x_threshold || theta < -theta_threshold ||
                     theta > theta_threshold;
    /* Gymnasium pays 1.0 for the step that terminates and 0.0 for any
     * further terminal step of the same episode. */
    double r = 1.0;
    if (term) {
        if (s->fell) r = 0.0;
        s->fell = 1;
    }
    if (s->elapsed < CP_MAX_STEPS) s->elapsed++;

    write_obs(s, obs);
    *reward = r;
    *terminated = term;
    *truncated = s->elapsed >= CP_MAX_STEPS;
}

/* Whether sub-env `s` may take `action`: a valid action, after a reset. */
static int ready(const cp_sub *s, int32_t action)
{
    return (action == 0 || action == 1) && s->started;
}

static int cp_reset(void *user, uint32_t index, uint64_t seed, float *obs)
{
    cp_sub *s = a2c__builtin_sub(user, index);
    if (!s || !obs) return 1;
    a2c__rng r;
    a2c__rng_seed(&r, seed, 0);
    double v[4];
    for (int k = 0; k < 4; k++) v[k] = reset_low + (reset_high - reset_low) * a2c__rng_uniform(&r);
    s->x = v[0];
    s->x_dot = v[1];
    s->theta = v[2];
    s->theta_dot = v[3];
    s->elapsed = 0;
    s->fell = 0;
    s->started = 1;
    write_obs(s, obs);
    return 0;
}

static int cp_step(void *user, uint32_t index, int32_t action, const float *box_action,
                   float *obs, double *reward, int *terminated, int *truncated)
{
    (void)box_action; /* a discrete env: the library passes NULL */
    cp_sub *s = a2c__builtin_sub(user, index);
    if (!s || !a2c__builtin_outputs(obs, reward, terminated, truncated)) return 1;
    if (!ready(s, action)) return 1;
    advance(s, action, obs, reward, terminated, truncated);
    return 0;
}

static int cp_step_all(void *user, const int32_t *actions, const float *box_actions, float *obs,
                       double *rewards, int *terminated, int *truncated)
{
    (void)box_actions;
    cartpole *cp = user;
    if (!cp || !actions || !a2c__builtin_outputs(obs, rewards, terminated, truncated)) return 1;
    const uint32_t n = cp->head.num_envs;
    /* Check everything first, so a bad action leaves every sub-env as it
     * was rather than half the batch stepped. */
    int bad = 0;
    for (uint32_t i = 0; i < n; i++) bad |= !ready(&cp->sub[i], actions[i]);
    if (bad) return 1;
    for (uint32_t i = 0; i < n; i++)
        advance(&cp->sub[i], actions[i], obs + 4 * (size_t)i, &rewards[i], &terminated[i],
                &truncated[i]);
    return 0;
}

/* ---- saved state: tag, the four doubles, elapsed, started, fell ---- */

static void to_saved(const void *sub, a2c__saved *out)
{
    const cp_sub *s = sub;
    *out = (a2c__saved){.x = {s->x, s->x_dot, s->theta, s->theta_dot}, .elapsed = s->elapsed,
                        .started = s->started, .flag = s->fell};
}

static int cp_load_state(void *user, uint32_t index, const void *buf)
{
    a2c__saved v;
    cp_sub *s = a2c__builtin_load(user, index, buf, &v);
    if (!s) return 1;
    /* a fall takes a step */
    if (v.flag && v.elapsed == 0) return 1;
    /* The state is unbounded (a fallen pole keeps being simulated) but
     * finite. */
    if (!isfinite(v.x[0]) || !isfinite(v.x[1]) || !isfinite(v.x[2]) || !isfinite(v.x[3]))
        return 1;
    *s = (cp_sub){.x = v.x[0], .x_dot = v.x[1], .theta = v.x[2], .theta_dot = v.x[3],
                  .elapsed = v.elapsed, .fell = (unsigned char)v.flag,
                  .started = (unsigned char)v.started};
    return 0;
}

static const a2c__builtin_desc cartpole_desc = {
    .id = "CartPole-v1", .max_steps = CP_MAX_STEPS,
    .obs_dim = 4, .action_kind = A2C_SPACE_DISCRETE, .action_dim = 2,
    .bounds_offset = offsetof(cartpole, bounds), .head_size = offsetof(cartpole, sub),
    .sub_size = sizeof(cp_sub),
    .state_tag = CP_STATE_TAG, .n_doubles = 4, .has_flag = 1, .to_saved = to_saved,
    .reset = cp_reset, .step = cp_step, .step_all = cp_step_all, .load_state = cp_load_state,
};

a2c_status a2c__cartpole_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc)
{
    /* Gymnasium's observation space: twice the termination limits for x
     * and theta, unbounded velocities. */
    const float x_high = (float)(x_threshold * 2), theta_high = (float)(theta_threshold * 2);
    const a2c__bounds bounds = {
        .obs_low = {-x_high, -HUGE_VALF, -theta_high, -HUGE_VALF},
        .obs_high = {x_high, HUGE_VALF, theta_high, HUGE_VALF},
    };
    return a2c__builtin_make(out, num_envs, alloc, &cartpole_desc, &bounds);
}

/* Test hooks (envs.h) */
void a2c__cartpole_get_state(const a2c_env *env, uint32_t index, double state[4])
{
    const cp_sub *s = a2c__builtin_sub_of(env, index);
    if (!s || !state) return;
    state[0] = s->x;
    state[1] = s->x_dot;
    state[2] = s->theta;
    state[3] = s->theta_dot;
}

void a2c__cartpole_set_state(a2c_env *env, uint32_t index, const double state[4])
{
    cp_sub *s = a2c__builtin_sub_of(env, index);
    if (!s || !state) return;
    s->x = state[0];
    s->x_dot = state[1];
    s->theta = state[2];
    s->theta_dot = state[3];
}
