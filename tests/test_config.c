/* Hyperparameters: SB3 names and defaults, bounds, text parsing. */
#include "harness.h"
#include "whitebox.h"

#include <math.h>
#include <string.h>

static double get_d(const a2c_config *c, a2c_param p)
{
    double v = NAN;
    CHECK(a2c_config_get_double(c, p, &v) == A2C_OK);
    return v;
}

static int64_t get_i(const a2c_config *c, a2c_param p)
{
    int64_t v = -1;
    CHECK(a2c_config_get_int(c, p, &v) == A2C_OK);
    return v;
}

static void test_sb3_defaults(void)
{
    a2c_config *c;
    CHECK(a2c_config_create(&c, NULL) == A2C_OK);
    /* stable_baselines3.A2C.__init__ defaults */
    CHECK(get_d(c, A2C_PARAM_LEARNING_RATE) == 7e-4);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_N_STEPS), 5);
    CHECK(get_d(c, A2C_PARAM_GAMMA) == 0.99);
    CHECK(get_d(c, A2C_PARAM_GAE_LAMBDA) == 1.0);
    CHECK(get_d(c, A2C_PARAM_ENT_COEF) == 0.0);
    CHECK(get_d(c, A2C_PARAM_VF_COEF) == 0.5);
    CHECK(get_d(c, A2C_PARAM_MAX_GRAD_NORM) == 0.5);
    CHECK(get_d(c, A2C_PARAM_RMS_PROP_EPS) == 1e-5);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_USE_RMS_PROP), 1);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_NORMALIZE_ADVANTAGE), 0);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_ACTIVATION_FN), A2C_ACTIVATION_TANH);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_ORTHO_INIT), 1);
    CHECK(get_d(c, A2C_PARAM_RMS_PROP_ALPHA) == 0.99);
    CHECK(get_d(c, A2C_PARAM_ADAM_EPS) == 1e-5);
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    size_t n_pi = 0, n_vf = 0;
    CHECK(a2c_config_get_net_arch(c, pi, &n_pi, vf, &n_vf) == A2C_OK);
    CHECK(n_pi == 2 && n_vf == 2 && pi[0] == 64 && pi[1] == 64 && vf[0] == 64 && vf[1] == 64);
    /* a2c_param_default agrees with a fresh config for every parameter */
    for (int p = A2C__PARAM_FIRST; p < A2C__PARAM_FIRST + A2C__PARAM_COUNT; p++) {
        double def, lo, hi;
        CHECK(a2c_param_default((a2c_param)p, &def) == A2C_OK);
        CHECK(a2c_param_bounds((a2c_param)p, &lo, &hi) == A2C_OK);
        CHECK(lo <= def && def <= hi);
        CHECK(get_d(c, (a2c_param)p) == def);
    }
    a2c_config_destroy(c);
}

static void test_names(void)
{
    for (int p = A2C__PARAM_FIRST; p < A2C__PARAM_FIRST + A2C__PARAM_COUNT; p++) {
        const char *name = a2c_param_name((a2c_param)p);
        a2c_param back;
        CHECK(name != NULL);
        CHECK(name && a2c_param_from_name(name, &back) == A2C_OK && back == (a2c_param)p);
    }
    CHECK(a2c_param_name((a2c_param)99) == NULL);
    CHECK(a2c_param_name((a2c_param)(A2C__PARAM_FIRST + A2C__PARAM_COUNT)) == NULL);
    a2c_param p;
    CHECK(a2c_param_from_name("no_such_thing", &p) == A2C_E_INVALID_ARG);
    CHECK(a2c_param_from_name("gamma", &p) == A2C_OK && p == A2C_PARAM_GAMMA);
    int is_int = -1;
    CHECK(a2c_param_is_integer(A2C_PARAM_N_STEPS, &is_int) == A2C_OK && is_int == 1);
    CHECK(a2c_param_is_integer(A2C_PARAM_GAMMA, &is_int) == A2C_OK && is_int == 0);
}

