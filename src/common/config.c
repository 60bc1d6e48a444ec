/* Hyperparameters: a table of SB3 names, types, bounds and defaults, and
 * the setters and getters over it. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct param_info {
    const char *name; /* SB3 name */
    int is_int;
    double lo, hi, def;
} param_info;

/* Indexed by param - A2C__PARAM_FIRST; the order is the enum's. */
static const param_info params[A2C__PARAM_COUNT] = {
    {"learning_rate", 0, 0.0, 1e3, 7e-4},
    {"n_steps", 1, 1, 1 << 20, 5},
    {"gamma", 0, 0.0, 1.0, 0.99},
    {"gae_lambda", 0, 0.0, 1.0, 1.0},
    {"ent_coef", 0, 0.0, 1e6, 0.0},
    {"vf_coef", 0, 0.0, 1e6, 0.5},
    {"max_grad_norm", 0, 0.0, 1e12, 0.5},
    {"rms_prop_eps", 0, 1e-12, 1.0, 1e-5},
    {"use_rms_prop", 1, 0, 1, 1},
    {"normalize_advantage", 1, 0, 1, 0},
    {"activation_fn", 1, 0, 1, A2C_ACTIVATION_TANH},
    {"ortho_init", 1, 0, 1, 1},
    {"seed", 1, 0, 9223372036854775807.0, 0},
    {"n_envs", 1, 1, 1 << 16, 1},
    {"lr_schedule", 1, 0, 1, A2C_SCHEDULE_CONSTANT},
    {"rms_prop_alpha", 0, 0.0, 1.0, 0.99},
    {"adam_beta1", 0, 0.0, 0.999999, 0.9},
    {"adam_beta2", 0, 0.0, 0.999999, 0.999},
    {"adam_eps", 0, 1e-12, 1.0, 1e-5},
    {"value_loss", 1, 0, 1, A2C_VALUE_LOSS_MSE},
    {"huber_delta", 0, 1e-6, 1e6, 1.0},
    {"shared_trunk", 1, 0, 1, 0},
    {"max_batch", 1, 0, 1 << 24, 0},
    {"n_threads", 1, 1, 2, 1},
};

static const param_info *info(a2c_param p)
{
    long k = (long)p - A2C__PARAM_FIRST;
    if (k < 0 || k >= A2C__PARAM_COUNT) return NULL;
    return &params[k];
}

double a2c__cfg_double(const a2c_config *cfg, a2c_param p)
{
    const param_info *pi = info(p);
    size_t k = (size_t)(p - A2C__PARAM_FIRST);
    return pi->is_int ? (double)cfg->i[k] : cfg->d[k];
}

int64_t a2c__cfg_int(const a2c_config *cfg, a2c_param p)
{
    return cfg->i[p - A2C__PARAM_FIRST];
}

static void set_defaults(a2c_config *cfg)
{
    for (size_t k = 0; k < A2C__PARAM_COUNT; k++) {
        cfg->d[k] = params[k].is_int ? 0.0 : params[k].def;
        cfg->i[k] = params[k].is_int ? (int64_t)params[k].def : 0;
    }
    cfg->n_pi = cfg->n_vf = 2;
    cfg->pi[0] = cfg->pi[1] = cfg->vf[0] = cfg->vf[1] = 64;
}

A2C_API a2c_status a2c_config_create(a2c_config **out, const a2c_allocator *alloc)
{
    if (!out) return A2C_E_INVALID_ARG;
    *out = NULL;
    a2c_allocator a;
    if (a2c__allocator(alloc, &a) != A2C_OK) return A2C_E_INVALID_ARG;
    a2c_config *cfg = a2c__alloc(&a, sizeof *cfg);
    if (!cfg) return A2C_E_NOMEM;
    cfg->alloc = a;
    set_defaults(cfg);
    *out = cfg;
    return A2C_OK;
}

A2C_API void a2c_config_destroy(a2c_config *cfg)
{
    if (!cfg) return;
    a2c_allocator a = cfg->alloc;
    a2c__free(&a, cfg, sizeof *cfg);
}

A2C_API a2c_status a2c_config_clone(const a2c_config *src, a2c_config **out)
{
    if (!out) return A2C_E_INVALID_ARG;
    *out = NULL;
    if (!src) return A2C_E_INVALID_ARG;
    a2c_config *cfg = a2c__alloc(&src->alloc, sizeof *cfg);
    if (!cfg) return A2C_E_NOMEM;
    memcpy(cfg, src, sizeof *cfg);
    *out = cfg;
    return A2C_OK;
}

