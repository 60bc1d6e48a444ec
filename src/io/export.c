/* A net's greedy policy as one dependency-free C99 source file
 * (a2c_net_export_c; docs/export.md).
 *
 * The generated forward pass repeats liba2c's own, operation for
 * operation, so that a target compiled without fused multiply-add and with
 * float evaluated as float gets the library's outputs bit for bit:
 *   - layers of 8 or more outputs (linear.c's LANES): the matrix kernel
 *     (kernels.c) starts each output from its bias and adds x[i] * w[i]
 *     one input at a time;
 *   - narrower layers (usually the action head): linear.c's dot product,
 *     in eight partial sums added pairwise, then added to the bias;
 *   - tanh: kernels.c's rational function with its clamps, whose
 *     coefficients are repeated below;
 *   - normalisation: rms.c's double arithmetic, with sqrt(var + 1e-8)
 *     computed here once (sqrt is correctly rounded, so the target gets
 *     the very double the library divides by, and needs no libm).
 * If any of those changes, tests/test_export.sh sees the outputs differ.
 *
 * Numbers are written as hexadecimal floating constants: C99 requires
 * them to be converted exactly, where a decimal constant may land on a
 * neighbouring float, and they are produced here from the bits, with no
 * printf and so no locale.
 *
 * The text is produced twice by the same walk: once to count its bytes,
 * once into a buffer of that size, as the checkpoints do. */
#include "common/config.h"
#include "common/rms.h"
#include "io/file.h"
#include "nn/net.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#define DEFAULT_PREFIX "a2c_policy"
#define PREFIX_MAX 32
/* Narrower layers take linear.c's dot-product path. */
#define LANES 8
/* Room for a literal: sign, "0x1.", 13 digits, "p-1074", suffix. */
#define LITERAL_MAX 32
/* Numbers per line of an array are limited by this width. */
#define LINE_WIDTH 96

/* kernels.c's tanh: x P(x^2) / Q(x^2) on inputs clamped to +-9.1. */
static const float TANH_P[7] = {-8.228681137e-14f, 5.177781467e-11f, -2.001935151e-08f,
                                1.110398262e-05f,  3.099167487e-03f, 1.307972968e-01f,
                                1.0f};
static const float TANH_Q[4] = {2.539158741e-04f, 2.447612770e-02f, 4.641305506e-01f, 1.0f};
static const float TANH_CLAMP = 9.1f;

/* What the file is made of, read from the net. */
typedef struct policy {
    size_t obs_dim, n_hidden, width[A2C_MAX_LAYERS];
    size_t head, max_width; /* head outputs; widest hidden layer */
    size_t trunk, head_w;   /* offsets of the first hidden layer and of the head */
    size_t n_exported;      /* parameters written */
    int box, activation, shared, norm;
    const float *params;
    const a2c__rms *rms;
    double clip;
    const float *low, *high;
} policy;

/* The text, counted (buf NULL) or stored. */
typedef struct sink {
    char *buf;
    size_t cap, len;
    int overflow;                /* the length does not fit a size_t */
    const char *prefix;
    char upper[PREFIX_MAX + 1];  /* the prefix in capitals, for macros */
    char obs_dim[PREFIX_MAX + 16], action_dim[PREFIX_MAX + 16]; /* the macros' names */
    size_t column;               /* of the current line, for wrapping */
} sink;

static void put_bytes(sink *s, const char *p, size_t n)
{
    if (n > SIZE_MAX - s->len) {
        s->overflow = 1;
        return;
    }
    if (s->buf && n <= s->cap - s->len) memcpy(s->buf + s->len, p, n);
    s->len += n;
    for (size_t k = 0; k < n; k++) s->column = p[k] == '\n' ? 0 : s->column + 1;
}

static void put(sink *s, const char *text) { put_bytes(s, text, strlen(text)); }

