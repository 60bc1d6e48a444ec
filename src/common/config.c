/* Hyperparameters: a table of SB3 names, types, bounds and defaults, and
 * the setters and getters over it. */
#include "common/config.h"

struct a2c_config {
    a2c_allocator alloc;
    double d[A2C__PARAM_COUNT];  /* double parameters */
    int64_t i[A2C__PARAM_COUNT]; /* int parameters */
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    size_t n_pi, n_vf;
};

#include "common/error.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
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
    {"n_threads", 1, 1, A2C__MAX_THREADS, 1},
    {"norm_obs", 1, 0, 1, 0},
    {"norm_reward", 1, 0, 1, 0},
    {"clip_obs", 0, 1e-6, 1e12, 10.0},
    {"clip_reward", 0, 1e-6, 1e12, 10.0},
    {"ent_schedule", 1, 0, 1, A2C_SCHEDULE_CONSTANT},
    {"use_sde", 1, 0, 1, 0},
    {"sde_sample_freq", 1, -1, 1 << 30, -1},
    {"log_std_init", 0, -20.0, 20.0, 0.0},
    {"max_rollbacks", 1, 0, 1000000, 0},
    {"rollback_lr_factor", 0, 1e-6, 1.0, 0.5},
    {"rollback_loss_jump", 0, 0.0, 1e30, 1.0},
};

static const param_info *info(a2c_param p)
{
    long k = (long)p - A2C__PARAM_FIRST;
    if (k < 0 || k >= A2C__PARAM_COUNT) return NULL;
    return &params[k];
}

/* ---- last-error messages ----
 *
 * The helpers take the public function's name (`fn`): a2c_config_set_string
 * goes through the same checks as a2c_config_set_double, and its host should
 * read its own function's name in the message. */

static a2c_status unknown_param(const char *fn, a2c_param p)
{
    /* as an int, so (a2c_param)-1 reads as the host wrote it */
    return a2c__fail(A2C_E_INVALID_ARG, fn, "param is %d, expected an a2c_param (%d..%d)",
                     (int)p, A2C__PARAM_FIRST, A2C__PARAM_FIRST + A2C__PARAM_COUNT - 1);
}

/* A rejected value as the host wrote it: the text given to set_string, or
 * else the number. */
static const char *shown_double(char *buf, size_t cap, const char *text, double v)
{
    if (text) snprintf(buf, cap, "'%.40s'", text);
    else snprintf(buf, cap, "%.15g", v);
    return buf;
}

static const char *shown_int(char *buf, size_t cap, const char *text, int64_t v)
{
    if (text) snprintf(buf, cap, "'%.40s'", text);
    else snprintf(buf, cap, "%" PRId64, v);
    return buf;
}

static a2c_status out_of_range(const char *fn, const param_info *pi, const char *shown)
{
    char range[64];
    if (pi->is_int) {
        /* seed's bound is stored as a double that rounds up to 2^63 */
        const int64_t hi = pi->hi >= 9223372036854775807.0 ? INT64_MAX : (int64_t)pi->hi;
        snprintf(range, sizeof range, "%" PRId64 "..%" PRId64, (int64_t)pi->lo, hi);
    } else {
        snprintf(range, sizeof range, "%.15g..%.15g", pi->lo, pi->hi);
    }
    return a2c__fail(A2C_E_INVALID_ARG, fn, "%s is %s, expected %s", pi->name, shown, range);
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
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, __func__, "out is NULL");
    *out = NULL;
    a2c_allocator a;
    if (a2c__allocator(alloc, &a, __func__) != A2C_OK) return A2C_E_INVALID_ARG;
    a2c_config *cfg = a2c__alloc(&a, sizeof *cfg);
    if (!cfg)
        return a2c__fail(A2C_E_NOMEM, __func__, "cannot allocate the config (%zu bytes)",
                         sizeof *cfg);
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
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, __func__, "out is NULL");
    *out = NULL;
    if (!src) return a2c__fail(A2C_E_INVALID_ARG, __func__, "src is NULL");
    a2c_config *cfg = a2c__alloc(&src->alloc, sizeof *cfg);
    if (!cfg)
        return a2c__fail(A2C_E_NOMEM, __func__, "cannot allocate the copy (%zu bytes)",
                         sizeof *cfg);
    memcpy(cfg, src, sizeof *cfg);
    *out = cfg;
    return A2C_OK;
}