A2C_API a2c_status a2c_config_set_double(a2c_config *cfg, a2c_param param, double value)
{
    const param_info *pi = info(param);
    if (!cfg || !pi) return A2C_E_INVALID_ARG;
    if (!isfinite(value)) return A2C_E_NONFINITE;
    if (value < pi->lo || value > pi->hi) return A2C_E_INVALID_ARG;
    size_t k = (size_t)(param - A2C__PARAM_FIRST);
    if (pi->is_int) {
        if (value != floor(value)) return A2C_E_INVALID_ARG;
        /* hi of "seed" rounds up to 2^63, which int64_t cannot hold. */
        if (value >= 9223372036854775807.0) return A2C_E_INVALID_ARG;
        cfg->i[k] = (int64_t)value;
    } else {
        cfg->d[k] = value;
    }
    return A2C_OK;
}

A2C_API a2c_status a2c_config_set_int(a2c_config *cfg, a2c_param param, int64_t value)
{
    const param_info *pi = info(param);
    if (!cfg || !pi) return A2C_E_INVALID_ARG;
    if (!pi->is_int) return a2c_config_set_double(cfg, param, (double)value);
    if ((double)value < pi->lo || (double)value > pi->hi || value < 0) return A2C_E_INVALID_ARG;
    cfg->i[param - A2C__PARAM_FIRST] = value;
    return A2C_OK;
}

A2C_API a2c_status a2c_config_get_double(const a2c_config *cfg, a2c_param param, double *value)
{
    if (!cfg || !info(param) || !value) return A2C_E_INVALID_ARG;
    *value = a2c__cfg_double(cfg, param);
    return A2C_OK;
}

A2C_API a2c_status a2c_config_get_int(const a2c_config *cfg, a2c_param param, int64_t *value)
{
    const param_info *pi = info(param);
    if (!cfg || !pi || !value || !pi->is_int) return A2C_E_INVALID_ARG;
    *value = cfg->i[param - A2C__PARAM_FIRST];
    return A2C_OK;
}

static int arch_ok(const int32_t *w, size_t n)
{
    if (n > A2C_MAX_LAYERS || (n > 0 && !w)) return 0;
    for (size_t k = 0; k < n; k++)
        if (w[k] < 1 || w[k] > A2C_MAX_WIDTH) return 0;
    return 1;
}

A2C_API a2c_status a2c_config_set_net_arch(a2c_config *cfg, const int32_t *pi, size_t n_pi,
                                           const int32_t *vf, size_t n_vf)
{
    if (!cfg || !arch_ok(pi, n_pi) || !arch_ok(vf, n_vf)) return A2C_E_INVALID_ARG;
    for (size_t k = 0; k < n_pi; k++) cfg->pi[k] = pi[k];
    for (size_t k = 0; k < n_vf; k++) cfg->vf[k] = vf[k];
    cfg->n_pi = n_pi;
    cfg->n_vf = n_vf;
    return A2C_OK;
}

A2C_API a2c_status a2c_config_get_net_arch(const a2c_config *cfg, int32_t *pi, size_t *n_pi,
                                           int32_t *vf, size_t *n_vf)
{
    if (!cfg) return A2C_E_INVALID_ARG;
    for (size_t k = 0; pi && k < cfg->n_pi; k++) pi[k] = cfg->pi[k];
    for (size_t k = 0; vf && k < cfg->n_vf; k++) vf[k] = cfg->vf[k];
    if (n_pi) *n_pi = cfg->n_pi;
    if (n_vf) *n_vf = cfg->n_vf;
    return A2C_OK;
}

A2C_API const char *a2c_param_name(a2c_param param)
{
    const param_info *pi = info(param);
    return pi ? pi->name : NULL;
}

A2C_API a2c_status a2c_param_from_name(const char *name, a2c_param *out)
{
    if (!name || !out) return A2C_E_INVALID_ARG;
    for (int k = 0; k < A2C__PARAM_COUNT; k++) {
        if (strcmp(params[k].name, name) == 0) {
            *out = (a2c_param)(A2C__PARAM_FIRST + k);
            return A2C_OK;
        }
    }
    return A2C_E_INVALID_ARG;
}

