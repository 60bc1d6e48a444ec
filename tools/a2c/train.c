/* a2c train: trains an agent on a built-in environment, then evaluates it.
 *
 * Every hyperparameter of the library is a flag, derived at run time from
 * the library's parameter table: the SB3 name with '-' for '_'
 * (learning_rate is --learning-rate), its value handed as written to
 * a2c_config_set_string.  A parameter added to the library is therefore a
 * flag, listed in --help, without a change here.
 *
 * Settings apply in this order, later ones winning: SB3's defaults (a new
 * config), the environment's preset (presets.c), the flags in command-line
 * order.  Progress goes to stderr (a live line on a terminal, plain lines
 * otherwise); the result goes to stdout, as one JSON object on the last
 * line with --json. */
/* isatty, fileno and sysconf, for the live progress line and the default
 * number of threads (the library itself is plain C11). */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#define IS_TERMINAL(fp) isatty(fileno(fp))
#define ONLINE_CPUS() sysconf(_SC_NPROCESSORS_ONLN)
#else
#define IS_TERMINAL(fp) 0
#define ONLINE_CPUS() 1L
#endif

/* The library numbers its parameters from here on; a2c_param_name gives
 * NULL past the last one. */
#define FIRST_PARAM A2C_PARAM_LEARNING_RATE

/* ---- settings: from the parameter table, aliases and presets ---- */

/* Flags that are other names for a setting: the spellings the command has
 * always had, the zoo's n_timesteps, and net_arch, which
 * a2c_config_set_string takes but the parameter table does not list. */
static const struct {
    const char *flag;
    const char *name;
} alias_flags[] = {
    {"--timesteps", "n_timesteps"}, {"--n-timesteps", "n_timesteps"},
    {"--threads", "n_threads"},     {"--activation", "activation_fn"},
    {"--net-arch", "net_arch"},
};

/* Nonzero if `flag` is "--" followed by `name` with each '_' as '-'. */
static int flag_spells(const char *flag, const char *name)
{
    if (strncmp(flag, "--", 2) != 0) return 0;
    for (flag += 2; *name; flag++, name++)
        if (*flag != (*name == '_' ? '-' : *name)) return 0;
    return *flag == '\0';
}

/* The SB3 (or zoo) name of the setting `flag` stands for, or NULL. */
static const char *setting_of_flag(const char *flag)
{
    for (size_t k = 0; k < sizeof alias_flags / sizeof alias_flags[0]; k++)
        if (strcmp(flag, alias_flags[k].flag) == 0) return alias_flags[k].name;
    for (int p = FIRST_PARAM; a2c_param_name((a2c_param)p); p++)
        if (flag_spells(flag, a2c_param_name((a2c_param)p))) return a2c_param_name((a2c_param)p);
    return NULL;
}

/* The settings the command reads itself rather than only passing them to
 * the config: it creates the environments, seeds the evaluation and
 * reports the seed, and prints the timesteps and threads. */
typedef struct own_settings {
    uint64_t timesteps, seed;
    uint32_t n_envs;
    int threads;
} own_settings;

static const char *const own_setting_names[] = {"n_timesteps", "seed", "n_envs", "n_threads"};

static int is_own_setting(const char *name)
{
    for (size_t k = 0; k < sizeof own_setting_names / sizeof own_setting_names[0]; k++)
        if (strcmp(name, own_setting_names[k]) == 0) return 1;
    return 0;
}

static void own_defaults(own_settings *o)
{
    o->timesteps = 100000; /* for an environment without a preset */
    o->seed = 0;
    o->n_envs = 1;
    o->threads = ONLINE_CPUS() >= 2 ? 2 : 1;
}

/* Applies one of the command's own settings, checking it; `what` names it
 * in messages.  Returns 0 for a setting that is the library's alone. */
