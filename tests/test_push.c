/* The push-style trainer (a host-owned loop) against a2c_trainer_learn: the
 * same env, seeds and settings give the same parameters, optimizer state
 * and statistics, bit for bit; for CartPole (discrete), Acrobot (with
 * VecNormalize) and Pendulum (continuous, gSDE), and with 2 and 3 threads
 * against one.  Then the calls' order and bad input. */
#include "harness.h"
#include "whitebox.h"

#include <stdlib.h>
#include <string.h>

typedef struct last_stats {
    a2c_train_stats st;
    int calls;
} last_stats;

static int keep_stats(const a2c_train_stats *st, void *user)
{
    last_stats *l = user;
    l->st = *st;
    l->calls++;
    return 0;
}

/* Everything but the timing fields. */
static int same_stats(const a2c_train_stats *a, const a2c_train_stats *b)
{
    return a->timesteps == b->timesteps && a->episodes == b->episodes &&
           a->updates == b->updates && a->window_episodes == b->window_episodes &&
           memcmp(&a->mean_return, &b->mean_return, 8 * sizeof(double)) == 0 &&
           a->learning_rate == b->learning_rate;
}

/* The host's side of the loop, resetting with the seeds a2c_trainer_learn
 * would derive (stream 3 of the config's seed, in the same order), so that
 * both runs see the same episodes.  The library's loop runs on one thread,
 * the host's on `threads` (with every pass on every thread for pin 1, the
 * timing chooser for -1). */
static void compare(const char *id, const char *const *settings, uint64_t total, int threads,
                    int pin)
{
    a2c_config *cfg = NULL;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    CHECK(a2c_config_apply_preset(cfg, id, NULL) == A2C_OK);
    for (size_t k = 0; settings && settings[k]; k += 2)
        CHECK(a2c_config_set_string(cfg, settings[k], settings[k + 1]) == A2C_OK);
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_SEED, 11) == A2C_OK);
    int64_t n64 = 1;
    CHECK(a2c_config_get_int(cfg, A2C_PARAM_N_ENVS, &n64) == A2C_OK);
    const uint32_t n = (uint32_t)n64;

    /* the library's loop */
    a2c_env *env = NULL;
    CHECK(a2c_env_make(&env, id, n, NULL) == A2C_OK);
    a2c_trainer *learner = NULL;
    CHECK(a2c_trainer_create(&learner, cfg, env) == A2C_OK);
    last_stats a = {0};
    CHECK(a2c_trainer_learn(learner, total, keep_stats, &a) == A2C_OK);

    /* the host's loop */
    a2c_env *world = NULL;
    CHECK(a2c_env_make(&world, id, n, NULL) == A2C_OK);
    a2c_trainer *pusher = NULL;
    CHECK(a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, threads) == A2C_OK);
    CHECK(a2c_trainer_create_push(&pusher, cfg, world) == A2C_OK);
    a2c__trainer_pin_mode(pusher, pin);
    const size_t od = world->obs_dim, ad = world->action_dim;
    const int box = world->action_kind == A2C_SPACE_BOX;
    float *obs = calloc(n * od, sizeof *obs), *final = calloc(n * od, sizeof *final);
    float *box_actions = calloc(n * ad, sizeof *box_actions);
    int32_t *actions = calloc(n, sizeof *actions);
    double *rewards = calloc(n, sizeof *rewards);
    int *term = calloc(n, sizeof *term), *trunc = calloc(n, sizeof *trunc);
    a2c__rng seeds;
    a2c__rng_seed(&seeds, 11, 3);
    for (uint32_t i = 0; i < n; i++)
        CHECK(world->reset(world->user, i, a2c__rng_next(&seeds), obs + i * od) == 0);
    CHECK(a2c_trainer_push_start(pusher, obs) == A2C_OK);
    CHECK(a2c__trainer_helper_running(pusher) == (threads > 1)); /* until destroyed */
    last_stats b = {0};
    while (a2c_trainer_timesteps(pusher) < total) {
        if (!CHECK(a2c_trainer_push_act(pusher, box ? NULL : actions,
                                        box ? box_actions : NULL) == A2C_OK))
            break;
        for (uint32_t i = 0; i < n; i++) {
            CHECK(world->step(world->user, i, box ? 0 : actions[i],
                              box ? box_actions + i * ad : NULL, obs + i * od, &rewards[i],
                              &term[i], &trunc[i]) == 0);
            if (!term[i] && !trunc[i]) continue;
            memcpy(final + i * od, obs + i * od, od * sizeof *obs);
            CHECK(world->reset(world->user, i, a2c__rng_next(&seeds), obs + i * od) == 0);
        }
        if (!CHECK(a2c_trainer_push_step(pusher, rewards, term, trunc, obs, final, total,
                                         keep_stats, &b) == A2C_OK))
            break;
    }
    const a2c_net *na = a2c_trainer_net(learner), *nb = a2c_trainer_net(pusher);
    const size_t np = a2c_net_param_count(na);
    const int same_params = np == a2c_net_param_count(nb) &&
                            memcmp(a2c__net_const_params(na), a2c__net_const_params(nb),
                                   np * sizeof(float)) == 0;
    CHECK(same_params);
    const a2c_optimizer *oa = a2c__trainer_optimizer(learner);
    const a2c_optimizer *ob = a2c__trainer_optimizer(pusher);
    const size_t ns = a2c_optimizer_state_size(oa);
    float *sa = calloc(ns, sizeof *sa), *sb = calloc(ns, sizeof *sb);
    uint64_t steps_a = 0, steps_b = 1;
    CHECK(a2c_optimizer_get_state(oa, sa, ns, &steps_a) == A2C_OK);
    CHECK(a2c_optimizer_get_state(ob, sb, ns, &steps_b) == A2C_OK);
    CHECK(steps_a == steps_b && memcmp(sa, sb, ns * sizeof *sa) == 0);
    CHECK(a.calls == b.calls && a.calls > 0 && same_stats(&a.st, &b.st));
    printf("%s: %llu steps through the host loop on %d thread%s: parameters, optimizer state "
           "and %d updates' statistics %s a2c_trainer_learn's\n", id,
           (unsigned long long)total, threads, threads > 1 ? (pin == 1 ? "s" : "s (chooser)")
                                                           : "",
           b.calls, same_params && same_stats(&a.st, &b.st) ? "equal" : "DIFFER from");
    free(sa), free(sb);
    free(obs), free(final), free(box_actions), free(actions), free(rewards), free(term),
        free(trunc);
    a2c_trainer_destroy(pusher);
    a2c_trainer_destroy(learner);
    a2c_env_close(world);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
}

