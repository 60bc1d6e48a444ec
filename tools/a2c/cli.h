/* Shared declarations of the a2c command, whose sources are tools/a2c/.
 *
 *   main.c     dispatch, --help, --version
 *   train.c    a2c train: the flags derived from the parameter table, the
 *              zoo's flags, the training run, signals, periodic evaluation
 *              and checkpoints
 *   eval.c     a2c eval
 *   export.c   a2c export: a saved policy as C source
 *   report.c   a2c report: training runs' CSV files as one HTML page
 *   svg.c      the report's figures, as inline SVG
 *   common.c   errors, argument reading, number parsing, JSON, files,
 *              environments
 *   presets.c  the library's presets, for --help, and rl-baselines3-zoo's
 *              YAML files (-conf)
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

/* ---- commands (train.c, eval.c, export.c, report.c) ---- */

/* Each takes main's argc/argv (argv[1] is the command name) and returns
 * the exit status; a failure exits through fail(). */
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);

/* Help text of each command, without the usage line, for `a2c --help`
 * and the command's own --help. */
void print_train_help(FILE *fp);
void print_eval_help(FILE *fp);
void print_export_help(FILE *fp);
void print_report_help(FILE *fp);

/* ---- the report's figures (svg.c) ---- */

/* Text that grows as it is appended to; fails ("out of memory") rather
 * than returning an error.  Start from {0}; free(data) when done. */
typedef struct text_buf {
    char *data;
    size_t len, cap;
} text_buf;

void buf_printf(text_buf *b, const char *fmt, ...) CLI_PRINTF(2, 3);
void buf_puts(text_buf *b, const char *s);
void buf_escaped(text_buf *b, const char *s); /* as HTML text or attribute */

/* The colour of the run at this index (#rrggbb; static storage). */
const char *run_colour(size_t run);

/* How a series is drawn. */
enum { MARK_LINE, MARK_THIN, MARK_POINTS };

/* One run's values of one quantity against environment steps: y is NaN
 * where the run had no value (the line breaks there); err, if not NULL,
 * gives the half-height of an error bar (MARK_POINTS only). */
typedef struct plot_series {
    const double *x, *y, *err;
    size_t n;
    size_t run; /* its colour and legend entry */
    int mark;
} plot_series;

/* One plot of a figure. */
typedef struct plot_panel {
    const char *title, *y_label;
    int log_y;        /* a log10 axis, if some value is positive */
    int show_markers; /* draw the figure's rollback markers */
    plot_series *series;
    size_t n_series;
} plot_panel;

/* A divergence-guard rollback, drawn as a vertical line. */
typedef struct plot_marker {
    double x;
    size_t run;
    const char *reason;
} plot_marker;

/* Panels that share the x axis (environment steps), laid out `columns`
 * to a row, under a title, an optional note and a legend of the runs
 * (when there are several). */
typedef struct plot_figure {
    const char *name; /* data-figure attribute */
    const char *title, *note;
    const plot_panel *panels;
    size_t n_panels;
    int columns;
    const char *const *run_labels;
    size_t n_runs;
    const plot_marker *markers;
    size_t n_markers;
    double x_max; /* where the x axis ends at least (0: at the last value) */
} plot_figure;

/* Appends the figure as one <svg data-figure="NAME"> element.  Each
 * polyline keeps at most about 2000 points (the lowest and highest of
 * consecutive buckets), so long runs stay small. */
void svg_figure(text_buf *b, const plot_figure *fig);

/* The steps [x0, x1) over which a health condition was active in a run. */
typedef struct health_band {
    size_t lane, run;
    double x0, x1;
} health_band;

/* The health figure: one lane per condition name, one band per stretch
 * of updates where it was active (stacked by run within the lane). */
typedef struct health_lanes {
    const char *const *lane_names;
    size_t n_lanes;
    const health_band *bands;
    size_t n_bands;
    double x_max; /* the last step of any run */
    const char *const *run_labels;
    size_t n_runs;
} health_lanes;

/* Appends the health figure as <svg data-figure="health">, saying "no
 * health condition raised" when there are no lanes. */
void svg_health(text_buf *b, const health_lanes *h);

/* ---- rl-baselines3-zoo's YAML files (presets.c) ---- */

/* One `key: value` line of a -conf file, the value as the zoo's YAML
 * loader would give it, written back as text: quotes and tags removed,
 * booleans as True/False.  `problem` is set instead of `value` for YAML
 * the reader does not follow (a nested list, an anchor, ...), which is an
 * error only if the setting is used; `key` is then the key, if any. */
typedef struct conf_setting {
    const char *key, *value;
    int line;
    const char *problem;
} conf_setting;

/* A -conf file, and the entry of one environment in it. */
typedef struct conf_file {
    const char *path;       /* for messages */
    char *text;             /* the file's bytes, cut in place; freed by conf_free */
    conf_setting *all;      /* every entry's settings, in file order */
    const char **ids;       /* every entry's environment id, in file order */
    size_t n_ids;
    size_t *first;          /* index in `all` of each entry's first setting, and the end */
    const conf_setting *settings; /* the chosen entry's, in file order (into `all`) */
    size_t n_settings;
} conf_file;

/* Parses `text` (NUL-terminated, `size` bytes before the NUL, writable;
 * `cf` owns it from now on) as the zoo's hyperparameter YAML and picks
 * the entry of `env_id` (the last one if the file has several).  Fails,
 * naming `path` and the line, on what is not YAML, and if the file has no
 * entry for `env_id` (listing the ones it has).  Neither the keys nor the
 * settings' problems are checked here. */
