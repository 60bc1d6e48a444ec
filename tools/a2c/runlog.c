/* The logs of a2c train: in the formats Stable-Baselines3's users already
 * read, progress.csv (SB3's logger: one row per update, the keys as SB3
 * names them, plus liba2c's health and guard columns) and monitor.csv
 * (SB3's Monitor: one row per episode); and --log's own format of 0.1,
 * kept as it was.  docs/cli.md describes the columns.
 *
 * Rows are formatted whole into a buffer, which goes to an unbuffered
 * stream in one write when it fills or a second has passed, so a file only
 * ever ends at the end of a row, even if the process is killed between
 * two writes. */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct log_file {
    FILE *fp;
    char *path;
    char buf[1 << 16];
    size_t len;
    double last_write;
    int saved_errno; /* nonzero once a write failed */
} log_file;

struct run_log {
    log_file progress, monitor;
    int has_progress, has_monitor;
    int v01;          /* progress holds --log's 0.1 columns instead */
    int eval_columns; /* and, with --eval-freq, its kind and return_std */
    double t_start; /* wall clock of the start, monitor.csv's t_start */
};

/* The progress.csv columns, in order; each row fills those it has. */
static const char *const columns[] = {
    "time/total_timesteps", "time/iterations", "time/episodes", "time/fps",
    "time/time_elapsed", "rollout/ep_rew_mean", "rollout/ep_len_mean", "train/n_updates",
    "train/learning_rate", "train/policy_loss", "train/value_loss", "train/entropy_loss",
    "train/loss", "train/explained_variance", "train/grad_norm", "train/approx_kl",
    "train/entropy", "health/entropy_fraction", "health/actor_grad_norm",
    "health/critic_grad_norm", "health/value_loss_ratio", "health/return_std",
    "health/advantage_mean", "health/advantage_std", "health/actor_saturation",
    "health/critic_saturation", "health/update_ratio", "health/value_loss_jump",
    "health/conditions", "guard/rollbacks",
    "guard/lr_scale", "guard/event", "eval/mean_reward", "eval/std_reward",
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

double wall_clock(void)
{
    struct timespec ts;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC) return 0.0;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void log_write(log_file *lf)
{
    if (lf->len && !lf->saved_errno) {
        errno = 0;
        if (fwrite(lf->buf, 1, lf->len, lf->fp) != lf->len || fflush(lf->fp) != 0)
            lf->saved_errno = errno ? errno : EIO;
    }
    lf->len = 0;
    lf->last_write = wall_clock();
}

static void log_row(log_file *lf, const char *row, size_t n)
{
    if (lf->len + n > sizeof lf->buf) log_write(lf);
    memcpy(lf->buf + lf->len, row, n);
    lf->len += n;
    if (wall_clock() - lf->last_write >= 1.0) log_write(lf);
}

static void log_open(log_file *lf, const char *path)
{
    lf->fp = fopen(path, "w");
    if (!lf->fp) fail("cannot write '%s': %s", path, strerror(errno));
    lf->path = malloc(strlen(path) + 1);
    if (!lf->path) fail("out of memory");
    strcpy(lf->path, path);
    setvbuf(lf->fp, NULL, _IONBF, 0); /* rows are buffered whole here */
    lf->last_write = wall_clock();
}

/* Writes what is buffered and closes; fails naming the file if any
 * write failed. */
static void log_close(log_file *lf)
{
    log_write(lf);
    if (fclose(lf->fp) != 0 && !lf->saved_errno) lf->saved_errno = errno ? errno : EIO;
    lf->fp = NULL;
    if (lf->saved_errno) fail("cannot write '%s': %s", lf->path, strerror(lf->saved_errno));
    free(lf->path);
    lf->path = NULL;
}

run_log *run_log_open(const char *progress_path, const char *monitor_path, const char *env_id)
{
    run_log *rl = calloc(1, sizeof *rl); /* 128 KiB: not on the stack */
    if (!rl) fail("out of memory");
    rl->t_start = wall_clock();
    if (progress_path) {
        log_open(&rl->progress, progress_path);
        rl->has_progress = 1;
        char header[1024];
        size_t n = 0;
        for (size_t k = 0; k < N_COLUMNS; k++)
            n += (size_t)snprintf(header + n, sizeof header - n, "%s%s", k ? "," : "",
                                  columns[k]);
        header[n++] = '\n';
        log_row(&rl->progress, header, n);
    }
    if (monitor_path) {
        log_open(&rl->monitor, monitor_path);
        rl->has_monitor = 1;
        char head[512];
        /* SB3's Monitor: a JSON comment line, then the column names */
        const int n = snprintf(head, sizeof head,
                               "#{\"t_start\": %.6f, \"env_id\": \"%s\"}\nr,l,t\n",
                               rl->t_start, env_id);
        log_row(&rl->monitor, head, (size_t)n);
    }
    return rl;
}

run_log *run_log_open_v01(const char *path, int eval_columns)
{
    run_log *rl = calloc(1, sizeof *rl);
    if (!rl) fail("out of memory");
    log_open(&rl->progress, path);
    rl->has_progress = rl->v01 = 1;
    rl->eval_columns = eval_columns;
    static const char header[] =
        "timesteps,episodes,updates,mean_return,mean_length,policy_loss,value_loss,"
        "entropy_loss,total_loss,explained_variance,grad_norm,learning_rate,"
        "steps_per_second,elapsed_seconds";
    char line[400];
    const int n = snprintf(line, sizeof line, "%s%s\n", header,
                           eval_columns ? ",kind,return_std" : "");
    log_row(&rl->progress, line, (size_t)n);
    return rl;
}

/* --log's row of an update, as 0.1 wrote it. */
static void update_v01(run_log *rl, const a2c_train_stats *s)
{
    char row[1024];
    const int n = snprintf(
        row, sizeof row,
        "%llu,%llu,%llu,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.1f,%.4f%s\n",
        (unsigned long long)s->timesteps, (unsigned long long)s->episodes,
        (unsigned long long)s->updates, s->mean_return, s->mean_length, s->policy_loss,
        s->value_loss, s->entropy_loss, s->total_loss, s->explained_variance, s->grad_norm,
        s->learning_rate, s->steps_per_second, s->elapsed_seconds,
        rl->eval_columns ? ",update,nan" : "");
    log_row(&rl->progress, row, (size_t)n);
}

static void eval_v01(run_log *rl, const a2c_train_stats *s, double mean, double std)
{
    char row[512];
    const int n = snprintf(row, sizeof row,
                           "%llu,%llu,%llu,%.6g,nan,nan,nan,nan,nan,nan,nan,nan,nan,%.4f,"
                           "eval,%.6g\n",
                           (unsigned long long)s->timesteps, (unsigned long long)s->episodes,
                           (unsigned long long)s->updates, mean, s->elapsed_seconds, std);
    log_row(&rl->progress, row, (size_t)n);
}

/* Appends one cell: a number as %.8g, "nan" for any NaN (C may print
 * "-nan"), "inf" and "-inf" as C prints them. */
static size_t put_number(char *row, size_t at, size_t cap, double v)
{
    const int n = isnan(v) ? snprintf(row + at, cap - at, ",nan")
                           : snprintf(row + at, cap - at, ",%.8g", v);
    return at + (size_t)n;
}

static size_t put_text(char *row, size_t at, size_t cap, const char *text)
{
    const int n = snprintf(row + at, cap - at, ",%s", text);
    return at + (size_t)n;
}

void run_log_update(run_log *rl, const a2c_train_stats *s, const char *conditions)
{
    if (!rl || !rl->has_progress) return;
    if (rl->v01) {
        update_v01(rl, s);
        return;
    }
    /* the numeric cells from time/iterations to health/value_loss_jump, in
     * the columns' order; a rolled-back update has no KL and no step */
    const double cells[] = {
        (double)s->updates, (double)s->episodes, floor(s->steps_per_second),
        s->elapsed_seconds, s->mean_return, s->mean_length, (double)s->updates,
        s->learning_rate, s->policy_loss, s->value_loss, s->entropy_loss, s->total_loss,
        s->explained_variance, s->grad_norm, s->approx_kl, s->entropy, s->entropy_fraction,
        s->actor_grad_norm, s->critic_grad_norm, s->value_loss_ratio, s->return_std,
        s->advantage_mean, s->advantage_std, s->actor_saturation, s->critic_saturation,
        s->update_ratio, s->value_loss_jump};
    enum { KL_CELL = 14, UPDATE_RATIO_CELL = 25 };
    char row[2048];
    const size_t cap = sizeof row;
    size_t n = (size_t)snprintf(row, cap, "%llu", (unsigned long long)s->timesteps);
    for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++) {
        const int blank = s->rollback && (k == KL_CELL || k == UPDATE_RATIO_CELL);
        n = blank ? put_text(row, n, cap, "") : put_number(row, n, cap, cells[k]);
    }
    n = put_text(row, n, cap, conditions ? conditions : "");
    n = put_number(row, n, cap, (double)s->rollbacks);
    n = put_number(row, n, cap, s->lr_scale);
    const char *event = s->rollback ? a2c_rollback_reason_name(s->rollback) : "";
    n = put_text(row, n, cap, event ? event : "rollback");
    n = put_text(row, n, cap, ",\n"); /* no evaluation in this row */
    log_row(&rl->progress, row, n);
}

