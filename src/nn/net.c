/* a2c_net: actor and critic MLPs over one flat parameter vector.
 *
 * Everything the net touches after creation (parameters, gradients, cached
 * activations, backward scratch) is carved from one aligned block sized at
 * creation, so forward, act and backward never allocate.  Activations are
 * cached per row: the trainer runs the forward pass of each rollout step
 * into its own rows and backpropagates the whole rollout at once without
 * recomputing anything. */
#include "nn/net.h"

#include "common/config.h"
#include "nn/layers.h"

#include <math.h>
#include <string.h>

typedef struct layer {
    size_t in, out;
    size_t w, b; /* offsets of the weight block and the bias in the flat vector */
    float *h;    /* cached outputs, max_batch x out (activated for hidden layers) */
    float *d;    /* hidden layers: dL/d pre-activation output, max_batch x out */
    float *wt;   /* the weights transposed (out x in), for the backward's dx */
} layer;

struct a2c_net {
    a2c_allocator alloc;
    const a2c__kernels *k;
    a2c_config *cfg; /* a copy of the configuration it was made from, for checkpoints */
    a2c__dist dist;  /* the action head's distribution */
    size_t obs_dim, max_batch, n_params, max_width;
    int activation, shared;
    size_t n_pi, n_vf; /* hidden layers per trunk; n_vf = 0 with a shared trunk */
    layer pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    layer head_pi, head_vf; /* head_pi.h are the head outputs, head_vf.h the values */
    size_t dist_params;     /* offset of the distribution's parameters */
    float *params, *grads;
    float *obs;             /* cached inputs, max_batch x obs_dim */
    float *delta_sum;       /* a shared trunk: the value head's share of its top's delta */
    float *dhead, *dvals;   /* loss gradients, max_batch x head_width and max_batch */
    const float *dy_pi, *dy_vf; /* the gradients the current backward starts from */
    float *scratch, *scratch_vf; /* narrow heads' dW^T per side, scratch_floats each */
    size_t scratch_floats;
    size_t cached;          /* batch of the last public forward, 0 if none */
    int locked;             /* its trainer is collecting or updating */
    int heads_fresh;        /* the heads' wt hold their weights (a2c__net_prepare_heads) */
    a2c__rng rng;           /* sampling stream */
    /* VecNormalize's observation statistics: with norm_obs the public
     * forward and act normalise raw observations with them; the trainer
     * updates them and feeds normalised rows itself */
    int norm_obs;
    double clip_obs;
    a2c__rms obs_rms;
    double *rms_mean, *rms_var;
    /* BOX: the action space's bounds (+-inf when unknown), which the
     * public acting clips to, as SB3's predict does */
    float *act_low, *act_high;
    /* gSDE: the exploration matrices, one per environment (n_noise, the
     * config's n_envs), each latent_dim x action_dim */
    float *noise;
    size_t n_noise;
    unsigned char *block;
    size_t block_bytes;
};

/* ---- layout ---- */

static void place(layer *l, size_t in, size_t out, size_t *n_params)
{
    l->in = in;
    l->out = out;
    l->w = *n_params;
    l->b = l->w + in * out;
    *n_params = l->b + out;
}

/* Bytes the block needs, or 0 on overflow.  With a block, also points every
 * buffer into it: the same walk both times keeps the two in step. */
static size_t lay_out(a2c_net *net, unsigned char *block)
{
    const size_t rows = net->max_batch, f = sizeof(float);
    size_t used = 0;
    net->params = a2c__carve(1, net->n_params, f, block, &used);
    net->grads = a2c__carve(1, net->n_params, f, block, &used);
    net->obs = a2c__carve(rows, net->obs_dim, f, block, &used);
    for (size_t l = 0; l < net->n_pi; l++)
        net->pi[l].h = a2c__carve(rows, net->pi[l].out, f, block, &used);
    for (size_t l = 0; l < net->n_vf; l++)
        net->vf[l].h = a2c__carve(rows, net->vf[l].out, f, block, &used);
    net->head_pi.h = a2c__carve(rows, net->dist.head_width, f, block, &used);
    net->head_vf.h = a2c__carve(rows, 1, f, block, &used);
    for (size_t l = 0; l < net->n_pi; l++) {
        net->pi[l].d = a2c__carve(rows, net->pi[l].out, f, block, &used);
        net->pi[l].wt = a2c__carve(net->pi[l].in, net->pi[l].out, f, block, &used);
    }
    for (size_t l = 0; l < net->n_vf; l++) {
        net->vf[l].d = a2c__carve(rows, net->vf[l].out, f, block, &used);
        net->vf[l].wt = a2c__carve(net->vf[l].in, net->vf[l].out, f, block, &used);
    }
    net->head_pi.wt = a2c__carve(net->head_pi.in, net->head_pi.out, f, block, &used);
    net->head_vf.wt = a2c__carve(net->head_vf.in, 1, f, block, &used);
    net->delta_sum = a2c__carve(rows, net->shared ? net->head_vf.in : 0, f, block, &used);
    net->dhead = a2c__carve(rows, net->dist.head_width, f, block, &used);
    net->dvals = a2c__carve(rows, 1, f, block, &used);
    net->scratch = a2c__carve(1, net->scratch_floats, f, block, &used);
    net->scratch_vf = a2c__carve(1, net->scratch_floats, f, block, &used);
    net->rms_mean = a2c__carve(1, net->obs_dim, sizeof(double), block, &used);
    net->rms_var = a2c__carve(1, net->obs_dim, sizeof(double), block, &used);
    const size_t box_dim = net->dist.action_kind == A2C_SPACE_BOX ? net->dist.action_dim : 0;
    net->act_low = a2c__carve(1, box_dim, f, block, &used);
    net->act_high = a2c__carve(1, box_dim, f, block, &used);
    net->noise = a2c__carve(net->n_noise, net->dist.use_sde ? net->dist.n_params : 0, f, block,
                            &used);
    return used == SIZE_MAX ? 0 : used;
}

/* ---- initialisation ---- */

static void init_layer(a2c_net *net, const layer *l, int ortho, double gain, a2c__rng *rng,
                       double *scratch)
{
    float *w = net->params + l->w, *b = net->params + l->b;
    if (ortho) {
        a2c__orthogonal(w, l->in, l->out, gain, rng, scratch);
        memset(b, 0, l->out * sizeof *b);
    } else {
        /* torch.nn.Linear's default: U(-1/sqrt(in), 1/sqrt(in)) for both */
        const double bound = 1.0 / sqrt((double)l->in);
        for (size_t k = 0; k < l->in * l->out; k++)
            w[k] = (float)((2.0 * a2c__rng_uniform(rng) - 1.0) * bound);
        for (size_t k = 0; k < l->out; k++)
            b[k] = (float)((2.0 * a2c__rng_uniform(rng) - 1.0) * bound);
    }
}

