/* RMSprop, Adam, gradient clipping and the linear schedule against
 * torch.optim / clip_grad_norm_, plus state save/restore. */
#include "fixture.h"
#include "harness.h"
#include "whitebox.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Parameters after a step differ from torch by float rounding of the
 * update (~1e-7 of |p|) plus of the step itself: rtol 1e-5, atol 1e-7. */
#define RTOL 1e-5

static a2c_optimizer *make_opt(const fixture *f, const char *kind, size_t n, int schedule)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    char name[64];
    const int rms = strcmp(kind, "rmsprop") == 0;
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_USE_RMS_PROP, rms) == A2C_OK);
    snprintf(name, sizeof name, "%s_lr", kind);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_LEARNING_RATE, fixture_get(f, name, 1)[0]) == A2C_OK);
    if (rms) {
        CHECK(a2c_config_set_double(cfg, A2C_PARAM_RMS_PROP_ALPHA,
                                    fixture_get(f, "rmsprop_alpha", 1)[0]) == A2C_OK);
        CHECK(a2c_config_set_double(cfg, A2C_PARAM_RMS_PROP_EPS,
                                    fixture_get(f, "rmsprop_eps", 1)[0]) == A2C_OK);
    } else {
        CHECK(a2c_config_set_double(cfg, A2C_PARAM_ADAM_BETA1, fixture_get(f, "adam_beta1", 1)[0]) ==
              A2C_OK);
        CHECK(a2c_config_set_double(cfg, A2C_PARAM_ADAM_BETA2, fixture_get(f, "adam_beta2", 1)[0]) ==
              A2C_OK);
        CHECK(a2c_config_set_double(cfg, A2C_PARAM_ADAM_EPS, fixture_get(f, "adam_eps", 1)[0]) ==
              A2C_OK);
    }
    if (schedule) {
        CHECK(a2c_config_set_double(cfg, A2C_PARAM_LEARNING_RATE, fixture_get(f, "sched_initial", 1)[0]) ==
              A2C_OK);
        CHECK(a2c_config_set_int(cfg, A2C_PARAM_LR_SCHEDULE, A2C_SCHEDULE_LINEAR) == A2C_OK);
    }
    a2c_optimizer *opt = NULL;
    CHECK(a2c_optimizer_create(&opt, cfg, n) == A2C_OK);
    a2c_config_destroy(cfg);
    return opt;
}

static void run_steps(const fixture *f, const char *kind)
{
    const size_t n = fixture_size(f, "n");
    const double max_norm = fixture_get(f, "max_grad_norm", 1)[0];
    float *p = fixture_floats(f, "params0", n);
    a2c_optimizer *opt = make_opt(f, kind, n, 0);
    if (!p || !opt) goto done;
    char name[64];
    for (int k = 1; k <= 3; k++) {
        snprintf(name, sizeof name, "grad_%d", k);
        float *g = fixture_floats(f, name, n);
        double norm = -1.0;
        CHECK(a2c_clip_grad_norm(g, n, max_norm, &norm) == A2C_OK);
        snprintf(name, sizeof name, "%s_norm_%d", kind, k);
        CHECK_CLOSE(norm, fixture_get(f, name, 1)[0], 1e-6, 0.0);
        snprintf(name, sizeof name, "%s_clipped_grad_%d", kind, k);
        check_floats(name, g, fixture_get(f, name, n), n, 1e-6, 1e-9);
        CHECK(a2c_optimizer_step(opt, p, g, n, 1.0) == A2C_OK);
        snprintf(name, sizeof name, "%s_params_%d", kind, k);
        check_floats(name, p, fixture_get(f, name, n), n, RTOL, 1e-7);
        free(g);
    }
    const size_t ns = a2c_optimizer_state_size(opt);
    CHECK_EQ_INT(ns, strcmp(kind, "rmsprop") == 0 ? n : 2 * n);
    float *state = malloc(ns * sizeof *state);
    uint64_t steps = 0;
    CHECK(a2c_optimizer_get_state(opt, state, ns, &steps) == A2C_OK);
    CHECK_EQ_INT(steps, 3);
    if (strcmp(kind, "rmsprop") == 0) {
        check_floats("rmsprop_square_avg", state, fixture_get(f, "rmsprop_square_avg", n), n, RTOL,
                     1e-12);
    } else {
        check_floats("adam_exp_avg", state, fixture_get(f, "adam_exp_avg", n), n, RTOL, 1e-10);
        check_floats("adam_exp_avg_sq", state + n, fixture_get(f, "adam_exp_avg_sq", n), n, RTOL,
                     1e-12);
    }
    free(state);
done:
    free(p);
    a2c_optimizer_destroy(opt);
}

