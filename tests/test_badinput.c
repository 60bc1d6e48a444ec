/* Every public function given NULL, zero or absurd sizes, or NaN returns a
 * status (and never crashes or prints). */
#include "harness.h"
#include "whitebox.h"

#include <math.h>
#include <string.h>

static void test_status_and_version(void)
{
    for (int s = -3; s < 20; s++) {
        const char *msg = a2c_strerror((a2c_status)s);
        CHECK(msg != NULL && msg[0] != '\0');
    }
    CHECK(strcmp(a2c_strerror((a2c_status)999), "unknown status code") == 0);
    CHECK(a2c_version_string() != NULL);
}

static void test_config(void)
{
    a2c_config *cfg = NULL;
    CHECK(a2c_config_create(NULL, NULL) == A2C_E_INVALID_ARG);
    a2c_config_destroy(NULL);
    a2c_config *out = (a2c_config *)&cfg;
    CHECK(a2c_config_clone(NULL, &out) == A2C_E_INVALID_ARG && out == NULL);
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_clone(cfg, NULL) == A2C_E_INVALID_ARG);
    double d;
    int64_t i;
    int flag;
    a2c_param p;
    CHECK(a2c_config_set_double(NULL, A2C_PARAM_GAMMA, 0.9) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_int(NULL, A2C_PARAM_N_STEPS, 5) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_get_double(NULL, A2C_PARAM_GAMMA, &d) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_get_double(cfg, A2C_PARAM_GAMMA, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_get_double(cfg, (a2c_param)-1, &d) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_get_int(NULL, A2C_PARAM_N_STEPS, &i) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_get_int(cfg, A2C_PARAM_N_STEPS, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_LEARNING_RATE, -1e-3) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_LEARNING_RATE, -NAN) == A2C_E_NONFINITE);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_MAX_BATCH, 1e300) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, INT64_MIN) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_ENVS, (int64_t)1 << 40) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_net_arch(NULL, NULL, 0, NULL, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_get_net_arch(NULL, NULL, NULL, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_get_net_arch(cfg, NULL, NULL, NULL, NULL) == A2C_OK);
    const int32_t huge[1] = {A2C_MAX_WIDTH + 1}, neg[1] = {-64};
    CHECK(a2c_config_set_net_arch(cfg, huge, 1, huge, 1) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_net_arch(cfg, neg, 1, neg, 1) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_net_arch(cfg, neg, (size_t)-1, neg, 1) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(NULL, "gamma", "0.9") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(cfg, NULL, "0.9") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(cfg, "gamma", NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(cfg, "gamma", "") == A2C_E_INVALID_ARG);
    /* text that overflows a double is out of range: only OK and INVALID_ARG */
    CHECK(a2c_config_set_string(cfg, "gamma", "1e999") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(cfg, "gamma", "-1e999") == A2C_E_INVALID_ARG);
    CHECK(a2c_config_set_string(cfg, "net_arch", "") == A2C_OK); /* no hidden layers */
    CHECK(a2c_param_from_name(NULL, &p) == A2C_E_INVALID_ARG);
    CHECK(a2c_param_from_name("gamma", NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_param_bounds(A2C_PARAM_GAMMA, NULL, &d) == A2C_E_INVALID_ARG);
    CHECK(a2c_param_bounds((a2c_param)0, &d, &d) == A2C_E_INVALID_ARG);
    CHECK(a2c_param_default((a2c_param)0, &d) == A2C_E_INVALID_ARG);
    CHECK(a2c_param_default(A2C_PARAM_GAMMA, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_param_is_integer((a2c_param)0, &flag) == A2C_E_INVALID_ARG);
    CHECK(a2c_param_is_integer(A2C_PARAM_GAMMA, NULL) == A2C_E_INVALID_ARG);
    a2c_config_destroy(cfg);
}

static void test_net(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, 4) == A2C_OK);
    a2c_net *net = (a2c_net *)&cfg;
    CHECK(a2c_net_create(NULL, cfg, 4, 2) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_create(&net, NULL, 4, 2) == A2C_E_INVALID_ARG && net == NULL);
    CHECK(a2c_net_create(&net, cfg, 0, 2) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_create(&net, cfg, 4, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_create(&net, cfg, (size_t)-1, 2) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_create(&net, cfg, 4, A2C_MAX_WIDTH + 1) == A2C_E_INVALID_ARG);
    a2c_net_destroy(NULL);
    CHECK(a2c_net_param_count(NULL) == 0 && a2c_net_obs_dim(NULL) == 0);
    CHECK(a2c_net_n_actions(NULL) == 0 && a2c_net_max_batch(NULL) == 0);
    CHECK(a2c_net_params(NULL) == NULL && a2c_net_grads(NULL) == NULL);
    CHECK(a2c_net_zero_grad(NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_seed(NULL, 1) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_create(&net, cfg, 4, 2) == A2C_OK);
    const size_t n = a2c_net_param_count(net);
    float buf[16];
    CHECK(a2c_net_get_params(NULL, buf, n) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_get_params(net, NULL, n) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_get_params(net, buf, 16) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_set_params(NULL, buf, n) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_set_params(net, NULL, n) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_set_params(net, buf, 0) == A2C_E_INVALID_ARG);

    float obs[8] = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f}, logits[8], values[4];
    int32_t act[4] = {0, 1, 0, 1};
    CHECK(a2c_net_forward(NULL, obs, 2, logits, values) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_forward(net, NULL, 2, logits, values) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_forward(net, obs, 0, logits, values) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_forward(net, obs, (size_t)-1, logits, values) == A2C_E_INVALID_ARG);
    obs[5] = NAN;
    CHECK(a2c_net_forward(net, obs, 2, logits, values) == A2C_E_NONFINITE);
    CHECK(a2c_net_act(net, obs, 2, 0, act, NULL, NULL) == A2C_E_NONFINITE);
    obs[5] = -INFINITY;
    CHECK(a2c_net_forward(net, obs, 2, logits, values) == A2C_E_NONFINITE);
    obs[5] = 0.6f;
    CHECK(a2c_net_act(NULL, obs, 2, 0, act, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_act(net, NULL, 2, 0, act, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_act(net, obs, 2, 0, NULL, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_act(net, obs, 0, 0, act, NULL, NULL) == A2C_E_INVALID_ARG);
    /* a failed forward leaves nothing cached */
    CHECK(a2c_net_backward(net, 2, logits, values) == A2C_E_STATE);
    CHECK(a2c_net_forward(net, obs, 2, logits, values) == A2C_OK);
    CHECK(a2c_net_backward(NULL, 2, logits, values) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_backward(net, 0, logits, values) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_backward(net, 2, NULL, NULL) == A2C_OK); /* nothing to add */
    logits[1] = NAN;
    CHECK(a2c_net_backward(net, 2, logits, values) == A2C_E_NONFINITE);
    values[0] = INFINITY;
    CHECK(a2c_net_backward(net, 2, NULL, values) == A2C_E_NONFINITE);
    const float adv[2] = {1.0f, -1.0f}, ret[2] = {1.0f, 0.0f}, nan2[2] = {NAN, 0.0f};
    CHECK(a2c_net_loss_backward(NULL, cfg, 2, act, adv, ret, NULL, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_loss_backward(net, NULL, 2, act, adv, ret, NULL, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_loss_backward(net, cfg, 2, NULL, adv, ret, NULL, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_loss_backward(net, cfg, 2, act, NULL, ret, NULL, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_loss_backward(net, cfg, 2, act, adv, NULL, NULL, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_loss_backward(net, cfg, 0, act, adv, ret, NULL, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_net_loss_backward(net, cfg, 3, act, adv, ret, NULL, 0) == A2C_E_STATE);
    CHECK(a2c_net_loss_backward(net, cfg, 2, act, nan2, ret, NULL, 0) == A2C_E_NONFINITE);
    CHECK(a2c_net_loss_backward(net, cfg, 2, act, adv, nan2, NULL, 0) == A2C_E_NONFINITE);
    const int32_t bad_act[2] = {0, 2};
    CHECK(a2c_net_loss_backward(net, cfg, 2, bad_act, adv, ret, NULL, 0) == A2C_E_INVALID_ARG);
    /* the failed calls added nothing */
    CHECK(a2c_net_zero_grad(net) == A2C_OK);
    double terms[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
    CHECK(a2c_net_loss_backward(net, cfg, 2, act, adv, ret, terms, 8) == A2C_OK);
    CHECK(terms[A2C_LOSS_TERMS] == -1); /* only the known terms are written */
    CHECK(a2c_net_loss_backward(net, cfg, 2, act, adv, ret, terms, 1) == A2C_OK);
    a2c_net_destroy(net);

    /* absurd max_batch is refused by the config bounds */
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, (int64_t)1 << 30) == A2C_E_INVALID_ARG);
    a2c_config_destroy(cfg);
}

static void test_optimizer(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    a2c_optimizer *opt = (a2c_optimizer *)&cfg;
    CHECK(a2c_optimizer_create(NULL, cfg, 4) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_create(&opt, NULL, 4) == A2C_E_INVALID_ARG && opt == NULL);
    CHECK(a2c_optimizer_create(&opt, cfg, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_create(&opt, cfg, (size_t)-1) == A2C_E_INVALID_ARG);
    a2c_optimizer_destroy(NULL);
    CHECK(a2c_optimizer_state_size(NULL) == 0);
    CHECK(a2c_optimizer_create(&opt, cfg, 4) == A2C_OK);
    float p[4] = {0}, g[4] = {1, 2, 3, 4}, st[4];
    double lr;
    uint64_t steps;
    CHECK(a2c_optimizer_step(NULL, p, g, 4, 1.0) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_step(opt, NULL, g, 4, 1.0) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_step(opt, p, NULL, 4, 1.0) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_step(opt, p, g, 3, 1.0) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_step(opt, p, g, 4, -0.1) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_learning_rate(NULL, 1.0, &lr) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_learning_rate(opt, 1.0, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_learning_rate(opt, INFINITY, &lr) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_get_state(NULL, st, 4, &steps) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_get_state(opt, NULL, 4, &steps) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_get_state(opt, st, 4, NULL) == A2C_OK);
    CHECK(a2c_optimizer_set_state(NULL, st, 4, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_set_state(opt, NULL, 4, 0) == A2C_E_INVALID_ARG);
    CHECK(a2c_optimizer_set_state(opt, st, 5, 0) == A2C_E_INVALID_ARG);
    g[2] = -INFINITY;
    CHECK(a2c_optimizer_step(opt, p, g, 4, 1.0) == A2C_E_NONFINITE);
    CHECK(p[0] == 0.0f && p[3] == 0.0f);
    a2c_optimizer_destroy(opt);
    a2c_config_destroy(cfg);
}

int main(void)
{
    test_status_and_version();
    test_config();
    test_net();
    test_optimizer();
    return harness_report();
}