static void test_set_get(void)
{
    a2c_config *c;
    CHECK(a2c_config_create(&c, NULL) == A2C_OK);
    CHECK(a2c_config_set_double(c, A2C_PARAM_GAMMA, 0.95) == A2C_OK);
    CHECK(get_d(c, A2C_PARAM_GAMMA) == 0.95);
    CHECK(a2c_config_set_double(c, A2C_PARAM_GAMMA, 1.5) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_double(c, A2C_PARAM_GAMMA, NAN) == A2C_E_NONFINITE);
    CHECK(a2c_config_set_double(c, A2C_PARAM_GAMMA, INFINITY) == A2C_E_NONFINITE);
    CHECK(get_d(c, A2C_PARAM_GAMMA) == 0.95); /* unchanged by the failures */
    /* int parameters take whole doubles only */
    CHECK(a2c_config_set_double(c, A2C_PARAM_N_STEPS, 8.0) == A2C_OK);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_N_STEPS), 8);
    CHECK(a2c_config_set_double(c, A2C_PARAM_N_STEPS, 8.5) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_int(c, A2C_PARAM_N_STEPS, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_int(c, A2C_PARAM_N_STEPS, -3) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_int(c, A2C_PARAM_N_STEPS, INT64_MAX) == A2C_E_INVALID_ARG);
    /* double parameters accept ints */
    CHECK(a2c_config_set_int(c, A2C_PARAM_VF_COEF, 1) == A2C_OK);
    CHECK(get_d(c, A2C_PARAM_VF_COEF) == 1.0);
    int64_t iv;
    CHECK(a2c_config_get_int(c, A2C_PARAM_VF_COEF, &iv) == A2C_E_INVALID_ARG);
    /* the full 63-bit seed range survives */
    CHECK(a2c_config_set_int(c, A2C_PARAM_SEED, INT64_MAX) == A2C_OK);
    CHECK(get_i(c, A2C_PARAM_SEED) == INT64_MAX);
    CHECK(a2c_config_set_double(c, A2C_PARAM_SEED, 9223372036854775807.0) == A2C_E_INVALID_ARG);
    /* unknown parameters */
    CHECK(a2c_config_set_double(c, (a2c_param)5, 1.0) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_int(c, (a2c_param)1000, 1) == A2C_E_INVALID_ARG);

    /* net_arch */
    const int32_t pi[3] = {32, 16, 8}, vf[1] = {128};
    CHECK(a2c_config_set_net_arch(c, pi, 3, vf, 1) == A2C_OK);
    int32_t gp[A2C_MAX_LAYERS], gv[A2C_MAX_LAYERS];
    size_t np, nv;
    CHECK(a2c_config_get_net_arch(c, gp, &np, gv, &nv) == A2C_OK);
    CHECK(np == 3 && gp[2] == 8 && nv == 1 && gv[0] == 128);
    const int32_t bad[1] = {0};
    CHECK(a2c_config_set_net_arch(c, bad, 1, vf, 1) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_net_arch(c, pi, A2C_MAX_LAYERS + 1, vf, 1) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_net_arch(c, NULL, 2, vf, 1) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_net_arch(c, NULL, 0, NULL, 0) == A2C_OK); /* linear heads */

    /* clone is deep and independent */
    a2c_config *d;
    CHECK(a2c_config_clone(c, &d) == A2C_OK);
    CHECK(a2c_config_set_double(d, A2C_PARAM_GAMMA, 0.5) == A2C_OK);
    CHECK(get_d(c, A2C_PARAM_GAMMA) == 0.95 && get_d(d, A2C_PARAM_GAMMA) == 0.5);
    a2c_config_destroy(d);
    a2c_config_destroy(c);
}

static void test_parse_double(void)
{
    static const struct {
        const char *text;
        double want;
    } ok[] = {
        {"7e-4", 7e-4},   {"0.99", 0.99},         {"1e-5", 1e-5},   {"8", 8.0},
        {"-2.5", -2.5},   {"+3", 3.0},            {".5", 0.5},      {"5.", 5.0},
        {"1E3", 1000.0},  {"0.0007", 7e-4},       {"123456789012345678901", 1.2345678901234568e20},
        {"3.14159265358979323846", 3.141592653589793},
    };
    for (size_t k = 0; k < sizeof ok / sizeof ok[0]; k++) {
        double v = NAN;
        CHECK(a2c__parse_double(ok[k].text, &v));
        CHECK_CLOSE(v, ok[k].want, 2.3e-16, 0.0);
    }
    /* the short decimal forms of hyperparameters are exact */
    double v;
    CHECK(a2c__parse_double("0.99", &v) && v == 0.99);
    CHECK(a2c__parse_double("7e-4", &v) && v == 7e-4);
    static const char *bad[] = {"", "-", ".", "e5", "1e", "1e+", "1.2.3", "0x10", "nan", "1,5",
                                " 1", "1 "};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) CHECK(!a2c__parse_double(bad[k], &v));
}

