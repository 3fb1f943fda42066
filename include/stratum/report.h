/* stratum/report.h: self-contained HTML reports, the ones `stratum evaluate --report`,
 * `stratum cv --report`, `stratum compare --report`, `stratum drift --report` and
 * `stratum explain --report` write
 * (docs/reports.md). Include <stratum.h> rather than this file.
 *
 *     st_compare_params cp = st_compare_params_default();
 *     cp.keep_oof = 1;                                  // the report draws the curves
 *     st_compare_result *res = NULL;
 *     if (st_compare_run(ds, &cp, &res, &err) == ST_OK) {
 *         st_report_context ctx = st_report_context_default();
 *         ctx.data_name = "cohort.csv";                  // shown as the data's name
 *         st_report_compare(ds, &cp, res, &ctx, "compare.html", NULL, NULL, &err);
 *     }
 *     st_compare_result_free(res);
 *
 * A report is one HTML file with inline CSS and SVG, no JavaScript and no external resources
 * (a Content-Security-Policy in the page forbids both), readable in any browser, printable,
 * and the same bytes for the same input: no date, time, host or path of its own is written,
 * only what the caller passes (the data's name) and the library's version. Text from the
 * caller or the data (names, levels, file names) is escaped: it is shown as written and can
 * never become markup.
 *
 * Output: every function that finishes a report takes `path` (written atomically with
 * st_file_write_atomic when not NULL: an existing file is replaced whole or not at all) and
 * `html`, `size` (when html is not NULL, *html gets the document, NUL-terminated, size bytes
 * without the NUL, owned by the caller and freed with st_report_html_free). Either or both
 * may be given. Nothing is printed.
 *
 * The second half of this header is the document builder the ready-made reports are made
 * of, for callers composing their own. */
#ifndef STRATUM_REPORT_H
#define STRATUM_REPORT_H

#include <stddef.h>

#include "common.h"
#include "compare.h"
#include "cv.h"
#include "dataset.h"
#include "drift.h"
#include "explain.h"
#include "metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a report shows that only the caller knows. Start from st_report_context_default();
 * every string is borrowed for the call. */
typedef struct st_report_context {
    const char *data_name;        /* the data as the report names it, e.g. its path
                                     (default "data") */
    const char *folds_how;        /* how the folds were made, as the subtitle's
                                     "5-fold HOW cross-validation" reads, e.g. "stratified, grouped
                                     by patient," or "(folds given by site)" (the facts drop
                                     the parentheses and the trailing comma); NULL (default):
                                     "stratified", "stratified, grouped," or "(folds given)"
                                     from the parameters' groups and fold_ids */
    const char *rule_name;        /* the threshold rule's name (default NULL: the CLI's word,
                                     "f1", "fbeta", "youden", "min-recall", "min-precision") */
    const char *const *weight_names; /* compare: the name of each of the parameters'
                                     n_weights class-weight settings, e.g. as the user wrote
                                     it ("5.0"); NULL (default): "none", "balanced" or %g */
    const char *const *warnings;  /* n_warnings paragraphs shown in bold at the top of the
                                     settings (e.g. that a fixed model was trained on these
                                     rows), or NULL */
    size_t n_warnings;
    long compare_reference;       /* compare: the row every other is compared with in the
                                     paired differences, or -1 (default) for each family's
                                     first weight (st_compare_reference_of) */
} st_report_context;

ST_API st_report_context st_report_context_default(void);

/* stratum cv's report of one setting: the data and settings, the out-of-fold ROC,
 * precision-recall and calibration charts (the folds' mean operating point marked), every
 * metric's mean over the folds with its interval, and the table of folds. ds and prm are
 * what st_cv_run was given, res what it returned (its oof is drawn). ctx may be NULL. */
ST_API st_status st_report_cv(const st_dataset *ds, const st_cv_params *prm,
                              const st_cv_result *res, const st_report_context *ctx,
                              const char *path, char **html /* OUT */, size_t *size /* OUT */,
                              st_error *err);

