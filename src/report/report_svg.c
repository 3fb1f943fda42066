/* The charts of a report (stratum/report.h) as inline SVG: line charts (curves with axes, ticks,
 * grid, legend, reference lines and marked points) and horizontal bar charts. Coordinates
 * are written with two decimals, which is finer than any screen or printer resolves. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "report_impl.h"

/* Okabe and Ito's palette without its yellow, which is unreadable on white. */
const char *const st__report_colors[ST_REPORT_N_COLORS] = {
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"};

/* Line chart geometry, in SVG user units: a square plot with room for the title above, the
 * tick labels and axis titles left and below, and the legend under it all. */
enum { LC_LEFT = 66, LC_TOP = 42, LC_PLOT = 400, LC_RIGHT = 26, LC_LEGEND_ROW = 20 };
#define LC_WIDTH (LC_LEFT + LC_PLOT + LC_RIGHT)

/* Simplification: 1/2000 of the plot (0.2 units of 400), at most this many points a line. */
#define SIMPLIFY_EPS 0.0005
#define SIMPLIFY_MAX 4000

/* ---- simplification ---- */

/* Distance from (px, py) to the segment (ax, ay)-(bx, by), all in normalised units. */
static double segment_distance(double px, double py, double ax, double ay, double bx, double by)
{
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, t = 0;
    if (len2 > 0) {
        t = ((px - ax) * dx + (py - ay) * dy) / len2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
    }
    double ex = ax + t * dx - px, ey = ay + t * dy - py;
    return sqrt(ex * ex + ey * ey);
}

/* Drops the middle points of straight runs going one way (the long horizontal and
 * vertical stretches of ROC and PR steps): exact, O(n). Returns the new count. */
static size_t drop_collinear(double *x, double *y, size_t n)
{
    if (n <= 2)
        return n;
    size_t m = 1;
    for (size_t i = 1; i + 1 < n; i++) {
        double ax = x[m - 1], ay = y[m - 1];
        double c = (x[i] - ax) * (y[i + 1] - ay) - (y[i] - ay) * (x[i + 1] - ax);
        double dot = (x[i] - ax) * (x[i + 1] - x[i]) + (y[i] - ay) * (y[i + 1] - y[i]);
        if (c == 0 && dot >= 0)
            continue; /* on the line from the last kept point, same direction */
        x[m] = x[i], y[m] = y[i];
        m++;
    }
    x[m] = x[n - 1], y[m] = y[n - 1];
    return m + 1;
}

size_t st__report_simplify(double *x, double *y, size_t n, double x_range, double y_range,
                           double eps, size_t max_points)
{
    n = drop_collinear(x, y, n);
    if (n <= 2 || !(x_range > 0) || !(y_range > 0))
        return n;
    unsigned char *keep = st__malloc(n);
    size_t *stack = st__malloc(2 * n * sizeof *stack);
    if (keep == NULL || stack == NULL) {
        st__free(keep), st__free(stack);
        return n;
    }
    size_t kept;
    for (;;) {
        memset(keep, 0, n);
        keep[0] = keep[n - 1] = 1;
        size_t top = 0;
        stack[top++] = 0, stack[top++] = n - 1;
        while (top > 0) {
            size_t b = stack[--top], a = stack[--top], worst = a;
            double worst_d = -1;
            for (size_t i = a + 1; i < b; i++) {
                double d = segment_distance(x[i] / x_range, y[i] / y_range, x[a] / x_range,
                                            y[a] / y_range, x[b] / x_range, y[b] / y_range);
                if (d > worst_d)
                    worst_d = d, worst = i;
            }
            if (worst_d > eps) {
                keep[worst] = 1;
                stack[top++] = a, stack[top++] = worst;
                stack[top++] = worst, stack[top++] = b;
            }
        }
        kept = 0;
        for (size_t i = 0; i < n; i++)
            kept += keep[i];
        if (kept <= max_points || max_points < 2)
            break;
        eps *= 2;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (keep[i])
            x[m] = x[i], y[m] = y[i], m++;
    st__free(keep), st__free(stack);
    return m;
}

/* ---- axes ---- */

/* A "nice" tick step (1, 2 or 5 times a power of ten) giving about 5 intervals. */
static double tick_step(double range)
{
    double raw = range / 5, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static int tick_decimals(double step)
{
    int d = (int)-floor(log10(step) + 1e-9);
    return d < 0 ? 0 : d;
}

typedef struct frame {
    double x0, x1, y0, y1;
} frame;

static double px(const frame *fr, double x)
{
    double t = (x - fr->x0) / (fr->x1 - fr->x0);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return LC_LEFT + t * LC_PLOT;
}

static double py(const frame *fr, double y)
{
    double t = (y - fr->y0) / (fr->y1 - fr->y0);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return LC_TOP + (1 - t) * LC_PLOT;
}

static void axes(FILE *f, const frame *fr, const st_report_chart *c)
{
    double sx = tick_step(fr->x1 - fr->x0), sy = tick_step(fr->y1 - fr->y0);
    int dx = tick_decimals(sx), dy = tick_decimals(sy);
    fputs("<g class=\"grid\" stroke=\"#e4e8ec\" stroke-width=\"1\">\n", f);
    for (double v = ceil(fr->x0 / sx - 1e-9) * sx; v <= fr->x1 + 1e-9 * sx; v += sx)
        fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\"/>\n", px(fr, v), LC_TOP,
                px(fr, v), LC_TOP + LC_PLOT);
    for (double v = ceil(fr->y0 / sy - 1e-9) * sy; v <= fr->y1 + 1e-9 * sy; v += sy)
        fprintf(f, "<line x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\"/>\n", LC_LEFT, py(fr, v),
                LC_LEFT + LC_PLOT, py(fr, v));
    fputs("</g>\n<g class=\"tick\">\n", f);
    for (double v = ceil(fr->x0 / sx - 1e-9) * sx; v <= fr->x1 + 1e-9 * sx; v += sx)
        fprintf(f, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">%.*f</text>\n", px(fr, v),
                LC_TOP + LC_PLOT + 17, dx, fabs(v) < 1e-12 ? 0.0 : v);
    for (double v = ceil(fr->y0 / sy - 1e-9) * sy; v <= fr->y1 + 1e-9 * sy; v += sy)
        fprintf(f, "<text x=\"%d\" y=\"%.2f\" text-anchor=\"end\">%.*f</text>\n", LC_LEFT - 7,
                py(fr, v) + 4, dy, fabs(v) < 1e-12 ? 0.0 : v);
    fputs("</g>\n", f);
    fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
            "stroke=\"#57606a\" stroke-width=\"1\"/>\n", LC_LEFT, LC_TOP, LC_PLOT, LC_PLOT);
    fprintf(f, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">", LC_LEFT +
            LC_PLOT / 2, LC_TOP + LC_PLOT + 40);
    st__report_escape(f, c->x_label);
    fprintf(f, "</text>\n<text class=\"axis\" x=\"0\" y=\"0\" text-anchor=\"middle\" "
            "transform=\"translate(%d %d) rotate(-90)\">", 18, LC_TOP + LC_PLOT / 2);
    st__report_escape(f, c->y_label);
    fputs("</text>\n", f);
}

/* ---- line chart ---- */

static void polyline(FILE *f, const frame *fr, const st_report_series *s, double *bx, double *by)
{
    size_t m = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!isnan(s->x[i]) && !isnan(s->y[i]))
            bx[m] = s->x[i], by[m] = s->y[i], m++;
    m = st__report_simplify(bx, by, m, fr->x1 - fr->x0, fr->y1 - fr->y0, SIMPLIFY_EPS,
                            SIMPLIFY_MAX);
    const char *color = st__report_colors[s->color % ST_REPORT_N_COLORS];
    fprintf(f, "<polyline class=\"curve\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.2\" "
            "stroke-linejoin=\"round\" stroke-linecap=\"round\"%s points=\"", color,
            s->dashed ? " stroke-dasharray=\"7 4\"" : "");
    for (size_t i = 0; i < m; i++)
        fprintf(f, "%s%.2f,%.2f", i ? " " : "", px(fr, bx[i]), py(fr, by[i]));
    fputs("\"><title>", f);
    st__report_escape(f, s->name);
    fputs("</title></polyline>\n", f);
    for (size_t i = 0; s->dots && i < m; i++)
        fprintf(f, "<circle class=\"dot\" cx=\"%.2f\" cy=\"%.2f\" r=\"3.2\" fill=\"%s\"/>\n",
                px(fr, bx[i]), py(fr, by[i]), color);
}