static void put_size(sink *s, size_t v)
{
    char digits[24];
    size_t n = 0;
    do {
        digits[sizeof digits - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    put_bytes(s, digits + sizeof digits - n, n);
}

/* Writes `tmpl`, replacing "$p" by the prefix, "$P" by it in capitals,
 * "$O" and "$A" by the names of the macros for the observation's and the
 * action's sizes, "$z" by the next size_t argument and "$s" by the next
 * string.  ('$' appears in no C code we generate.) */
static void emit(sink *s, const char *tmpl, ...)
{
    va_list ap;
    va_start(ap, tmpl);
    while (*tmpl) {
        const char *dollar = strchr(tmpl, '$');
        if (!dollar) {
            put(s, tmpl);
            break;
        }
        put_bytes(s, tmpl, (size_t)(dollar - tmpl));
        switch (dollar[1]) {
        case 'p': put(s, s->prefix); break;
        case 'P': put(s, s->upper); break;
        case 'O': put(s, s->obs_dim); break;
        case 'A': put(s, s->action_dim); break;
        case 'z': put_size(s, va_arg(ap, size_t)); break;
        case 's': put(s, va_arg(ap, const char *)); break;
        default: put_bytes(s, dollar, 2); break;
        }
        tmpl = dollar + 2;
    }
    va_end(ap);
}

/* `v` in decimal into `out` (at least 21 bytes), NUL-terminated. */
static void size_text(char *out, size_t v)
{
    sink s = {out, 20, 0, 0, "", "", "", "", 0};
    put_size(&s, v);
    out[s.len] = '\0';
}

/* ---- hexadecimal floating constants ---- */

/* "0x<lead>.<digits>p<exp>" for a fraction of `n_digits` hex digits
 * (trailing zeros dropped), after an optional '-'. */
static size_t hex_literal(char *out, int negative, int lead, uint64_t fraction, int n_digits,
                          long exp, const char *suffix)
{
    static const char HEX[] = "0123456789abcdef";
    char *p = out;
    if (negative) *p++ = '-';
    *p++ = '0';
    *p++ = 'x';
    *p++ = (char)('0' + lead);
    while (n_digits > 0 && (fraction & 0xf) == 0) {
        fraction >>= 4;
        n_digits--;
    }
    if (n_digits > 0) *p++ = '.';
    for (int d = n_digits - 1; d >= 0; d--) *p++ = HEX[(fraction >> (4 * d)) & 0xf];
    *p++ = 'p';
    *p++ = exp < 0 ? '-' : '+';
    unsigned long e = (unsigned long)(exp < 0 ? -exp : exp);
    char rev[8];
    int n = 0;
    do {
        rev[n++] = (char)('0' + e % 10);
        e /= 10;
    } while (e);
    while (n > 0) *p++ = rev[--n];
    while (*suffix) *p++ = *suffix++;
    *p = '\0';
    return (size_t)(p - out);
}

/* A finite float, exactly, as a float constant ("0x1.8p+1f"). */
static size_t float_literal(char *out, float v)
{
    uint32_t bits;
    memcpy(&bits, &v, sizeof bits);
    const uint32_t e = (bits >> 23) & 0xff, m = bits & 0x7fffff;
    /* 23 fraction bits, shifted to fill six hex digits */
    return hex_literal(out, (int)(bits >> 31), e != 0, (uint64_t)m << 1, m ? 6 : 0,
                       e ? (long)e - 127 : (m ? -126 : 0), "f");
}

/* A finite double, exactly, as a double constant. */
static size_t double_literal(char *out, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    const uint64_t e = (bits >> 52) & 0x7ff, m = bits & 0xfffffffffffffull;
    return hex_literal(out, (int)(bits >> 63), e != 0, m, m ? 13 : 0,
                       e ? (long)e - 1023 : (m ? -1022 : 0), "");
}

/* An item of an array's body: the line is wrapped before it would grow
 * past LINE_WIDTH. */
static void put_item(sink *s, const char *lit, size_t len, int first)
{
    if (first) put(s, "    ");
    else if (s->column + 2 + len > LINE_WIDTH) put(s, ",\n    ");
    else put(s, ", ");
    put_bytes(s, lit, len);
}

/* The body "{...};" of rows x cols floats: v row-major, or with
 * `transpose` v's transpose (v is then cols x rows), which turns a weight
 * block of the flat vector (in x out) into torch's Linear.weight layout. */
static void put_floats(sink *s, const float *v, size_t rows, size_t cols, int transpose)
{
    char lit[LITERAL_MAX];
    put(s, "{\n");
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++) {
            const float x = transpose ? v[c * rows + r] : v[r * cols + c];
            put_item(s, lit, float_literal(lit, x), r == 0 && c == 0);
        }
    put(s, "\n};\n\n");
}

/* ---- reading the net ---- */

static a2c_status read_policy(const a2c_net *net, policy *pol, const char *fn)
{
    memset(pol, 0, sizeof *pol);
    const a2c_config *cfg = a2c__net_config(net);
    const a2c__dist *dist = a2c__net_dist(net);
    int32_t widths[A2C_MAX_LAYERS];
    a2c_config_get_net_arch(cfg, widths, &pol->n_hidden, NULL, NULL);
    pol->obs_dim = a2c_net_obs_dim(net);
    pol->head = dist->head_width;
    pol->box = dist->action_kind == A2C_SPACE_BOX;
    pol->activation = (int)a2c__cfg_int(cfg, A2C_PARAM_ACTIVATION_FN);
    pol->shared = a2c__net_shared(net);
    pol->params = a2c__net_const_params(net);
    pol->norm = a2c__net_norm_obs(net);
    pol->rms = a2c__net_const_obs_rms(net);
    pol->clip = a2c__net_clip_obs(net);
    pol->low = a2c__net_action_low(net);
    pol->high = a2c__net_action_high(net);

    /* walk the actor's layers as net.c lays them out, and check that the
     * walk ends where the net says its parts are */
    a2c__net_layout at;
    a2c__net_ranges(net, &at);
    size_t in = pol->obs_dim, off = at.actor_trunk.begin;
    pol->trunk = off;
    for (size_t l = 0; l < pol->n_hidden; l++) {
        pol->width[l] = (size_t)widths[l];
        off += in * pol->width[l] + pol->width[l];
        in = pol->width[l];
        if (in > pol->max_width) pol->max_width = in;
    }
    pol->head_w = at.action_head.begin;
    if (off != at.actor_trunk.end || at.action_head.end - at.action_head.begin !=
                                         in * pol->head + pol->head)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "the net's layout does not match its "
                                                "configuration");
    pol->n_exported = off - pol->trunk + (at.action_head.end - at.action_head.begin);

    if (!a2c__all_finite(pol->params, a2c_net_param_count(net)))
        return a2c__fail(A2C_E_NONFINITE, fn, "the net holds a NaN or infinite parameter");
    for (size_t k = 0; pol->norm && k < pol->obs_dim; k++)
        if (!isfinite(pol->rms->mean[k]) || !isfinite(pol->rms->var[k]))
            return a2c__fail(A2C_E_NONFINITE, fn, "the observation statistics are not finite");
    return A2C_OK;
}