A2C_API a2c_status a2c_param_bounds(a2c_param param, double *lo, double *hi)
{
    const param_info *pi = info(param);
    if (!pi || !lo || !hi) return A2C_E_INVALID_ARG;
    *lo = pi->lo;
    *hi = pi->hi;
    return A2C_OK;
}

A2C_API a2c_status a2c_param_default(a2c_param param, double *value)
{
    const param_info *pi = info(param);
    if (!pi || !value) return A2C_E_INVALID_ARG;
    *value = pi->def;
    return A2C_OK;
}

A2C_API a2c_status a2c_param_is_integer(a2c_param param, int *is_integer)
{
    const param_info *pi = info(param);
    if (!pi || !is_integer) return A2C_E_INVALID_ARG;
    *is_integer = pi->is_int;
    return A2C_OK;
}

/* ---- text values (zoo YAML, command lines) ---- */

/* Decimal text to double without strtod, whose decimal point follows the
 * host's locale (a game running in de_DE would read "0.99" as 0).  Up to
 * 19 significant digits are kept; when the digits fit a double exactly and
 * the power of ten is exact (Clinger's fast path: "7e-4", "0.99", "1e-5")
 * the result is correctly rounded, otherwise within an ulp or two. */
int a2c__parse_double(const char *s, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = s;
    int neg = 0, digits = 0, dropped = 0;
    uint64_t mant = 0;
    long exp10 = 0;
    if (*p == '+' || *p == '-') neg = (*p++ == '-');
    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (mant < UINT64_C(1000000000000000000)) mant = mant * 10 + (uint64_t)(*p - '0');
        else dropped++;
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, digits++) {
            if (mant < UINT64_C(1000000000000000000)) {
                mant = mant * 10 + (uint64_t)(*p - '0');
                exp10--;
            }
        }
    }
    if (digits == 0) return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        int eneg = 0;
        long e = 0;
        if (*p == '+' || *p == '-') eneg = (*p++ == '-');
        if (!(*p >= '0' && *p <= '9')) return 0;
        for (; *p >= '0' && *p <= '9'; p++)
            if (e < 100000) e = e * 10 + (*p - '0');
        exp10 += eneg ? -e : e;
    }
    if (*p != '\0') return 0;
    exp10 += dropped;
    double v = (double)mant;
    if (mant <= (UINT64_C(1) << 53) && exp10 >= -22 && exp10 <= 22) {
        v = exp10 < 0 ? v / pow10[-exp10] : v * pow10[exp10];
    } else {
        for (; exp10 > 0; exp10--) v *= 10.0;
        for (; exp10 < 0; exp10++) v /= 10.0;
    }
    *out = neg ? -v : v;
    return 1;
}

static int parse_bool(const char *s, int64_t *out)
{
    if (!strcmp(s, "True") || !strcmp(s, "true") || !strcmp(s, "1")) *out = 1;
    else if (!strcmp(s, "False") || !strcmp(s, "false") || !strcmp(s, "0")) *out = 0;
    else return 0;
    return 1;
}

/* Reads a list like "64, 64" or "[64,64]" from *s, advancing past it and
 * past a closing ']' if `bracketed`. */
static int parse_widths(const char **s, int bracketed, int32_t *w, size_t *n)
{
    const char *p = *s;
    *n = 0;
    for (;;) {
        while (*p == ' ') p++;
        if (bracketed && *p == ']') break;
        if (!(*p >= '0' && *p <= '9')) return *n == 0 && !bracketed && *p == '\0';
        long v = 0;
        for (; *p >= '0' && *p <= '9'; p++)
            if (v <= A2C_MAX_WIDTH) v = v * 10 + (*p - '0');
        if (v < 1 || v > A2C_MAX_WIDTH || *n >= A2C_MAX_LAYERS) return 0;
        w[(*n)++] = (int32_t)v;
        while (*p == ' ') p++;
        if (*p != ',') break;
        p++;
    }
    if (bracketed) {
        if (*p != ']') return 0;
        p++;
    }
    *s = p;
    return 1;
}