void conf_parse(conf_file *cf, const char *path, char *text, size_t size, const char *env_id);

/* Reads the file `path` and parses it as conf_parse does. */
void conf_load(conf_file *cf, const char *path, const char *env_id);

/* Frees what `cf` holds and empties it; an empty one is a no-op. */
void conf_free(conf_file *cf);

/* Prints the library's presets (a2c_preset_name, a2c_preset_setting). */
void print_presets(FILE *fp);

/* ---- a2c train's command line (train.c) ---- */

/* A setting from the command line (a flag, or one name:value of
 * --hyperparams) or from a -conf file, and where it came from. */
typedef struct setting {
    const char *name;  /* SB3 or zoo name ("gamma", "n_timesteps") */
    const char *value; /* as written */
    const char *flag;  /* "--gamma", "-n", "--hyperparams"; NULL from a file */
    const char *file;  /* the -conf file it came from, or NULL */
    int line;          /* its line there */
} setting;

/* What an a2c train command line asks for. */
typedef struct train_request {
    int help; /* --help was given: nothing else is filled in */
    const char *env_id, *save, *resume, *log_path, *conf_path; /* NULL if not given */
    const char *log_dir;      /* --log-dir, or NULL */
    uint32_t eval_episodes;   /* final evaluation */
    uint32_t eval_freq_episodes; /* each periodic evaluation */
    uint64_t eval_freq, save_freq; /* env steps; 0 = off */
    int json;
    uint64_t timesteps, seed;
    uint32_t n_envs;
    int threads;
    a2c_config *cfg;    /* SB3's defaults, the preset or -conf entry, the flags,
                         * seed, n_envs and threads; the caller's */
    setting *given;     /* the command line's settings, in order (n_given) */
    size_t n_given;
    conf_file conf;     /* the -conf file, if any */
} train_request;

/* Reads a2c train's arguments (argv[2..]) and builds the run's
 * configuration, checking every flag and value; it neither trains nor
 * writes a file (it reads a -conf file).  A failure exits through
 * fail(). */
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
/* What conf_load reads, whatever the path, while fuzzing (NULL: it
 * refuses): the target touches no file. */
extern const char *cli_fuzz_conf;
extern size_t cli_fuzz_conf_size;
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

/* Reads a whole text file of at most `max` bytes into a new
 * NUL-terminated buffer (the caller frees it); *size gets its length.
 * Fails naming `flag` and the file. */
char *read_text_file(const char *flag, const char *path, size_t max, size_t *size);

/* ---- reading the command line (common.c) ---- */

/* Walks a command's arguments flag by flag.  A flag is "--name" or, for
 * the zoo's short spellings, "-name" (a letter after the dash).  Its value
 * is either the next argument ("--gamma 0.98") or joined to it
 * ("--gamma=0.98"). */
typedef struct arg_reader {
    int argc;
    char **argv;
    int next;                 /* index of the next argument */
    const char *command;      /* "train", "eval" or "export", for messages */
    const char *flag;         /* the current flag, without any "=value" */
    const char *joined_value; /* the text after '=' in "--flag=value", else NULL */
} arg_reader;

/* Nonzero if argv[first..argc-1] holds "--help" or "-h" anywhere: a
 * command then prints its help whatever else is there. */
int args_want_help(int argc, char **argv, int first);

/* Starts reading argv[first..argc-1] for `command`. */
void args_start(arg_reader *r, int argc, char **argv, int first, const char *command);

/* Moves to the next flag; returns 0 after the last one.  Fails on an
 * argument that is not a flag. */
int args_next(arg_reader *r);

/* Nonzero if the current flag is `flag`. */
int args_is(const arg_reader *r, const char *flag);

/* The current flag's value; fails ("needs a value") if it has none.  An
 * argument that looks like a flag is never taken as a value. */
const char *args_value(arg_reader *r);

/* The next argument if it does not start with '-' (taking it), else NULL:
 * for flags that take a list, as the zoo's --hyperparams does. */
const char *args_list_item(arg_reader *r);

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

/* Fails unless `id` names a built-in environment ("--env is required" for
 * NULL). */
void check_env(const char *id);

/* Creates `n` copies of built-in `id`; fails if `id` is NULL or unknown. */
a2c_env *make_env(const char *id, uint32_t n);

/* ---- the run's logs (runlog.c) ---- */

/* Seconds since the epoch, from the C library's clock. */
double wall_clock(void);

/* progress.csv and monitor.csv, as Stable-Baselines3 writes them
 * (docs/cli.md).  Either path may be NULL for no such file; a file that
 * cannot be opened or written fails, naming it. */
typedef struct run_log run_log;
run_log *run_log_open(const char *progress_path, const char *monitor_path, const char *env_id);
/* --log FILE: the 0.1 columns (with `eval_columns`, --eval-freq's kind
 * and return_std too), which this run_log then writes instead. */
run_log *run_log_open_v01(const char *path, int eval_columns);
/* One update's row; `conditions` are the active health conditions' names,
 * space-separated ("" for none). */
void run_log_update(run_log *rl, const a2c_train_stats *s, const char *conditions);
/* An evaluation's row, at the update `s` reported. */
void run_log_eval(run_log *rl, const a2c_train_stats *s, double mean, double std);
void run_log_episode(run_log *rl, const a2c_episode_info *ep);
/* Writes what is buffered (each file then ends at a row's end). */
void run_log_flush(run_log *rl);
/* Flushes and closes both files and frees `rl` (NULL: a no-op). */
void run_log_close(run_log *rl);

#endif
