/* GAE and returns: hand-computed cases and the PyTorch reference, and
 * a2c_rollout's public API around them. */
#include "fixture.h"
#include "harness.h"
#include "whitebox.h"

#include <stdlib.h>
#include <string.h>

/* Two envs, four steps, gamma 0.9, laid out [step][env].
 * env 0: step 1 terminates; step 2 is a time-limit truncation whose reward
 *        already carries gamma * V(final) = 0.9 * 2 (so 1 + 1.8 = 2.8);
 *        step 3 bootstraps from last_value 0.7.
 * env 1: rewards 1, values 0, no episode end, last value 10. */
static const float rewards[8] = {1, 1, 1, 1, 2.8f, 1, 1, 1};
static const float values[8] = {0.5f, 0, 0.4f, 0, 0.3f, 0, 0.6f, 0};
static const float starts[8] = {1, 1, 0, 0, 1, 0, 1, 0};
static const float last_values[2] = {0.7f, 10.0f};
static const float dones[2] = {0, 0};

static void hand_case(double lambda, const double want_adv[8])
{
    float adv[8], ret[8];
    a2c__gae(4, 2, 0.9, lambda, rewards, values, starts, last_values, dones, adv, ret);
    for (int k = 0; k < 8; k++) {
        CHECK_CLOSE(adv[k], want_adv[k], 1e-6, 1e-6);
        CHECK_CLOSE(ret[k], want_adv[k] + values[k], 1e-6, 1e-6);
    }
}

static void test_hand_computed(void)
{
    /* env 0, from the last step back (delta_t = r + 0.9 v' (1 - done) - v):
     *   t3: 1 + 0.9 * 0.7 - 0.6 = 1.03
     *   t2: 2.8 - 0.3 = 2.5           (the next step starts an episode)
     *   t1: 1 - 0.4 = 0.6             (terminated)
     *   t0: 1 + 0.9 * 0.4 - 0.5 = 0.86, plus 0.9 lambda * 0.6
     * env 1, delta = 1 except t3: 1 + 0.9 * 10 = 10; A_t = 1 + 0.9 lambda A_t+1 */
    const double l0[8] = {0.86, 1, 0.6, 1, 2.5, 1, 1.03, 10};
    const double l95[8] = {0.86 + 0.855 * 0.6, 1 + 0.855 * 9.16525, 0.6, 1 + 0.855 * 9.55,
                           2.5, 1 + 0.855 * 10, 1.03, 10};
    const double l1[8] = {1.4, 10, 0.6, 10, 2.5, 10, 1.03, 10};
    hand_case(0.0, l0);
    hand_case(0.95, l95);
    hand_case(1.0, l1);
    /* with lambda 1 the return is the discounted sum to the episode's end:
     * t0 of env 0: 1 + 0.9 * 1 */
    float adv[8], ret[8];
    a2c__gae(4, 2, 0.9, 1.0, rewards, values, starts, last_values, dones, adv, ret);
    CHECK_CLOSE(ret[0], 1.9, 1e-6, 0);
    /* a done on the last step drops last_values */
    const float done_last[2] = {1, 0};
    a2c__gae(4, 2, 0.9, 1.0, rewards, values, starts, last_values, done_last, adv, ret);
    CHECK_CLOSE(adv[6], 1.0 - 0.6, 1e-6, 1e-7);
}

/* SB3's bootstrapping of the rewards, as the trainer does it:
 * reward + gamma * V(final) when truncated and not terminated. */
static void bootstrap(size_t n, double gamma, const double *raw, const double *term,
                      const double *trunc, const double *tv, float *out)
{
    for (size_t k = 0; k < n; k++) {
        out[k] = (float)raw[k];
        if (trunc[k] != 0.0 && term[k] == 0.0) out[k] += (float)gamma * (float)tv[k];
    }
}

static void fixture_case(const fixture *f, const char *prefix, const char *lambda_name,
                         double lambda, const char *suffix)
{
    char name[64];
#define GET(var, field, count)                                        \
    snprintf(name, sizeof name, "%s%s", prefix, field);               \
    const double *var = fixture_get(f, name, count);
    GET(steps_v, "n_steps", 1);
    GET(envs_v, "n_envs", 1);
    GET(gamma_v, "gamma", 1);
    if (!steps_v || !envs_v || !gamma_v) return;
    const size_t T = (size_t)steps_v[0], N = (size_t)envs_v[0], n = T * N;
    GET(raw, "raw_rewards", n);
    GET(vals, "values", n);
    GET(term, "terminated", n);
    GET(trunc, "truncated", n);
    GET(tv, "terminal_values", n);
    GET(start0, "episode_start_0", N);
    GET(lastv, "last_values", N);
    GET(lastd, "last_dones", N);
    GET(want_rewards, "rewards", n);
    GET(want_starts, "episode_starts", n);
#undef GET
    if (lambda_name) {
        snprintf(name, sizeof name, "%s%s", prefix, lambda_name);
        const double *l = fixture_get(f, name, 1);
        if (!l) return;
        lambda = l[0];
    }
    float *r = malloc(n * sizeof *r), *v = malloc(n * sizeof *v), *s = malloc(n * sizeof *s);
    float *adv = malloc(n * sizeof *adv), *ret = malloc(n * sizeof *ret);
    float lv[64], ld[64];
    if (!raw || !vals || !term || !trunc || !tv || !start0 || !lastv || !lastd || N > 64) goto done;
    bootstrap(n, gamma_v[0], raw, term, trunc, tv, r);
    check_floats("bootstrapped rewards", r, want_rewards, n, 0.0, 0.0); /* same float ops */
    for (size_t k = 0; k < n; k++) v[k] = (float)vals[k];
    /* episode_starts: step 0 given, later ones are the previous step's dones */
    for (size_t e = 0; e < N; e++) s[e] = (float)start0[e];
    for (size_t k = N; k < n; k++) s[k] = (term[k - N] != 0.0 || trunc[k - N] != 0.0) ? 1.0f : 0.0f;
    check_floats("episode_starts", s, want_starts, n, 0.0, 0.0);
    for (size_t e = 0; e < N; e++) lv[e] = (float)lastv[e], ld[e] = (float)lastd[e];
    a2c__gae(T, N, gamma_v[0], lambda, r, v, s, lv, ld, adv, ret);
    snprintf(name, sizeof name, "%sadvantages%s", prefix, suffix);
    check_floats(name, adv, fixture_get(f, name, n), n, 1e-6, 1e-6);
    snprintf(name, sizeof name, "%sreturns%s", prefix, suffix);
    check_floats(name, ret, fixture_get(f, name, n), n, 1e-6, 1e-6);
done:
    free(r), free(v), free(s), free(adv), free(ret);
}

