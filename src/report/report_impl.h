/* src/report/: the HTML reports (stratum/report.h): the document builder (report_html.c:
 * skeleton, style sheet, escaping, sections, facts, tables; report_svg.c: line and bar
 * charts as inline SVG), the curves the reports draw (report_curves.c), and the reports of
 * an evaluation (report_evaluate.c), of cross-validation and of compare (report_cv.c,
 * report_cv_facts.c, report_oof_charts.c, report_compare.c) from eval/'s and fit/'s
 * result structs, of drift (report_drift.c, report_drift_model.c) from drift/'s, and of
 * explain (report_explain.c, report_explain_text.c) from fit/'s explanation. It stands after drift/ in the folder order: it may call core,
 * io, data, eval, fit and drift; nothing in the library calls it.
 *
 * This file: the builder's state and what the report files share. */
#ifndef STRATUM_REPORT_IMPL_H
#define STRATUM_REPORT_IMPL_H

#include <stdio.h>

#include <stratum/report.h>

struct st_report {
    FILE *f;        /* the memory stream being written */
    char *buf;      /* its buffer (owned) */
    size_t size;
    int in_section; /* a <section> is open */
    int n_charts;   /* numbers the charts, for unique ids */
};

/* HTML-escapes s onto f: & < > " ' and control characters (as spaces). */
void st__report_escape(FILE *f, const char *s);

/* Text in charts that must fit its room (report_svg.c): the width of s's first n bytes in
 * em, measured at least as wide as the style sheet's font draws it; the bytes of s to keep
 * (whole code points) so that they and an ellipsis fit in max_em, or strlen(s) when s
 * fits whole; and the width a line chart's title has, in em of st__report_text_em. */
double st__report_text_em(const char *s, size_t n);
size_t st__report_fit(const char *s, double max_em);
double st__report_line_title_em(void);

/* The colour-blind-safe palette (Okabe and Ito 2008) used for series, in order. */
extern const char *const st__report_colors[ST_REPORT_N_COLORS];

/* Simplifies the line (x[i], y[i]) in place: keeps the first and last point and every
 * point that lies farther than eps * (range) from the line through the points kept around
 * it (Ramer-Douglas-Peucker, distances measured in units of x_range and y_range), so
 * straight runs collapse to their ends and the drawn shape moves by at most eps of the
 * plot. If more than max_points remain, eps doubles until they fit. Returns the new count
 * (n unchanged when out of memory). */
size_t st__report_simplify(double *x, double *y, size_t n, double x_range, double y_range,
                           double eps, size_t max_points);

/* What cv and compare draw for one model setting: the curves and calibration bins of its
 * out-of-fold predictions pooled over the repeats, and its operating point as the mean
 * over the folds of (false positive rate, recall, precision), each fold at the threshold
 * chosen on its own training part. */
typedef struct st__report_oof {
    st_report_curve roc, pr;
    st_calibration_bin calibration[ST_CALIBRATION_BINS];
    double prevalence;
    double mark_fpr, mark_recall, mark_precision, mean_threshold; /* NaN when undefined */
} st__report_oof;

/* From folds (n_folds * n_repeats, as in st_cv_result) and out-of-fold predictions oof
 * (n_repeats * n_rows(ds)). Free with st__report_oof_free. */
st_status st__report_oof_make(const st_dataset *ds, size_t n_folds, size_t n_repeats,
                              const st_cv_fold *folds, const double *oof,
                              st__report_oof *out, st_error *err);
void st__report_oof_free(st__report_oof *o);

/* A metric (or the threshold, metric < 0) over m folds, as st_cv_summarise. */
st_cv_summary st__report_fold_summary(const st_cv_fold *folds, size_t m, int metric);

/* The options of prm for `family` in a line, e.g. "logreg, lambda 0.01, alpha 0.5, class
 * weight none"; without the class weights unless with_weights. */
void st__report_model_text(const st_cv_params *prm, st_cv_family family, int with_weights,
                           char *buf, size_t size);

/* Pieces the reports of cv and compare share (report_cv_facts.c): the subtitle ("5-fold
 * stratified cross-validation x 1 repeat on N rows of DATA"); the facts about data, folds,
 * threshold rule and intervals, with extra (term, value) pairs after the prevalence and
 * then prm's text columns with their featurizer's options (ST_ERR_NOMEM only); and
 * the out-of-fold ROC, precision-recall and calibration charts of n settings, each drawn
 * in colour colors[i], dashed when dashed[i]. ctx is never NULL here (the defaults filled). */
void st__report_cv_subtitle(const st_dataset *ds, size_t n_folds, size_t n_repeats,
                            const st_report_context *ctx, char *buf, size_t size);
st_status st__report_cv_facts(st_report *rep, const st_dataset *ds, const st_cv_params *prm,
                              size_t n_folds, size_t n_repeats, const st_report_context *ctx,
                              const char *const *extra_terms, const char *const *extra_values,
                              size_t n_extra, st_error *err);
void st__report_oof_charts(st_report *rep, const st__report_oof *o, const char *const *names,
                           const int *colors, const int *dashed, size_t n);

/* ctx, or the defaults when NULL, with folds_how and rule_name filled from prm: into *out,
 * folds_how's text in how_buf. */
void st__report_context_fill(const st_report_context *ctx, const st_cv_params *prm,
                             st_report_context *out, char *how_buf, size_t how_size);

#endif