void run_log_eval(run_log *rl, const a2c_train_stats *s, double mean, double std)
{
    if (!rl || !rl->has_progress) return;
    if (rl->v01) {
        eval_v01(rl, s, mean, std);
        log_write(&rl->progress);
        return;
    }
    char row[512];
    size_t n = (size_t)snprintf(row, sizeof row, "%llu,%llu,%llu,,%.8g",
                                (unsigned long long)s->timesteps,
                                (unsigned long long)s->updates,
                                (unsigned long long)s->episodes, s->elapsed_seconds);
    /* the update's columns stay empty: this row is the evaluation's */
    for (size_t k = 5; k < N_COLUMNS - 2; k++) row[n++] = ',';
    n += (size_t)snprintf(row + n, sizeof row - n, ",%.8g,%.8g\n", mean, std);
    log_row(&rl->progress, row, n);
    log_write(&rl->progress); /* evaluations are rare: the file is current after each */
}

void run_log_episode(run_log *rl, const a2c_episode_info *ep)
{
    if (!rl || !rl->has_monitor) return;
    char row[128];
    /* SB3's Monitor rounds r and t to 6 decimals */
    const int n = snprintf(row, sizeof row, "%.6f,%llu,%.6f\n", ep->episode_return,
                           (unsigned long long)ep->length, wall_clock() - rl->t_start);
    log_row(&rl->monitor, row, (size_t)n);
}

void run_log_flush(run_log *rl)
{
    if (!rl) return;
    if (rl->has_progress) log_write(&rl->progress);
    if (rl->has_monitor) log_write(&rl->monitor);
}

void run_log_close(run_log *rl)
{
    if (!rl) return;
    if (rl->has_progress) log_close(&rl->progress);
    if (rl->has_monitor) log_close(&rl->monitor);
    free(rl);
}
