/* a2c report: reads the files of one or more training runs (progress.csv,
 * monitor.csv, config.yml, as a2c train --log-dir writes them) and writes
 * one self-contained HTML page of figures (inline SVG, svg.c) and tables.
 * Several runs overlay in the same figures, one colour each.  Every input
 * is read and checked before the page is written, and the page goes to a
 * temporary name renamed into place, so a failure leaves no partial file. */
/* stat, getpid: telling a run directory from a file, naming the temporary
 * file (the library itself is plain C11). */
#define _POSIX_C_SOURCE 200809L

#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void print_report_help(FILE *fp)
{
    fputs("report options:\n"
          "  RUN ...                  run directories (holding progress.csv, and if there,\n"
          "                           monitor.csv and config.yml) or progress.csv files;\n"
          "                           several runs overlay in the same figures\n"
          "  -o, --output FILE        the HTML page to write (required)\n"
          "  --title TEXT             the page's title (\"Training report\")\n"
          "  --label NAME             the next run's name in legends (repeat it, one per\n"
          "                           run, in order; default: the run directory's name)\n"
          "  --help, -h               this help, wherever it appears\n",
          fp);
}

/* ---- memory that lives until the page is written ---- */

static struct {
    void **blocks;
    size_t n, cap;
} kept;

static void *keep(void *block)
{
    if (!block) fail("out of memory");
    if (kept.n == kept.cap) {
        const size_t cap = kept.cap ? kept.cap * 2 : 64;
        void **blocks = realloc(kept.blocks, cap * sizeof *blocks);
        if (!blocks) fail("out of memory");
        kept.blocks = blocks;
        kept.cap = cap;
    }
    kept.blocks[kept.n++] = block;
    return block;
}

static void *alloc_kept(size_t count, size_t size)
{
    return keep(calloc(count ? count : 1, size));
}

static char *copy_kept(const char *s)
{
    return strcpy(alloc_kept(strlen(s) + 1, 1), s);
}

static void free_kept(void)
{
    for (size_t k = 0; k < kept.n; k++) free(kept.blocks[k]);
    free(kept.blocks);
    kept.blocks = NULL;
    kept.n = kept.cap = 0;
}

/* ---- files and CSV ---- */

/* The whole file, NUL-terminated.  Read in pieces, without a size limit:
 * a long run's progress.csv is tens of megabytes. */
static char *read_file(const char *what, const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) fail("cannot read %s '%s': %s", what, path, strerror(errno));
    size_t cap = 1 << 16, len = 0, got;
    char *text = malloc(cap);
    do {
        if (text && cap - len < 2) text = realloc(text, cap *= 2);
        if (!text) {
            fclose(fp);
            fail("out of memory reading '%s'", path);
        }
        got = fread(text + len, 1, cap - len - 1, fp);
        len += got;
    } while (got > 0);
    const int failed = ferror(fp), saved_errno = errno;
    fclose(fp);
    if (failed) fail("cannot read %s '%s': %s", what, path, strerror(saved_errno));
    text[len] = '\0';
    if (memchr(text, '\0', len)) fail("%s '%s' is not a text file", what, path);
    return keep(text);
}

/* A CSV file cut in place: the header's names and the rows' cells, each
 * row as wide as the header (missing cells are ""). */
typedef struct csv_table {
    char **names;
    size_t n_cols;
    char **cells; /* row-major */
    size_t n_rows;
} csv_table;

/* Splits one line into cells in place, removing the quotes of quoted
 * cells; stores at most `max` and returns how many there were. */
static size_t split_line(char *line, char **cells, size_t max)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *start = p, *out = p;
        if (*p == '"') {
            for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
                if (*p == '"') p++; /* "" is a quote */
                *out++ = *p;
            }
            while (*p && *p != ',') p++;
        } else {
            while (*p && *p != ',') p++;
            out = p;
        }
        const char sep = *p;
        *out = '\0';
        if (n < max) cells[n] = start;
        n++;
        if (!sep) return n;
        p++;
    }
}

/* The next line from *p (cut in place, without its \r), or NULL at the
 * end. */
static char *next_line(char **p)
{
    if (!**p) return NULL;
    char *line = *p, *end = strchr(line, '\n');
    *p = end ? end + 1 : line + strlen(line);
    if (end) *end = '\0';
    const size_t len = strlen(line);
    if (len && line[len - 1] == '\r') line[len - 1] = '\0';
    return line;
}

/* Parses `text`; blank lines and lines starting with '#' (monitor.csv's
 * first) are skipped. */
static void csv_parse(csv_table *t, char *text, const char *what, const char *path)
{
    size_t lines = 1;
    for (const char *c = text; *c; c++) lines += *c == '\n';
    char *p = text, *line;
    while ((line = next_line(&p)) && (!*line || *line == '#')) {}
    if (!line) fail("%s '%s' is empty", what, path);
    size_t commas = 0;
    for (const char *c = line; *c; c++) commas += *c == ',';
    t->names = alloc_kept(commas + 1, sizeof *t->names);
    t->n_cols = split_line(line, t->names, commas + 1);
    t->cells = alloc_kept(lines * t->n_cols, sizeof *t->cells);
    t->n_rows = 0;
    static char empty[] = "";
    while ((line = next_line(&p))) {
        if (!*line || *line == '#') continue;
        char **row = t->cells + t->n_rows++ * t->n_cols;
        const size_t n = split_line(line, row, t->n_cols);
        for (size_t k = n; k < t->n_cols; k++) row[k] = empty;
    }
}

static long column(const csv_table *t, const char *name)
{
    for (size_t k = 0; k < t->n_cols; k++)
        if (!strcmp(t->names[k], name)) return (long)k;
    return -1;
}