/* stratum compare's report: the data and settings, one out-of-fold ROC, precision-recall
 * and calibration line per row (colour by class weight, logreg solid, gbdt dashed, fixed
 * models solid in the next colours) with each row's operating point, and the comparison
 * table with the best mean of each column marked. ds and prm are what st_compare_run was
 * given (prm->keep_oof must have been 1: ST_ERR_INVALID_ARG otherwise), res what it
 * returned. A fixed row is named by the part of its st_compare_fixed.name after the last
 * '/'. ctx may be NULL. */
ST_API st_status st_report_compare(const st_dataset *ds, const st_compare_params *prm,
                                   const st_compare_result *res, const st_report_context *ctx,
                                   const char *path, char **html /* OUT */,
                                   size_t *size /* OUT */, st_error *err);

/* One subgroup of an evaluate report (`stratum evaluate --by COL`). */
typedef struct st_report_group {
    const char *name;             /* the level as shown, e.g. "F" or "(missing)" */
    const st_eval *ev;            /* st_evaluate of its rows at the threshold chosen on all
                                     rows (the evaluation's ev->threshold) */
} st_report_group;

/* What stratum evaluate's report shows: scores evaluated against labels. Every pointer is
 * borrowed for the call. */
typedef struct st_report_evaluation {
    const double *p;              /* n scores */
    const float *y, *w;           /* n labels (0/1) and n row weights, or w NULL */
    size_t n;
    const st_eval *ev;            /* st_evaluate(p, y, w, n, prm) */
    const st_eval_params *prm;    /* its parameters (rule, beta, bootstrap seed) */
    const char *scores_name;      /* scores read from a file: its name (e.g. its path), or
                                     NULL for a model's scores */
    const char *score_col;        /* with scores_name: the score column's name */
    const char *model_name;       /* without scores_name: the model's name (e.g. its path);
                                     the data is named by the context's data_name */
    const char *model_kind;       /* and its family, e.g. "logreg" */
    const char *threshold_from;   /* NULL, or how the model's own stored threshold was chosen,
                                     shown instead of prm's rule (e.g. "stored in the model,
                                     chosen by f1") */
    const char *group_column;     /* NULL, or the column of the subgroups */
    const st_report_group *groups; /* n_groups subgroups, in the table's order */
    size_t n_groups;
} st_report_evaluation;

/* stratum evaluate's report: the data and settings, the ROC and precision-recall curves
 * with the operating point marked, the calibration plot, every metric with its interval
 * (and DeLong's for ROC-AUC), the confusion matrix, the calibration bins and the subgroups.
 * ctx may be NULL (its data_name, warnings are used; folds_how, rule_name, weight_names are
 * not). */
ST_API st_status st_report_evaluate(const st_report_evaluation *r, const st_report_context *ctx,
                                    const char *path, char **html /* OUT */,
                                    size_t *size /* OUT */, st_error *err);

/* ---- stratum drift's report ----
 *
 * st_drift_compare gives the columns, st_drift_compare_model the columns and what the model
 * says about the two files (its scores, metrics, and a text model's terms): pass its result
 * as model_result. A caller with numbers of its own passes the columns as result and the
 * model's part in these structs; every pointer is borrowed for the call. */

/* A term of a text model's text column: texts with it and without it in each file. */
typedef struct st_report_drift_term {
    const char *label;            /* e.g. "note:fever | cough" (its surface forms) */
    size_t with_reference, with_new; /* texts holding the term */
    double psi;                   /* PSI of the two bins "with it" and "without" */
    double chi2_pvalue;           /* the 2 x 2 chi-square test of those counts */
    double importance, shift;     /* mean |contribution| over REFERENCE's rows; mean
                                     contribution in NEW - in REFERENCE */
} st_report_drift_term;

