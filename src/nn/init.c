/* Orthogonal weight initialisation (Saxe et al.), as torch.nn.init.orthogonal_.
 *
 * torch draws a Gaussian matrix, takes the Q of its QR factorisation with
 * R's diagonal made positive, and transposes so that the (out x in) weight
 * has orthonormal rows or columns, whichever are fewer.  Gram-Schmidt on
 * the columns of the tall Gaussian matrix yields exactly that Q (R's
 * diagonal is the positive column norms); a second orthogonalisation pass
 * keeps it orthogonal to rounding in double. */
#include "nn/layers.h"

#include <math.h>

void a2c__orthogonal(float *w, size_t in, size_t out, double gain, a2c__rng *rng,
                     double *scratch)
{
    const size_t m = out > in ? out : in; /* rows of the tall matrix */
    const size_t k = out > in ? in : out; /* its columns */
    double *a = scratch;                  /* column c at a + c*m */
    for (size_t i = 0; i < m * k; i++) a[i] = a2c__rng_normal(rng);
    for (size_t c = 0; c < k; c++) {
        double *v = a + c * m;
        for (int pass = 0; pass < 2; pass++) {
            for (size_t p = 0; p < c; p++) {
                const double *q = a + p * m;
                double dot = 0.0;
                for (size_t r = 0; r < m; r++) dot += q[r] * v[r];
                for (size_t r = 0; r < m; r++) v[r] -= dot * q[r];
            }
        }
        double norm = 0.0;
        for (size_t r = 0; r < m; r++) norm += v[r] * v[r];
        norm = sqrt(norm);
        for (size_t r = 0; r < m; r++) v[r] /= norm;
    }
    /* torch weight W (out x in) is Q when out >= in, else Q^T; w holds W^T:
     * w[i*out + j] = W[j][i]. */
    for (size_t i = 0; i < in; i++) {
        for (size_t j = 0; j < out; j++) {
            const double q = out >= in ? a[i * m + j] : a[j * m + i];
            w[i * out + j] = (float)(gain * q);
        }
    }
}