static const char *cell(const csv_table *t, size_t row, long col)
{
    return col < 0 ? "" : t->cells[row * t->n_cols + (size_t)col];
}

/* 0 for an empty cell (the value does not belong to that row); otherwise
 * 1 with *v the number, NaN for "nan" or what is not a number. */
static int cell_value(const char *s, double *v)
{
    while (*s == ' ') s++;
    if (!*s) return 0;
    char *end;
    *v = strtod(s, &end);
    while (*end == ' ') end++;
    if (end == s || *end) *v = (double)NAN;
    return 1;
}

/* ---- runs ---- */

typedef struct run_data {
    const char *label, *dir, *progress_path;
    csv_table progress, monitor;
    int has_monitor;
    const char **keys, **values; /* config.yml's settings, in file order */
    size_t n_settings;
    long steps_col; /* time/total_timesteps */
} run_data;

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static const char *join_path(const char *dir, const char *name)
{
    char *path = alloc_kept(strlen(dir) + strlen(name) + 2, 1);
    sprintf(path, "%s/%s", dir, name);
    return path;
}

/* The directory's last component, as the run's default label. */
static const char *dir_label(const char *dir, size_t index)
{
    char *copy = copy_kept(dir);
    size_t len = strlen(copy);
    while (len > 1 && copy[len - 1] == '/') copy[--len] = '\0';
    const char *slash = strrchr(copy, '/');
    const char *base = slash && slash[1] ? slash + 1 : copy;
    if (!strcmp(base, ".") || !strcmp(base, "..") || !strcmp(base, "/")) {
        char *name = alloc_kept(32, 1);
        snprintf(name, 32, "run %zu", index + 1);
        return name;
    }
    return base;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t len = strlen(s);
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r')) s[--len] = '\0';
    if (len >= 2 && (s[0] == '"' || s[0] == '\'') && s[len - 1] == s[0]) {
        s[len - 1] = '\0';
        s++;
    }
    return s;
}

/* config.yml: `key: value` lines; comments, blank lines and lines
 * without a colon are skipped. */
static void load_config(run_data *r, const char *path)
{
    char *p = read_file("config", path), *line;
    size_t lines = 1;
    for (const char *c = p; *c; c++) lines += *c == '\n';
    r->keys = alloc_kept(lines, sizeof *r->keys);
    r->values = alloc_kept(lines, sizeof *r->values);
    while ((line = next_line(&p))) {
        char *colon = strchr(line, ':');
        if (*line == '#' || !colon) continue;
        *colon = '\0';
        const char *key = trim(line);
        if (!*key) continue;
        r->keys[r->n_settings] = key;
        r->values[r->n_settings++] = trim(colon + 1);
    }
}

static void load_monitor(run_data *r, const char *path)
{
    csv_parse(&r->monitor, read_file("monitor file", path), "monitor file", path);
    if (column(&r->monitor, "r") < 0 || column(&r->monitor, "l") < 0)
        fail("monitor file '%s' has no r and l columns (expected Monitor's \"r,l,t\" header)",
             path);
    r->has_monitor = 1;
}

static void load_run(run_data *r, const char *arg, size_t index)
{
    if (!*arg) fail("empty run name");
    if (!exists(arg)) fail("run '%s' does not exist", arg);
    if (is_dir(arg)) {
        r->dir = arg;
        r->progress_path = join_path(arg, "progress.csv");
        if (!exists(r->progress_path)) fail("run directory '%s' has no progress.csv", arg);
    } else {
        const char *slash = strrchr(arg, '/');
        char *dir = copy_kept(slash ? arg : ".");
        if (slash) dir[slash == arg ? 1 : slash - arg] = '\0';
        r->dir = dir;
        r->progress_path = arg;
    }
    if (!r->label) r->label = dir_label(r->dir, index);
    const char *path = r->progress_path;
    csv_parse(&r->progress, read_file("progress file", path), "progress file", path);
    r->steps_col = column(&r->progress, "time/total_timesteps");
    if (r->steps_col < 0 && column(&r->progress, "timesteps") >= 0)
        fail("'%s' is an a2c train --log file (0.1's columns); the report reads the "
             "progress.csv of a2c train --log-dir DIR", path);
    if (r->steps_col < 0) fail("progress file '%s' has no time/total_timesteps column", path);
    const char *monitor = join_path(r->dir, "monitor.csv");
    if (exists(monitor)) load_monitor(r, monitor);
    const char *config = join_path(r->dir, "config.yml");
    if (exists(config)) load_config(r, config);
}

static const char *config_value(const run_data *r, const char *key)
{
    for (size_t k = 0; k < r->n_settings; k++)
        if (!strcmp(r->keys[k], key)) return r->values[k];
    return NULL;
}

/* ---- series ---- */

/* The step of a progress row, or NaN. */
static double row_step(const run_data *r, size_t row)
{
    double x;
    if (!cell_value(cell(&r->progress, row, r->steps_col), &x) || !isfinite(x))
        return (double)NAN;
    return x;
}

/* The rows of `name` that have a cell; NaN cells become gaps.  If
 * err_name is given, err gets that column's cells on the same rows. */
static plot_series column_series(const run_data *r, size_t run_index, const char *name,
                                 const char *err_name, int mark)
{
    plot_series s = {0};
    s.run = run_index;
    s.mark = mark;
    const csv_table *t = &r->progress;
    const long col = column(t, name), err_col = err_name ? column(t, err_name) : -1;
    if (col < 0) return s;
    double *x = alloc_kept(t->n_rows, sizeof *x), *y = alloc_kept(t->n_rows, sizeof *y);
    double *err = err_col >= 0 ? alloc_kept(t->n_rows, sizeof *err) : NULL;
    for (size_t row = 0; row < t->n_rows; row++) {
        double v, e = (double)NAN;
        const double step = row_step(r, row);
        if (isnan(step) || !cell_value(cell(t, row, col), &v)) continue;
        if (err && !cell_value(cell(t, row, err_col), &e)) e = (double)NAN;
        x[s.n] = step;
        y[s.n] = v;
        if (err) err[s.n] = e;
        s.n++;
    }
    s.x = x, s.y = y, s.err = err;
    return s;
}

