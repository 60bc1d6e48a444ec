/* Helpers over flat float vectors. */
#include "internal.h"

#include <math.h>

int a2c__all_finite(const float *x, size_t n)
{
    /* x - x is 0 for finite x and NaN otherwise; OR-ing the comparisons
     * keeps the loop branch-free and vectorisable. */
    int bad = 0;
    for (size_t k = 0; k < n; k++) bad |= !(x[k] - x[k] == 0.0f);
    return !bad;
}

double a2c__sum_squares(const float *x, size_t n)
{
    /* Eight partial sums in double: a fixed order, and enough range and
     * precision for any float vector. */
    double acc[8] = {0};
    size_t k = 0;
    for (; k + 8 <= n; k += 8)
        for (size_t j = 0; j < 8; j++) acc[j] += (double)x[k + j] * (double)x[k + j];
    for (size_t j = 0; k < n; k++, j++) acc[j] += (double)x[k] * (double)x[k];
    return ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]));
}