/* Lays out the layers of a net made from `cfg` in the flat vector, filling
 * the sizes and offsets of `net` (nothing is allocated). */
static void plan(a2c_net *net, const a2c_config *cfg, size_t obs_dim, const a2c__dist *dist)
{
    int32_t pi_widths[A2C_MAX_LAYERS], vf_widths[A2C_MAX_LAYERS];
    size_t n_pi, n_vf;
    a2c_config_get_net_arch(cfg, pi_widths, &n_pi, vf_widths, &n_vf);
    net->dist = *dist;
    net->obs_dim = obs_dim;
    net->activation = (int)a2c__cfg_int(cfg, A2C_PARAM_ACTIVATION_FN);
    net->shared = (int)a2c__cfg_int(cfg, A2C_PARAM_SHARED_TRUNK);
    net->n_pi = n_pi;
    net->n_vf = net->shared ? 0 : n_vf;
    /* Parameter order: actor trunk, critic trunk, action head, value head,
     * then the distribution's own parameters. */
    size_t n = 0, width = obs_dim, max_width = 1;
    for (size_t l = 0; l < net->n_pi; l++) {
        place(&net->pi[l], width, (size_t)pi_widths[l], &n);
        width = (size_t)pi_widths[l];
        max_width = width > max_width ? width : max_width;
    }
    const size_t pi_width = width;
    width = obs_dim;
    for (size_t l = 0; l < net->n_vf; l++) {
        place(&net->vf[l], width, (size_t)vf_widths[l], &n);
        width = (size_t)vf_widths[l];
        max_width = width > max_width ? width : max_width;
    }
    const size_t vf_width = net->shared ? pi_width : width;
    place(&net->head_pi, pi_width, dist->head_width, &n);
    place(&net->head_vf, vf_width, 1, &n);
    net->dist_params = n;
    n += dist->n_params;
    net->n_params = n;
    net->max_width = max_width;
    const layer *all[2 * A2C_MAX_LAYERS + 2];
    size_t n_all = 0;
    for (size_t l = 0; l < net->n_pi; l++) all[n_all++] = &net->pi[l];
    for (size_t l = 0; l < net->n_vf; l++) all[n_all++] = &net->vf[l];
    all[n_all++] = &net->head_pi;
    all[n_all++] = &net->head_vf;
    net->scratch_floats = 0;
    for (size_t l = 0; l < n_all; l++) {
        const size_t need = a2c__linear_scratch(all[l]->in, all[l]->out);
        net->scratch_floats = need > net->scratch_floats ? need : net->scratch_floats;
    }
}

/* The distribution a net made from `cfg` has: gSDE's latent is the actor
 * trunk's output (the observation without hidden layers). */
static a2c_status dist_for(const a2c_config *cfg, size_t obs_dim, int action_kind,
                           size_t action_dim, a2c__dist *out)
{
    int32_t pi[A2C_MAX_LAYERS];
    size_t n_pi;
    a2c_config_get_net_arch(cfg, pi, &n_pi, NULL, NULL);
    const a2c__dist_options opt = {(int)a2c__cfg_int(cfg, A2C_PARAM_USE_SDE),
                                   n_pi ? (size_t)pi[n_pi - 1] : obs_dim,
                                   a2c__cfg_double(cfg, A2C_PARAM_LOG_STD_INIT)};
    return a2c__dist_init(out, action_kind, action_dim, &opt);
}

size_t a2c__net_param_count_for(const a2c_config *cfg, size_t obs_dim, int action_kind,
                                size_t action_dim)
{
    a2c__dist dist;
    if (obs_dim < 1 || obs_dim > A2C_MAX_WIDTH ||
        dist_for(cfg, obs_dim, action_kind, action_dim, &dist) != A2C_OK)
        return 0;
    a2c_net net;
    memset(&net, 0, sizeof net);
    plan(&net, cfg, obs_dim, &dist);
    return net.n_params;
}

/* Rows of activations a net read from a checkpoint gets: the saved
 * max_batch, but no more than keeps the workspace within twice the bytes
 * of the parameters (at least one row), so that a file claiming a huge
 * batch costs memory in proportion to its own size.  Acting runs any batch
 * max_batch rows at a time, so this changes no result. */
static size_t bounded_rows(a2c_net *net, size_t rows)
{
    /* each buffer is rounded up to whole cache lines, so measure the cost
     * of many rows at once */
    enum { PROBE_ROWS = 64 };
    net->max_batch = 0;
    const size_t none = lay_out(net, NULL);
    net->max_batch = PROBE_ROWS;
    const size_t probe = lay_out(net, NULL);
    if (none == 0 || probe < none) return 1; /* overflow: creation will refuse it */
    const size_t per_row = (probe - none + PROBE_ROWS - 1) / PROBE_ROWS;
    const size_t budget = 2 * net->n_params * sizeof(float);
    const size_t fit = per_row > 0 ? budget / per_row : rows;
    return rows < fit ? rows : (fit > 0 ? fit : 1);
}

A2C_API a2c_status a2c_net_create(a2c_net **out, const a2c_config *cfg, size_t obs_dim,
                                  size_t n_actions)
{
    return a2c__net_create(out, cfg, obs_dim, A2C_SPACE_DISCRETE, n_actions, 1, __func__);
}

/* a2c__net_create, and with `bounded` the workspace of a net read from a
 * checkpoint (bounded_rows). */
