/* a2c train: trains an agent on a built-in environment, then evaluates it.
 *
 * Every hyperparameter of the library is a flag, derived at run time from
 * the library's parameter table: the SB3 name with '-' for '_'
 * (learning_rate is --learning-rate), its value handed as written to
 * a2c_config_set_string.  A parameter added to the library is therefore a
 * flag, listed in --help, without a change here.  rl-baselines3-zoo's
 * spellings work too: -n, --hyperparams name:value ..., -conf FILE.yml,
 * --eval-freq, --save-freq, --algo a2c.
 *
 * Settings apply in this order, later ones winning: SB3's defaults (a new
 * config), the environment's preset (a2c_config_apply_preset) or, with
 * -conf, the file's entry for the environment instead, then the flags and
 * --hyperparams pairs in command-line order.  Progress goes to stderr (a
 * live line on a terminal, plain lines otherwise); the result goes to
 * stdout, as one JSON object on the last line with --json.
 *
 * SIGINT and SIGTERM stop training after the update in progress; the run
 * then ends as a finished one would (checkpoint, log, summary) and exits
 * with 130 or 143.  A second signal kills it at once. */
/* isatty, fileno, sysconf, sigaction and write: the live progress line,
 * the default number of threads and the signal handlers (the library
 * itself is plain C11). */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#if defined(__unix__) || defined(__APPLE__)
#include <unistd.h>
#define IS_TERMINAL(fp) isatty(fileno(fp))
#define ONLINE_CPUS() sysconf(_SC_NPROCESSORS_ONLN)
#define HAVE_SIGACTION 1
#else
#define IS_TERMINAL(fp) 0
#define ONLINE_CPUS() 1L
#define HAVE_SIGACTION 0
#endif

/* The library numbers its parameters from here on; a2c_param_name gives
 * NULL past the last one. */
#define FIRST_PARAM A2C_PARAM_LEARNING_RATE

/* Episodes of each --eval-freq evaluation without --eval-episodes (the
 * zoo's default). */
#define DEFAULT_EVAL_FREQ_EPISODES 5

/* --save-freq keeps this many of its newest checkpoints. */
#define KEEP_CHECKPOINTS 3

/* ---- settings: from the parameter table, aliases, --hyperparams ---- */

/* Flags that are other names for a setting: the spellings the command has
 * always had, the zoo's -n/--n-timesteps, and the names
 * a2c_config_set_string takes that the parameter table does not list. */
static const struct {
    const char *flag;
    const char *name;
} alias_flags[] = {
    {"--timesteps", "n_timesteps"},     {"--n-timesteps", "n_timesteps"},
    {"-n", "n_timesteps"},              {"--threads", "n_threads"},
    {"--activation", "activation_fn"},  {"--net-arch", "net_arch"},
    {"--normalize", "normalize"},       {"--policy-kwargs", "policy_kwargs"},
};

/* Names a2c_config_set_string documents beyond a2c_param_name's. */
static const char *const extra_library_names[] = {"net_arch", "normalize", "policy_kwargs"};

/* Keys of rl-baselines3-zoo's YAML files that liba2c has no counterpart
 * for: refused by name, not passed on. */
static const char *const zoo_only_keys[] = {
    "env_wrapper", "vec_env_wrapper", "frame_stack", "callback", "monitor_kwargs",
    "eval_env_kwargs", "env_kwargs", "replay_buffer_class", "replay_buffer_kwargs",
};

/* Settings a resumed run cannot honour: they only shape a new network. */
static const char *const init_only_names[] = {"ortho_init", "log_std_init"};

/* Settings that must match a checkpoint's for it to load. */
static const char *const shape_names[] = {"net_arch", "activation_fn", "shared_trunk",
                                          "use_rms_prop", "policy_kwargs"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(name, list[k]) == 0) return 1;
    return 0;
}

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
    for (size_t k = 0; k < COUNT(alias_flags); k++)
        if (strcmp(flag, alias_flags[k].flag) == 0) return alias_flags[k].name;
    for (int p = FIRST_PARAM; a2c_param_name((a2c_param)p); p++)
        if (flag_spells(flag, a2c_param_name((a2c_param)p))) return a2c_param_name((a2c_param)p);
    return NULL;
}

/* Nonzero if the library knows `name` as a setting. */
static int library_knows(const char *name)
{
    a2c_param param;
    return a2c_param_from_name(name, &param) == A2C_OK ||
           in_list(name, extra_library_names, COUNT(extra_library_names));
}

/* The settings the command reads itself rather than only passing them to
 * the config: it creates the environments, seeds the evaluation and
 * reports the seed, and prints the timesteps and threads. */
typedef struct own_settings {
    uint64_t timesteps, seed;
} own_settings;

static const char *const own_setting_names[] = {"n_timesteps", "seed", "n_envs", "n_threads"};

static int is_own_setting(const char *name)
{
    return in_list(name, own_setting_names, COUNT(own_setting_names));
}

static int default_threads(void)
{
    return ONLINE_CPUS() >= 2 ? 2 : 1;
}

/* Where a setting came from, for messages: "--gamma", "gamma in
 * --hyperparams", "gamma at conf.yml:7". */
static const char *origin(const setting *s, char *buf, size_t size)
{
    if (s->file) snprintf(buf, size, "%s at %s:%d", s->name, s->file, s->line);
    else if (strcmp(s->flag, "--hyperparams") == 0 || strcmp(s->flag, "-params") == 0)
        snprintf(buf, size, "%s in %s", s->name, s->flag);
    else snprintf(buf, size, "%s", s->flag);
    return buf;
}

/* The same without the name: "in --hyperparams", "at conf.yml:7", or ""
 * for a flag. */
static const char *place(const setting *s, char *buf, size_t size)
{
    if (s->file) snprintf(buf, size, " at %s:%d", s->file, s->line);
    else if (strcmp(s->flag, "--hyperparams") == 0 || strcmp(s->flag, "-params") == 0)
        snprintf(buf, size, " in %s", s->flag);
    else snprintf(buf, size, " (%s)", s->flag);
    return buf;
}