static void test_set_string(void)
{
    a2c_config *c;
    CHECK(a2c_config_create(&c, NULL) == A2C_OK);
    CHECK(a2c_config_set_string(c, "learning_rate", "lin_7e-4") == A2C_OK);
    CHECK(get_d(c, A2C_PARAM_LEARNING_RATE) == 7e-4);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_LR_SCHEDULE), A2C_SCHEDULE_LINEAR);
    CHECK(a2c_config_set_string(c, "learning_rate", "0.001") == A2C_OK);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_LR_SCHEDULE), A2C_SCHEDULE_CONSTANT);
    CHECK(a2c_config_set_string(c, "learning_rate", "lin_x") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(c, "normalize_advantage", "True") == A2C_OK);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_NORMALIZE_ADVANTAGE), 1);
    CHECK(a2c_config_set_string(c, "use_rms_prop", "false") == A2C_OK);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_USE_RMS_PROP), 0);
    CHECK(a2c_config_set_string(c, "activation_fn", "nn.ReLU") == A2C_OK);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_ACTIVATION_FN), A2C_ACTIVATION_RELU);
    CHECK(a2c_config_set_string(c, "activation_fn", "sigmoid") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(c, "value_loss", "huber") == A2C_OK);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_VALUE_LOSS), A2C_VALUE_LOSS_HUBER);
    CHECK(a2c_config_set_string(c, "n_steps", "16") == A2C_OK);
    CHECK_EQ_INT(get_i(c, A2C_PARAM_N_STEPS), 16);
    CHECK(a2c_config_set_string(c, "n_steps", "16.5") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(c, "gamma", "0.98") == A2C_OK);
    CHECK(get_d(c, A2C_PARAM_GAMMA) == 0.98);
    CHECK(a2c_config_set_string(c, "gamma", "True") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(c, "bogus", "1") == A2C_E_INVALID_ARG);

    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    size_t np, nv;
    CHECK(a2c_config_set_string(c, "net_arch", "[256, 256]") == A2C_OK);
    a2c_config_get_net_arch(c, pi, &np, vf, &nv);
    CHECK(np == 2 && nv == 2 && pi[1] == 256 && vf[0] == 256);
    CHECK(a2c_config_set_string(c, "net_arch", "dict(pi=[64, 32], vf=[16])") == A2C_OK);
    a2c_config_get_net_arch(c, pi, &np, vf, &nv);
    CHECK(np == 2 && pi[0] == 64 && pi[1] == 32 && nv == 1 && vf[0] == 16);
    CHECK(a2c_config_set_string(c, "net_arch", "dict(vf=[8], pi=[])") == A2C_OK);
    a2c_config_get_net_arch(c, pi, &np, vf, &nv);
    CHECK(np == 0 && nv == 1 && vf[0] == 8);
    CHECK(a2c_config_set_string(c, "net_arch", "32,32,32") == A2C_OK);
    a2c_config_get_net_arch(c, pi, &np, vf, &nv);
    CHECK(np == 3 && nv == 3);
    static const char *bad_arch[] = {"[64, 64", "64,,64", "dict(pi=[64])", "[0]", "[64, -1]",
                                     "dict(pi=[1], pi=[2], vf=[3])", "[1,2,3,4,5,6,7,8,9]",
                                     "[99999]", "dict(pi=[1] vf=[2])", "64 64"};
    for (size_t k = 0; k < sizeof bad_arch / sizeof bad_arch[0]; k++) {
        CHECK(a2c_config_set_string(c, "net_arch", bad_arch[k]) == A2C_E_INVALID_ARG);
        a2c_config_get_net_arch(c, pi, &np, vf, &nv);
        CHECK(np == 3 && nv == 3); /* unchanged */
    }
    a2c_config_destroy(c);
}

int main(void)
{
    test_sb3_defaults();
    test_names();
    test_set_get();
    test_parse_double();
    test_set_string();
    return harness_report();
}
