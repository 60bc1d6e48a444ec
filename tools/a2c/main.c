/* a2c: train and evaluate A2C agents on liba2c's built-in environments.
 *
 *   a2c train --env CartPole-v1 [options]
 *   a2c eval --model FILE --env CartPole-v1 [options]
 *
 * A user of the public API only (include/a2c/a2c.h).  Progress goes to
 * stderr (a live line on a terminal, plain lines otherwise); the result goes
 * to stdout, as one JSON object on the last line with --json. */
/* isatty and fileno, for the live progress line (the library itself is
 * plain C11). */
#define _POSIX_C_SOURCE 200809L

#include <a2c/a2c.h>

#include <errno.h>
#include <math.h>
#include <stdarg.h>
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

/* rl-baselines3-zoo's A2C settings (hyperparams/a2c.yml) for the built-ins;
 * everything not listed stays at SB3's default. */
typedef struct zoo_entry {
    const char *env;
    uint32_t n_envs;
    uint64_t n_timesteps;
    const char *settings[4][2]; /* SB3 name, value */
} zoo_entry;

static const zoo_entry zoo[] = {
    {"CartPole-v1", 8, 500000, {{"ent_coef", "0.0"}}},
};

static const zoo_entry *zoo_for(const char *env)
{
    for (size_t k = 0; k < sizeof zoo / sizeof zoo[0]; k++)
        if (strcmp(zoo[k].env, env) == 0) return &zoo[k];
    return NULL;
}

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("a2c: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

static double now(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* A whole number: digits, optionally in exponent form ("5e5"); no sign,
 * no spaces, no hex.  Plain digits are read exactly (seeds use all 64
 * bits); exponent forms must be exact in a double. */
static uint64_t parse_count(const char *flag, const char *text)
{
    const char *p = text;
    int digits = 0;
    while (*p >= '0' && *p <= '9') p++, digits++;
    if (digits && *p == '\0') {
        errno = 0;
        const unsigned long long v = strtoull(text, NULL, 10);
        if (errno) fail("%s is out of range: '%s'", flag, text);
        return (uint64_t)v;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') p++, digits++;
    }
    if (digits && (*p == 'e' || *p == 'E')) {
        p++;
        if (*p == '+') p++;
        if (!(*p >= '0' && *p <= '9')) digits = 0;
        while (*p >= '0' && *p <= '9') p++;
    }
    char *end;
    const double v = digits && *p == '\0' ? strtod(text, &end) : -1.0;
    if (!(v >= 0) || v > 9007199254740992.0 || v != floor(v))
        fail("%s expects a whole number, not '%s'", flag, text);
    return (uint64_t)v;
}

/* Prints a JSON string literal. */
static void print_json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') printf("\\%c", *c);
        else if (*c < 0x20) printf("\\u%04x", *c);
        else putchar(*c);
    }
    putchar('"');
}

/* The reason a file could not be used, for a2c_*_load / save failures. */
static const char *file_error(a2c_status rc, int saved_errno)
{
    return rc == A2C_E_IO && saved_errno ? strerror(saved_errno) : a2c_strerror(rc);
}

/* Fails early if `path` cannot be written, rather than after training. */
static void check_writable(const char *flag, const char *path)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) fail("%s path too long", flag);
    FILE *fp = fopen(tmp, "wb");
    if (!fp) fail("cannot write '%s': %s", path, strerror(errno));
    fclose(fp);
    remove(tmp);
}

static const char *known_envs(void)
{
    static char list[256];
    list[0] = '\0';
    for (size_t k = 0; a2c_env_name(k); k++) {
        if (k) strncat(list, ", ", sizeof list - strlen(list) - 1);
        strncat(list, a2c_env_name(k), sizeof list - strlen(list) - 1);
    }
    return list;
}

static a2c_env *make_env(const char *id, uint32_t n)
{
    if (!id) fail("--env is required (built-ins: %s)", known_envs());
    int known = 0;
    for (size_t k = 0; a2c_env_name(k); k++) known |= strcmp(a2c_env_name(k), id) == 0;
    if (!known) fail("unknown environment '%s' (built-ins: %s)", id, known_envs());
    a2c_env *env = NULL;
    const a2c_status rc = a2c_env_make(&env, id, n, NULL);
    if (rc != A2C_OK) fail("cannot create environment '%s': %s", id, a2c_strerror(rc));
    return env;
}

