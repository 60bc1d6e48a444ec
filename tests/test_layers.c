/* Dense layer, tanh and ReLU: PyTorch fixtures, finite-difference gradient
 * checks against double references, and the accuracy of the float tanh. */
#include "fixture.h"
#include "gradcheck.h"
#include "harness.h"
#include "whitebox.h"

#include <stdlib.h>
#include <string.h>

/* Fixture tolerance: the "about 1e-5 relative", plus an absolute
 * floor a few float ulps above the magnitudes involved (values near zero
 * come out of cancellations whose rounding is absolute, not relative). */
#define FIX_RTOL 1e-5

static void test_linear_fixture(void)
{
    fixture f;
    if (!fixture_load(&f, "layers.txt")) return;
    const size_t B = fixture_size(&f, "linear_batch"), in = fixture_size(&f, "linear_in"),
                 out = fixture_size(&f, "linear_out");
    float *x = fixture_floats(&f, "linear_x", B * in), *w = fixture_floats(&f, "linear_w", in * out),
          *b = fixture_floats(&f, "linear_b", out), *dy = fixture_floats(&f, "linear_dy", B * out);
    float *y = calloc(B * out, sizeof *y), *dx = calloc(B * in, sizeof *dx),
          *dw = calloc(in * out, sizeof *dw), *db = calloc(out, sizeof *db);
    if (x && w && b && dy) {
        float *scratch = malloc(a2c__linear_scratch(in, out) * sizeof *scratch);
        a2c__linear_forward(a2c__kernels_select(), x, B, in, out, w, b, y);
        check_floats("linear y", y, fixture_get(&f, "linear_y", B * out), B * out, FIX_RTOL, 1e-6);
        a2c__linear_backward(a2c__kernels_select(), x, dy, B, in, out, w, dw, db, dx, scratch);
        free(scratch);
        check_floats("linear dx", dx, fixture_get(&f, "linear_dx", B * in), B * in, FIX_RTOL, 1e-6);
        check_floats("linear dw", dw, fixture_get(&f, "linear_dw", in * out), in * out, FIX_RTOL,
                     1e-6);
        check_floats("linear db", db, fixture_get(&f, "linear_db", out), out, FIX_RTOL, 1e-6);
    }
    free(x), free(w), free(b), free(dy), free(y), free(dx), free(dw), free(db);
    fixture_free(&f);
}

static void test_activation_fixture(const char *prefix, int activation)
{
    fixture f;
    if (!fixture_load(&f, "layers.txt")) return;
    char name[64];
    snprintf(name, sizeof name, "%s_n", prefix);
    const size_t n = fixture_size(&f, name);
    snprintf(name, sizeof name, "%s_x", prefix);
    float *h = fixture_floats(&f, name, n);
    snprintf(name, sizeof name, "%s_dy", prefix);
    float *d = fixture_floats(&f, name, n);
    if (h && d) {
        a2c__activation_forward(a2c__kernels_select(), activation, h, n);
        snprintf(name, sizeof name, "%s_y", prefix);
        check_floats(name, h, fixture_get(&f, name, n), n, FIX_RTOL, 1e-7);
        a2c__activation_backward(a2c__kernels_select(), activation, h, d, n);
        snprintf(name, sizeof name, "%s_dx", prefix);
        /* d tanh = 1 - y^2 loses relative precision as |y| -> 1: the
         * absolute error of a float y near 1 is ~1e-7, so allow 1e-6. */
        check_floats(name, d, fixture_get(&f, name, n), n, FIX_RTOL, 1e-6);
    }
    free(h), free(d);
    fixture_free(&f);
}

/* ---- finite differences ---- */

typedef struct linear_ctx {
    size_t batch, in, out;
    const float *c; /* upstream weights: L = sum c * y */
} linear_ctx;

/* theta = [x (batch*in), w (in*out), b (out)] */
static double linear_ref(const double *t, void *vctx)
{
    const linear_ctx *c = vctx;
    const double *x = t, *w = t + c->batch * c->in, *b = w + c->in * c->out;
    double L = 0.0;
    for (size_t r = 0; r < c->batch; r++)
        for (size_t j = 0; j < c->out; j++) {
            double y = b[j];
            for (size_t i = 0; i < c->in; i++) y += x[r * c->in + i] * w[i * c->out + j];
            L += (double)c->c[r * c->out + j] * y;
        }
    return L;
}