static void test_order_and_bad_input(void)
{
    a2c_config *cfg = NULL;
    CHECK(a2c_config_create(&cfg, NULL) == A2C_OK);
    a2c_env *env = NULL;
    CHECK(a2c_env_make(&env, "CartPole-v1", 2, NULL) == A2C_OK);
    a2c_env shape = *env;
    shape.reset = NULL, shape.step = NULL, shape.step_all = NULL; /* a shape only */
    a2c_trainer *tr = NULL, *plain = NULL;
    CHECK(a2c_trainer_create(&plain, cfg, &shape) == A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_create_push(&tr, cfg, &shape) == A2C_OK);
    CHECK(a2c_trainer_create(&plain, cfg, env) == A2C_OK);
    float obs[8] = {0.01f, 0.02f, -0.01f, 0.0f, 0.0f, 0.01f, 0.02f, -0.03f}, final[8] = {0};
    int32_t act[2];
    const double r[2] = {1, 1};
    const int no[2] = {0, 0}, yes[2] = {0, 1};
    CHECK(a2c_trainer_learn(tr, 100, NULL, NULL) == A2C_E_STATE);
    CHECK(strstr(a2c_last_error(), "a2c_trainer_push_act") != NULL);
    CHECK(a2c_trainer_push_start(plain, obs) == A2C_E_STATE);
    CHECK(a2c_trainer_push_act(tr, act, NULL) == A2C_E_STATE); /* before push_start */
    CHECK(strstr(a2c_last_error(), "push_start") != NULL);
    CHECK(a2c_trainer_push_start(tr, NULL) == A2C_E_INVALID_ARG);
    obs[5] = NAN;
    CHECK(a2c_trainer_push_start(tr, obs) == A2C_E_NONFINITE);
    obs[5] = 0.01f;
    CHECK(a2c_trainer_push_start(tr, obs) == A2C_OK);
    CHECK(a2c_trainer_push_step(tr, r, no, no, obs, NULL, 100, NULL, NULL) == A2C_E_STATE);
    CHECK(a2c_trainer_push_act(tr, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_push_act(tr, act, NULL) == A2C_OK);
    CHECK(act[0] >= 0 && act[0] <= 1 && act[1] >= 0 && act[1] <= 1);
    CHECK(a2c_trainer_push_act(tr, act, NULL) == A2C_E_STATE); /* twice */
    /* while the rollout is in flight the net is the trainer's */
    int32_t greedy;
    CHECK(a2c_net_act(a2c_trainer_net(tr), obs, 1, 1, &greedy, NULL, NULL) == A2C_E_STATE);
    CHECK(a2c_trainer_push_step(tr, r, no, no, NULL, NULL, 100, NULL, NULL) ==
          A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_push_step(tr, r, no, no, obs, NULL, 0, NULL, NULL) == A2C_E_INVALID_ARG);
    CHECK(a2c_trainer_push_step(tr, r, no, yes, obs, NULL, 100, NULL, NULL) ==
          A2C_E_INVALID_ARG); /* a truncation needs its final observation */
    CHECK(strstr(a2c_last_error(), "final_obs") != NULL);
    const double nan_r[2] = {1, NAN};
    CHECK(a2c_trainer_push_step(tr, nan_r, no, no, obs, NULL, 100, NULL, NULL) ==
          A2C_E_NONFINITE);
    /* refused data changed nothing: the same step, corrected, goes in */
    CHECK(a2c_trainer_push_act(tr, act, NULL) == A2C_E_STATE); /* still pending */
    CHECK(a2c_trainer_push_step(tr, r, no, yes, obs, final, 100, NULL, NULL) == A2C_OK);
    CHECK(a2c_trainer_push_act(tr, act, NULL) == A2C_OK);
    a2c_trainer_destroy(plain);
    a2c_trainer_destroy(tr);
    a2c_env_close(env);

    /* the shape may be a temporary: the trainer keeps a copy, bounds too */
    a2c_env box_shape = {0};
    float low[1] = {-2.0f}, high[1] = {2.0f};
    box_shape.version = A2C_ENV_V1, box_shape.num_envs = 2, box_shape.obs_dim = 3;
    box_shape.action_kind = A2C_SPACE_BOX, box_shape.action_dim = 1;
    box_shape.action_low = low, box_shape.action_high = high;
    CHECK(a2c_trainer_create_push(&tr, cfg, &box_shape) == A2C_OK);
    low[0] = 100.0f, high[0] = 200.0f; /* scribbled over afterwards */
    memset(&box_shape, 0xff, sizeof box_shape);
    const float pobs[6] = {1, 0, 0.5f, 0, 1, -0.5f};
    float torque[2];
    CHECK(a2c_trainer_push_start(tr, pobs) == A2C_OK);
    for (int k = 0; k < 20; k++) {
        CHECK(a2c_trainer_push_act(tr, NULL, torque) == A2C_OK);
        CHECK(torque[0] >= -2.0f && torque[0] <= 2.0f && torque[1] >= -2.0f && torque[1] <= 2.0f);
        CHECK(a2c_trainer_push_step(tr, r, no, no, pobs, NULL, 100, NULL, NULL) == A2C_OK);
    }
    a2c_trainer_destroy(tr);
    a2c_config_destroy(cfg);
}

int main(void)
{
    compare("CartPole-v1", NULL, 20000, 1, -1);
    compare("Acrobot-v1", NULL, 20000, 1, -1);
    static const char *const constant_lr[] = {"learning_rate", "7e-4", NULL};
    compare("Pendulum-v1", constant_lr, 8000, 1, -1);
    compare("Pendulum-v1", NULL, 8000, 1, -1); /* its linear schedule too */
    /* the helpers live across the host's calls: every pass split, then
     * the chooser, with truncations (Pendulum's all are) */
    compare("CartPole-v1", NULL, 20000, 2, 1);
    compare("CartPole-v1", NULL, 20000, 3, 1);
    compare("Acrobot-v1", NULL, 20000, 2, -1);
    compare("Pendulum-v1", NULL, 8000, 2, 1);
    compare("Pendulum-v1", NULL, 8000, 2, -1);
    test_order_and_bad_input();
    return harness_report();
}