static a2c_status create(a2c_net **out, const a2c_config *cfg, size_t obs_dim, int action_kind,
                         size_t action_dim, int initialise, int bounded, const char *fn)
{
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, fn, "out is NULL");
    *out = NULL;
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, fn, "cfg is NULL");
    if (obs_dim < 1 || obs_dim > A2C_MAX_WIDTH)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "obs_dim is %zu, expected 1..%d", obs_dim,
                         A2C_MAX_WIDTH);
    a2c__dist dist;
    if (action_dim < 1 || action_dim > A2C_MAX_WIDTH)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "n_actions is %zu, expected 1..%d",
                         action_dim, A2C_MAX_WIDTH);
    if (dist_for(cfg, obs_dim, action_kind, action_dim, &dist) != A2C_OK)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "action space kind %d is not supported",
                         action_kind);
    /* as SB3 refuses it: gSDE is a continuous distribution */
    if (action_kind == A2C_SPACE_DISCRETE && a2c__cfg_int(cfg, A2C_PARAM_USE_SDE))
        return a2c__fail(A2C_E_INVALID_ARG, fn, "use_sde needs continuous (BOX) actions; these "
                                                "are discrete");

    size_t max_batch = (size_t)a2c__cfg_int(cfg, A2C_PARAM_MAX_BATCH);
    if (max_batch == 0 && !a2c__mul_size((size_t)a2c__cfg_int(cfg, A2C_PARAM_N_STEPS),
                                         (size_t)a2c__cfg_int(cfg, A2C_PARAM_N_ENVS), &max_batch))
        return a2c__fail(A2C_E_INVALID_ARG, fn, "n_steps x n_envs overflows");

    const a2c_allocator *alloc = a2c__config_allocator(cfg);
    a2c_status rc = A2C_OK;
    double *scratch = NULL;
    size_t scratch_bytes = 0;
    a2c_net *net = a2c__alloc(alloc, sizeof *net);
    if (!net) return a2c__fail(A2C_E_NOMEM, fn, "no memory for the net");
    net->alloc = *alloc;
    net->k = a2c__kernels_select();
    /* one exploration matrix per env for a trainer's net; a net read from
     * a file acts with one (as SB3's predict does when the batch is not
     * one row per env), so its memory stays in proportion to the file */
    net->n_noise = bounded ? 1 : (size_t)a2c__cfg_int(cfg, A2C_PARAM_N_ENVS);
    plan(net, cfg, obs_dim, &dist);
    net->max_batch = bounded ? bounded_rows(net, max_batch) : max_batch;
    if (a2c_config_clone(cfg, &net->cfg) != A2C_OK) {
        rc = a2c__fail(A2C_E_NOMEM, fn, "no memory for the net's configuration");
        goto fail;
    }
    const size_t head_width = dist.head_width;
    const size_t pi_width = net->head_pi.in, vf_width = net->head_vf.in;

    net->block_bytes = lay_out(net, NULL);
    if (net->block_bytes == 0) {
        rc = a2c__fail(A2C_E_INVALID_ARG, fn, "the net's buffers overflow the address space "
                                              "(max_batch %zu)", net->max_batch);
        goto fail;
    }
    net->block = a2c__alloc(alloc, net->block_bytes);
    if (!net->block) {
        rc = a2c__fail(A2C_E_NOMEM, fn, "no memory for the net's %zu-byte block",
                       net->block_bytes);
        goto fail;
    }
    lay_out(net, net->block);
    net->norm_obs = (int)a2c__cfg_int(cfg, A2C_PARAM_NORM_OBS);
    net->clip_obs = a2c__cfg_double(cfg, A2C_PARAM_CLIP_OBS);
    a2c__rms_init(&net->obs_rms, net->rms_mean, net->rms_var, obs_dim);
    for (size_t k = 0; dist.action_kind == A2C_SPACE_BOX && k < dist.action_dim; k++) {
        net->act_low[k] = -HUGE_VALF;
        net->act_high[k] = HUGE_VALF;
    }

    /* Orthogonal init needs in*out doubles for its largest layer. */
    size_t biggest = head_width * (pi_width > vf_width ? pi_width : vf_width);
    for (size_t l = 0; l < net->n_pi; l++)
        biggest = net->pi[l].in * net->pi[l].out > biggest ? net->pi[l].in * net->pi[l].out
                                                           : biggest;
    for (size_t l = 0; l < net->n_vf; l++)
        biggest = net->vf[l].in * net->vf[l].out > biggest ? net->vf[l].in * net->vf[l].out
                                                           : biggest;
    const int ortho = (int)a2c__cfg_int(cfg, A2C_PARAM_ORTHO_INIT);
    const uint64_t seed = (uint64_t)a2c__cfg_int(cfg, A2C_PARAM_SEED);
    a2c__rng_seed(&net->rng, seed, 1);
    if (!initialise) {
        *out = net;
        return A2C_OK;
    }
    if (ortho) {
        scratch_bytes = biggest * sizeof(double);
        scratch = a2c__alloc(alloc, scratch_bytes);
        if (!scratch) {
            rc = a2c__fail(A2C_E_NOMEM, fn, "no memory for orthogonal initialisation");
            goto fail;
        }
    }
    a2c__rng init_rng;
    a2c__rng_seed(&init_rng, seed, 0);
    /* SB3's gains: sqrt(2) hidden, 0.01 action head, 1 value head. */
    for (size_t l = 0; l < net->n_pi; l++)
        init_layer(net, &net->pi[l], ortho, sqrt(2.0), &init_rng, scratch);
    for (size_t l = 0; l < net->n_vf; l++)
        init_layer(net, &net->vf[l], ortho, sqrt(2.0), &init_rng, scratch);
    init_layer(net, &net->head_pi, ortho, 0.01, &init_rng, scratch);
    init_layer(net, &net->head_vf, ortho, 1.0, &init_rng, scratch);
    net->dist.ops->init_params(&net->dist, net->params + net->dist_params);
    /* gSDE's first exploration matrices, as SB3 draws them with the policy */
    a2c__net_reset_noise(net, &net->rng);
    a2c__free(alloc, scratch, scratch_bytes);
    *out = net;
    return A2C_OK;
fail:
    a2c_net_destroy(net);
    return rc;
}

a2c_status a2c__net_create(a2c_net **out, const a2c_config *cfg, size_t obs_dim,
                           int action_kind, size_t action_dim, int initialise, const char *fn)
{
    return create(out, cfg, obs_dim, action_kind, action_dim, initialise, 0, fn);
}

A2C_API void a2c_net_destroy(a2c_net *net)
{
    if (!net) return;
    a2c_allocator a = net->alloc;
    a2c_config_destroy(net->cfg);
    a2c__free(&a, net->block, net->block_bytes);
    a2c__free(&a, net, sizeof *net);
}

/* ---- for the other modules ---- */

void a2c__net_ranges(const a2c_net *net, a2c__net_layout *out)
{
    const size_t critic = net->n_vf > 0 ? net->vf[0].w : net->head_pi.w;
    out->actor_trunk = (a2c__range){0, critic};
    out->critic_trunk = (a2c__range){critic, net->head_pi.w};
    out->action_head = (a2c__range){net->head_pi.w, net->head_vf.w};
    out->value_head = (a2c__range){net->head_vf.w, net->dist_params};
    out->dist_params = (a2c__range){net->dist_params, net->n_params};
}