static int apply_own_setting(own_settings *o, const char *name, const char *value,
                             const char *what)
{
    /* The seed takes all 64 bits (the config gets its low 63), as it
     * always has, so it is not held to the parameter's bounds. */
    if (strcmp(name, "seed") == 0) o->seed = parse_count(what, value);
    else if (strcmp(name, "n_timesteps") == 0) o->timesteps = parse_count(what, value);
    else if (strcmp(name, "n_envs") == 0)
        o->n_envs = (uint32_t)parse_count_in_bounds(what, value, A2C_PARAM_N_ENVS);
    else if (strcmp(name, "n_threads") == 0)
        o->threads = (int)parse_count_in_bounds(what, value, A2C_PARAM_N_THREADS);
    else return 0;
    return 1;
}

/* A setting given on the command line: what it sets, to what, and the
 * flag as written, for messages. */
typedef struct flag_setting {
    const char *name;
    const char *value;
    const char *flag;
} flag_setting;

static void apply_setting(own_settings *own, a2c_config *cfg, const char *name,
                          const char *value, const char *what)
{
    if (apply_own_setting(own, name, value, what)) return;
    const a2c_status rc = a2c_config_set_string(cfg, name, value);
    if (rc != A2C_OK)
        fail("invalid value '%s' for %s: %s%s", value, what, a2c_strerror(rc), library_detail());
}

static void apply_preset(own_settings *own, a2c_config *cfg, const cli_preset *preset)
{
    for (size_t k = 0; k < CLI_PRESET_MAX_SETTINGS && preset->settings[k].name; k++) {
        const char *name = preset->settings[k].name;
        a2c_param param;
        if (!is_own_setting(name) && strcmp(name, "net_arch") != 0 &&
            a2c_param_from_name(name, &param) != A2C_OK)
            fail("the %s preset sets '%s', which a2c train does not support", preset->env,
                 name);
        char what[128];
        snprintf(what, sizeof what, "the %s preset's %s", preset->env, name);
        apply_setting(own, cfg, name, preset->settings[k].value, what);
    }
}

/* ---- help ---- */

/* How values are written for parameters that take words rather than
 * numbers (or more than a number), for the help text only: a parameter
 * missing here is still a flag and still takes whatever
 * a2c_config_set_string accepts.  Words are placed at their public enum
 * value so that a default can be shown by name. */
static const struct {
    const char *name;
    const char *syntax; /* NULL: the words joined by '|' */
    const char *words[4];
} value_syntax[] = {
    {"learning_rate", "X|lin_X", {NULL}},
    {"activation_fn", NULL, {[A2C_ACTIVATION_TANH] = "tanh", [A2C_ACTIVATION_RELU] = "relu"}},
    {"value_loss", NULL, {[A2C_VALUE_LOSS_MSE] = "mse", [A2C_VALUE_LOSS_HUBER] = "huber"}},
    {"lr_schedule", NULL,
     {[A2C_SCHEDULE_CONSTANT] = "constant", [A2C_SCHEDULE_LINEAR] = "linear"}},
};

/* One line of the parameter list. */
typedef struct param_text {
    char flag[96];    /* "--learning-rate X|lin_X" */
    char type[40];    /* "float [0, 1000]", "int >= 0", "bool", "choice" */
    char deflt[40];   /* the library's default, as a value of the flag */
} param_text;

/* Describes parameter `p` from what the library says about it.  `probe`
 * is a scratch config: a parameter is shown as a boolean if it is an
 * integer in [0, 1] that accepts "True". */