static void test_linear_gradcheck(size_t batch, size_t in, size_t out)
{
    unsigned long long s = 12345 + batch * 7 + in * 131 + out;
    const size_t nx = batch * in, nw = in * out, n = nx + nw + out;
    float *p = malloc(n * sizeof *p), *dy = malloc(batch * out * sizeof *dy);
    float *grad = calloc(n, sizeof *grad);
    double *theta = malloc(n * sizeof *theta);
    fill_uniform(&s, p, n, -1.0, 1.0);
    fill_uniform(&s, dy, batch * out, -1.0, 1.0);
    for (size_t k = 0; k < n; k++) theta[k] = p[k];
    /* grad = [dx, dw, db]; dw and db accumulate, so call twice and halve:
     * that also checks the accumulation. */
    float *scratch = malloc(a2c__linear_scratch(in, out) * sizeof *scratch);
    a2c__linear_backward(a2c__kernels_select(), p, dy, batch, in, out, p + nx, grad + nx, grad + nx + nw, grad, scratch);
    a2c__linear_backward(a2c__kernels_select(), p, dy, batch, in, out, p + nx, grad + nx, grad + nx + nw, grad, scratch);
    for (size_t k = nx; k < n; k++) grad[k] *= 0.5f;
    linear_ctx ctx = {batch, in, out, dy};
    char what[64];
    snprintf(what, sizeof what, "linear %zux%zu->%zu", batch, in, out);
    /* The loss is linear in each parameter, so the differences are exact
     * up to rounding; the float dot products of length batch or out carry
     * ~1e-7 relative error: rtol 1e-5, atol 1e-6. */
    CHECK(gradcheck(what, linear_ref, &ctx, theta, n, grad, 1e-3, 1e-5, 1e-6) == 0);

    /* forward agrees with the reference too */
    float *y = malloc(batch * out * sizeof *y);
    a2c__linear_forward(a2c__kernels_select(), p, batch, in, out, p + nx, p + nx + nw, y);
    double worst = 0.0;
    for (size_t r = 0; r < batch; r++)
        for (size_t j = 0; j < out; j++) {
            double want = theta[nx + nw + j];
            for (size_t i = 0; i < in; i++) want += theta[r * in + i] * theta[nx + i * out + j];
            double e = fabs((double)y[r * out + j] - want);
            worst = e > worst ? e : worst;
        }
    CHECK(worst < 1e-5);
    free(p), free(dy), free(grad), free(theta), free(y), free(scratch);
}

typedef struct act_ctx {
    int activation;
    const float *c;
} act_ctx;

static double act_ref(const double *z, void *vctx)
{
    const act_ctx *c = vctx;
    double L = 0.0;
    for (size_t k = 0; k < 64; k++) {
        const double h = c->activation == A2C_ACTIVATION_TANH ? tanh(z[k]) : (z[k] > 0 ? z[k] : 0);
        L += (double)c->c[k] * h;
    }
    return L;
}

static void test_activation_gradcheck(int activation)
{
    unsigned long long s = 99 + (unsigned)activation;
    float z[64], h[64], d[64], c[64];
    double theta[64];
    fill_uniform(&s, z, 64, -4.0, 4.0);
    fill_uniform(&s, c, 64, -1.0, 1.0);
    for (size_t k = 0; k < 64; k++) {
        /* keep relu away from its kink, where no derivative exists */
        if (activation == A2C_ACTIVATION_RELU && fabsf(z[k]) < 0.01f) z[k] = 0.5f;
        theta[k] = z[k];
        h[k] = z[k];
        d[k] = c[k];
    }
    a2c__activation_forward(a2c__kernels_select(), activation, h, 64);
    a2c__activation_backward(a2c__kernels_select(), activation, h, d, 64);
    act_ctx ctx = {activation, c};
    /* 1 - h^2 from a float h: absolute error ~2 * 6 ulp(1) = 7e-7 */
    CHECK(gradcheck(activation == A2C_ACTIVATION_TANH ? "tanh" : "relu", act_ref, &ctx, theta, 64,
                    d, 1e-5, 1e-5, 2e-6) == 0);
}

/* ---- the float tanh ---- */

static float tanh1(float x)
{
    a2c__kernels_select()->tanh_forward(&x, 1);
    return x;
}

