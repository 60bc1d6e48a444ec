/* Acrobot-v1 as Gymnasium 1.x steps it: the book dynamics of Sutton and
 * Barto integrated by one classical RK4 step of 0.2 s, angles wrapped by
 * repeated subtraction, velocities bounded, the state kept in double, the
 * observation (cos, sin of both angles and the two velocities) its float
 * rounding, a 500-step TimeLimit reported by the env itself.
 *
 * Every expression is grouped as Gymnasium's Python evaluates it (left to
 * right, squares as x*x, cos(theta - pi/2) rather than sin) and the
 * Makefile forbids FMA contraction, so a step differs from Gymnasium's only
 * where libm's sin/cos differ from NumPy's by an ulp or so. */
#include "common/rng.h"
#include "envs/builtin.h"
#include "envs/envs.h"

#include <math.h>

#define AC_PI 3.14159265358979323846

static const double dt = 0.2;
static const double m1 = 1.0, m2 = 1.0;     /* link masses */
static const double l1 = 1.0;               /* link 1's length (link 2's is never used) */
static const double lc1 = 0.5, lc2 = 0.5;   /* distances to the centres of mass */
static const double I1 = 1.0, I2 = 1.0;     /* moments of inertia */
static const double gravity = 9.8;
static const double max_vel_1 = 4 * AC_PI, max_vel_2 = 9 * AC_PI;
static const double torques[3] = {-1.0, 0.0, 1.0};
static const double reset_low = -0.1, reset_high = 0.1;

#define AC_MAX_STEPS 500u
/* First word of a saved sub-env (builtin.h) */
#define AC_STATE_TAG 0x31304341u /* "AC01" */

typedef struct ac_sub {
    double s[4];           /* theta1, theta2 (relative to link 1), dtheta1, dtheta2 */
    uint32_t elapsed;      /* steps since reset, saturating at AC_MAX_STEPS */
    unsigned char started; /* reset at least once (Gymnasium's OrderEnforcing) */
} ac_sub;

/* The whole env is this one block: the shared header (builtin.h), the
 * bounds the table points at, every sub-env. */
typedef struct acrobot {
    a2c__builtin head;
    float bounds[2 * 6]; /* obs_low, obs_high */
    ac_sub sub[];
} acrobot;

static void write_obs(const ac_sub *s, float *obs)
{
    /* the trigonometry in double, then rounded, as Gymnasium does after a
     * step (after a reset it uses float trig: at most an ulp apart) */
    obs[0] = (float)cos(s->s[0]);
    obs[1] = (float)sin(s->s[0]);
    obs[2] = (float)cos(s->s[1]);
    obs[3] = (float)sin(s->s[1]);
    obs[4] = (float)s->s[2];
    obs[5] = (float)s->s[3];
}

/* The time derivative of (theta1, theta2, dtheta1, dtheta2) under torque
 * `a` (the torque itself is constant over the step). */
static void derivative(const double y[4], double a, double dy[4])
{
    const double theta1 = y[0], theta2 = y[1], dtheta1 = y[2], dtheta2 = y[3];
    const double c2 = cos(theta2), s2 = sin(theta2);
    const double d1 =
        m1 * (lc1 * lc1) + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * c2) + I1 + I2;
    const double d2 = m2 * (lc2 * lc2 + l1 * lc2 * c2) + I2;
    /* cos(x - pi/2) is not sin(x) in double: Gymnasium writes the former */
    const double phi2 = m2 * lc2 * gravity * cos(theta1 + theta2 - AC_PI / 2.0);
    const double phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * s2 -
                        2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * s2 +
                        (m1 * lc1 + m2 * l1) * gravity * cos(theta1 - AC_PI / 2.0) + phi2;
    /* the book's version, with the dtheta1^2 term the NIPS paper omits */
    const double ddtheta2 =
        (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * s2 - phi2) /
        (m2 * (lc2 * lc2) + I2 - d2 * d2 / d1);
    const double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
    dy[0] = dtheta1;
    dy[1] = dtheta2;
    dy[2] = ddtheta1;
    dy[3] = ddtheta2;
}

/* One classical RK4 step of length dt, in place; no wrapping or bounding
 * inside the stages. */
static void rk4(double y[4], double a)
{
    const double h2 = dt / 2.0, h6 = dt / 6.0;
    double k1[4], k2[4], k3[4], k4[4], t[4];
    derivative(y, a, k1);
    for (int k = 0; k < 4; k++) t[k] = y[k] + h2 * k1[k];
    derivative(t, a, k2);
    for (int k = 0; k < 4; k++) t[k] = y[k] + h2 * k2[k];
    derivative(t, a, k3);
    for (int k = 0; k < 4; k++) t[k] = y[k] + dt * k3[k];
    derivative(t, a, k4);
    for (int k = 0; k < 4; k++) y[k] = y[k] + h6 * (k1[k] + 2 * k2[k] + 2 * k3[k] + k4[k]);
}

/* Into [-pi, pi] by whole turns, one at a time as Gymnasium does (fmod
 * would round differently); exactly +-pi stays.  A step moves an angle by
 * a few turns at most, so the loops are short. */
static double wrap(double x)
{
    const double turn = AC_PI - -AC_PI;
    while (x > AC_PI) x = x - turn;
    while (x < -AC_PI) x = x + turn;
    return x;
}

static double bound(double x, double hi)
{
    x = x < -hi ? -hi : x;
    return x > hi ? hi : x;
}

static int terminal(const ac_sub *s)
{
    /* the tip above the bar: note the order theta2 + theta1 */
    return -cos(s->s[0]) - cos(s->s[1] + s->s[0]) > 1.0;
}

/* One step of one sub-environment; the action is already known to be 0,
 * 1 or 2.  Inlined into both step and step_all. */