/* The trainer's path: the step counted once, then the update in two
 * ranges with the clip factor folded in and the gradient cleared. */
static void run_steps_split(const fixture *f, const char *kind)
{
    const size_t n = fixture_size(f, "n"), half = n / 2 + 3;
    const double max_norm = fixture_get(f, "max_grad_norm", 1)[0];
    float *p = fixture_floats(f, "params0", n);
    a2c_optimizer *opt = make_opt(f, kind, n, 0);
    char name[64];
    for (int k = 1; p && opt && k <= 3; k++) {
        snprintf(name, sizeof name, "grad_%d", k);
        float *g = fixture_floats(f, name, n);
        double ss = 0.0;
        for (size_t i = 0; i < n; i++) ss += (double)g[i] * g[i];
        const double coef = max_norm / (sqrt(ss) + 1e-6);
        a2c__optimizer_count_step(opt);
        a2c__optimizer_apply_range(opt, p, g, 1.0, half, n, coef < 1.0 ? (float)coef : 1.0f);
        a2c__optimizer_apply_range(opt, p, g, 1.0, 0, half, coef < 1.0 ? (float)coef : 1.0f);
        snprintf(name, sizeof name, "%s_params_%d", kind, k);
        check_floats(name, p, fixture_get(f, name, n), n, RTOL, 1e-7);
        int cleared = 1;
        for (size_t i = 0; i < n; i++) cleared &= g[i] == 0.0f;
        CHECK(cleared);
        free(g);
    }
    free(p);
    a2c_optimizer_destroy(opt);
}

static void test_schedule(const fixture *f)
{
    const size_t n = fixture_size(f, "n"), np = fixture_count(f, "sched_progress");
    const double *prog = fixture_get(f, "sched_progress", 0), *lr = fixture_get(f, "sched_lr", np);
    a2c_optimizer *opt = make_opt(f, "rmsprop", n, 1);
    for (size_t k = 0; opt && prog && lr && k < np; k++) {
        double got = -1.0;
        CHECK(a2c_optimizer_learning_rate(opt, prog[k], &got) == A2C_OK);
        CHECK_CLOSE(got, lr[k], 1e-15, 0.0);
    }
    /* RMSprop steps whose learning rate follows the schedule */
    const double *sp = fixture_get(f, "sched_rms_progress", 3);
    float *p = fixture_floats(f, "params0", n);
    char name[64];
    for (int k = 1; opt && sp && p && k <= 3; k++) {
        snprintf(name, sizeof name, "grad_%d", k);
        float *g = fixture_floats(f, name, n);
        CHECK(a2c_clip_grad_norm(g, n, 0.5, NULL) == A2C_OK);
        CHECK(a2c_optimizer_step(opt, p, g, n, sp[k - 1]) == A2C_OK);
        snprintf(name, sizeof name, "sched_rms_params_%d", k);
        check_floats(name, p, fixture_get(f, name, n), n, RTOL, 1e-7);
        free(g);
    }
    free(p);
    a2c_optimizer_destroy(opt);
}

