/* libFuzzer target: a trainer checkpoint from untrusted bytes.
 *
 * One small trainer is made on the first call (CartPole-v1, 2 envs,
 * net_arch "8", n_steps 2) and every input is loaded into it with
 * a2c_trainer_load_from_buffer, then a copy of it with the frame's body
 * size and CRC set right (so that mutations reach the sections).  A
 * checkpoint that loads must then train a few more steps (A2C_OK or a
 * documented failure status, never a crash), save, and load again.  The
 * trainer is put back to its first state after every input that changed
 * it, so that each input runs against the same trainer and a crash
 * reproduces from its input alone.
 *
 * Build with -DFUZZ_SKIP_TIMESTEP_LIMIT to skip the reload when training
 * took the trainer past 2^53 timesteps, the most a checkpoint may hold:
 * learn does not stop there, so such a trainer saves what its loader
 * refuses (tests/fixtures/fuzz/fuzz_trainer_load-timesteps-2p53).  For
 * looking for other bugs until that is fixed.
 *
 * Uses the public header only. */
#include <a2c/a2c.h>

#include "reframe.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Env steps asked of learn after a successful load: two updates of
 * n_steps 2 x 2 envs. */
#define MORE_STEPS 8u

static a2c_env *env;
static a2c_trainer *trainer;
/* The trainer's first state, saved once, to put it back after an input. */
static void *pristine;
static size_t pristine_size;

static void die(const char *what, a2c_status rc)
{
    fprintf(stderr, "fuzz_trainer_load: %s: %s (%s)\n", what, a2c_status_name(rc),
            a2c_last_error());
    abort();
}

static void setup(void)
{
    a2c_config *cfg = NULL;
    const int32_t arch[] = {8};
    a2c_status rc;
    if ((rc = a2c_config_create(&cfg, NULL)) != A2C_OK) die("config_create", rc);
    if ((rc = a2c_config_set_net_arch(cfg, arch, 1, arch, 1)) != A2C_OK) die("net_arch", rc);
    if ((rc = a2c_config_set_int(cfg, A2C_PARAM_N_STEPS, 2)) != A2C_OK) die("n_steps", rc);
    if ((rc = a2c_config_set_int(cfg, A2C_PARAM_N_ENVS, 2)) != A2C_OK) die("n_envs", rc);
    /* one thread: a helper thread started and stopped per input would
     * only slow the fuzzer down */
    if ((rc = a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, 1)) != A2C_OK) die("n_threads", rc);
    if ((rc = a2c_env_make(&env, "CartPole-v1", 2, NULL)) != A2C_OK) die("env_make", rc);
    if ((rc = a2c_trainer_create(&trainer, cfg, env)) != A2C_OK) die("trainer_create", rc);
    a2c_config_destroy(cfg);
    if ((rc = a2c_trainer_save_size(trainer, &pristine_size)) != A2C_OK) die("save_size", rc);
    pristine = malloc(pristine_size);
    if (!pristine) abort();
    if ((rc = a2c_trainer_save_to_buffer(trainer, pristine, pristine_size, NULL)) != A2C_OK)
        die("saving the first state", rc);
}

/* Loads one checkpoint and, if it loads, trains, saves, reloads and puts
 * the trainer back. */
static void one_input(const uint8_t *data, size_t size)
{
    a2c_status rc = a2c_trainer_load_from_buffer(trainer, data, size);
    /* A2C_E_ENV: CartPole refused a sub-environment's saved state; the
     * header documents that the rest is loaded and new episodes start, so
     * the trainer must train on like a loaded one. */
    if (rc != A2C_OK && rc != A2C_E_ENV) {
        /* the other statuses the header documents; the trainer is unchanged */
        if (rc != A2C_E_FORMAT && rc != A2C_E_INVALID_ARG && rc != A2C_E_NOMEM)
            die("load returned an undocumented status", rc);
        return;
    }

    /* Train on from wherever the checkpoint stopped.  Its progress counts
     * may be anything a file can hold, so the target is clamped rather
     * than wrapped. */
    const uint64_t done = a2c_trainer_timesteps(trainer);
    const uint64_t target = done <= UINT64_MAX - MORE_STEPS ? done + MORE_STEPS : UINT64_MAX;
    rc = a2c_trainer_learn(trainer, target, NULL, NULL);
    /* Parameters and optimizer state may hold any finite values, so the
     * loss may diverge (NONFINITE), and the optimizer's step count may be
     * at its limit (STATE); a sub-environment's saved state may be one
     * CartPole accepts but will not step (saved before its first reset),
     * so a step callback fails (ENV): clean answers all three. */
    if (rc != A2C_OK && rc != A2C_E_NONFINITE && rc != A2C_E_STATE && rc != A2C_E_ENV)
        die("learn after a load", rc);

    /* What it saves now must load back. */
    size_t need = 0, written = 0;
    if ((rc = a2c_trainer_save_size(trainer, &need)) != A2C_OK) die("save_size", rc);
    void *buf = malloc(need);
    if (!buf) abort();
    if ((rc = a2c_trainer_save_to_buffer(trainer, buf, need, &written)) != A2C_OK)
        die("save", rc);
    if (written != need) die("save wrote another size than save_size said", rc);
    int reload = 1;
#ifdef FUZZ_SKIP_TIMESTEP_LIMIT
    reload = a2c_trainer_timesteps(trainer) <= (UINT64_C(1) << 53);
#endif
    if (reload && (rc = a2c_trainer_load_from_buffer(trainer, buf, written)) != A2C_OK)
        die("reloading a saved trainer", rc);
    free(buf);

    if ((rc = a2c_trainer_load_from_buffer(trainer, pristine, pristine_size)) != A2C_OK)
        die("restoring the first state", rc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!trainer) setup();
    one_input(data, size);
    uint8_t *fixed = reframe(data, size);
    if (fixed) {
        one_input(fixed, size);
        free(fixed);
    }
    return 0;
}
