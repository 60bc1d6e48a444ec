/* The numeric inner loops, compiled once per instruction set.
 *
 * The Makefile builds this file twice on x86-64: for the baseline (SSE2)
 * and with -mavx2 (A2C_KERNELS_AVX2 defined), and kernels_select() picks
 * the table the CPU can run.  Each table computes bit-identical results:
 * every output is the same sequence of IEEE operations (no fused
 * multiply-add, no reassociation); only the number of lanes done at once
 * differs.  tests/test_kernels.c compares the tables.
 *
 * The matrix product keeps a ROWS x COLS block of C in vector registers
 * while it walks the shared dimension, so each load of B serves ROWS rows.
 * GNU C vector types make that block explicit; other compilers get the
 * same arithmetic in plain loops. */
#include "kernels/kernels.h"

#include <stdint.h>

#include <math.h>
#include <string.h>

#if defined(A2C_KERNELS_AVX2)
#define KERNEL(name) a2c__k_avx2_##name
#define VECTOR_BYTES 32
#else
#define KERNEL(name) a2c__k_base_##name
#define VECTOR_BYTES 16
#endif

#define ROWS 4
#define COLS 16

#if defined(__GNUC__)
typedef float vec __attribute__((vector_size(VECTOR_BYTES)));
#define VL (VECTOR_BYTES / (int)sizeof(float)) /* lanes */
#define NV (COLS / VL)                        /* vectors per row of a block */

/* One ROWS x COLS block of C at (r0, c0). */
static void block(size_t K, const float *a, size_t ars, size_t aks, const float *b, size_t ldb,
                  float *c, size_t ldc, int init, const float *bias)
{
    vec acc[ROWS][NV], bv[NV];
    for (int r = 0; r < ROWS; r++)
        for (int v = 0; v < NV; v++) {
            const float *src = init == A2C__INIT_BIAS ? bias + v * VL : c + r * ldc + v * VL;
            if (init == A2C__INIT_ZERO) acc[r][v] = (vec){0};
            else memcpy(&acc[r][v], src, sizeof(vec));
        }
    for (size_t k = 0; k < K; k++) {
        for (int v = 0; v < NV; v++) memcpy(&bv[v], b + k * ldb + v * VL, sizeof(vec));
        for (int r = 0; r < ROWS; r++) {
            const float av = a[r * ars + k * aks];
            for (int v = 0; v < NV; v++) acc[r][v] += av * bv[v];
        }
    }
    for (int r = 0; r < ROWS; r++)
        for (int v = 0; v < NV; v++) memcpy(c + r * ldc + v * VL, &acc[r][v], sizeof(vec));
}
#else
static void block(size_t K, const float *a, size_t ars, size_t aks, const float *b, size_t ldb,
                  float *c, size_t ldc, int init, const float *bias)
{
    float acc[ROWS][COLS];
    for (int r = 0; r < ROWS; r++)
        for (int j = 0; j < COLS; j++)
            acc[r][j] = init == A2C__INIT_BIAS ? bias[j]
                        : init == A2C__INIT_C  ? c[r * ldc + j]
                                               : 0.0f;
    for (size_t k = 0; k < K; k++)
        for (int r = 0; r < ROWS; r++) {
            const float av = a[r * ars + k * aks];
            for (int j = 0; j < COLS; j++) acc[r][j] += av * b[k * ldb + j];
        }
    for (int r = 0; r < ROWS; r++)
        for (int j = 0; j < COLS; j++) c[r * ldc + j] = acc[r][j];
}
#endif

/* Row r of C, columns [c0, n), one element at a time: the tails. */
static void row_tail(size_t r, size_t c0, size_t n, size_t K, const float *a, size_t ars,
                     size_t aks, const float *b, size_t ldb, float *c, size_t ldc, int init,
                     const float *bias)
{
    float *cr = c + r * ldc;
    for (size_t j = c0; j < n; j++)
        cr[j] = init == A2C__INIT_BIAS ? bias[j] : init == A2C__INIT_C ? cr[j] : 0.0f;
    for (size_t k = 0; k < K; k++) {
        const float av = a[r * ars + k * aks];
        const float *bk = b + k * ldb;
        for (size_t j = c0; j < n; j++) cr[j] += av * bk[j];
    }
}

static void gemm(size_t m, size_t n, size_t K, const float *a, size_t ars, size_t aks,
                 const float *b, size_t ldb, float *c, size_t ldc, int init, const float *bias)
{
    const size_t full_cols = n / COLS * COLS;
    size_t r0 = 0;
    for (; r0 + ROWS <= m; r0 += ROWS) {
        for (size_t c0 = 0; c0 < full_cols; c0 += COLS)
            block(K, a + r0 * ars, ars, aks, b + c0, ldb, c + r0 * ldc + c0, ldc, init,
                  bias ? bias + c0 : NULL);
        for (size_t r = r0; r < r0 + ROWS && full_cols < n; r++)
            row_tail(r, full_cols, n, K, a, ars, aks, b, ldb, c, ldc, init, bias);
    }
    for (; r0 < m; r0++) row_tail(r0, 0, n, K, a, ars, aks, b, ldb, c, ldc, init, bias);
}

