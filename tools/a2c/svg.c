/* The figures of a2c report as inline SVG: panels of time series that
 * share one x axis (environment steps), linear or log10 y axes with
 * rounded ticks, a legend of runs, rollback markers, and the lanes of the
 * health figure.  Everything is appended to a text_buf; nothing here reads
 * files. */
#include "cli.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- the text buffer ---- */

static void buf_reserve(text_buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1) cap *= 2;
    char *data = realloc(b->data, cap);
    if (!data) fail("out of memory");
    b->data = data;
    b->cap = cap;
}

void buf_printf(text_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    const int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) fail("cannot format the report");
    buf_reserve(b, (size_t)n);
    if ((size_t)n < sizeof small) {
        memcpy(b->data + b->len, small, (size_t)n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void buf_puts(text_buf *b, const char *s)
{
    const size_t n = strlen(s);
    buf_reserve(b, n);
    memcpy(b->data + b->len, s, n + 1);
    b->len += n;
}

void buf_escaped(text_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_puts(b, "&amp;"); break;
        case '<': buf_puts(b, "&lt;"); break;
        case '>': buf_puts(b, "&gt;"); break;
        case '"': buf_puts(b, "&quot;"); break;
        default: {
            const char c[2] = {*s, '\0'};
            buf_puts(b, c);
        }
        }
    }
}

/* ---- colours and layout ---- */

/* Distinct at a glance and still told apart by most colour-blind readers
 * when only a few are used; more runs than colours repeat them. */
static const char *const run_colours[] = {"#1f6fb4", "#e8741a", "#2c9c3b", "#cf2d2e", "#8a5cc0",
                                          "#8b5243", "#dc6cb8", "#6f6f6f", "#b0ad1c", "#1aaec4"};

const char *run_colour(size_t run)
{
    return run_colours[run % (sizeof run_colours / sizeof run_colours[0])];
}

enum {
    FIG_WIDTH = 1120,
    LEGEND_ROW = 20,
    PANEL_TITLE = 26,  /* room above a panel's plot for its title */
    PANEL_BOTTOM = 46, /* room below for the x ticks and the axis label */
    PANEL_LEFT = 78,   /* room left of a plot for the y ticks and label */
    PANEL_RIGHT = 18,
    MAX_POINTS = 2000  /* per polyline: a 1M-step run's page stays small */
};

/* One axis: data range [lo, hi] (log10 of the values for a log axis)
 * mapped onto pixels [px_lo, px_hi]. */
typedef struct axis {
    double lo, hi;
    int log;
    double px_lo, px_hi;
} axis;

/* Values too big to take a difference of (and Inf) are left out rather
 * than turning the whole axis into Inf. */
static int plottable(const axis *a, double v)
{
    if (!isfinite(v) || fabs(v) > 1e300) return 0;
    return !a->log || v > 0;
}

static double axis_pixel(const axis *a, double v)
{
    const double t = a->log ? log10(v) : v;
    return a->px_lo + (t - a->lo) / (a->hi - a->lo) * (a->px_hi - a->px_lo);
}

/* A round step near span/target: 1, 2 or 5 times a power of ten. */
static double nice_step(double span, int target)
{
    const double raw = span / target;
    const double power = pow(10, floor(log10(raw)));
    const double f = raw / power;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * power;
}

/* Gives the axis a nonzero span (all-equal values, a single row) and, for
 * a log axis, whole decades so that it always has ticks. */
static void axis_finish(axis *a, double lo, double hi, int pad)
{
    if (!(lo <= hi)) lo = 0, hi = 1; /* nothing to plot */
    if (a->log) {
        lo = floor(log10(lo));
        hi = ceil(log10(hi));
        if (hi <= lo) hi = lo + 1;
    } else {
        if (hi - lo <= fabs(hi) * 1e-12) {
            const double half = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
            lo -= half, hi += half;
        } else if (pad) {
            const double margin = (hi - lo) * 0.05;
            lo -= margin, hi += margin;
        }
    }
    a->lo = lo;
    a->hi = hi;
}

/* Tick labels: "250k" and "1.5M" on the step axis, %g otherwise, powers
 * of ten on a log axis. */
