/* report.h: self-contained HTML reports (--report FILE.html) for the CLI: one file with
 * inline CSS and SVG, no JavaScript and no external resources (a Content-Security-Policy
 * in the page forbids both), readable in any browser, printable, and the same bytes for
 * the same input (no date or time is written).
 *
 *     report r;
 *     if (report_begin(&r, "stratum evaluate", "model.txt on data.csv") != 0) return 1;
 *     report_section(&r, "Data and settings");
 *     report_facts(&r, terms, values, n);          // a two-column list of "term: value"
 *     report_section(&r, "Curves");
 *     report_figures_begin(&r);                    // figures side by side
 *     report_line_chart(&r, &roc_chart);
 *     report_figures_end(&r);
 *     report_table_write(&r, &table);
 *     return report_end(&r, "out.html");           // written atomically; an exit code
 *
 * Text given to any function here is escaped, so names from user data (columns, levels,
 * file names) are shown as written and can never become markup. Strings and arrays are
 * borrowed for the duration of the call only. Output goes to a memory buffer; a failure
 * (out of memory) is remembered and reported once by report_end. */
#ifndef STRATUM_REPORT_H
#define STRATUM_REPORT_H

#include <stddef.h>
#include <stdio.h>

typedef struct report {
    FILE *f;        /* the memory stream being written */
    char *buf;      /* its buffer (owned) */
    size_t size;
    int in_section; /* a <section> is open */
    int n_charts;   /* numbers the charts, for unique ids */
} report;

/* Opens the document: head, style sheet, <h1>title</h1> and a subtitle line (may be
 * NULL). Returns 0, or -1 when out of memory (message on stderr). */
int report_begin(report *r, const char *title, const char *subtitle);

/* Closes the document and writes it to path with st_file_write_atomic. Frees r's buffer
 * whatever happens. Returns an exit code (EXIT_OK, or EXIT_FAILED with a message). */
int report_end(report *r, const char *path);

/* Frees r without writing (after an error elsewhere). */
void report_discard(report *r);

/* Starts a new <section> with an <h2> heading (closing the previous one). */
void report_section(report *r, const char *title);

/* A paragraph of plain text; class "note" makes it small and grey (may be NULL). */
void report_paragraph(report *r, const char *text, const char *css_class);

/* A list of n (term, value) pairs shown as two aligned columns. */
void report_facts(report *r, const char *const *terms, const char *const *values, size_t n);

/* Figures between these two calls are laid out side by side, wrapping on narrow pages. */
void report_figures_begin(report *r);
void report_figures_end(report *r);

/* A block of free text (a note) with some of its bytes marked: marks[k] covers bytes
 * [begin, end) of text, in order and not overlapping (others are shown unmarked), "up"
 * (raises the risk: red) or not (lowers it: blue), title shown on hover (may be NULL).
 * The caption (may be NULL) comes above it as a note. Everything is escaped. */
typedef struct report_mark {
    size_t begin, end;
    int up;
    const char *title;
} report_mark;
void report_marked_text(report *r, const char *caption, const char *text, size_t len,
                        const report_mark *marks, size_t n_marks);

/* HTML-escapes s onto f: & < > " ' and control characters (as spaces). */
void report_escape(FILE *f, const char *s);

/* "0.841 (0.812-0.870)" with an en dash, "0.841" without an interval (lo NaN), or
 * "undefined" when v is NaN; digits after the point. Returns buf. */
char *report_format_ci(char *buf, size_t size, double v, double lo, double hi, int digits);

/* ---- tables ---- */

/* One cell. A text cell shows `text`. A number cell (text NULL) shows value (and the
 * interval [low, high] when low is not NaN) with `digits` decimals, or %.6g when digits
 * < 0, or "undefined" for NaN; the exact numbers also go into data-value, data-low and
 * data-high attributes (%.17g), so that programs can read them back. */
typedef struct report_cell {
    const char *text;
    double value, low, high;
    int digits;
    int best; /* shown in bold with a marker: the best of its column */
} report_cell;

/* A text cell, and a number cell with an interval (low NaN for none). */
report_cell report_text_cell(const char *text);
report_cell report_number_cell(double value, double low, double high, int digits);

typedef struct report_table {
    const char *caption;       /* above the table, or NULL */
    size_t n_cols, n_rows;
    const char *const *header; /* n_cols column titles */
    const report_cell *cells;  /* n_rows * n_cols, row-major */
    size_t n_label_cols;       /* leading columns that name the row (left-aligned) */
    const char *note;          /* a note under the table, or NULL */
} report_table;

void report_table_write(report *r, const report_table *t);

/* ---- charts (inline SVG) ---- */

/* The colour-blind-safe palette (Okabe and Ito 2008) used for series, in order. */
#define REPORT_N_COLORS 7
extern const char *const report_colors[REPORT_N_COLORS];

/* A line of a line chart. Points with a NaN coordinate are skipped. Long lines are
 * simplified first (report_simplify), so a curve of 100,000 points costs a few thousand. */
typedef struct report_series {
    const char *name;       /* legend text */
    const double *x, *y;
    size_t n;
    double mark_x, mark_y;  /* a marked point (the operating point), NaN for none */
    const char *mark_note;  /* legend text for the mark, e.g. "threshold 0.31", or NULL */
    int color;              /* index into report_colors (taken modulo REPORT_N_COLORS) */
    int dashed;             /* draw dashed */
    int dots;               /* a dot on every point (few points, e.g. calibration bins) */
} report_series;

typedef struct report_chart {
    const char *title, *x_label, *y_label;
    double x_min, x_max, y_min, y_max; /* the axes' ranges */
    int diagonal;           /* dotted reference line y = x */
    double baseline;        /* dotted horizontal reference line at this y, NaN for none */
    const char *baseline_note; /* legend text for it, or NULL */
    const report_series *series;
    size_t n_series;
    const char *caption;    /* a note under the chart, or NULL */
} report_chart;

/* One <figure> holding an SVG line chart with axes, ticks, grid, legend (below the plot)
 * and marks; each series is one <polyline class="curve">, each mark one
 * <circle class="mark">. */
void report_line_chart(report *r, const report_chart *c);

/* A horizontal bar chart of signed values: bars grow right of zero for positive values
 * and left for negative ones, in two colours, with the value written at the bar's end. */
typedef struct report_bars {
    const char *title, *value_label;
    const char *const *labels; /* n labels (long ones are shortened with an ellipsis) */
    const double *values;      /* n values; NaN draws no bar */
    size_t n;
    int digits;                /* decimals of the values written */
    const char *caption;       /* a note under the chart, or NULL */
} report_bars;

void report_bar_chart(report *r, const report_bars *b);

/* Most charts need no call to this. Simplifies the line (x[i], y[i]) in place: keeps the
 * first and last point and every point that lies farther than eps * (range) from the line
 * through the points kept around it (Ramer-Douglas-Peucker, distances measured in units of
 * x_range and y_range), so straight runs collapse to their ends and the drawn shape moves
 * by at most eps of the plot. If more than max_points remain, eps doubles until they fit.
 * Returns the new count (n unchanged when out of memory). */
size_t report_simplify(double *x, double *y, size_t n, double x_range, double y_range,
                       double eps, size_t max_points);

#endif
