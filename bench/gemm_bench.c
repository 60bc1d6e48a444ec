/* liba2c's matrix product against OpenBLAS's single-thread sgemm at the
 * shapes of the 256x256 net with 64 envs and of the zoo's CartPole net
 * (docs/kernels.md): multiply-adds per ns of thread CPU time, medians of
 * repeated timings, for every kernel table this CPU runs.  It also checks that each table's
 * result is bit for bit a plain-C reference (the same multiply, then add,
 * in k order) and within 1e-4 relative of OpenBLAS's.  `make bench-gemm`
 * (links OpenBLAS; the library never does). */
#define _POSIX_C_SOURCE 200112L /* clock_gettime */
#include "kernels/kernels.h"

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "timing.h"

void openblas_set_num_threads(int);

#define REPEATS 9
#define REPEAT_SECONDS 0.004 /* each timing runs the call for about this long */

typedef struct shape {
    const char *label;
    size_t m, n, K;
    int a_by_columns; /* A read down its columns (ars 1): the weight gradient */
    int init;
} shape;

static const shape shapes[] = {
    {"fwd 320x256<-256", 320, 256, 256, 0, A2C__INIT_BIAS},
    {"fwd 64x256<-256", 64, 256, 256, 0, A2C__INIT_BIAS},
    {"fwd 320x256<-4", 320, 256, 4, 0, A2C__INIT_BIAS},
    {"fwd 64x256<-4", 64, 256, 4, 0, A2C__INIT_BIAS},
    {"dW 256x256, 320 rows", 256, 256, 320, 1, A2C__INIT_C},
    {"dW 4x256, 320 rows", 4, 256, 320, 1, A2C__INIT_C},
    {"dx 320x256<-256", 320, 256, 256, 0, A2C__INIT_ZERO},
    {"cp fwd 8x64<-64", 8, 64, 64, 0, A2C__INIT_BIAS},
    {"cp fwd 8x64<-4", 8, 64, 4, 0, A2C__INIT_BIAS},
    {"cp fwd 40x64<-64", 40, 64, 64, 0, A2C__INIT_BIAS},
    {"cp dW 64x64, 40 rows", 64, 64, 40, 1, A2C__INIT_C},
    {"cp dW 4x64, 40 rows", 4, 64, 40, 1, A2C__INIT_C},
    {"cp dx 40x64<-64", 40, 64, 64, 0, A2C__INIT_ZERO},
};

static float *random_floats(size_t n, unsigned *state)
{
    float *v = malloc(n * sizeof *v);
    if (!v) {
        fprintf(stderr, "gemm_bench: out of memory\n");
        exit(1);
    }
    for (size_t k = 0; k < n; k++) {
        *state = *state * 1664525u + 1013904223u;
        v[k] = (float)(*state >> 8) / 16777216.0f - 0.5f;
    }
    return v;
}

/* The definition of every table's result: init, then for k in order the
 * rounded product added to the running sum. */
static void reference(const shape *s, const float *a, size_t ars, size_t aks, const float *b,
                      const float *bias, float *c)
{
    for (size_t r = 0; r < s->m; r++)
        for (size_t j = 0; j < s->n; j++) {
            float acc = s->init == A2C__INIT_BIAS ? bias[j]
                        : s->init == A2C__INIT_C  ? c[r * s->n + j]
                                                  : 0.0f;
            for (size_t k = 0; k < s->K; k++) {
                const float p = a[r * ars + k * aks] * b[k * s->n + j];
                acc = acc + p;
            }
            c[r * s->n + j] = acc;
        }
}

/* C as OpenBLAS computes it: bias rows or C, plus A B. */
static void openblas_product(const shape *s, const float *a, const float *b, float *c)
{
    const int m = (int)s->m, n = (int)s->n, K = (int)s->K;
    const float beta = s->init == A2C__INIT_ZERO ? 0.0f : 1.0f;
    if (s->a_by_columns)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, K, 1.0f, a, m, b, n, beta, c,
                    n);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, K, 1.0f, a, K, b, n, beta,
                    c, n);
}

/* This thread's CPU time in seconds: the machine this runs on is often
 * shared, and time spent descheduled is not the kernel's. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Calls of `call` that take about REPEAT_SECONDS. */
#define CALIBRATE(reps, call)                                                          \
    do {                                                                               \
        reps = 1;                                                                      \
        for (;;) {                                                                     \
            const double s_ = cpu_now();                                               \
            for (long i_ = 0; i_ < reps; i_++) call;                                   \
            if (cpu_now() - s_ > REPEAT_SECONDS / 4 || reps > (1L << 24)) break;       \
            reps *= 2;                                                                 \
        }                                                                              \
        reps *= 4;                                                                     \
    } while (0)

/* ns per call of `call` over reps calls. */
#define TIME_NS(result, reps, call)                                                    \
    do {                                                                               \
        const double s_ = cpu_now();                                                   \
        for (long i_ = 0; i_ < reps; i_++) call;                                       \
        result = (cpu_now() - s_) / (double)reps * 1e9;                                \
    } while (0)