/* Applies one setting, checking it. */
static void apply_setting(own_settings *own, a2c_config *cfg, const setting *s)
{
    char what[600], where[600];
    origin(s, what, sizeof what);
    place(s, where, sizeof where);
    const char *name = s->name, *value = s->value;
    /* The seed takes all 64 bits (the config gets its low 63), as it
     * always has, so it is not held to the parameter's bounds. */
    if (strcmp(name, "seed") == 0) {
        own->seed = parse_count(what, value);
        return;
    }
    if (strcmp(name, "n_timesteps") == 0) {
        own->timesteps = parse_count(what, value);
        return;
    }
    a2c_status rc = A2C_OK;
    if (strcmp(name, "n_envs") == 0)
        rc = a2c_config_set_int(cfg, A2C_PARAM_N_ENVS,
                                (int64_t)parse_count_in_bounds(what, value, A2C_PARAM_N_ENVS));
    else if (strcmp(name, "n_threads") == 0)
        rc = a2c_config_set_int(cfg, A2C_PARAM_N_THREADS,
                                (int64_t)parse_count_in_bounds(what, value, A2C_PARAM_N_THREADS));
    else if (strcmp(name, "policy") == 0) {
        if (strcmp(value, "MlpPolicy") != 0)
            fail("policy '%s'%s: liba2c has only MlpPolicy", value, where);
        return;
    } else if (in_list(name, zoo_only_keys, COUNT(zoo_only_keys))) {
        fail("'%s'%s: rl-baselines3-zoo's wrappers, frame stacking, callbacks and environment "
             "arguments are not supported by liba2c", name, where);
    } else {
        rc = a2c_config_set_string(cfg, name, value);
        if (rc != A2C_OK && !library_knows(name))
            fail("unknown setting '%s'%s (a2c train --help lists the settings)", name, where);
    }
    if (rc != A2C_OK)
        fail("invalid value '%s' for %s: %s%s", value, what, a2c_strerror(rc), library_detail());
}

