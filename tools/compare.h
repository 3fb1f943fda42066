/* stratum compare: every model family x class-weight setting cross-validated on the same
 * folds by the library's st_compare_run (stratum/compare.h; cmd_compare.c drives it), and
 * the table that reports them (compare_output.c). */
#ifndef STRATUM_CLI_COMPARE_H
#define STRATUM_CLI_COMPARE_H

#include "cv.h"

/* The table's columns, in order. */
enum { COMPARE_N_COLS = 7 };
extern const st_metric compare_metrics[COMPARE_N_COLS];

/* One row: a setting and its metrics summarised over the folds. */
typedef struct compare_row {
    cv_model model;
    const char *weight;             /* "none", "balanced" or the weight as given */
    const char *calibration;        /* with --recalibrate: "none", "platt" or "isotonic";
                                       NULL without it */
    const char *file;               /* --model FILE as given: the row scores that existing
                                       model (model is then unused, weight "(fixed)");
                                       NULL for a cross-validated setting */
    st_training_overlap overlap;    /* --model: how far DATA is its training rows */
    cv_summary col[COMPARE_N_COLS];
    int best[COMPARE_N_COLS];       /* 1 on the best mean of the column (ties all marked;
                                       st_compare_row's best) */
} compare_row;

/* The row's name in the model column: "logreg", "gbdt", or the --model file's base name. */
const char *compare_row_model(const compare_row *row);
/* The part of path after its last '/'. */
const char *compare_file_name(const char *path);

/* --model FILE (compare_fixed.c): writes the model's P(y = 1) for every row of s->ds into p
 * (n_rows entries); a stratum model of either family or an XGBoost JSON model. Returns an
 * exit code, with one line naming the file on stderr on failure (missing, not a model, a
 * feature of the model absent from the data). */
int compare_fixed_predict(const cv_setup *s, const char *path, double *p,
                          st_training_overlap *overlap);

/* The training-rows note of a --model row ("note: --model thy.model: these 3,772 rows are
 * the model's training rows: its metrics are optimistic; evaluate on held-out data") into
 * buf: 1, or 0 (buf "") when there is none. */
int compare_overlap_note(const compare_row *row, char *buf, size_t size);

/* --oof (compare_files.c): row,fold,repeat,label and a column per row of the table (its
 * out-of-fold probabilities, cmp kept them), written atomically to path. An exit code. */
int compare_write_oof(const cv_setup *s, const compare_row *rows,
                      const st_compare_result *cmp, const char *path);
/* --report's curves: oofs[i] (n_settings of them; report_cli.h) from row i's folds and
 * out-of-fold probabilities. An exit code. */
struct report_oof;
int compare_report_oofs(const cv_setup *s, const st_compare_result *cmp,
                        struct report_oof *oofs);

/* Prints the table in s->format (text, csv, markdown or json) to stdout. */
void compare_print(const cv_setup *s, const compare_row *rows, size_t n);

#endif
