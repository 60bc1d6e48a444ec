/* The frame the built-in environments share: see builtin.h. */
#include "envs/builtin.h"

#include "common/codec.h"
#include "common/error.h"

#include <inttypes.h>

/* Only a2c_env_make calls the make functions, so their failures are
 * recorded under that name. */
static const char make_fn[] = "a2c_env_make";

/* The one writer of the layout in builtin.h; make's size count walks it
 * too, so state_size cannot disagree with what save_state writes. */
static void put_saved(a2c__writer *w, const a2c__builtin_desc *d, const a2c__saved *s)
{
    a2c__put_u32(w, d->state_tag);
    for (uint32_t k = 0; k < d->n_doubles; k++) a2c__put_f64(w, s->x[k]);
    a2c__put_u32(w, s->elapsed);
    a2c__put_u32(w, s->started);
    if (d->has_flag) a2c__put_u32(w, s->flag);
}

static int save_state(void *user, uint32_t index, void *buf)
{
    const void *sub = a2c__builtin_sub(user, index);
    if (!sub || !buf) return 1;
    const a2c__builtin *b = user;
    a2c__saved s;
    b->desc->to_saved(sub, &s);
    a2c__writer w = {buf, 0};
    put_saved(&w, b->desc, &s);
    return 0;
}

void *a2c__builtin_load(void *user, uint32_t index, const void *buf, a2c__saved *out)
{
    void *sub = a2c__builtin_sub(user, index);
    if (!sub || !buf || !out) return NULL;
    const a2c__builtin *b = user;
    const a2c__builtin_desc *d = b->desc;
    a2c__reader r = {buf, b->env.state_size, 0};
    const uint32_t tag = a2c__get_u32(&r);
    for (uint32_t k = 0; k < d->n_doubles; k++) out->x[k] = a2c__get_f64(&r);
    out->elapsed = a2c__get_u32(&r);
    out->started = a2c__get_u32(&r);
    out->flag = d->has_flag ? a2c__get_u32(&r) : 0;
    if (r.bad || r.left != 0 || tag != d->state_tag) return NULL;
    if (out->elapsed > d->max_steps || out->started > 1 || out->flag > 1) return NULL;
    /* a sub-env never reset has no steps behind it */
    if (!out->started && out->elapsed != 0) return NULL;
    return sub;
}

/* What the make function allocates for num_envs sub-envs (at most 65536
 * of a few dozen bytes: no overflow). */
static size_t block_size(const a2c__builtin_desc *d, uint32_t num_envs)
{
    return d->head_size + (size_t)num_envs * d->sub_size;
}

static void close_block(void *user)
{
    a2c__builtin *b = user;
    if (!b) return;
    const a2c_allocator a = b->alloc; /* the block holds the allocator */
    a2c__free(&a, b, block_size(b->desc, b->num_envs));
}

/* 1 if what the desc says fits where it goes: the bounds in a2c__bounds
 * and in the env's array (which ends where the sub-envs start), the
 * doubles in a2c__saved.  A slip in an env's desc then fails its first
 * make instead of writing over its sub-envs. */
static int desc_fits(const a2c__builtin_desc *d)
{
    const int box = d->action_kind == A2C_SPACE_BOX;
    const size_t n_bounds = 2 * (size_t)d->obs_dim + (box ? 2 * (size_t)d->action_dim : 0);
    return d->obs_dim <= A2C__BUILTIN_MAX_OBS &&
           (!box || d->action_dim <= A2C__BUILTIN_MAX_ACTION) &&
           d->bounds_offset >= sizeof(a2c__builtin) &&
           d->bounds_offset + n_bounds * sizeof(float) <= d->head_size &&
           d->n_doubles <= A2C__BUILTIN_MAX_DOUBLES;
}

/* Copies the bounds the table shows into the env's array, in its order. */
static void put_bounds(float *dst, const a2c__builtin_desc *d, const a2c__bounds *src)
{
    size_t n = 0;
    for (uint32_t k = 0; k < d->obs_dim; k++) dst[n++] = src->obs_low[k];
    for (uint32_t k = 0; k < d->obs_dim; k++) dst[n++] = src->obs_high[k];
    if (d->action_kind != A2C_SPACE_BOX) return;
    for (uint32_t k = 0; k < d->action_dim; k++) dst[n++] = src->action_low[k];
    for (uint32_t k = 0; k < d->action_dim; k++) dst[n++] = src->action_high[k];
}

a2c_status a2c__builtin_make(a2c_env **out, uint32_t num_envs, const a2c_allocator *alloc,
                             const a2c__builtin_desc *d, const a2c__bounds *bounds)
{
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, make_fn, "out is NULL");
    *out = NULL;
    if (num_envs == 0 || num_envs > A2C__BUILTIN_MAX_ENVS)
        return a2c__fail(A2C_E_INVALID_ARG, make_fn, "num_envs is %" PRIu32 ", expected 1..%u",
                         num_envs, A2C__BUILTIN_MAX_ENVS);
    if (!desc_fits(d))
        return a2c__fail(A2C_E_INVALID_ARG, make_fn, "%s: inconsistent built-in description",
                         d->id);
    a2c_allocator a;
    if (a2c__allocator(alloc, &a, make_fn) != A2C_OK) return A2C_E_INVALID_ARG;
    const size_t size = block_size(d, num_envs);
    a2c__builtin *b = a2c__alloc(&a, size); /* zeroed: no sub-env started yet */
    if (!b)
        return a2c__fail(A2C_E_NOMEM, make_fn,
                         "cannot allocate %s for %" PRIu32 " envs (%zu bytes)", d->id,
                         num_envs, size);
    b->alloc = a;
    b->desc = d;
    b->num_envs = num_envs;
    float *bounds_at = (float *)((unsigned char *)b + d->bounds_offset);
    put_bounds(bounds_at, d, bounds);
    const a2c__saved blank = {{0}, 0, 0, 0};
    a2c__writer count = {NULL, 0};
    put_saved(&count, d, &blank);
    const int box = d->action_kind == A2C_SPACE_BOX;
    a2c_env *e = &b->env;
    e->version = A2C_ENV_V3;
    e->num_envs = num_envs;
    e->obs_dim = d->obs_dim;
    e->action_kind = d->action_kind;
    e->action_dim = d->action_dim;
    e->max_episode_steps = d->max_steps;
    e->obs_low = bounds_at;
    e->obs_high = bounds_at + d->obs_dim;
    e->action_low = box ? bounds_at + 2 * d->obs_dim : NULL;
    e->action_high = box ? bounds_at + 2 * d->obs_dim + d->action_dim : NULL;
    e->user = b;
    e->reset = d->reset;
    e->step = d->step;
    e->step_all = d->step_all;
    e->close = close_block;
    e->state_size = (uint32_t)count.len;
    e->save_state = save_state;
    e->load_state = d->load_state;
    /* each sub-environment's state is its own: steps of different ones
     * may run at once */
    e->flags = A2C_ENV_CONCURRENT_STEP;
    *out = e;
    return A2C_OK;
}