/* Nonzero if the library has a preset for `env_id`. */
static int has_preset(const char *env_id)
{
    for (size_t k = 0; a2c_preset_name(k); k++)
        if (strcmp(a2c_preset_name(k), env_id) == 0) return 1;
    return 0;
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
    {"ent_coef", "X|lin_X", {NULL}},
    {"activation_fn", NULL, {[A2C_ACTIVATION_TANH] = "tanh", [A2C_ACTIVATION_RELU] = "relu"}},
    {"value_loss", NULL, {[A2C_VALUE_LOSS_MSE] = "mse", [A2C_VALUE_LOSS_HUBER] = "huber"}},
    {"lr_schedule", NULL,
     {[A2C_SCHEDULE_CONSTANT] = "constant", [A2C_SCHEDULE_LINEAR] = "linear"}},
    {"ent_schedule", NULL,
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
    for (size_t k = 0; k < COUNT(value_syntax); k++) {
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
          "  BOOL is True/False or 1/0.  lin_X (learning_rate, ent_coef) decays linearly\n"
          "  from X to 0 over the run.\n\n",
          fp);
    a2c_config_destroy(probe);
}

void print_train_help(FILE *fp)
{
    fputs("train options (defaults: SB3's, then the environment's preset; flags win):\n"
          "  --env ID                 the environment to train on (required)\n"
          "  -n, --n-timesteps N      env steps in all, also --timesteps (the preset's\n"
          "                           n_timesteps, else 100000); counts from the start of\n"
          "                           the first run with --resume\n"
          "  --seed S                 seed of everything random (0)\n"
          "  --n-envs N               parallel environments (the preset's, else 1)\n"
          "  --threads N              threads for training, 1..256 (2 if the machine has 2\n"
          "                           or more CPUs); the results are the same either way\n"
          "  --net-arch 64,64|dict(pi=[..],vf=[..])\n"
          "                           SB3's net_arch: hidden layer widths (64,64)\n"
          "  --activation tanh|relu   the same as --activation-fn\n"
          "  --normalize BOOL|dict(..)\n"
          "                           the zoo's VecNormalize switch: True, or\n"
          "                           dict(norm_obs=True, norm_reward=False, clip_obs=10)\n"
          "  --policy-kwargs dict(..)\n"
          "                           SB3's policy_kwargs: net_arch, activation_fn,\n"
          "                           ortho_init, log_std_init\n"
          "  --hyperparams K:V ...    settings by SB3/zoo name, up to the next '-' argument\n"
          "                           (also -params): learning_rate:1e-3 n_steps:8\n"
          "  -conf, --conf-file FILE  rl-baselines3-zoo's hyperparameter YAML: its entry\n"
          "                           for --env replaces the preset\n"
          "  --algo a2c               accepted for the zoo's command lines; only a2c exists\n"
          "  --save FILE              save the trained agent (a resumable checkpoint)\n"
          "  --save-freq N            also save FILE.<timesteps> every N env steps, keeping\n"
          "                           the newest 3 (needs --save)\n"
          "  --resume FILE            continue training from a checkpoint\n"
          "  --log FILE.csv           one row of statistics per update (0.1's columns)\n"
          "  --log-dir DIR            DIR/progress.csv, DIR/monitor.csv (one row per episode,\n"
          "                           SB3's Monitor) and DIR/config.yml, for a2c report\n"
          "  --eval-freq N            every N env steps, a greedy evaluation on a separate\n"
          "                           environment, logged and printed (0 or -1: none)\n"
          "  --eval-episodes N        episodes of the evaluation after training (100; 0 =\n"
          "                           none) and of each --eval-freq one (5 if not given)\n"
          "  --json                   end stdout with one JSON object\n"
          "  --help, -h               this help, wherever it appears\n"
          "  A value follows its flag (--gamma 0.98) or is joined to it (--gamma=0.98).\n"
          "  SIGINT (Ctrl-C) or SIGTERM stops after the current update, saves, logs and\n"
          "  exits 130 (143 for SIGTERM); a second one quits at once.\n\n",
          fp);
    print_param_table(fp);
    print_presets(fp);
}

/* ---- the command line ---- */

void train_request_free(train_request *req)
{
    free(req->given);
    req->given = NULL;
    a2c_config_destroy(req->cfg);
    req->cfg = NULL;
    conf_free(&req->conf);
}

/* -1 (the zoo's "never") or 0 give 0; otherwise a count of env steps. */
static uint64_t parse_frequency(const char *flag, const char *text)
{
    if (strcmp(text, "-1") == 0) return 0;
    return parse_count(flag, text);
}

/* One "name:value" of --hyperparams, cut in place.  The value is the
 * text after the first ':' (it may hold more); one pair of quotes around
 * it is removed, as the zoo's eval() of a quoted string would. */
static setting hyperparam(const char *flag, char *item)
{
    char *colon = strchr(item, ':');
    if (!colon || colon == item)
        fail("%s expects name:value, not '%s' (e.g. learning_rate:1e-3)", flag, item);
    *colon = '\0';
    char *value = colon + 1;
    const size_t len = strlen(value);
    if (len >= 2 && (value[0] == '"' || value[0] == '\'') && value[len - 1] == value[0]) {
        value[len - 1] = '\0';
        value++;
    }
    if (!*value) fail("%s: '%s' has no value", flag, item);
    return (setting){.name = item, .value = value, .flag = flag};
}

void train_parse(int argc, char **argv, train_request *req)
{
    *req = (train_request){.eval_episodes = 100};
    if (args_want_help(argc, argv, 2)) {
        req->help = 1;
        return;
    }
    if (a2c_config_create(&req->cfg, NULL) != A2C_OK) fail("out of memory");
    /* the settings in command-line order, applied after the preset or
     * -conf entry (known only once --env has been read); held by the
     * request so that a failure caught by a fuzz target can free it, and
     * so that --resume can say what it applies.  Each argument gives at
     * most one. */
    req->given = malloc((size_t)argc * sizeof *req->given);
    if (!req->given) fail("out of memory");
    int eval_episodes_given = 0;
    const char *algo = NULL;

    arg_reader args;
    args_start(&args, argc, argv, 2, "train");
    while (args_next(&args)) {
        if (args_is(&args, "--json")) {
            args_no_value(&args);
            req->json = 1;
        } else if (args_is(&args, "--help")) {
            args_no_value(&args); /* "--help=x"; a plain --help was seen before */
        } else if (args_is(&args, "--env")) req->env_id = args_value(&args);
        else if (args_is(&args, "--save")) req->save = args_value(&args);
        else if (args_is(&args, "--resume")) req->resume = args_value(&args);
        else if (args_is(&args, "--log")) req->log_path = args_value(&args);
        else if (args_is(&args, "--log-dir")) req->log_dir = args_value(&args);
        else if (args_is(&args, "--algo")) algo = args_value(&args);
        else if (args_is(&args, "-conf") || args_is(&args, "--conf-file"))
            req->conf_path = args_value(&args);
        else if (args_is(&args, "--eval-freq"))
            req->eval_freq = parse_frequency(args.flag, args_value(&args));
        else if (args_is(&args, "--save-freq"))
            req->save_freq = parse_frequency(args.flag, args_value(&args));
        else if (args_is(&args, "--eval-episodes")) {
            const uint64_t n = parse_count(args.flag, args_value(&args));
            if (n > 1000000) fail("--eval-episodes is at most 1000000");
            req->eval_episodes = (uint32_t)n;
            eval_episodes_given = 1;
        } else if (args_is(&args, "--hyperparams") || args_is(&args, "-params")) {
            /* the zoo's nargs='+': one or more name:value arguments, up to
             * the next one that starts with '-' */
            const char *flag = args.flag;
            char *item = args.joined_value ? (char *)args.joined_value
                                           : (char *)args_list_item(&args);
            if (!item) fail("%s needs at least one name:value", flag);
            for (; item; item = (char *)args_list_item(&args))
                req->given[req->n_given++] = hyperparam(flag, item);
        } else {
            const char *name = setting_of_flag(args.flag);
            if (!name) args_unknown(&args);
            req->given[req->n_given++] =
                (setting){.name = name, .value = args_value(&args), .flag = args.flag};
        }
    }
    check_env(req->env_id);
    if (algo && strcmp(algo, "a2c") != 0 && strcmp(algo, "A2C") != 0)
        fail("--algo %s: this is liba2c, which implements only a2c", algo);
    if (req->save_freq && !req->save)
        fail("--save-freq needs --save FILE (its checkpoints are FILE.<timesteps>)");
    req->eval_freq_episodes = eval_episodes_given ? req->eval_episodes
                                                  : DEFAULT_EVAL_FREQ_EPISODES;
    if (req->eval_freq && req->eval_freq_episodes == 0)
        fail("--eval-freq needs --eval-episodes of at least 1");

    own_settings own = {.timesteps = 100000, .seed = 0}; /* 100000: no preset */
    a2c_config *cfg = req->cfg;
    if (a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, default_threads()) != A2C_OK)
        fail("cannot set the number of threads%s", library_detail());
    if (req->conf_path) {
        conf_load(&req->conf, req->conf_path, req->env_id);
        for (size_t k = 0; k < req->conf.n_settings; k++) {
            const conf_setting *c = &req->conf.settings[k];
            /* a key the zoo has and liba2c lacks is named as such, even
             * with a value this reader does not follow */
            if (c->problem && !in_list(c->key, zoo_only_keys, COUNT(zoo_only_keys)))
                fail("%s:%d: '%s': %s", req->conf_path, c->line, c->key, c->problem);
            const setting s = {.name = c->key, .value = c->value, .file = req->conf_path,
                               .line = c->line};
            apply_setting(&own, cfg, &s);
        }
    } else if (has_preset(req->env_id)) {
        uint64_t n = own.timesteps;
        const a2c_status rc = a2c_config_apply_preset(cfg, req->env_id, &n);
        if (rc != A2C_OK)
            fail("cannot apply the preset of %s: %s%s", req->env_id, a2c_strerror(rc),
                 library_detail());
        own.timesteps = n;
    }
    for (size_t k = 0; k < req->n_given; k++) apply_setting(&own, cfg, &req->given[k]);

    int64_t n_envs = 1, threads = 1;
    if (a2c_config_get_int(cfg, A2C_PARAM_N_ENVS, &n_envs) != A2C_OK ||
        a2c_config_get_int(cfg, A2C_PARAM_N_THREADS, &threads) != A2C_OK ||
        a2c_config_set_int(cfg, A2C_PARAM_SEED, (int64_t)(own.seed & INT64_MAX)) != A2C_OK)
        fail("invalid seed, number of environments or threads%s", library_detail());
    req->timesteps = own.timesteps;
    req->seed = own.seed;
    req->n_envs = (uint32_t)n_envs;
    req->threads = (int)threads;
}

/* ---- signals ---- */

/* The first SIGINT or SIGTERM, 0 before.  Set by the handler, read by the
 * training callback and after training. */
static volatile sig_atomic_t stop_signal;

#if HAVE_SIGACTION
static struct sigaction default_action; /* SIG_DFL, filled in before any handler runs */

