/* The built-in environments, looked up by Gymnasium id.  Each is a make
 * function filling in the same a2c_env table a host would. */
#include "common/error.h"
#include "envs/envs.h"

#include <stdio.h>
#include <string.h>

typedef struct builtin {
    const char *id;
    a2c_status (*make)(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc);
    double reward_threshold; /* Gymnasium's registered value */
    int has_threshold;       /* 0 where Gymnasium registers none (Pendulum-v1) */
} builtin;

/* Append only: a2c_env_name's indices are visible to hosts. */
static const builtin builtins[] = {
    {"CartPole-v1", a2c__cartpole_make, 475.0, 1},
    {"Acrobot-v1", a2c__acrobot_make, -100.0, 1},
    {"MountainCar-v0", a2c__mountain_car_make, -110.0, 1},
    {"MountainCarContinuous-v0", a2c__mountain_car_continuous_make, 90.0, 1},
    {"Pendulum-v1", a2c__pendulum_make, 0.0, 0},
};

#define N_BUILTINS (sizeof builtins / sizeof builtins[0])

static const builtin *find(const char *id)
{
    if (!id) return NULL;
    for (size_t k = 0; k < N_BUILTINS; k++)
        if (strcmp(builtins[k].id, id) == 0) return &builtins[k];
    return NULL;
}

/* Records that `id` names no built-in, listing those that exist. */
static a2c_status unknown_id(const char *fn, const char *id)
{
    char known[256];
    size_t used = 0;
    known[0] = '\0';
    for (size_t k = 0; k < N_BUILTINS && used < sizeof known; k++) {
        int w = snprintf(known + used, sizeof known - used, "%s%s", k ? ", " : "", builtins[k].id);
        if (w < 0) break;
        used += (size_t)w;
    }
    return a2c__fail(A2C_E_INVALID_ARG, fn, "unknown env id '%.64s', known: %s", id, known);
}

A2C_API a2c_status a2c_env_make(a2c_env **out, const char *id, uint32_t num_envs,
                                const a2c_allocator *alloc)
{
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, __func__, "out is NULL");
    *out = NULL;
    if (!id) return a2c__fail(A2C_E_INVALID_ARG, __func__, "id is NULL");
    const builtin *b = find(id);
    if (!b) return unknown_id(__func__, id);
    /* make functions record their failures as a2c_env_make's */
    return b->make(out, num_envs, alloc);
}

A2C_API void a2c_env_close(a2c_env *env)
{
    if (env && env->close) env->close(env->user);
}

A2C_API const char *a2c_env_name(size_t index)
{
    return index < N_BUILTINS ? builtins[index].id : NULL;
}

A2C_API a2c_status a2c_env_reward_threshold(const char *id, double *threshold)
{
    if (!id) return a2c__fail(A2C_E_INVALID_ARG, __func__, "id is NULL");
    const builtin *b = find(id);
    if (!b) return unknown_id(__func__, id);
    if (!b->has_threshold)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "no reward threshold for id '%s'", b->id);
    if (!threshold) return a2c__fail(A2C_E_INVALID_ARG, __func__, "threshold is NULL");
    *threshold = b->reward_threshold;
    return A2C_OK;
}
