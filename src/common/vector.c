/* Helpers over flat float vectors. */
#include "common/common.h"

#include <math.h>

int a2c__all_finite(const float *x, size_t n)
{
    /* x - x is 0 for finite x and NaN otherwise; OR-ing the comparisons
     * keeps the loop branch-free and vectorisable. */
    int bad = 0;
    for (size_t k = 0; k < n; k++) bad |= !(x[k] - x[k] == 0.0f);
    return !bad;
}