const a2c__dist *a2c__net_dist(const a2c_net *net) { return &net->dist; }
int a2c__net_shared(const a2c_net *net) { return net->shared; }
const a2c_allocator *a2c__net_allocator(const a2c_net *net) { return &net->alloc; }
const a2c__kernels *a2c__net_kernels(const a2c_net *net) { return net->k; }
void a2c__net_use_kernels(a2c_net *net, const a2c__kernels *k) { net->k = k; }
const a2c_config *a2c__net_config(const a2c_net *net) { return net->cfg; }
const float *a2c__net_head(const a2c_net *net, size_t row)
{
    return net->head_pi.h + row * net->dist.head_width;
}
const float *a2c__net_dist_params(const a2c_net *net) { return net->params + net->dist_params; }
const float *a2c__net_const_params(const a2c_net *net) { return net->params; }
size_t a2c__net_cached(const a2c_net *net) { return net->cached; }
void a2c__net_invalidate(a2c_net *net)
{
    net->cached = 0;
    net->heads_fresh = 0;
}

void a2c__net_lock(a2c_net *net, int locked)
{
    net->locked = locked;
    if (!locked) net->heads_fresh = 0; /* the host may change the parameters now */
}

void a2c__net_prepare_heads(a2c_net *net)
{
    net->k->transpose(net->params + net->head_pi.w, net->head_pi.in, net->head_pi.out,
                      net->head_pi.wt);
    net->k->transpose(net->params + net->head_vf.w, net->head_vf.in, 1, net->head_vf.wt);
    net->heads_fresh = 1;
}

a2c_status a2c__net_check_unlocked(const a2c_net *net, const char *fn)
{
    if (!net->locked) return A2C_OK;
    return a2c__fail(A2C_E_STATE, fn, "the net's trainer is collecting or updating (called from "
                                      "an environment callback during a2c_trainer_learn?)");
}
float *a2c__net_dhead(a2c_net *net) { return net->dhead; }
float *a2c__net_dvalues(a2c_net *net) { return net->dvals; }
float *a2c__net_dist_grads(a2c_net *net) { return net->grads + net->dist_params; }

/* ---- accessors ---- */

A2C_API size_t a2c_net_param_count(const a2c_net *net) { return net ? net->n_params : 0; }
A2C_API size_t a2c_net_obs_dim(const a2c_net *net) { return net ? net->obs_dim : 0; }
A2C_API size_t a2c_net_n_actions(const a2c_net *net) { return net ? net->dist.head_width : 0; }
A2C_API size_t a2c_net_max_batch(const a2c_net *net) { return net ? net->max_batch : 0; }
A2C_API float *a2c_net_params(a2c_net *net) { return net ? net->params : NULL; }
A2C_API float *a2c_net_grads(a2c_net *net) { return net ? net->grads : NULL; }

/* The checks every call on a net's parameter vector makes. */
static a2c_status check_vector(const a2c_net *net, const void *v, const char *name, size_t n,
                               const char *fn)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, fn, "net is NULL");
    if (!v) return a2c__fail(A2C_E_INVALID_ARG, fn, "%s is NULL", name);
    if (n != net->n_params)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "n is %zu, expected the parameter count %zu", n,
                         net->n_params);
    return A2C_OK;
}

A2C_API a2c_status a2c_net_get_params(const a2c_net *net, float *dst, size_t n)
{
    const a2c_status rc = check_vector(net, dst, "dst", n, __func__);
    if (rc != A2C_OK) return rc;
    memcpy(dst, net->params, n * sizeof *dst);
    return A2C_OK;
}

A2C_API a2c_status a2c_net_set_params(a2c_net *net, const float *src, size_t n)
{
    a2c_status rc = check_vector(net, src, "src", n, __func__);
    if (rc == A2C_OK) rc = a2c__net_check_unlocked(net, __func__);
    if (rc != A2C_OK) return rc;
    if (!a2c__all_finite(src, n))
        return a2c__fail(A2C_E_NONFINITE, __func__, "src holds NaN or infinity");
    memcpy(net->params, src, n * sizeof *src);
    net->cached = 0; /* cached activations belong to the old parameters */
    return A2C_OK;
}

A2C_API a2c_status a2c_net_zero_grad(a2c_net *net)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    memset(net->grads, 0, net->n_params * sizeof *net->grads);
    return A2C_OK;
}

A2C_API a2c_status a2c_net_seed(a2c_net *net, uint64_t seed)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    a2c__rng_seed(&net->rng, seed, 1);
    return A2C_OK;
}

/* ---- forward ---- */

/* Runs rows [r0, r0 + batch) of x through a trunk; returns its output
 * rows (x itself for an empty trunk). */
static const float *trunk_forward(const a2c_net *net, const layer *ls, size_t n,
                                  const float *x, size_t r0, size_t batch)
{
    for (size_t l = 0; l < n; l++) {
        float *y = ls[l].h + r0 * ls[l].out;
        a2c__linear_forward(net->k, x, batch, ls[l].in, ls[l].out, net->params + ls[l].w,
                            net->params + ls[l].b, y);
        a2c__activation_forward(net->k, net->activation, y, batch * ls[l].out);
        x = y;
    }
    return x;
}

static void head_forward(const a2c_net *net, const layer *head, const float *x, size_t r0,
                         size_t batch)
{
    if (net->heads_fresh && head->out < A2C__LINEAR_NARROW) {
        a2c__linear_forward_narrow(x, batch, head->in, head->out, head->wt,
                                   net->params + head->b, head->h + r0 * head->out);
        return;
    }
    a2c__linear_forward(net->k, x, batch, head->in, head->out, net->params + head->w,
                        net->params + head->b, head->h + r0 * head->out);
}

void a2c__net_set_inputs(a2c_net *net, const float *obs, size_t r0, size_t batch)
{
    float *x = net->obs + r0 * net->obs_dim;
    if (x != obs) memcpy(x, obs, batch * net->obs_dim * sizeof *x);
}

void a2c__net_forward_actor(a2c_net *net, size_t r0, size_t batch)
{
    const float *x = net->obs + r0 * net->obs_dim;
    const float *h = trunk_forward(net, net->pi, net->n_pi, x, r0, batch);
    head_forward(net, &net->head_pi, h, r0, batch);
}

void a2c__net_forward_critic(a2c_net *net, size_t r0, size_t batch)
{
    const float *x = net->obs + r0 * net->obs_dim;
    const float *h = trunk_forward(net, net->vf, net->n_vf, x, r0, batch);
    head_forward(net, &net->head_vf, h, r0, batch);
}

