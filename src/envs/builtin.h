/* The frame the built-in environments share (builtin.c).
 *
 * Each built-in is one block: an a2c__builtin header (the table handed to
 * the host, the allocator), the space bounds the table points at, then the
 * sub-environments.  What differs between envs is stated once, in a static
 * const a2c__builtin_desc; what is the same word for word lives here:
 * making the block and filling in the table, close, save_state, the index
 * and NULL checks, and the framing of the saved state.
 *
 * What stays in each env's file, readable on its own: the physics, the
 * reset draws, which actions are valid, what a loaded state must satisfy,
 * and step_all's two loops, so that each env's hot loop calls its own
 * inlined `advance` rather than a function pointer per sub-environment.
 *
 * Only builtin.c and the env files include this header. */
#ifndef A2C_ENVS_BUILTIN_H
#define A2C_ENVS_BUILTIN_H

#include "common/common.h"

/* The largest table a2c_env_make builds (the public header promises it). */
#define A2C__BUILTIN_MAX_ENVS 65536u
/* The largest spaces among the built-ins (Acrobot's six observations, a
 * one-component push or torque). */
#define A2C__BUILTIN_MAX_OBS 6
#define A2C__BUILTIN_MAX_ACTION 1
/* The most doubles a built-in saves per sub-env (CartPole, Acrobot). */
#define A2C__BUILTIN_MAX_DOUBLES 4

/* The space bounds an env's make function passes in: a2c__builtin_make
 * copies obs_dim (and for BOX, action_dim) of each into the env's own
 * `bounds` array, which the table points at.  They are not all constant
 * expressions (some come from the env's constants), so they cannot be
 * static data; and storing only what the env uses keeps each block the
 * size it always was, which hosts budgeting an arena may rely on. */
typedef struct a2c__bounds {
    float obs_low[A2C__BUILTIN_MAX_OBS], obs_high[A2C__BUILTIN_MAX_OBS];
    float action_low[A2C__BUILTIN_MAX_ACTION], action_high[A2C__BUILTIN_MAX_ACTION];
} a2c__bounds;

/* One sub-environment's saved state, decoded.  The bytes, little-endian:
 *
 *     u32 tag | f64 x[n_doubles] | u32 elapsed | u32 started | [u32 flag]
 *
 * The tag names the env and its layout, so bytes of another env (or of a
 * later layout) are refused rather than misread.  Checkpoints already
 * written hold these bytes: the layout must not change. */
typedef struct a2c__saved {
    double x[A2C__BUILTIN_MAX_DOUBLES]; /* the env's own doubles, in its order */
    uint32_t elapsed;                   /* steps since reset */
    uint32_t started;                   /* reset at least once: 0 or 1 */
    uint32_t flag;                      /* if has_flag: 0 or 1 (CartPole's fell) */
} a2c__saved;

/* What makes one built-in different from the others. */
typedef struct a2c__builtin_desc {
    const char *id; /* the Gymnasium id, for a2c_env_make's messages */
    uint32_t obs_dim;
    int32_t action_kind; /* a2c_space_kind; BOX envs get action bounds */
    uint32_t action_dim;
    uint32_t max_steps; /* the TimeLimit the env reports itself */
    /* The env's struct is {a2c__builtin head; float bounds[n]; sub[]},
     * n = 2 * obs_dim, plus 2 * action_dim for BOX: obs_low, obs_high,
     * action_low, action_high in turn. */
    size_t bounds_offset; /* offsetof(the env's struct, bounds) */
    size_t head_size;     /* offsetof(the env's struct, sub): where sub-env 0 is */
    size_t sub_size;      /* sizeof one sub-env */
    /* the saved state */
    uint32_t state_tag;
    uint32_t n_doubles; /* at most A2C__BUILTIN_MAX_DOUBLES */
    int has_flag;       /* 1: a flag word follows `started` */
    void (*to_saved)(const void *sub, a2c__saved *out);
    /* the env's own callbacks (close and save_state are builtin.c's) */
    int (*reset)(void *user, uint32_t index, uint64_t seed, float *obs);
    int (*step)(void *user, uint32_t index, int32_t action, const float *box_action,
                float *obs, double *reward, int *terminated, int *truncated);
    int (*step_all)(void *user, const int32_t *actions, const float *box_actions, float *obs,
                    double *rewards, int *terminated, int *truncated);
    int (*load_state)(void *user, uint32_t index, const void *buf);
} a2c__builtin_desc;

/* The start of every built-in's block; the table's `user` points here.
 * The block's size follows from desc and num_envs. */
typedef struct a2c__builtin {
    a2c_env env;         /* the table the host sees */
    a2c_allocator alloc; /* the block frees itself with it */
    const a2c__builtin_desc *desc;
    uint32_t num_envs;
} a2c__builtin;

/* Makes the block for `num_envs` sub-environments (zeroed: none started)
 * and fills in its table, version A2C_ENV_V2.  Failures are recorded under
 * a2c_env_make, the only caller of the make functions: out NULL, num_envs
 * outside 1..A2C__BUILTIN_MAX_ENVS or a bad allocator (A2C_E_INVALID_ARG),
 * no memory (A2C_E_NOMEM, naming the env and the bytes asked for). */
a2c_status a2c__builtin_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc,
                             const a2c__builtin_desc *desc, const a2c__bounds *bounds);

/* Sub-environment `index` of the block behind `user` (the env's own type
 * through void *), or NULL for a NULL user or an index out of range: the
 * first check of every callback taking an index. */
static inline void *a2c__builtin_sub(void *user, uint32_t index)
{
    a2c__builtin *b = user;
    if (!b || index >= b->num_envs) return NULL;
    return (unsigned char *)b + b->desc->head_size + (size_t)index * b->desc->sub_size;
}

/* The same for the test hooks, through the table's `user` rather than the
 * table's address, in case a host copied the table.  NULL env: NULL. */
static inline void *a2c__builtin_sub_of(const a2c_env *env, uint32_t index)
{
    return a2c__builtin_sub(env ? env->user : NULL, index);
}

/* 1 if every output pointer of step or step_all is set. */
static inline int a2c__builtin_outputs(const float *obs, const double *rewards,
                                       const int *terminated, const int *truncated)
{
    return obs && rewards && terminated && truncated;
}

/* load_state's shared part: decodes the state_size bytes at `buf` into
 * *out and checks the frame (every byte used, nothing missing, the env's
 * tag, elapsed within max_steps, started and flag 0 or 1, no steps behind
 * a sub-env never reset).  Returns the sub-env to overwrite, or NULL for
 * a bad user, index or buf, or bytes that fail the frame.  The env then
 * checks its own values and writes the sub-env only if they pass, so a
 * refused load leaves it as it was. */
void *a2c__builtin_load(void *user, uint32_t index, const void *buf, a2c__saved *out);

#endif /* A2C_ENVS_BUILTIN_H */