static void describe_param(a2c_param p, a2c_config *probe, param_text *t)
{
    const char *name = a2c_param_name(p);
    int is_integer = 0;
    double lo = 0.0, hi = 0.0, deflt = 0.0;
    a2c_param_is_integer(p, &is_integer);
    a2c_param_bounds(p, &lo, &hi);
    a2c_param_default(p, &deflt);

    const char *syntax = NULL;
    const char *const *words = NULL;
    for (size_t k = 0; k < sizeof value_syntax / sizeof value_syntax[0]; k++) {
        if (strcmp(value_syntax[k].name, name) != 0) continue;
        syntax = value_syntax[k].syntax;
        if (value_syntax[k].words[0]) words = value_syntax[k].words;
    }
    const int is_bool = is_integer && !words && lo == 0.0 && hi == 1.0 &&
                        a2c_config_set_string(probe, name, "True") == A2C_OK;

    /* what stands for the value after the flag: "X", "N", "BOOL", "tanh|relu" */
    char placeholder[64] = "";
    if (syntax) snprintf(placeholder, sizeof placeholder, "%s", syntax);
    else if (words) {
        for (size_t k = 0; k < 4 && words[k]; k++) {
            if (k) strncat(placeholder, "|", sizeof placeholder - strlen(placeholder) - 1);
            strncat(placeholder, words[k], sizeof placeholder - strlen(placeholder) - 1);
        }
    } else {
        snprintf(placeholder, sizeof placeholder, "%s",
                 is_bool ? "BOOL" : is_integer ? "N" : "X");
    }

    int n = snprintf(t->flag, sizeof t->flag, "--");
    for (const char *c = name; *c && n < (int)sizeof t->flag - 1; c++)
        t->flag[n++] = *c == '_' ? '-' : *c;
    t->flag[n] = '\0';
    snprintf(t->flag + n, sizeof t->flag - (size_t)n, " %s", placeholder);

    if (words) snprintf(t->type, sizeof t->type, "choice");
    else if (is_bool) snprintf(t->type, sizeof t->type, "bool");
    else if (!is_integer) snprintf(t->type, sizeof t->type, "float [%g, %g]", lo, hi);
    else if (hi > 9007199254740992.0) snprintf(t->type, sizeof t->type, "int >= %.0f", lo);
    else snprintf(t->type, sizeof t->type, "int [%.0f, %.0f]", lo, hi);

    if (words && deflt >= 0.0 && deflt < 4.0 && words[(int)deflt])
        snprintf(t->deflt, sizeof t->deflt, "%s", words[(int)deflt]);
    else if (is_bool) snprintf(t->deflt, sizeof t->deflt, "%s", deflt != 0.0 ? "True" : "False");
    else if (is_integer) snprintf(t->deflt, sizeof t->deflt, "%.0f", deflt);
    else snprintf(t->deflt, sizeof t->deflt, "%g", deflt);
}

/* Every parameter in the library's table, one line each. */
static void print_param_table(FILE *fp)
{
    a2c_config *probe = NULL;
    if (a2c_config_create(&probe, NULL) != A2C_OK) fail("out of memory");
    fputs("hyperparameters (every parameter of liba2c: the flag is the SB3 name with '-'):\n", fp);
    fprintf(fp, "  %-30s %-20s %-20s %s\n", "flag", "SB3 name", "type", "default");
    for (int p = FIRST_PARAM; a2c_param_name((a2c_param)p); p++) {
        const char *name = a2c_param_name((a2c_param)p);
        param_text t;
        describe_param((a2c_param)p, probe, &t);
        fprintf(fp, "  %-30s %-20s %-20s %s%s\n", t.flag, name, t.type, t.deflt,
                is_own_setting(name) ? " *" : "");
    }
    fputs("  * the library's default; the command sets seed, n_envs and n_threads itself\n"
          "    (see --seed, --n-envs and --threads above)\n"
          "  BOOL is True/False or 1/0.  A learning rate lin_X decays linearly from X to 0.\n\n",
          fp);
    a2c_config_destroy(probe);
}

static void print_presets(FILE *fp)
{
    fputs("presets (rl-baselines3-zoo's hyperparams/a2c.yml), applied before the flags:\n", fp);
    for (size_t k = 0; cli_preset_at(k); k++) {
        const cli_preset *preset = cli_preset_at(k);
        fprintf(fp, "  %-16s", preset->env);
        for (size_t j = 0; j < CLI_PRESET_MAX_SETTINGS && preset->settings[j].name; j++)
            fprintf(fp, "%s%s %s", j ? ", " : " ", preset->settings[j].name,
                    preset->settings[j].value);
        fputc('\n', fp);
    }
}