/* Forward over rows whose inputs are in place. */
void a2c__net_forward_cached(a2c_net *net, size_t r0, size_t batch, int want_pi)
{
    if (net->shared) {
        const float *x = net->obs + r0 * net->obs_dim;
        const float *h = trunk_forward(net, net->pi, net->n_pi, x, r0, batch);
        if (want_pi) head_forward(net, &net->head_pi, h, r0, batch);
        head_forward(net, &net->head_vf, h, r0, batch);
        return;
    }
    if (want_pi) a2c__net_forward_actor(net, r0, batch);
    a2c__net_forward_critic(net, r0, batch);
}

a2c_status a2c__net_forward_rows(a2c_net *net, const float *obs, size_t r0, size_t batch,
                                 int want_pi)
{
    if (batch == 0 || r0 > net->max_batch || batch > net->max_batch - r0)
        return A2C_E_INVALID_ARG;
    a2c__net_set_inputs(net, obs, r0, batch);
    a2c__net_forward_cached(net, r0, batch, want_pi);
    return A2C_OK;
}

/* The public entry: raw observations, normalised on their way in when the
 * net carries observation statistics. */
static void forward_raw(a2c_net *net, const float *obs, size_t batch)
{
    if (net->norm_obs) a2c__rms_normalize(&net->obs_rms, obs, batch, net->clip_obs, net->obs);
    else a2c__net_set_inputs(net, obs, 0, batch);
    a2c__net_forward_cached(net, 0, batch, 1);
}

/* ---- health: saturated units ---- */

/* tanh: the fraction of the cached activations of rows 0..batch-1 with
 * |h| > 0.99, where the unit passes on less than 2% of its gradient.
 * ReLU: the fraction of units that are 0 on every row (dead: no gradient
 * at all).  Over all of a trunk's layers; 0 for a trunk without any. */
static double trunk_saturation(const a2c_net *net, const layer *ls, size_t n, size_t batch)
{
    size_t hit = 0, all = 0;
    for (size_t l = 0; l < n; l++) {
        const size_t out = ls[l].out;
        const float *h = ls[l].h;
        if (net->activation == A2C_ACTIVATION_TANH) {
            hit += net->k->count_beyond(h, batch * out, 0.99f);
            all += batch * out;
            continue;
        }
        for (size_t u = 0; u < out; u++) {
            size_t b = 0;
            while (b < batch && h[b * out + u] == 0.0f) b++;
            hit += b == batch;
        }
        all += out;
    }
    return all ? (double)hit / (double)all : 0.0;
}

double a2c__net_trunk_saturation(const a2c_net *net, int critic, size_t batch)
{
    return critic && !net->shared ? trunk_saturation(net, net->vf, net->n_vf, batch)
                                  : trunk_saturation(net, net->pi, net->n_pi, batch);
}

const float *a2c__net_values(const a2c_net *net, size_t row)
{
    return net->head_vf.h + row;
}

A2C_API a2c_status a2c_net_forward(a2c_net *net, const float *obs, size_t batch, float *logits,
                                   float *values)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    if (net->locked) return a2c__net_check_unlocked(net, __func__);
    net->cached = 0;
    if (!obs) return a2c__fail(A2C_E_INVALID_ARG, __func__, "obs is NULL");
    if (batch == 0 || batch > net->max_batch)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "batch is %zu, expected 1..max_batch (%zu)",
                         batch, net->max_batch);
    if (!a2c__all_finite(obs, batch * net->obs_dim))
        return a2c__fail(A2C_E_NONFINITE, __func__, "obs holds NaN or infinity");
    forward_raw(net, obs, batch);
    net->cached = batch;
    if (logits) memcpy(logits, net->head_pi.h, batch * net->dist.head_width * sizeof *logits);
    if (values) memcpy(values, net->head_vf.h, batch * sizeof *values);
    return A2C_OK;
}

const float *a2c__net_latent(const a2c_net *net, size_t row)
{
    if (net->n_pi == 0) return net->obs + row * net->obs_dim;
    const layer *top = &net->pi[net->n_pi - 1];
    return top->h + row * top->out;
}

a2c_status a2c__net_sample(a2c_net *net, size_t row0, size_t batch, a2c__rng *rng,
                           int deterministic, int32_t *discrete, float *box, float *log_probs)
{
    const int sde = net->dist.use_sde;
    /* the gradient rows are free while acting: row0's serves as scratch */
    return net->dist.ops->act(&net->dist, a2c__net_head(net, row0),
                              net->params + net->dist_params,
                              sde ? a2c__net_latent(net, row0) : NULL, sde ? net->noise : NULL,
                              net->n_noise, batch, deterministic, rng, discrete, box, log_probs,
                              net->dhead + row0 * net->dist.head_width);
}

void a2c__net_reset_noise(a2c_net *net, a2c__rng *rng)
{
    if (net->dist.use_sde)
        a2c__gsde_draw_noise(&net->dist, net->params + net->dist_params, rng, net->noise,
                             net->n_noise);
}

size_t a2c__net_noise_count(const a2c_net *net) { return net->dist.use_sde ? net->n_noise : 0; }
float *a2c__net_noise(a2c_net *net) { return net->noise; }

void a2c__net_set_action_bounds(a2c_net *net, const float *low, const float *high)
{
    for (size_t k = 0; net->dist.action_kind == A2C_SPACE_BOX && k < net->dist.action_dim; k++) {
        net->act_low[k] = low ? low[k] : -HUGE_VALF;
        net->act_high[k] = high ? high[k] : HUGE_VALF;
    }
}

const float *a2c__net_action_low(const a2c_net *net) { return net->act_low; }
const float *a2c__net_action_high(const a2c_net *net) { return net->act_high; }

a2c_status a2c__net_act(a2c_net *net, const float *obs, size_t batch, int deterministic,
                        a2c__rng *rng, int32_t *discrete, float *box, float *log_probs,
                        float *values)
{
    net->cached = 0;
    const size_t box_dim = net->dist.action_kind == A2C_SPACE_BOX ? net->dist.action_dim : 0;
    for (size_t start = 0; start < batch; start += net->max_batch) {
        const size_t chunk = batch - start < net->max_batch ? batch - start : net->max_batch;
        forward_raw(net, obs + start * net->obs_dim, chunk);
        const a2c_status rc = a2c__net_sample(net, 0, chunk, rng, deterministic,
                                 discrete ? discrete + start : NULL,
                                 box ? box + start * box_dim : NULL,
                                 log_probs ? log_probs + start : NULL);
        if (rc != A2C_OK) return rc;
        if (values) memcpy(values + start, net->head_vf.h, chunk * sizeof *values);
        net->cached = chunk;
    }
    return A2C_OK;
}

