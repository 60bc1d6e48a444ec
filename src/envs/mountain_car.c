/* MountainCar-v0 as Gymnasium 1.x steps it: Moore's car in a valley, three
 * discrete pushes, the velocity clipped before the position moves, an
 * inelastic wall on the left, the state kept in double, the observation its
 * float rounding, a 200-step TimeLimit reported by the env itself.
 *
 * Gymnasium computes this env with Python floats and math.cos, which is
 * the C library's cos, so with the same grouping (and no FMA contraction,
 * which the Makefile forbids) a step here is Gymnasium's bit for bit. */
#include "common/rng.h"
#include "envs/builtin.h"
#include "envs/envs.h"

#include <math.h>

static const double force = 0.001;
static const double gravity = 0.0025;
static const double min_position = -1.2, max_position = 0.6;
static const double max_speed = 0.07;
static const double goal_position = 0.5, goal_velocity = 0.0;
static const double reset_low = -0.6, reset_high = -0.4;

#define MC_MAX_STEPS 200u
/* First word of a saved sub-env (builtin.h) */
#define MC_STATE_TAG 0x3130434du /* "MC01" */

typedef struct mc_sub {
    double position, velocity;
    uint32_t elapsed;      /* steps since reset, saturating at MC_MAX_STEPS */
    unsigned char started; /* reset at least once (Gymnasium's OrderEnforcing) */
} mc_sub;

/* The whole env is this one block: the shared header (builtin.h), the
 * bounds the table points at, every sub-env. */
typedef struct mountain_car {
    a2c__builtin head;
    float bounds[2 * 2]; /* obs_low, obs_high */
    mc_sub sub[];
} mountain_car;

static void write_obs(const mc_sub *s, float *obs)
{
    obs[0] = (float)s->position;
    obs[1] = (float)s->velocity;
}

/* One step of one sub-environment; the action is already known to be 0,
 * 1 or 2 (push left, none, right).  Inlined into both step and step_all. */
static inline void advance(mc_sub *s, int32_t action, float *obs, double *reward,
                           int *terminated, int *truncated)
{
    double position = s->position, velocity = s->velocity;
    /* the push and the slope are summed first, then added */
    velocity = velocity + ((double)(action - 1) * force + cos(3 * position) * -gravity);
    /* the velocity is clipped before it moves the car */
    velocity = velocity < -max_speed ? -max_speed : velocity;
    velocity = velocity > max_speed ? max_speed : velocity;
    position = position + velocity;
    position = position < min_position ? min_position : position;
    position = position > max_position ? max_position : position;
    /* the left wall stops the car; there is no wall on the right (the goal
     * is reached before it) */
    if (position == min_position && velocity < 0) velocity = 0.0;
    s->position = position;
    s->velocity = velocity;
    const int term = position >= goal_position && velocity >= goal_velocity;
    if (s->elapsed < MC_MAX_STEPS) s->elapsed++;
    write_obs(s, obs);
    *reward = -1.0; /* the terminating step too */
    *terminated = term;
    *truncated = s->elapsed >= MC_MAX_STEPS;
}

/* Whether sub-env `s` may take `action`: a valid action, after a reset. */
static int ready(const mc_sub *s, int32_t action)
{
    return action >= 0 && action <= 2 && s->started;
}

static int mc_reset(void *user, uint32_t index, uint64_t seed, float *obs)
{
    mc_sub *s = a2c__builtin_sub(user, index);
    if (!s || !obs) return 1;
    a2c__rng r;
    a2c__rng_seed(&r, seed, 0);
    s->position = reset_low + (reset_high - reset_low) * a2c__rng_uniform(&r);
    s->velocity = 0.0;
    s->elapsed = 0;
    s->started = 1;
    write_obs(s, obs);
    return 0;
}

static int mc_step(void *user, uint32_t index, int32_t action, const float *box_action,
                   float *obs, double *reward, int *terminated, int *truncated)
{
    (void)box_action; /* a discrete env: the library passes NULL */
    mc_sub *s = a2c__builtin_sub(user, index);
    if (!s || !a2c__builtin_outputs(obs, reward, terminated, truncated)) return 1;
    if (!ready(s, action)) return 1;
    advance(s, action, obs, reward, terminated, truncated);
    return 0;
}

static int mc_step_all(void *user, const int32_t *actions, const float *box_actions, float *obs,
                       double *rewards, int *terminated, int *truncated)
{
    (void)box_actions;
    mountain_car *mc = user;
    if (!mc || !actions || !a2c__builtin_outputs(obs, rewards, terminated, truncated)) return 1;
    const uint32_t n = mc->head.num_envs;
    /* Check everything first: a bad action steps nobody. */
    int bad = 0;
    for (uint32_t i = 0; i < n; i++) bad |= !ready(&mc->sub[i], actions[i]);
    if (bad) return 1;
    for (uint32_t i = 0; i < n; i++)
        advance(&mc->sub[i], actions[i], obs + 2 * (size_t)i, &rewards[i], &terminated[i],
                &truncated[i]);
    return 0;
}

/* ---- saved state: tag, position, velocity, elapsed, started ---- */

static void to_saved(const void *sub, a2c__saved *out)
{
    const mc_sub *s = sub;
    *out = (a2c__saved){.x = {s->position, s->velocity}, .elapsed = s->elapsed,
                        .started = s->started};
}

static int mc_load_state(void *user, uint32_t index, const void *buf)
{
    a2c__saved v;
    mc_sub *s = a2c__builtin_load(user, index, buf, &v);
    if (!s) return 1;
    const double position = v.x[0], velocity = v.x[1];
    /* Only states a reset or a step can leave: on the track, within the
     * speed limit (NaN fails every comparison). */
    if (!(position >= min_position && position <= max_position && fabs(velocity) <= max_speed))
        return 1;
    *s = (mc_sub){.position = position, .velocity = velocity, .elapsed = v.elapsed,
                  .started = (unsigned char)v.started};
    return 0;
}

static const a2c__builtin_desc mountain_car_desc = {
    .id = "MountainCar-v0", .max_steps = MC_MAX_STEPS,
    .obs_dim = 2, .action_kind = A2C_SPACE_DISCRETE, .action_dim = 3,
    .bounds_offset = offsetof(mountain_car, bounds), .head_size = offsetof(mountain_car, sub),
    .sub_size = sizeof(mc_sub),
    .state_tag = MC_STATE_TAG, .n_doubles = 2, .to_saved = to_saved,
    .reset = mc_reset, .step = mc_step, .step_all = mc_step_all, .load_state = mc_load_state,
};

a2c_status a2c__mountain_car_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc)
{
    /* Gymnasium's observation space: the track and the speed limit. */
    const a2c__bounds bounds = {
        .obs_low = {(float)min_position, (float)-max_speed},
        .obs_high = {(float)max_position, (float)max_speed},
    };
    return a2c__builtin_make(out, num_envs, alloc, &mountain_car_desc, &bounds);
}

/* Test hooks (envs.h) */
void a2c__mountain_car_get_state(const a2c_env *env, uint32_t index, double state[2])
{
    const mc_sub *s = a2c__builtin_sub_of(env, index);
    if (!s || !state) return;
    state[0] = s->position;
    state[1] = s->velocity;
}

void a2c__mountain_car_set_state(a2c_env *env, uint32_t index, const double state[2])
{
    mc_sub *s = a2c__builtin_sub_of(env, index);
    if (!s || !state) return;
    s->position = state[0];
    s->velocity = state[1];
}