static void usage(FILE *fp)
{
    fprintf(fp,
            "usage: a2c train --env ID [options]\n"
            "       a2c eval --model FILE --env ID [--episodes N] [--seed S] [--stochastic] "
            "[--json]\n"
            "       a2c --version | --help\n\n"
            "train options (defaults: rl-baselines3-zoo's A2C settings for the env):\n"
            "  --timesteps N            env steps in all (CartPole-v1: 500000)\n"
            "  --seed S                 seed of everything random (0)\n"
            "  --n-envs N               parallel environments (CartPole-v1: 8)\n"
            "  --n-steps N  --learning-rate X|lin_X  --gamma X  --gae-lambda X\n"
            "  --ent-coef X  --vf-coef X  --max-grad-norm X  --rms-prop-eps X\n"
            "  --use-rms-prop 0|1  --normalize-advantage 0|1\n"
            "  --net-arch 64,64|dict(pi=[..],vf=[..])  --activation tanh|relu\n"
            "                           SB3's hyperparameters, SB3's defaults\n"
            "  --save FILE              save the trained agent (a resumable checkpoint)\n"
            "  --resume FILE            continue training from a checkpoint\n"
            "  --log FILE.csv           one row of statistics per update\n"
            "  --eval-episodes N        greedy evaluation episodes afterwards (100; 0 = none)\n"
            "  --threads 1|2            threads for training (2 if the machine has 2 CPUs);\n"
            "                           the results are the same either way\n"
            "  --json                   end stdout with one JSON object\n\n"
            "built-in environments: %s\n",
            known_envs());
}

/* ---- train ---- */

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

static void print_json_number(double v, int digits)
{
    if (isfinite(v)) printf("%.*g", digits, v);
    else printf("null");
}