A2C_API a2c_status a2c_net_act(a2c_net *net, const float *obs, size_t batch, int deterministic,
                               int32_t *actions, float *log_probs, float *values)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    if (net->locked) return a2c__net_check_unlocked(net, __func__);
    if (!obs) return a2c__fail(A2C_E_INVALID_ARG, __func__, "obs is NULL");
    if (!actions) return a2c__fail(A2C_E_INVALID_ARG, __func__, "actions is NULL");
    if (batch == 0 || batch > SIZE_MAX / net->obs_dim)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "batch is %zu", batch);
    if (net->dist.action_kind != A2C_SPACE_DISCRETE)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "the net's actions are not discrete");
    if (!a2c__all_finite(obs, batch * net->obs_dim))
        return a2c__fail(A2C_E_NONFINITE, __func__, "obs holds NaN or infinity");
    const a2c_status rc =
        a2c__net_act(net, obs, batch, deterministic, &net->rng, actions, NULL, log_probs, values);
    if (rc == A2C_E_NONFINITE)
        return a2c__fail(rc, __func__, "the policy's outputs are not finite");
    return a2c__fail_status(rc, __func__);
}

/* ---- backward ---- */

/* The backward runs in three stages, each of which threads may share:
 * the weights transposed (per side), the deltas (dL/d each hidden layer's
 * pre-activation output, per row), and the weight and bias gradients (per
 * output entry: each a sum over the rows in order).  No stage's result
 * depends on how it is divided, so neither does the gradient. */

void a2c__net_backward_begin(a2c_net *net, const float *dlogits, const float *dvalues)
{
    net->dy_pi = dlogits;
    net->dy_vf = dvalues;
}

/* The layers of one side whose inputs' gradients are needed: every hidden
 * layer but the first, and the head(s) above a trunk. */
void a2c__net_backward_transpose(a2c_net *net, int side)
{
    const layer *ls = side ? net->vf : net->pi;
    const size_t n = side ? net->n_vf : net->n_pi;
    if ((side == 1 && net->shared) || n == 0) return;
    for (size_t l = 1; l < n; l++)
        net->k->transpose(net->params + ls[l].w, ls[l].in, ls[l].out, ls[l].wt);
    const layer *head = side ? &net->head_vf : &net->head_pi;
    net->k->transpose(net->params + head->w, head->in, head->out, head->wt);
    if (net->shared)
        net->k->transpose(net->params + net->head_vf.w, net->head_vf.in, 1, net->head_vf.wt);
}

/* Rows [r0, r0 + rows) of a trunk's deltas, from its top layer's (in
 * place) down. */
static void trunk_deltas(const a2c_net *net, const layer *ls, size_t n, size_t r0, size_t rows)
{
    for (size_t l = n; l-- > 0;) {
        const layer *L = &ls[l];
        float *d = L->d + r0 * L->out;
        a2c__activation_backward(net->k, net->activation, L->h + r0 * L->out, d, rows * L->out);
        if (l > 0)
            a2c__linear_input_grads(net->k, d, rows, L->in, L->out, L->wt,
                                    ls[l - 1].d + r0 * L->in);
    }
}

void a2c__net_backward_deltas(a2c_net *net, int side, size_t r0, size_t rows)
{
    const size_t n = side ? net->n_vf : net->n_pi;
    if ((side == 1 && net->shared) || n == 0) return;
    const layer *ls = side ? net->vf : net->pi, *top = &ls[n - 1];
    float *d = top->d + r0 * top->out;
    if (!net->shared) {
        const layer *head = side ? &net->head_vf : &net->head_pi;
        const float *dy = side ? net->dy_vf : net->dy_pi;
        if (!dy) return;
        a2c__linear_input_grads(net->k, dy + r0 * head->out, rows, head->in, head->out, head->wt,
                                d);
        trunk_deltas(net, ls, n, r0, rows);
        return;
    }
    /* One trunk under both heads: its output gradient is the sum of the
     * two heads' input gradients. */
    const float *dy_pi = net->dy_pi, *dy_vf = net->dy_vf;
    if (!dy_pi && !dy_vf) return;
    const layer *hp = &net->head_pi, *hv = &net->head_vf;
    if (dy_pi) a2c__linear_input_grads(net->k, dy_pi + r0 * hp->out, rows, hp->in, hp->out,
                                       hp->wt, d);
    if (dy_vf) {
        float *sum = dy_pi ? net->delta_sum + r0 * top->out : d;
        a2c__linear_input_grads(net->k, dy_vf + r0, rows, hv->in, 1, hv->wt, sum);
        if (dy_pi)
            for (size_t k = 0; k < rows * top->out; k++) d[k] += sum[k];
    }
    trunk_deltas(net, ls, n, r0, rows);
}

/* Last hidden output rows of a trunk (the observations if it is empty). */
static const float *trunk_top(const a2c_net *net, const layer *ls, size_t n, size_t r0)
{
    return n > 0 ? ls[n - 1].h + r0 * ls[n - 1].out : net->obs + r0 * net->obs_dim;
}

/* Part `part` of a layer's weight and bias gradients over `batch` rows. */
static void layer_grads(a2c_net *net, const layer *L, const float *x, const float *dy,
                        size_t batch, unsigned part, unsigned parts, float *scratch)
{
    a2c__linear_weight_grads(net->k, x, dy, batch, L->in, L->out, net->grads + L->w,
                             net->grads + L->b, a2c__part_start(L->in, part, parts, 8),
                             a2c__part_start(L->in, part + 1, parts, 8),
                             a2c__part_start(L->out, part, parts, 8),
                             a2c__part_start(L->out, part + 1, parts, 8), scratch);
}

void a2c__net_backward_weights(a2c_net *net, int side, size_t batch, unsigned part,
                               unsigned parts)
{
    if (side == 1 && net->shared) return;
    const layer *ls = side ? net->vf : net->pi;
    const size_t n = side ? net->n_vf : net->n_pi;
    const float *dy_pi = side ? NULL : net->dy_pi;
    const float *dy_vf = side || net->shared ? net->dy_vf : NULL;
    if (!dy_pi && !dy_vf) return;
    float *scratch = side ? net->scratch_vf : net->scratch;
    const float *top = trunk_top(net, ls, n, 0);
    if (dy_pi) layer_grads(net, &net->head_pi, top, dy_pi, batch, part, parts, scratch);
    if (dy_vf) layer_grads(net, &net->head_vf, top, dy_vf, batch, part, parts, scratch);
    for (size_t l = 0; l < n; l++)
        layer_grads(net, &ls[l], l > 0 ? ls[l - 1].h : net->obs, ls[l].d, batch, part, parts,
                    scratch);
}

