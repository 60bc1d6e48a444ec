/* The numeric inner loops, compiled once per instruction set.
 *
 * The Makefile builds this file three times on x86-64: for the baseline
 * (SSE2), with -mavx2 (A2C_KERNELS_AVX2 defined) and with -mavx512f
 * (A2C_KERNELS_AVX512), and kernels_select() picks the table the CPU can
 * run.  Each table computes bit-identical results: every output is the
 * same sequence of IEEE operations (no fused multiply-add, no
 * reassociation); only the number of lanes done at once differs.
 * tests/test_layers.c and tests/test_trainer.c compare the tables;
 * docs/kernels.md has the design and the determinism policy.
 *
 * The matrix product keeps a ROWS x COLS block of C in vector registers
 * while it walks the shared dimension, so each load of B serves ROWS rows
 * and each broadcast of A serves COLS columns.  GNU C vector types make
 * that block explicit; other compilers get the same arithmetic in plain
 * loops. */
#include "kernels/kernels.h"

#include <stdint.h>

#include <math.h>
#include <string.h>

#if defined(A2C_KERNELS_AVX512)
#include <immintrin.h>
#elif defined(__SSE__)
#include <xmmintrin.h>
#endif

/* ROWS x PANEL_VECS accumulators: as many as the register file holds with
 * room for the B row, a broadcast and a product (16 xmm or ymm, 32 zmm). */
#if defined(A2C_KERNELS_AVX512)
#define KERNEL(name) a2c__k_avx512_##name
#define KERNEL_NAME "avx512"
#define VECTOR_BYTES 64
#define ROWS 8
#define PANEL_VECS 2
#elif defined(A2C_KERNELS_AVX2)
#define KERNEL(name) a2c__k_avx2_##name
#define KERNEL_NAME "avx2"
#define VECTOR_BYTES 32
#define ROWS 4
#define PANEL_VECS 2
#else
#define KERNEL(name) a2c__k_base_##name
#define KERNEL_NAME "base"
#define VECTOR_BYTES 16
#define ROWS 4
#define PANEL_VECS 2
#endif

/* Row r of C, columns [c0, n), one element at a time: the tails, and the
 * reference every block reproduces bit for bit. */
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

#if defined(__GNUC__)
typedef float vec __attribute__((vector_size(VECTOR_BYTES)));
#define VL (VECTOR_BYTES / (int)sizeof(float)) /* lanes */
#define COLS (PANEL_VECS * VL)                /* columns of a full block */
#define ALWAYS_INLINE inline __attribute__((always_inline))

/* The packed B panel: PACK_FLOATS floats on the stack (32 KiB, so that it
 * stays in a 32 or 48 KiB L1 next to the A rows being read), KC rows of
 * COLS columns.  A longer shared dimension goes through in chunks of KC
 * rows, each continuing from the C the one before stored: a float store
 * and load are exact, so the sums are those of one pass. */
#define PACK_FLOATS 8192
#define KC (PACK_FLOATS / COLS)
#define A_FLOATS 32768 /* 128 KiB of A per group of rows */

/* One rows x (nv vectors) block of C over shared indices [0, K): B row k
 * at b + k*bs.  Called with constant rows and nv (and a constant 1 for
 * one of the A strides), so each use compiles to its own fully unrolled
 * loop with the accumulators in registers. */
static ALWAYS_INLINE vec load(const float *p)
{
    vec v;
    memcpy(&v, p, sizeof v);
    return v;
}

static ALWAYS_INLINE void store(float *p, vec v)
{
    memcpy(p, &v, sizeof v);
}

static ALWAYS_INLINE void block(const int rows, const int nv, size_t K, const float *a,
                                size_t ars, size_t aks, const float *b, size_t bs, float *c,
                                size_t ldc, int init, const float *bias)
{
    vec acc[ROWS][PANEL_VECS];
    for (int r = 0; r < rows; r++)
        for (int v = 0; v < nv; v++)
            acc[r][v] = init == A2C__INIT_ZERO ? (vec){0}
                        : init == A2C__INIT_BIAS ? load(bias + v * VL)
                                                 : load(c + r * ldc + v * VL);
    for (size_t k = 0; k < K; k++) {
        vec bv[PANEL_VECS];
        for (int v = 0; v < nv; v++) bv[v] = load(b + k * bs + v * VL);
        for (int r = 0; r < rows; r++) {
            const float av = a[r * ars + k * aks];
            for (int v = 0; v < nv; v++) acc[r][v] += av * bv[v];
        }
    }
    for (int r = 0; r < rows; r++)
        for (int v = 0; v < nv; v++) store(c + r * ldc + v * VL, acc[r][v]);
}

/* Rows [0, m) of an nv-vector column panel: blocks of ROWS rows, then the
 * remaining rows in blocks of 4, 2 and 1 (the same operations per output,
 * fewer at once). */
