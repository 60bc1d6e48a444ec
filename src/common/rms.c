/* RunningMeanStd (see rms.h).  The merge follows SB3's
 * update_from_moments operation by operation, so that given the same batch
 * moments it gives the same doubles.  The batch moments are computed here
 * in double from the float observations; SB3 lets NumPy compute them in
 * float32, which can differ in the last float bits (docs/normalization.md). */
#include "common/rms.h"

#include <math.h>
#include <string.h>

void a2c__rms_init(a2c__rms *r, double *mean, double *var, size_t dim)
{
    r->mean = mean;
    r->var = var;
    r->dim = dim;
    r->count = 1e-4;
    for (size_t k = 0; k < dim; k++) {
        mean[k] = 0.0;
        var[k] = 1.0;
    }
}

/* One component's merge with a batch of `n` values of mean bm and
 * population variance bv. */
static void merge(a2c__rms *r, size_t k, double bm, double bv, double n)
{
    const double count = r->count;
    const double delta = bm - r->mean[k];
    const double total = count + n;
    const double m2 = r->var[k] * count + bv * n + delta * delta * count * n / (count + n);
    r->mean[k] = r->mean[k] + delta * n / total;
    r->var[k] = m2 / (count + n);
}

void a2c__rms_update_floats(a2c__rms *r, const float *x, size_t n)
{
    if (n == 0) return;
    const size_t d = r->dim;
    for (size_t k = 0; k < d; k++) {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++) sum += (double)x[i * d + k];
        const double bm = sum / (double)n;
        double sq = 0.0;
        for (size_t i = 0; i < n; i++) {
            const double c = (double)x[i * d + k] - bm;
            sq += c * c;
        }
        merge(r, k, bm, sq / (double)n, (double)n);
    }
    r->count = (double)n + r->count;
}

void a2c__rms_update_doubles(a2c__rms *r, const double *x, size_t n)
{
    if (n == 0) return;
    const size_t d = r->dim;
    for (size_t k = 0; k < d; k++) {
        double sum = 0.0;
        for (size_t i = 0; i < n; i++) sum += x[i * d + k];
        const double bm = sum / (double)n;
        double sq = 0.0;
        for (size_t i = 0; i < n; i++) {
            const double c = x[i * d + k] - bm;
            sq += c * c;
        }
        merge(r, k, bm, sq / (double)n, (double)n);
    }
    r->count = (double)n + r->count;
}

void a2c__rms_update_moments(a2c__rms *r, const double *mean, const double *var, double n)
{
    if (!(n > 0.0)) return;
    for (size_t k = 0; k < r->dim; k++) merge(r, k, mean[k], var[k], n);
    r->count = n + r->count;
}

void a2c__rms_normalize(const a2c__rms *r, const float *x, size_t n, double clip, float *out)
{
    const size_t d = r->dim;
    for (size_t k = 0; k < d; k++) {
        const double mean = r->mean[k], std = sqrt(r->var[k] + A2C__NORM_EPSILON);
        for (size_t i = 0; i < n; i++) {
            double v = ((double)x[i * d + k] - mean) / std;
            v = v < -clip ? -clip : v > clip ? clip : v;
            out[i * d + k] = (float)v;
        }
    }
}

double a2c__rms_std0(const a2c__rms *r)
{
    return sqrt(r->var[0] + A2C__NORM_EPSILON);
}

void a2c__rms_copy(a2c__rms *dst, const a2c__rms *src)
{
    memcpy(dst->mean, src->mean, src->dim * sizeof(double));
    memcpy(dst->var, src->var, src->dim * sizeof(double));
    dst->count = src->count;
}

void a2c__rms_write(a2c__writer *w, const a2c__rms *r)
{
    a2c__put_f64(w, r->count);
    for (size_t k = 0; k < r->dim; k++) a2c__put_f64(w, r->mean[k]);
    for (size_t k = 0; k < r->dim; k++) a2c__put_f64(w, r->var[k]);
}

void a2c__rms_read(a2c__reader *rd, a2c__rms *r)
{
    r->count = a2c__get_f64(rd);
    if (!(r->count >= 1e-4) || !isfinite(r->count)) rd->bad = 1;
    for (size_t k = 0; k < r->dim; k++) {
        r->mean[k] = a2c__get_f64(rd);
        if (!isfinite(r->mean[k])) rd->bad = 1;
    }
    for (size_t k = 0; k < r->dim; k++) {
        r->var[k] = a2c__get_f64(rd);
        if (!(r->var[k] >= 0.0) || !isfinite(r->var[k])) rd->bad = 1;
    }
}