static void tick_label(char *out, size_t size, const axis *a, double t, double step, int steps)
{
    if (a->log) {
        if (t >= -3 && t <= 3) snprintf(out, size, "%g", pow(10, t));
        else snprintf(out, size, "1e%d", (int)t);
    } else if (fabs(t) < step * 1e-6) {
        snprintf(out, size, "0");
    } else if (steps && fabs(t) >= 1e9) {
        snprintf(out, size, "%.4gG", t / 1e9);
    } else if (steps && fabs(t) >= 1e6) {
        snprintf(out, size, "%.4gM", t / 1e6);
    } else if (steps && fabs(t) >= 1e3) {
        snprintf(out, size, "%.4gk", t / 1e3);
    } else {
        snprintf(out, size, "%.4g", t);
    }
}

/* Calls back for each tick of the axis, with its pixel position and
 * label. */
typedef void tick_fn(text_buf *b, double pixel, const char *label, const void *ctx);

/* A log axis of at most two decades also gets ticks at 2 and 5 times
 * each power of ten, or it would have only two or three. */
static void log_ticks(text_buf *b, const axis *a, tick_fn *fn, const void *ctx)
{
    static const double multiples[] = {1, 2, 5};
    for (double decade = a->lo; decade <= a->hi; decade++)
        for (size_t m = 0; m < 3; m++) {
            const double t = decade + log10(multiples[m]);
            if (t > a->hi + 1e-9) break;
            char label[32];
            snprintf(label, sizeof label, "%g", multiples[m] * pow(10, decade));
            fn(b, a->px_lo + (t - a->lo) / (a->hi - a->lo) * (a->px_hi - a->px_lo), label, ctx);
        }
}

static void axis_ticks(text_buf *b, const axis *a, int target, int steps, tick_fn *fn,
                       const void *ctx)
{
    if (a->log && a->hi - a->lo <= 2) {
        log_ticks(b, a, fn, ctx);
        return;
    }
    const double step = a->log ? ceil((a->hi - a->lo) / target) : nice_step(a->hi - a->lo, target);
    const double first = ceil(a->lo / step - 1e-9) * step;
    for (int k = 0; k < 50; k++) {
        const double t = first + k * step;
        if (t > a->hi + step * 1e-9) break;
        char label[32];
        tick_label(label, sizeof label, a, t, step, steps);
        const double pixel = a->px_lo + (t - a->lo) / (a->hi - a->lo) * (a->px_hi - a->px_lo);
        fn(b, pixel, label, ctx);
    }
}

/* ---- panels ---- */

/* Where a panel's plot sits in the figure. */
typedef struct frame {
    double left, top, right, bottom;
} frame;

static void x_tick(text_buf *b, double pixel, const char *label, const void *ctx)
{
    const frame *f = ctx;
    buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", pixel,
               f->top, pixel, f->bottom);
    buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
               pixel, f->bottom + 15, label);
}

static void y_tick(text_buf *b, double pixel, const char *label, const void *ctx)
{
    const frame *f = ctx;
    buf_printf(b, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", f->left,
               pixel, f->right, pixel);
    buf_printf(b, "<text class=\"tick\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
               f->left - 5, pixel + 4, label);
}

/* The y range of a panel's plottable values, error bars included. */
static void panel_y_range(const plot_panel *p, const axis *ya, double *lo, double *hi)
{
    *lo = (double)INFINITY, *hi = -(double)INFINITY;
    for (size_t s = 0; s < p->n_series; s++) {
        const plot_series *ps = &p->series[s];
        for (size_t i = 0; i < ps->n; i++) {
            double v_lo = ps->y[i], v_hi = ps->y[i];
            if (ps->err && isfinite(ps->err[i])) v_lo -= ps->err[i], v_hi += ps->err[i];
            if (plottable(ya, v_lo) && v_lo < *lo) *lo = v_lo;
            if (plottable(ya, v_hi) && v_hi > *hi) *hi = v_hi;
            if (plottable(ya, ps->y[i])) {
                if (ps->y[i] < *lo) *lo = ps->y[i];
                if (ps->y[i] > *hi) *hi = ps->y[i];
            }
        }
    }
}