static a2c_status check_prefix(const char *prefix, const char *fn)
{
    const size_t n = strlen(prefix);
    if (n == 0 || n > PREFIX_MAX)
        return a2c__fail(A2C_E_INVALID_ARG, fn, "prefix has %zu characters, expected 1..%d", n,
                         PREFIX_MAX);
    for (size_t k = 0; k < n; k++) {
        const char c = prefix[k];
        const int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!letter && !(k > 0 && (c == '_' || (c >= '0' && c <= '9'))))
            return a2c__fail(A2C_E_INVALID_ARG, fn, "prefix '%s' is not a C identifier starting "
                                                    "with a letter", prefix);
    }
    return A2C_OK;
}

/* ---- the file ---- */

static const char *activation_name(const policy *pol)
{
    return pol->activation == A2C_ACTIVATION_TANH ? "tanh" : "relu";
}

static void put_header(sink *s, const policy *pol)
{
    emit(s, "/* $p: a greedy policy exported by liba2c $s (a2c_net_export_c).\n"
            " * Generated: change the agent and export again rather than edit this file.\n"
            " *\n"
            " * Observation: $z float$s.  ",
         A2C_VERSION_STRING, pol->obs_dim, pol->obs_dim > 1 ? "s" : "");
    if (pol->box)
        emit(s, "Action: $z float$s ($p_act_box).\n", pol->head, pol->head > 1 ? "s" : "");
    else emit(s, "Action: one of $z, 0..$z ($p_act).\n", pol->head, pol->head - 1);
    emit(s, " * Actor: $z", pol->obs_dim);
    for (size_t l = 0; l < pol->n_hidden; l++) {
        if (s->column > 72) put(s, "\n *   ");
        emit(s, " -> $z $s", pol->width[l], activation_name(pol));
    }
    emit(s, " -> $z $s,\n * $z parameters", pol->head, pol->box ? "means" : "logits",
         pol->n_exported);
    put(s, pol->shared ? " (its trunk is shared with the critic, which is left out).\n"
                       : " (the critic is left out).\n");
    if (pol->norm) {
        emit(s, " * Observations are normalised first, as VecNormalize does, and clipped to\n"
                " * +-$p_clip_obs.\n");
    }
    if (pol->box)
        put(s, " * The action is the policy's mean, clipped to the bounds below; infinite "
               "bounds\n * are written as +-FLT_MAX.\n");
    emit(s, " *\n"
            " * Plain C99 with no #include: compile it into your program, or #include it\n"
            " * in one of your files (only the functions below have external linkage):\n"
            " *\n"
            " *     void $p_forward(const float *obs, float *out);\n");
    if (pol->box) put(s, " *     void ");
    else put(s, " *     int ");
    emit(s, pol->box ? "$p_act_box(const float *obs, float *action);\n"
                     : "$p_act(const float *obs);\n");
    emit(s, " *\n"
            " * obs holds $O finite floats, out and action\n"
            " * $A.  Nothing is allocated and nothing but the caller's arrays is\n"
            " * written, so any number of threads may call these at once.  Stack use: about\n"
            " * $z bytes.\n"
            " *\n"
            " * Numbers are hexadecimal constants: exact, whatever the compiler's decimal\n"
            " * conversion.  The arithmetic is liba2c's, step for step: where float\n"
            " * expressions are evaluated in float (FLT_EVAL_METHOD 0) and a * b + c is not\n"
            " * fused (GCC: -ffp-contract=off, the default of its -std=c99 mode; other\n"
            " * compilers obey the pragma below), $p_forward returns exactly what\n"
            " * a2c_net_forward returns and the action is exactly liba2c's greedy one.\n"
            " * Otherwise the outputs differ in their last bits, and the action only where\n"
            " * two candidates nearly tie.\n"
            " */\n\n",
         (pol->obs_dim + 2 * pol->max_width + 16) * sizeof(float));
}

