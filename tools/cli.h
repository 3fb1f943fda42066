/* The stratum program's shared pieces: options common to every command, error reporting
 * and output formats. Only the CLI prints and exits; the library never does. */
#ifndef STRATUM_CLI_H
#define STRATUM_CLI_H

#include <getopt.h>
#include <stdio.h>
#include <stratum.h>

/* Exit codes, as documented in `stratum --help`. */
enum { EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2 };

typedef enum cli_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV, FORMAT_MARKDOWN } cli_format;

/* Options every command accepts. Strings point into argv or into `lists`. */
typedef struct cli_common {
    const char *label;
    long label_index;
    int label_given;     /* --label was on the command line */
    const char *positive;
    const char *weight_col;
    const char *ignore[256];
    size_t n_ignore;
    const char *na_values[64];
    size_t n_na_values;
    int use_na_values;
    char delimiter;
    int skip_missing_labels;
    int no_header;       /* --no-header */
    const char *weight_file; /* --weight-file */
    const char *numeric[256];     /* --numeric COLS */
    size_t n_numeric;
    const char *categorical[256]; /* --categorical COLS */
    size_t n_categorical;
    st_censored_policy censored;  /* --censored */
    char decimal;                 /* --decimal: '.' or ',' */
    int threads;
    unsigned long long seed;
    cli_format format;
    int quiet;
    int progress;        /* --progress 1, --no-progress 0, neither -1 (cli_progress.h) */
    int libsvm_zero_based; /* --libsvm-base: -1 detect, 0 one-based, 1 zero-based */
    int iter_begin, iter_end; /* --iteration-range A:B (gbdt models); 0:0 = the default */
    const char *const *text_cols; /* --text-col columns (cli_text.h), set by the commands */
    size_t n_text_cols;           /* that take them: never identifiers to warn about */
    char lists[8192]; /* storage for the comma lists split above */
    size_t lists_used;
} cli_common;

void cli_common_init(cli_common *c);

/* getopt_long entries for the common options; a command appends its own after them. */
#define CLI_COMMON_OPTIONS                                                               \
    {"label", required_argument, NULL, 1001}, {"positive", required_argument, NULL, 1002}, \
    {"ignore", required_argument, NULL, 1003}, {"weight-col", required_argument, NULL, 1004}, \
    {"threads", required_argument, NULL, 1005}, {"seed", required_argument, NULL, 1006},   \
    {"format", required_argument, NULL, 1007}, {"quiet", no_argument, NULL, 'q'},          \
    {"delimiter", required_argument, NULL, 1008}, {"na-values", required_argument, NULL, 1009}, \
    {"skip-missing-labels", no_argument, NULL, 1010}, {"help", no_argument, NULL, 'h'},  \
    {"no-header", no_argument, NULL, 1181}, {"weight-file", required_argument, NULL, 1182},  \
    {"libsvm-base", required_argument, NULL, 1011},                                       \
    {"numeric", required_argument, NULL, 1183}, {"categorical", required_argument, NULL, 1184}, \
    {"censored", required_argument, NULL, 1185}, {"decimal", required_argument, NULL, 1186}, \
    {"progress", no_argument, NULL, 1190}, {"no-progress", no_argument, NULL, 1191}

/* --iteration-range, for the commands that score a saved model (predict, evaluate,
 * explain); cli_common_option handles it, cli_iteration_help describes it. */
#define CLI_ITERATION_OPTION {"iteration-range", required_argument, NULL, 1012}
extern const char cli_iteration_help[];

/* The training-rows note (training_overlap.c): when o says the rows scored are, or
 * partly are, the model's training rows (an estimated share of at least 5%), writes
 * "these 3,772 rows are the model's training rows", "these 1,000 rows are all training
 * rows of the model (about 36% of its 2,772)" or "about 50% of these 2,000 rows were used
 * to train the model" into buf and returns 1; else buf is "" and it returns 0. The caller
 * adds what it means for its metrics. */
int cli_overlap_note(const st_training_overlap *o, char *buf, size_t size);
/* The "training_rows" JSON value: null without a fingerprint, else {"training_rows": N,
 * "scored_rows": N, "scored_share": X, "training_share": X, "exact": BOOL}. */
