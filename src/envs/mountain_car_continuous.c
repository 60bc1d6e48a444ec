/* MountainCarContinuous-v0 as Gymnasium 1.x steps it under NumPy 1.x: the
 * mountain car with a continuous push in [-1, 1], the goal at 0.45, a
 * reward of 100 at the goal less 0.1 * action^2 per step, and a 999-step
 * TimeLimit reported by the env itself.
 *
 * Gymnasium steps in double (Python floats, math.cos) but stores the state
 * as float32 after every step; the reset state stays double until the first
 * step.  This port does the same, so with the same grouping (and no FMA
 * contraction) it follows Gymnasium's trajectory bit for bit. */
#include "common/rng.h"
#include "envs/builtin.h"
#include "envs/envs.h"

#include <math.h>

static const double min_action = -1.0, max_action = 1.0;
static const double power = 0.0015;
static const double min_position = -1.2, max_position = 0.6;
static const double max_speed = 0.07;
static const double goal_position = 0.45, goal_velocity = 0.0;
static const double reset_low = -0.6, reset_high = -0.4;

#define MCC_MAX_STEPS 999u
/* First word of a saved sub-env (builtin.h) */
#define MCC_STATE_TAG 0x3143434du /* "MCC1" */

typedef struct mcc_sub {
    double position, velocity; /* float-representable once stepped */
    uint32_t elapsed;          /* steps since reset, saturating at MCC_MAX_STEPS */
    unsigned char started;     /* reset at least once (Gymnasium's OrderEnforcing) */
} mcc_sub;

/* The whole env is this one block: the shared header (builtin.h), the
 * bounds the table points at, every sub-env. */
typedef struct mountain_car_continuous {
    a2c__builtin head;
    float bounds[2 * 2 + 2]; /* obs_low, obs_high, action_low, action_high */
    mcc_sub sub[];
} mountain_car_continuous;

static void write_obs(const mcc_sub *s, float *obs)
{
    obs[0] = (float)s->position;
    obs[1] = (float)s->velocity;
}

/* One step of one sub-environment with the action as given (finite).
 * Inlined into both step and step_all. */
static inline void advance(mcc_sub *s, float action, float *obs, double *reward,
                           int *terminated, int *truncated)
{
    const double a = (double)action;
    double push = a < min_action ? min_action : a;
    push = push > max_action ? max_action : push;
    double position = s->position, velocity = s->velocity;
    velocity = velocity + (push * power - 0.0025 * cos(3 * position));
    if (velocity > max_speed) velocity = max_speed;
    if (velocity < -max_speed) velocity = -max_speed;
    position = position + velocity;
    if (position > max_position) position = max_position;
    if (position < min_position) position = min_position;
    if (position == min_position && velocity < 0) velocity = 0.0;
    /* the goal test sees the double values, before the rounding below */
    const int term = position >= goal_position && velocity >= goal_velocity;
    /* Gymnasium stores float32: the next step starts from these */
    s->position = (double)(float)position;
    s->velocity = (double)(float)velocity;
    if (s->elapsed < MCC_MAX_STEPS) s->elapsed++;
    write_obs(s, obs);
    /* The penalty takes the action as given, not the clipped push: under
     * the library (as under SB3) it has been clipped to the space already.
     * a * a is exact in double for a float a. */
    *reward = (term ? 100.0 : 0.0) - a * a * 0.1;
    *terminated = term;
    *truncated = s->elapsed >= MCC_MAX_STEPS;
}

/* Whether sub-env `s` may take `action`: any push but NaN (which would
 * stay in the state for good; the rest is clipped), after a reset. */
static int ready(const mcc_sub *s, float action)
{
    return !isnan(action) && s->started;
}

static int mcc_reset(void *user, uint32_t index, uint64_t seed, float *obs)
{
    mcc_sub *s = a2c__builtin_sub(user, index);
    if (!s || !obs) return 1;
    a2c__rng r;
    a2c__rng_seed(&r, seed, 0);
    /* kept in double, as Gymnasium keeps its reset state */
    s->position = reset_low + (reset_high - reset_low) * a2c__rng_uniform(&r);
    s->velocity = 0.0;
    s->elapsed = 0;
    s->started = 1;
    write_obs(s, obs);
    return 0;
}

