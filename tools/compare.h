/* stratum compare: cross-validation of every model family x class-weight setting on the
 * same folds (cmd_compare.c), and the table that reports them (compare_output.c). */
#ifndef STRATUM_COMPARE_H
#define STRATUM_COMPARE_H

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
    cv_summary col[COMPARE_N_COLS];
    int best[COMPARE_N_COLS];       /* 1 on the best mean of the column (ties all marked) */
} compare_row;

/* Sets best[]: the highest mean, or the lowest for Brier and log loss. */
void compare_mark_best(compare_row *rows, size_t n);

/* Prints the table in s->format (text, csv, markdown or json) to stdout. */
void compare_print(const cv_setup *s, const compare_row *rows, size_t n);

#endif