void cli_overlap_json(FILE *f, const st_training_overlap *o);

/* Loads a boosted-trees model (or an XGBoost JSON model) for scoring, keeping the
 * iterations of --iteration-range, else the file's default (st_gbdt_load_ex); when an
 * XGBoost file's best_iteration chose them, says so in a note on stderr (not under
 * --quiet). */
st_status cli_gbdt_load(const char *path, const cli_common *c, st_gbdt **m, st_error *err);
/* EXIT_USAGE with a message when --iteration-range was given for a logistic regression
 * model (which has no iterations), else EXIT_OK. */
int cli_iteration_range_not_gbdt(const cli_common *c, const char *command, const char *path);

/* getopt_long for the commands (cli_getopt.c), returning what getopt_long returns (the
 * option's code, -1 after the last option; optarg and optind as getopt_long sets them),
 * with three differences:
 * - only whole names: getopt_long's unique prefixes (--num-tree for --num-trees) are
 *   unknown options;
 * - any long option may be spelled with underscores (--learning_rate), and the options
 *   LightGBM names differently take LightGBM's names and aliases (--n_estimators, --eta,
 *   --num_threads, ...; the table in cli_getopt.c) when the command has the option;
 * - on an unknown option or a missing value it prints the usage error itself (for an
 *   unknown long option: "stratum COMMAND: unknown option '--num-tree'; did you mean
 *   '--num-trees'?", the nearest of the command's names and aliases when one is close)
 *   and returns CLI_GETOPT_USAGE: the caller returns EXIT_USAGE.
 * shortopts is getopt_long's, without a leading ':'. Set optind = 1 before the first call. */
enum { CLI_GETOPT_USAGE = -2 };
/* For --help: the underscore spelling and, per option of longopts that has them, the
 * LightGBM names cli_getopt accepts. */
void cli_print_spellings(FILE *f, const struct option *longopts);
int cli_getopt(const char *command, int argc, char **argv, const char *shortopts,
               const struct option *longopts);

/* EXIT_OK unless the arguments look swapped: model_path is not a model file stratum
 * loads but data_path is; then a usage error "the first argument is a data file, not a
 * model" (cli_order.c). */
int cli_check_model_first(const char *command, const char *model_path, const char *data_path);

/* Help text for the common options, printed by every command's --help. */
extern const char cli_common_help[];

/* Handles option `code` if it is a common one: returns 1 handled, 0 not common,
 * -1 bad value (message printed). */
int cli_common_option(cli_common *c, int code, const char *arg);

/* Whether name is one of list[0..n) (NULL name: no). */
int cli_name_listed(const char *const *list, size_t n, const char *name);

/* After parsing: the common options that contradict each other, told from the command
 * line alone (--weight-col with --weight-file; the label or weight column also in
 * --ignore; a column both --numeric and --categorical). Prints one line and returns
 * EXIT_USAGE, or EXIT_OK. The library checks the same against the file's columns (names
 * that differ but are one column, as '#3' and its name), which is the data's failure. */
int cli_common_check(const char *command, const cli_common *c);

/* Splits arg, column names separated by commas, each as a CSV field ("BP, systolic" in
 * double quotes names a column whose name holds a comma; "" is a quote in it), into
 * out[*n ..], at most max in all; the names are written into w, which has room for
 * strlen(arg) + 1 bytes. 1, or -1 with a message naming `what` printed (unclosed quote,
 * text after a closing quote, more than max). */
int cli_split_names(const char *arg, char *w, const char **out, size_t max, size_t *n,
                    const char *what);

/* Columns a UTF-8 text takes on a terminal, counted as its code points (accented and
 * other non-ASCII letters are one column, not their 2 to 4 bytes; wide CJK characters
 * take two, which this does not see). */
int cli_text_width(const char *s);
/* s left-aligned in a column of `width` terminal columns (cli_text_width), as printf's
 * "%-*s" does for ASCII. */
void cli_put_padded(FILE *f, const char *s, int width);

/* Read options for the library from the common options. */
st_read_options cli_read_options(const cli_common *c);