static void mark(FILE *f, double x, double y, const char *color, const st_report_series *s)
{
    fprintf(f, "<circle class=\"mark\" cx=\"%.2f\" cy=\"%.2f\" r=\"6\" fill=\"%s\" "
            "stroke=\"#1b1f24\" stroke-width=\"1.6\"><title>", x, y, color);
    st__report_escape(f, s->name);
    if (s->mark_note != NULL) {
        fputs(": ", f);
        st__report_escape(f, s->mark_note);
    }
    fputs("</title></circle>\n", f);
}

/* ---- text that must fit ---- */

/* A code point's advance in em, at least DejaVu Sans's (the style sheet's first font; its
 * fallbacks Liberation Sans and Arial are narrower), so that text measured so never runs
 * past its room: narrow letters are over-counted, which cuts a label a little early
 * rather than drawing its first letter outside the picture. Anything beyond ASCII counts
 * as a full em (CJK ideographs are one). */
static double glyph_em(unsigned char c)
{
    if (c >= 0x80)
        return 1.0;
    if (c >= 'a' && c <= 'z') {
        switch (c) {
        case 'f': case 'i': case 'j': case 'l': return 0.36;
        case 'r': case 't': return 0.43;
        case 'm': return 0.98;
        case 'w': return 0.83;
        default: return 0.64;
        }
    }
    if (c >= 'A' && c <= 'Z')
        return c == 'I' || c == 'J' ? 0.40 : c == 'M' ? 0.87 : c == 'W' ? 1.0 : 0.80;
    if (c >= '0' && c <= '9')
        return 0.64;
    switch (c) {
    case ' ': case '.': case ',': case ':': case ';': case '\'': case '|': case '!':
        return 0.40;
    case '-': case '(': case ')': case '[': case ']': case '/': case '\\': return 0.40;
    case '_': return 0.50;
    case '@': return 1.0;
    case '%': return 0.95;
    default: return 0.84;
    }
}