static int has_finite(const plot_series *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (isfinite(s->y[i])) return 1;
    return 0;
}

/* Monitor's episodes against the steps done when each ended (the sum of
 * the lengths so far, as SB3's plots count them), and their moving
 * mean over the last 100 episodes. */
enum { RETURN_WINDOW = 100 };

static void monitor_series(const run_data *r, size_t run_index, plot_series *episodes,
                           plot_series *mean)
{
    const csv_table *t = &r->monitor;
    const long r_col = column(t, "r"), l_col = column(t, "l");
    double *x = alloc_kept(t->n_rows, sizeof *x), *y = alloc_kept(t->n_rows, sizeof *y);
    double *avg = alloc_kept(t->n_rows, sizeof *avg);
    double steps = 0, sum = 0;
    size_t n = 0, in_window = 0;
    for (size_t row = 0; row < t->n_rows; row++) {
        double ret, len;
        if (!cell_value(cell(t, row, r_col), &ret) || !cell_value(cell(t, row, l_col), &len) ||
            !isfinite(ret) || !isfinite(len))
            continue;
        steps += len;
        x[n] = steps;
        y[n] = ret;
        sum += ret;
        if (in_window == RETURN_WINDOW) sum -= y[n - RETURN_WINDOW];
        else in_window++;
        avg[n++] = sum / (double)in_window;
    }
    *episodes = (plot_series){x, y, NULL, n, run_index, MARK_THIN};
    *mean = (plot_series){x, avg, NULL, n, run_index, MARK_LINE};
}

/* ---- figures ---- */

typedef struct report {
    run_data *runs;
    size_t n_runs;
    const char **labels;
    double x_max; /* the last step of any run: every figure's x axis ends there */
    text_buf page;
} report;

enum { MAX_PANELS = 4 };

/* Panels being put together for one figure. */
typedef struct figure_parts {
    plot_panel panels[MAX_PANELS];
    size_t n_panels;
    int any_data;
    int smoothed; /* some series is drawn with its block means */
} figure_parts;

static plot_panel *new_panel(figure_parts *fp, const report *rep, size_t max_series,
                             const char *title, const char *y_label, int log_y)
{
    plot_panel *p = &fp->panels[fp->n_panels];
    *p = (plot_panel){title, y_label, log_y, 0, NULL, 0};
    p->series = alloc_kept(max_series * rep->n_runs, sizeof *p->series);
    return p;
}

/* The series in blocks of `block` consecutive values, each replaced by
 * its mean at its mean step: a trend line through noisy per-update
 * values.  Block means (rather than a running sum) stay exact when a huge
 * value passes through.  A block with no finite value is a gap. */
static plot_series block_means(const plot_series *s, size_t block)
{
    plot_series m = *s;
    const size_t n_blocks = (s->n + block - 1) / block;
    double *x = alloc_kept(n_blocks, sizeof *x), *y = alloc_kept(n_blocks, sizeof *y);
    for (size_t k = 0; k < n_blocks; k++) {
        const size_t end = (k + 1) * block < s->n ? (k + 1) * block : s->n;
        double sum_x = 0, sum_y = 0;
        size_t n = 0;
        for (size_t i = k * block; i < end; i++)
            if (isfinite(s->y[i]) && fabs(s->y[i]) < 1e300) sum_x += s->x[i], sum_y += s->y[i], n++;
        x[k] = n ? sum_x / (double)n : s->x[k * block];
        y[k] = n ? sum_y / (double)n : (double)NAN;
    }
    m.x = x, m.y = y, m.n = n_blocks, m.mark = MARK_LINE;
    return m;
}

/* A trend line has at most SMOOTH_BLOCKS blocks of at least SMOOTH_MIN
 * updates: enough to follow the trend of a long run without redrawing the
 * noise of a short one. */
enum { SMOOTH_BLOCKS = 200, SMOOTH_MIN = 10 };

/* Thin lines under thick ones under points, whatever the run. */
static void order_series(plot_panel *p)
{
    static const int rank[] = {[MARK_THIN] = 0, [MARK_LINE] = 1, [MARK_POINTS] = 2};
    for (size_t i = 1; i < p->n_series; i++) {
        const plot_series moved = p->series[i];
        size_t j = i;
        for (; j > 0 && rank[p->series[j - 1].mark] > rank[moved.mark]; j--)
            p->series[j] = p->series[j - 1];
        p->series[j] = moved;
    }
}

/* A panel of one progress column, kept only if some run has a value.
 * With `smooth`, long series are drawn thin under their block means. */
static void metric_panel(figure_parts *fp, const report *rep, const char *col, const char *title,
                         const char *y_label, int log_y, int smooth)
{
    plot_panel *p = new_panel(fp, rep, 2, title, y_label, log_y);
    int found = 0;
    for (size_t k = 0; k < rep->n_runs; k++) {
        plot_series s = column_series(&rep->runs[k], k, col, NULL, MARK_LINE);
        found |= has_finite(&s);
        if (!s.n) continue;
        if (smooth && s.n >= 5 * SMOOTH_MIN) {
            const size_t block = s.n / SMOOTH_BLOCKS > SMOOTH_MIN ? s.n / SMOOTH_BLOCKS
                                                                   : SMOOTH_MIN;
            s.mark = MARK_THIN;
            fp->smoothed = 1;
            p->series[p->n_series++] = block_means(&s, block);
        }
        p->series[p->n_series++] = s;
    }
    order_series(p);
    if (found) fp->n_panels++, fp->any_data = 1;
}

