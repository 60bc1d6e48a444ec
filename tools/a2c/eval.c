/* a2c eval: plays a saved agent (a net or trainer checkpoint) on a
 * built-in environment and reports the mean and standard deviation of its
 * episode returns, greedy by default. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void print_eval_help(FILE *fp)
{
    fputs("eval options:\n"
          "  --model FILE             the saved agent (from a2c train --save; required)\n"
          "  --env ID                 the environment to play (required)\n"
          "  --episodes N             episodes to play (100)\n"
          "  --seed S                 seed of the episodes' initial states (0)\n"
          "  --n-envs N               environments played side by side (1); a2c train's\n"
          "                           final evaluation uses its --n-envs (capped at the\n"
          "                           episodes): pass the same to reproduce it exactly\n"
          "  --stochastic             sample actions from the policy instead of taking\n"
          "                           the most probable one\n"
          "  --json                   end stdout with one JSON object\n"
          "  --help, -h               this help, wherever it appears\n",
          fp);
}

int cmd_eval(int argc, char **argv)
{
    const char *model = NULL, *env_id = NULL;
    uint64_t seed = 0, episodes = 100, n_envs = 1;
    int json = 0, deterministic = 1;
    if (args_want_help(argc, argv, 2)) {
        printf("usage: a2c eval --model FILE --env ID [options]\n\n");
        print_eval_help(stdout);
        return 0;
    }
    arg_reader args;
    args_start(&args, argc, argv, 2, "eval");
    while (args_next(&args)) {
        if (args_is(&args, "--json")) {
            args_no_value(&args);
            json = 1;
        } else if (args_is(&args, "--help")) {
            args_no_value(&args); /* "--help=x"; a plain --help was seen before */
        } else if (args_is(&args, "--stochastic")) {
            args_no_value(&args);
            deterministic = 0;
        } else if (args_is(&args, "--model")) model = args_value(&args);
        else if (args_is(&args, "--env")) env_id = args_value(&args);
        else if (args_is(&args, "--seed")) seed = parse_count(args.flag, args_value(&args));
        else if (args_is(&args, "--episodes"))
            episodes = parse_count(args.flag, args_value(&args));
        else if (args_is(&args, "--n-envs"))
            n_envs = parse_count(args.flag, args_value(&args));
        else args_unknown(&args);
    }
    if (!model) fail("--model is required");
    if (episodes < 1 || episodes > 1000000) fail("--episodes must be between 1 and 1000000");
    if (n_envs < 1 || n_envs > 65536) fail("--n-envs must be between 1 and 65536");
    a2c_net *net = NULL;
    errno = 0;
    a2c_status rc = a2c_net_load(&net, model, NULL);
    if (rc != A2C_OK)
        fail("cannot load model '%s': %s%s", model, file_error(rc, errno), library_detail());
    /* as a2c train spreads its final evaluation: never more envs than
     * episodes */
    a2c_env *env = make_env(env_id, (uint32_t)(n_envs < episodes ? n_envs : episodes));
    if (env->obs_dim != a2c_net_obs_dim(net) || env->action_dim != a2c_net_n_actions(net))
        fail("model '%s' has %zu inputs and %zu actions; %s has %u and %u", model,
             a2c_net_obs_dim(net), a2c_net_n_actions(net), env_id, env->obs_dim, env->action_dim);
    double mean, std;
    rc = a2c_evaluate(net, env, (uint32_t)episodes, deterministic, seed, &mean, &std, NULL);
    if (rc != A2C_OK) fail("evaluation failed: %s%s", a2c_strerror(rc), library_detail());
    FILE *summary = json ? stderr : stdout;
    fprintf(summary, "%s on %s, %llu %s episodes: %.1f +/- %.1f\n", model, env_id,
            (unsigned long long)episodes, deterministic ? "greedy" : "sampled", mean, std);
    if (json) {
        printf("{\"env\": ");
        print_json_string(env_id);
        printf(", \"model\": ");
        print_json_string(model);
        printf(", \"seed\": %llu, \"deterministic\": %s, \"eval_mean\": ",
               (unsigned long long)seed, deterministic ? "true" : "false");
        print_json_number(mean, 6);
        printf(", \"eval_std\": ");
        print_json_number(std, 6);
        printf(", \"eval_episodes\": %llu}\n", (unsigned long long)episodes);
    }
    a2c_env_close(env);
    a2c_net_destroy(net);
    return 0;
}
