/* Per-environment defaults of a2c train: rl-baselines3-zoo's A2C settings
 * (hyperparams/a2c.yml), one row per environment, keys and values written
 * as the zoo writes them.
 *
 * train.c applies a row after SB3's defaults and before the user's flags.
 * n_envs, n_timesteps and seed are read by the command itself; every
 * other key goes to a2c_config_set_string, so a row may use any SB3 name
 * the library knows (and net_arch), with the zoo's value syntax ("lin_7e-4",
 * "True", "nn.ReLU").  A key neither understands stops the run with an
 * error naming the preset, so a row for an environment that needs more
 * (the zoo's normalize, policy_kwargs) cannot be silently half-applied:
 * teach apply_own_setting in train.c that key first.
 *
 * Anything a row does not set keeps SB3's default. */
#include "cli.h"

#include <string.h>

static const cli_preset presets[] = {
    {"CartPole-v1", {{"n_envs", "8"}, {"n_timesteps", "5e5"}, {"ent_coef", "0.0"}}},
};

const cli_preset *cli_preset_at(size_t index)
{
    return index < sizeof presets / sizeof presets[0] ? &presets[index] : NULL;
}

const cli_preset *cli_preset_for(const char *env)
{
    for (size_t k = 0; cli_preset_at(k); k++)
        if (strcmp(presets[k].env, env) == 0) return &presets[k];
    return NULL;
}