/* a2c_config_set_double for public function `fn`; `text` (or NULL) is how
 * the host wrote the value, for the message. */
static a2c_status set_double_as(a2c_config *cfg, a2c_param param, double value, const char *text,
                                const char *fn)
{
    const param_info *pi = info(param);
    char shown[48];
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, fn, "cfg is NULL");
    if (!pi) return unknown_param(fn, param);
    if (!isfinite(value))
        return a2c__fail(A2C_E_NONFINITE, fn, "%s is %s, expected a finite number", pi->name,
                         shown_double(shown, sizeof shown, text, value));
    if (value < pi->lo || value > pi->hi)
        return out_of_range(fn, pi, shown_double(shown, sizeof shown, text, value));
    size_t k = (size_t)(param - A2C__PARAM_FIRST);
    if (pi->is_int) {
        if (value != floor(value))
            return a2c__fail(A2C_E_INVALID_ARG, fn, "%s is %s, expected a whole number",
                             pi->name, shown_double(shown, sizeof shown, text, value));
        /* hi of "seed" rounds up to 2^63, which int64_t cannot hold. */
        if (value >= 9223372036854775807.0)
            return out_of_range(fn, pi, shown_double(shown, sizeof shown, text, value));
        cfg->i[k] = (int64_t)value;
    } else {
        cfg->d[k] = value;
    }
    return A2C_OK;
}

/* a2c_config_set_int for public function `fn`, as set_double_as. */
static a2c_status set_int_as(a2c_config *cfg, a2c_param param, int64_t value, const char *text,
                             const char *fn)
{
    const param_info *pi = info(param);
    char shown[48];
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, fn, "cfg is NULL");
    if (!pi) return unknown_param(fn, param);
    if (!pi->is_int) return set_double_as(cfg, param, (double)value, text, fn);
    if ((double)value < pi->lo || (double)value > pi->hi)
        return out_of_range(fn, pi, shown_int(shown, sizeof shown, text, value));
    cfg->i[param - A2C__PARAM_FIRST] = value;
    return A2C_OK;
}

A2C_API a2c_status a2c_config_set_double(a2c_config *cfg, a2c_param param, double value)
{
    return set_double_as(cfg, param, value, NULL, __func__);
}

A2C_API a2c_status a2c_config_set_int(a2c_config *cfg, a2c_param param, int64_t value)
{
    return set_int_as(cfg, param, value, NULL, __func__);
}

A2C_API a2c_status a2c_config_get_double(const a2c_config *cfg, a2c_param param, double *value)
{
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, __func__, "cfg is NULL");
    if (!info(param)) return unknown_param(__func__, param);
    if (!value) return a2c__fail(A2C_E_INVALID_ARG, __func__, "value is NULL");
    *value = a2c__cfg_double(cfg, param);
    return A2C_OK;
}

A2C_API a2c_status a2c_config_get_int(const a2c_config *cfg, a2c_param param, int64_t *value)
{
    const param_info *pi = info(param);
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, __func__, "cfg is NULL");
    if (!pi) return unknown_param(__func__, param);
    if (!value) return a2c__fail(A2C_E_INVALID_ARG, __func__, "value is NULL");
    if (!pi->is_int)
        return a2c__fail(A2C_E_INVALID_ARG, __func__,
                         "%s is a double parameter, read it with a2c_config_get_double",
                         pi->name);
    *value = cfg->i[param - A2C__PARAM_FIRST];
    return A2C_OK;
}

/* Checks one trunk's widths `w` (argument `name`, count n_<name>). */
static a2c_status check_arch(const char *fn, const char *name, const int32_t *w, size_t n)
{
    if (n > A2C_MAX_LAYERS)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "n_%s is %zu, expected at most %d", name, n,
                         A2C_MAX_LAYERS);
    if (n > 0 && !w) return a2c__fail(A2C_E_INVALID_ARG, fn, "%s is NULL, n_%s is %zu", name,
                                      name, n);
    for (size_t k = 0; k < n; k++)
        if (w[k] < 1 || w[k] > A2C_MAX_WIDTH)
            return a2c__fail(A2C_E_INVALID_ARG, fn, "%s[%zu] is %" PRId32 ", expected 1..%d",
                             name, k, w[k], A2C_MAX_WIDTH);
    return A2C_OK;
}

