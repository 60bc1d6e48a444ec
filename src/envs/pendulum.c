/* Pendulum-v1 as Gymnasium 1.x steps it under NumPy 1.x: swing a pendulum
 * up with a torque in [-2, 2], semi-implicit Euler at 20 Hz, the cost taken
 * from the state before the step, the state kept in double (the angle never
 * wrapped), the observation (cos, sin, angular velocity) its float
 * rounding.  It never terminates; a 200-step TimeLimit, reported by the env
 * itself, ends every episode.
 *
 * Every expression is grouped as Gymnasium's Python evaluates it and the
 * Makefile forbids FMA contraction, so a step differs from Gymnasium's only
 * where libm's sin/cos differ from NumPy's by an ulp or so. */
#include "common/rng.h"
#include "envs/builtin.h"
#include "envs/envs.h"

#include <math.h>

#define PE_PI 3.14159265358979323846

static const double max_speed = 8.0;
static const float max_torque = 2.0f;
static const double dt = 0.05;
static const double g = 10.0, m = 1.0, l = 1.0;
static const double reset_theta = PE_PI, reset_theta_dot = 1.0; /* half-widths */

#define PE_MAX_STEPS 200u
/* First word of a saved sub-env (builtin.h) */
#define PE_STATE_TAG 0x31304550u /* "PE01" */

typedef struct pe_sub {
    double theta, theta_dot; /* theta = 0 upright, counter-clockwise, unwrapped */
    uint32_t elapsed;        /* steps since reset, saturating at PE_MAX_STEPS */
    unsigned char started;   /* reset at least once (Gymnasium's OrderEnforcing) */
} pe_sub;

/* The whole env is this one block: the shared header (builtin.h), the
 * bounds the table points at, every sub-env. */
typedef struct pendulum {
    a2c__builtin head;
    float bounds[2 * 3 + 2]; /* obs_low, obs_high, action_low, action_high */
    pe_sub sub[];
} pendulum;

static void write_obs(const pe_sub *s, float *obs)
{
    obs[0] = (float)cos(s->theta);
    obs[1] = (float)sin(s->theta);
    obs[2] = (float)s->theta_dot;
}

/* The angle in [-pi, pi), with Python's floor modulo (NumPy's remainder:
 * C's fmod, moved into the divisor's sign), which differs from fmod alone
 * for negative angles. */
static double angle_normalize(double x)
{
    const double turn = 2 * PE_PI;
    double r = fmod(x + PE_PI, turn);
    if (r < 0) r = r + turn;
    return r - PE_PI;
}

/* One step of one sub-environment with a finite torque as given.  Inlined
 * into both step and step_all. */
static inline void advance(pe_sub *s, float action, float *obs, double *reward,
                           int *terminated, int *truncated)
{
    /* clipped as Gymnasium clips its float32 action: the bound is a float
     * exactly, so clipping in double gives the same value */
    const double bound = (double)max_torque;
    double u = (double)action;
    u = u < -bound ? -bound : u;
    u = u > bound ? bound : u;
    const double th = s->theta, thdot = s->theta_dot;
    /* the cost of where the pendulum is now, before it moves */
    const double an = angle_normalize(th);
    const double cost = an * an + 0.1 * (thdot * thdot) + 0.001 * (u * u);
    double newthdot = thdot + (3 * g / (2 * l) * sin(th) + 3.0 / (m * (l * l)) * u) * dt;
    newthdot = newthdot < -max_speed ? -max_speed : newthdot;
    newthdot = newthdot > max_speed ? max_speed : newthdot;
    /* semi-implicit: the new, clipped velocity moves the angle */
    s->theta = th + newthdot * dt;
    s->theta_dot = newthdot;
    if (s->elapsed < PE_MAX_STEPS) s->elapsed++;
    write_obs(s, obs);
    *reward = -cost;
    *terminated = 0;
    *truncated = s->elapsed >= PE_MAX_STEPS;
}

/* Whether sub-env `s` may take `action`: any torque but NaN (which would
 * stay in the state for good; the rest is clipped), after a reset. */
static int ready(const pe_sub *s, float action)
{
    return !isnan(action) && s->started;
}