static void test_tanh_accuracy(void)
{
    double worst = 0.0, sum = 0.0;
    float worst_x = 0.0f;
    size_t count = 0;
    int odd = 1, bounded = 1;
    for (float x = -12.0f; x <= 12.0f; x += 1.0f / 4096.0f) {
        const float y = tanh1(x);
        const double want = tanh((double)x);
        const float wf = (float)want;
        const double ulp = (double)(nextafterf(fabsf(wf), 2.0f) - fabsf(wf));
        const double e = fabs((double)y - want) / ulp;
        sum += e;
        count++;
        if (e > worst) worst = e, worst_x = x;
        odd &= tanh1(-x) == -y;
        bounded &= fabsf(y) <= 1.0f;
    }
    for (float x = 1e-30f; x < 1.0f; x *= 1.01f) {
        const double want = tanh((double)x);
        const double ulp = (double)(nextafterf((float)want, 2.0f) - (float)want);
        const double e = fabs((double)tanh1(x) - want) / ulp;
        if (e > worst) worst = e, worst_x = x;
    }
    printf("tanh: worst %.2f ulp at %.9g, mean %.3f ulp\n", worst, (double)worst_x, sum / count);
    /* The fit is 7e-9 relative in exact arithmetic; float evaluation of
     * P/Q adds rounding up to ~6 ulp near |x| = 6 (measured 5.7). */
    CHECK(worst <= 6.0);
    CHECK(sum / count < 1.0);
    CHECK(odd);
    CHECK(bounded);
    CHECK(tanh1(0.0f) == 0.0f);
    CHECK(tanh1(100.0f) == 1.0f && tanh1(-INFINITY) == -1.0f);
    CHECK(isnan(tanh1(NAN)));
    float v[3] = {NAN, -1.0f, 2.0f};
    a2c__activation_forward(a2c__kernels_select(), A2C_ACTIVATION_RELU, v, 3);
    CHECK(isnan(v[0]) && v[1] == 0.0f && v[2] == 2.0f); /* relu keeps NaN visible */
}

/* gemm's result by its definition: init, then each product rounded to
 * float and added, k in order. */
static void gemm_reference(size_t m, size_t n, size_t K, const float *a, size_t ars, size_t aks,
                           const float *b, size_t ldb, float *c, size_t ldc, int init,
                           const float *bias)
{
    for (size_t r = 0; r < m; r++)
        for (size_t j = 0; j < n; j++) {
            float acc = init == A2C__INIT_BIAS ? bias[j]
                        : init == A2C__INIT_C  ? c[r * ldc + j]
                                               : 0.0f;
            for (size_t k = 0; k < K; k++) {
                const float p = a[r * ars + k * aks] * b[k * ldb + j];
                acc = acc + p;
            }
            c[r * ldc + j] = acc;
        }
}

static unsigned gemm_rng = 2463534242u;

static unsigned gemm_next(void)
{
    gemm_rng ^= gemm_rng << 13;
    gemm_rng ^= gemm_rng >> 17;
    gemm_rng ^= gemm_rng << 5;
    return gemm_rng;
}

/* Values of mixed signs and magnitudes, so that any other order of
 * operations or any fused multiply-add changes some low bits. */
static void gemm_fill(float *v, size_t n)
{
    for (size_t k = 0; k < n; k++)
        v[k] = ldexpf((float)(gemm_next() >> 8) / 16777216.0f - 0.5f, (int)(gemm_next() % 13) - 6);
}

/* One product on every kernel table, whole and in parts: bit for bit the
 * reference, and nothing outside C's m x n touched. */