/* a2c_config_set_net_arch for public function `fn`. */
static a2c_status set_arch_as(a2c_config *cfg, const int32_t *pi, size_t n_pi, const int32_t *vf,
                              size_t n_vf, const char *fn)
{
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, fn, "cfg is NULL");
    a2c_status rc = check_arch(fn, "pi", pi, n_pi);
    if (rc == A2C_OK) rc = check_arch(fn, "vf", vf, n_vf);
    if (rc != A2C_OK) return rc;
    for (size_t k = 0; k < n_pi; k++) cfg->pi[k] = pi[k];
    for (size_t k = 0; k < n_vf; k++) cfg->vf[k] = vf[k];
    cfg->n_pi = n_pi;
    cfg->n_vf = n_vf;
    return A2C_OK;
}

A2C_API a2c_status a2c_config_set_net_arch(a2c_config *cfg, const int32_t *pi, size_t n_pi,
                                           const int32_t *vf, size_t n_vf)
{
    return set_arch_as(cfg, pi, n_pi, vf, n_vf, __func__);
}

A2C_API a2c_status a2c_config_get_net_arch(const a2c_config *cfg, int32_t *pi, size_t *n_pi,
                                           int32_t *vf, size_t *n_vf)
{
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, __func__, "cfg is NULL");
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

/* The parameter called `name`, or 0 (no parameter is 0) if none is. */
static a2c_param param_named(const char *name)
{
    for (int k = 0; k < A2C__PARAM_COUNT; k++)
        if (strcmp(params[k].name, name) == 0) return (a2c_param)(A2C__PARAM_FIRST + k);
    return (a2c_param)0;
}

A2C_API a2c_status a2c_param_from_name(const char *name, a2c_param *out)
{
    if (!name) return a2c__fail(A2C_E_INVALID_ARG, __func__, "name is NULL");
    if (!out) return a2c__fail(A2C_E_INVALID_ARG, __func__, "out is NULL");
    const a2c_param p = param_named(name);
    if (!info(p)) return a2c__fail(A2C_E_INVALID_ARG, __func__, "unknown parameter '%s'", name);
    *out = p;
    return A2C_OK;
}

A2C_API a2c_status a2c_param_bounds(a2c_param param, double *lo, double *hi)
{
    const param_info *pi = info(param);
    if (!pi) return unknown_param(__func__, param);
    if (!lo) return a2c__fail(A2C_E_INVALID_ARG, __func__, "lo is NULL");
    if (!hi) return a2c__fail(A2C_E_INVALID_ARG, __func__, "hi is NULL");
    *lo = pi->lo;
    *hi = pi->hi;
    return A2C_OK;
}

A2C_API a2c_status a2c_param_default(a2c_param param, double *value)
{
    const param_info *pi = info(param);
    if (!pi) return unknown_param(__func__, param);
    if (!value) return a2c__fail(A2C_E_INVALID_ARG, __func__, "value is NULL");
    *value = pi->def;
    return A2C_OK;
}

A2C_API a2c_status a2c_param_is_integer(a2c_param param, int *is_integer)
{
    const param_info *pi = info(param);
    if (!pi) return unknown_param(__func__, param);
    if (!is_integer) return a2c__fail(A2C_E_INVALID_ARG, __func__, "is_integer is NULL");
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

/* Plain decimal digits (an optional '+') that fit an int64_t. */
static int parse_whole(const char *s, int64_t *out)
{
    const char *p = s + (*s == '+');
    if (!(*p >= '0' && *p <= '9')) return 0;
    uint64_t v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        const uint64_t digit = (uint64_t)(*p - '0');
        if (v > ((uint64_t)INT64_MAX - digit) / 10) return 0; /* leave it to the range check */
        v = v * 10 + digit;
    }
    if (*p != '\0') return 0;
    *out = (int64_t)v;
    return 1;
}