/* A text model's text column: the texts as a whole and the terms moving the scores. */
typedef struct st_report_drift_text {
    const char *column;
    double words_mean_reference, words_mean_new; /* words per text */
    double words_psi, words_ks, words_ks_pvalue; /* of the words per text */
    double empty_reference, empty_new;   /* share of texts without a word */
    double unseen_reference, unseen_new; /* share of terms without a model column */
    double importance, shift;     /* summed over the column's terms */
    const st_report_drift_term *terms; /* n_terms, in the table's order */
    size_t n_terms;
} st_report_drift_text;

/* The model on both files. */
typedef struct st_report_drift_model {
    const char *name;             /* the model as the report names it, e.g. its path */
    double score_psi;             /* PSI of its scores (st_drift_psi_values) */
    double mean_p_reference, mean_p_new; /* predicted prevalence: mean P(y = 1) */
    int labelled;                 /* both files have labels: ev_* and auc_* are shown */
    const st_eval *ev_reference, *ev_new; /* st_evaluate of its scores on each file */
    double auc_z, auc_p;          /* st_drift_auc_test of the two ROC-AUCs */
    const st_report_drift_text *text; /* a text model's text columns (n_text), else NULL */
    size_t n_text;
} st_report_drift_model;

typedef struct st_report_drift_input {
    const st_drift_result *result; /* st_drift_compare(reference, new) */
    const char *reference_name, *new_name; /* the two files as the report names them
                                     (default "reference" and "new") */
    const st_report_drift_model *model; /* NULL: no model section */
    /* st_drift_compare_model's result, or NULL: when set, the report draws its columns (in
     * place of result, which may then be NULL) and its model part (in place of model),
     * naming the model model_name (default "model") */
    const st_drift_model_result *model_result;
    const char *model_name;
} st_report_drift_input;

/* stratum drift's report: the data and settings, the columns ranked by PSI (largest first,
 * NaN last, ties by name) as a bar chart of the 30 first and a table of all, the two
 * distributions of the 6 first over their PSI bins, and with d->model its section (score
 * PSI, predicted prevalence, and when labelled the metrics on both files with their
 * intervals and the AUC change) and one section per text column. */
ST_API st_status st_report_drift(const st_report_drift_input *d, const char *path,
                                 char **html /* OUT */, size_t *size /* OUT */, st_error *err);

/* ---- stratum explain's report ---- */

typedef struct st_report_explain_input {
    const st_model *model;        /* the model explained (its text featurizers mark a row's
                                     texts) */
    const st_explanation *ex;     /* st_model_explain(model, ...) */
    const char *model_name;       /* the model and the data as the report names them, e.g.
                                     their paths (NULL: "model", "data") */
    const char *data_name;
    size_t top;                   /* chosen rows: the features shown each way, up and down,
                                     and a text's terms marked each way (0: all; the charts
                                     and marks stop at 30); the CLI's default is 5 */
    size_t top_global;            /* the ranking: the features in its table (0: all; the
                                     charts show at most 30) */
} st_report_explain_input;

/* stratum explain's report: the model and data, then for each chosen row of r->ex its
 * predicted risk, log-odds and bias, a bar chart and a table of the features pushing the
 * risk up and down with their values, and for a model of text columns each text with its
 * deciding terms marked (red raising the risk, blue lowering it, the term and contribution
 * on hover); with the explanation's global part, the features ranked by mean |contribution|
 * as a bar chart beside the model's own importance (gain, or |standardised coefficient|) and
 * a table (share, signed mean, split and gain or |std coef|). Every pointer is borrowed for
 * the call. ST_ERR_INVALID_ARG when r, its model or explanation is NULL, the explanation
 * has neither part, or is of a model of another width. */
ST_API st_status st_report_explain(const st_report_explain_input *r, const char *path,
                                   char **html /* OUT */, size_t *size /* OUT */,
                                   st_error *err);

/* A predicted probability as a clinician reads it, as the explain report writes it:
 * "12.3%", "0.42%", "<0.1%", ">99.9%" (never "100.0%"), "undefined" for NaN. Returns buf. */
