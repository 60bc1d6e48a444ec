/* rl-baselines3-zoo's A2C settings for the built-in environments (its
 * hyperparams/a2c.yml), kept as the zoo writes them so that a row can be
 * compared with the zoo's file line by line, and applied through the same
 * text setter a YAML file or a command line goes through. */
#include "common/config.h"
#include "common/error.h"

#include <string.h>

#define PRESET_MAX_SETTINGS 14

typedef struct preset {
    const char *env;
    const char *settings[PRESET_MAX_SETTINGS][2]; /* key, value; NULL ends */
} preset;

static const preset presets[] = {
    {"CartPole-v1", {{"n_envs", "8"}, {"n_timesteps", "5e5"}, {"ent_coef", "0.0"}}},
    {"Acrobot-v1",
     {{"normalize", "true"}, {"n_envs", "16"}, {"n_timesteps", "5e5"}, {"ent_coef", ".0"}}},
    {"MountainCar-v0",
     {{"normalize", "true"}, {"n_envs", "16"}, {"n_timesteps", "1e6"}, {"ent_coef", ".0"}}},
    {"MountainCarContinuous-v0",
     {{"normalize", "true"},
      {"n_envs", "4"},
      {"n_steps", "100"},
      {"n_timesteps", "1e5"},
      {"ent_coef", "0.0"},
      {"use_sde", "True"},
      {"sde_sample_freq", "16"},
      {"policy_kwargs", "dict(log_std_init=0.0, ortho_init=False)"}}},
    {"Pendulum-v1",
     {{"normalize", "True"},
      {"n_envs", "8"},
      {"n_timesteps", "1e6"},
      {"ent_coef", "0.0"},
      {"max_grad_norm", "0.5"},
      {"n_steps", "8"},
      {"gae_lambda", "0.9"},
      {"vf_coef", "0.4"},
      {"gamma", "0.9"},
      {"use_rms_prop", "True"},
      {"normalize_advantage", "False"},
      {"learning_rate", "lin_7e-4"},
      {"use_sde", "True"},
      {"policy_kwargs", "dict(log_std_init=-2, ortho_init=False)"}}},
};

#define N_PRESETS (sizeof presets / sizeof presets[0])

static const preset *find(const char *id)
{
    for (size_t k = 0; id && k < N_PRESETS; k++)
        if (strcmp(presets[k].env, id) == 0) return &presets[k];
    return NULL;
}

A2C_API const char *a2c_preset_name(size_t index)
{
    return index < N_PRESETS ? presets[index].env : NULL;
}

A2C_API a2c_status a2c_preset_setting(const char *env_id, size_t index, const char **key,
                                      const char **value)
{
    if (!env_id) return a2c__fail(A2C_E_INVALID_ARG, __func__, "env_id is NULL");
    const preset *p = find(env_id);
    if (!p) return a2c__fail(A2C_E_INVALID_ARG, __func__, "no preset for '%.64s'", env_id);
    if (index >= PRESET_MAX_SETTINGS || !p->settings[index][0])
        return a2c__fail(A2C_E_INVALID_ARG, __func__, "the %s preset has no setting %zu",
                         p->env, index);
    if (key) *key = p->settings[index][0];
    if (value) *value = p->settings[index][1];
    return A2C_OK;
}

A2C_API a2c_status a2c_config_apply_preset(a2c_config *cfg, const char *env_id,
                                           uint64_t *n_timesteps)
{
    const char *fn = __func__;
    if (!cfg) return a2c__fail(A2C_E_INVALID_ARG, fn, "cfg is NULL");
    if (!env_id) return a2c__fail(A2C_E_INVALID_ARG, fn, "env_id is NULL");
    const preset *p = find(env_id);
    if (!p) return a2c__fail(A2C_E_INVALID_ARG, fn, "no preset for '%.64s'", env_id);
    /* n_timesteps is a budget, not a hyperparameter: pass the rest on */
    const char *keys[PRESET_MAX_SETTINGS], *values[PRESET_MAX_SETTINGS];
    size_t n = 0;
    double budget = 0.0;
    for (size_t k = 0; k < PRESET_MAX_SETTINGS && p->settings[k][0]; k++) {
        if (strcmp(p->settings[k][0], "n_timesteps") == 0) {
            a2c__parse_double(p->settings[k][1], &budget); /* the table's own text */
            continue;
        }
        keys[n] = p->settings[k][0];
        values[n++] = p->settings[k][1];
    }
    const a2c_status rc = a2c__config_set_texts(cfg, keys, values, n, fn);
    if (rc == A2C_OK && n_timesteps) *n_timesteps = (uint64_t)budget;
    return rc;
}
