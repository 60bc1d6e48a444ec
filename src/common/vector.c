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

size_t a2c__part_start(size_t n, unsigned part, unsigned parts, size_t align)
{
    if (part >= parts) return n;
    /* n * part cannot overflow for the sizes split here (rows, parameters:
     * far below 2^48); rounding up keeps the starts in order and gives a
     * remainder to the first parts, the calling thread's among them, whose
     * cache already holds what it wrote */
    const size_t at = (n * part / parts + align - 1) / align * align;
    return at < n ? at : n;
}