static int parse_bool(const char *s, int64_t *out)
{
    if (!strcmp(s, "True") || !strcmp(s, "true") || !strcmp(s, "1")) *out = 1;
    else if (!strcmp(s, "False") || !strcmp(s, "false") || !strcmp(s, "0")) *out = 0;
    else return 0;
    return 1;
}

/* What net_arch text must look like, for messages. */
#define ARCH_SYNTAX "a list like [64, 64] or dict(pi=[64, 64], vf=[32])"
#define ARCH_WIDTHS "widths in 1.." A2C_STRINGIFY(A2C_MAX_WIDTH)
#define ARCH_LAYERS "at most " A2C_STRINGIFY(A2C_MAX_LAYERS) " layers per trunk"

/* Reads a list like "64, 64" or "[64,64]" from *s, advancing past it and
 * past a closing ']' if `bracketed`.  A bad width or too many of them
 * also set *why, for the message. */
static int parse_widths(const char **s, int bracketed, int32_t *w, size_t *n, const char **why)
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
        if (v < 1 || v > A2C_MAX_WIDTH || *n >= A2C_MAX_LAYERS) {
            *why = v < 1 || v > A2C_MAX_WIDTH ? ARCH_WIDTHS : ARCH_LAYERS;
            return 0;
        }
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

/* "64,64", "[64, 64]", "dict(pi=[64, 64], vf=[32])", "[]"; failures are
 * reported for public function `fn`. */
static a2c_status set_net_arch_text(a2c_config *cfg, const char *text, const char *fn)
{
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    size_t n_pi = 0, n_vf = 0;
    const char *why = ARCH_SYNTAX;
    const char *p = text;
    while (*p == ' ') p++;
    if (strncmp(p, "dict(", 5) == 0) {
        p += 5;
        int have_pi = 0, have_vf = 0;
        for (;;) {
            while (*p == ' ') p++;
            int is_pi = strncmp(p, "pi", 2) == 0, is_vf = strncmp(p, "vf", 2) == 0;
            if (!is_pi && !is_vf) goto bad;
            p += 2;
            while (*p == ' ') p++;
            if (*p++ != '=') goto bad;
            while (*p == ' ') p++;
            if (*p++ != '[') goto bad;
            if (!parse_widths(&p, 1, is_pi ? pi : vf, is_pi ? &n_pi : &n_vf, &why)) goto bad;
            if ((is_pi && have_pi) || (is_vf && have_vf)) {
                why = "pi and vf once each";
                goto bad;
            }
            have_pi |= is_pi;
            have_vf |= is_vf;
            while (*p == ' ') p++;
            if (*p == ',') {
                p++;
                continue;
            }
            if (*p++ != ')') goto bad;
            break;
        }
        if (!have_pi || !have_vf) {
            why = "both pi and vf in dict(...)";
            goto bad;
        }
    } else {
        int bracketed = *p == '[';
        if (bracketed) p++;
        if (!parse_widths(&p, bracketed, pi, &n_pi, &why)) goto bad;
        for (size_t k = 0; k < n_pi; k++) vf[k] = pi[k];
        n_vf = n_pi;
    }
    while (*p == ' ') p++;
    if (*p != '\0') goto bad;
    return set_arch_as(cfg, pi, n_pi, vf, n_vf, fn);
bad:
    return a2c__fail(A2C_E_INVALID_ARG, fn, "net_arch is '%.60s', expected %s", text, why);
}

/* ---- Python-style keyword lists: dict(a=1, b=[2, 3]) or {'a': 1} ---- */

#define KWARGS_MAX 8
#define KWARG_TEXT 96

typedef struct kwarg {
    char key[32];
    char value[KWARG_TEXT];
} kwarg;

/* Copies [b, e) into dst (capacity cap) without surrounding spaces and,
 * for keys, quotes; 0 if it does not fit or is empty. */