static const char smoothed_note[] =
    "thin: every update; thick: means of blocks of consecutive updates (10 or more, at most 200 "
    "blocks per run)";

static void section_head(report *rep, const char *title, const char *explain)
{
    buf_puts(&rep->page, "<section>\n<h2>");
    buf_escaped(&rep->page, title);
    buf_puts(&rep->page, "</h2>\n<p class=\"explain\">");
    buf_escaped(&rep->page, explain);
    buf_puts(&rep->page, "</p>\n");
}

/* Writes the figure, or says which columns were missing.  Without a
 * note, a figure with trend lines says how to read them. */
static void emit_figure(report *rep, const figure_parts *fp, const char *name, const char *title,
                        const char *note, const plot_marker *markers, size_t n_markers,
                        const char *missing)
{
    if (!fp->any_data) {
        buf_puts(&rep->page, "<p class=\"missing\">No data: the runs have no ");
        buf_escaped(&rep->page, missing);
        buf_puts(&rep->page, " values.</p>\n</section>\n");
        return;
    }
    if (!note && fp->smoothed) note = smoothed_note;
    const plot_figure fig = {name,        title,       note,    fp->panels, fp->n_panels,
                             (int)fp->n_panels, rep->labels, rep->n_runs, markers, n_markers,
                             rep->x_max};
    svg_figure(&rep->page, &fig);
    buf_puts(&rep->page, "</section>\n");
}

static void returns_figure(report *rep)
{
    figure_parts fp = {0};
    plot_panel *p = new_panel(&fp, rep, 3, "Episode return", "return", 0);
    int monitor = 0, eval = 0;
    for (size_t k = 0; k < rep->n_runs; k++) {
        const run_data *r = &rep->runs[k];
        plot_series episodes, mean;
        if (r->has_monitor) {
            monitor_series(r, k, &episodes, &mean);
            monitor |= episodes.n > 0;
        } else {
            mean = column_series(r, k, "rollout/ep_rew_mean", NULL, MARK_LINE);
            episodes.n = 0;
        }
        const plot_series ev = column_series(r, k, "eval/mean_reward", "eval/std_reward",
                                             MARK_POINTS);
        if (episodes.n) p->series[p->n_series++] = episodes;
        if (mean.n) p->series[p->n_series++] = mean;
        if (ev.n) p->series[p->n_series++] = ev;
        eval |= has_finite(&ev);
        fp.any_data |= has_finite(&mean) || has_finite(&ev);
    }
    fp.n_panels = 1;
    order_series(p);
    const char *note = monitor
        ? (eval ? "thin: each training episode; thick: mean of the last 100 episodes; "
                  "dots: evaluation mean, bars: its standard deviation"
                : "thin: each training episode; thick: mean of the last 100 episodes")
        : (eval ? "line: rollout/ep_rew_mean (mean of the last 100 episodes); dots: evaluation "
                  "mean, bars: its standard deviation"
                : "line: rollout/ep_rew_mean (mean of the last 100 episodes)");
    section_head(rep, "Returns",
                 "The sum of rewards per episode against environment steps: learning shows as a "
                 "rising curve; a curve that climbs and then falls back is a policy that "
                 "collapsed.");
    emit_figure(rep, &fp, "returns", "Episode returns", note, NULL, 0,
                "monitor.csv, rollout/ep_rew_mean or eval/mean_reward");
}

/* Rollbacks of the divergence guard: rows with a guard/event. */
static plot_marker *rollback_markers(const report *rep, size_t *count)
{
    size_t n = 0;
    for (size_t k = 0; k < rep->n_runs; k++) n += rep->runs[k].progress.n_rows;
    plot_marker *markers = alloc_kept(n, sizeof *markers);
    *count = 0;
    for (size_t k = 0; k < rep->n_runs; k++) {
        const run_data *r = &rep->runs[k];
        const long col = column(&r->progress, "guard/event");
        for (size_t row = 0; col >= 0 && row < r->progress.n_rows; row++) {
            const char *event = cell(&r->progress, row, col);
            const double step = row_step(r, row);
            if (*event && !isnan(step)) markers[(*count)++] = (plot_marker){step, k, event};
        }
    }
    return markers;
}

static void losses_figure(report *rep)
{
    figure_parts fp = {0};
    metric_panel(&fp, rep, "train/policy_loss", "Policy loss", "loss", 0, 1);
    metric_panel(&fp, rep, "train/value_loss", "Value loss", "loss", 1, 1);
    metric_panel(&fp, rep, "train/entropy_loss", "Entropy loss", "loss", 0, 1);
    size_t n_markers;
    const plot_marker *markers = rollback_markers(rep, &n_markers);
    for (size_t p = 0; p < fp.n_panels; p++) fp.panels[p].show_markers = 1;
    char note[256];
    snprintf(note, sizeof note, "%s%sdashed lines with a triangle: updates rolled back",
             fp.smoothed ? smoothed_note : "", fp.smoothed ? "; " : "");
    section_head(rep, "Losses",
                 "The three terms A2C minimises, per update. The policy loss has no target "
                 "value; watch it for spikes. The value loss should fall and then level off; "
                 "steady growth over orders of magnitude means the critic is diverging. The "
                 "entropy loss is minus the policy's entropy (times ent_coef in the total). "
                 "Triangles and vertical lines mark updates rolled back by the divergence guard "
                 "(hover for the reason).");
    emit_figure(rep, &fp, "losses", "Losses", n_markers ? note : NULL,
                markers, n_markers, "train/policy_loss, train/value_loss or train/entropy_loss");
}