static void test_fixture(void)
{
    fixture f;
    if (!fixture_load(&f, "gae.txt")) return;
    fixture_case(&f, "", NULL, 0.0, "_lam0");
    fixture_case(&f, "", NULL, 0.95, "_lam095");
    fixture_case(&f, "", NULL, 1.0, "_lam1");
    fixture_case(&f, "big_", "gae_lambda", 0.0, "");
    fixture_free(&f);
}

static void test_rollout_api(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_STEPS, 4) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_ENVS, 2) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_GAMMA, 0.9) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_GAE_LAMBDA, 0.95) == A2C_OK);
    a2c_rollout *ro = NULL;
    CHECK(a2c_rollout_create(&ro, cfg, 3) == A2C_OK);
    if (!ro) goto done;
    float obs[6] = {1, 2, 3, 4, 5, 6}, lp[2] = {-0.5f, -0.7f};
    const int32_t act[2] = {0, 1};
    CHECK(a2c_rollout_compute_gae(ro, cfg, last_values, dones) == A2C_E_STATE); /* empty */
    for (int t = 0; t < 4; t++) {
        obs[0] = (float)t;
        CHECK(a2c_rollout_add(ro, obs, act, rewards + 2 * t, starts + 2 * t, values + 2 * t, lp) ==
              A2C_OK);
    }
    CHECK(a2c_rollout_add(ro, obs, act, rewards, starts, values, lp) == A2C_E_STATE); /* full */
    CHECK_EQ_INT(a2c_rollout_size(ro), 4);
    CHECK(a2c_rollout_compute_gae(ro, cfg, last_values, dones) == A2C_OK);
    const float *adv = a2c_rollout_advantages(ro);
    CHECK_CLOSE(adv[0], 0.86 + 0.855 * 0.6, 1e-6, 1e-7);
    CHECK_CLOSE(a2c_rollout_returns(ro)[7], 10.0, 1e-6, 0);
    CHECK(a2c_rollout_observations(ro)[3 * 2 * 3] == 3.0f); /* step 3, env 0, component 0 */
    CHECK(a2c_rollout_actions(ro)[5] == 1 && a2c_rollout_rewards(ro)[4] == 2.8f);
    CHECK(a2c_rollout_values(ro)[4] == 0.3f);
    CHECK(a2c_rollout_reset(ro) == A2C_OK && a2c_rollout_size(ro) == 0);
    const float nan2[2] = {NAN, 0};
    CHECK(a2c_rollout_add(ro, obs, act, nan2, starts, values, lp) == A2C_E_NONFINITE);
    CHECK_EQ_INT(a2c_rollout_size(ro), 0);
    CHECK(a2c_rollout_add(NULL, obs, act, rewards, starts, values, lp) == A2C_E_INVALID_ARG);
    CHECK(a2c_rollout_add(ro, obs, NULL, rewards, starts, values, lp) == A2C_E_INVALID_ARG);
    CHECK(a2c_rollout_compute_gae(ro, NULL, last_values, dones) == A2C_E_INVALID_ARG);
    CHECK(a2c_rollout_advantages(NULL) == NULL && a2c_rollout_size(NULL) == 0);
    a2c_rollout *bad = (a2c_rollout *)cfg;
    CHECK(a2c_rollout_create(&bad, cfg, 0) == A2C_E_INVALID_ARG && bad == NULL);
    CHECK(a2c_rollout_create(&bad, NULL, 3) == A2C_E_INVALID_ARG);
    CHECK(a2c_rollout_create(NULL, cfg, 3) == A2C_E_INVALID_ARG);
    a2c_rollout_destroy(NULL);
done:
    a2c_rollout_destroy(ro);
    a2c_config_destroy(cfg);
}

int main(void)
{
    test_hand_computed();
    test_fixture();
    test_rollout_api();
    return harness_report();
}