/* A log axis only if asked for and some value is positive. */
static axis panel_y_axis(const plot_panel *p, const frame *f)
{
    axis ya = {0, 1, p->log_y, f->bottom, f->top};
    double lo, hi;
    panel_y_range(p, &ya, &lo, &hi);
    if (ya.log && !(lo <= hi)) {
        ya.log = 0;
        panel_y_range(p, &ya, &lo, &hi);
    }
    axis_finish(&ya, lo, hi, 1);
    return ya;
}

/* Appends polylines through the series, broken where a value cannot be
 * plotted.  When thinned, each bucket of consecutive points keeps only
 * its lowest and highest, so spikes survive. */
typedef struct line_state {
    const char *attrs, *colour;
    size_t points;          /* in the open polyline */
    double first_x, first_y; /* its first point */
} line_state;

static void line_point(text_buf *b, line_state *ls, double px, double py)
{
    if (!ls->points) {
        buf_printf(b, "<polyline %s points=\"", ls->attrs);
        ls->first_x = px, ls->first_y = py;
    }
    buf_printf(b, "%s%.1f,%.1f", ls->points ? " " : "", px, py);
    ls->points++;
}

/* Ends the open polyline; one that has a single point (a value between
 * gaps, a run of one row) would not show, so it gets a dot. */
static void line_break(text_buf *b, line_state *ls)
{
    if (!ls->points) return;
    buf_puts(b, "\"/>\n");
    if (ls->points == 1)
        buf_printf(b, "<path class=\"dot\" stroke=\"%s\" d=\"M%.1f %.1fh0.1\"/>\n", ls->colour,
                   ls->first_x, ls->first_y);
    ls->points = 0;
}

/* At most two points per pixel column and MAX_POINTS in all: more would
 * not show. */
static size_t bucket_size(size_t n, const axis *xa)
{
    size_t max_points = (size_t)(2 * (xa->px_hi - xa->px_lo));
    if (max_points > MAX_POINTS) max_points = MAX_POINTS;
    if (max_points < 2) max_points = 2;
    return n > max_points ? (n + max_points / 2 - 1) / (max_points / 2) : 1;
}

static void draw_polyline(text_buf *b, const plot_series *s, const axis *xa, const axis *ya,
                          const char *attrs, const char *colour)
{
    const size_t bucket = bucket_size(s->n, xa);
    line_state ls = {attrs, colour, 0, 0, 0};
    for (size_t start = 0; start < s->n; start += bucket) {
        const size_t end = start + bucket < s->n ? start + bucket : s->n;
        size_t lo = end, hi = end;
        int gap = 0;
        for (size_t i = start; i < end; i++) {
            if (!plottable(ya, s->y[i]) || !plottable(xa, s->x[i])) {
                gap = 1;
                continue;
            }
            if (lo == end || s->y[i] < s->y[lo]) lo = i;
            if (hi == end || s->y[i] > s->y[hi]) hi = i;
        }
        const size_t first = lo < hi ? lo : hi, second = lo < hi ? hi : lo;
        if (first != end)
            line_point(b, &ls, axis_pixel(xa, s->x[first]), axis_pixel(ya, s->y[first]));
        if (second != end && second != first)
            line_point(b, &ls, axis_pixel(xa, s->x[second]), axis_pixel(ya, s->y[second]));
        if (gap) line_break(b, &ls);
    }
    line_break(b, &ls);
}

/* Points as short round-capped strokes (so that a lone point still has a
 * size), with vertical error bars when the series has them. */
static void draw_points(text_buf *b, const plot_series *s, const axis *xa, const axis *ya,
                        const char *colour)
{
    const size_t stride = s->n > MAX_POINTS ? (s->n + MAX_POINTS - 1) / MAX_POINTS : 1;
    if (s->err) {
        buf_printf(b, "<path class=\"errbar\" stroke=\"%s\" d=\"", colour);
        for (size_t i = 0; i < s->n; i += stride) {
            if (!plottable(xa, s->x[i]) || !isfinite(s->err[i])) continue;
            const double lo = s->y[i] - s->err[i], hi = s->y[i] + s->err[i];
            if (!plottable(ya, lo) || !plottable(ya, hi)) continue;
            const double px = axis_pixel(xa, s->x[i]);
            buf_printf(b, "M%.1f %.1fV%.1f", px, axis_pixel(ya, lo), axis_pixel(ya, hi));
        }
        buf_puts(b, "\"/>\n");
    }
    buf_printf(b, "<path class=\"points\" stroke=\"%s\" d=\"", colour);
    for (size_t i = 0; i < s->n; i += stride) {
        if (!plottable(xa, s->x[i]) || !plottable(ya, s->y[i])) continue;
        buf_printf(b, "M%.1f %.1fh0.1", axis_pixel(xa, s->x[i]), axis_pixel(ya, s->y[i]));
    }
    buf_puts(b, "\"/>\n");
}