/* Draws a panel's values below `floor` at `floor` (on copies), so that
 * a few wild values do not flatten the rest; nonzero if any was. */
static int clamp_panel_below(plot_panel *p, double floor)
{
    int clamped = 0;
    for (size_t k = 0; k < p->n_series; k++) {
        plot_series *s = &p->series[k];
        double *y = alloc_kept(s->n, sizeof *y);
        for (size_t i = 0; i < s->n; i++) {
            clamped |= s->y[i] < floor;
            y[i] = s->y[i] < floor ? floor : s->y[i];
        }
        s->y = y;
    }
    return clamped;
}

/* The ratio of the largest to the smallest positive value of a column
 * over all runs (1 if there are none). */
static double positive_span(const report *rep, const char *col)
{
    double lo = HUGE_VAL, hi = 0.0;
    for (size_t k = 0; k < rep->n_runs; k++) {
        const plot_series s = column_series(&rep->runs[k], k, col, NULL, MARK_LINE);
        for (size_t i = 0; i < s.n; i++) {
            if (!(s.y[i] > 0.0) || !isfinite(s.y[i])) continue;
            lo = s.y[i] < lo ? s.y[i] : lo;
            hi = s.y[i] > hi ? s.y[i] : hi;
        }
    }
    return hi > 0.0 ? hi / lo : 1.0;
}

static void explained_variance_figure(report *rep)
{
    figure_parts fp = {0};
    metric_panel(&fp, rep, "train/explained_variance", "Explained variance",
                 "explained variance", 0, 1);
    /* explained variance is at most 1 but unbounded below: a batch of
     * nearly equal returns gives -600 */
    const int clamped = fp.n_panels && clamp_panel_below(&fp.panels[0], -1.0);
    section_head(rep, "Explained variance",
                 "How much of the variance of the returns the critic predicts: 1 is perfect, 0 is "
                 "no better than a constant, negative is worse than a constant. It should climb "
                 "towards 1 as training goes on.");
    char note[300];
    snprintf(note, sizeof note, "%s%svalues below -1 are drawn at -1",
             fp.smoothed ? smoothed_note : "", fp.smoothed ? "; " : "");
    emit_figure(rep, &fp, "explained_variance", "Explained variance of the value function",
                clamped ? note : NULL, NULL, 0, "train/explained_variance");
}

static void grad_norms_figure(report *rep)
{
    figure_parts fp = {0};
    metric_panel(&fp, rep, "train/grad_norm", "Gradient norm (before clipping)", "L2 norm", 1, 1);
    metric_panel(&fp, rep, "health/actor_grad_norm", "Actor gradient norm", "L2 norm", 1, 1);
    metric_panel(&fp, rep, "health/critic_grad_norm", "Critic gradient norm", "L2 norm", 1, 1);
    section_head(rep, "Gradient norms",
                 "The L2 norm of the gradient of each update, on a log scale. A norm that keeps "
                 "hitting max_grad_norm means clipping does most of the work; one that decays "
                 "towards zero means that part of the network stopped learning.");
    emit_figure(rep, &fp, "grad_norms", "Gradient norms", NULL, NULL, 0,
                "train/grad_norm or health/*_grad_norm");
}

/* Nonzero if some run's lr_scale is ever something else than 1. */
static int lr_scale_moves(const report *rep)
{
    for (size_t k = 0; k < rep->n_runs; k++) {
        const plot_series s = column_series(&rep->runs[k], k, "guard/lr_scale", NULL, MARK_LINE);
        for (size_t i = 0; i < s.n; i++)
            if (isfinite(s.y[i]) && s.y[i] != 1) return 1;
    }
    return 0;
}

static void learning_rate_figure(report *rep)
{
    figure_parts fp = {0};
    /* a log axis once the rates span two decades (a guard's rollbacks, or
     * runs of different rates), else a schedule's straight line */
    const int wide = positive_span(rep, "train/learning_rate") > 100.0;
    metric_panel(&fp, rep, "train/learning_rate", "Learning rate", "learning rate", wide, 0);
    if (lr_scale_moves(rep))
        metric_panel(&fp, rep, "guard/lr_scale", "Guard's learning-rate scale", "scale",
                     positive_span(rep, "guard/lr_scale") > 100.0, 0);
    section_head(rep, "Learning rate",
                 "The optimizer's step size at each update (flat unless a schedule is set), and "
                 "when the divergence guard lowered it after rollbacks, the scale it applied.");
    emit_figure(rep, &fp, "learning_rate", "Learning rate", NULL, NULL, 0,
                "train/learning_rate");
}

static void entropy_figure(report *rep)
{
    figure_parts fp = {0};
    metric_panel(&fp, rep, "health/entropy_fraction", "Entropy / maximum entropy", "fraction",
                 0, 1);
    metric_panel(&fp, rep, "train/approx_kl", "Approximate KL per update", "KL (nats)", 1, 1);
    section_head(rep, "Entropy",
                 "How random the policy still is, as a fraction of the most random policy "
                 "possible: it starts near 1 and should fall slowly. A fall to near 0 early is "
                 "a collapsed policy that no longer explores. The KL divergence between the "
                 "policy before and after each update measures how far one update moves it.");
    emit_figure(rep, &fp, "entropy", "Entropy", NULL, NULL, 0,
                "health/entropy_fraction or train/approx_kl");
}

/* ---- the health figure ---- */

static const char *const known_conditions[] = {
    "value_loss_exploding", "actor_grad_vanishing", "actor_grad_exploding", "entropy_collapsed",
    "critic_not_learning",  "policy_thrashing",     "saturated_units"};

