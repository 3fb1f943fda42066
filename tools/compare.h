/* stratum compare: every model family x class-weight setting cross-validated on the same
 * folds by the library's st_compare_run (stratum/compare.h): the options (cmd_compare.c),
 * the run (compare_run.c), the --model files' predictions (compare_fixed.c), the table
 * (compare_output.c), --oof and --report (compare_files.c; the report is the library's,
 * stratum/report.h). */
#ifndef STRATUM_CLI_COMPARE_H
#define STRATUM_CLI_COMPARE_H

#include "cv.h"

enum { COMPARE_MAX_WEIGHTS = 16, COMPARE_MAX_FIXED = 8 }; /* --weights, --model */

/* A class-weight setting: ST_CLASS_WEIGHT_NONE, _BALANCED or _POSITIVE with value. */
typedef struct weight_setting {
    st_class_weight kind;
    double value;
    const char *text;
} weight_setting;

/* The command's settings (cmd_compare.c parses them). */
typedef struct compare_opts {
    int use[2];                     /* indexed by cv_model */
    weight_setting weight[COMPARE_MAX_WEIGHTS];
    size_t n_weights;
    char weight_text[512];
    const char *fixed[COMPARE_MAX_FIXED];   /* --model FILE, in order */
    st_training_overlap fixed_overlap[COMPARE_MAX_FIXED]; /* how far DATA is each one's training
                                                     rows */
    size_t n_fixed;
    const char *reference;          /* --reference NAME: the row every other is compared
                                       with, fold by fold; NULL: each setting with its
                                       family's first weight, a --model row with row 0 */
    long reference_row;             /* its index among the rows (compare_reference_index),
                                       -1 without --reference */
} compare_opts;

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
    long diff_from;                 /* the row it is compared with, or -1 (a reference) */
    cv_summary diff[COMPARE_N_COLS]; /* this row minus row diff_from, paired over the folds
                                       (st_compare_difference) */
} compare_row;

/* The row's name in the model column: "logreg", "gbdt", or the --model file's base name. */
const char *compare_row_model(const compare_row *row);
/* The row's name in --oof's header and --reference: MODEL_WEIGHT, MODEL_WEIGHT_METHOD for
 * a recalibrated row, or the --model file's base name, into buf. */
void compare_row_name(const compare_row *row, char *buf, size_t size);

/* The index of --reference co->reference among the table's rows, known from the options
 * before anything runs (the rows' order is st_compare_run's: logreg's weights, then
 * gbdt's, each followed by its calibrated row under --recalibrate METHOD (method, else
 * NULL), then the --model files); -1 without it. An unknown name: a usage error naming
 * the rows, -2. */
long compare_reference_index(const compare_opts *co, const char *method);

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

/* The library's parameters of the comparison (compare_run.c): the shared setup, the
 * families and weights (into weights, COMPARE_MAX_WEIGHTS), --recalibrate, the --model
 * files' predictions (p_fixed[k * n_rows ...]; into fixed, COMPARE_MAX_FIXED). */
st_compare_params compare_params_of(const cv_setup *s, const compare_opts *co,
                                    const double *p_fixed, st_compare_weight *weights,
                                    st_compare_fixed *fixed, int keep_oof);

/* Runs the comparison (compare_run.c: st_compare_run over s, co's settings, the --model
 * files' predictions p_fixed[k * n_rows ...]; keep_oof: the rows keep their out-of-fold
 * probabilities) with the progress line and a line per row on stderr unless quiet; on
 * failure one line naming the setting or --model file. *cmp: the result to free. An exit
 * code. */
int compare_run(const cv_setup *s, const compare_opts *co, const double *p_fixed,
                int keep_oof, st_compare_result **cmp);
/* The library's rows as the table's: names, each column's summary, the best marks, and
 * each row's paired differences from the row it is compared with: co->reference_row, or
 * without it its family's first weight (uncalibrated; a --model row: row 0). */
void compare_table_rows(const cv_setup *s, const compare_opts *co,
                        const st_compare_result *cmp, compare_row *rows);

/* --oof (compare_files.c): row,fold,repeat,label and a column per row of the table (its
 * out-of-fold probabilities, cmp kept them), written atomically to path. An exit code. */
int compare_write_oof(const cv_setup *s, const compare_row *rows,
                      const st_compare_result *cmp, const char *path);
/* --report (compare_files.c): the library's st_report_compare of cmp (run with keep_oof)
 * with the command's names (DATA's path, the weights as written, the --model notes),
 * written atomically to path. An exit code. */
int compare_write_report(const cv_setup *s, const compare_opts *co, const compare_row *rows,
                         const double *p_fixed, const st_compare_result *cmp,
                         const char *path);

/* Prints the table in s->format (text, csv, markdown or json) to stdout. */
void compare_print(const cv_setup *s, const compare_row *rows, size_t n);

#endif
