/* stratum/compare.h: model families x class-weight settings cross-validated side by side
 * on the same folds, as `stratum compare` runs them (docs/compare.md). Include <stratum.h>
 * rather than this file.
 *
 *     st_compare_params cp = st_compare_params_default(); // logreg and gbdt, weights none,
 *     cp.cv.eval.rule = ST_THRESHOLD_MAX_F1;              // balanced, 2, 5, 10, 25; seed 42
 *     st_compare_result *res = NULL;
 *     if (st_compare_run(ds, &cp, &res, &err) != ST_OK) { puts(err.message); ... }
 *     for (size_t i = 0; i < res->n_settings; i++)
 *         printf("%s %.4f\n", st_compare_family_name(res->rows[i].family),
 *                res->rows[i].summary[ST_METRIC_ROC_AUC].mean);
 *     st_compare_result_free(res);
 *
 * Each setting is st_cv_run (stratum/cv.h) of one family with one class weight, on the
 * folds every setting shares (cv's folds and seed): the row holds each metric's mean over
 * the folds with its 95% interval (st_cv_summarise_folds: the corrected resampled t). With recalibrate, each
 * setting gets a second row: each fold's model calibrated on an inner cross-validation of
 * its training part (st_cv_post_fit: the map and the row's threshold from the inner
 * out-of-fold predictions; the test fold is never used). Existing models (`--model FILE`)
 * join as fixed rows: the caller scores every row once; each fold takes its test rows and
 * the threshold the rule picks on its training rows' predictions (the model is not
 * refitted). Nothing is printed; progress goes to the callback. The same data, parameters
 * and seed give the same result whatever the thread count. */
#ifndef STRATUM_COMPARE_H
#define STRATUM_COMPARE_H

#include <stddef.h>

#include "common.h"
#include "cv.h"
#include "dataset.h"
#include "metrics.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A class-weight setting: logreg's class_weight (positive_weight = value when POSITIVE),
 * gbdt's class_weight BALANCED or scale_pos_weight = value. */
typedef struct st_compare_weight {
    st_class_weight kind;         /* ST_CLASS_WEIGHT_NONE, _BALANCED or _POSITIVE */
    double value;                 /* _POSITIVE: the positive class's weight, finite > 0 */
} st_compare_weight;

/* An existing model scored as it is, on the same folds. Borrowed for the call. */
typedef struct st_compare_fixed {
    const char *name;             /* names it in error messages (e.g. its file) */
    const double *p;              /* n_rows(ds): the model's P(y = 1) of every row */
} st_compare_fixed;

typedef enum st_compare_event {
    ST_COMPARE_SETTING_START = 0, /* a cross-validated setting starts (row, not fixed) */
    ST_COMPARE_FOLD_START = 1,    /* one of its folds starts (fold) */
    ST_COMPARE_FOLD_DONE = 2,     /* one of its folds is done (fold, with its metrics) */
    ST_COMPARE_ROW_DONE = 3       /* a row is complete (row; with recalibrate, a setting's
                                     calibrated row follows in the same event's row + 1) */
} st_compare_event;

struct st_compare_row;

/* What the progress callback is told; valid during the call only. */
typedef struct st_compare_progress {
    st_compare_event event;
    size_t setting, n_settings;   /* 0-based cross-validated setting of n_settings (the
                                     fixed rows not counted); n_settings at a fixed row */
    const struct st_compare_row *row; /* SETTING_START (family, weight only) and ROW_DONE */
    const st_cv_progress *fold;   /* FOLD_START and FOLD_DONE: st_cv_run's own; else NULL */
} st_compare_progress;

/* Called on the calling thread; it only reads p. The result is the same with or without. */
typedef void (*st_compare_progress_fn)(const st_compare_progress *p, void *user_data);

/* Start from st_compare_params_default(). Every pointer is borrowed for the call. */
typedef struct st_compare_params {
    st_cv_params cv;              /* the folds, seed, threshold rule, threshold_folds, text
                                     columns, threads and both families' parameters, as for
                                     st_cv_run (st_cv_params_default()); family, the class
                                     weights (logreg.class_weight, positive_weight,
                                     gbdt.class_weight, scale_pos_weight), progress and
                                     on_part are set per setting */
    int logreg, gbdt;             /* which families are cross-validated (default 1, 1) */
    const st_compare_weight *weights; /* n_weights settings, each fitted by each family
                                     (default NULL: none, balanced, 2, 5, 10, 25) */
    size_t n_weights;
    st_calibration_method recalibrate; /* ST_CALIBRATION_NONE (default), _PLATT or
                                     _ISOTONIC: a calibrated row after each setting */
    size_t calibration_folds;     /* its inner folds, >= 2 (default 5), seeded by cv.seed */
    const st_compare_fixed *fixed; /* n_fixed existing models, rows after the settings */
    size_t n_fixed;
    int keep_oof;                 /* 1: each row keeps its out-of-fold probabilities (oof);
                                     0 (default): not */
    st_compare_progress_fn progress; /* NULL (default) or called as the rows are made */
    void *progress_data;          /* passed to progress as is */
} st_compare_params;

