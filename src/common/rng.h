/* Random numbers (rng.c): xoshiro256** seeded through splitmix64.  A value
 * type: every object that draws embeds its own generator. */
#ifndef A2C_COMMON_RNG_H
#define A2C_COMMON_RNG_H

#include <stdint.h>

typedef struct a2c__rng {
    uint64_t s[4];
} a2c__rng;

uint64_t a2c__splitmix64(uint64_t *state);
/* Seeds stream `stream` of `seed`: distinct streams of one seed are
 * independent for all practical purposes.  Streams in use: 0 net init,
 * 1 net sampling, 2 trainer sampling, 3 trainer resets, 4 evaluation
 * resets, 5 evaluation sampling. */
void a2c__rng_seed(a2c__rng *r, uint64_t seed, uint64_t stream);
uint64_t a2c__rng_next(a2c__rng *r);
/* Uniform double in [0, 1) with 53 random bits. */
double a2c__rng_uniform(a2c__rng *r);
/* Standard normal draw (Marsaglia's polar method with a portable log, so
 * the stream is the same on every IEEE-754 platform). */
double a2c__rng_normal(a2c__rng *r);
/* Natural log of x > 0 from + - * / and frexp only: bit-identical across
 * C libraries, within 2.5 ulp of log(). */
double a2c__portable_log(double x);

#endif /* A2C_COMMON_RNG_H */
