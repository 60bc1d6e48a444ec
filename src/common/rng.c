/* xoshiro256** (Blackman and Vigna) seeded through splitmix64.
 *
 * Integer arithmetic only, so one seed gives one stream everywhere; the
 * normal draws avoid the C library's log so they stay bit-identical across
 * platforms too. */
#include "common/rng.h"

#include <math.h>

uint64_t a2c__splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

void a2c__rng_seed(a2c__rng *r, uint64_t seed, uint64_t stream)
{
    /* Four consecutive splitmix64 outputs are distinct, so the state is
     * never all zero. */
    uint64_t sm = seed + stream * UINT64_C(0xD1B54A32D192ED03);
    for (int k = 0; k < 4; k++) r->s[k] = a2c__splitmix64(&sm);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t a2c__rng_next(a2c__rng *r)
{
    uint64_t *s = r->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double a2c__rng_uniform(a2c__rng *r)
{
    return (double)(a2c__rng_next(r) >> 11) * 0x1.0p-53;
}

double a2c__portable_log(double x)
{
    /* x = m * 2^e with m in [sqrt(1/2), sqrt(2)); log m = 2 atanh(t) with
     * t = (m-1)/(m+1), |t| < 0.172, summed as an odd series to t^23
     * (the next term is below 2^-60 of the result). */
    static const double ln2_hi = 6.93147180369123816490e-01; /* 32 bits */
    static const double ln2_lo = 1.90821492927058770002e-10;
    int e;
    double m = frexp(x, &e);
    if (m < 0.70710678118654752440) {
        m *= 2.0;
        e -= 1;
    }
    double t = (m - 1.0) / (m + 1.0);
    double t2 = t * t;
    double series = 0.0;
    for (int k = 23; k >= 3; k -= 2) series = (series + 1.0 / k) * t2;
    double log_m = 2.0 * (t + t * series);
    return (double)e * ln2_hi + (log_m + (double)e * ln2_lo);
}

double a2c__rng_normal(a2c__rng *r)
{
    double u, v, s;
    do {
        u = 2.0 * a2c__rng_uniform(r) - 1.0;
        v = 2.0 * a2c__rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    /* The second draw (v * factor) is dropped: normals are rare (weight
     * init), and a spare would have to become part of the saved state. */
    return u * sqrt(-2.0 * a2c__portable_log(s) / s);
}