static int copy_trimmed(char *dst, size_t cap, const char *b, const char *e, int unquote)
{
    while (b < e && *b == ' ') b++;
    while (e > b && e[-1] == ' ') e--;
    if (unquote && e - b >= 2 && (*b == '\'' || *b == '"') && e[-1] == *b) {
        b++;
        e--;
    }
    if (e <= b || (size_t)(e - b) >= cap) return 0;
    memcpy(dst, b, (size_t)(e - b));
    dst[e - b] = '\0';
    return 1;
}

/* Splits "dict(k=v, ...)" or "{'k': v, ...}" into at most KWARGS_MAX
 * pairs; commas inside brackets or parentheses belong to the value.
 * Returns the number of pairs, or -1 for text of another shape. */
static int split_kwargs(const char *text, kwarg *out)
{
    const char *p = text;
    while (*p == ' ') p++;
    char close;
    if (strncmp(p, "dict(", 5) == 0) {
        p += 5;
        close = ')';
    } else if (*p == '{') {
        p++;
        close = '}';
    } else {
        return -1;
    }
    const char *end = p + strlen(p);
    while (end > p && end[-1] == ' ') end--;
    if (end == p || end[-1] != close) return -1;
    end--;
    int n = 0;
    while (p < end) {
        const char *item = p, *sep = NULL;
        int depth = 0;
        for (; p < end && (depth > 0 || *p != ','); p++) {
            if (*p == '(' || *p == '[' || *p == '{') depth++;
            else if (*p == ')' || *p == ']' || *p == '}') depth--;
            else if (depth == 0 && !sep && (*p == '=' || *p == ':')) sep = p;
            if (depth < 0) return -1;
        }
        if (depth != 0 || !sep || n >= KWARGS_MAX) return -1;
        if (!copy_trimmed(out[n].key, sizeof out[n].key, item, sep, 1) ||
            !copy_trimmed(out[n].value, sizeof out[n].value, sep + 1, p, 0))
            return -1;
        n++;
        if (p < end) p++; /* the comma */
    }
    return n;
}

static a2c_status set_text_as(a2c_config *cfg, const char *name, const char *value,
                              const char *fn);

/* The zoo's `normalize`: True/False for VecNormalize with its defaults or
 * none, or a dict of VecNormalize's keyword arguments. */
static a2c_status set_normalize_text(a2c_config *cfg, const char *value, const char *fn)
{
    int64_t on;
    if (parse_bool(value, &on)) {
        cfg->i[A2C_PARAM_NORM_OBS - A2C__PARAM_FIRST] = on;
        cfg->i[A2C_PARAM_NORM_REWARD - A2C__PARAM_FIRST] = on;
        return A2C_OK;
    }
    kwarg kw[KWARGS_MAX];
    const int n = split_kwargs(value, kw);
    if (n < 0)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "normalize is '%.60s', expected True, False "
                         "or a dict such as {'norm_obs': True, 'norm_reward': False}", value);
    /* VecNormalize(**kwargs) with the keys not given at their defaults */
    cfg->i[A2C_PARAM_NORM_OBS - A2C__PARAM_FIRST] = 1;
    cfg->i[A2C_PARAM_NORM_REWARD - A2C__PARAM_FIRST] = 1;
    for (int k = 0; k < n; k++) {
        const char *key = kw[k].key;
        if (strcmp(key, "norm_obs") && strcmp(key, "norm_reward") && strcmp(key, "clip_obs") &&
            strcmp(key, "clip_reward"))
            return a2c__fail(A2C_E_INVALID_ARG, fn, "normalize's key '%s' is not supported "
                             "(norm_obs, norm_reward, clip_obs, clip_reward are; VecNormalize's "
                             "gamma is always the config's gamma)", key);
        const a2c_status rc = set_text_as(cfg, key, kw[k].value, fn);
        if (rc != A2C_OK) return rc;
    }
    return A2C_OK;
}

/* SB3's policy_kwargs, as the zoo writes them: dict(log_std_init=-2,
 * ortho_init=False, net_arch=[64, 64], activation_fn=nn.ReLU). */