static void check_gemm_shape(size_t m, size_t n, size_t K, int a_by_columns, int init, size_t pad)
{
    const size_t ars = a_by_columns ? 1 : K + pad, aks = a_by_columns ? m + pad : 1;
    const size_t ldb = n + pad, ldc = n + pad;
    const size_t a_len = a_by_columns ? (K ? (K - 1) * aks + m : 1) : (m - 1) * ars + K + 1;
    float *a = malloc(a_len * sizeof *a), *b = malloc((K * ldb + 1) * sizeof *b),
          *bias = malloc(n * sizeof *bias), *c0 = malloc(m * ldc * sizeof *c0),
          *want = malloc(m * ldc * sizeof *want), *got = malloc(m * ldc * sizeof *got);
    if (!CHECK(a && b && bias && c0 && want && got)) goto done;
    gemm_fill(a, a_len), gemm_fill(b, K * ldb + 1), gemm_fill(bias, n), gemm_fill(c0, m * ldc);
    memcpy(want, c0, m * ldc * sizeof *want);
    gemm_reference(m, n, K, a, ars, aks, b, ldb, want, ldc, init, bias);
    /* a block of rows and columns, as a thread of a split product computes it */
    const size_t i0 = gemm_next() % m, i1 = i0 + 1 + gemm_next() % (m - i0);
    const size_t j0 = gemm_next() % n, j1 = j0 + 1 + gemm_next() % (n - j0);
    for (int isa = 0; isa < A2C__ISA_COUNT; isa++) {
        const a2c__kernels *t = a2c__kernels_for_isa(isa);
        if (!t) continue;
        memcpy(got, c0, m * ldc * sizeof *got);
        t->gemm(m, n, K, a, ars, aks, b, ldb, got, ldc, init, bias);
        int same = 1;
        for (size_t r = 0; r < m; r++)
            for (size_t j = 0; j < ldc; j++) {
                const float *expect = j < n ? want : c0;
                same &= memcmp(&got[r * ldc + j], &expect[r * ldc + j], sizeof(float)) == 0;
            }
        if (!CHECK(same))
            printf("  gemm %s %zux%zux%zu, A by %s, init %d, pad %zu\n", t->name, m, n, K,
                   a_by_columns ? "columns" : "rows", init, pad);
        memcpy(got, c0, m * ldc * sizeof *got);
        t->gemm(i1 - i0, j1 - j0, K, a + i0 * ars, ars, aks, b + j0, ldb, got + i0 * ldc + j0,
                ldc, init, bias + j0);
        same = 1;
        for (size_t r = 0; r < m; r++)
            for (size_t j = 0; j < ldc; j++) {
                const int inside = r >= i0 && r < i1 && j >= j0 && j < j1;
                const float *expect = inside ? want : c0;
                same &= memcmp(&got[r * ldc + j], &expect[r * ldc + j], sizeof(float)) == 0;
            }
        if (!CHECK(same))
            printf("  gemm %s %zux%zux%zu rows [%zu, %zu) columns [%zu, %zu), A by %s, init %d\n",
                   t->name, m, n, K, i0, i1, j0, j1, a_by_columns ? "columns" : "rows", init);
    }
done:
    free(a), free(b), free(bias), free(c0), free(want), free(got);
}

/* Every kernel table gives the reference's bits, for any shape (the block
 * tails included), layout, init and split. */
static void test_gemm_tables(void)
{
    CHECK(a2c__kernels_for_isa(A2C__ISA_BASE) == &a2c__k_base_table);
    CHECK(a2c__kernels_for_isa(A2C__ISA_COUNT) == NULL);
    int selected_available = 0;
    for (int isa = 0; isa < A2C__ISA_COUNT; isa++)
        selected_available |= a2c__kernels_for_isa(isa) == a2c__kernels_select();
    CHECK(selected_available);
    for (int trial = 0; trial < 600; trial++) {
        const size_t m = 1 + gemm_next() % 70, n = 1 + gemm_next() % 70,
                     K = trial == 0 ? 0 : 1 + gemm_next() % 70;
        check_gemm_shape(m, n, K, trial % 2, (trial / 2) % 3, trial % 5 == 0 ? 3 : 0);
    }
    /* the 256-wide layers with 64 envs: packed panels, a shared dimension
     * longer than one packed chunk */
    check_gemm_shape(320, 256, 256, 0, A2C__INIT_BIAS, 0);
    check_gemm_shape(256, 256, 320, 1, A2C__INIT_C, 0);
    check_gemm_shape(320, 256, 600, 0, A2C__INIT_ZERO, 5);
}

int main(void)
{
    test_linear_fixture();
    test_activation_fixture("tanh", A2C_ACTIVATION_TANH);
    test_activation_fixture("relu", A2C_ACTIVATION_RELU);
    test_linear_gradcheck(1, 1, 1);
    test_linear_gradcheck(3, 5, 37);  /* a full block of 32 outputs plus a tail */
    test_linear_gradcheck(4, 70, 9);  /* dot products with a lane tail */
    test_linear_gradcheck(5, 64, 64); /* the zoo's hidden layer */
    test_activation_gradcheck(A2C_ACTIVATION_TANH);
    test_activation_gradcheck(A2C_ACTIVATION_RELU);
    test_tanh_accuracy();
    test_gemm_tables();
    return harness_report();
}
