/* RMSprop and Adam over one flat vector, with torch.optim semantics, plus
 * torch.nn.utils.clip_grad_norm_ and SB3's learning-rate schedules.
 * The element loops run in float, as torch does for float32 parameters;
 * scalar factors are formed in double first, as torch does in Python. */
#include "algo/optimizer.h"

#include "common/config.h"
#include "common/error.h"

struct a2c_optimizer {
    a2c_allocator alloc;
    const a2c__kernels *k;
    size_t n;
    int rms; /* 1 RMSprop, 0 Adam */
    int schedule;
    double lr, alpha, rms_eps, beta1, beta2, adam_eps;
    uint64_t steps;
    double lr_scale; /* the trainer's divergence guard lowers the rate; 1 otherwise */
    float *state; /* RMSprop: square averages; Adam: first then second moments */
    size_t state_n;
    /* The parameters and state before the last update (n + state_n
     * floats), written by the update's own pass, so that an update that
     * makes anything non-finite is undone exactly. */
    float *before;
};

/* Steps beyond this are refused: the count is exact in a double (Adam's
 * bias correction) and can never wrap. */
#define MAX_STEPS (UINT64_C(1) << 53)

#include <math.h>
#include <string.h>

A2C_API a2c_status a2c_optimizer_create(a2c_optimizer **out, const a2c_config *cfg,
                                        size_t n_params)
{
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, __func__, "out is NULL");
    *out = NULL;
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, __func__, "cfg is NULL");
    if (n_params == 0 || n_params > SIZE_MAX / (2 * sizeof(float)))
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "n_params is %zu, expected 1..%zu",
                         n_params, SIZE_MAX / (2 * sizeof(float)));
    a2c_optimizer *opt = a2c__alloc(a2c__config_allocator(cfg), sizeof *opt);
    if (!opt)
        return a2c__fail(A2C_E_NOMEM, __func__, "cannot allocate the optimizer (%zu bytes)",
                         sizeof *opt);
    opt->alloc = *a2c__config_allocator(cfg);
    opt->k = a2c__kernels_select();
    opt->n = n_params;
    opt->rms = (int)a2c__cfg_int(cfg, A2C_PARAM_USE_RMS_PROP);
    opt->schedule = (int)a2c__cfg_int(cfg, A2C_PARAM_LR_SCHEDULE);
    opt->lr = a2c__cfg_double(cfg, A2C_PARAM_LEARNING_RATE);
    opt->alpha = a2c__cfg_double(cfg, A2C_PARAM_RMS_PROP_ALPHA);
    opt->rms_eps = a2c__cfg_double(cfg, A2C_PARAM_RMS_PROP_EPS);
    opt->beta1 = a2c__cfg_double(cfg, A2C_PARAM_ADAM_BETA1);
    opt->beta2 = a2c__cfg_double(cfg, A2C_PARAM_ADAM_BETA2);
    opt->adam_eps = a2c__cfg_double(cfg, A2C_PARAM_ADAM_EPS);
    opt->lr_scale = 1.0;
    opt->state_n = opt->rms ? n_params : 2 * n_params;
    opt->state = a2c__alloc(&opt->alloc, opt->state_n * sizeof(float));
    opt->before = opt->state ? a2c__alloc(&opt->alloc, (n_params + opt->state_n) * sizeof(float))
                             : NULL;
    if (!opt->before) {
        a2c__free(&opt->alloc, opt->state, opt->state_n * sizeof(float));
        const size_t floats = opt->state_n;
        a2c__free(&opt->alloc, opt, sizeof *opt);
        return a2c__fail(A2C_E_NOMEM, __func__,
                         "cannot allocate the optimizer state (%zu floats for n_params %zu)",
                         floats, n_params);
    }
    *out = opt;
    return A2C_OK;
}

A2C_API void a2c_optimizer_destroy(a2c_optimizer *opt)
{
    if (!opt) return;
    a2c_allocator a = opt->alloc;
    a2c__free(&a, opt->state, opt->state_n * sizeof(float));
    a2c__free(&a, opt->before, (opt->n + opt->state_n) * sizeof(float));
    a2c__free(&a, opt, sizeof *opt);
}

static int progress_ok(double p)
{
    return p >= 0.0 && p <= 1.0; /* false for NaN too */
}

static double learning_rate(const a2c_optimizer *opt, double progress_remaining)
{
    const double lr =
        opt->schedule == A2C_SCHEDULE_LINEAR ? opt->lr * progress_remaining : opt->lr;
    return opt->lr_scale == 1.0 ? lr : lr * opt->lr_scale;
}

A2C_API a2c_status a2c_optimizer_learning_rate(const a2c_optimizer *opt,
                                               double progress_remaining, double *lr)
{
    if (!opt) return a2c__fail(A2C_E_INVALID_ARG, __func__, "opt is NULL");
    if (!progress_ok(progress_remaining))
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "progress_remaining is %g, expected 0..1",
                         progress_remaining);
    if (!lr) return a2c__fail(A2C_E_INVALID_ARG, __func__, "lr is NULL");
    *lr = learning_rate(opt, progress_remaining);
    return A2C_OK;
}