static void on_stop_signal(int sig)
{
    /* Only async-signal-safe calls here: sigaction and write.  From now on
     * either signal kills the process (SA_RESETHAND did it for this one). */
    if (!stop_signal) stop_signal = sig;
    sigaction(SIGINT, &default_action, NULL);
    sigaction(SIGTERM, &default_action, NULL);
    static const char note[] = "\na2c: stopping after the current update "
                               "(a second Ctrl-C or SIGTERM quits at once)\n";
    ssize_t ignored = write(STDERR_FILENO, note, sizeof note - 1);
    (void)ignored;
}

static void install_stop_handlers(void)
{
    sigemptyset(&default_action.sa_mask);
    default_action.sa_handler = SIG_DFL;
    default_action.sa_flags = 0;
    const int sigs[] = {SIGINT, SIGTERM};
    for (size_t k = 0; k < COUNT(sigs); k++) {
        struct sigaction old;
        /* A signal ignored from the start stays ignored, as the shell
         * meant it for a background job (Python, and so the zoo, does
         * the same). */
        if (sigaction(sigs[k], NULL, &old) != 0 || old.sa_handler == SIG_IGN) continue;
        struct sigaction sa;
        sigemptyset(&sa.sa_mask);
        sigaddset(&sa.sa_mask, SIGINT);
        sigaddset(&sa.sa_mask, SIGTERM);
        sa.sa_handler = on_stop_signal;
        sa.sa_flags = SA_RESETHAND | SA_RESTART; /* a write to the log carries on */
        sigaction(sigs[k], &sa, NULL);
    }
}
#else
static void on_stop_signal(int sig)
{
    /* ISO C allows only this much in a handler: the flag, and signal()
     * for the signal being handled. */
    stop_signal = sig;
    signal(sig, SIG_DFL);
}

static void install_stop_handlers(void)
{
    if (signal(SIGINT, on_stop_signal) == SIG_IGN) signal(SIGINT, SIG_IGN);
    if (signal(SIGTERM, on_stop_signal) == SIG_IGN) signal(SIGTERM, SIG_IGN);
}
#endif

static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

/* ---- progress, periodic evaluation and checkpoints ---- */

typedef struct progress {
    run_log *log;    /* --log-dir's progress.csv and monitor.csv */
    run_log *v01;    /* --log's file */
    a2c_monitor *monitor;
    char conditions[512]; /* the active conditions' names, for the log */
    int live;
    uint64_t total;
    double threshold;
    int has_threshold;
    uint64_t solved_at; /* 0: not yet */
    double last_print;
    uint64_t next_plain, plain_step;
    a2c_train_stats last;

    a2c_trainer *tr;
    uint64_t seed;
    /* --eval-freq */
    a2c_env *eval_env;
    uint64_t eval_freq, next_eval;
    uint32_t eval_episodes;
    /* --save-freq: the newest checkpoints this run wrote, oldest first */
    const char *save;
    uint64_t save_freq, next_save;
    char *kept[KEEP_CHECKPOINTS];

    char error[700];   /* a failure inside the callback, reported after training */
} progress;

/* The first multiple of `freq` above `steps`. */
static uint64_t next_multiple(uint64_t steps, uint64_t freq)
{
    return (steps / freq + 1) * freq;
}

static void clear_live_line(const progress *p)
{
    if (p->live) fputs("\r\033[K", stderr);
}

static int periodic_eval(progress *p, const a2c_train_stats *s)
{
    double mean = (double)NAN, std = (double)NAN;
    const a2c_status rc = a2c_evaluate(a2c_trainer_net(p->tr), p->eval_env, p->eval_episodes, 1,
                                       p->seed, &mean, &std, NULL);
    if (rc != A2C_OK) {
        snprintf(p->error, sizeof p->error, "evaluation at timestep %llu failed: %s%s",
                 (unsigned long long)s->timesteps, a2c_strerror(rc), library_detail());
        return 1;
    }
    run_log_eval(p->log, s, mean, std);
    run_log_eval(p->v01, s, mean, std);
    clear_live_line(p);
    fprintf(stderr, "eval: timesteps %llu, %u greedy episodes: %.1f +/- %.1f\n",
            (unsigned long long)s->timesteps, p->eval_episodes, mean, std);
    return 0;
}

static void periodic_save(progress *p, const a2c_train_stats *s)
{
    const size_t size = strlen(p->save) + 32;
    char *path = malloc(size);
    if (!path) {
        clear_live_line(p);
        fprintf(stderr, "a2c: warning: out of memory for a checkpoint's name\n");
        return;
    }
    snprintf(path, size, "%s.%llu", p->save, (unsigned long long)s->timesteps);
    errno = 0;
    const a2c_status rc = a2c_trainer_save(p->tr, path);
    if (rc != A2C_OK) {
        /* the run goes on: these checkpoints are a safety net, and the
         * final --save may still succeed */
        clear_live_line(p);
        fprintf(stderr, "a2c: warning: cannot save '%s': %s%s; training goes on\n", path,
                file_error(rc, errno), library_detail());
        free(path);
        return;
    }
    if (p->kept[0] && p->kept[KEEP_CHECKPOINTS - 1]) {
        remove(p->kept[0]);
        free(p->kept[0]);
        memmove(p->kept, p->kept + 1, (KEEP_CHECKPOINTS - 1) * sizeof p->kept[0]);
        p->kept[KEEP_CHECKPOINTS - 1] = NULL;
    }
    size_t k = 0;
    while (p->kept[k]) k++;
    p->kept[k] = path;
}

/* The health monitor and the divergence guard: what they report goes to
 * stderr when it first happens, and the active conditions to the log. */
static void watch_health(progress *p, const a2c_train_stats *s)
{
    if (s->rollback) {
        clear_live_line(p);
        fprintf(stderr, "guard: rollback %llu at timestep %llu (%s): back to the parameters "
                "before the last update; learning rate x%g from now on\n",
                (unsigned long long)s->rollbacks, (unsigned long long)s->timesteps,
                a2c_rollback_reason_name(s->rollback), s->lr_scale);
    }
    uint32_t active = 0, raised = 0;
    if (a2c_monitor_update(p->monitor, s, &active, &raised) != A2C_OK) return;
    size_t n = 0;
    p->conditions[0] = '\0';
    for (int code = 1; code <= (int)A2C_CONDITION_COUNT; code++) {
        const uint32_t bit = 1u << (code - 1);
        if (active & bit)
            n += (size_t)snprintf(p->conditions + n, sizeof p->conditions - n, "%s%s",
                                  n ? " " : "", a2c_condition_name(code));
        if (!(raised & bit)) continue;
        clear_live_line(p);
        fprintf(stderr, "health: %s at timestep %llu (update %llu): %s\n  remedies: %s\n",
                a2c_condition_name(code), (unsigned long long)s->timesteps,
                (unsigned long long)s->updates, a2c_condition_explanation(code),
                a2c_condition_remedies(code));
    }
}