static void draw_series(text_buf *b, const plot_series *s, const axis *xa, const axis *ya)
{
    const char *colour = run_colour(s->run);
    char attrs[96];
    switch (s->mark) {
    case MARK_POINTS: draw_points(b, s, xa, ya, colour); return;
    case MARK_THIN: snprintf(attrs, sizeof attrs, "class=\"thin\" stroke=\"%s\"", colour); break;
    default: snprintf(attrs, sizeof attrs, "class=\"line\" stroke=\"%s\"", colour); break;
    }
    draw_polyline(b, s, xa, ya, attrs, colour);
}

static void draw_markers(text_buf *b, const plot_figure *fig, const axis *xa, const frame *f)
{
    for (size_t m = 0; m < fig->n_markers; m++) {
        const plot_marker *mk = &fig->markers[m];
        if (!plottable(xa, mk->x)) continue;
        const double px = axis_pixel(xa, mk->x);
        buf_printf(b, "<g class=\"rollback\"><title>rollback at step %.0f: %s</title>", mk->x,
                   mk->reason);
        buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>", px,
                   f->top, px, f->bottom, run_colour(mk->run));
        buf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"%s\">&#9660;"
                      "</text></g>\n",
                   px, f->top + 9, run_colour(mk->run));
    }
}

/* A figure's only panel goes without a title of its own: the figure's
 * says it. */