static void test_clip(const fixture *f)
{
    const size_t n = fixture_count(f, "clip_small_grad");
    float *g = fixture_floats(f, "clip_small_grad", n);
    double norm;
    if (g) {
        CHECK(a2c_clip_grad_norm(g, n, 0.5, &norm) == A2C_OK);
        CHECK_CLOSE(norm, fixture_get(f, "clip_small_norm", 1)[0], 1e-6, 0.0);
        check_floats("clip_small_after", g, fixture_get(f, "clip_small_after", n), n, 0.0, 0.0);
    }
    free(g);
    /* non-finite gradients: reported, left alone */
    float bad[3] = {1.0f, NAN, 2.0f};
    CHECK(a2c_clip_grad_norm(bad, 3, 0.5, &norm) == A2C_E_NONFINITE);
    CHECK(bad[0] == 1.0f && bad[2] == 2.0f);
    float inf[2] = {INFINITY, 0.0f};
    CHECK(a2c_clip_grad_norm(inf, 2, 0.5, NULL) == A2C_E_NONFINITE);
    /* huge but finite gradients do not overflow the norm (sums in double) */
    float big[2] = {3e38f, 3e38f};
    CHECK(a2c_clip_grad_norm(big, 2, 1.0, &norm) == A2C_OK);
    CHECK(isfinite(norm) && fabsf(big[0] - 0.70710678f) < 1e-6f);
    CHECK(a2c_clip_grad_norm(NULL, 0, 0.5, &norm) == A2C_OK && norm == 0.0);
    CHECK(a2c_clip_grad_norm(big, 2, -1.0, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_clip_grad_norm(big, 2, NAN, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_clip_grad_norm(NULL, 2, 0.5, NULL) == A2C_E_INVALID_ARG);
}

static void test_state_roundtrip(const fixture *f)
{
    const size_t n = fixture_size(f, "n");
    for (int adam = 0; adam < 2; adam++) {
        const char *kind = adam ? "adam" : "rmsprop";
        a2c_optimizer *a = make_opt(f, kind, n, 0), *b = make_opt(f, kind, n, 0);
        float *pa = fixture_floats(f, "params0", n), *pb = fixture_floats(f, "params0", n);
        float *g1 = fixture_floats(f, "grad_1", n), *g2 = fixture_floats(f, "grad_2", n);
        if (!a || !b || !pa || !pb || !g1 || !g2) goto next;
        CHECK(a2c_optimizer_step(a, pa, g1, n, 1.0) == A2C_OK);
        CHECK(a2c_optimizer_step(a, pa, g1, n, 1.0) == A2C_OK);
        const size_t ns = a2c_optimizer_state_size(a);
        float *st = malloc(ns * sizeof *st);
        uint64_t steps;
        CHECK(a2c_optimizer_get_state(a, st, ns, &steps) == A2C_OK);
        CHECK(a2c_optimizer_set_state(b, st, ns, steps) == A2C_OK);
        memcpy(pb, pa, n * sizeof *pb);
        /* a restored optimizer continues bit for bit */
        CHECK(a2c_optimizer_step(a, pa, g2, n, 1.0) == A2C_OK);
        CHECK(a2c_optimizer_step(b, pb, g2, n, 1.0) == A2C_OK);
        CHECK(memcmp(pa, pb, n * sizeof *pa) == 0);
        /* invalid state is refused and changes nothing */
        st[adam ? n + 2 : 2] = -1.0f;
        CHECK(a2c_optimizer_set_state(b, st, ns, 1) == A2C_E_INVALID_ARG);
        st[adam ? n + 2 : 2] = NAN;
        CHECK(a2c_optimizer_set_state(b, st, ns, 1) == A2C_E_NONFINITE);
        CHECK(a2c_optimizer_set_state(b, st, ns - 1, 1) == A2C_E_INVALID_ARG);
        CHECK(a2c_optimizer_get_state(b, st, ns, &steps) == A2C_OK && steps == 3);
        /* a NaN gradient is refused before anything moves */
        memcpy(pb, pa, n * sizeof *pb);
        g2[5] = NAN;
        CHECK(a2c_optimizer_step(b, pb, g2, n, 1.0) == A2C_E_NONFINITE);
        CHECK(memcmp(pa, pb, n * sizeof *pa) == 0);
        CHECK(a2c_optimizer_get_state(b, st, ns, &steps) == A2C_OK && steps == 3);
        CHECK(a2c_optimizer_step(b, pb, g1, n, 1.5) == A2C_E_INVALID_ARG);
        CHECK(a2c_optimizer_step(b, pb, g1, n, NAN) == A2C_E_INVALID_ARG);
        CHECK(a2c_optimizer_step(b, pb, g1, n - 1, 1.0) == A2C_E_INVALID_ARG);
        free(st);
    next:
        free(pa), free(pb), free(g1), free(g2);
        a2c_optimizer_destroy(a);
        a2c_optimizer_destroy(b);
    }
}

int main(void)
{
    fixture f;
    if (fixture_load(&f, "optim.txt")) {
        run_steps(&f, "rmsprop");
        run_steps(&f, "adam");
        run_steps_split(&f, "rmsprop");
        run_steps_split(&f, "adam");
        test_schedule(&f);
        test_clip(&f);
        test_state_roundtrip(&f);
    }
    fixture_free(&f);
    return harness_report();
}