static ALWAYS_INLINE void panel_rows(const int nv, size_t m, size_t K, const float *a,
                                     size_t ars, size_t aks, const float *b, size_t bs,
                                     float *c, size_t ldc, int init, const float *bias)
{
    size_t r0 = 0;
    for (; r0 + ROWS <= m; r0 += ROWS)
        block(ROWS, nv, K, a + r0 * ars, ars, aks, b, bs, c + r0 * ldc, ldc, init, bias);
#if ROWS > 4
    for (; r0 + 4 <= m; r0 += 4)
        block(4, nv, K, a + r0 * ars, ars, aks, b, bs, c + r0 * ldc, ldc, init, bias);
#endif
    for (; r0 + 2 <= m; r0 += 2)
        block(2, nv, K, a + r0 * ars, ars, aks, b, bs, c + r0 * ldc, ldc, init, bias);
    if (r0 < m) block(1, nv, K, a + r0 * ars, ars, aks, b, bs, c + r0 * ldc, ldc, init, bias);
}

/* A full-width panel, specialised on A's layout: row-major (the forward
 * and input-gradient products), read down its columns (the weight
 * gradient, whose broadcasts are then contiguous), or general. */
static void full_panel(size_t m, size_t K, const float *a, size_t ars, size_t aks,
                       const float *b, size_t bs, float *c, size_t ldc, int init,
                       const float *bias)
{
    if (aks == 1) panel_rows(PANEL_VECS, m, K, a, ars, 1, b, bs, c, ldc, init, bias);
    else if (ars == 1) panel_rows(PANEL_VECS, m, K, a, 1, aks, b, bs, c, ldc, init, bias);
    else panel_rows(PANEL_VECS, m, K, a, ars, aks, b, bs, c, ldc, init, bias);
}

static void one_vector_panel(size_t m, size_t K, const float *a, size_t ars, size_t aks,
                             const float *b, size_t bs, float *c, size_t ldc, int init,
                             const float *bias)
{
    panel_rows(1, m, K, a, ars, aks, b, bs, c, ldc, init, bias);
}

static void gemm(size_t m, size_t n, size_t K, const float *a, size_t ars, size_t aks,
                 const float *b, size_t ldb, float *c, size_t ldc, int init, const float *bias)
{
    /* B rows ldb apart map to few L1 sets when ldb is a large power of
     * two; a contiguous copy of the panel does not, and it is read by
     * every block of rows.  With one block of rows there is no reuse to
     * pay for the copy. */
    const int pack = m > ROWS && K * ldb > PACK_FLOATS;
    float packed[PACK_FLOATS] __attribute__((aligned(64)));
    const size_t full_cols = n / COLS * COLS;
    /* Chunks of KC shared indices (the packed panel's rows), each chunk
     * continuing from the C the one before stored; within a chunk, groups
     * of rows whose A part (about A_FLOATS floats) stays in L2 while every
     * column panel reads it. */
    for (size_t k0 = 0; k0 < K || k0 == 0; k0 += KC) {
        const size_t kn = K - k0 < KC ? K - k0 : KC;
        const int init_k = k0 == 0 ? init : A2C__INIT_C;
        const size_t group = kn * ROWS >= A_FLOATS ? ROWS
                             : kn == 0             ? m
                                                   : A_FLOATS / (kn * ROWS) * ROWS;
        for (size_t r0 = 0; r0 < m; r0 += group) {
            const size_t rows = m - r0 < group ? m - r0 : group;
            const float *ar = a + r0 * ars + k0 * aks;
            float *cr = c + r0 * ldc;
            for (size_t c0 = 0; c0 < full_cols; c0 += COLS) {
                const float *bp = b + k0 * ldb + c0;
                size_t bs = ldb;
                if (pack) {
                    for (size_t k = 0; k < kn; k++)
                        memcpy(packed + k * COLS, bp + k * ldb, COLS * sizeof(float));
                    bp = packed, bs = COLS;
                }
                full_panel(rows, kn, ar, ars, aks, bp, bs, cr + c0, ldc, init_k,
                           bias ? bias + c0 : NULL);
            }
        }
    }
    size_t c0 = full_cols;
    for (; c0 + VL <= n; c0 += VL)
        one_vector_panel(m, K, a, ars, aks, b + c0, ldb, c + c0, ldc, init,
                         bias ? bias + c0 : NULL);
    for (size_t r = 0; r < m && c0 < n; r++)
        row_tail(r, c0, n, K, a, ars, aks, b, ldb, c, ldc, init, bias);
}
#else
#define ROWS_PLAIN 4
#define COLS_PLAIN 16

/* One ROWS_PLAIN x COLS_PLAIN block of C. */
static void block(size_t K, const float *a, size_t ars, size_t aks, const float *b, size_t ldb,
                  float *c, size_t ldc, int init, const float *bias)
{
    float acc[ROWS_PLAIN][COLS_PLAIN];
    for (int r = 0; r < ROWS_PLAIN; r++)
        for (int j = 0; j < COLS_PLAIN; j++)
            acc[r][j] = init == A2C__INIT_BIAS ? bias[j]
                        : init == A2C__INIT_C  ? c[r * ldc + j]
                                               : 0.0f;
    for (size_t k = 0; k < K; k++)
        for (int r = 0; r < ROWS_PLAIN; r++) {
            const float av = a[r * ars + k * aks];
            for (int j = 0; j < COLS_PLAIN; j++) acc[r][j] += av * b[k * ldb + j];
        }
    for (int r = 0; r < ROWS_PLAIN; r++)
        for (int j = 0; j < COLS_PLAIN; j++) c[r * ldc + j] = acc[r][j];
}