/* "64,64", "[64, 64]", "dict(pi=[64, 64], vf=[32])", "[]". */
static a2c_status set_net_arch_text(a2c_config *cfg, const char *text)
{
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    size_t n_pi = 0, n_vf = 0;
    const char *p = text;
    while (*p == ' ') p++;
    if (strncmp(p, "dict(", 5) == 0) {
        p += 5;
        int have_pi = 0, have_vf = 0;
        for (;;) {
            while (*p == ' ') p++;
            int is_pi = strncmp(p, "pi", 2) == 0, is_vf = strncmp(p, "vf", 2) == 0;
            if (!is_pi && !is_vf) return A2C_E_INVALID_ARG;
            p += 2;
            while (*p == ' ') p++;
            if (*p++ != '=') return A2C_E_INVALID_ARG;
            while (*p == ' ') p++;
            if (*p++ != '[') return A2C_E_INVALID_ARG;
            if (!parse_widths(&p, 1, is_pi ? pi : vf, is_pi ? &n_pi : &n_vf))
                return A2C_E_INVALID_ARG;
            if ((is_pi && have_pi) || (is_vf && have_vf)) return A2C_E_INVALID_ARG;
            have_pi |= is_pi;
            have_vf |= is_vf;
            while (*p == ' ') p++;
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p++ != ')') return A2C_E_INVALID_ARG;
            break;
        }
        if (!have_pi || !have_vf) return A2C_E_INVALID_ARG;
    } else {
        int bracketed = *p == '[';
        if (bracketed) p++;
        if (!parse_widths(&p, bracketed, pi, &n_pi)) return A2C_E_INVALID_ARG;
        for (size_t k = 0; k < n_pi; k++) vf[k] = pi[k];
        n_vf = n_pi;
    }
    while (*p == ' ') p++;
    if (*p != '\0') return A2C_E_INVALID_ARG;
    return a2c_config_set_net_arch(cfg, pi, n_pi, vf, n_vf);
}

A2C_API a2c_status a2c_config_set_string(a2c_config *cfg, const char *name, const char *value)
{
    if (!cfg || !name || !value) return A2C_E_INVALID_ARG;
    if (strcmp(name, "net_arch") == 0) return set_net_arch_text(cfg, value);
    a2c_param p;
    if (a2c_param_from_name(name, &p) != A2C_OK) return A2C_E_INVALID_ARG;
    int64_t iv;
    double dv;
    switch (p) {
    case A2C_PARAM_LEARNING_RATE: {
        int linear = strncmp(value, "lin_", 4) == 0;
        if (!a2c__parse_double(linear ? value + 4 : value, &dv)) return A2C_E_INVALID_ARG;
        a2c_status rc = a2c_config_set_double(cfg, p, dv);
        if (rc != A2C_OK) return rc;
        return a2c_config_set_int(cfg, A2C_PARAM_LR_SCHEDULE,
                                  linear ? A2C_SCHEDULE_LINEAR : A2C_SCHEDULE_CONSTANT);
    }
    case A2C_PARAM_ACTIVATION_FN:
        if (!strcmp(value, "tanh") || !strcmp(value, "nn.Tanh")) iv = A2C_ACTIVATION_TANH;
        else if (!strcmp(value, "relu") || !strcmp(value, "nn.ReLU")) iv = A2C_ACTIVATION_RELU;
        else return A2C_E_INVALID_ARG;
        return a2c_config_set_int(cfg, p, iv);
    case A2C_PARAM_VALUE_LOSS:
        if (!strcmp(value, "mse")) iv = A2C_VALUE_LOSS_MSE;
        else if (!strcmp(value, "huber")) iv = A2C_VALUE_LOSS_HUBER;
        else return A2C_E_INVALID_ARG;
        return a2c_config_set_int(cfg, p, iv);
    case A2C_PARAM_LR_SCHEDULE:
        if (!strcmp(value, "constant")) iv = A2C_SCHEDULE_CONSTANT;
        else if (!strcmp(value, "linear")) iv = A2C_SCHEDULE_LINEAR;
        else return A2C_E_INVALID_ARG;
        return a2c_config_set_int(cfg, p, iv);
    default: break;
    }
    if (parse_bool(value, &iv) && params[p - A2C__PARAM_FIRST].is_int)
        return a2c_config_set_int(cfg, p, iv);
    if (!a2c__parse_double(value, &dv)) return A2C_E_INVALID_ARG;
    return a2c_config_set_double(cfg, p, dv);
}
