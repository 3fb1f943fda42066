/* Explaining predictions in the CLI: one interface over both model families for per-row
 * contributions (stratum predict --contrib, stratum explain), and streamed outputs that
 * still replace their file atomically. */
#ifndef STRATUM_CLI_EXPLAIN_H
#define STRATUM_CLI_EXPLAIN_H

#include <stdio.h>

#include "cli.h"

/* A loaded model of either family. */
typedef struct cli_model {
    st_model *handle; /* owns the model: lr or gb below is lent by it */
    st_logreg *lr;    /* exactly one of the two is set */
    st_gbdt *gb;
    size_t n_features;
    long *text_feature;  /* a text model's features: the featurizer of feature j, or -1 */
    size_t *text_column; /* and its column there (explain_text.c); NULL without text */
} cli_model;

/* Loads MODEL, whichever family it is. Returns EXIT_OK, or an exit code with the message
 * printed. */
int cli_model_load(const char *path, const cli_common *common, const char *command,
                   cli_model *m);
void cli_model_free(cli_model *m);
const char *cli_model_family(const cli_model *m); /* "logreg" or "gbdt" */
/* What the outputs call feature j: its name, or a text column's label (explain_text.c). */
const char *cli_model_feature_name(const cli_model *m, size_t j);
/* Feature j's name in the data (featurized): for finding its values. */
const char *cli_model_feature_key(const cli_model *m, size_t j);

/* A model of text columns (explain_text.c): its featurizers, n 0 for other models; *ds
 * made its featurized copy, the old one freed when replace is set (nothing without
 * featurizers); the labels of its
 * features (cli_model_load calls it: EXIT_OK or EXIT_FAILED printed). */
size_t cli_model_n_text(const cli_model *m);
const st_text_featurizer *cli_model_text(const cli_model *m, size_t k);
st_status cli_model_featurize(const cli_model *m, st_dataset **ds, int replace, st_error *err);
int cli_model_text_labels(cli_model *m);

/* P(y = 1) for the n_rows(ds) rows. */
st_status cli_model_predict(const cli_model *m, const st_dataset *ds, int threads, double *p,
                            st_error *err);
/* Contributions, n_rows x (n_features + 1), row-major, bias last (log-odds scale). */
st_status cli_model_contrib(const cli_model *m, const st_dataset *ds, int threads, double *out,
                            st_error *err);
/* Whether the family has pairwise interaction values, and them: n_rows x (n_features + 1)^2,
 * row-major per row (feature a's row, then feature b), bias last on both axes. */
int cli_model_has_interactions(const cli_model *m);
st_status cli_model_interactions(const cli_model *m, const st_dataset *ds, int threads,
                                 double *out, st_error *err);

/* Reads DATA for prediction (label optional). Returns EXIT_OK or an exit code (printed). */
int cli_read_data(const char *path, const cli_common *common, st_dataset **ds);

/* An output written as it is produced: to stdout when path is NULL, otherwise through
 * st_file_out (include/stratum/files.h): a regular file (or a new one) through a temporary
 * next to it that cli_stream_commit flushes to disk and renames over it, so an interrupted
 * run leaves any old file untouched and no partial file; a symbolic link's target the same
 * way (the link stays); straight into an existing device or FIFO (/dev/null); a directory
 * or a link to nothing is an error. */
typedef struct cli_stream {
    FILE *f;
    const char *path;   /* as given; NULL for stdout */
    st_file_out *out;   /* what f's bytes go to (owned until commit or abort) */
} cli_stream;

int cli_stream_open(cli_stream *s, const char *path);   /* EXIT_OK or EXIT_FAILED (printed) */
int cli_stream_commit(cli_stream *s);                   /* EXIT_OK or EXIT_FAILED (printed) */
void cli_stream_abort(cli_stream *s);                   /* removes any temporary file */

/* CSV output of names: quoted when they hold a comma, quote or line break. */

/* stratum predict --keep COLS (predict_keep.c): columns of DATA written, as DATA spells
 * them, before 'p'. names point into list; texts[c] holds n_texts[c] strings, one per row. */
typedef struct cli_keep {
    char *list;       /* the --keep argument, split in place */
    char **names;     /* n_cols column names */
    size_t n_cols;
    char ***texts;    /* per column, per row (LibSVM: constant "0"/"1", see libsvm) */
    size_t *n_texts;
    int libsvm;       /* texts[c][i] are constants: only the arrays are freed */
} cli_keep;

/* EXIT_OK, or an exit code with the message printed. */
int cli_keep_parse(cli_keep *k, const char *arg);
/* The texts of the kept columns for the rows of ds, read from data_path (ds is DATA as
 * read for the prediction: its row count, its format, and for a message its columns). */
int cli_keep_load(cli_keep *k, const char *data_path, const cli_common *common,
                  const st_dataset *ds);
int cli_keep_has(const cli_keep *k, const char *name);
void cli_keep_header(FILE *f, const cli_keep *k); /* each name then ',' */
void cli_keep_row(FILE *f, const cli_keep *k, size_t i); /* each text (CSV-quoted) then ',' */
void cli_keep_free(cli_keep *k); /* harmless on a zeroed or freed cli_keep */

/* stratum predict --contrib / --interactions (predict_contrib.c): streams the table for
 * DATA to out_path (stdout when NULL), after the columns of keep (none when NULL). Returns
 * an exit code. */
int cli_predict_contrib(const char *model_path, const char *data_path, const cli_common *common,
                        int interactions, const char *out_path, cli_keep *keep);

/* stratum explain's output (explain_output.c) of the library's explanation
 * (stratum/explain.h; its report is the library's st_report_explain). Prints the top
 * features pushing each chosen row's risk up and down (top per direction). */
void explain_print_rows(FILE *f, const st_explanation *ex, size_t top, cli_format format);
/* Prints the features ranked by mean |contribution|; top 0 lists them all. */
void explain_print_global(FILE *f, const st_explanation *ex, size_t top, cli_format format,
                          const char *data_path);

#endif