/* ---- activations ---- */

/* tanh as x P(x^2) / Q(x^2) (see activation.c for where it comes from),
 * for float or vector operands alike: `zero` is 0 of the type. */
#define TANH_PQ(s, zero, p, q)            \
    do {                                  \
        p = (zero) + -8.228681137e-14f;   \
        p = p * (s) + 5.177781467e-11f;   \
        p = p * (s) + -2.001935151e-08f;  \
        p = p * (s) + 1.110398262e-05f;   \
        p = p * (s) + 3.099167487e-03f;   \
        p = p * (s) + 1.307972968e-01f;   \
        p = p * (s) + 1.0f;               \
        q = (zero) + 2.539158741e-04f;    \
        q = q * (s) + 2.447612770e-02f;   \
        q = q * (s) + 4.641305506e-01f;   \
        q = q * (s) + 1.0f;               \
    } while (0)

static inline float tanh_rational(float x)
{
    const float clamp = 9.1f;
    x = x > clamp ? clamp : x;
    x = x < -clamp ? -clamp : x;
    const float s = x * x;
    float p, q;
    TANH_PQ(s, 0.0f, p, q);
    float y = x * p / q;
    y = y > 1.0f ? 1.0f : y; /* rounding can overshoot 1 by an ulp */
    y = y < -1.0f ? -1.0f : y;
    return y;
}

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
/* minps(c, x) is exactly `x > c ? c : x` and maxps(c, x) `x < c ? c : x`,
 * NaN included (the second operand wins an unordered compare): one
 * instruction where the compiler would emit compare, compare, blend. */
#if VECTOR_BYTES == 32
#define VMIN(a, b) __builtin_ia32_minps256(a, b)
#define VMAX(a, b) __builtin_ia32_maxps256(a, b)
#else
#define VMIN(a, b) __builtin_ia32_minps(a, b)
#define VMAX(a, b) __builtin_ia32_maxps(a, b)
#endif

static void tanh_forward(float *h, size_t n)
{
    const vec clamp = (vec){0} + 9.1f, one = (vec){0} + 1.0f;
    size_t k = 0;
    for (; k + VL <= n; k += VL) {
        vec x;
        memcpy(&x, h + k, sizeof x);
        x = VMAX(-clamp, VMIN(clamp, x));
        const vec s = x * x;
        vec p, q;
        TANH_PQ(s, (vec){0}, p, q);
        vec y = x * p / q;
        y = VMAX(-one, VMIN(one, y));
        memcpy(h + k, &y, sizeof y);
    }
    for (; k < n; k++) h[k] = tanh_rational(h[k]);
}
#else
static void tanh_forward(float *h, size_t n)
{
    for (size_t k = 0; k < n; k++) h[k] = tanh_rational(h[k]);
}
#endif

static void tanh_backward(const float *h, float *d, size_t n)
{
    for (size_t k = 0; k < n; k++) d[k] *= 1.0f - h[k] * h[k];
}

static void relu_forward(float *h, size_t n)
{
    for (size_t k = 0; k < n; k++) h[k] = h[k] < 0.0f ? 0.0f : h[k]; /* NaN passes */
}

static void relu_backward(const float *h, float *d, size_t n)
{
    for (size_t k = 0; k < n; k++) d[k] = h[k] > 0.0f ? d[k] : 0.0f;
}

/* ---- optimizers ---- */

/* Every array an update touches is its own (restrict: the vectoriser
 * needs no run-time overlap checks, which it gives up on past a few
 * pointers).  The updates keep the old values (old_p, old_m, old_v) in the
 * same pass, and OR into the returned flag whether any new parameter or
 * state value is not finite (x - x is NaN exactly then), so a caller can
 * undo an update that diverged without a
 * second pass over healthy ones. */
static int rmsprop(float *restrict p, float *restrict g, float *restrict v, size_t n,
                   float alpha, float one_minus, float eps, float neg_lr, float gscale,
                   int zero_g, float *restrict old_p, float *restrict old_v)
{
    int bad = 0;
    for (size_t k = 0; k < n; k++) {
        const float gk = g[k] * gscale;
        const float vk = v[k] * alpha + one_minus * gk * gk;
        const float pk = p[k] + neg_lr * (gk / (sqrtf(vk) + eps));
        old_p[k] = p[k];
        old_v[k] = v[k];
        v[k] = vk;
        p[k] = pk;
        bad |= !(pk - pk == 0.0f) | !(vk - vk == 0.0f);
    }
    if (zero_g) memset(g, 0, n * sizeof *g);
    return bad;
}