static a2c_status set_policy_kwargs_text(a2c_config *cfg, const char *value, const char *fn)
{
    kwarg kw[KWARGS_MAX];
    const int n = split_kwargs(value, kw);
    if (n < 0)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "policy_kwargs is '%.60s', expected a dict "
                         "such as dict(log_std_init=-2, ortho_init=False)", value);
    for (int k = 0; k < n; k++) {
        const char *key = kw[k].key;
        if (strcmp(key, "net_arch") && strcmp(key, "activation_fn") &&
            strcmp(key, "ortho_init") && strcmp(key, "log_std_init"))
            return a2c__fail(A2C_E_INVALID_ARG, fn, "policy_kwargs' key '%s' is not supported "
                             "(net_arch, activation_fn, ortho_init, log_std_init are)", key);
        const a2c_status rc = set_text_as(cfg, key, kw[k].value, fn);
        if (rc != A2C_OK) return rc;
    }
    return A2C_OK;
}

A2C_API a2c_status a2c_config_set_string(a2c_config *cfg, const char *name, const char *value)
{
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, __func__, "cfg is NULL");
    if (!name) return a2c__fail(A2C_E_INVALID_ARG, __func__, "name is NULL");
    if (!value) return a2c__fail(A2C_E_INVALID_ARG, __func__, "value is NULL");
    /* Compound values set several parameters: work on a copy so that a
     * refused one leaves the config as it was. */
    a2c_config work = *cfg;
    const a2c_status rc = set_text_as(&work, name, value, __func__);
    if (rc == A2C_OK) *cfg = work;
    return rc;
}

a2c_status a2c__config_set_texts(a2c_config *cfg, const char *const *names,
                                 const char *const *values, size_t n, const char *fn)
{
    a2c_config work = *cfg;
    a2c_status rc = A2C_OK;
    for (size_t k = 0; k < n && rc == A2C_OK; k++) rc = set_text_as(&work, names[k], values[k], fn);
    if (rc == A2C_OK) *cfg = work;
    return rc;
}

static a2c_status set_text_as(a2c_config *cfg, const char *name, const char *value,
                              const char *fn)
{
    if (strcmp(name, "net_arch") == 0) return set_net_arch_text(cfg, value, fn);
    if (strcmp(name, "normalize") == 0) return set_normalize_text(cfg, value, fn);
    if (strcmp(name, "policy_kwargs") == 0) return set_policy_kwargs_text(cfg, value, fn);
    const a2c_param p = param_named(name);
    const param_info *pi = info(p);
    if (!pi) return a2c__fail(A2C_E_INVALID_ARG, fn, "unknown parameter '%s'", name);
    const char *expected = "a number"; /* what the text should have been */
    int64_t iv;
    double dv;
    switch (p) {
    case A2C_PARAM_LEARNING_RATE:
    case A2C_PARAM_ENT_COEF: {
        int linear = strncmp(value, "lin_", 4) == 0;
        expected = "a number or lin_<number>";
        if (!a2c__parse_double(linear ? value + 4 : value, &dv)) goto bad;
        if (!isfinite(dv)) return out_of_range(fn, pi, value);
        a2c_status rc = set_double_as(cfg, p, dv, value, fn);
        if (rc != A2C_OK) return rc;
        const a2c_param schedule =
            p == A2C_PARAM_ENT_COEF ? A2C_PARAM_ENT_SCHEDULE : A2C_PARAM_LR_SCHEDULE;
        return set_int_as(cfg, schedule, linear ? A2C_SCHEDULE_LINEAR : A2C_SCHEDULE_CONSTANT,
                          NULL, fn);
    }
    case A2C_PARAM_ACTIVATION_FN:
        expected = "tanh, relu, nn.Tanh or nn.ReLU";
        if (!strcmp(value, "tanh") || !strcmp(value, "nn.Tanh")) iv = A2C_ACTIVATION_TANH;
        else if (!strcmp(value, "relu") || !strcmp(value, "nn.ReLU")) iv = A2C_ACTIVATION_RELU;
        else goto bad;
        return set_int_as(cfg, p, iv, value, fn);
    case A2C_PARAM_VALUE_LOSS:
        expected = "mse or huber";
        if (!strcmp(value, "mse")) iv = A2C_VALUE_LOSS_MSE;
        else if (!strcmp(value, "huber")) iv = A2C_VALUE_LOSS_HUBER;
        else goto bad;
        return set_int_as(cfg, p, iv, value, fn);
    case A2C_PARAM_LR_SCHEDULE:
    case A2C_PARAM_ENT_SCHEDULE:
        expected = "constant or linear";
        if (!strcmp(value, "constant")) iv = A2C_SCHEDULE_CONSTANT;
        else if (!strcmp(value, "linear")) iv = A2C_SCHEDULE_LINEAR;
        else goto bad;
        return set_int_as(cfg, p, iv, value, fn);
    default: break;
    }
    if (pi->is_int && parse_bool(value, &iv)) return set_int_as(cfg, p, iv, value, fn);
    if (pi->is_int && pi->lo == 0.0 && pi->hi == 1.0) expected = "True or False";
    /* Whole numbers are read exactly, not through a double: a 64-bit seed
     * keeps every digit. */
    if (pi->is_int && parse_whole(value, &iv)) return set_int_as(cfg, p, iv, value, fn);
    if (!a2c__parse_double(value, &dv)) goto bad;
    /* text that overflows a double ("1e400") is out of range, not a NaN
     * handed in by a caller */
    if (!isfinite(dv)) return out_of_range(fn, pi, value);
    return set_double_as(cfg, p, dv, value, fn);
bad:
    return a2c__fail(A2C_E_INVALID_ARG, fn, "%s is '%.60s', expected %s", pi->name, value,
                     expected);
}