static void on_episode(const a2c_episode_info *ep, void *user)
{
    run_log_episode(user, ep);
}

static int on_update(const a2c_train_stats *s, void *user)
{
    progress *p = user;
    p->last = *s;
    if (p->has_threshold && !p->solved_at && s->window_episodes == 100 &&
        s->mean_return >= p->threshold)
        p->solved_at = s->timesteps;
    watch_health(p, s);
    run_log_update(p->log, s, p->conditions);
    run_log_update(p->v01, s, NULL);
    const double eta = s->steps_per_second > 0.0
                           ? (double)(p->total > s->timesteps ? p->total - s->timesteps : 0) /
                                 s->steps_per_second
                           : 0.0;
    if (p->live) {
        const double t = wall_clock();
        if (t - p->last_print >= 0.1 || s->timesteps >= p->total) {
            p->last_print = t;
            fprintf(stderr,
                    "\r  timesteps %9llu / %llu   episodes %7llu   mean return %7.1f   "
                    "%8.0f steps/s   ETA %5.1fs ",
                    (unsigned long long)s->timesteps, (unsigned long long)p->total,
                    (unsigned long long)s->episodes, s->window_episodes ? s->mean_return : 0.0,
                    s->steps_per_second, eta);
            fflush(stderr);
        }
    } else if (s->timesteps >= p->next_plain) {
        p->next_plain += p->plain_step ? p->plain_step : 1;
        fprintf(stderr, "timesteps %llu episodes %llu mean_return %.1f steps/s %.0f eta %.1fs\n",
                (unsigned long long)s->timesteps, (unsigned long long)s->episodes,
                s->window_episodes ? s->mean_return : 0.0, s->steps_per_second, eta);
    }
    if (stop_signal) return 1;
    if (p->eval_freq && s->timesteps >= p->next_eval) {
        p->next_eval = next_multiple(s->timesteps, p->eval_freq);
        run_log_flush(p->log); /* the files are current while it runs */
        run_log_flush(p->v01);
        if (periodic_eval(p, s)) return 1;
    }
    if (p->save_freq && s->timesteps >= p->next_save) {
        p->next_save = next_multiple(s->timesteps, p->save_freq);
        periodic_save(p, s);
    }
    return stop_signal != 0; /* it may have come during the evaluation or the save */
}

/* ---- --resume ---- */

/* Lists the command line's settings named in `names` as "--a, --b", or
 * "" if there are none. */
static void given_names(const train_request *req, const char *const *names, size_t n_names,
                        char *out, size_t size)
{
    out[0] = '\0';
    for (size_t k = 0; k < req->n_given; k++) {
        if (!in_list(req->given[k].name, names, n_names)) continue;
        char what[600];
        origin(&req->given[k], what, sizeof what);
        if (strstr(out, what)) continue;
        if (*out) strncat(out, ", ", size - strlen(out) - 1);
        strncat(out, what, size - strlen(out) - 1);
    }
}

/* Before anything is created: refuses what a resumed run cannot honour. */
static void check_resume_flags(const train_request *req)
{
    char list[800];
    given_names(req, init_only_names, COUNT(init_only_names), list, sizeof list);
    if (*list)
        fail("%s only shape%s a new network's initial weights; with --resume the network is the "
             "checkpoint's", list, strchr(list, ',') ? "" : "s");
}

/* Loads the checkpoint into `tr`, explaining a failure. */
static void resume_from(const train_request *req, a2c_trainer *tr)
{
    errno = 0;
    const a2c_status rc = a2c_trainer_load(tr, req->resume);
    if (rc == A2C_OK) return;
    const int saved_errno = errno;
    char detail[600];
    snprintf(detail, sizeof detail, "%s", library_detail());
    if (rc == A2C_E_FORMAT) {
        a2c_net *net = NULL;
        if (a2c_net_load(&net, req->resume, NULL) == A2C_OK) {
            a2c_net_destroy(net);
            fail("'%s' is a net checkpoint (no optimizer state); it can be evaluated with "
                 "a2c eval but not resumed", req->resume);
        }
    }
    if (rc == A2C_E_INVALID_ARG) {
        char list[800];
        given_names(req, shape_names, COUNT(shape_names), list, sizeof list);
        fail("cannot resume from '%s': its network or optimizer differs from these settings "
             "(%s%s)%s", req->resume, *list ? "given: " : "give the net_arch, activation_fn, "
             "shared_trunk and use_rms_prop it was trained with", list, detail);
    }
    fail("cannot resume from '%s': %s%s", req->resume, file_error(rc, saved_errno), detail);
}

/* After a successful load: says on stderr what this command line applies
 * to the resumed run. */
static void describe_resume(const train_request *req, uint64_t start)
{
    fprintf(stderr, "resuming from %s at timestep %llu: network, optimizer state, generators "
            "and progress from the checkpoint; hyperparameters from this command line",
            req->resume, (unsigned long long)start);
    char list[800] = "";
    for (size_t k = 0; k < req->n_given; k++) {
        const char *name = req->given[k].name;
        if (!strcmp(name, "seed") || !strcmp(name, "n_timesteps") || !strcmp(name, "n_threads"))
            continue;
        char what[600];
        origin(&req->given[k], what, sizeof what);
        if (strstr(list, what)) continue;
        if (*list) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, what, sizeof list - strlen(list) - 1);
    }
    fprintf(stderr, " (%s%s%s)\n", req->conf_path ? "the -conf entry" : "the preset",
            *list ? " and " : "", list);
    for (size_t k = 0; k < req->n_given; k++)
        if (!strcmp(req->given[k].name, "seed")) {
            fprintf(stderr, "  the seed %llu only seeds the evaluations: the training "
                    "generators continue from the checkpoint\n", (unsigned long long)req->seed);
            break;
        }
}

/* ---- the run's files: --log, --log-dir ---- */