void print_train_help(FILE *fp)
{
    fputs("train options (defaults: SB3's, then the environment's preset; flags win):\n"
          "  --env ID                 the environment to train on (required)\n"
          "  --timesteps N            env steps in all (the preset's n_timesteps, else 100000)\n"
          "  --seed S                 seed of everything random (0)\n"
          "  --n-envs N               parallel environments (the preset's, else 1)\n"
          "  --threads 1|2            threads for training (2 if the machine has 2 CPUs);\n"
          "                           the results are the same either way\n"
          "  --net-arch 64,64|dict(pi=[..],vf=[..])\n"
          "                           SB3's net_arch: hidden layer widths (64,64)\n"
          "  --activation tanh|relu   the same as --activation-fn\n"
          "  --save FILE              save the trained agent (a resumable checkpoint)\n"
          "  --resume FILE            continue training from a checkpoint\n"
          "  --log FILE.csv           one row of statistics per update\n"
          "  --eval-episodes N        greedy evaluation episodes afterwards (100; 0 = none)\n"
          "  --json                   end stdout with one JSON object\n"
          "  A value follows its flag (--gamma 0.98) or is joined to it (--gamma=0.98).\n\n",
          fp);
    print_param_table(fp);
    print_presets(fp);
}

/* ---- progress ---- */

