/* A tiny test harness: checks print file:line and both values, then carry
 * on; main ends with `return harness_report();`, which prints
 * "N passed, M failed" and fails the program if any check failed. */
#ifndef A2C_TEST_HARNESS_H
#define A2C_TEST_HARNESS_H

#include <math.h>
#include <stdio.h>

/* Defined once in tests/harness.c, shared by the test and its helpers. */
extern int harness_passed, harness_failed;

static inline int harness_check(int ok, const char *file, int line, const char *what)
{
    if (ok) harness_passed++;
    else {
        harness_failed++;
        printf("%s:%d: FAILED: %s\n", file, line, what);
    }
    return ok;
}

static inline int harness_check_int(long long a, long long b, const char *file, int line,
                             const char *sa, const char *sb)
{
    if (a == b) return harness_check(1, file, line, "");
    printf("%s:%d: FAILED: %s == %s (%lld vs %lld)\n", file, line, sa, sb, a, b);
    harness_failed++;
    return 0;
}

/* |a - b| <= rtol * |b| + atol */
static inline int harness_check_close(double a, double b, double rtol, double atol, const char *file,
                               int line, const char *sa, const char *sb)
{
    if (fabs(a - b) <= rtol * fabs(b) + atol) return harness_check(1, file, line, "");
    printf("%s:%d: FAILED: %s ~ %s (%.9g vs %.9g, rtol %g, atol %g)\n", file, line, sa, sb, a,
           b, rtol, atol);
    harness_failed++;
    return 0;
}

#define CHECK(cond) harness_check(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_EQ_INT(a, b) \
    harness_check_int((long long)(a), (long long)(b), __FILE__, __LINE__, #a, #b)
#define CHECK_CLOSE(a, b, rtol, atol) \
    harness_check_close((double)(a), (double)(b), rtol, atol, __FILE__, __LINE__, #a, #b)
#define CHECK_NEAR(a, b, tol) CHECK_CLOSE(a, b, 0.0, tol)

static inline int harness_report(void)
{
    printf("%d passed, %d failed\n", harness_passed, harness_failed);
    return harness_failed ? 1 : 0;
}

#endif