/* A setting's value as config.yml shows it: the enums by name. */
static void setting_text(const a2c_config *cfg, a2c_param p, char *out, size_t size)
{
    int is_int = 0;
    int64_t i = 0;
    double d = 0.0;
    a2c_param_is_integer(p, &is_int);
    if (!is_int) {
        a2c_config_get_double(cfg, p, &d);
        snprintf(out, size, "%.10g", d);
        return;
    }
    a2c_config_get_int(cfg, p, &i);
    if (p == A2C_PARAM_ACTIVATION_FN) snprintf(out, size, "%s", i ? "relu" : "tanh");
    else if (p == A2C_PARAM_LR_SCHEDULE || p == A2C_PARAM_ENT_SCHEDULE)
        snprintf(out, size, "%s", i ? "linear" : "constant");
    else if (p == A2C_PARAM_VALUE_LOSS) snprintf(out, size, "%s", i ? "huber" : "mse");
    else snprintf(out, size, "%lld", (long long)i);
}

static void put_widths(FILE *fp, const int32_t *w, size_t n)
{
    fputc('[', fp);
    for (size_t k = 0; k < n; k++) fprintf(fp, "%s%d", k ? ", " : "", (int)w[k]);
    fputc(']', fp);
}

/* config.yml: the run's settings as `key: value` lines, every library
 * parameter included, so that a report can show and compare them. */
static void write_run_config(const char *path, const train_request *req)
{
    FILE *fp = fopen(path, "w");
    if (!fp) fail("cannot write '%s': %s", path, strerror(errno));
    fprintf(fp, "env_id: %s\nseed: %llu\nn_timesteps: %llu\nn_envs: %u\nliba2c_version: %s\n",
            req->env_id, (unsigned long long)req->seed, (unsigned long long)req->timesteps,
            req->n_envs, a2c_version_string());
    if (req->resume) fprintf(fp, "resumed_from: %s\n", req->resume);
    for (int p = FIRST_PARAM; a2c_param_name((a2c_param)p); p++) {
        if (p == A2C_PARAM_N_ENVS || p == A2C_PARAM_SEED) continue; /* above */
        char value[64];
        setting_text(req->cfg, (a2c_param)p, value, sizeof value);
        fprintf(fp, "%s: %s\n", a2c_param_name((a2c_param)p), value);
    }
    int32_t pi[A2C_MAX_LAYERS], vf[A2C_MAX_LAYERS];
    size_t n_pi = 0, n_vf = 0;
    a2c_config_get_net_arch(req->cfg, pi, &n_pi, vf, &n_vf);
    fputs("net_arch: ", fp);
    if (n_pi == n_vf && !memcmp(pi, vf, n_pi * sizeof *pi)) {
        put_widths(fp, pi, n_pi);
    } else {
        fputs("dict(pi=", fp);
        put_widths(fp, pi, n_pi);
        fputs(", vf=", fp);
        put_widths(fp, vf, n_vf);
        fputc(')', fp);
    }
    fputc('\n', fp);
    if (ferror(fp) | (fclose(fp) != 0)) fail("cannot write '%s': %s", path, strerror(errno));
}

/* mkdir -p: `path` and any of its parents that do not exist yet. */
static void make_directories(const char *path)
{
    if (!*path) fail("--log-dir is empty");
    char *copy = malloc(strlen(path) + 1);
    if (!copy) fail("out of memory");
    strcpy(copy, path);
    for (char *p = copy + 1; ; p++) {
        const int end = *p == '\0';
        if (*p != '/' && !end) continue;
        *p = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST) {
            const int saved = errno;
            free(copy);
            fail("cannot make the directory '%s': %s", path, strerror(saved));
        }
        if (end) break;
        *p = '/';
    }
    free(copy);
}

/* DIR/NAME, allocated. */
static char *path_in(const char *dir, const char *name)
{
    const size_t size = strlen(dir) + strlen(name) + 2;
    char *path = malloc(size);
    if (!path) fail("out of memory");
    snprintf(path, size, "%s/%s", dir, name);
    return path;
}

/* --log FILE: 0.1's columns in FILE; --log-dir DIR: DIR/progress.csv,
 * DIR/monitor.csv and DIR/config.yml, the directory (and its parents)
 * made if need be. */
static void open_logs(const train_request *req, progress *p)
{
    if (req->log_path) p->v01 = run_log_open_v01(req->log_path, req->eval_freq != 0);
    if (!req->log_dir) return;
    make_directories(req->log_dir);
    char *progress_path = path_in(req->log_dir, "progress.csv");
    char *monitor_path = path_in(req->log_dir, "monitor.csv");
    char *config_path = path_in(req->log_dir, "config.yml");
    write_run_config(config_path, req);
    p->log = run_log_open(progress_path, monitor_path, req->env_id);
    free(progress_path);
    free(monitor_path);
    free(config_path);
}

/* Training diverged beyond what the guard allows: the trainer holds the
 * last good parameters, which are saved (with --save) before the run fails. */
static void save_diverged(const char *save, a2c_trainer *tr, const progress *p)
{
    if (p->last.rollbacks)
        fprintf(stderr, "guard: %llu rollbacks before training stopped\n",
                (unsigned long long)p->last.rollbacks);
    if (!save) return;
    errno = 0;
    const a2c_status rc = a2c_trainer_save(tr, save);
    if (rc != A2C_OK)
        fail("cannot save '%s': %s%s", save, file_error(rc, errno), library_detail());
    fprintf(stderr, "training diverged; the last good parameters are saved in %s\n", save);
}

/* The health summary at the end: each condition raised, and when. */
static void print_health(FILE *fp, const progress *p)
{
    int any = 0;
    for (int code = 1; code <= (int)A2C_CONDITION_COUNT; code++) {
        uint64_t update = 0, step = 0;
        if (a2c_monitor_first_raised(p->monitor, code, &update, &step) != A2C_OK) continue;
        fprintf(fp, "%s%s (from timestep %llu)", any ? ", " : "health: raised ",
                a2c_condition_name(code), (unsigned long long)step);
        any = 1;
    }
    fprintf(fp, "%s\n", any ? "" : "health: no condition raised");
    if (p->last.rollbacks)
        fprintf(fp, "guard: %llu rollbacks, learning rate x%g\n",
                (unsigned long long)p->last.rollbacks, p->last.lr_scale);
}

