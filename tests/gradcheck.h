/* Central-difference gradient checks against a double-precision reference.
 *
 * The function under test is re-implemented naively in double inside each
 * test (an independent forward pass); its central differences with step h
 * are accurate to ~h^2 * f''' + eps / h, about 1e-10 for h = 1e-5, so any
 * disagreement comes from the float backward pass under test.  That float
 * gradient carries rounding of ~1e-7 relative per operation, which sets
 * the tolerances the tests choose. */
#ifndef A2C_TEST_GRADCHECK_H
#define A2C_TEST_GRADCHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef double (*gradcheck_fn)(const double *theta, void *ctx);

/* Compares analytic[k] with the central difference of f in theta[k] for
 * k < n; an element fails when |analytic - fd| > rtol * |fd| + atol.
 * Returns the number of failing elements and prints the worst one. */
static inline size_t gradcheck(const char *what, gradcheck_fn f, void *ctx, double *theta,
                               size_t n, const float *analytic, double h, double rtol,
                               double atol)
{
    size_t bad = 0, worst = 0;
    double worst_ratio = 0.0, worst_fd = 0.0;
    for (size_t k = 0; k < n; k++) {
        const double saved = theta[k];
        theta[k] = saved + h;
        const double up = f(theta, ctx);
        theta[k] = saved - h;
        const double down = f(theta, ctx);
        theta[k] = saved;
        const double fd = (up - down) / (2.0 * h);
        const double err = fabs((double)analytic[k] - fd);
        const double ratio = err / (rtol * fabs(fd) + atol);
        if (!(ratio <= 1.0)) bad++;
        if (ratio > worst_ratio || isnan(ratio)) {
            worst_ratio = isnan(ratio) ? (double)INFINITY : ratio;
            worst = k;
            worst_fd = fd;
        }
    }
    printf("gradcheck %-28s n=%-5zu worst at %zu: analytic %.9g fd %.9g (%.2f of tolerance)%s\n",
           what, n, worst, n ? (double)analytic[worst] : 0.0, worst_fd, worst_ratio,
           bad ? "  MISMATCH" : "");
    return bad;
}

/* Uniform doubles in [lo, hi) from a small LCG: tests need no library RNG. */
static inline double test_uniform(unsigned long long *s, double lo, double hi)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + (hi - lo) * (double)(*s >> 11) * 0x1.0p-53;
}

static inline void fill_uniform(unsigned long long *s, float *x, size_t n, double lo, double hi)
{
    for (size_t k = 0; k < n; k++) x[k] = (float)test_uniform(s, lo, hi);
}

#endif