static void draw_axis_labels(text_buf *b, const plot_panel *p, const axis *ya, const frame *f,
                             int titled)
{
    if (titled) {
        buf_printf(b, "<text class=\"ptitle\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                   (f->left + f->right) / 2, f->top - 9);
        buf_escaped(b, p->title);
        buf_puts(b, "</text>\n");
    }
    buf_puts(b, "<text class=\"alabel\" text-anchor=\"middle\" ");
    const double mid = (f->top + f->bottom) / 2, x = f->left - PANEL_LEFT + 14;
    buf_printf(b, "x=\"%.1f\" y=\"%.1f\" transform=\"rotate(-90 %.1f %.1f)\">", x, mid, x, mid);
    buf_escaped(b, p->y_label);
    if (ya->log) buf_puts(b, " (log scale)");
    buf_printf(b, "</text>\n<text class=\"alabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                  "environment steps</text>\n",
               (f->left + f->right) / 2, f->bottom + 36);
}

static void draw_panel(text_buf *b, const plot_figure *fig, const plot_panel *p, axis xa,
                       const frame *f)
{
    const axis ya = panel_y_axis(p, f);
    xa.px_lo = f->left;
    xa.px_hi = f->right;
    buf_printf(b, "<g class=\"panel\">\n<rect class=\"frame\" x=\"%.1f\" y=\"%.1f\" "
                  "width=\"%.1f\" height=\"%.1f\"/>\n",
               f->left, f->top, f->right - f->left, f->bottom - f->top);
    const int x_target = f->right - f->left < 400 ? 4 : 8;
    axis_ticks(b, &xa, x_target, 1, x_tick, f);
    axis_ticks(b, &ya, 5, 0, y_tick, f);
    draw_axis_labels(b, p, &ya, f, fig->n_panels > 1);
    /* clipped a little outside the frame, so that a point on its edge
     * still shows whole */
    const double clip = 6, w = f->right - f->left + 2 * clip, h = f->bottom - f->top + 2 * clip;
    buf_printf(b, "<svg x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" viewBox=\"%.1f %.1f "
                  "%.1f %.1f\" overflow=\"hidden\">\n",
               f->left - clip, f->top - clip, w, h, f->left - clip, f->top - clip, w, h);
    for (size_t s = 0; s < p->n_series; s++) draw_series(b, &p->series[s], &xa, &ya);
    if (p->show_markers) draw_markers(b, fig, &xa, f);
    if (p->n_series == 0)
        buf_printf(b, "<text class=\"none\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                      "no data</text>\n",
                   (f->left + f->right) / 2, (f->top + f->bottom) / 2);
    buf_puts(b, "</svg>\n</g>\n");
}

/* ---- the figure ---- */

/* The x range shared by every panel: steps from 0 (or the first, if
 * negative) to the last. */
static axis figure_x_axis(const plot_figure *fig)
{
    axis xa = {0, 1, 0, 0, 1};
    double lo = 0, hi = -(double)INFINITY;
    for (size_t p = 0; p < fig->n_panels; p++)
        for (size_t s = 0; s < fig->panels[p].n_series; s++) {
            const plot_series *ps = &fig->panels[p].series[s];
            for (size_t i = 0; i < ps->n; i++) {
                if (!plottable(&xa, ps->x[i])) continue;
                if (ps->x[i] < lo) lo = ps->x[i];
                if (ps->x[i] > hi) hi = ps->x[i];
            }
        }
    if (fig->x_max > hi) hi = fig->x_max;
    if (!(hi > lo)) hi = lo + 1;
    axis_finish(&xa, lo, hi, 0);
    return xa;
}

/* Rough width of a label in 12px sans-serif, for laying out the legend. */
static double text_width(const char *s)
{
    return 7.0 * (double)strlen(s);
}

/* The legend of runs under the title, wrapped to the figure's width;
 * returns the height it took. */
static double draw_legend(text_buf *b, const char *const *labels, size_t n_runs, double top)
{
    if (n_runs < 2) return 0;
    double x = 20, y = top + 12;
    for (size_t r = 0; r < n_runs; r++) {
        const double w = 26 + text_width(labels[r]) + 18;
        if (x + w > FIG_WIDTH - 10 && x > 20) x = 20, y += LEGEND_ROW;
        buf_printf(b, "<line class=\"swatch\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                      "stroke=\"%s\"/>",
                   x, y - 4, x + 20, y - 4, run_colour(r));
        buf_printf(b, "<text class=\"legend\" x=\"%.1f\" y=\"%.1f\">", x + 26, y);
        buf_escaped(b, labels[r]);
        buf_puts(b, "</text>\n");
        x += w;
    }
    return y - top + 10;
}

/* Opens the figure's <svg> with its title, note and legend; returns the
 * y where its body starts. */
static double figure_head(text_buf *b, const char *name, const char *title, const char *note,
                          const char *const *labels, size_t n_runs, double height)
{
    buf_printf(b, "<svg data-figure=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
                  "width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" role=\"img\">\n<title>",
               name, FIG_WIDTH, height, FIG_WIDTH, height);
    buf_escaped(b, title);
    buf_puts(b, "</title>\n<text class=\"ftitle\" x=\"20\" y=\"22\">");
    buf_escaped(b, title);
    buf_puts(b, "</text>\n");
    double top = 30;
    if (note) {
        buf_puts(b, "<text class=\"note\" x=\"20\" y=\"44\">");
        buf_escaped(b, note);
        buf_puts(b, "</text>\n");
        top = 52;
    }
    return top + draw_legend(b, labels, n_runs, top) + 4;
}

/* The height the legend will take, computed as draw_legend lays it out. */
static double legend_height(const char *const *labels, size_t n_runs)
{
    if (n_runs < 2) return 0;
    double x = 20, y = 12;
    for (size_t r = 0; r < n_runs; r++) {
        const double w = 26 + text_width(labels[r]) + 18;
        if (x + w > FIG_WIDTH - 10 && x > 20) x = 20, y += LEGEND_ROW;
        x += w;
    }
    return y + 10;
}

void svg_figure(text_buf *b, const plot_figure *fig)
{
    const int cols = fig->columns > 0 ? fig->columns : 1;
    const size_t rows = (fig->n_panels + (size_t)cols - 1) / (size_t)cols;
    const double cell_w = (double)FIG_WIDTH / cols;
    const double plot_h = cols == 1 ? 260 : 200, cell_h = PANEL_TITLE + plot_h + PANEL_BOTTOM;
    const double head = (fig->note ? 52 : 30) + legend_height(fig->run_labels, fig->n_runs) + 4;
    const double top = figure_head(b, fig->name, fig->title, fig->note, fig->run_labels,
                                   fig->n_runs, head + (double)rows * cell_h + 4);
    const axis xa = figure_x_axis(fig);
    for (size_t p = 0; p < fig->n_panels; p++) {
        const double cell_x = cell_w * (double)(p % (size_t)cols);
        const double cell_y = top + cell_h * (double)(p / (size_t)cols);
        const frame f = {cell_x + PANEL_LEFT, cell_y + PANEL_TITLE, cell_x + cell_w - PANEL_RIGHT,
                         cell_y + PANEL_TITLE + plot_h};
        draw_panel(b, fig, &fig->panels[p], xa, &f);
    }
    buf_puts(b, "</svg>\n");
}

/* ---- the health figure ---- */

enum { LANE_HEIGHT = 26, LANE_LEFT = 190 };

static void draw_lane(text_buf *b, const health_lanes *h, size_t lane, const axis *xa,
                      double top)
{
    const double lane_top = top + LANE_HEIGHT * (double)lane;
    buf_printf(b, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\"/>\n",
               lane % 2 ? "lane odd" : "lane", xa->px_lo, lane_top, xa->px_hi - xa->px_lo,
               LANE_HEIGHT);
    buf_printf(b, "<text class=\"lanelabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">",
               xa->px_lo - 8, lane_top + LANE_HEIGHT / 2 + 4);
    buf_escaped(b, h->lane_names[lane]);
    buf_puts(b, "</text>\n");
    const double band_h = (LANE_HEIGHT - 6) / (double)(h->n_runs ? h->n_runs : 1);
    for (size_t r = 0; r < h->n_runs; r++) {
        int open = 0;
        for (size_t k = 0; k < h->n_bands; k++) {
            const health_band *hb = &h->bands[k];
            if (hb->lane != lane || hb->run != r) continue;
            if (!open) buf_printf(b, "<path class=\"band\" fill=\"%s\" d=\"", run_colour(r));
            open = 1;
            const double x0 = axis_pixel(xa, hb->x0);
            double w = axis_pixel(xa, hb->x1) - x0;
            if (w < 1) w = 1; /* a single update still shows */
            buf_printf(b, "M%.1f %.1fh%.1fv%.1fh%.1fz", x0, lane_top + 3 + band_h * (double)r, w,
                       band_h, -w);
        }
        if (open) buf_puts(b, "\"/>\n");
    }
}

static void health_x_axis(const health_lanes *h, axis *xa)
{
    xa->log = 0;
    xa->px_lo = LANE_LEFT;
    xa->px_hi = FIG_WIDTH - PANEL_RIGHT;
    axis_finish(xa, 0, h->x_max > 0 ? h->x_max : 1, 0);
}

void svg_health(text_buf *b, const health_lanes *h)
{
    if (!h->n_lanes) { /* nothing on the time axis: no axis, no legend */
        figure_head(b, "health", "Health conditions", NULL, NULL, 0, 70);
        buf_puts(b, "<text class=\"none\" x=\"20\" y=\"54\">no health condition raised</text>\n"
                    "</svg>\n");
        return;
    }
    const char *note = "a band marks the updates at which a condition was active";
    const double head = 52 + legend_height(h->run_labels, h->n_runs) + 4;
    const double body = LANE_HEIGHT * (double)h->n_lanes;
    const double top = figure_head(b, "health", "Health conditions", note, h->run_labels,
                                   h->n_runs, head + body + PANEL_BOTTOM + 8);
    axis xa;
    health_x_axis(h, &xa);
    const frame f = {xa.px_lo, top, xa.px_hi, top + body};
    axis_ticks(b, &xa, 8, 1, x_tick, &f);
    buf_printf(b, "<text class=\"alabel\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                  "environment steps</text>\n",
               (f.left + f.right) / 2, f.bottom + 36);
    for (size_t lane = 0; lane < h->n_lanes; lane++) draw_lane(b, h, lane, &xa, top);
    buf_puts(b, "</svg>\n");
}