ST_API st_compare_params st_compare_params_default(void);

/* The metrics of the compare table (ROC-AUC, PR-AUC, precision, recall, F1, Brier, log
 * loss), in its order: *out points to a static array; returns its length. */
ST_API size_t st_compare_metrics(const st_metric **out /* OUT */);

/* One row of the table: a setting cross-validated, its calibrated row, or a fixed model. */
typedef struct st_compare_row {
    int fixed;                    /* -1: a cross-validated setting; else the index of its
                                     model in params' fixed */
    st_cv_family family;          /* a setting's family (ST_CV_LOGREG for a fixed row) */
    size_t weight_index;          /* a setting's index in the weights (0 for a fixed row) */
    st_compare_weight weight;     /* that weight */
    int calibrated;               /* 1: the setting's calibrated row (recalibrate) */
    st_cv_summary summary[ST_METRIC_COUNT]; /* each metric over the folds */
    st_cv_summary threshold;      /* the folds' thresholds, summarised the same way */
    int best[ST_METRIC_COUNT];    /* 1 on the best mean of a table metric (st_compare_metrics:
                                     the highest, the lowest for Brier and log loss) among
                                     all rows, ties all marked; 0 for the other metrics */
    st_cv_fold *folds;            /* n_repeats * n_folds, repeat-major, as st_cv_result's */
    double *oof;                  /* with keep_oof: n_repeats * n_rows out-of-fold P(y = 1)
                                     at [r * n_rows + i] (a fixed row: the model's own);
                                     else NULL */
} st_compare_row;

/* What st_compare_run returns; owned by the caller, freed with st_compare_result_free. */
typedef struct st_compare_result {
    size_t n_rows, n_folds, n_repeats;
    int *fold_of;                 /* n_repeats * n_rows: test fold (0-based) of row i in
                                     repeat r at [r * n_rows + i], as st_cv_result's */
    size_t n_settings;            /* rows of the table */
    st_compare_row *rows;         /* the settings in family order (logreg, gbdt), each
                                     family's weights in order, each followed by its
                                     calibrated row with recalibrate; then the fixed models */
} st_compare_result;

/* Runs prm's comparison on ds (labels required). On success *out is a new result; on
 * failure *out is NULL and err says why: bad parameters ("st_compare_run: " naming the
 * field), a setting's cross-validation (st_cv_run's message, "gbdt, fold 2 of repeat 1:
 * ..."), a fold's calibration, or a fixed model's fold (its name, "fold 2 of repeat 1: "
 * and why). prm may be NULL for the defaults. */
ST_API st_status st_compare_run(const st_dataset *ds, const st_compare_params *prm,
                                st_compare_result **out /* OUT */, st_error *err);
ST_API void st_compare_result_free(st_compare_result *res); /* NULL-safe */

/* The paired difference in `metric` between rows a and b of res: on each fold, row a's
 * value minus row b's on the same test rows (folds where either is undefined are left
 * out), summarised as st_cv_summarise_folds summarises a metric: the mean difference, its
 * SD and the corrected resampled t 95% interval (not clipped; Nadeau and Bengio proposed
 * it for exactly this comparison of two learners on the same folds). The fold-to-fold
 * variation both rows share cancels, so this interval is narrower than the rows' own
 * intervals suggest: rows whose intervals overlap may still differ, and an interval here
 * that excludes 0 says the folds consistently favour one. NULL res, a or b out of range,
 * or a metric out of range: an empty summary (defined 0, NaN values). */
ST_API st_cv_summary st_compare_difference(const st_compare_result *res, size_t a, size_t b,
                                           st_metric metric);

/* The row that row i of res is compared with in the paired differences stratum compare
 * shows (the CLI's table, JSON and CSV, the report, Python's diff_from): with reference
 * -1, a calibrated row is compared with the same setting uncalibrated (what calibration
 * changed), another cross-validated row with its family's first class weight, and a
 * fixed model with the table's first row; with
 * reference r >= 0, every row with row r. Returns -1 for the reference row itself (it is
 * compared with none), for i out of range and for reference out of range (>= n_settings). */
ST_API long st_compare_reference_of(const st_compare_result *res, long reference, size_t i);

/* "logreg" or "gbdt". */
ST_API const char *st_compare_family_name(st_cv_family family);

#ifdef __cplusplus
}
#endif

#endif