/* The whole backward of rows [0, batch) on this thread. */
static void backward_all(a2c_net *net, size_t batch, const float *dlogits, const float *dvalues)
{
    a2c__net_backward_begin(net, dlogits, dvalues);
    for (int side = 0; side < 2; side++) {
        a2c__net_backward_transpose(net, side);
        a2c__net_backward_deltas(net, side, 0, batch);
        a2c__net_backward_weights(net, side, batch, 0, 1);
    }
}

void a2c__net_backward_loss(a2c_net *net, size_t batch)
{
    backward_all(net, batch, net->dhead, net->dvals);
}

A2C_API a2c_status a2c_net_backward(a2c_net *net, size_t batch, const float *dlogits,
                                    const float *dvalues)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    if (net->locked) return a2c__net_check_unlocked(net, __func__);
    if (batch == 0) return a2c__fail(A2C_E_INVALID_ARG, __func__, "batch is 0");
    if (net->cached != batch)
        return a2c__fail(A2C_E_STATE, __func__,
                         "batch is %zu but the last forward pass ran %zu rows", batch,
                         net->cached);
    if (dlogits && !a2c__all_finite(dlogits, batch * net->dist.head_width))
        return a2c__fail(A2C_E_NONFINITE, __func__, "dlogits holds NaN or infinity");
    if (dvalues && !a2c__all_finite(dvalues, batch))
        return a2c__fail(A2C_E_NONFINITE, __func__, "dvalues holds NaN or infinity");
    backward_all(net, batch, dlogits, dvalues);
    return A2C_OK;
}

/* ---- checkpoints ---- */

void a2c__net_write(a2c__writer *w, const a2c_net *net)
{
    a2c__put_u32(w, (uint32_t)net->obs_dim);
    a2c__put_u32(w, (uint32_t)net->dist.action_dim);
    a2c__put_u64(w, (uint64_t)net->n_params);
    a2c__put_floats(w, net->params, net->n_params);
    a2c__put_rng(w, &net->rng);
}

a2c_status a2c__net_read(a2c__reader *r, const a2c_config *cfg, int action_kind, a2c_net **out)
{
    *out = NULL;
    const uint32_t obs_dim = a2c__get_u32(r), action_dim = a2c__get_u32(r);
    const uint64_t n_params = a2c__get_u64(r);
    if (r->bad) return A2C_E_FORMAT;
    /* Everything the file claims is checked against what the
     * configuration implies and against the bytes present before anything
     * is allocated: a short file claiming a big net costs nothing. */
    const size_t implied = a2c__net_param_count_for(cfg, obs_dim, action_kind, action_dim);
    if (implied == 0 || n_params != implied || n_params > r->left / 4) return A2C_E_FORMAT;
    a2c_status rc =
        create(out, cfg, obs_dim, action_kind, action_dim, 0, 1, "net section");
    if (rc == A2C_E_INVALID_ARG) rc = A2C_E_FORMAT; /* sizes out of range */
    if (rc != A2C_OK) return rc;
    a2c_net *net = *out;
    if (n_params != net->n_params) r->bad = 1;
    a2c__get_floats(r, net->params, net->n_params);
    a2c__get_rng(r, &net->rng);
    if (r->bad || !a2c__all_finite(net->params, net->n_params)) {
        a2c_net_destroy(net);
        *out = NULL;
        return A2C_E_FORMAT;
    }
    return A2C_OK;
}

int a2c__net_same_architecture(const a2c_net *a, const a2c_net *b)
{
    if (a->obs_dim != b->obs_dim || a->dist.action_kind != b->dist.action_kind ||
        a->dist.action_dim != b->dist.action_dim || a->n_params != b->n_params ||
        a->activation != b->activation || a->shared != b->shared || a->n_pi != b->n_pi ||
        a->n_vf != b->n_vf)
        return 0;
    for (size_t l = 0; l < a->n_pi; l++)
        if (a->pi[l].out != b->pi[l].out) return 0;
    for (size_t l = 0; l < a->n_vf; l++)
        if (a->vf[l].out != b->vf[l].out) return 0;
    return 1;
}

void a2c__net_copy_state(a2c_net *dst, const a2c_net *src)
{
    memcpy(dst->params, src->params, src->n_params * sizeof(float));
    dst->rng = src->rng;
    a2c__rms_copy(&dst->obs_rms, &src->obs_rms);
    dst->cached = 0;
    memset(dst->grads, 0, dst->n_params * sizeof(float));
}

/* ---- observation normalisation ---- */

int a2c__net_norm_obs(const a2c_net *net) { return net->norm_obs; }
a2c__rms *a2c__net_obs_rms(a2c_net *net) { return &net->obs_rms; }
double a2c__net_clip_obs(const a2c_net *net) { return net->clip_obs; }

void a2c__net_write_obs_norm(a2c__writer *w, const a2c_net *net)
{
    a2c__put_u32(w, (uint32_t)net->obs_dim);
    a2c__put_f64(w, net->clip_obs);
    a2c__rms_write(w, &net->obs_rms);
}

void a2c__net_read_obs_norm(a2c__reader *r, a2c_net *net)
{
    if (a2c__get_u32(r) != net->obs_dim) r->bad = 1;
    const double clip = a2c__get_f64(r);
    if (r->bad || clip != net->clip_obs) { /* the configuration section says it too */
        r->bad = 1;
        return;
    }
    a2c__rms_read(r, &net->obs_rms);
}

A2C_API int a2c_net_normalizes_obs(const a2c_net *net)
{
    return net ? net->norm_obs : 0;
}

A2C_API a2c_status a2c_net_get_obs_norm(const a2c_net *net, double *mean, double *var, size_t n,
                                        double *count, double *clip_obs)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    if (!net->norm_obs)
        return a2c__fail(A2C_E_STATE, __func__, "the net does not normalise observations");
    if (n != net->obs_dim)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "n is %zu, the net takes %zu", n,
                         net->obs_dim);
    if (mean) memcpy(mean, net->obs_rms.mean, n * sizeof *mean);
    if (var) memcpy(var, net->obs_rms.var, n * sizeof *var);
    if (count) *count = net->obs_rms.count;
    if (clip_obs) *clip_obs = net->clip_obs;
    return A2C_OK;
}