static int mcc_step(void *user, uint32_t index, int32_t action, const float *box_action,
                    float *obs, double *reward, int *terminated, int *truncated)
{
    (void)action; /* a box env: the action is box_action[0] */
    mcc_sub *s = a2c__builtin_sub(user, index);
    if (!s || !box_action || !a2c__builtin_outputs(obs, reward, terminated, truncated))
        return 1;
    if (!ready(s, box_action[0])) return 1;
    advance(s, box_action[0], obs, reward, terminated, truncated);
    return 0;
}

static int mcc_step_all(void *user, const int32_t *actions, const float *box_actions,
                        float *obs, double *rewards, int *terminated, int *truncated)
{
    (void)actions;
    mountain_car_continuous *mc = user;
    if (!mc || !box_actions || !a2c__builtin_outputs(obs, rewards, terminated, truncated))
        return 1;
    const uint32_t n = mc->head.num_envs;
    /* Check everything first: a bad action steps nobody. */
    int bad = 0;
    for (uint32_t i = 0; i < n; i++) bad |= !ready(&mc->sub[i], box_actions[i]);
    if (bad) return 1;
    for (uint32_t i = 0; i < n; i++)
        advance(&mc->sub[i], box_actions[i], obs + 2 * (size_t)i, &rewards[i], &terminated[i],
                &truncated[i]);
    return 0;
}

/* ---- saved state: tag, position, velocity, elapsed, started ---- */

static void to_saved(const void *sub, a2c__saved *out)
{
    const mcc_sub *s = sub;
    *out = (a2c__saved){.x = {s->position, s->velocity}, .elapsed = s->elapsed,
                        .started = s->started};
}

static int is_float(double x)
{
    return (double)(float)x == x;
}

static int mcc_load_state(void *user, uint32_t index, const void *buf)
{
    a2c__saved v;
    mcc_sub *s = a2c__builtin_load(user, index, buf, &v);
    if (!s) return 1;
    const double position = v.x[0], velocity = v.x[1];
    /* Only states a reset or a step can leave: on the track and within the
     * speed limit, both as rounded to float (float(-1.2) lies a little
     * beyond -1.2); NaN fails every comparison.  Once stepped, the state
     * is float-representable; fresh from a reset the position is any
     * double and the velocity 0. */
    if (!(position >= (double)(float)min_position && position <= (double)(float)max_position &&
          fabs(velocity) <= (double)(float)max_speed))
        return 1;
    if (v.elapsed > 0 ? !is_float(position) || !is_float(velocity) : velocity != 0.0) return 1;
    *s = (mcc_sub){.position = position, .velocity = velocity, .elapsed = v.elapsed,
                   .started = (unsigned char)v.started};
    return 0;
}

static const a2c__builtin_desc mountain_car_continuous_desc = {
    .id = "MountainCarContinuous-v0", .max_steps = MCC_MAX_STEPS,
    .obs_dim = 2, .action_kind = A2C_SPACE_BOX, .action_dim = 1,
    .bounds_offset = offsetof(mountain_car_continuous, bounds),
    .head_size = offsetof(mountain_car_continuous, sub), .sub_size = sizeof(mcc_sub),
    .state_tag = MCC_STATE_TAG, .n_doubles = 2, .to_saved = to_saved,
    .reset = mcc_reset, .step = mcc_step, .step_all = mcc_step_all, .load_state = mcc_load_state,
};

a2c_status a2c__mountain_car_continuous_make(a2c_env **out, uint32_t num_envs,
                                             const a2c_allocator *alloc)
{
    /* Gymnasium's spaces: the track and the speed limit; a push in [-1, 1] */
    const a2c__bounds bounds = {
        .obs_low = {(float)min_position, (float)-max_speed},
        .obs_high = {(float)max_position, (float)max_speed},
        .action_low = {(float)min_action},
        .action_high = {(float)max_action},
    };
    return a2c__builtin_make(out, num_envs, alloc, &mountain_car_continuous_desc, &bounds);
}

/* Test hooks (envs.h) */
void a2c__mountain_car_continuous_get_state(const a2c_env *env, uint32_t index, double state[2])
{
    const mcc_sub *s = a2c__builtin_sub_of(env, index);
    if (!s || !state) return;
    state[0] = s->position;
    state[1] = s->velocity;
}

void a2c__mountain_car_continuous_set_state(a2c_env *env, uint32_t index,
                                            const double state[2])
{
    mcc_sub *s = a2c__builtin_sub_of(env, index);
    if (!s || !state) return;
    s->position = state[0];
    s->velocity = state[1];
}
