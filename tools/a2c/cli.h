/* Shared declarations of the a2c command, whose sources are tools/a2c/.
 *
 *   main.c     dispatch, --help, --version
 *   train.c    a2c train, with the flags derived from the parameter table
 *   eval.c     a2c eval
 *   common.c   errors, argument reading, number parsing, JSON, environments
 *   presets.c  per-environment defaults (rl-baselines3-zoo's a2c.yml)
 *
 * The command is a user of liba2c's public API only. */
#ifndef A2C_TOOLS_CLI_H
#define A2C_TOOLS_CLI_H

#include <a2c/a2c.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#define CLI_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#else
#define CLI_PRINTF(fmt_index, first_arg)
#endif

/* ---- commands (train.c, eval.c) ---- */

/* Each takes main's argc/argv (argv[1] is the command name) and returns
 * the exit status; a failure exits through fail(). */
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);

/* Help text of each command, without the usage line, for `a2c --help`
 * and the command's own --help. */
void print_train_help(FILE *fp);
void print_eval_help(FILE *fp);

/* What an a2c train command line asks for (train.c). */
typedef struct train_request {
    int help; /* --help was given: nothing else is filled in */
    const char *env_id, *save, *resume, *log_path; /* NULL if not given */
    uint32_t eval_episodes;
    int json;
    uint64_t timesteps, seed;
    uint32_t n_envs;
    int threads;
    a2c_config *cfg;             /* SB3's defaults, the preset, the flags, seed,
                                  * n_envs and threads; the caller's */
    struct flag_setting *given;  /* scratch of train_parse while it runs */
} train_request;

/* Reads a2c train's arguments (argv[2..]) and builds the run's
 * configuration, checking every flag and value; it neither trains nor
 * touches a file.  A failure exits through fail(). */
void train_parse(int argc, char **argv, train_request *req);

/* Frees what `req` holds; also right after fail() jumped out of
 * train_parse (A2C_CLI_FUZZ below). */
void train_request_free(train_request *req);

/* ---- errors (common.c) ---- */

/* Prints "a2c: " and the message as one line on stderr and exits with
 * status 2.  Nothing must have been printed on stdout before. */
_Noreturn void fail(const char *fmt, ...) CLI_PRINTF(1, 2);

#ifdef A2C_CLI_FUZZ
#include <setjmp.h>
/* For fuzzing, where exit() would count as a crash: while cli_fail_jump
 * is set, fail() writes its message to cli_fail_message and longjmps
 * there instead of printing and exiting. */
extern jmp_buf *cli_fail_jump;
extern char cli_fail_message[512];
#endif

/* What the library says about its last failure on this thread, as
 * " (text)" to append to a message that already holds a2c_strerror(), or
 * "" if the library has nothing to add. */
const char *library_detail(void);

/* The reason a file could not be used, for a2c_*_load / save failures:
 * the system's reason for an I/O error, the library's otherwise. */
const char *file_error(a2c_status rc, int saved_errno);

/* Fails early if `path` cannot be written, rather than after training. */
void check_writable(const char *flag, const char *path);

/* ---- reading the command line (common.c) ---- */

/* Walks a command's arguments flag by flag.  A flag's value is either the
 * next argument ("--gamma 0.98") or joined to it ("--gamma=0.98"). */
typedef struct arg_reader {
    int argc;
    char **argv;
    int next;                 /* index of the next argument */
    const char *command;      /* "train" or "eval", for messages */
    const char *flag;         /* the current flag, without any "=value" */
    const char *joined_value; /* the text after '=' in "--flag=value", else NULL */
} arg_reader;

/* Starts reading argv[first..argc-1] for `command`. */
void args_start(arg_reader *r, int argc, char **argv, int first, const char *command);

/* Moves to the next flag; returns 0 after the last one.  Fails on an
 * argument that is not a flag. */
int args_next(arg_reader *r);

/* Nonzero if the current flag is `flag`. */
int args_is(const arg_reader *r, const char *flag);

/* The current flag's value; fails if it has none. */
const char *args_value(arg_reader *r);

/* Fails if a flag that takes no value was given one ("--json=1"). */
void args_no_value(const arg_reader *r);

/* Fails with "unknown option '--x'". */
_Noreturn void args_unknown(const arg_reader *r);

/* ---- numbers and JSON (common.c) ---- */

/* A whole number ("20000", "5e5"); fails naming `what` otherwise. */
uint64_t parse_count(const char *what, const char *text);

/* A whole number inside the bounds the library gives `param`. */
uint64_t parse_count_in_bounds(const char *what, const char *text, a2c_param param);

/* Prints a JSON string literal / a number (null if not finite) on stdout. */
void print_json_string(const char *s);
void print_json_number(double v, int digits);

/* ---- environments (common.c) ---- */

/* The built-in environments' ids, comma-separated (static storage). */
const char *known_envs(void);

/* Creates `n` copies of built-in `id`; fails if `id` is NULL or unknown. */
a2c_env *make_env(const char *id, uint32_t n);

/* ---- presets (presets.c) ---- */

/* Most key/value pairs one preset may hold. */
#define CLI_PRESET_MAX_SETTINGS 16

/* One environment's defaults, written with rl-baselines3-zoo's keys and
 * values.  Settings end at the first NULL name. */
typedef struct cli_preset {
    const char *env;
    struct {
        const char *name;
        const char *value;
    } settings[CLI_PRESET_MAX_SETTINGS];
} cli_preset;

/* The preset of `env`, or NULL if it has none. */
const cli_preset *cli_preset_for(const char *env);

/* The preset of number `index` (0, 1, ...), NULL past the end. */
const cli_preset *cli_preset_at(size_t index);

#endif
