/* Text columns on the command line (--text-col and the featurizer's options, docs/text.md):
 * parsing, fitting featurizers on training rows and applying a
 * model's featurizers to the data it scores. The commands' hooks are a few lines each. */
#ifndef STRATUM_CLI_TEXT_H
#define STRATUM_CLI_TEXT_H

#include "cli.h"

#define CLI_TEXT_MAX_COLS 64

typedef struct cli_text {
    const char *cols[CLI_TEXT_MAX_COLS]; /* --text-col, in order given */
    size_t n_cols;
    st_text_options opt;
    int out_of_core; /* train logreg --out-of-core: fit from a temporary row file */
    st_text_rows *rows; /* --out-of-core on a CSV file: its rows, featurized as they are
                           written to the row file (cli_text_read opens, and
                           cli_text_train_out_of_core reads and frees them) */
} cli_text;

enum { OPT_TEXT_COL = 4101, OPT_NGRAMS, OPT_TFIDF, OPT_SUBLINEAR_TF, OPT_NO_SUBLINEAR_TF,
       OPT_MIN_DF, OPT_HASH_BITS, OPT_STOP_WORDS, OPT_OUT_OF_CORE };

#define CLI_TEXT_OPTIONS                                                                   \
    {"text-col", required_argument, NULL, OPT_TEXT_COL},                                   \
    {"ngrams", required_argument, NULL, OPT_NGRAMS},                                       \
    {"tfidf", no_argument, NULL, OPT_TFIDF},                                               \
    {"sublinear-tf", no_argument, NULL, OPT_SUBLINEAR_TF},                                 \
    {"no-sublinear-tf", no_argument, NULL, OPT_NO_SUBLINEAR_TF},                           \
    {"min-df", required_argument, NULL, OPT_MIN_DF},                                       \
    {"hash-bits", required_argument, NULL, OPT_HASH_BITS},                                 \
    {"stop-words", required_argument, NULL, OPT_STOP_WORDS}

/* train logreg only (cli_text_out_of_core_help). */
#define CLI_TEXT_OUT_OF_CORE_OPTION {"out-of-core", no_argument, NULL, OPT_OUT_OF_CORE}

extern const char cli_text_help[];
extern const char cli_text_out_of_core_help[];

/* The command line's defaults (docs/text.md): words and 2-grams off (1-1), min-df 2,
 * sublinear tf on, no IDF, L2 rows, no stop words. */
void cli_text_init(cli_text *t);
/* One option: 1 handled, 0 not one of them, -1 bad value (usage error printed). */
int cli_text_option(const char *command, cli_text *t, int code, const char *arg);
/* Text options without --text-col, text columns where a command cannot take them (`why`
 * not NULL), or a text column that is the label or weight column or in --ignore or
 * --numeric: EXIT_USAGE with a message, else EXIT_OK. */
int cli_text_check(const char *command, const cli_text *t, const cli_common *c,
                   const char *why);
/* A model of text columns penalises its columns as they are, not standardised (cli_text.c
 * says why); nothing without text columns. */
void cli_text_params(const cli_text *t, st_logreg_params *p);

/* Fits a featurizer per text column on *ds and replaces *ds by its featurized copy;
 * *f gets the n_cols featurizers (freed with cli_text_free). Nothing without text columns. */
st_status cli_text_fit(const cli_text *t, st_dataset **ds, st_text_featurizer ***f,
                       st_error *err);
/* Reads the training data at path (opt) into *ds with t's text columns featurized, *f
 * their featurizers as cli_text_fit gives them: while reading (st_text_read_csv: the texts
 * are never held) from a regular CSV file, else read whole and then featurized. Without
 * text columns, the data as read. With --out-of-core on a regular CSV file, *ds holds the
 * other columns only, and t->rows the rows to featurize into the row file
 * (st_text_rows_open; cli_text_train_out_of_core). */
st_status cli_text_read(cli_text *t, const char *path, const st_read_options *opt,
                        st_dataset **ds, st_text_featurizer ***f, st_error *err);
/* Replaces *ds by its copy with f's text columns featurized (n 0: nothing). */
st_status cli_text_apply(const st_text_featurizer *const *f, size_t n, st_dataset **ds,
                         st_error *err);
/* Hands the featurizers to the model (which frees them from then on). */
st_status cli_text_attach(st_logreg *m, st_text_featurizer ***f, size_t n, st_error *err);
void cli_text_free(st_text_featurizer **f, size_t n);

/* For commands that score a logreg model: ds featurized by the model's featurizers into
 * *out (NULL when the model has none: score ds itself). */
st_status cli_text_for_model(const st_logreg *m, const st_dataset *ds, st_dataset **out,
                             st_error *err);

/* The same replacing *ds (nothing when the model has no featurizers). */
st_status cli_text_featurize(const st_logreg *m, st_dataset **ds, st_error *err);

/* cli_warn_identifiers on ds without the columns cols (text columns: a different text in
 * every row is what a text column is). */
int cli_text_warn_identifiers(const st_dataset *ds, const char *path, const char *const *cols,
                              size_t n);

/* --out-of-core without text columns, or with what the out-of-core fit does not do:
 * EXIT_USAGE with a message, else EXIT_OK (before the data is read). */
int cli_text_out_of_core_check(const cli_text *t, const st_logreg_params *prm);
/* Trains on *ds out of core (stratum/logreg_rowfile.h): its rows go to a temporary file
 * in $TMPDIR, else in the directory of model_path, featurized as they are written when
 * t->rows is open (then freed; *ds holds the other columns), else from *ds, which is then
 * replaced by its copy without the sparse (term) columns; so the fit holds only the rows'
 * vectors, the ordinary columns and one block of the file; the file is removed at the
 * end. Unless quiet, a note on stderr gives the file's entries and size. */
st_status cli_text_train_out_of_core(cli_text *t, st_dataset **ds, const st_logreg_params *prm,
                                     const char *model_path, int quiet, st_logreg **m,
                                     st_error *err);

/* The coefficient table's name of coefficient k of m: a hashed term column named by the
 * terms seen in its bucket, as explain names it ("note:chest | pain", " | ..." when more
 * shared it than the model keeps; stratum/text.h, st_text_featurizer_label), else its
 * column name ("note:#123" for a bucket no kept term reached, or a model file saved
 * before the forms were kept). */
const char *cli_text_coef_label(const st_logreg *m, size_t k);

#endif