static void put_data(sink *s, const policy *pol)
{
    put(s, "#if defined(__clang__) || !defined(__GNUC__)\n"
           "#pragma STDC FP_CONTRACT OFF\n"
           "#endif\n\n");
    emit(s, "#define $O $z\n#define $A $z\n\n", pol->obs_dim, pol->head);
    emit(s, "void $p_forward(const float *obs, float *out);\n");
    emit(s, pol->box ? "void $p_act_box(const float *obs, float *action);\n\n"
                     : "int $p_act(const float *obs);\n\n");

    /* the weights in torch's layout (out x in), whatever the flat
     * vector's (in x out): each output's weights are one row */
    size_t in = pol->obs_dim, off = pol->trunk;
    char width[24];
    const char *in_text = s->obs_dim; /* the first layer's inputs: the macro */
    for (size_t l = 0; l < pol->n_hidden; l++) {
        const size_t out = pol->width[l];
        emit(s, "/* hidden layer $z, $z -> $z: row j holds output j's weights */\n"
                "static const float $p_w$z[$z * $s] = ",
             l + 1, in, out, l + 1, out, in_text);
        put_floats(s, pol->params + off, out, in, 1);
        emit(s, "static const float $p_b$z[$z] = ", l + 1, out);
        put_floats(s, pol->params + off + in * out, 1, out, 0);
        off += in * out + out;
        in = out;
        size_text(width, out);
        in_text = width;
    }
    emit(s, "/* the action head, $z -> $z: row j gives $s j */\n"
            "static const float $p_head_w[$A * $s] = ",
         in, pol->head, pol->box ? "mean" : "logit", in_text);
    put_floats(s, pol->params + pol->head_w, pol->head, in, 1);
    emit(s, "static const float $p_head_b[$A] = ");
    put_floats(s, pol->params + pol->head_w + in * pol->head, 1, pol->head, 0);

    char lit[LITERAL_MAX];
    if (pol->norm) {
        emit(s, "/* the observations' running means, and sqrt(var + 1e-8) of their running\n"
                " * variances var: the very double liba2c divides by */\n"
                "static const double $p_obs_mean[$O] = {\n");
        for (size_t k = 0; k < pol->obs_dim; k++)
            put_item(s, lit, double_literal(lit, pol->rms->mean[k]), k == 0);
        emit(s, "\n};\n\nstatic const double $p_obs_std[$O] = {\n");
        for (size_t k = 0; k < pol->obs_dim; k++) {
            const double std = sqrt(pol->rms->var[k] + A2C__NORM_EPSILON);
            put_item(s, lit, double_literal(lit, std), k == 0);
        }
        double_literal(lit, pol->clip);
        emit(s, "\n};\n\nstatic const double $p_clip_obs = $s;\n\n", lit);
    }
    if (pol->box) {
        for (int upper = 0; upper < 2; upper++) {
            emit(s, "/* the action space's $s bounds */\nstatic const float $p_action_$s[$A] = "
                    "{\n",
                 upper ? "upper" : "lower", upper ? "high" : "low");
            for (size_t k = 0; k < pol->head; k++) {
                float b = upper ? pol->high[k] : pol->low[k];
                if (isinf(b)) b = b > 0 ? FLT_MAX : -FLT_MAX;
                put_item(s, lit, float_literal(lit, b), k == 0);
            }
            put(s, "\n};\n\n");
        }
    }
}

