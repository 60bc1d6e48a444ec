/* Running mean and variance of a stream of vectors (rms.c), as
 * Stable-Baselines3's RunningMeanStd keeps them for VecNormalize: the
 * parallel-merge update of Chan et al. from each batch's mean and
 * population variance, starting from mean 0, variance 1 and a count of
 * 1e-4.  Everything is double; the caller owns the arrays. */
#ifndef A2C_COMMON_RMS_H
#define A2C_COMMON_RMS_H

#include "common/codec.h"

#include <stddef.h>

/* VecNormalize's epsilon: added to the variance before the square root. */
#define A2C__NORM_EPSILON 1e-8

typedef struct a2c__rms {
    double *mean, *var; /* dim each */
    double count;
    size_t dim;
} a2c__rms;

/* Points `r` at `mean` and `var` (dim doubles each) and starts it fresh. */
void a2c__rms_init(a2c__rms *r, double *mean, double *var, size_t dim);
/* Merges a batch of n rows of dim floats (or doubles). */
void a2c__rms_update_floats(a2c__rms *r, const float *x, size_t n);
void a2c__rms_update_doubles(a2c__rms *r, const double *x, size_t n);
/* Merges a batch of n values per component given its means and population
 * variances (dim each), as the updates above merge theirs. */
void a2c__rms_update_moments(a2c__rms *r, const double *mean, const double *var, double n);
/* n rows: clip((x - mean) / sqrt(var + epsilon), -clip, clip), in double,
 * rounded to float.  `out` may equal `x`. */
void a2c__rms_normalize(const a2c__rms *r, const float *x, size_t n, double clip, float *out);
/* sqrt(var + epsilon) of component 0: rewards are divided by it. */
double a2c__rms_std0(const a2c__rms *r);
/* Copies mean, var and count from `src` (same dim). */
void a2c__rms_copy(a2c__rms *dst, const a2c__rms *src);

/* Checkpoints: count, then the means, then the variances.  Reading into
 * `r` (of the dim the file must have) marks the reader bad for a
 * non-finite value, a negative variance or a count below the start's. */
void a2c__rms_write(a2c__writer *w, const a2c__rms *r);
void a2c__rms_read(a2c__reader *rd, a2c__rms *r);

#endif /* A2C_COMMON_RMS_H */