/* Bold text is wider (DejaVu Sans Bold by up to 15%). */
#define BOLD_EM 1.15
/* The ellipsis that ends a shortened text, and its width. */
static const char ellipsis[] = "\xe2\x80\xa6";
#define ELLIPSIS_EM 1.0

double st__report_text_em(const char *s, size_t n)
{
    double w = 0;
    for (size_t i = 0; i < n && s[i] != '\0'; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) /* a code point's first byte */
            w += glyph_em((unsigned char)s[i]);
    return w;
}

size_t st__report_fit(const char *s, double max_em)
{
    const size_t len = strlen(s);
    if (st__report_text_em(s, len) <= max_em)
        return len;
    double w = ELLIPSIS_EM;
    size_t keep = 0;
    for (size_t i = 0; s[i] != '\0'; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        keep = i; /* whole code points only: never a split UTF-8 sequence */
        if ((w += glyph_em((unsigned char)s[i])) > max_em)
            break;
    }
    return keep;
}

/* s escaped onto f, shortened with an ellipsis to at most max_em. */
static void fitted_text(FILE *f, const char *s, double max_em)
{
    const size_t keep = st__report_fit(s, max_em), len = strlen(s);
    if (keep == len) {
        st__report_escape(f, s);
        return;
    }
    char *head = st__malloc(keep + sizeof ellipsis);
    if (head == NULL) { /* out of memory: the ellipsis alone still fits */
        fputs(ellipsis, f);
        return;
    }
    memcpy(head, s, keep);
    memcpy(head + keep, ellipsis, sizeof ellipsis);
    st__report_escape(f, head);
    st__free(head);
}

/* The legend text of a series, shortened to fit its column: at most max code points. */
static void legend_text(FILE *f, const char *a, const char *b, size_t max)
{
    char text[512];
    snprintf(text, sizeof text, "%s%s%s", a, b != NULL ? " \xc2\xb7 " : "", b ? b : "");
    size_t chars = 0, i = 0;
    for (; text[i] != '\0'; i++) {
        if (((unsigned char)text[i] & 0xC0) != 0x80 && ++chars > max)
            break;
    }
    if (text[i] != '\0')
        strcpy(text + i, "\xe2\x80\xa6"); /* an ellipsis, within the 512 bytes */
    st__report_escape(f, text);
}

typedef struct legend_entry {
    const char *name, *note, *color;
    int dashed, dotted, marked;
} legend_entry;

/* One column of entries, or two when there are more than LEGEND_ONE_COLUMN; two columns
 * leave out the marks' notes (they stay in the marks' tooltips). */
#define LEGEND_ONE_COLUMN 6