static int cmd_train(int argc, char **argv)
{
    const char *env_id = NULL, *save = NULL, *resume = NULL, *log_path = NULL;
    uint64_t timesteps = 0, seed = 0;
    uint32_t n_envs = 0, eval_episodes = 100;
    int json = 0, have_timesteps = 0, threads = ONLINE_CPUS() >= 2 ? 2 : 1;
    a2c_config *cfg;
    if (a2c_config_create(&cfg, NULL) != A2C_OK) fail("out of memory");
    /* hyperparameter flags, applied after the zoo defaults: SB3 name,
     * value, and the flag as the user wrote it */
    const char *hyper[32][3];
    size_t n_hyper = 0;
    for (int k = 2; k < argc; k++) {
        const char *flag = argv[k];
        if (!strcmp(flag, "--json")) {
            json = 1;
            continue;
        }
        if (strncmp(flag, "--", 2) != 0) fail("unexpected argument '%s' (see a2c --help)", flag);
        if (k + 1 >= argc || strncmp(argv[k + 1], "--", 2) == 0) fail("%s needs a value", flag);
        const char *value = argv[++k];
        if (!strcmp(flag, "--env")) env_id = value;
        else if (!strcmp(flag, "--timesteps")) timesteps = parse_count(flag, value), have_timesteps = 1;
        else if (!strcmp(flag, "--seed")) seed = parse_count(flag, value);
        else if (!strcmp(flag, "--n-envs")) {
            const uint64_t n = parse_count(flag, value);
            if (n < 1 || n > 65536) fail("--n-envs must be between 1 and 65536");
            n_envs = (uint32_t)n;
        } else if (!strcmp(flag, "--threads")) {
            const uint64_t n = parse_count(flag, value);
            if (n < 1 || n > 2) fail("--threads must be 1 or 2");
            threads = (int)n;
        } else if (!strcmp(flag, "--save")) save = value;
        else if (!strcmp(flag, "--resume")) resume = value;
        else if (!strcmp(flag, "--log")) log_path = value;
        else if (!strcmp(flag, "--eval-episodes")) {
            const uint64_t n = parse_count(flag, value);
            if (n > 1000000) fail("--eval-episodes is at most 1000000");
            eval_episodes = (uint32_t)n;
        } else {
            static const char *names[][2] = {
                {"--n-steps", "n_steps"},         {"--learning-rate", "learning_rate"},
                {"--gamma", "gamma"},             {"--gae-lambda", "gae_lambda"},
                {"--ent-coef", "ent_coef"},       {"--vf-coef", "vf_coef"},
                {"--max-grad-norm", "max_grad_norm"}, {"--rms-prop-eps", "rms_prop_eps"},
                {"--use-rms-prop", "use_rms_prop"}, {"--normalize-advantage", "normalize_advantage"},
                {"--net-arch", "net_arch"},       {"--activation", "activation_fn"},
            };
            const char *name = NULL;
            for (size_t j = 0; j < sizeof names / sizeof names[0]; j++)
                if (!strcmp(flag, names[j][0])) name = names[j][1];
            if (!name) fail("unknown option '%s' (see a2c --help)", flag);
            if (n_hyper == 32) fail("too many options");
            hyper[n_hyper][0] = name;
            hyper[n_hyper][1] = value;
            hyper[n_hyper++][2] = flag;
        }
    }
    a2c_env *env = make_env(env_id, 1); /* checks the id before anything runs */
    a2c_env_close(env);
    const zoo_entry *z = zoo_for(env_id);
    if (!n_envs) n_envs = z ? z->n_envs : 1;
    if (!have_timesteps) timesteps = z ? z->n_timesteps : 100000;
    for (size_t k = 0; z && k < 4 && z->settings[k][0]; k++)
        if (a2c_config_set_string(cfg, z->settings[k][0], z->settings[k][1]) != A2C_OK)
            fail("bad zoo setting %s", z->settings[k][0]);
    for (size_t k = 0; k < n_hyper; k++) {
        const a2c_status rc = a2c_config_set_string(cfg, hyper[k][0], hyper[k][1]);
        if (rc != A2C_OK)
            fail("invalid value '%s' for %s: %s", hyper[k][1], hyper[k][2], a2c_strerror(rc));
    }
    if (a2c_config_set_int(cfg, A2C_PARAM_SEED, (int64_t)(seed & INT64_MAX)) != A2C_OK ||
        a2c_config_set_int(cfg, A2C_PARAM_N_ENVS, n_envs) != A2C_OK ||
        a2c_config_set_int(cfg, A2C_PARAM_N_THREADS, threads) != A2C_OK)
        fail("invalid seed, number of environments or threads");

    env = make_env(env_id, n_envs);
    a2c_trainer *tr = NULL;
    a2c_status rc = a2c_trainer_create(&tr, cfg, env);
    if (rc != A2C_OK) fail("cannot create the trainer: %s", a2c_strerror(rc));
    errno = 0;
    if (resume && (rc = a2c_trainer_load(tr, resume)) != A2C_OK)
        fail("cannot resume from '%s': %s", resume,
             rc == A2C_E_INVALID_ARG ? "its network or optimizer differs from these settings"
                                     : file_error(rc, errno));
    if (save) check_writable("--save", save);

    progress p = {0};
    const uint64_t start_steps = a2c_trainer_timesteps(tr);
    p.total = timesteps;
    p.last.mean_return = NAN; /* until an update reports */
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
    if (rc != A2C_OK) fail("training failed: %s", a2c_strerror(rc));
    const uint64_t done = a2c_trainer_timesteps(tr);
    const double sps = wall > 0.0 ? (double)(done - start_steps) / wall : 0.0;
    errno = 0;
    if (save && (rc = a2c_trainer_save(tr, save)) != A2C_OK)
        fail("cannot save '%s': %s", save, file_error(rc, errno));

    double eval_mean = NAN, eval_std = NAN;
    if (eval_episodes > 0) {
        const uint32_t n_eval = eval_episodes < n_envs ? eval_episodes : n_envs;
        a2c_env *eval_env = make_env(env_id, n_eval);
        rc = a2c_evaluate(a2c_trainer_net(tr), eval_env, eval_episodes, 1, seed, &eval_mean,
                          &eval_std, NULL);
        a2c_env_close(eval_env);
        if (rc != A2C_OK) fail("evaluation failed: %s", a2c_strerror(rc));
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

/* ---- eval ---- */

static int cmd_eval(int argc, char **argv)
{
    const char *model = NULL, *env_id = NULL;
    uint64_t seed = 0, episodes = 100;
    int json = 0, deterministic = 1;
    for (int k = 2; k < argc; k++) {
        const char *flag = argv[k];
        if (!strcmp(flag, "--json")) json = 1;
        else if (!strcmp(flag, "--stochastic")) deterministic = 0;
        else if (strncmp(flag, "--", 2) != 0) fail("unexpected argument '%s' (see a2c --help)", flag);
        else if (k + 1 >= argc || strncmp(argv[k + 1], "--", 2) == 0)
            fail("%s needs a value", flag);
        else if (!strcmp(flag, "--model")) model = argv[++k];
        else if (!strcmp(flag, "--env")) env_id = argv[++k];
        else if (!strcmp(flag, "--seed")) seed = parse_count(flag, argv[++k]);
        else if (!strcmp(flag, "--episodes")) episodes = parse_count(flag, argv[++k]);
        else fail("unknown option '%s' (see a2c --help)", flag);
    }
    if (!model) fail("--model is required");
    if (episodes < 1 || episodes > 1000000) fail("--episodes must be between 1 and 1000000");
    a2c_net *net = NULL;
    errno = 0;
    a2c_status rc = a2c_net_load(&net, model, NULL);
    if (rc != A2C_OK) fail("cannot load model '%s': %s", model, file_error(rc, errno));
    a2c_env *env = make_env(env_id, 1);
    if (env->obs_dim != a2c_net_obs_dim(net) || env->action_dim != a2c_net_n_actions(net))
        fail("model '%s' has %zu inputs and %zu actions; %s has %u and %u", model,
             a2c_net_obs_dim(net), a2c_net_n_actions(net), env_id, env->obs_dim, env->action_dim);
    double mean, std;
    rc = a2c_evaluate(net, env, (uint32_t)episodes, deterministic, seed, &mean, &std, NULL);
    if (rc != A2C_OK) fail("evaluation failed: %s", a2c_strerror(rc));
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

int main(int argc, char **argv)
{
    if (a2c_version_number() != A2C_VERSION_NUMBER)
        fail("built with liba2c %s but running with %s", A2C_VERSION_STRING, a2c_version_string());
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("a2c (liba2c) %s\n", a2c_version_string());
        return 0;
    }
    if (!strcmp(argv[1], "train")) return cmd_train(argc, argv);
    if (!strcmp(argv[1], "eval")) return cmd_eval(argc, argv);
    fail("unknown command '%s' (see a2c --help)", argv[1]);
    return 2;
}
