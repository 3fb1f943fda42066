/* The progress line of the commands that can run long (cli_progress.c): on stderr, redrawn
 * in place (carriage return) at most five times a second and erased when the work ends,
 * e.g.
 *
 *     stratum compare: gbdt, weight 5, fold 3/5, tree 40/100 | 23/60 folds, 1m05s, ETA 1m50s
 *
 * Shown only when stderr is a terminal and neither -q nor --no-progress was given, or
 * when --progress was; otherwise every call here does nothing, so a pipeline or a CI log
 * gets no byte of it. One line per process, so the state is this file's own (a command
 * runs once per process); the library never prints, it reports through the callbacks
 * below (st_gbdt_train_callbacks, st_logreg_params.progress), which do not change any
 * model. */
#ifndef STRATUM_CLI_PROGRESS_H
#define STRATUM_CLI_PROGRESS_H

#include <stdint.h>

#include "cli.h"

/* From the common options: forced 1 (--progress), 0 (--no-progress) or -1 (decide: a
 * terminal and not quiet). */
void cli_progress_mode(int forced, int quiet);
/* 1 when the line is drawn. */
int cli_progress_on(void);

/* Starts the line of `command` ("compare", "train") over `total` units of work named
 * `unit` ("folds", "trees", "lambdas"); total 0 when unknown (then no ETA). Restarts the
 * clock; the labels below are emptied. */
void cli_progress_begin(const char *command, size_t total, const char *unit);
/* What runs now, in three levels, each clearing the ones below it: the setting ("gbdt,
 * weight 5"), the step ("fold 3/5"), the detail ("tree 40/100"). */
void cli_progress_label(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_progress_step(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_progress_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The total of begin, once known. */
void cli_progress_total(size_t total);
/* Units finished so far (of begin's total); redraws. */
void cli_progress_done(size_t done);
void cli_progress_advance(void); /* one more unit finished */
/* st_bin_options.progress for stratum bin: the pass and the MiB read of the file in it,
 * over two passes. */
void cli_progress_bin(int pass, uint64_t bytes_done, uint64_t bytes_total, void *data);
/* Erases the line, for a line of one's own on stderr; the next update draws it again. */
void cli_progress_clear(void);
/* Erases the line for good: the work is over. */
void cli_progress_end(void);

/* Library callbacks feeding the line: trees of boosted trees (the units themselves when
 * begin's unit is "trees", else the detail) and iterations of logistic regression (with
 * begin's unit "lambdas", a path's fits are the units). user_data is unused (NULL). */
int cli_progress_gbdt(const st_gbdt_progress *p, void *user_data);
void cli_progress_logreg(const st_logreg_progress *p, void *user_data);
/* The callbacks to give st_gbdt_train_ex when the line is drawn, else NULL. */
const st_gbdt_train_callbacks *cli_progress_gbdt_callbacks(void);
/* prm with its progress callback set when the line is drawn. */
void cli_progress_logreg_params(st_logreg_params *prm);

#endif
