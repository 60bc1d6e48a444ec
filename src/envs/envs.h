/* The built-in environments (registry.c, cartpole.c).  Each is a make
 * function filling in the same a2c_env table a host would. */
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

#endif /* A2C_ENVS_ENVS_H */