ST_API char *st_report_format_risk(char *buf, size_t size, double p);

ST_API void st_report_html_free(char *html); /* NULL-safe */

/* ---- the document builder ----
 *
 *     st_report *r = NULL;
 *     if (st_report_begin("stratum evaluate", "model.txt on data.csv", &r, &err) != ST_OK) ...
 *     st_report_section(r, "Data and settings");
 *     st_report_facts(r, terms, values, n);         // a two-column list of "term: value"
 *     st_report_figures_begin(r);                   // figures side by side
 *     st_report_line_chart(r, &roc_chart);
 *     st_report_figures_end(r);
 *     st_report_table_write(r, &table);
 *     return st_report_end(r, "out.html", NULL, NULL, &err);  // frees r
 *
 * Strings and arrays given to the builder are borrowed for the call only. A failure while
 * writing (out of memory) is remembered and reported once, by st_report_end. */
typedef struct st_report st_report;

/* A new document (free it with st_report_end or st_report_discard): head, style sheet,
 * <h1>title</h1> and a subtitle line (may be NULL). */
ST_API st_status st_report_begin(const char *title, const char *subtitle,
                                 st_report **out /* OUT */, st_error *err);

/* Closes the document and writes it to path and/or returns it in *html (as above); frees r
 * whatever happens (NULL-safe: then ST_ERR_INVALID_ARG). */
ST_API st_status st_report_end(st_report *r, const char *path, char **html /* OUT */,
                               size_t *size /* OUT */, st_error *err);

/* Frees r without writing (after an error elsewhere). NULL-safe. */
ST_API void st_report_discard(st_report *r);

/* Starts a new <section> with an <h2> heading (closing the previous one). */
ST_API void st_report_section(st_report *r, const char *title);

/* A paragraph of plain text; class "note" makes it small and grey, "warn" bold (may be
 * NULL). */
ST_API void st_report_paragraph(st_report *r, const char *text, const char *css_class);

/* A list of n (term, value) pairs shown as two aligned columns. */
ST_API void st_report_facts(st_report *r, const char *const *terms, const char *const *values,
                            size_t n);

/* Figures between these two calls are laid out side by side, wrapping on narrow pages. */
ST_API void st_report_figures_begin(st_report *r);
ST_API void st_report_figures_end(st_report *r);

/* A block of free text (a note) with some of its bytes marked: marks[k] covers bytes
 * [begin, end) of text, in order and not overlapping (others are shown unmarked), "up"
 * (raises the risk: red) or not (lowers it: blue), title shown on hover (may be NULL).
 * The caption (may be NULL) comes above it as a note. */
typedef struct st_report_mark {
    size_t begin, end;
    int up;
    const char *title;
} st_report_mark;
ST_API void st_report_marked_text(st_report *r, const char *caption, const char *text,
                                  size_t len, const st_report_mark *marks, size_t n_marks);

/* "0.841 (0.812-0.870)" with an en dash ("-0.110 (-0.214 to -0.006)" when a bound is
 * negative), "0.841" without an interval (lo NaN), or
 * "undefined" when v is NaN; digits after the point. Returns buf. */
ST_API char *st_report_format_ci(char *buf, size_t size, double v, double lo, double hi,
                                 int digits);

/* One table cell. A text cell shows `text`. A number cell (text NULL) shows value (and the
 * interval [low, high] when low is not NaN) with `digits` decimals, or %.6g when digits
 * < 0, or "undefined" for NaN; the exact numbers also go into data-value, data-low and
 * data-high attributes (%.17g), so that programs can read them back (an undefined value
 * has none of them: it has no interval either). */
typedef struct st_report_cell {
    const char *text;
    double value, low, high;
    int digits;
    int best; /* shown in bold with a marker (a star): the best of its column, or what
                 the table's note says the marker means */
    const char *title; /* the marked cell's tooltip; NULL: "best in its column" */
} st_report_cell;