static int adam(float *restrict p, float *restrict g, float *restrict m, float *restrict v,
                size_t n, float b1, float one_minus_b1, float b2, float one_minus_b2,
                float neg_step, float bc2_sqrt, float eps, float gscale, int zero_g,
                float *restrict old_p, float *restrict old_m, float *restrict old_v)
{
    int bad = 0;
    for (size_t k = 0; k < n; k++) {
        const float gk = g[k] * gscale;
        const float mk = m[k] * b1 + one_minus_b1 * gk;
        const float vk = v[k] * b2 + one_minus_b2 * gk * gk;
        const float pk = p[k] + neg_step * (mk / (sqrtf(vk) / bc2_sqrt + eps));
        old_p[k] = p[k];
        old_m[k] = m[k];
        old_v[k] = v[k];
        m[k] = mk;
        v[k] = vk;
        p[k] = pk;
        bad |= !(pk - pk == 0.0f) | !(mk - mk == 0.0f) | !(vk - vk == 0.0f);
    }
    if (zero_g) memset(g, 0, n * sizeof *g);
    return bad;
}

static void scale(float *x, size_t n, float c)
{
    for (size_t k = 0; k < n; k++) x[k] *= c;
}

/* ---- vectors ---- */

static void transpose(const float *s, size_t rows, size_t cols, float *t)
{
    for (size_t i = 0; i < rows; i++)
        for (size_t j = 0; j < cols; j++) t[j * rows + i] = s[i * cols + j];
}

static void column_sums(const float *x, size_t rows, size_t cols, float *out)
{
    for (size_t r = 0; r < rows; r++)
        for (size_t j = 0; j < cols; j++) out[j] += x[r * cols + j];
}

static double sum_squares(const float *x, size_t n)
{
    /* Eight partial sums in double: a fixed order, and the range of any
     * float vector. */
    double acc[8] = {0};
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (size_t j = 0; j < 8; j++) acc[j] += (double)x[k + j] * (double)x[k + j];
    for (size_t j = 0; k < n; k++, j++) acc[j] += (double)x[k] * (double)x[k];
    return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}

static void step_sums(const float *restrict p, const float *restrict q, size_t n, double *diff,
                      double *size)
{
    /* Partial sums in float, 32 lanes (four AVX registers, so the adds do
     * not wait on each other), added in double at the end: a statistic,
     * not a training quantity, so speed wins over the last digits (the
     * relative error is about 1e-7) */
    enum { LANES_F = 32 };
    float d[LANES_F] = {0}, z[LANES_F] = {0};
    size_t k = 0;
    for (; k + LANES_F <= n; k += LANES_F)
        for (size_t j = 0; j < LANES_F; j++) {
            const float e = p[k + j] - q[k + j];
            d[j] += e * e;
            z[j] += q[k + j] * q[k + j];
        }
    double dd = 0.0, zz = 0.0;
    for (; k < n; k++) {
        const double e = (double)p[k] - (double)q[k];
        dd += e * e;
        zz += (double)q[k] * (double)q[k];
    }
    for (size_t j = 0; j < LANES_F; j++) dd += (double)d[j], zz += (double)z[j];
    *diff += dd;
    *size += zz;
}

static size_t count_beyond(const float *x, size_t n, float limit)
{
    /* counted in float lanes (exact below 2^24 each), vectorised */
    enum { LANES_F = 32 };
    float c[LANES_F] = {0};
    size_t k = 0, count = 0;
    for (; k + LANES_F <= n; k += LANES_F)
        for (size_t j = 0; j < LANES_F; j++) c[j] += fabsf(x[k + j]) > limit ? 1.0f : 0.0f;
    for (; k < n; k++) count += fabsf(x[k]) > limit;
    for (size_t j = 0; j < LANES_F; j++) count += (size_t)c[j];
    return count;
}

const a2c__kernels KERNEL(table) = {
    gemm,  tanh_forward, tanh_backward, relu_forward, relu_backward, rmsprop, adam,
    scale, transpose,    column_sums,   sum_squares,  step_sums, count_beyond,
};

#if !defined(A2C_KERNELS_AVX2)
const a2c__kernels *a2c__kernels_select(void)
{
#if defined(A2C_HAVE_AVX2_KERNELS)
    /* libgcc fills the CPU model in before main, so this is a read. */
    if (__builtin_cpu_supports("avx2")) return &a2c__k_avx2_table;
#endif
    return &a2c__k_base_table;
}
#endif