A2C_API a2c_status a2c_net_set_obs_norm(a2c_net *net, const double *mean, const double *var,
                                        size_t n, double count, double clip_obs)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    if (net->locked) return a2c__net_check_unlocked(net, __func__);
    if (!mean || !var) return a2c__fail(A2C_E_INVALID_ARG, __func__, "mean or var is NULL");
    if (n != net->obs_dim)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "n is %zu, the net takes %zu", n,
                         net->obs_dim);
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(mean[k]) || !isfinite(var[k]))
            return a2c__fail(A2C_E_NONFINITE, __func__, "mean[%zu] or var[%zu] is not finite", k,
                             k);
        if (var[k] < 0.0)
            return a2c__fail(A2C_E_INVALID_ARG, __func__, "var[%zu] is negative", k);
    }
    if (!isfinite(count) || !(count >= 1e-4))
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "count is %g, expected at least 1e-4",
                         count);
    double lo, hi;
    a2c_param_bounds(A2C_PARAM_CLIP_OBS, &lo, &hi);
    if (!(clip_obs >= lo && clip_obs <= hi))
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "clip_obs is %g, expected %g..%g",
                         clip_obs, lo, hi);
    a2c_config_set_double(net->cfg, A2C_PARAM_CLIP_OBS, clip_obs);
    a2c_config_set_int(net->cfg, A2C_PARAM_NORM_OBS, 1);
    memcpy(net->obs_rms.mean, mean, n * sizeof *mean);
    memcpy(net->obs_rms.var, var, n * sizeof *var);
    net->obs_rms.count = count;
    net->clip_obs = clip_obs;
    net->norm_obs = 1;
    net->cached = 0;
    return A2C_OK;
}

A2C_API a2c_status a2c_net_normalize_obs(const a2c_net *net, const float *obs, size_t batch,
                                         float *out)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    if (!obs || !out) return a2c__fail(A2C_E_INVALID_ARG, __func__, "obs or out is NULL");
    if (batch > SIZE_MAX / net->obs_dim)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "batch is %zu", batch);
    if (!a2c__all_finite(obs, batch * net->obs_dim))
        return a2c__fail(A2C_E_NONFINITE, __func__, "obs holds NaN or infinity");
    if (net->norm_obs) a2c__rms_normalize(&net->obs_rms, obs, batch, net->clip_obs, out);
    else if (out != obs) memmove(out, obs, batch * net->obs_dim * sizeof *out);
    return A2C_OK;
}

/* ---- the action space of BOX nets ---- */

void a2c__net_write_action_space(a2c__writer *w, const a2c_net *net)
{
    a2c__put_u32(w, (uint32_t)net->dist.action_kind);
    a2c__put_u32(w, (uint32_t)net->dist.action_dim);
    a2c__put_floats(w, net->act_low, net->dist.action_dim);
    a2c__put_floats(w, net->act_high, net->dist.action_dim);
}

void a2c__net_read_action_space(a2c__reader *r, a2c_net *net)
{
    const size_t n = net->dist.action_dim;
    if (a2c__get_u32(r) != (uint32_t)net->dist.action_kind || a2c__get_u32(r) != n ||
        r->left < 8 * n) {
        r->bad = 1;
        return;
    }
    a2c__get_floats(r, net->act_low, n);
    a2c__get_floats(r, net->act_high, n);
    for (size_t k = 0; k < n; k++) /* infinite bounds are allowed, NaN and low > high not */
        if (!(net->act_low[k] <= net->act_high[k]) || net->act_low[k] == HUGE_VALF ||
            net->act_high[k] == -HUGE_VALF)
            r->bad = 1;
}

/* ---- public: continuous actions ---- */

A2C_API a2c_status a2c_net_create_box(a2c_net **out, const a2c_config *cfg, size_t obs_dim,
                                      size_t action_dim)
{
    return a2c__net_create(out, cfg, obs_dim, A2C_SPACE_BOX, action_dim, 1, __func__);
}

A2C_API int a2c_net_action_kind(const a2c_net *net)
{
    return net ? net->dist.action_kind : -1;
}

A2C_API a2c_status a2c_net_set_action_bounds(a2c_net *net, const float *low, const float *high,
                                             size_t n)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    if (net->dist.action_kind != A2C_SPACE_BOX)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "the net's actions are not continuous");
    if (n != net->dist.action_dim)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "n is %zu, the net has %zu action "
                                                      "components", n, net->dist.action_dim);
    for (size_t k = 0; k < n; k++) {
        const float lo = low ? low[k] : -HUGE_VALF, hi = high ? high[k] : HUGE_VALF;
        if (!(lo <= hi) || lo == HUGE_VALF || hi == -HUGE_VALF)
            return a2c__fail(A2C_E_INVALID_ARG, __func__, "bounds of component %zu are "
                                                          "[%g, %g]", k, (double)lo, (double)hi);
    }
    a2c__net_set_action_bounds(net, low, high);
    return A2C_OK;
}

A2C_API a2c_status a2c_net_reset_noise(a2c_net *net)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    if (net->locked) return a2c__net_check_unlocked(net, __func__);
    a2c__net_reset_noise(net, &net->rng);
    return A2C_OK;
}

A2C_API a2c_status a2c_net_act_box(a2c_net *net, const float *obs, size_t batch,
                                   int deterministic, float *actions, float *log_probs,
                                   float *values)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, __func__, "net is NULL");
    if (net->locked) return a2c__net_check_unlocked(net, __func__);
    if (!obs) return a2c__fail(A2C_E_INVALID_ARG, __func__, "obs is NULL");
    if (!actions) return a2c__fail(A2C_E_INVALID_ARG, __func__, "actions is NULL");
    if (batch == 0 || batch > SIZE_MAX / net->obs_dim || batch > SIZE_MAX / net->dist.action_dim)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "batch is %zu", batch);
    if (net->dist.action_kind != A2C_SPACE_BOX)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "the net's actions are discrete: use "
                                                      "a2c_net_act");
    if (!a2c__all_finite(obs, batch * net->obs_dim))
        return a2c__fail(A2C_E_NONFINITE, __func__, "obs holds NaN or infinity");
    const a2c_status rc =
        a2c__net_act(net, obs, batch, deterministic, &net->rng, NULL, actions, log_probs, values);
    if (rc == A2C_E_NONFINITE)
        return a2c__fail(rc, __func__, "the policy's outputs are not finite");
    if (rc != A2C_OK) return a2c__fail_status(rc, __func__);
    /* as SB3's predict: the log-probabilities are the sample's, the
     * actions handed back lie within the space */
    const size_t a = net->dist.action_dim;
    for (size_t b = 0; b < batch; b++)
        for (size_t k = 0; k < a; k++) {
            float *x = &actions[b * a + k];
            *x = *x < net->act_low[k] ? net->act_low[k] : *x > net->act_high[k] ? net->act_high[k]
                                                                                 : *x;
        }
    return A2C_OK;
}

const a2c__rms *a2c__net_const_obs_rms(const a2c_net *net) { return &net->obs_rms; }