static void put_code(sink *s, const policy *pol)
{
    char lit[LITERAL_MAX];
    if (pol->n_hidden > 0 && pol->activation == A2C_ACTIVATION_TANH) {
        put(s, "/* liba2c's tanh: x P(x^2) / Q(x^2), within a few ulp of tanh */\n");
        emit(s, "static float $p_tanh(float x)\n{\n");
        float_literal(lit, TANH_CLAMP);
        emit(s, "    const float clamp = $s;\n"
                "    float s, p, q, y;\n"
                "    x = x > clamp ? clamp : x;\n"
                "    x = x < -clamp ? -clamp : x;\n"
                "    s = x * x;\n",
             lit);
        float_literal(lit, TANH_P[0]);
        emit(s, "    p = $s;\n", lit);
        for (size_t k = 1; k < sizeof TANH_P / sizeof TANH_P[0]; k++) {
            float_literal(lit, TANH_P[k]);
            emit(s, "    p = p * s + $s;\n", lit);
        }
        float_literal(lit, TANH_Q[0]);
        emit(s, "    q = $s;\n", lit);
        for (size_t k = 1; k < sizeof TANH_Q / sizeof TANH_Q[0]; k++) {
            float_literal(lit, TANH_Q[k]);
            emit(s, "    q = q * s + $s;\n", lit);
        }
        put(s, "    y = x * p / q;\n"
               "    y = y > 1.0f ? 1.0f : y;\n"
               "    y = y < -1.0f ? -1.0f : y;\n"
               "    return y;\n"
               "}\n\n");
    }
    emit(s, "/* y[j] = b[j] + the sum over i of x[i] * w[j * n_in + i], added in liba2c's\n"
            " * order: for $z outputs or more from the bias, one input at a time; for\n"
            " * fewer, in $z partial sums added pairwise, and then to the bias. */\n"
            "static void $p_dense(const float *x, int n_in, const float *w, const float *b,\n"
            "    int n_out, float *y)\n"
            "{\n"
            "    int i, j, k, m;\n"
            "    for (j = 0; j < n_out; j++) {\n"
            "        const float *wj = w + j * n_in;\n"
            "        if (n_out >= $z) {\n"
            "            float acc = b[j];\n"
            "            for (i = 0; i < n_in; i++) acc += x[i] * wj[i];\n"
            "            y[j] = acc;\n"
            "        } else {\n"
            "            float part[$z] = {0.0f};\n"
            "            for (i = 0; i + $z <= n_in; i += $z)\n"
            "                for (k = 0; k < $z; k++) part[k] += x[i + k] * wj[i + k];\n"
            "            for (k = 0; k < $z && i + k < n_in; k++)\n"
            "                part[k] += x[i + k] * wj[i + k];\n"
            "            for (m = $z; m > 0; m /= 2)\n"
            "                for (k = 0; k < m; k++) part[k] += part[k + m];\n"
            "            y[j] = b[j] + part[0];\n"
            "        }\n"
            "    }\n"
            "}\n\n",
         (size_t)LANES, (size_t)LANES, (size_t)LANES, (size_t)LANES, (size_t)LANES,
         (size_t)LANES, (size_t)LANES, (size_t)LANES, (size_t)LANES / 2);

    /* the forward pass: input, hidden layers ping-ponging between two
     * buffers, head */
    emit(s, "void $p_forward(const float *obs, float *out)\n{\n");
    if (pol->norm) emit(s, "    float x[$O];\n");
    if (pol->n_hidden > 0) emit(s, "    float h0[$z];\n", pol->max_width);
    if (pol->n_hidden > 1) emit(s, "    float h1[$z];\n", pol->max_width);
    if (pol->norm || pol->n_hidden > 0) put(s, "    int i;\n");
    if (pol->norm)
        emit(s, "\n    /* as VecNormalize: in double, clipped, rounded to float */\n"
                "    for (i = 0; i < $O; i++) {\n"
                "        double v = ((double)obs[i] - $p_obs_mean[i]) / $p_obs_std[i];\n"
                "        v = v < -$p_clip_obs ? -$p_clip_obs : v;\n"
                "        v = v > $p_clip_obs ? $p_clip_obs : v;\n"
                "        x[i] = (float)v;\n"
                "    }\n");
    const char *src = pol->norm ? "x" : "obs";
    char width[24];
    const char *in_text = s->obs_dim;
    for (size_t l = 0; l < pol->n_hidden; l++) {
        const char *dst = l % 2 ? "h1" : "h0";
        emit(s, "\n    $p_dense($s, $s, $p_w$z, $p_b$z, $z, $s);\n", src, in_text, l + 1, l + 1,
             pol->width[l], dst);
        if (pol->activation == A2C_ACTIVATION_TANH)
            emit(s, "    for (i = 0; i < $z; i++) $s[i] = $p_tanh($s[i]);\n", pol->width[l], dst,
                 dst);
        else
            emit(s, "    for (i = 0; i < $z; i++) $s[i] = $s[i] < 0.0f ? 0.0f : $s[i];\n",
                 pol->width[l], dst, dst, dst);
        src = dst;
        size_text(width, pol->width[l]);
        in_text = width;
    }
    emit(s, "\n    $p_dense($s, $s, $p_head_w, $p_head_b, $A, out);\n}\n\n", src, in_text);

    if (pol->box)
        emit(s, "void $p_act_box(const float *obs, float *action)\n"
                "{\n"
                "    int k;\n"
                "    $p_forward(obs, action);\n"
                "    for (k = 0; k < $A; k++) {\n"
                "        const float lo = $p_action_low[k], hi = $p_action_high[k];\n"
                "        action[k] = action[k] < lo ? lo : action[k] > hi ? hi : action[k];\n"
                "    }\n"
                "}\n");
    else
        emit(s, "int $p_act(const float *obs)\n"
                "{\n"
                "    float z[$A];\n"
                "    int a = 0, k;\n"
                "    $p_forward(obs, z);\n"
                "    for (k = 1; k < $A; k++) /* ties go to the lowest index */\n"
                "        if (z[k] > z[a]) a = k;\n"
                "    return a;\n"
                "}\n");
}