a2c_status a2c__optimizer_count_step(a2c_optimizer *opt)
{
    if (opt->steps >= MAX_STEPS) return A2C_E_STATE;
    opt->steps++;
    return A2C_OK;
}

/* Updates params[begin, end) from gscale * grads; zero_g also zeroes those
 * gradients (the trainer's fused path), otherwise they are only read.
 * Returns nonzero if a new value is not finite.  Ranges may run on two
 * threads at once: they share nothing but read-only fields. */
static int update(a2c_optimizer *opt, float *params, float *grads, double progress_remaining,
                   size_t begin, size_t end, float gscale, int zero_g)
{
    float *old_p = opt->before + begin, *old_s = opt->before + opt->n + begin;
    const double lr = learning_rate(opt, progress_remaining);
    const size_t n = end - begin;
    params += begin;
    grads += begin;
    if (opt->rms) {
        return opt->k->rmsprop(params, grads, opt->state + begin, n, (float)opt->alpha,
                               (float)(1.0 - opt->alpha), (float)opt->rms_eps, (float)-lr,
                               gscale, zero_g, old_p, old_s);
    }
    const double t = (double)opt->steps;
    const double bc1 = 1.0 - pow(opt->beta1, t), bc2 = 1.0 - pow(opt->beta2, t);
    return opt->k->adam(params, grads, opt->state + begin, opt->state + opt->n + begin, n,
                        (float)opt->beta1, (float)(1.0 - opt->beta1), (float)opt->beta2,
                        (float)(1.0 - opt->beta2), (float)(-lr / bc1), (float)sqrt(bc2),
                        (float)opt->adam_eps, gscale, zero_g, old_p, old_s, old_s + opt->n);
}

int a2c__optimizer_apply_range(a2c_optimizer *opt, float *params, float *grads,
                               double progress_remaining, size_t begin, size_t end, float gscale)
{
    return update(opt, params, grads, progress_remaining, begin, end, gscale, 1);
}

void a2c__optimizer_undo_step(a2c_optimizer *opt, float *params)
{
    /* Every range of this step was updated (the ranges of a step cover the
     * whole vector), so the saved copies restore all of it. */
    memcpy(params, opt->before, opt->n * sizeof(float));
    memcpy(opt->state, opt->before + opt->n, opt->state_n * sizeof(float));
    opt->steps--;
}

void a2c__optimizer_set_lr_scale(a2c_optimizer *opt, double scale)
{
    opt->lr_scale = scale;
}

void a2c__optimizer_step_sums(const a2c_optimizer *opt, const float *params, size_t begin,
                              size_t end, double *moved, double *size)
{
    opt->k->step_sums(params + begin, opt->before + begin, end - begin, moved, size);
}

A2C_API a2c_status a2c_optimizer_step(a2c_optimizer *opt, float *params, const float *grads,
                                      size_t n, double progress_remaining)
{
    if (!opt) return a2c__fail(A2C_E_INVALID_ARG, __func__, "opt is NULL");
    if (!params) return a2c__fail(A2C_E_INVALID_ARG, __func__, "params is NULL");
    if (!grads) return a2c__fail(A2C_E_INVALID_ARG, __func__, "grads is NULL");
    if (n != opt->n)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "n is %zu, expected %zu (n_params)", n,
                         opt->n);
    /* the update kernels take each array as their own (restrict) */
    const uintptr_t pa = (uintptr_t)params, ga = (uintptr_t)grads, bytes = n * sizeof(float);
    if (pa < ga + bytes && ga < pa + bytes)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "params and grads overlap");
    if (!progress_ok(progress_remaining))
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "progress_remaining is %g, expected 0..1",
                         progress_remaining);
    if (!a2c__all_finite(grads, n)) {
        size_t k = 0;
        while (k + 1 < n && isfinite(grads[k])) k++;
        return a2c__fail(A2C_E_NONFINITE, __func__, "grads[%zu] is %g", k, (double)grads[k]);
    }
    if (a2c__optimizer_count_step(opt) != A2C_OK)
        return a2c__fail(A2C_E_STATE, __func__, "the optimizer has taken 2^53 steps, its limit");
    /* zero_g 0: the caller's gradient is only read */
    if (update(opt, params, (float *)grads, progress_remaining, 0, n, 1.0f, 0)) {
        a2c__optimizer_undo_step(opt, params);
        return a2c__fail(A2C_E_NONFINITE, __func__,
                         "the update would make a parameter or the optimizer state non-finite; "
                         "parameters, state and step count are unchanged");
    }
    return A2C_OK;
}

A2C_API size_t a2c_optimizer_state_size(const a2c_optimizer *opt)
{
    return opt ? opt->state_n : 0;
}

A2C_API a2c_status a2c_optimizer_get_state(const a2c_optimizer *opt, float *dst, size_t n,
                                           uint64_t *steps)
{
    if (!opt) return a2c__fail(A2C_E_INVALID_ARG, __func__, "opt is NULL");
    if (!dst) return a2c__fail(A2C_E_INVALID_ARG, __func__, "dst is NULL");
    if (n != opt->state_n)
        return a2c__fail(A2C_E_INVALID_ARG, __func__,
                         "n is %zu, expected %zu (a2c_optimizer_state_size)", n, opt->state_n);
    memcpy(dst, opt->state, n * sizeof *dst);
    if (steps) *steps = opt->steps;
    return A2C_OK;
}