enum { N_KNOWN = sizeof known_conditions / sizeof known_conditions[0] };

/* The condition names seen, in the order known names are listed, then
 * unknown ones as they appear. */
typedef struct lanes {
    const char **names;
    size_t n, cap;
    health_band *bands;
    size_t n_bands, cap_bands;
    size_t *open; /* per lane: 1 + the band this run may still extend, or 0 */
} lanes;

static size_t lane_of(lanes *l, const char *name, size_t len)
{
    for (size_t k = 0; k < l->n; k++)
        if (strlen(l->names[k]) == len && !strncmp(l->names[k], name, len)) return k;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->names = realloc(l->names, l->cap * sizeof *l->names);
        l->open = realloc(l->open, l->cap * sizeof *l->open);
        if (!l->names || !l->open) fail("out of memory");
    }
    char *copy = alloc_kept(len + 1, 1);
    memcpy(copy, name, len);
    l->names[l->n] = copy;
    l->open[l->n] = 0;
    return l->n++;
}

/* Marks `name` active over [x0, x1) in run `run`, extending the band of
 * the previous update when it is contiguous. */
static void activate(lanes *l, size_t lane, size_t run_index, double x0, double x1)
{
    if (l->open[lane] && l->bands[l->open[lane] - 1].x1 == x0) {
        l->bands[l->open[lane] - 1].x1 = x1;
        return;
    }
    if (l->n_bands == l->cap_bands) {
        l->cap_bands = l->cap_bands ? l->cap_bands * 2 : 64;
        l->bands = realloc(l->bands, l->cap_bands * sizeof *l->bands);
        if (!l->bands) fail("out of memory");
    }
    l->bands[l->n_bands++] = (health_band){lane, run_index, x0, x1};
    l->open[lane] = l->n_bands;
}

/* The step of the update after `row` (eval rows are skipped), for the
 * end of its band; past the last row, one more update's worth. */
static double band_end(const run_data *r, size_t row, long eval_col, double prev)
{
    for (size_t next = row + 1; next < r->progress.n_rows; next++) {
        double v;
        if (cell_value(cell(&r->progress, next, eval_col), &v)) continue;
        const double step = row_step(r, next);
        if (!isnan(step)) return step;
    }
    const double step = row_step(r, row);
    return step > prev ? step + (step - prev) : step + 1;
}

static void run_conditions(lanes *l, const run_data *r, size_t run_index)
{
    const long col = column(&r->progress, "health/conditions");
    const long eval_col = column(&r->progress, "eval/mean_reward");
    for (size_t k = 0; k < l->n; k++) l->open[k] = 0;
    double prev = (double)NAN;
    for (size_t row = 0; col >= 0 && row < r->progress.n_rows; row++) {
        double v;
        const double step = row_step(r, row);
        if (isnan(step) || cell_value(cell(&r->progress, row, eval_col), &v)) continue;
        const char *text = cell(&r->progress, row, col);
        double end = (double)NAN;
        while (*text) {
            const size_t len = strcspn(text, " ");
            if (len) {
                if (isnan(end)) end = band_end(r, row, eval_col, prev);
                activate(l, lane_of(l, text, len), run_index, step, end);
            }
            text += len + (text[len] == ' ');
        }
        prev = step;
    }
}

static size_t known_rank(const char *name)
{
    for (size_t k = 0; k < N_KNOWN; k++)
        if (!strcmp(known_conditions[k], name)) return k;
    return N_KNOWN;
}

/* Known names first in their listed order, then the others as found. */
static void order_lanes(lanes *l)
{
    size_t *new_index = alloc_kept(l->n, sizeof *new_index);
    const char **names = alloc_kept(l->n, sizeof *names);
    size_t next = 0;
    for (size_t rank = 0; rank <= N_KNOWN; rank++)
        for (size_t k = 0; k < l->n; k++)
            if (known_rank(l->names[k]) == rank) new_index[k] = next, names[next++] = l->names[k];
    for (size_t k = 0; k < l->n; k++) l->names[k] = names[k];
    for (size_t b = 0; b < l->n_bands; b++) l->bands[b].lane = new_index[l->bands[b].lane];
}

static double last_step(const report *rep)
{
    double x_max = 0;
    for (size_t k = 0; k < rep->n_runs; k++)
        for (size_t row = 0; row < rep->runs[k].progress.n_rows; row++) {
            const double step = row_step(&rep->runs[k], row);
            if (step > x_max) x_max = step;
        }
    return x_max;
}

static void health_figure(report *rep)
{
    lanes l = {0};
    for (size_t k = 0; k < rep->n_runs; k++) run_conditions(&l, &rep->runs[k], k);
    order_lanes(&l);
    const health_lanes h = {l.names, l.n, l.bands, l.n_bands, rep->x_max, rep->labels,
                            rep->n_runs};
    section_head(rep, "Health",
                 "The training-health conditions the library raised, one lane each, with a band "
                 "over the updates where a condition was active (one band per run in an "
                 "overlay). A condition that stays on for long stretches points at the setting "
                 "to change: see docs/report.md.");
    svg_health(&rep->page, &h);
    buf_puts(&rep->page, "</section>\n");
    free(l.names);
    free(l.open);
    free(l.bands);
}

/* ---- tables ---- */

/* The last finite value of a progress column, or NaN. */
static double last_value(const run_data *r, const char *name)
{
    const plot_series s = column_series(r, 0, name, NULL, MARK_LINE);
    for (size_t i = s.n; i-- > 0;)
        if (isfinite(s.y[i])) return s.y[i];
    return (double)NAN;
}

