/* a2c_net: actor and critic MLPs over one flat parameter vector.
 *
 * Everything the net touches after creation (parameters, gradients, cached
 * activations, backward scratch) is carved from one aligned block sized at
 * creation, so forward, act and backward never allocate.  Activations are
 * cached per row: the trainer runs the forward pass of each rollout step
 * into its own rows and backpropagates the whole rollout at once without
 * recomputing anything. */
#include "internal.h"

#include <math.h>
#include <string.h>

/* ---- layout ---- */

static void place(a2c__layer *l, size_t in, size_t out, size_t *n_params)
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
    net->head_pi.h = a2c__carve(rows, net->n_actions, f, block, &used);
    net->head_vf.h = a2c__carve(rows, 1, f, block, &used);
    for (int k = 0; k < 2; k++) {
        net->delta[k] = a2c__carve(rows, net->max_width, f, block, &used);
        net->delta_vf[k] = a2c__carve(rows, net->max_width, f, block, &used);
    }
    net->dlogits = a2c__carve(rows, net->n_actions, f, block, &used);
    net->dvals = a2c__carve(rows, 1, f, block, &used);
    net->scratch = a2c__carve(1, net->scratch_floats, f, block, &used);
    net->scratch_vf = a2c__carve(1, net->scratch_floats, f, block, &used);
    return used == SIZE_MAX ? 0 : used;
}

/* ---- initialisation ---- */