#ifdef A2C_CLI_MPI
/* ---- a2c-mpi: this command on every rank of MPI_COMM_WORLD ----
 *
 * Built with -DA2C_CLI_MPI into a2c-mpi (make mpi; docs/mpi.md) and
 * started with mpirun.  -n/--n-timesteps counts the env steps of all ranks:
 * each rank takes n / ranks (rounded down; whole rollouts, as always).
 * Each rank trains on its own n_envs environments, seeded
 * a2c_mpi_rank_seed(seed, rank), and liba2c_mpi averages the gradients at
 * every update.  Rank 0 alone prints, logs, evaluates and saves: the other
 * ranks' stdout goes to /dev/null and they print only their errors (an
 * error every rank meets, such as a bad flag, is printed by each).  The
 * timesteps, episodes and steps/s shown and logged are those of all ranks;
 * the mean return is that of rank 0's last 100 episodes.  Every rank stops
 * after the same update (a signal to any of them stops all).  A rank that
 * fails exits through fail(), and the exit handler then aborts the whole
 * job, so that no rank waits forever for it.  One thread per rank unless
 * --threads is given. */
#include <a2c/a2c_mpi.h>

static struct {
    int rank, size;
    a2c_mpi *group;
} mpi = {0, 1, NULL};

/* At exit, unless the run ended well: aborts the job.  Ranks other than 0
 * first give rank 0 a second, in case it meets the same failure and is
 * still saving the last good parameters (a diverged run) or printing. */
static void abort_unless_finalized(void)
{
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (finalized) return;
    if (mpi.rank > 0) {
        const struct timespec grace = {1, 0};
        nanosleep(&grace, NULL);
    }
    MPI_Abort(MPI_COMM_WORLD, 2);
}

static void mpi_start(int *argc, char ***argv)
{
    /* whole lines: the ranks' messages then never mix within a line */
    static char line[BUFSIZ];
    setvbuf(stderr, line, _IOLBF, sizeof line);
    if (MPI_Init(argc, argv) != MPI_SUCCESS) fail("MPI_Init failed");
    atexit(abort_unless_finalized);
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi.size);
    if (mpi.rank > 0 && !freopen("/dev/null", "w", stdout))
        fail("rank %d: cannot send its stdout to /dev/null", mpi.rank);
}

/* After parsing: this rank's seed and share of the steps; what only
 * rank 0 does is taken from the others' request. */
static void mpi_setup(train_request *req)
{
    if (req->resume)
        fail("--resume: a2c-mpi cannot resume a run yet (every rank would continue the "
             "checkpoint's generators); use a2c train");
    if (req->timesteps < (uint64_t)mpi.size)
        fail("-n/--n-timesteps %llu is less than one step for each of the %d ranks",
             (unsigned long long)req->timesteps, mpi.size);
    const uint64_t seed = a2c_mpi_rank_seed(req->seed, mpi.rank);
    if (a2c_config_set_int(req->cfg, A2C_PARAM_SEED, (int64_t)seed) != A2C_OK)
        fail("cannot set the seed of rank %d%s", mpi.rank, library_detail());
    int threads_given = 0;
    for (size_t k = 0; k < req->n_given; k++)
        threads_given |= strcmp(req->given[k].name, "n_threads") == 0;
    if (mpi.size > 1 && !threads_given) {
        if (a2c_config_set_int(req->cfg, A2C_PARAM_N_THREADS, 1) != A2C_OK)
            fail("cannot set the number of threads%s", library_detail());
        req->threads = 1;
    }
    if (mpi.rank > 0) {
        req->save = req->log_path = req->log_dir = NULL;
        req->eval_freq = req->save_freq = 0;
        req->eval_episodes = 0;
    }
}

static void mpi_attach(a2c_trainer *tr)
{
    if (a2c_mpi_attach(tr, MPI_COMM_WORLD, &mpi.group) != A2C_OK)
        fail("rank %d cannot join the other ranks: %s", mpi.rank, a2c_mpi_last_error());
}

/* on_update, on rank 0, with the totals of all ranks; every rank returns
 * the same decision. */
