/* RMSprop and Adam over one flat vector, with torch.optim semantics, plus
 * torch.nn.utils.clip_grad_norm_ and SB3's learning-rate schedules.
 * The element loops run in float, as torch does for float32 parameters;
 * scalar factors are formed in double first, as torch does in Python. */
#include "internal.h"

#include <math.h>
#include <string.h>

A2C_API a2c_status a2c_optimizer_create(a2c_optimizer **out, const a2c_config *cfg,
                                        size_t n_params)
{
    if (!out) return A2C_E_INVALID_ARG;
    *out = NULL;
    if (!cfg || n_params == 0 || n_params > SIZE_MAX / (2 * sizeof(float)))
        return A2C_E_INVALID_ARG;
    a2c_optimizer *opt = a2c__alloc(&cfg->alloc, sizeof *opt);
    if (!opt) return A2C_E_NOMEM;
    opt->alloc = cfg->alloc;
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
    opt->state_n = opt->rms ? n_params : 2 * n_params;
    opt->state = a2c__alloc(&opt->alloc, opt->state_n * sizeof(float));
    if (!opt->state) {
        a2c__free(&opt->alloc, opt, sizeof *opt);
        return A2C_E_NOMEM;
    }
    *out = opt;
    return A2C_OK;
}

A2C_API void a2c_optimizer_destroy(a2c_optimizer *opt)
{
    if (!opt) return;
    a2c_allocator a = opt->alloc;
    a2c__free(&a, opt->state, opt->state_n * sizeof(float));
    a2c__free(&a, opt, sizeof *opt);
}

static int progress_ok(double p)
{
    return p >= 0.0 && p <= 1.0; /* false for NaN too */
}

static double learning_rate(const a2c_optimizer *opt, double progress_remaining)
{
    return opt->schedule == A2C_SCHEDULE_LINEAR ? opt->lr * progress_remaining : opt->lr;
}

A2C_API a2c_status a2c_optimizer_learning_rate(const a2c_optimizer *opt,
                                               double progress_remaining, double *lr)
{
    if (!opt || !lr || !progress_ok(progress_remaining)) return A2C_E_INVALID_ARG;
    *lr = learning_rate(opt, progress_remaining);
    return A2C_OK;
}

void a2c__optimizer_count_step(a2c_optimizer *opt)
{
    opt->steps++;
}

/* Updates params[begin, end) from gscale * grads; zero_g also zeroes those
 * gradients (the trainer's fused path), otherwise they are only read. */
static void update(a2c_optimizer *opt, float *params, float *grads, double progress_remaining,
                   size_t begin, size_t end, float gscale, int zero_g)
{
    const double lr = learning_rate(opt, progress_remaining);
    const size_t n = end - begin;
    params += begin;
    grads += begin;
    if (opt->rms) {
        opt->k->rmsprop(params, grads, opt->state + begin, n, (float)opt->alpha,
                        (float)(1.0 - opt->alpha), (float)opt->rms_eps, (float)-lr, gscale, zero_g);
        return;
    }
    const double t = (double)opt->steps;
    const double bc1 = 1.0 - pow(opt->beta1, t), bc2 = 1.0 - pow(opt->beta2, t);
    opt->k->adam(params, grads, opt->state + begin, opt->state + opt->n + begin, n,
                 (float)opt->beta1, (float)(1.0 - opt->beta1), (float)opt->beta2,
                 (float)(1.0 - opt->beta2), (float)(-lr / bc1), (float)sqrt(bc2),
                 (float)opt->adam_eps, gscale, zero_g);
}

void a2c__optimizer_apply_range(a2c_optimizer *opt, float *params, float *grads,
                                double progress_remaining, size_t begin, size_t end, float gscale)
{
    update(opt, params, grads, progress_remaining, begin, end, gscale, 1);
}

A2C_API a2c_status a2c_optimizer_step(a2c_optimizer *opt, float *params, const float *grads,
                                      size_t n, double progress_remaining)
{
    if (!opt || !params || !grads || n != opt->n || !progress_ok(progress_remaining))
        return A2C_E_INVALID_ARG;
    if (!a2c__all_finite(grads, n)) return A2C_E_NONFINITE;
    a2c__optimizer_count_step(opt);
    /* zero_g 0: the caller's gradient is only read */
    update(opt, params, (float *)grads, progress_remaining, 0, n, 1.0f, 0);
    return A2C_OK;
}

A2C_API size_t a2c_optimizer_state_size(const a2c_optimizer *opt)
{
    return opt ? opt->state_n : 0;
}

A2C_API a2c_status a2c_optimizer_get_state(const a2c_optimizer *opt, float *dst, size_t n,
                                           uint64_t *steps)
{
    if (!opt || !dst || n != opt->state_n) return A2C_E_INVALID_ARG;
    memcpy(dst, opt->state, n * sizeof *dst);
    if (steps) *steps = opt->steps;
    return A2C_OK;
}

A2C_API a2c_status a2c_optimizer_set_state(a2c_optimizer *opt, const float *src, size_t n,
                                           uint64_t steps)
{
    if (!opt || !src || n != opt->state_n) return A2C_E_INVALID_ARG;
    if (!a2c__all_finite(src, n)) return A2C_E_NONFINITE;
    /* Square averages (RMSprop) and second moments (Adam) are >= 0. */
    const float *second = opt->rms ? src : src + opt->n;
    for (size_t k = 0; k < opt->n; k++)
        if (second[k] < 0.0f) return A2C_E_INVALID_ARG;
    memcpy(opt->state, src, n * sizeof *src);
    opt->steps = steps;
    return A2C_OK;
}

A2C_API a2c_status a2c_clip_grad_norm(float *grads, size_t n, double max_norm,
                                      double *total_norm)
{
    if ((!grads && n > 0) || !(max_norm >= 0.0) || !isfinite(max_norm))
        return A2C_E_INVALID_ARG;
    const a2c__kernels *k = a2c__kernels_select();
    const double norm = n > 0 ? sqrt(k->sum_squares(grads, n)) : 0.0;
    if (total_norm) *total_norm = norm;
    if (!isfinite(norm)) return A2C_E_NONFINITE;
    const double coef = max_norm / (norm + 1e-6);
    if (coef < 1.0) k->scale(grads, n, (float)coef);
    return A2C_OK;
}