static double best_value(const run_data *r, const char *name)
{
    const plot_series s = column_series(r, 0, name, NULL, MARK_LINE);
    double best = (double)NAN;
    for (size_t i = 0; i < s.n; i++)
        if (isfinite(s.y[i]) && !(s.y[i] <= best)) best = s.y[i];
    return best;
}

static void number_cell(text_buf *b, double v, const char *fmt)
{
    if (isnan(v)) buf_puts(b, "<td class=\"num\">&#8212;</td>");
    else {
        buf_puts(b, "<td class=\"num\">");
        buf_printf(b, fmt, v);
        buf_puts(b, "</td>");
    }
}

static void label_cell(text_buf *b, const char *label, size_t run_index)
{
    buf_printf(b, "<td><span class=\"swatch\" style=\"background:%s\"></span>",
               run_colour(run_index));
    buf_escaped(b, label);
    buf_puts(b, "</td>");
}

static void runs_table(report *rep)
{
    text_buf *b = &rep->page;
    buf_puts(b, "<section>\n<h2>Runs</h2>\n<table>\n<tr><th>run</th><th>files</th><th>env</th>"
                "<th>steps</th><th>episodes</th><th>last mean return</th>"
                "<th>best evaluation</th><th>rollbacks</th></tr>\n");
    for (size_t k = 0; k < rep->n_runs; k++) {
        const run_data *r = &rep->runs[k];
        const char *env = config_value(r, "env_id");
        buf_puts(b, "<tr>");
        label_cell(b, r->label, k);
        buf_puts(b, "<td class=\"path\">");
        buf_escaped(b, r->progress_path);
        buf_puts(b, r->has_monitor ? " + monitor.csv" : "");
        buf_puts(b, r->n_settings ? " + config.yml" : "");
        buf_puts(b, "</td><td>");
        buf_escaped(b, env ? env : "\xe2\x80\x94");
        buf_puts(b, "</td>");
        number_cell(b, last_value(r, "time/total_timesteps"), "%.0f");
        number_cell(b, r->has_monitor ? (double)r->monitor.n_rows
                                      : last_value(r, "time/episodes"), "%.0f");
        number_cell(b, last_value(r, "rollout/ep_rew_mean"), "%.6g");
        number_cell(b, best_value(r, "eval/mean_reward"), "%.6g");
        number_cell(b, last_value(r, "guard/rollbacks"), "%.0f");
        buf_puts(b, "</tr>\n");
    }
    buf_puts(b, "</table>\n</section>\n");
}

/* Every setting any run has, in the order first seen. */
static const char **all_keys(const report *rep, size_t *n)
{
    size_t total = 0;
    for (size_t k = 0; k < rep->n_runs; k++) total += rep->runs[k].n_settings;
    const char **keys = alloc_kept(total, sizeof *keys);
    *n = 0;
    for (size_t k = 0; k < rep->n_runs; k++)
        for (size_t s = 0; s < rep->runs[k].n_settings; s++) {
            size_t j = 0;
            while (j < *n && strcmp(keys[j], rep->runs[k].keys[s])) j++;
            if (j == *n) keys[(*n)++] = rep->runs[k].keys[s];
        }
    return keys;
}

static int setting_differs(const report *rep, const char *key)
{
    const char *first = config_value(&rep->runs[0], key);
    for (size_t k = 1; k < rep->n_runs; k++) {
        const char *v = config_value(&rep->runs[k], key);
        if (!v != !first || (v && strcmp(v, first))) return 1;
    }
    return 0;
}

static void settings_row(report *rep, const char *key)
{
    text_buf *b = &rep->page;
    const int differs = rep->n_runs > 1 && setting_differs(rep, key);
    buf_puts(b, differs ? "<tr class=\"differs\"><th>" : "<tr><th>");
    buf_escaped(b, key);
    buf_puts(b, "</th>");
    for (size_t k = 0; k < rep->n_runs; k++) {
        const char *v = config_value(&rep->runs[k], key);
        buf_puts(b, "<td>");
        buf_escaped(b, v ? v : "\xe2\x80\x94"); /* an em dash: not set in that run_data */
        buf_puts(b, "</td>");
    }
    buf_puts(b, "</tr>\n");
}

static void settings_table(report *rep)
{
    text_buf *b = &rep->page;
    size_t n_keys;
    const char **keys = all_keys(rep, &n_keys);
    buf_puts(b, "<section>\n<h2>Settings</h2>\n");
    if (!n_keys) {
        buf_puts(b, "<p class=\"missing\">No config.yml beside the runs.</p>\n</section>\n");
        return;
    }
    if (rep->n_runs > 1)
        buf_puts(b, "<p class=\"explain\">From each run's config.yml; highlighted rows differ "
                    "between runs.</p>\n");
    buf_puts(b, "<table class=\"settings\">\n<tr><th>setting</th>");
    for (size_t k = 0; k < rep->n_runs; k++) label_cell(b, rep->labels[k], k);
    buf_puts(b, "</tr>\n");
    for (size_t k = 0; k < n_keys; k++) settings_row(rep, keys[k]);
    buf_puts(b, "</table>\n</section>\n");
}

/* ---- the page ---- */