/* Writes (or, with s->buf NULL, counts) the whole text. */
static void put_file(sink *s, const policy *pol)
{
    put_header(s, pol);
    put_data(s, pol);
    put_code(s, pol);
}

/* The checks every export makes; then reads the policy, readies the sink
 * (with no buffer yet) and counts the text's length into *len. */
static a2c_status start(const a2c_net *net, const char *prefix, policy *pol, sink *s,
                        size_t *len, const char *fn)
{
    if (!net) return a2c__fail(A2C_E_INVALID_ARG, fn, "net is NULL");
    if (!prefix) prefix = DEFAULT_PREFIX;
    a2c_status rc = check_prefix(prefix, fn);
    if (rc != A2C_OK) return rc;
    rc = read_policy(net, pol, fn);
    if (rc != A2C_OK) return rc;
    memset(s, 0, sizeof *s);
    s->prefix = prefix;
    for (size_t k = 0; prefix[k]; k++)
        s->upper[k] = prefix[k] >= 'a' && prefix[k] <= 'z' ? (char)(prefix[k] - 'a' + 'A')
                                                             : prefix[k];
    /* (both fit: the prefix has at most PREFIX_MAX characters) */
    strcat(strcpy(s->obs_dim, s->upper), "_OBS_DIM");
    strcat(strcpy(s->action_dim, s->upper), "_ACTION_DIM");
    sink count = *s;
    put_file(&count, pol);
    if (count.overflow || count.len == SIZE_MAX)
        return a2c__fail(A2C_E_NOMEM, fn, "the source text would not fit in memory");
    *len = count.len;
    return A2C_OK;
}