static void init_layer(a2c_net *net, const a2c__layer *l, int ortho, double gain, a2c__rng *rng,
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

A2C_API a2c_status a2c_net_create(a2c_net **out, const a2c_config *cfg, size_t obs_dim,
                                  size_t n_actions)
{
    return a2c__net_create(out, cfg, obs_dim, n_actions, 1);
}

a2c_status a2c__net_create(a2c_net **out, const a2c_config *cfg, size_t obs_dim,
                           size_t n_actions, int initialise)
{
    if (!out) return A2C_E_INVALID_ARG;
    *out = NULL;
    if (!cfg || obs_dim < 1 || obs_dim > A2C_MAX_WIDTH || n_actions < 1 ||
        n_actions > A2C_MAX_WIDTH)
        return A2C_E_INVALID_ARG;

    size_t max_batch = (size_t)a2c__cfg_int(cfg, A2C_PARAM_MAX_BATCH);
    if (max_batch == 0 && !a2c__mul_size((size_t)a2c__cfg_int(cfg, A2C_PARAM_N_STEPS),
                                         (size_t)a2c__cfg_int(cfg, A2C_PARAM_N_ENVS), &max_batch))
        return A2C_E_INVALID_ARG;

    const a2c_allocator *alloc = &cfg->alloc;
    a2c_net *net = a2c__alloc(alloc, sizeof *net);
    if (!net) return A2C_E_NOMEM;
    net->alloc = *alloc;
    net->k = a2c__kernels_select();
    net->cfg = *cfg;
    net->obs_dim = obs_dim;
    net->n_actions = n_actions;
    net->max_batch = max_batch;
    net->activation = (int)a2c__cfg_int(cfg, A2C_PARAM_ACTIVATION_FN);
    net->shared = (int)a2c__cfg_int(cfg, A2C_PARAM_SHARED_TRUNK);
    net->n_pi = cfg->n_pi;
    net->n_vf = net->shared ? 0 : cfg->n_vf;

    /* Parameter order: actor trunk, critic trunk, action head, value head. */
    size_t n = 0, width = obs_dim, max_width = 1;
    for (size_t l = 0; l < net->n_pi; l++) {
        place(&net->pi[l], width, (size_t)cfg->pi[l], &n);
        width = (size_t)cfg->pi[l];
        max_width = width > max_width ? width : max_width;
    }
    const size_t pi_width = width;
    width = obs_dim;
    for (size_t l = 0; l < net->n_vf; l++) {
        place(&net->vf[l], width, (size_t)cfg->vf[l], &n);
        width = (size_t)cfg->vf[l];
        max_width = width > max_width ? width : max_width;
    }
    const size_t vf_width = net->shared ? pi_width : width;
    place(&net->head_pi, pi_width, n_actions, &n);
    place(&net->head_vf, vf_width, 1, &n);
    net->n_params = n;
    net->max_width = max_width;
    const a2c__layer *all[2 * A2C_MAX_LAYERS + 2];
    size_t n_all = 0;
    for (size_t l = 0; l < net->n_pi; l++) all[n_all++] = &net->pi[l];
    for (size_t l = 0; l < net->n_vf; l++) all[n_all++] = &net->vf[l];
    all[n_all++] = &net->head_pi;
    all[n_all++] = &net->head_vf;
    for (size_t l = 0; l < n_all; l++) {
        const size_t need = a2c__linear_scratch(all[l]->in, all[l]->out);
        net->scratch_floats = need > net->scratch_floats ? need : net->scratch_floats;
    }

    a2c_status rc = A2C_OK;
    double *scratch = NULL;
    size_t scratch_bytes = 0;
    net->block_bytes = lay_out(net, NULL);
    if (net->block_bytes == 0) {
        rc = A2C_E_INVALID_ARG;
        goto fail;
    }
    net->block = a2c__alloc(alloc, net->block_bytes);
    if (!net->block) {
        rc = A2C_E_NOMEM;
        goto fail;
    }
    lay_out(net, net->block);

    /* Orthogonal init needs in*out doubles for its largest layer. */
    size_t biggest = n_actions * (pi_width > vf_width ? pi_width : vf_width);
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
            rc = A2C_E_NOMEM;
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
    a2c__free(alloc, scratch, scratch_bytes);
    *out = net;
    return A2C_OK;
fail:
    a2c_net_destroy(net);
    return rc;
}

A2C_API void a2c_net_destroy(a2c_net *net)
{
    if (!net) return;
    a2c_allocator a = net->alloc;
    a2c__free(&a, net->block, net->block_bytes);
    a2c__free(&a, net, sizeof *net);
}

/* ---- accessors ---- */

A2C_API size_t a2c_net_param_count(const a2c_net *net) { return net ? net->n_params : 0; }
A2C_API size_t a2c_net_obs_dim(const a2c_net *net) { return net ? net->obs_dim : 0; }
A2C_API size_t a2c_net_n_actions(const a2c_net *net) { return net ? net->n_actions : 0; }
A2C_API size_t a2c_net_max_batch(const a2c_net *net) { return net ? net->max_batch : 0; }
A2C_API float *a2c_net_params(a2c_net *net) { return net ? net->params : NULL; }
A2C_API float *a2c_net_grads(a2c_net *net) { return net ? net->grads : NULL; }

A2C_API a2c_status a2c_net_get_params(const a2c_net *net, float *dst, size_t n)
{
    if (!net || !dst || n != net->n_params) return A2C_E_INVALID_ARG;
    memcpy(dst, net->params, n * sizeof *dst);
    return A2C_OK;
}

A2C_API a2c_status a2c_net_set_params(a2c_net *net, const float *src, size_t n)
{
    if (!net || !src || n != net->n_params) return A2C_E_INVALID_ARG;
    if (!a2c__all_finite(src, n)) return A2C_E_NONFINITE;
    memcpy(net->params, src, n * sizeof *src);
    net->cached = 0; /* cached activations belong to the old parameters */
    return A2C_OK;
}

A2C_API a2c_status a2c_net_zero_grad(a2c_net *net)
{
    if (!net) return A2C_E_INVALID_ARG;
    memset(net->grads, 0, net->n_params * sizeof *net->grads);
    return A2C_OK;
}

A2C_API a2c_status a2c_net_seed(a2c_net *net, uint64_t seed)
{
    if (!net) return A2C_E_INVALID_ARG;
    a2c__rng_seed(&net->rng, seed, 1);
    return A2C_OK;
}

/* ---- forward ---- */

/* Runs rows [r0, r0 + batch) of x through a trunk; returns its output
 * rows (x itself for an empty trunk). */
static const float *trunk_forward(const a2c_net *net, const a2c__layer *ls, size_t n,
                                  const float *x, size_t r0, size_t batch, float *scratch)
{
    for (size_t l = 0; l < n; l++) {
        float *y = ls[l].h + r0 * ls[l].out;
        a2c__linear_forward(net->k, x, batch, ls[l].in, ls[l].out, net->params + ls[l].w,
                            net->params + ls[l].b, y, scratch);
        a2c__activation_forward(net->k, net->activation, y, batch * ls[l].out);
        x = y;
    }
    return x;
}

static void head_forward(const a2c_net *net, const a2c__layer *head, const float *x, size_t r0,
                         size_t batch, float *scratch)
{
    a2c__linear_forward(net->k, x, batch, head->in, head->out, net->params + head->w,
                        net->params + head->b, head->h + r0 * head->out, scratch);
}

void a2c__net_set_inputs(a2c_net *net, const float *obs, size_t r0, size_t batch)
{
    float *x = net->obs + r0 * net->obs_dim;
    if (x != obs) memcpy(x, obs, batch * net->obs_dim * sizeof *x);
}

void a2c__net_forward_actor(a2c_net *net, size_t r0, size_t batch)
{
    const float *x = net->obs + r0 * net->obs_dim;
    const float *h = trunk_forward(net, net->pi, net->n_pi, x, r0, batch, net->scratch);
    head_forward(net, &net->head_pi, h, r0, batch, net->scratch);
}

void a2c__net_forward_critic(a2c_net *net, size_t r0, size_t batch)
{
    const float *x = net->obs + r0 * net->obs_dim;
    const float *h = trunk_forward(net, net->vf, net->n_vf, x, r0, batch, net->scratch_vf);
    head_forward(net, &net->head_vf, h, r0, batch, net->scratch_vf);
}

a2c_status a2c__net_forward_rows(a2c_net *net, const float *obs, size_t r0, size_t batch,
                                 int want_pi)
{
    if (batch == 0 || r0 > net->max_batch || batch > net->max_batch - r0)
        return A2C_E_INVALID_ARG;
    a2c__net_set_inputs(net, obs, r0, batch);
    if (net->shared) {
        const float *x = net->obs + r0 * net->obs_dim;
        const float *h = trunk_forward(net, net->pi, net->n_pi, x, r0, batch, net->scratch);
        if (want_pi) head_forward(net, &net->head_pi, h, r0, batch, net->scratch);
        head_forward(net, &net->head_vf, h, r0, batch, net->scratch);
        return A2C_OK;
    }
    if (want_pi) a2c__net_forward_actor(net, r0, batch);
    a2c__net_forward_critic(net, r0, batch);
    return A2C_OK;
}

const float *a2c__net_values(const a2c_net *net, size_t row)
{
    return net->head_vf.h + row;
}

A2C_API a2c_status a2c_net_forward(a2c_net *net, const float *obs, size_t batch, float *logits,
                                   float *values)
{
    if (!net || !obs) return A2C_E_INVALID_ARG;
    net->cached = 0;
    if (batch > net->max_batch) return A2C_E_INVALID_ARG;
    if (!a2c__all_finite(obs, batch * net->obs_dim)) return A2C_E_NONFINITE;
    a2c_status rc = a2c__net_forward_rows(net, obs, 0, batch, 1);
    if (rc != A2C_OK) return rc;
    net->cached = batch;
    if (logits) memcpy(logits, net->head_pi.h, batch * net->n_actions * sizeof *logits);
    if (values) memcpy(values, net->head_vf.h, batch * sizeof *values);
    return A2C_OK;
}

a2c_status a2c__net_sample(a2c_net *net, size_t row0, size_t batch, a2c__rng *rng,
                           int deterministic, int32_t *actions, float *log_probs)
{
    const size_t n = net->n_actions;
    for (size_t b = 0; b < batch; b++) {
        const float *z = net->head_pi.h + (row0 + b) * n;
        size_t a;
        if (deterministic) {
            float *logp = net->dlogits + row0 * n; /* a free row of the same size */
            a2c__log_softmax_row(z, n, logp);
            a = a2c__argmax_row(z, n);
            if (!a2c__all_finite(logp, n)) return A2C_E_NONFINITE; /* the logits overflowed */
            if (log_probs) log_probs[b] = logp[a];
        } else {
            a = a2c__categorical_sample_logits(z, n, a2c__rng_uniform(rng),
                                               log_probs ? &log_probs[b] : NULL);
            if (a == n) return A2C_E_NONFINITE;
        }
        actions[b] = (int32_t)a;
    }
    return A2C_OK;
}

a2c_status a2c__net_act(a2c_net *net, const float *obs, size_t batch, int deterministic,
                        a2c__rng *rng, int32_t *actions, float *log_probs, float *values)
{
    net->cached = 0;
    for (size_t start = 0; start < batch; start += net->max_batch) {
        const size_t chunk = batch - start < net->max_batch ? batch - start : net->max_batch;
        a2c_status rc = a2c__net_forward_rows(net, obs + start * net->obs_dim, 0, chunk, 1);
        if (rc == A2C_OK)
            rc = a2c__net_sample(net, 0, chunk, rng, deterministic, actions + start,
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
    if (!net || !obs || !actions || batch == 0 || batch > SIZE_MAX / net->obs_dim)
        return A2C_E_INVALID_ARG;
    if (!a2c__all_finite(obs, batch * net->obs_dim)) return A2C_E_NONFINITE;
    return a2c__net_act(net, obs, batch, deterministic, &net->rng, actions, log_probs, values);
}

/* ---- backward ---- */

/* Backpropagates d (dL/d output of the trunk's last layer, rows
 * [r0, r0 + batch)) through the trunk, using `spare` as the second buffer.
 * Both buffers are overwritten. */
static void trunk_backward(a2c_net *net, const a2c__layer *ls, size_t n, size_t r0, size_t batch,
                           float *d, float *spare, float *scratch)
{
    const float *x0 = net->obs + r0 * net->obs_dim;
    for (size_t l = n; l-- > 0;) {
        const a2c__layer *L = &ls[l];
        a2c__activation_backward(net->k, net->activation, L->h + r0 * L->out, d, batch * L->out);
        const float *x = l > 0 ? ls[l - 1].h + r0 * ls[l - 1].out : x0;
        a2c__linear_backward(net->k, x, d, batch, L->in, L->out, net->params + L->w,
                             net->grads + L->w, net->grads + L->b, l > 0 ? spare : NULL, scratch);
        float *t = d;
        d = spare;
        spare = t;
    }
}

/* Last hidden output rows of a trunk (the observations if it is empty). */
static const float *trunk_top(const a2c_net *net, const a2c__layer *ls, size_t n, size_t r0)
{
    return n > 0 ? ls[n - 1].h + r0 * ls[n - 1].out : net->obs + r0 * net->obs_dim;
}

static void head_backward(a2c_net *net, const a2c__layer *head, const float *x, size_t batch,
                          const float *dy, float *dx, float *scratch)
{
    a2c__linear_backward(net->k, x, dy, batch, head->in, head->out, net->params + head->w,
                         net->grads + head->w, net->grads + head->b, dx, scratch);
}

/* One side (head, then trunk) of separate trunks, rows [r0, r0 + batch). */
static void side_backward(a2c_net *net, const a2c__layer *trunk, size_t n, const a2c__layer *head,
                          size_t r0, size_t batch, const float *dy, float *const delta[2],
                          float *scratch)
{
    const float *h = trunk_top(net, trunk, n, r0);
    head_backward(net, head, h, batch, dy, n > 0 ? delta[0] : NULL, scratch);
    trunk_backward(net, trunk, n, r0, batch, delta[0], delta[1], scratch);
}

void a2c__net_backward_actor(a2c_net *net, size_t batch)
{
    side_backward(net, net->pi, net->n_pi, &net->head_pi, 0, batch, net->dlogits, net->delta,
                  net->scratch);
}

void a2c__net_backward_critic(a2c_net *net, size_t batch)
{
    side_backward(net, net->vf, net->n_vf, &net->head_vf, 0, batch, net->dvals, net->delta_vf,
                  net->scratch_vf);
}

static void backward_rows(a2c_net *net, size_t r0, size_t batch, const float *dlogits,
                          const float *dvalues)
{
    if (!net->shared) {
        if (dlogits)
            side_backward(net, net->pi, net->n_pi, &net->head_pi, r0, batch, dlogits, net->delta,
                          net->scratch);
        if (dvalues)
            side_backward(net, net->vf, net->n_vf, &net->head_vf, r0, batch, dvalues,
                          net->delta_vf, net->scratch_vf);
        return;
    }
    /* One trunk under both heads: its output gradient is the sum of the
     * two heads' input gradients. */
    float *d0 = net->delta[0], *d1 = net->delta[1];
    const float *h = trunk_top(net, net->pi, net->n_pi, r0);
    float *dx = net->n_pi > 0 ? d0 : NULL;
    if (dlogits) head_backward(net, &net->head_pi, h, batch, dlogits, dx, net->scratch);
    if (dvalues) head_backward(net, &net->head_vf, h, batch, dvalues, dx ? d1 : NULL, net->scratch);
    if (!dx || (!dlogits && !dvalues)) return;
    const size_t m = batch * net->head_pi.in;
    if (!dlogits) memcpy(d0, d1, m * sizeof *d0);
    else if (dvalues)
        for (size_t k = 0; k < m; k++) d0[k] += d1[k];
    trunk_backward(net, net->pi, net->n_pi, r0, batch, d0, d1, net->scratch);
}

A2C_API a2c_status a2c_net_backward(a2c_net *net, size_t batch, const float *dlogits,
                                    const float *dvalues)
{
    if (!net || batch == 0) return A2C_E_INVALID_ARG;
    if (net->cached != batch) return A2C_E_STATE;
    if ((dlogits && !a2c__all_finite(dlogits, batch * net->n_actions)) ||
        (dvalues && !a2c__all_finite(dvalues, batch)))
        return A2C_E_NONFINITE;
    backward_rows(net, 0, batch, dlogits, dvalues);
    return A2C_OK;
}

void a2c__net_backward_shared(a2c_net *net, size_t batch)
{
    backward_rows(net, 0, batch, net->dlogits, net->dvals);
}

a2c_status a2c__net_loss(a2c_net *net, const a2c__loss_coefs *c, size_t batch,
                         const int32_t *actions, const float *advantages, const float *returns,
                         double *terms)
{
    return a2c__a2c_loss(c, net->head_pi.h, net->head_vf.h, batch, net->n_actions, actions,
                         advantages, returns, net->dlogits, net->dvals, terms);
}

a2c_status a2c__net_loss_backward(a2c_net *net, const a2c__loss_coefs *c, size_t batch,
                                  const int32_t *actions, const float *advantages,
                                  const float *returns, double *terms)
{
    a2c_status rc = a2c__net_loss(net, c, batch, actions, advantages, returns, terms);
    if (rc == A2C_OK) backward_rows(net, 0, batch, net->dlogits, net->dvals);
    return rc;
}

A2C_API a2c_status a2c_net_loss_backward(a2c_net *net, const a2c_config *cfg, size_t batch,
                                         const int32_t *actions, const float *advantages,
                                         const float *returns, double *terms, size_t n_terms)
{
    if (!net || !cfg || !actions || !advantages || !returns || batch == 0)
        return A2C_E_INVALID_ARG;
    if (net->cached != batch) return A2C_E_STATE;
    a2c__loss_coefs c;
    a2c__loss_coefs_from_config(cfg, &c);
    double t[A2C_LOSS_TERMS];
    a2c_status rc = a2c__net_loss_backward(net, &c, batch, actions, advantages, returns, t);
    if (rc != A2C_OK) return rc;
    for (size_t k = 0; terms && k < n_terms && k < A2C_LOSS_TERMS; k++) terms[k] = t[k];
    return A2C_OK;
}