static const char page_style[] =
    "body{font-family:sans-serif;margin:24px auto;max-width:1160px;color:#222;"
    "background:#fff}\n"
    "h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;margin:28px 0 4px}\n"
    "p.meta{color:#666;margin-top:0}p.explain{max-width:900px;color:#333;margin:4px 0 8px}\n"
    "p.missing{color:#8a5a00}\n"
    "table{border-collapse:collapse;font-size:14px}\n"
    "td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\n"
    "th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    "td.path{font-family:monospace;font-size:12px}\n"
    "tr.differs td,tr.differs th{background:#fff2b8;font-weight:bold}\n"
    ".swatch{display:inline-block;width:12px;height:12px;margin-right:6px;"
    "vertical-align:middle}\n"
    "svg{display:block;font-family:sans-serif;background:#fff}\n"
    "svg .ftitle{font-size:16px;font-weight:bold}svg .note{font-size:12px;fill:#555}\n"
    "svg .ptitle{font-size:13px;font-weight:bold}svg .alabel{font-size:12px;fill:#333}\n"
    "svg .tick,svg .legend,svg .lanelabel{font-size:12px;fill:#333}\n"
    "svg .none{font-size:14px;fill:#666;font-style:italic}\n"
    "svg .frame{fill:none;stroke:#999}svg .grid{stroke:#e6e6e6}\n"
    "svg .line{fill:none;stroke-width:2.2;stroke-linejoin:round}\n"
    "svg .thin{fill:none;stroke-width:0.8;opacity:0.45}\n"
    "svg .points{fill:none;stroke-width:6;stroke-linecap:round}\n"
    "svg .dot{fill:none;stroke-width:5;stroke-linecap:round}\n"
    "svg .errbar{fill:none;stroke-width:1.4}svg .swatch{stroke-width:4}\n"
    "svg .rollback line{stroke-width:1.2;stroke-dasharray:4 3}svg .rollback text{font-size:11px}\n"
    "svg .lane{fill:#fafafa}svg .lane.odd{fill:#f0f0f0}svg .band{opacity:0.85}\n";

static void page_head(report *rep, const char *title)
{
    text_buf *b = &rep->page;
    buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                "<link rel=\"icon\" href=\"data:,\">\n<title>");
    buf_escaped(b, title);
    buf_printf(b, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", page_style);
    buf_escaped(b, title);
    buf_printf(b, "</h1>\n<p class=\"meta\">%zu run%s; written by a2c report (liba2c %s). "
                  "The x axis of every figure is environment steps.</p>\n",
               rep->n_runs, rep->n_runs == 1 ? "" : "s", a2c_version_string());
}

static void build_page(report *rep, const char *title)
{
    page_head(rep, title);
    runs_table(rep);
    returns_figure(rep);
    losses_figure(rep);
    explained_variance_figure(rep);
    grad_norms_figure(rep);
    learning_rate_figure(rep);
    entropy_figure(rep);
    health_figure(rep);
    settings_table(rep);
    buf_puts(&rep->page, "</body>\n</html>\n");
}

/* Writes the page beside `path` and renames it over `path`. */
static void write_page(const text_buf *page, const char *path)
{
    char *tmp = alloc_kept(strlen(path) + 32, 1);
    sprintf(tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *fp = fopen(tmp, "wb");
    if (!fp) fail("cannot write '%s': %s", path, strerror(errno));
    const size_t written = fwrite(page->data, 1, page->len, fp);
    const int saved_errno = errno;
    if (fclose(fp) != 0 || written != page->len) {
        remove(tmp);
        fail("cannot write '%s': %s", path, strerror(saved_errno ? saved_errno : errno));
    }
    if (rename(tmp, path) != 0) {
        const int rename_errno = errno;
        remove(tmp);
        fail("cannot write '%s': %s", path, strerror(rename_errno));
    }
}

/* ---- the command ---- */

typedef struct report_args {
    const char *output, *title;
    const char **runs, **labels;
    size_t n_runs, n_labels;
} report_args;

static void parse_report_args(int argc, char **argv, report_args *a)
{
    a->runs = alloc_kept((size_t)argc, sizeof *a->runs);
    a->labels = alloc_kept((size_t)argc, sizeof *a->labels);
    arg_reader args;
    args_start(&args, argc, argv, 2, "report");
    while (args.next < argc) {
        const char *arg = argv[args.next];
        if (arg[0] != '-' || !arg[1]) { /* a run_data; "-" is not a flag either */
            a->runs[a->n_runs++] = arg;
            args.next++;
            continue;
        }
        args_next(&args);
        if (args_is(&args, "-o") || args_is(&args, "--output")) a->output = args_value(&args);
        else if (args_is(&args, "--title")) a->title = args_value(&args);
        else if (args_is(&args, "--label")) a->labels[a->n_labels++] = args_value(&args);
        else args_unknown(&args);
    }
    if (!a->n_runs) fail("no run given (see a2c report --help)");
    if (!a->output) fail("-o FILE is required: the HTML page to write");
    if (a->n_labels > a->n_runs)
        fail("%zu --label for %zu run%s", a->n_labels, a->n_runs, a->n_runs == 1 ? "" : "s");
}

int cmd_report(int argc, char **argv)
{
    if (args_want_help(argc, argv, 2)) {
        printf("usage: a2c report RUN [RUN ...] -o FILE [--title TEXT] [--label NAME ...]\n\n");
        print_report_help(stdout);
        return 0;
    }
    report_args a = {0};
    parse_report_args(argc, argv, &a);
    check_writable("-o", a.output);
    report rep = {0};
    rep.n_runs = a.n_runs;
    rep.runs = alloc_kept(a.n_runs, sizeof *rep.runs);
    rep.labels = alloc_kept(a.n_runs, sizeof *rep.labels);
    for (size_t k = 0; k < a.n_runs; k++) {
        rep.runs[k].label = k < a.n_labels ? a.labels[k] : NULL;
        load_run(&rep.runs[k], a.runs[k], k);
        rep.labels[k] = rep.runs[k].label;
    }
    rep.x_max = last_step(&rep);
    build_page(&rep, a.title ? a.title : "Training report");
    write_page(&rep.page, a.output);
    printf("wrote %s (%zu run%s, %zu bytes)\n", a.output, a.n_runs,
            a.n_runs == 1 ? "" : "s", rep.page.len);
    free(rep.page.data);
    free_kept();
    return 0;
}
