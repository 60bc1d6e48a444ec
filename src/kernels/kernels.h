/* Numeric kernels (kernels.c, built once per instruction set and chosen at
 * run time).  A table of function pointers is a value type: objects keep a
 * pointer to the one they use. */
#ifndef A2C_KERNELS_KERNELS_H
#define A2C_KERNELS_KERNELS_H

#include <stddef.h>

/* How gemm starts each output: from a broadcast bias row, from zero, or
 * from what C holds (accumulate). */
enum { A2C__INIT_BIAS, A2C__INIT_ZERO, A2C__INIT_C };

typedef struct a2c__kernels {
    /* C[r][c] (+)= sum_k A[r*ars + k*aks] * B[k*ldb + c], r < m, c < n, k < K;
     * every sum runs over k in order, each product rounded before its add
     * (docs/kernels.md), so any subset of rows or columns computed alone
     * gives the same bits.  Reentrant; uses up to 33 KiB of stack (the
     * packed B panel). */
    void (*gemm)(size_t m, size_t n, size_t K, const float *a, size_t ars, size_t aks,
                 const float *b, size_t ldb, float *c, size_t ldc, int init, const float *bias);
    void (*tanh_forward)(float *h, size_t n);
    void (*tanh_backward)(const float *h, float *d, size_t n);
    void (*relu_forward)(float *h, size_t n);
    void (*relu_backward)(const float *h, float *d, size_t n);
    /* The updates use g[k] * gscale (clipping folded in; 1 is exact) and,
     * with zero_g, set each g[k] to 0 once used (ready for the next
     * accumulation).  They copy the old parameters and state to old_p,
     * old_m, old_v in the same pass and return nonzero if any new
     * parameter or state value is not finite. */
    int (*rmsprop)(float *p, float *g, float *v, size_t n, float alpha, float one_minus,
                   float eps, float neg_lr, float gscale, int zero_g, float *old_p,
                   float *old_v);
    int (*adam)(float *p, float *g, float *m, float *v, size_t n, float b1, float one_minus_b1,
                float b2, float one_minus_b2, float neg_step, float bc2_sqrt, float eps,
                float gscale, int zero_g, float *old_p, float *old_m, float *old_v);
    void (*scale)(float *x, size_t n, float c);
    /* t (cols x rows) = s (rows x cols) transposed */
    void (*transpose)(const float *s, size_t rows, size_t cols, float *t);
    /* out[j] += sum_r x[r*cols + j] */
    void (*column_sums)(const float *x, size_t rows, size_t cols, float *out);
    /* sum of x[k]^2 in double, in a fixed order */
    double (*sum_squares)(const float *x, size_t n);
    /* adds sum of (p[k] - q[k])^2 to *diff and of q[k]^2 to *size, in a
     * fixed order, with float partial sums: an update's size against the
     * parameters before it, a statistic (relative error ~1e-6) */
    void (*step_sums)(const float *p, const float *q, size_t n, double *diff, double *size);
    /* how many of x[0..n) have |x| > limit (n < 2^29) */
    size_t (*count_beyond)(const float *x, size_t n, float limit);
    const char *name; /* "base", "avx2", "avx512" */
} a2c__kernels;

extern const a2c__kernels a2c__k_base_table;
#if defined(A2C_HAVE_AVX2_KERNELS)
extern const a2c__kernels a2c__k_avx2_table;
#endif
#if defined(A2C_HAVE_AVX512_KERNELS)
extern const a2c__kernels a2c__k_avx512_table;
#endif
/* The fastest table this CPU runs (a stateless CPUID check). */
const a2c__kernels *a2c__kernels_select(void);

/* The instruction sets a table can be built for, slowest first. */
enum { A2C__ISA_BASE, A2C__ISA_AVX2, A2C__ISA_AVX512, A2C__ISA_COUNT };
/* The table for isa if this build has it and this CPU runs it, else NULL:
 * for tests and benchmarks that compare or force tables. */
const a2c__kernels *a2c__kernels_for_isa(int isa);

#endif /* A2C_KERNELS_KERNELS_H */