static void gemm(size_t m, size_t n, size_t K, const float *a, size_t ars, size_t aks,
                 const float *b, size_t ldb, float *c, size_t ldc, int init, const float *bias)
{
    const size_t full_cols = n / COLS_PLAIN * COLS_PLAIN;
    size_t r0 = 0;
    for (; r0 + ROWS_PLAIN <= m; r0 += ROWS_PLAIN) {
        for (size_t c0 = 0; c0 < full_cols; c0 += COLS_PLAIN)
            block(K, a + r0 * ars, ars, aks, b + c0, ldb, c + r0 * ldc + c0, ldc, init,
                  bias ? bias + c0 : NULL);
        for (size_t r = r0; r < r0 + ROWS_PLAIN && full_cols < n; r++)
            row_tail(r, full_cols, n, K, a, ars, aks, b, ldb, c, ldc, init, bias);
    }
    for (; r0 < m; r0++) row_tail(r0, 0, n, K, a, ars, aks, b, ldb, c, ldc, init, bias);
}
#endif

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
#if VECTOR_BYTES == 64
#define VMIN(a, b) _mm512_min_ps(a, b)
#define VMAX(a, b) _mm512_max_ps(a, b)
#elif VECTOR_BYTES == 32
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
    /* In TILE x TILE tiles: a row of s goes down a column of t, and when
     * rows is a large power of two those writes fall on a few L1 sets and
     * evict each other (a 256 x 256 transpose ran 8x slower untiled).
     * Inside a tile, 4 x 4 blocks go through SSE registers (four loads,
     * eight shuffles, four stores) where the compiler would move one float
     * at a time; a transpose only moves values, so any way gives the same
     * bits. */
    enum { TILE = 16 };
    for (size_t i0 = 0; i0 < rows; i0 += TILE) {
        const size_t i1 = rows - i0 < TILE ? rows : i0 + TILE;
        for (size_t j0 = 0; j0 < cols; j0 += TILE) {
            const size_t j1 = cols - j0 < TILE ? cols : j0 + TILE;
            size_t i = i0;
#if defined(__SSE__)
            for (; i + 4 <= i1; i += 4) {
                size_t j = j0;
                for (; j + 4 <= j1; j += 4) {
                    __m128 r0 = _mm_loadu_ps(s + i * cols + j);
                    __m128 r1 = _mm_loadu_ps(s + (i + 1) * cols + j);
                    __m128 r2 = _mm_loadu_ps(s + (i + 2) * cols + j);
                    __m128 r3 = _mm_loadu_ps(s + (i + 3) * cols + j);
                    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
                    _mm_storeu_ps(t + j * rows + i, r0);
                    _mm_storeu_ps(t + (j + 1) * rows + i, r1);
                    _mm_storeu_ps(t + (j + 2) * rows + i, r2);
                    _mm_storeu_ps(t + (j + 3) * rows + i, r3);
                }
                for (size_t k = i; k < i + 4; k++)
                    for (size_t c = j; c < j1; c++) t[c * rows + k] = s[k * cols + c];
            }
#endif
            for (; i < i1; i++)
                for (size_t j = j0; j < j1; j++) t[j * rows + i] = s[i * cols + j];
        }
    }
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
    gemm,  tanh_forward, tanh_backward, relu_forward, relu_backward, rmsprop,      adam,
    scale, transpose,    column_sums,   sum_squares,  step_sums,     count_beyond, KERNEL_NAME,
};

#if !defined(A2C_KERNELS_AVX2) && !defined(A2C_KERNELS_AVX512)
/* libgcc fills the CPU model in before main, so these are reads. */
const a2c__kernels *a2c__kernels_for_isa(int isa)
{
    switch (isa) {
    case A2C__ISA_BASE: return &a2c__k_base_table;
#if defined(A2C_HAVE_AVX2_KERNELS)
    case A2C__ISA_AVX2: return __builtin_cpu_supports("avx2") ? &a2c__k_avx2_table : NULL;
#endif
#if defined(A2C_HAVE_AVX512_KERNELS)
    /* built with -mavx512vl too, so the compiler may use VL encodings */
    case A2C__ISA_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl")
                   ? &a2c__k_avx512_table
                   : NULL;
#endif
    default: return NULL;
    }
}

const a2c__kernels *a2c__kernels_select(void)
{
    for (int isa = A2C__ISA_COUNT - 1; isa > A2C__ISA_BASE; isa--)
        if (a2c__kernels_for_isa(isa)) return a2c__kernels_for_isa(isa);
    return &a2c__k_base_table;
}
#endif