static void legend(FILE *f, const legend_entry *e, size_t n, int y0)
{
    int two = n > LEGEND_ONE_COLUMN, col_w = two ? (LC_WIDTH - 20) / 2 : LC_WIDTH - 20;
    size_t rows = two ? (n + 1) / 2 : n; /* filled down the first column, then the second */
    for (size_t i = 0; i < n; i++) {
        int x = 12 + (int)(i / rows) * col_w;
        int y = y0 + (int)(i % rows) * LC_LEGEND_ROW;
        fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                "stroke-width=\"%s\"%s/>\n", x, y, x + 30, y, e[i].color,
                e[i].dotted ? "1.3" : "2.2",
                e[i].dotted ? " stroke-dasharray=\"2 3\"" : e[i].dashed
                ? " stroke-dasharray=\"7 4\"" : "");
        if (e[i].marked)
            fprintf(f, "<circle cx=\"%d\" cy=\"%d\" r=\"5\" fill=\"%s\" stroke=\"#1b1f24\" "
                    "stroke-width=\"1.4\"/>\n", x + 15, y, e[i].color);
        fprintf(f, "<text class=\"legend\" x=\"%d\" y=\"%d\">", x + 38, y + 4);
        legend_text(f, e[i].name, two ? NULL : e[i].note, two ? 30 : 66);
        fputs("</text>\n", f);
    }
}

double st__report_line_title_em(void)
{
    /* from the title's start at LC_LEFT to 8 units short of the right edge, 15-unit bold */
    return (double)(LC_WIDTH - LC_LEFT - 8) / (15 * BOLD_EM);
}

void st_report_line_chart(st_report *r, const st_report_chart *c)
{
    FILE *f = r->f;
    frame fr = {c->x_min, c->x_max, c->y_min, c->y_max};
    size_t n_legend = c->n_series + (c->diagonal != 0) + !isnan(c->baseline), longest = 0;
    for (size_t k = 0; k < c->n_series; k++)
        longest = c->series[k].n > longest ? c->series[k].n : longest;
    legend_entry *entries = st__calloc(n_legend ? n_legend : 1, sizeof *entries);
    double *bx = st__malloc((longest ? longest : 1) * sizeof *bx);
    double *by = st__malloc((longest ? longest : 1) * sizeof *by);
    if (entries == NULL || bx == NULL || by == NULL) {
        st__free(entries), st__free(bx), st__free(by);
        fputs("<p class=\"note\">(chart left out: out of memory)</p>\n", f);
        return;
    }
    int legend_rows = (int)(n_legend > LEGEND_ONE_COLUMN ? (n_legend + 1) / 2 : n_legend);
    int height = LC_TOP + LC_PLOT + 62 + legend_rows * LC_LEGEND_ROW;
    r->n_charts++;
    fprintf(f, "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
            "width=\"%d\" height=\"%d\" role=\"img\" aria-labelledby=\"chart%d\">\n"
            "<title id=\"chart%d\">", LC_WIDTH, height, LC_WIDTH, height, r->n_charts,
            r->n_charts);
    st__report_escape(f, c->title);
    fprintf(f, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
            "<text class=\"title\" x=\"%d\" y=\"24\">", LC_WIDTH, height, LC_LEFT);
    fitted_text(f, c->title, st__report_line_title_em()); /* whole in the <title> above */
    fputs("</text>\n", f);
    axes(f, &fr, c);
    size_t e = 0;
    if (c->diagonal) {
        fprintf(f, "<line class=\"reference\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
                "stroke=\"#8c959f\" stroke-width=\"1.3\" stroke-dasharray=\"2 3\"/>\n",
                px(&fr, fmax(fr.x0, fr.y0)), py(&fr, fmax(fr.x0, fr.y0)),
                px(&fr, fmin(fr.x1, fr.y1)), py(&fr, fmin(fr.x1, fr.y1)));
        entries[e++] = (legend_entry){c->diagonal == 2 ? "perfect calibration" : "chance",
                                      NULL, "#8c959f", 0, 1, 0};
    }
    if (!isnan(c->baseline)) {
        fprintf(f, "<line class=\"reference\" x1=\"%d\" y1=\"%.2f\" x2=\"%d\" y2=\"%.2f\" "
                "stroke=\"#8c959f\" stroke-width=\"1.3\" stroke-dasharray=\"2 3\"/>\n", LC_LEFT,
                py(&fr, c->baseline), LC_LEFT + LC_PLOT, py(&fr, c->baseline));
        entries[e++] = (legend_entry){c->baseline_note ? c->baseline_note : "baseline", NULL,
                                      "#8c959f", 0, 1, 0};
    }
    for (size_t k = 0; k < c->n_series; k++)
        polyline(f, &fr, &c->series[k], bx, by);
    for (size_t k = 0; k < c->n_series; k++) {
        const st_report_series *s = &c->series[k];
        const char *color = st__report_colors[s->color % ST_REPORT_N_COLORS];
        int marked = !isnan(s->mark_x) && !isnan(s->mark_y);
        if (marked)
            mark(f, px(&fr, s->mark_x), py(&fr, s->mark_y), color, s);
        entries[e++] = (legend_entry){s->name, marked ? s->mark_note : NULL, color, s->dashed,
                                      0, marked};
    }
    legend(f, entries, e, LC_TOP + LC_PLOT + 66);
    fputs("</svg>\n", f);
    if (c->caption != NULL) {
        fputs("<figcaption>", f);
        st__report_escape(f, c->caption);
        fputs("</figcaption>\n", f);
    }
    fputs("</figure>\n", f);
    st__free(entries), st__free(bx), st__free(by);
}

