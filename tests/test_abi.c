/* The ABI as a host sees it: linked against liba2c.so with only the public
 * header.  Pins struct layouts and enum values, and trains a small
 * contextual bandit through the public calls. */
#include <a2c/a2c.h>

#include "harness.h"

#include <stddef.h>
#include <string.h>

static void test_version(void)
{
    CHECK_EQ_INT(a2c_version_number(), A2C_VERSION_NUMBER);
    CHECK(strcmp(a2c_version_string(), A2C_VERSION_STRING) == 0);
    CHECK(strcmp(A2C_VERSION_STRING, "0.1.0") == 0);
}

static void test_layout(void)
{
    /* a2c_allocator v1: appended fields only, never moved */
    CHECK_EQ_INT(offsetof(a2c_allocator, version), 0);
    CHECK_EQ_INT(offsetof(a2c_allocator, alloc), sizeof(void *));
    CHECK_EQ_INT(offsetof(a2c_allocator, free), 2 * sizeof(void *));
    CHECK_EQ_INT(offsetof(a2c_allocator, ctx), 3 * sizeof(void *));
    CHECK_EQ_INT(sizeof(a2c_allocator), 4 * sizeof(void *));
    CHECK_EQ_INT(A2C_ALLOCATOR_V1, 1);
    /* a2c_env: the version-1 fields where 0.1 put them, version 2's after */
    const size_t p = sizeof(void *);
    CHECK_EQ_INT(offsetof(a2c_env, obs_low), 24);
    CHECK_EQ_INT(offsetof(a2c_env, user), 24 + 4 * p);
    CHECK_EQ_INT(offsetof(a2c_env, close), 24 + 8 * p);
    CHECK_EQ_INT(offsetof(a2c_env, state_size), 24 + 9 * p);
    CHECK(offsetof(a2c_env, save_state) > offsetof(a2c_env, state_size));
    CHECK_EQ_INT(offsetof(a2c_env, load_state), offsetof(a2c_env, save_state) + p);
    CHECK_EQ_INT(offsetof(a2c_env, flags), offsetof(a2c_env, load_state) + p); /* V3 */
    /* a2c_train_stats: 0.1's fields where 0.1 put them (120 bytes), the
     * health and guard fields after */
    CHECK_EQ_INT(offsetof(a2c_train_stats, timesteps), 8);
    CHECK_EQ_INT(offsetof(a2c_train_stats, mean_return), 32);
    CHECK_EQ_INT(offsetof(a2c_train_stats, elapsed_seconds), 112);
    CHECK_EQ_INT(offsetof(a2c_train_stats, entropy), 120);
    CHECK_EQ_INT(offsetof(a2c_train_stats, lr_scale), 232);
    CHECK_EQ_INT(offsetof(a2c_train_stats, rollbacks), 240);
    CHECK_EQ_INT(offsetof(a2c_train_stats, rollback), 248);
    CHECK_EQ_INT(sizeof(a2c_train_stats), 256);
    CHECK_EQ_INT(sizeof(a2c_episode_info), 40);
    CHECK_EQ_INT(offsetof(a2c_episode_info, episode_return), 16);
    CHECK_EQ_INT(A2C_CONDITION_COUNT, 7);
    CHECK_EQ_INT(A2C_COND_VALUE_LOSS_EXPLODING, 1);
    CHECK_EQ_INT(A2C_COND_SATURATED_UNITS, 7);
    CHECK_EQ_INT(A2C_ROLLBACK_LOSS_JUMP, 3);
}