static double now(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct progress {
    FILE *log;
    int live;
    uint64_t total;
    double threshold;
    int has_threshold;
    uint64_t solved_at; /* 0: not yet */
    double last_print;
    uint64_t next_plain, plain_step;
    a2c_train_stats last;
} progress;

static int on_update(const a2c_train_stats *s, void *user)
{
    progress *p = user;
    p->last = *s;
    if (p->has_threshold && !p->solved_at && s->window_episodes == 100 &&
        s->mean_return >= p->threshold)
        p->solved_at = s->timesteps;
    if (p->log)
        fprintf(p->log, "%llu,%llu,%llu,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.1f,%.4f\n",
                (unsigned long long)s->timesteps, (unsigned long long)s->episodes,
                (unsigned long long)s->updates, s->mean_return, s->mean_length, s->policy_loss,
                s->value_loss, s->entropy_loss, s->total_loss, s->explained_variance,
                s->grad_norm, s->learning_rate, s->steps_per_second, s->elapsed_seconds);
    const double eta = s->steps_per_second > 0.0
                           ? (double)(p->total > s->timesteps ? p->total - s->timesteps : 0) /
                                 s->steps_per_second
                           : 0.0;
    if (p->live) {
        const double t = now();
        if (t - p->last_print < 0.1 && s->timesteps < p->total) return 0;
        p->last_print = t;
        fprintf(stderr,
                "\r  timesteps %9llu / %llu   episodes %7llu   mean return %7.1f   "
                "%8.0f steps/s   ETA %5.1fs ",
                (unsigned long long)s->timesteps, (unsigned long long)p->total,
                (unsigned long long)s->episodes, s->window_episodes ? s->mean_return : 0.0,
                s->steps_per_second, eta);
        fflush(stderr);
    } else if (s->timesteps >= p->next_plain) {
        p->next_plain += p->plain_step ? p->plain_step : 1;
        fprintf(stderr, "timesteps %llu episodes %llu mean_return %.1f steps/s %.0f eta %.1fs\n",
                (unsigned long long)s->timesteps, (unsigned long long)s->episodes,
                s->window_episodes ? s->mean_return : 0.0, s->steps_per_second, eta);
    }
    return 0;
}

/* ---- the command line ---- */

void train_request_free(train_request *req)
{
    free(req->given);
    req->given = NULL;
    a2c_config_destroy(req->cfg);
    req->cfg = NULL;
}

void train_parse(int argc, char **argv, train_request *req)
{
    *req = (train_request){.eval_episodes = 100};
    own_settings own;
    own_defaults(&own);
    if (a2c_config_create(&req->cfg, NULL) != A2C_OK) fail("out of memory");
    /* the setting flags in command-line order, applied after the preset
     * (which is known only once --env has been read); held by the request
     * so that a failure caught by a fuzz target can free it */
    flag_setting *given = req->given = malloc((size_t)argc * sizeof *given);
    if (!given) fail("out of memory");
    size_t n_given = 0;

    arg_reader args;
    args_start(&args, argc, argv, 2, "train");
    while (args_next(&args)) {
        if (args_is(&args, "--json")) {
            args_no_value(&args);
            req->json = 1;
        } else if (args_is(&args, "--help")) {
            args_no_value(&args);
            train_request_free(req);
            req->help = 1;
            return;
        } else if (args_is(&args, "--env")) req->env_id = args_value(&args);
        else if (args_is(&args, "--save")) req->save = args_value(&args);
        else if (args_is(&args, "--resume")) req->resume = args_value(&args);
        else if (args_is(&args, "--log")) req->log_path = args_value(&args);
        else if (args_is(&args, "--eval-episodes")) {
            const uint64_t n = parse_count(args.flag, args_value(&args));
            if (n > 1000000) fail("--eval-episodes is at most 1000000");
            req->eval_episodes = (uint32_t)n;
        } else {
            const char *name = setting_of_flag(args.flag);
            if (!name) args_unknown(&args);
            const char *value = args_value(&args);
            /* the command's own settings are checked now, in command-line
             * order; the library checks the rest once the config is built */
            apply_own_setting(&own, name, value, args.flag);
            given[n_given++] = (flag_setting){name, value, args.flag};
        }
    }
    a2c_env_close(make_env(req->env_id, 1)); /* checks the id before anything runs */
    own_defaults(&own);
    const cli_preset *preset = cli_preset_for(req->env_id);
    if (preset) apply_preset(&own, req->cfg, preset);
    for (size_t k = 0; k < n_given; k++)
        apply_setting(&own, req->cfg, given[k].name, given[k].value, given[k].flag);
    free(req->given);
    req->given = NULL;
    req->timesteps = own.timesteps;
    req->seed = own.seed;
    req->n_envs = own.n_envs;
    req->threads = own.threads;
    if (a2c_config_set_int(req->cfg, A2C_PARAM_SEED, (int64_t)(own.seed & INT64_MAX)) != A2C_OK ||
        a2c_config_set_int(req->cfg, A2C_PARAM_N_ENVS, own.n_envs) != A2C_OK ||
        a2c_config_set_int(req->cfg, A2C_PARAM_N_THREADS, own.threads) != A2C_OK)
        fail("invalid seed, number of environments or threads%s", library_detail());
}

/* ---- the command ---- */

int cmd_train(int argc, char **argv)
{
    train_request req;
    train_parse(argc, argv, &req);
    if (req.help) {
        printf("usage: a2c train --env ID [options]\n\n");
        print_train_help(stdout);
        return 0;
    }
    const char *env_id = req.env_id, *save = req.save, *resume = req.resume;
    const char *log_path = req.log_path;
    const uint32_t eval_episodes = req.eval_episodes;
    const int json = req.json;
    a2c_config *cfg = req.cfg;
    const uint64_t timesteps = req.timesteps, seed = req.seed;
    const uint32_t n_envs = req.n_envs;
    const int threads = req.threads;

    a2c_env *env = make_env(env_id, n_envs);
    a2c_trainer *tr = NULL;
    a2c_status rc = a2c_trainer_create(&tr, cfg, env);
    if (rc != A2C_OK)
        fail("cannot create the trainer: %s%s", a2c_strerror(rc), library_detail());
    errno = 0;
    if (resume && (rc = a2c_trainer_load(tr, resume)) != A2C_OK)
        fail("cannot resume from '%s': %s%s", resume,
             rc == A2C_E_INVALID_ARG ? "its network or optimizer differs from these settings"
                                     : file_error(rc, errno),
             library_detail());
    if (save) check_writable("--save", save);

    progress p = {0};
    const uint64_t start_steps = a2c_trainer_timesteps(tr);
    p.total = timesteps;
    p.last.mean_return = (double)NAN; /* until an update reports */
    p.next_plain = start_steps + (timesteps > start_steps ? (timesteps - start_steps) / 10 : 0);
    p.plain_step = timesteps > start_steps ? (timesteps - start_steps) / 10 : 1;
    p.live = IS_TERMINAL(stderr);
    p.has_threshold = a2c_env_reward_threshold(env_id, &p.threshold) == A2C_OK;
    if (log_path) {
        p.log = fopen(log_path, "w");
        if (!p.log) fail("cannot write '%s': %s", log_path, strerror(errno));
        fputs("timesteps,episodes,updates,mean_return,mean_length,policy_loss,value_loss,"
              "entropy_loss,total_loss,explained_variance,grad_norm,learning_rate,"
              "steps_per_second,elapsed_seconds\n",
              p.log);
    }
    fprintf(stderr, "training A2C on %s: %llu timesteps, %u envs, seed %llu, %d thread%s\n",
            env_id, (unsigned long long)timesteps, n_envs, (unsigned long long)seed, threads,
            threads > 1 ? "s" : "");
    const double t0 = now();
    rc = a2c_trainer_learn(tr, timesteps, on_update, &p);
    const double wall = now() - t0;
    if (p.live) fputc('\n', stderr);
    if (p.log && fclose(p.log) != 0) fail("cannot write '%s'", log_path);
    if (rc != A2C_OK) fail("training failed: %s%s", a2c_strerror(rc), library_detail());
    const uint64_t done = a2c_trainer_timesteps(tr);
    const double sps = wall > 0.0 ? (double)(done - start_steps) / wall : 0.0;
    errno = 0;
    if (save && (rc = a2c_trainer_save(tr, save)) != A2C_OK)
        fail("cannot save '%s': %s%s", save, file_error(rc, errno), library_detail());

    double eval_mean = (double)NAN, eval_std = (double)NAN;
    if (eval_episodes > 0) {
        const uint32_t n_eval = eval_episodes < n_envs ? eval_episodes : n_envs;
        a2c_env *eval_env = make_env(env_id, n_eval);
        rc = a2c_evaluate(a2c_trainer_net(tr), eval_env, eval_episodes, 1, seed, &eval_mean,
                          &eval_std, NULL);
        a2c_env_close(eval_env);
        if (rc != A2C_OK) fail("evaluation failed: %s%s", a2c_strerror(rc), library_detail());
    }

    FILE *summary = json ? stderr : stdout;
    fprintf(summary, "trained %llu timesteps in %.2f s (%.0f steps/s), %llu episodes",
            (unsigned long long)done, wall, sps, (unsigned long long)p.last.episodes);
    if (isfinite(p.last.mean_return))
        fprintf(summary, ", mean return of the last 100: %.1f", p.last.mean_return);
    fputc('\n', summary);
    if (p.has_threshold) {
        if (p.solved_at)
            fprintf(summary, "first reached a 100-episode mean of %g at timestep %llu\n",
                    p.threshold, (unsigned long long)p.solved_at);
        else fprintf(summary, "never reached a 100-episode mean of %g\n", p.threshold);
    }
    if (eval_episodes > 0)
        fprintf(summary, "evaluation, %u greedy episodes: %.1f +/- %.1f\n", eval_episodes,
                eval_mean, eval_std);
    if (save) fprintf(summary, "saved to %s\n", save);
    if (json) {
        printf("{\"env\": ");
        print_json_string(env_id);
        printf(", \"seed\": %llu, \"timesteps\": %llu, \"wall_s\": %.3f, "
               "\"steps_per_s\": %.0f, \"episodes\": %llu, \"first_solved_timestep\": ",
               (unsigned long long)seed, (unsigned long long)done, wall, sps,
               (unsigned long long)p.last.episodes);
        if (p.solved_at) printf("%llu", (unsigned long long)p.solved_at);
        else printf("null");
        printf(", \"final_mean_return\": ");
        print_json_number(p.last.mean_return, 6);
        printf(", \"eval_mean\": ");
        print_json_number(eval_mean, 6);
        printf(", \"eval_std\": ");
        print_json_number(eval_std, 6);
        printf(", \"eval_episodes\": %u}\n", eval_episodes);
    }
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
    a2c_config_destroy(cfg);
    return 0;
}
