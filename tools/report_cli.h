/* --report FILE.html of stratum evaluate, cv and compare: what each command puts in its
 * report (report_evaluate.c, report_cv.c, report_compare.c) and the curves they draw
 * (report_curves.c), on top of the generic HTML and SVG writer of report.h. */
#ifndef STRATUM_REPORT_CLI_H
#define STRATUM_REPORT_CLI_H

#include "compare.h"
#include "evaluate_output.h"
#include "report.h"

/* A curve's points, already simplified for drawing (report_simplify). */
typedef struct report_curve {
    double *x, *y;
    size_t n;
} report_curve;

/* The ROC curve (x false positive rate, y true positive rate) or, with pr, the
 * precision-recall curve (x recall, y precision) of scores p against labels y. Returns an
 * exit code (a message on stderr on failure); free with report_curve_free. */
int report_curve_make(int pr, const double *p, const float *y, const float *w, size_t n,
                      report_curve *out);
void report_curve_free(report_curve *c);

/* What cv and compare draw for one model setting: the curves and calibration bins of its
 * out-of-fold predictions pooled over the repeats, and its operating point as the mean
 * over the folds of (false positive rate, recall, precision), each fold at the threshold
 * chosen on its own training part. */
typedef struct report_oof {
    report_curve roc, pr;
    st_calibration_bin calibration[ST_CALIBRATION_BINS];
    double prevalence;
    double mark_fpr, mark_recall, mark_precision, mean_threshold; /* NaN when undefined */
} report_oof;

/* From s's fold results res (n_folds * n_repeats) and out-of-fold predictions oof
 * (n_repeats * n_rows). Returns an exit code; free with report_oof_free. */
int report_oof_make(const cv_setup *s, const cv_fold_result *res, const double *oof,
                    report_oof *out);
void report_oof_free(report_oof *o);

/* The axis maximum of a calibration plot: the bins' largest value rounded up to a tenth
 * (at least 0.1, at most 1), so that a model of rare events is not squeezed into a corner. */
double report_calibration_top(const st_calibration_bin *bins);

/* The options of s for `model` in a line, e.g. "logreg, lambda 0.01, alpha 0.5, class
 * weight none"; without the class weights unless with_weights. */
void report_model_text(const cv_setup *s, cv_model model, int with_weights, char *buf,
                       size_t size);

/* Pieces the reports of cv and compare share (report_cv.c): the subtitle ("5-fold
 * stratified cross-validation x 1 repeat on N rows of DATA"); the facts about data, folds,
 * threshold rule and intervals, with extra (term, value) pairs after the prevalence; and
 * the out-of-fold ROC, precision-recall and calibration charts of n settings, each drawn
 * in colour colors[i] (index into report_colors), dashed when dashed[i]. */
void report_cv_subtitle(const cv_setup *s, char *buf, size_t size);
void report_cv_facts(report *rep, const cv_setup *s, const char *const *extra_terms,
                     const char *const *extra_values, size_t n_extra);
void report_oof_charts(report *rep, const report_oof *o, const char *const *names,
                       const int *colors, const int *dashed, size_t n);

/* Each command's report, written atomically to path; an exit code. */
int report_evaluate(const char *path, const eval_report *r, const double *p, const float *y,
                    const float *w, size_t n);
int report_cv(const char *path, const cv_setup *s, const cv_fold_result *res,
              const report_oof *oof);
int report_compare(const char *path, const cv_setup *s, const compare_row *rows,
                   const report_oof *oofs, size_t n);

#endif