int main(int argc, char **argv)
{
    openblas_set_num_threads(1);
    const a2c__kernels *tables[A2C__ISA_COUNT];
    int n_tables = 0;
    for (int isa = 0; isa < A2C__ISA_COUNT; isa++)
        if (a2c__kernels_for_isa(isa)) tables[n_tables++] = a2c__kernels_for_isa(isa);
    printf("multiply-adds per ns of CPU time (m*n*K / ns), medians of %d; "
           "OpenBLAS sgemm on 1 thread\n", REPEATS);
    printf("%-22s", "shape");
    for (int t = 0; t < n_tables; t++) printf(" %8s", tables[t]->name);
    printf(" %8s %7s\n", "OpenBLAS", "ratio");
    int failed = 0;
    unsigned seed = 12345u;
    {
        /* a quarter second of work first, so that the first shape does not
         * pay for the clock ramping up */
        float *a = random_floats(256 * 256, &seed), *c = random_floats(256 * 256, &seed);
        const a2c__kernels *k = a2c__kernels_select();
        for (const double s0 = cpu_now(); cpu_now() - s0 < 0.25;)
            k->gemm(256, 256, 256, a, 256, 1, a, 256, c, 256, A2C__INIT_ZERO, NULL);
        free(a), free(c);
    }
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        const shape *s = &shapes[i];
        if (argc > 1 && !strstr(s->label, argv[1])) continue;
        const size_t ars = s->a_by_columns ? 1 : s->K, aks = s->a_by_columns ? s->m : 1;
        float *a = random_floats(s->m * s->K, &seed), *b = random_floats(s->K * s->n, &seed);
        float *bias = random_floats(s->n, &seed), *c0 = random_floats(s->m * s->n, &seed);
        float *c = malloc(s->m * s->n * sizeof *c), *want = malloc(s->m * s->n * sizeof *c);
        if (!c || !want) return 1;
        const double macs = (double)s->m * (double)s->n * (double)s->K;

        memcpy(want, c0, s->m * s->n * sizeof *c);
        reference(s, a, ars, aks, b, bias, want);
        /* OpenBLAS's result, bias rows first for the forward product */
        float *blas = malloc(s->m * s->n * sizeof *c);
        if (!blas) return 1;
        for (size_t r = 0; r < s->m; r++)
            for (size_t j = 0; j < s->n; j++)
                blas[r * s->n + j] = s->init == A2C__INIT_BIAS ? bias[j] : c0[r * s->n + j];
        openblas_product(s, a, b, blas);
        double worst = 0.0, scale = 0.0;
        for (size_t k = 0; k < s->m * s->n; k++) scale = fmax(scale, fabs((double)want[k]));
        for (size_t k = 0; k < s->m * s->n; k++)
            worst = fmax(worst, fabs((double)blas[k] - (double)want[k]) / scale);
        if (worst > 1e-4) {
            printf("%s: OpenBLAS differs from the reference by %.3g relative\n", s->label, worst);
            failed = 1;
        }

        /* Each repeat times every contestant in turn, so that a busy
         * machine slows them alike. */
        long reps[A2C__ISA_COUNT + 1];
        double ns[A2C__ISA_COUNT + 1][REPEATS];
        for (int t = 0; t < n_tables; t++) {
            memcpy(c, c0, s->m * s->n * sizeof *c);
            tables[t]->gemm(s->m, s->n, s->K, a, ars, aks, b, s->n, c, s->n, s->init, bias);
            if (memcmp(c, want, s->m * s->n * sizeof *c) != 0) {
                printf("%s: the %s table differs from the reference\n", s->label,
                       tables[t]->name);
                failed = 1;
            }
            CALIBRATE(reps[t], tables[t]->gemm(s->m, s->n, s->K, a, ars, aks, b, s->n, c, s->n,
                                               s->init, bias));
        }
        memcpy(c, c0, s->m * s->n * sizeof *c);
        CALIBRATE(reps[n_tables], openblas_product(s, a, b, c));
        for (int r = 0; r < REPEATS; r++) {
            for (int t = 0; t < n_tables; t++)
                TIME_NS(ns[t][r], reps[t],
                        tables[t]->gemm(s->m, s->n, s->K, a, ars, aks, b, s->n, c, s->n,
                                        s->init, bias));
            TIME_NS(ns[n_tables][r], reps[n_tables], openblas_product(s, a, b, c));
        }
        printf("%-22s", s->label);
        for (int t = 0; t <= n_tables; t++) printf(" %8.1f", macs / median(ns[t], REPEATS));
        /* the last table is the one a2c__kernels_select picks */
        const double blas_ns = median(ns[n_tables], REPEATS);
        printf(" %6.0f%%\n", 100.0 * blas_ns / median(ns[n_tables - 1], REPEATS));
        fflush(stdout);
        free(a), free(b), free(bias), free(c0), free(c), free(want), free(blas);
    }
    if (failed) printf("FAILED: results differ\n");
    return failed;
}