/* ---- for the other modules ---- */

const a2c_allocator *a2c__config_allocator(const a2c_config *cfg)
{
    return &cfg->alloc;
}

void a2c__config_write(a2c__writer *w, const a2c_config *cfg)
{
    a2c__put_u32(w, A2C__PARAM_COUNT);
    for (uint32_t k = 0; k < A2C__PARAM_COUNT; k++) {
        a2c__put_u32(w, (uint32_t)(A2C__PARAM_FIRST + k));
        a2c__put_u32(w, (uint32_t)params[k].is_int);
        if (params[k].is_int) a2c__put_u64(w, (uint64_t)cfg->i[k]);
        else a2c__put_f64(w, cfg->d[k]);
    }
    a2c__put_u32(w, (uint32_t)cfg->n_pi);
    for (size_t k = 0; k < cfg->n_pi; k++) a2c__put_u32(w, (uint32_t)cfg->pi[k]);
    a2c__put_u32(w, (uint32_t)cfg->n_vf);
    for (size_t k = 0; k < cfg->n_vf; k++) a2c__put_u32(w, (uint32_t)cfg->vf[k]);
}

void a2c__config_read(a2c__reader *r, a2c_config *cfg)
{
    const uint32_t count = a2c__get_u32(r);
    if (count > 4096) r->bad = 1;
    for (uint32_t k = 0; k < count && !r->bad; k++) {
        const a2c_param p = (a2c_param)a2c__get_u32(r);
        const uint32_t type = a2c__get_u32(r);
        const uint64_t raw = a2c__get_u64(r);
        const param_info *pi = info(p);
        /* An unknown parameter comes from a newer liba2c: refuse rather
         * than train with a setting we cannot honour. */
        if (r->bad || !pi || type != (uint32_t)pi->is_int) {
            r->bad = 1;
            break;
        }
        double v;
        memcpy(&v, &raw, sizeof v);
        const a2c_status rc = pi->is_int ? a2c_config_set_int(cfg, p, (int64_t)raw)
                                         : a2c_config_set_double(cfg, p, v);
        if (rc != A2C_OK) r->bad = 1;
    }
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    const uint32_t n_pi = a2c__get_u32(r);
    for (uint32_t k = 0; k < n_pi && k < A2C_MAX_LAYERS; k++) pi[k] = (int32_t)a2c__get_u32(r);
    const uint32_t n_vf = a2c__get_u32(r);
    for (uint32_t k = 0; k < n_vf && k < A2C_MAX_LAYERS; k++) vf[k] = (int32_t)a2c__get_u32(r);
    if (r->bad || a2c_config_set_net_arch(cfg, pi, n_pi, vf, n_vf) != A2C_OK) r->bad = 1;
}