static int pe_reset(void *user, uint32_t index, uint64_t seed, float *obs)
{
    pe_sub *s = a2c__builtin_sub(user, index);
    if (!s || !obs) return 1;
    a2c__rng r;
    a2c__rng_seed(&r, seed, 0);
    /* the angle is drawn first, as in Gymnasium's one vectorised call */
    s->theta = -reset_theta + (reset_theta - -reset_theta) * a2c__rng_uniform(&r);
    s->theta_dot = -reset_theta_dot + (reset_theta_dot - -reset_theta_dot) * a2c__rng_uniform(&r);
    s->elapsed = 0;
    s->started = 1;
    write_obs(s, obs);
    return 0;
}

static int pe_step(void *user, uint32_t index, int32_t action, const float *box_action,
                   float *obs, double *reward, int *terminated, int *truncated)
{
    (void)action; /* a box env: the torque is box_action[0] */
    pe_sub *s = a2c__builtin_sub(user, index);
    if (!s || !box_action || !a2c__builtin_outputs(obs, reward, terminated, truncated))
        return 1;
    if (!ready(s, box_action[0])) return 1;
    advance(s, box_action[0], obs, reward, terminated, truncated);
    return 0;
}

static int pe_step_all(void *user, const int32_t *actions, const float *box_actions, float *obs,
                       double *rewards, int *terminated, int *truncated)
{
    (void)actions;
    pendulum *pe = user;
    if (!pe || !box_actions || !a2c__builtin_outputs(obs, rewards, terminated, truncated))
        return 1;
    const uint32_t n = pe->head.num_envs;
    /* Check everything first: a bad action steps nobody. */
    int bad = 0;
    for (uint32_t i = 0; i < n; i++) bad |= !ready(&pe->sub[i], box_actions[i]);
    if (bad) return 1;
    for (uint32_t i = 0; i < n; i++)
        advance(&pe->sub[i], box_actions[i], obs + 3 * (size_t)i, &rewards[i], &terminated[i],
                &truncated[i]);
    return 0;
}

/* ---- saved state: tag, theta, theta_dot, elapsed, started ---- */

static void to_saved(const void *sub, a2c__saved *out)
{
    const pe_sub *s = sub;
    *out = (a2c__saved){.x = {s->theta, s->theta_dot}, .elapsed = s->elapsed,
                        .started = s->started};
}

static int pe_load_state(void *user, uint32_t index, const void *buf)
{
    a2c__saved v;
    pe_sub *s = a2c__builtin_load(user, index, buf, &v);
    if (!s) return 1;
    const double theta = v.x[0], theta_dot = v.x[1];
    /* Only states a reset or a step can leave: any finite angle (it is
     * never wrapped), a speed within the limit; NaN fails the tests. */
    if (!isfinite(theta) || !(fabs(theta_dot) <= max_speed)) return 1;
    *s = (pe_sub){.theta = theta, .theta_dot = theta_dot, .elapsed = v.elapsed,
                  .started = (unsigned char)v.started};
    return 0;
}

static const a2c__builtin_desc pendulum_desc = {
    .id = "Pendulum-v1", .max_steps = PE_MAX_STEPS,
    .obs_dim = 3, .action_kind = A2C_SPACE_BOX, .action_dim = 1,
    .bounds_offset = offsetof(pendulum, bounds), .head_size = offsetof(pendulum, sub),
    .sub_size = sizeof(pe_sub),
    .state_tag = PE_STATE_TAG, .n_doubles = 2, .to_saved = to_saved,
    .reset = pe_reset, .step = pe_step, .step_all = pe_step_all, .load_state = pe_load_state,
};

a2c_status a2c__pendulum_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc)
{
    /* Gymnasium's spaces: the unit circle and the speed limit; a torque in
     * [-2, 2] */
    const float speed = (float)max_speed;
    const a2c__bounds bounds = {
        .obs_low = {-1.0f, -1.0f, -speed},
        .obs_high = {1.0f, 1.0f, speed},
        .action_low = {-max_torque},
        .action_high = {max_torque},
    };
    return a2c__builtin_make(out, num_envs, alloc, &pendulum_desc, &bounds);
}

/* Test hooks (envs.h) */
void a2c__pendulum_get_state(const a2c_env *env, uint32_t index, double state[2])
{
    const pe_sub *s = a2c__builtin_sub_of(env, index);
    if (!s || !state) return;
    state[0] = s->theta;
    state[1] = s->theta_dot;
}

void a2c__pendulum_set_state(a2c_env *env, uint32_t index, const double state[2])
{
    pe_sub *s = a2c__builtin_sub_of(env, index);
    if (!s || !state) return;
    s->theta = state[0];
    s->theta_dot = state[1];
}