A2C_API a2c_status a2c_net_export_c_size(const a2c_net *net, const char *prefix, size_t *size)
{
    if (!size) return a2c__fail(A2C_E_INVALID_ARG, __func__, "size is NULL");
    policy pol;
    sink s;
    size_t len;
    const a2c_status rc = start(net, prefix, &pol, &s, &len, __func__);
    if (rc != A2C_OK) return rc;
    *size = len + 1;
    return A2C_OK;
}

A2C_API a2c_status a2c_net_export_c_to_buffer(const a2c_net *net, const char *prefix, char *buf,
                                              size_t cap, size_t *written)
{
    policy pol;
    sink s;
    size_t len;
    const a2c_status rc = start(net, prefix, &pol, &s, &len, __func__);
    if (rc != A2C_OK) return rc;
    if (!buf) return a2c__fail(A2C_E_INVALID_ARG, __func__, "buf is NULL");
    if (cap <= len)
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "cap is %zu, the text needs %zu bytes", cap,
                         len + 1);
    s.buf = buf;
    s.cap = len;
    put_file(&s, &pol);
    buf[len] = '\0';
    if (written) *written = len;
    return A2C_OK;
}

A2C_API a2c_status a2c_net_export_c(const a2c_net *net, const char *path, const char *prefix)
{
    if (!path) return a2c__fail(A2C_E_INVALID_ARG, __func__, "path is NULL");
    if (!path[0]) return a2c__fail(A2C_E_INVALID_ARG, __func__, "path is empty");
    policy pol;
    sink s;
    size_t len;
    a2c_status rc = start(net, prefix, &pol, &s, &len, __func__);
    if (rc != A2C_OK) return rc;
    const a2c_allocator *a = a2c__net_allocator(net);
    s.buf = a2c__alloc(a, len);
    s.cap = len;
    if (!s.buf)
        return a2c__fail(A2C_E_NOMEM, __func__, "no memory for %zu bytes of source text", len);
    put_file(&s, &pol);
    rc = a2c__file_write_atomic(path, s.buf, len, a, __func__);
    a2c__free(a, s.buf, len);
    return rc;
}