/* ---- bar chart ---- */

enum { BC_LABELS = 250, BC_PLOT = 440, BC_ROW = 24, BC_TOP = 40, BC_WIDTH = 760 };

void st_report_bar_chart(st_report *r, const st_report_bars *b)
{
    FILE *f = r->f;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < b->n; i++)
        if (!isnan(b->values[i]))
            lo = fmin(lo, b->values[i]), hi = fmax(hi, b->values[i]);
    if (hi - lo <= 0)
        hi = lo + 1;
    int height = BC_TOP + (int)b->n * BC_ROW + 46;
    /* 56 units each side of the bars for the values written at their ends */
    double scale = (BC_PLOT - 112) / (hi - lo), zero = BC_LABELS + 56 + (0 - lo) * scale;
    r->n_charts++;
    fprintf(f, "<figure class=\"bars\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
            "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" "
            "aria-labelledby=\"chart%d\">\n<title id=\"chart%d\">", BC_WIDTH, height, BC_WIDTH,
            height, r->n_charts, r->n_charts);
    st__report_escape(f, b->title);
    fprintf(f, "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n"
            "<text class=\"title\" x=\"12\" y=\"24\">", BC_WIDTH, height);
    fitted_text(f, b->title, (double)(BC_WIDTH - 20) / (15 * BOLD_EM));
    fputs("</text>\n", f);
    for (size_t i = 0; i < b->n; i++) {
        double v = b->values[i], y = BC_TOP + (double)i * BC_ROW;
        fprintf(f, "<text class=\"legend\" x=\"%d\" y=\"%.2f\" text-anchor=\"end\">",
                BC_LABELS - 8, y + BC_ROW / 2.0 + 4);
        /* anchored at its end: measured to fit between 6 units and the anchor, so that
         * its start is never outside the picture (the whole label is the bar's tooltip) */
        fitted_text(f, b->labels[i], (double)(BC_LABELS - 8 - 6) / 12);
        fputs("</text>\n", f);
        if (isnan(v))
            continue;
        double x0 = v >= 0 ? zero : zero + v * scale, w = fabs(v) * scale;
        fprintf(f, "<rect class=\"bar\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%d\" "
                "fill=\"%s\"><title>", x0, y + 4, w, BC_ROW - 8,
                v >= 0 ? st__report_colors[1] : st__report_colors[0]);
        st__report_escape(f, b->labels[i]);
        fprintf(f, ": %.*f</title></rect>\n", b->digits, v);
        int right = v >= 0;
        double tx = right ? x0 + w + 4 : x0 - 4;
        fprintf(f, "<text class=\"tick\" x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\">%.*f</text>\n",
                tx, y + BC_ROW / 2.0 + 4, right ? "start" : "end", b->digits, v);
    }
    fprintf(f, "<line x1=\"%.2f\" y1=\"%d\" x2=\"%.2f\" y2=\"%d\" stroke=\"#57606a\" "
            "stroke-width=\"1\"/>\n", zero, BC_TOP - 4, zero, BC_TOP + (int)b->n * BC_ROW + 4);
    fprintf(f, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">",
            BC_LABELS + BC_PLOT / 2, BC_TOP + (int)b->n * BC_ROW + 30);
    st__report_escape(f, b->value_label);
    fputs("</text>\n</svg>\n", f);
    if (b->caption != NULL) {
        fputs("<figcaption>", f);
        st__report_escape(f, b->caption);
        fputs("</figcaption>\n", f);
    }
    fputs("</figure>\n", f);
}