static void test_enums(void)
{
    CHECK_EQ_INT(A2C_OK, 0);
    CHECK_EQ_INT(A2C_E_INVALID_ARG, 1);
    CHECK_EQ_INT(A2C_E_NOMEM, 2);
    CHECK_EQ_INT(A2C_E_NONFINITE, 3);
    CHECK_EQ_INT(A2C_E_FORMAT, 4);
    CHECK_EQ_INT(A2C_E_IO, 5);
    CHECK_EQ_INT(A2C_E_ENV, 6);
    CHECK_EQ_INT(A2C_E_STATE, 7);
    static const struct {
        a2c_param p;
        int value;
        const char *name;
    } params[] = {
        {A2C_PARAM_LEARNING_RATE, 100, "learning_rate"},
        {A2C_PARAM_N_STEPS, 101, "n_steps"},
        {A2C_PARAM_GAMMA, 102, "gamma"},
        {A2C_PARAM_GAE_LAMBDA, 103, "gae_lambda"},
        {A2C_PARAM_ENT_COEF, 104, "ent_coef"},
        {A2C_PARAM_VF_COEF, 105, "vf_coef"},
        {A2C_PARAM_MAX_GRAD_NORM, 106, "max_grad_norm"},
        {A2C_PARAM_RMS_PROP_EPS, 107, "rms_prop_eps"},
        {A2C_PARAM_USE_RMS_PROP, 108, "use_rms_prop"},
        {A2C_PARAM_NORMALIZE_ADVANTAGE, 109, "normalize_advantage"},
        {A2C_PARAM_ACTIVATION_FN, 110, "activation_fn"},
        {A2C_PARAM_ORTHO_INIT, 111, "ortho_init"},
        {A2C_PARAM_SEED, 112, "seed"},
        {A2C_PARAM_N_ENVS, 113, "n_envs"},
        {A2C_PARAM_LR_SCHEDULE, 114, "lr_schedule"},
        {A2C_PARAM_RMS_PROP_ALPHA, 115, "rms_prop_alpha"},
        {A2C_PARAM_ADAM_BETA1, 116, "adam_beta1"},
        {A2C_PARAM_ADAM_BETA2, 117, "adam_beta2"},
        {A2C_PARAM_ADAM_EPS, 118, "adam_eps"},
        {A2C_PARAM_VALUE_LOSS, 119, "value_loss"},
        {A2C_PARAM_HUBER_DELTA, 120, "huber_delta"},
        {A2C_PARAM_SHARED_TRUNK, 121, "shared_trunk"},
        {A2C_PARAM_MAX_BATCH, 122, "max_batch"},
        {A2C_PARAM_N_THREADS, 123, "n_threads"},
        {A2C_PARAM_NORM_OBS, 124, "norm_obs"},
        {A2C_PARAM_NORM_REWARD, 125, "norm_reward"},
        {A2C_PARAM_CLIP_OBS, 126, "clip_obs"},
        {A2C_PARAM_CLIP_REWARD, 127, "clip_reward"},
        {A2C_PARAM_ENT_SCHEDULE, 128, "ent_schedule"},
        {A2C_PARAM_USE_SDE, 129, "use_sde"},
        {A2C_PARAM_SDE_SAMPLE_FREQ, 130, "sde_sample_freq"},
        {A2C_PARAM_LOG_STD_INIT, 131, "log_std_init"},
        {A2C_PARAM_MAX_ROLLBACKS, 132, "max_rollbacks"},
        {A2C_PARAM_ROLLBACK_LR_FACTOR, 133, "rollback_lr_factor"},
        {A2C_PARAM_ROLLBACK_LOSS_JUMP, 134, "rollback_loss_jump"},
    };
    for (size_t k = 0; k < sizeof params / sizeof params[0]; k++) {
        CHECK_EQ_INT(params[k].p, params[k].value);
        const char *name = a2c_param_name(params[k].p);
        CHECK(name && strcmp(name, params[k].name) == 0);
    }
    CHECK_EQ_INT(A2C_ACTIVATION_TANH, 0);
    CHECK_EQ_INT(A2C_ACTIVATION_RELU, 1);
    CHECK_EQ_INT(A2C_SCHEDULE_CONSTANT, 0);
    CHECK_EQ_INT(A2C_SCHEDULE_LINEAR, 1);
    CHECK_EQ_INT(A2C_VALUE_LOSS_MSE, 0);
    CHECK_EQ_INT(A2C_VALUE_LOSS_HUBER, 1);
    CHECK_EQ_INT(A2C_LOSS_TOTAL, 0);
    CHECK_EQ_INT(A2C_LOSS_POLICY, 1);
    CHECK_EQ_INT(A2C_LOSS_VALUE, 2);
    CHECK_EQ_INT(A2C_LOSS_ENTROPY, 3);
    CHECK_EQ_INT(A2C_LOSS_TERMS, 4);
    CHECK_EQ_INT(A2C_ENV_V1, 1);
    CHECK_EQ_INT(A2C_ENV_V2, 2);
    for (int a = 0; a <= 7; a++)
        for (int b = a + 1; b <= 7; b++)
            CHECK(strcmp(a2c_strerror((a2c_status)a), a2c_strerror((a2c_status)b)) != 0);
}