static int on_update_mpi(const a2c_train_stats *s, void *user)
{
    uint64_t sums[2] = {s->episodes, stop_signal != 0};
    if (MPI_Allreduce(MPI_IN_PLACE, sums, 2, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD) !=
        MPI_SUCCESS)
        fail("rank %d: MPI_Allreduce failed", mpi.rank);
    a2c_train_stats all = *s;
    all.timesteps = s->timesteps * (uint64_t)mpi.size;
    all.episodes = sums[0];
    all.steps_per_second = s->steps_per_second * mpi.size;
    int stop = sums[1] != 0;
    if (mpi.rank == 0) stop |= on_update(&all, user);
    if (MPI_Bcast(&stop, 1, MPI_INT, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
        fail("rank %d: MPI_Bcast failed", mpi.rank);
    return stop;
}

static int train_command(int argc, char **argv);

int cmd_train(int argc, char **argv)
{
    mpi_start(&argc, &argv);
    const int status = train_command(argc, argv);
    MPI_Finalize();
    return status;
}
#endif /* A2C_CLI_MPI */

/* ---- the command ---- */

#ifdef A2C_CLI_MPI
static int train_command(int argc, char **argv)
#else
int cmd_train(int argc, char **argv)
#endif
{
    train_request req;
    train_parse(argc, argv, &req);
    if (req.help) {
        printf("usage: a2c train --env ID [options]\n\n");
        print_train_help(stdout);
        return 0;
    }
#ifdef A2C_CLI_MPI
    mpi_setup(&req);
#endif
    const char *env_id = req.env_id, *save = req.save, *resume = req.resume;
    const uint32_t eval_episodes = req.eval_episodes;
    const int json = req.json;
    a2c_config *cfg = req.cfg;
    const uint64_t timesteps = req.timesteps, seed = req.seed;
    const uint32_t n_envs = req.n_envs;
    const int threads = req.threads;
    if (resume) check_resume_flags(&req);

    a2c_env *env = make_env(env_id, n_envs);
    a2c_trainer *tr = NULL;
    a2c_status rc = a2c_trainer_create(&tr, cfg, env);
    if (rc != A2C_OK)
        fail("cannot create the trainer: %s%s", a2c_strerror(rc), library_detail());
#ifdef A2C_CLI_MPI
    mpi_attach(tr);
#endif
    if (resume) resume_from(&req, tr);
    const uint64_t start_steps = a2c_trainer_timesteps(tr);
    if (resume && timesteps <= start_steps)
        fail("cannot resume '%s' to %llu timesteps: it holds %llu already (-n/--timesteps counts "
             "from the start of the first run)", resume, (unsigned long long)timesteps,
             (unsigned long long)start_steps);
    if (save) check_writable("--save", save);

    progress p = {0};
    p.total = timesteps;
    p.last.mean_return = (double)NAN; /* until an update reports */
    p.next_plain = start_steps + (timesteps - start_steps) / 10;
    p.plain_step = (timesteps - start_steps) / 10;
    p.live = IS_TERMINAL(stderr);
    p.has_threshold = a2c_env_reward_threshold(env_id, &p.threshold) == A2C_OK;
    p.tr = tr;
    p.seed = seed;
    if (req.eval_freq) {
        p.eval_env = make_env(env_id, 1);
        p.eval_freq = req.eval_freq;
        p.next_eval = next_multiple(start_steps, req.eval_freq);
        p.eval_episodes = req.eval_freq_episodes;
    }
    if (req.save_freq) {
        p.save = save;
        p.save_freq = req.save_freq;
        p.next_save = next_multiple(start_steps, req.save_freq);
    }
    open_logs(&req, &p);
    if (p.log && req.log_dir) a2c_trainer_set_episode_callback(tr, on_episode, p.log);
    if (a2c_monitor_create(&p.monitor, cfg) != A2C_OK)
        fail("cannot create the health monitor: %s", library_detail());
    if (resume) describe_resume(&req, start_steps);
#ifdef A2C_CLI_MPI
    if (mpi.rank == 0)
        fprintf(stderr, "training A2C on %s: %llu timesteps in all, %d MPI ranks of %u envs "
                "(%llu timesteps each), seed %llu, %d thread%s a rank\n", env_id,
                (unsigned long long)timesteps, mpi.size, n_envs,
                (unsigned long long)(timesteps / (uint64_t)mpi.size), (unsigned long long)seed,
                threads, threads > 1 ? "s" : "");
    install_stop_handlers();
    const double t0 = wall_clock();
    rc = a2c_trainer_learn(tr, timesteps / (uint64_t)mpi.size, on_update_mpi, &p);
#else
    fprintf(stderr, "training A2C on %s: %llu timesteps, %u envs, seed %llu, %d thread%s\n",
            env_id, (unsigned long long)timesteps, n_envs, (unsigned long long)seed, threads,
            threads > 1 ? "s" : "");
    install_stop_handlers();
    const double t0 = wall_clock();
    rc = a2c_trainer_learn(tr, timesteps, on_update, &p);
#endif
    const double wall = wall_clock() - t0;
    if (p.live) fputc('\n', stderr);
    run_log_close(p.log);
    run_log_close(p.v01);
    for (size_t k = 0; k < KEEP_CHECKPOINTS; k++) free(p.kept[k]);
    a2c_env_close(p.eval_env);
    if (p.error[0]) fail("%s", p.error);
    if (rc == A2C_E_NONFINITE) save_diverged(save, tr, &p);
    if (rc != A2C_OK) fail("training failed: %s%s", a2c_strerror(rc), library_detail());
#ifdef A2C_CLI_MPI
    const uint64_t done = a2c_trainer_timesteps(tr) * (uint64_t)mpi.size; /* all ranks' */
#else
    const uint64_t done = a2c_trainer_timesteps(tr);
#endif
    const double sps = wall > 0.0 ? (double)(done - start_steps) / wall : 0.0;
    errno = 0;
    if (save && (rc = a2c_trainer_save(tr, save)) != A2C_OK)
        fail("cannot save '%s': %s%s", save, file_error(rc, errno), library_detail());

    /* an interrupted run is not evaluated: whoever pressed Ctrl-C wants
     * it to end */
    double eval_mean = (double)NAN, eval_std = (double)NAN;
    const int evaluated = eval_episodes > 0 && !stop_signal;
    if (evaluated) {
        const uint32_t n_eval = eval_episodes < n_envs ? eval_episodes : n_envs;
        a2c_env *eval_env = make_env(env_id, n_eval);
        rc = a2c_evaluate(a2c_trainer_net(tr), eval_env, eval_episodes, 1, seed, &eval_mean,
                          &eval_std, NULL);
        a2c_env_close(eval_env);
        if (rc != A2C_OK) fail("evaluation failed: %s%s", a2c_strerror(rc), library_detail());
    }
    const int sig = stop_signal; /* possibly one that came during the evaluation */

    FILE *summary = json ? stderr : stdout;
#ifdef A2C_CLI_MPI
    if (mpi.rank > 0) summary = stdout; /* /dev/null there */
#endif
    if (sig)
        fprintf(summary, "interrupted by %s at timestep %llu of %llu%s\n", signal_name(sig),
                (unsigned long long)done, (unsigned long long)timesteps,
                eval_episodes > 0 && !evaluated ? "; no evaluation" : "");
    if (start_steps)
        fprintf(summary, "trained %llu timesteps (%llu to %llu) in %.2f s (%.0f steps/s); "
                "%llu episodes in all", (unsigned long long)(done - start_steps),
                (unsigned long long)start_steps, (unsigned long long)done, wall, sps,
                (unsigned long long)p.last.episodes);
    else
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
    if (evaluated)
        fprintf(summary, "evaluation, %u greedy episodes: %.1f +/- %.1f\n", eval_episodes,
                eval_mean, eval_std);
    print_health(summary, &p);
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
        printf(", \"eval_episodes\": %u, \"rollbacks\": %llu, \"conditions\": {", eval_episodes,
               (unsigned long long)p.last.rollbacks);
        int first = 1;
        for (int code = 1; code <= (int)A2C_CONDITION_COUNT; code++) {
            uint64_t step = 0;
            if (a2c_monitor_first_raised(p.monitor, code, NULL, &step) != A2C_OK) continue;
            printf("%s\"%s\": %llu", first ? "" : ", ", a2c_condition_name(code),
                   (unsigned long long)step);
            first = 0;
        }
        printf("}}\n");
    }
    fflush(stdout);
    a2c_monitor_destroy(p.monitor);
#ifdef A2C_CLI_MPI
    a2c_mpi_detach(mpi.group);
#endif
    a2c_trainer_destroy(tr);
    a2c_env_close(env);
    train_request_free(&req);
    if (sig) return sig == SIGINT ? 130 : 143;
    return 0;
}
