/* stratum train gbdt on a binned file (stratum bin), and --bins-from. */
#ifndef STRATUM_TRAIN_BINNED_H
#define STRATUM_TRAIN_BINNED_H

#include "cli.h"

/* Trains on the binned file at data_path with prm (its binning options are the file's; a
 * different --max-bin or --max-cat-levels is warned about on stderr), an optional
 * validation file, saves the model and prints the importance. Returns an exit code. */
int cli_train_gbdt_binned(const char *data_path, const char *model_path,
                          const st_gbdt_params *prm, const cli_common *common,
                          const char *valid_path, int metric_freq);

/* Opens a binned file for --bins-from (with the same warnings). Returns an exit code, the
 * message printed on failure. */
int cli_open_bins(const char *path, const st_gbdt_params *prm, st_binned **out);

/* The binning is the file's: a --max-bin or --max-cat-levels given (not the default) that
 * differs from it has no effect, and says so on stderr as a warning, also under --quiet
 * (which hides progress and notes, not an option the user gave that does nothing).
 * Returns the number of warnings printed. */
int cli_warn_ignored_binning(const st_binned *b, const st_gbdt_params *prm, const char *path);

/* The CSV-reading options on the command line against the binned file at path, which
 * was read by stratum bin: --weight-file, or a --weight-col or --label other than the
 * file's, is a usage error (the model would not be weighted or labelled as asked); any
 * other reading option (--ignore, --na-values, --numeric, ...) is warned about as having
 * no effect, unless valid_given (then it reads the --valid CSV). Returns an exit code,
 * the message printed. */
int cli_binned_check_options(const st_binned *b, const char *path, const cli_common *c,
                             int valid_given);

/* stratum train logreg DATA.stb: logistic regression streamed from the file's raw values
 * (st_logreg_train_binned); saves the model and prints the summary and coefficients.
 * Returns an exit code. */
int cli_train_logreg_binned(const char *data_path, const char *model_path,
                            const st_logreg_params *prm, const cli_common *common, int all);

/* The importance table of a boosted-trees training (gbdt_importance_output.c; (JSON: with "fit_seconds" when fit_seconds >= 0). */
void cli_gbdt_print_importance(const st_gbdt *m, cli_format format, double fit_seconds);

#endif