/* A contextual bandit: observation x in [-1, 1]^3; action 1 pays 1 when
 * x0 + x1 > 0, action 0 pays 1 otherwise.  A2C with the value as baseline
 * (one-step episodes: return = reward) must learn it. */
/* Greedy accuracy over a fixed grid of 32 x 32 observations. */
static double greedy_accuracy(a2c_net *net)
{
    int right = 0;
    for (int i = 0; i < 32; i++) {
        float obs[32 * 3];
        int32_t act[32];
        for (int j = 0; j < 32; j++) {
            obs[3 * j] = -1.0f + (2.0f * (float)i + 1.0f) / 32.0f;
            obs[3 * j + 1] = -1.0f + (2.0f * (float)j + 1.0f) / 32.0f;
            obs[3 * j + 2] = 0.0f;
        }
        if (a2c_net_act(net, obs, 32, 1, act, NULL, NULL) != A2C_OK) return 0.0;
        for (int j = 0; j < 32; j++) right += act[j] == (obs[3 * j] + obs[3 * j + 1] > 0.0f);
    }
    return right / 1024.0;
}

static void test_bandit_learns(void)
{
    a2c_config *cfg;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_set_string(cfg, "net_arch", "[16]") == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_MAX_BATCH, 32) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_LEARNING_RATE, 5e-3) == A2C_OK);
    CHECK(a2c_config_set_double(cfg, A2C_PARAM_ENT_COEF, 0.01) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, 3) == A2C_OK);
    a2c_net *net = NULL;
    a2c_optimizer *opt = NULL;
    CHECK(a2c_net_create(&net, cfg, 3, 2) == A2C_OK);
    CHECK(net && a2c_optimizer_create(&opt, cfg, a2c_net_param_count(net)) == A2C_OK);
    if (!net || !opt) goto done;
    unsigned long long s = 1;
    float obs[32 * 3], values[32], reward[32], adv[32], logp[32];
    int32_t act[32];
    const int updates = 600;
    const double before = greedy_accuracy(net);
    for (int u = 0; u < updates; u++) {
        for (int k = 0; k < 32 * 3; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            obs[k] = (float)((double)(s >> 11) * 0x1.0p-53 * 2.0 - 1.0);
        }
        CHECK(a2c_net_act(net, obs, 32, 0, act, logp, values) == A2C_OK || (u = updates));
        for (int b = 0; b < 32; b++) {
            const int best = obs[3 * b] + obs[3 * b + 1] > 0.0f;
            reward[b] = act[b] == best ? 1.0f : 0.0f;
            adv[b] = reward[b] - values[b];
        }
        double terms[A2C_LOSS_TERMS], norm;
        CHECK(a2c_net_zero_grad(net) == A2C_OK);
        CHECK(a2c_net_loss_backward(net, cfg, 32, act, adv, reward, terms, A2C_LOSS_TERMS) ==
              A2C_OK);
        CHECK(a2c_clip_grad_norm(a2c_net_grads(net), a2c_net_param_count(net), 0.5, &norm) ==
              A2C_OK);
        CHECK(a2c_optimizer_step(opt, a2c_net_params(net), a2c_net_grads(net),
                                 a2c_net_param_count(net), 1.0) == A2C_OK);
    }
    const double after = greedy_accuracy(net);
    printf("bandit: greedy accuracy %.3f before training, %.3f after %d updates\n", before, after,
           updates);
    /* The untrained greedy policy is a random split of the square (0.707
     * with this seed); training must make it nearly exact. */
    CHECK(after > 0.95);
    CHECK(after > before + 0.2);
done:
    a2c_optimizer_destroy(opt);
    a2c_net_destroy(net);
    a2c_config_destroy(cfg);
}

int main(void)
{
    test_version();
    test_layout();
    test_enums();
    test_bandit_learns();
    return harness_report();
}