/* Warns on stderr about what reading `path` suggests is wrong (a header line of numbers:
 * the file probably has none) or changed (cli_warn_cells_read below). Warnings show even
 * with --quiet. In cli_data_warnings.c, as are the other data warnings. */
void cli_warn_data(const st_dataset *ds, const char *path);
/* Warns on stderr, one line per feature, about features that look like identifiers
 * (st_dataset_column_is_id), with the fix (--ignore); shown even with --quiet. For the
 * commands that train. EXIT_OK, or EXIT_FAILED when out of memory (printed). */
int cli_warn_identifiers(const st_dataset *ds, const char *path);

/* Column types (cli_data_warnings.c). cli_warn_data calls cli_warn_cells_read: one line per column
 * whose cells the read options changed (--numeric made some missing, --censored bound
 * read some as their bound), shown even with --quiet, as data changed must never be
 * silent. cli_warn_mostly_numeric: for the commands that train, one warning per column of
 * numbers read as categorical because of a few cells (st_column_cells.mostly_numeric),
 * naming the cells and the fixes (--numeric, --categorical, --censored, --decimal);
 * columns whose only such cells are decimal commas share one line. Even with --quiet.
 * EXIT_OK, or EXIT_FAILED (printed). */
int cli_warn_cells_read(const st_dataset *ds, const char *path);
int cli_warn_mostly_numeric(const st_dataset *ds, const char *path);
/* For the commands that train and info: one warning per numeric column with numbers its
 * 32-bit floats cannot hold (st_column_cells n_rounded, n_overflow), even with --quiet
 * (ids that silently merge no longer look like ids). EXIT_OK, or EXIT_FAILED (printed). */
int cli_warn_lossy_numbers(const st_dataset *ds, const char *path);
/* The same without the numbers read as infinity (n_overflow, n_infinite): for logistic
 * regression, whose fit refuses an infinite value with an error naming its line, so that
 * the failure is that one line. */
int cli_warn_rounded_numbers(const st_dataset *ds, const char *path);
/* stratum info: the notes after the text table (stdout), and feature j's "cells" member
 * for the json output ("cells": {...}, with a leading comma). */
void cli_info_cell_notes(const st_dataset *ds);
void cli_info_cells_json(const st_dataset *ds, size_t j);
/* The same for a file binned by st_bin_file, from its report. */
void cli_warn_binned(const st_bin_report *rep, const char *path);

/* Before reading labelled data for the model at model_path (cli_positive.c): without
 * --positive, c->positive becomes the positive class the model records
 * (st_model_positive_class), so its labels read as in training; with a --positive that
 * names the other class, a warning. EXIT_OK (also when model_path is no stratum model:
 * the command's own loading reports it), or EXIT_FAILED (printed). */
int cli_positive_from_model(cli_common *c, const char *model_path);

/* st_logreg_load for a MODEL argument that cli_model_is_gbdt did not take: a file that
 * is no model at all gets st_model_load's message, which names every kind of model the
 * commands read (cli_logreg_load.c). */
st_status cli_logreg_load(const char *path, st_logreg **m, st_error *err);

/* Puts "path: " before err's message, unless it names the file already: the library does
 * not know which file a dataset came from when it fails on its rows or columns. */
void cli_name_file(st_error *err, const char *path);

/* "stratum: <message>" on stderr; returns EXIT_FAILED. */
int cli_fail(const st_error *err, st_status rc);

/* Feature j's n_rows values, dense or sparse, in a new array the caller frees; NULL (and a
 * message on stderr) when out of memory. cli_feature_value: row i's value alone. */
float *cli_feature_copy(const st_dataset *ds, size_t j);
float cli_feature_value(const st_dataset *ds, size_t j, size_t i);
/* "stratum CMD: <message>" plus a hint to --help; returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A CSV field: quoted (with "" for ") when it holds a delimiter, quote or line end. */
void csv_field(FILE *f, const char *s);
/* A markdown table cell's text, with | escaped. */
void markdown_cell(FILE *f, const char *s);

/* Writers for JSON output. */
void json_string(FILE *f, const char *s);
void json_number(FILE *f, double v); /* NaN and infinities become null */

/* 1 when both paths exist and are the same file (device and inode), whatever the
 * spelling: used to refuse writing over an input. */