/* A text cell, and a number cell with an interval (low NaN for none). */
ST_API st_report_cell st_report_text_cell(const char *text);
ST_API st_report_cell st_report_number_cell(double value, double low, double high, int digits);

typedef struct st_report_table {
    const char *caption;          /* above the table, or NULL */
    size_t n_cols, n_rows;
    const char *const *header;    /* n_cols column titles */
    const st_report_cell *cells;  /* n_rows * n_cols, row-major */
    size_t n_label_cols;          /* leading columns that name the row (left-aligned) */
    const char *note;             /* a note under the table, or NULL */
} st_report_table;

ST_API void st_report_table_write(st_report *r, const st_report_table *t);

/* The number of colours of the series palette (Okabe and Ito 2008, colour-blind-safe). */
#define ST_REPORT_N_COLORS 7

/* A line of a line chart. Points with a NaN coordinate are skipped. Long lines are
 * simplified first (Ramer-Douglas-Peucker within 1/2000 of the plot, at most 4,000 points
 * a line), so a curve of 100,000 points costs a few thousand. */
typedef struct st_report_series {
    const char *name;             /* legend text */
    const double *x, *y;
    size_t n;
    double mark_x, mark_y;        /* a marked point (the operating point), NaN for none */
    const char *mark_note;        /* legend text for the mark, e.g. "threshold 0.31", or NULL */
    int color;                    /* index into the palette (modulo ST_REPORT_N_COLORS) */
    int dashed;                   /* draw dashed */
    int dots;                     /* a dot on every point (few points, e.g. calibration bins) */
} st_report_series;

typedef struct st_report_chart {
    const char *title, *x_label, *y_label;
    double x_min, x_max, y_min, y_max; /* the axes' ranges */
    int diagonal;                 /* dotted reference line y = x */
    double baseline;              /* dotted horizontal reference line at this y, NaN for none */
    const char *baseline_note;    /* legend text for it, or NULL */
    const st_report_series *series;
    size_t n_series;
    const char *caption;          /* a note under the chart, or NULL */
} st_report_chart;

/* One <figure> holding an SVG line chart with axes, ticks, grid, legend (below the plot)
 * and marks; each series is one <polyline class="curve">, each mark one
 * <circle class="mark">. */
ST_API void st_report_line_chart(st_report *r, const st_report_chart *c);

/* A horizontal bar chart of signed values: bars grow right of zero for positive values
 * and left for negative ones, in two colours, with the value written at the bar's end. */
typedef struct st_report_bars {
    const char *title, *value_label;
    const char *const *labels;    /* n labels (long ones are shortened with an ellipsis) */
    const double *values;         /* n values; NaN draws no bar */
    size_t n;
    int digits;                   /* decimals of the values written */
    const char *caption;          /* a note under the chart, or NULL */
} st_report_bars;

ST_API void st_report_bar_chart(st_report *r, const st_report_bars *b);

/* A curve's points for a chart, simplified within 1/4000 of the unit square (finer than any
 * chart draws). Owned by the caller: st_report_curve_free. */
typedef struct st_report_curve {
    double *x, *y;
    size_t n;
} st_report_curve;

/* The ROC curve (x false positive rate, y true positive rate) or, with pr, the
 * precision-recall curve (x recall, y precision) of scores p against labels y (weights w
 * or NULL), as st_roc_curve and st_pr_curve compute them. */
ST_API st_status st_report_curve_make(int pr, const double *p, const float *y, const float *w,
                                      size_t n, st_report_curve *out /* OUT */, st_error *err);
ST_API void st_report_curve_free(st_report_curve *c); /* NULL-safe; leaves it empty */

/* The axis maximum of a calibration plot: the bins' largest value rounded up to a tenth
 * (at least 0.1, at most 1), so that a model of rare events is not squeezed into a corner. */
ST_API double st_report_calibration_top(const st_calibration_bin *bins);

#ifdef __cplusplus
}
#endif

#endif