static inline void advance(ac_sub *s, int32_t action, float *obs, double *reward,
                           int *terminated, int *truncated)
{
    rk4(s->s, torques[action]);
    s->s[0] = wrap(s->s[0]);
    s->s[1] = wrap(s->s[1]);
    s->s[2] = bound(s->s[2], max_vel_1);
    s->s[3] = bound(s->s[3], max_vel_2);
    const int term = terminal(s);
    if (s->elapsed < AC_MAX_STEPS) s->elapsed++;
    write_obs(s, obs);
    *reward = term ? 0.0 : -1.0;
    *terminated = term;
    *truncated = s->elapsed >= AC_MAX_STEPS;
}

/* Whether sub-env `s` may take `action`: a valid action, after a reset. */
static int ready(const ac_sub *s, int32_t action)
{
    return action >= 0 && action <= 2 && s->started;
}

static int ac_reset(void *user, uint32_t index, uint64_t seed, float *obs)
{
    ac_sub *s = a2c__builtin_sub(user, index);
    if (!s || !obs) return 1;
    a2c__rng r;
    a2c__rng_seed(&r, seed, 0);
    /* Gymnasium stores its reset draws as float32, so the first step
     * starts from float-representable values. */
    for (int k = 0; k < 4; k++)
        s->s[k] = (double)(float)(reset_low + (reset_high - reset_low) * a2c__rng_uniform(&r));
    s->elapsed = 0;
    s->started = 1;
    write_obs(s, obs);
    return 0;
}

static int ac_step(void *user, uint32_t index, int32_t action, const float *box_action,
                   float *obs, double *reward, int *terminated, int *truncated)
{
    (void)box_action; /* a discrete env: the library passes NULL */
    ac_sub *s = a2c__builtin_sub(user, index);
    if (!s || !a2c__builtin_outputs(obs, reward, terminated, truncated)) return 1;
    if (!ready(s, action)) return 1;
    advance(s, action, obs, reward, terminated, truncated);
    return 0;
}

static int ac_step_all(void *user, const int32_t *actions, const float *box_actions, float *obs,
                       double *rewards, int *terminated, int *truncated)
{
    (void)box_actions;
    acrobot *ac = user;
    if (!ac || !actions || !a2c__builtin_outputs(obs, rewards, terminated, truncated)) return 1;
    const uint32_t n = ac->head.num_envs;
    /* Check everything first: a bad action steps nobody. */
    int bad = 0;
    for (uint32_t i = 0; i < n; i++) bad |= !ready(&ac->sub[i], actions[i]);
    if (bad) return 1;
    for (uint32_t i = 0; i < n; i++)
        advance(&ac->sub[i], actions[i], obs + 6 * (size_t)i, &rewards[i], &terminated[i],
                &truncated[i]);
    return 0;
}

/* ---- saved state: tag, the four doubles, elapsed, started ---- */

static void to_saved(const void *sub, a2c__saved *out)
{
    const ac_sub *s = sub;
    *out = (a2c__saved){.x = {s->s[0], s->s[1], s->s[2], s->s[3]}, .elapsed = s->elapsed,
                        .started = s->started};
}

static int ac_load_state(void *user, uint32_t index, const void *buf)
{
    a2c__saved v;
    ac_sub *s = a2c__builtin_load(user, index, buf, &v);
    if (!s) return 1;
    /* Only states a reset or a step can leave: wrapped angles, bounded
     * velocities (NaN fails every comparison).  This also keeps wrap's
     * loops short. */
    if (!(fabs(v.x[0]) <= AC_PI && fabs(v.x[1]) <= AC_PI && fabs(v.x[2]) <= max_vel_1 &&
          fabs(v.x[3]) <= max_vel_2))
        return 1;
    *s = (ac_sub){.s = {v.x[0], v.x[1], v.x[2], v.x[3]}, .elapsed = v.elapsed,
                  .started = (unsigned char)v.started};
    return 0;
}

static const a2c__builtin_desc acrobot_desc = {
    .id = "Acrobot-v1", .max_steps = AC_MAX_STEPS,
    .obs_dim = 6, .action_kind = A2C_SPACE_DISCRETE, .action_dim = 3,
    .bounds_offset = offsetof(acrobot, bounds), .head_size = offsetof(acrobot, sub),
    .sub_size = sizeof(ac_sub),
    .state_tag = AC_STATE_TAG, .n_doubles = 4, .to_saved = to_saved,
    .reset = ac_reset, .step = ac_step, .step_all = ac_step_all, .load_state = ac_load_state,
};

a2c_status a2c__acrobot_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc)
{
    /* Gymnasium's observation space: the unit circle twice, then the
     * velocity bounds. */
    const float v1 = (float)max_vel_1, v2 = (float)max_vel_2;
    const a2c__bounds bounds = {
        .obs_low = {-1.0f, -1.0f, -1.0f, -1.0f, -v1, -v2},
        .obs_high = {1.0f, 1.0f, 1.0f, 1.0f, v1, v2},
    };
    return a2c__builtin_make(out, num_envs, alloc, &acrobot_desc, &bounds);
}

/* Test hooks (envs.h) */
void a2c__acrobot_get_state(const a2c_env *env, uint32_t index, double state[4])
{
    const ac_sub *s = a2c__builtin_sub_of(env, index);
    if (!s || !state) return;
    for (int k = 0; k < 4; k++) state[k] = s->s[k];
}

void a2c__acrobot_set_state(a2c_env *env, uint32_t index, const double state[4])
{
    ac_sub *s = a2c__builtin_sub_of(env, index);
    if (!s || !state) return;
    for (int k = 0; k < 4; k++) s->s[k] = state[k];
}