A2C_API a2c_status a2c_optimizer_set_state(a2c_optimizer *opt, const float *src, size_t n,
                                           uint64_t steps)
{
    if (!opt) return a2c__fail(A2C_E_INVALID_ARG, __func__, "opt is NULL");
    if (!src) return a2c__fail(A2C_E_INVALID_ARG, __func__, "src is NULL");
    if (n != opt->state_n)
        return a2c__fail(A2C_E_INVALID_ARG, __func__,
                         "n is %zu, expected %zu (a2c_optimizer_state_size)", n, opt->state_n);
    if (!a2c__all_finite(src, n)) {
        size_t k = 0;
        while (k + 1 < n && isfinite(src[k])) k++;
        return a2c__fail(A2C_E_NONFINITE, __func__, "src[%zu] is %g", k, (double)src[k]);
    }
    /* Square averages (RMSprop) and second moments (Adam) are >= 0. */
    const size_t first = opt->rms ? 0 : opt->n;
    for (size_t k = first; k < first + opt->n; k++)
        if (src[k] < 0.0f)
            return a2c__fail(A2C_E_INVALID_ARG, __func__,
                             "src[%zu] is %g, expected >= 0 (a second moment)", k,
                             (double)src[k]);
    if (steps > MAX_STEPS)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "steps is %llu, expected at most 2^53",
                         (unsigned long long)steps);
    memcpy(opt->state, src, n * sizeof *src);
    opt->steps = steps;
    return A2C_OK;
}

A2C_API a2c_status a2c_clip_grad_norm(float *grads, size_t n, double max_norm,
                                      double *total_norm)
{
    if (!grads && n > 0)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "grads is NULL, n is %zu", n);
    if (!(max_norm >= 0.0) || !isfinite(max_norm))
        return a2c__fail(A2C_E_INVALID_ARG, __func__,
                         "max_norm is %g, expected a finite number >= 0", max_norm);
    const a2c__kernels *k = a2c__kernels_select();
    const double norm = n > 0 ? sqrt(k->sum_squares(grads, n)) : 0.0;
    if (total_norm) *total_norm = norm;
    if (!isfinite(norm)) {
        size_t bad = 0;
        while (bad + 1 < n && isfinite(grads[bad])) bad++;
        return a2c__fail(A2C_E_NONFINITE, __func__, "norm of grads is %g (grads[%zu] is %g)",
                         norm, bad, (double)grads[bad]);
    }
    const double coef = max_norm / (norm + 1e-6);
    if (coef < 1.0) k->scale(grads, n, (float)coef);
    return A2C_OK;
}

/* ---- for the trainer and checkpoints ---- */

int a2c__optimizer_state_finite(const a2c_optimizer *opt)
{
    return a2c__all_finite(opt->state, opt->state_n);
}

int a2c__optimizer_is_rmsprop(const a2c_optimizer *opt)
{
    return opt->rms;
}

void a2c__optimizer_use_kernels(a2c_optimizer *opt, const a2c__kernels *k)
{
    opt->k = k;
}

void a2c__optimizer_write(a2c__writer *w, const a2c_optimizer *opt)
{
    a2c__put_u32(w, (uint32_t)opt->rms);
    a2c__put_u64(w, opt->steps);
    a2c__put_u64(w, (uint64_t)opt->state_n);
    a2c__put_floats(w, opt->state, opt->state_n);
}

void a2c__optimizer_read(a2c__reader *r, size_t n_params, a2c__optimizer_section *out)
{
    const uint32_t rms = a2c__get_u32(r);
    out->rms = rms == 1;
    out->steps = a2c__get_u64(r);
    const uint64_t state_n = a2c__get_u64(r);
    if (rms > 1 || state_n != (rms ? 1u : 2u) * (uint64_t)n_params) r->bad = 1;
    if (out->steps > MAX_STEPS) r->bad = 1; /* the next update could not count itself */
    out->state_n = r->bad ? 0 : (size_t)state_n;
    out->state = r->bad || out->state_n > r->left / 4 ? NULL : a2c__get_bytes(r, out->state_n * 4);
    if (!out->state) r->bad = 1;
    /* finite, and square averages and second moments not negative */
    a2c__reader s = {out->state, out->state ? out->state_n * 4 : 0, 0};
    const size_t second = out->rms ? 0 : n_params;
    for (size_t k = 0; !r->bad && k < out->state_n; k++) {
        const float v = a2c__get_f32(&s);
        if (!isfinite(v) || (k >= second && v < 0.0f)) r->bad = 1;
    }
}

void a2c__optimizer_commit(a2c_optimizer *opt, const a2c__optimizer_section *s)
{
    a2c__reader r = {s->state, s->state_n * 4, 0};
    a2c__get_floats(&r, opt->state, s->state_n);
    opt->steps = s->steps;
}