int cli_same_file(const char *a, const char *b);
/* A file a command reads or writes, with the option or argument that named it ("DATA",
 * "--oof"); path NULL when not given. */
typedef struct cli_file {
    const char *option;
    const char *path;
} cli_file;
/* "-" as a path (docs/data.md, "Standard input and output"): a data input that is "-" is
 * standard input, read as /dev/stdin (cli_data_path; cli_data_args rewrites argv[first ..
 * first + n) in place); an output that is "-" is standard output only for the output a
 * command otherwise writes there (predict -o, train --lambda-path -o, stratum-gen -o),
 * which the command turns into "not given". Any other "-" is refused by cli_check_files,
 * and a file named "-" is written or read as "./-". */
int cli_is_dash(const char *path);
const char *cli_data_path(const char *path);
void cli_data_args(char **argv, int first, int n);
/* EXIT_OK when path (NULL: none) can be read again, else a usage error "WHY, and PATH is
 * standard input ..., which can be read only once" (WHY: "--keep reads DATA a second
 * time"): a pipe, terminal or device gives its bytes once. */
int cli_check_reread(const char *command, const char *why, const char *path);
/* Checked before any work: refuses an output that is one of the inputs (it would be
 * replaced), that is another output (one would replace the other), or that cannot be
 * created (its directory missing or not writable, or a directory of that name), so that a
 * run which could not write all its outputs writes none. One line on stderr and
 * EXIT_FAILED, else EXIT_OK. A "-" left among the inputs or outputs (see cli_is_dash
 * above), or two inputs that are one pipe or device (standard input twice), is a usage
 * error: EXIT_USAGE. */
int cli_check_files(const cli_file *in, size_t n_in, const cli_file *out, size_t n_out);
/* The same without the check that outputs can be created: for --distributed runs, where
 * every rank checks but only rank 0 writes, and its failure to write is the one line all
 * ranks agree on. */
int cli_check_file_names(const cli_file *in, size_t n_in, const cli_file *out, size_t n_out);
/* An open_memstream on *buf and *size for an output written whole at the end (with
 * cli_write_memstream), or NULL with "out of memory for WHAT" on stderr. */
FILE *cli_open_memstream(char **buf, size_t *size, const char *what);
/* Closes mem, an open_memstream on *buf and *size, and writes what it holds to path
 * atomically (st_file_write_atomic); frees *buf. On a write error of the stream says
 * "out of memory for WHAT" on stderr. Returns the exit code (EXIT_OK on success). */
int cli_write_memstream(FILE *mem, char **buf, size_t *size, const char *path,
                        const char *what);


/* Strict number parsing for option values: all of arg must be the number. */
int cli_parse_double(const char *arg, double *out);
int cli_parse_int(const char *arg, long lo, long hi, long *out);

/* stratum train's coefficient table (cli_coefs.c), with Wald statistics when the model
 * has them; text output shows the 30 largest |coefficients| unless `all`. Notes go to
 * stderr unless `quiet`. JSON output also carries "fit_seconds": fit_seconds, the wall
 * time of st_logreg_train alone (omitted when fit_seconds < 0). */
void cli_print_coefs(const st_logreg *m, cli_format format, int all, int quiet,
                     double fit_seconds);
/* cli_print_coefs in two parts: the note on stderr (unless quiet), and the table into out;
 * returns 0 when out of memory for it (nothing written). */
void cli_coefs_note(const st_logreg *m, int quiet);
int cli_format_coefs(FILE *out, const st_logreg *m, cli_format format, int all,
                     double fit_seconds);

/* Seconds on a monotonic clock from an arbitrary origin: differences time a step. */
double cli_seconds(void);

/* stratum train --lambda-path (cli_path.c): fits and writes the path table to stdout, or
 * to out_path when not NULL. Returns an exit code. */
int cli_train_path(const st_dataset *ds, const st_logreg_params *prm,
                   const st_logreg_path_options *opt, const char *out_path, cli_format format,
                   int quiet);

/* Commands. */
int cmd_info(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_evaluate(int argc, char **argv);
int cmd_cv(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_bin(int argc, char **argv);
int cmd_drift(int argc, char **argv);

#endif
