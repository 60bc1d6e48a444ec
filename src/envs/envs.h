/* The built-in environments (registry.c and one file each, on the frame
 * they share: builtin.h).  Each is a make function filling in the same
 * a2c_env table a host would: version 2, with save_state/load_state over a
 * fixed little-endian layout of one sub-environment (a layout tag, the
 * double state, the step counter, the flags).  load_state refuses, leaving
 * the sub-env as it was, bytes that no reset or step could have left:
 * another tag, non-finite or out-of-range values, a counter past the
 * limit, flags other than 0/1. */
#ifndef A2C_ENVS_ENVS_H
#define A2C_ENVS_ENVS_H

#include "common/common.h"

/* CartPole-v1 (Gymnasium 1.x dynamics, Euler integrator, 500-step limit
 * reported as truncation by the env itself). */
a2c_status a2c__cartpole_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc);
/* Test hooks: the float64 state (x, x_dot, theta, theta_dot) of
 * sub-environment `index` of a table from a2c__cartpole_make.  Setting it
 * leaves the episode's step counter alone. */
void a2c__cartpole_get_state(const a2c_env *env, uint32_t index, double state[4]);
void a2c__cartpole_set_state(a2c_env *env, uint32_t index, const double state[4]);

/* The test hooks of the others work the same way: the whole float64 state
 * of sub-environment `index`, the step counter left alone, bad indices
 * ignored. */

/* Acrobot-v1 (book dynamics, RK4, 500-step limit); the state is (theta1,
 * theta2, dtheta1, dtheta2), the reset state float-representable. */
a2c_status a2c__acrobot_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc);
void a2c__acrobot_get_state(const a2c_env *env, uint32_t index, double state[4]);
void a2c__acrobot_set_state(a2c_env *env, uint32_t index, const double state[4]);

/* MountainCar-v0 (three pushes, 200-step limit); the state is (position,
 * velocity). */
a2c_status a2c__mountain_car_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc);
void a2c__mountain_car_get_state(const a2c_env *env, uint32_t index, double state[2]);
void a2c__mountain_car_set_state(a2c_env *env, uint32_t index, const double state[2]);

/* MountainCarContinuous-v0 (a push in [-1, 1], 999-step limit); the state
 * is (position, velocity), float-representable after every step. */
a2c_status a2c__mountain_car_continuous_make(a2c_env **out, uint32_t num_envs,
                                             const a2c_allocator *alloc);
void a2c__mountain_car_continuous_get_state(const a2c_env *env, uint32_t index, double state[2]);
void a2c__mountain_car_continuous_set_state(a2c_env *env, uint32_t index,
                                            const double state[2]);

/* Pendulum-v1 (a torque in [-2, 2], never terminates, 200-step limit);
 * the state is (theta, theta_dot), theta unwrapped. */
a2c_status a2c__pendulum_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc);
void a2c__pendulum_get_state(const a2c_env *env, uint32_t index, double state[2]);
void a2c__pendulum_set_state(a2c_env *env, uint32_t index, const double state[2]);

#endif /* A2C_ENVS_ENVS_H */
