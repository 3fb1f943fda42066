/* stratum drift (cmd_drift.c): has new data moved away from the reference? The library
 * compares the columns (st_drift_compare, stratum/drift.h); the program adds the model's
 * view (drift_model.c), the --fail-on rules (drift_fail.c) and the output (drift_output.c). */
#ifndef STRATUM_DRIFT_CLI_H
#define STRATUM_DRIFT_CLI_H

#include <stdio.h>

#include "explain.h"

/* The exit code when a --fail-on rule holds: the comparison ran, and the data drifted. */
enum { EXIT_DRIFT = 3 };

/* A text model's text column (drift_text.c): the raw texts of both files seen through the
 * model's featurizer. Words: the text's words (letters and digits, lower-cased, stop words
 * kept), its length; terms: what the featurizer makes of it (n-grams, stop words left
 * out), unseen when the model has no column for them (not in its fitting texts, or below
 * --min-df there). */
typedef struct drift_token {
    const char *label;   /* "note:fever" or "note:fever | cough" (its surface forms) */
    size_t with_reference, with_new; /* texts holding the term (or a form of its bucket) */
    double psi;          /* PSI of the two bins "texts with it" and "texts without" */
    double chi2, chi2_pvalue; /* 2 x 2 chi-square test of those counts (Yates; as
                                 st_drift_chi2_counts) */
    double importance, shift; /* as drift_model's, for the term's model column */
} drift_token;

typedef struct drift_text {
    const char *column;                /* the model's text column (owned by the model) */
    double words_mean_reference, words_mean_new;
    double words_psi, words_ks, words_ks_pvalue; /* of the words per text */
    double empty_reference, empty_new;  /* share of texts without a word (missing too) */
    double unseen_reference, unseen_new; /* share of terms without a model column */
    double importance, shift;  /* summed over the column's terms: the text's whole
                                  weight in the model, and how much it moves the scores */
    size_t n_terms;            /* model columns of the featurizer */
    size_t n_tokens;           /* the tokens kept: the largest |shift| first */
    drift_token *tokens;
} drift_text;

/* What the model says about the two datasets (--model). Arrays are indexed like the
 * result's features; NaN where the model does not use the column. */
typedef struct drift_model {
    const char *path, *family;
    double score_psi;
    double mean_p_reference, mean_p_new;  /* predicted prevalence: mean P(y = 1) */
    double *importance;   /* mean |contribution| over the reference rows (log-odds) */
    size_t contrib_rows_reference, contrib_rows_new; /* rows the means are over */
    double *weighted;     /* PSI x importance / total importance */
    double *shift;        /* mean contribution on new - on the reference: what moves the
                             mean log-odds */
    int labelled_reference, labelled_new;
    st_eval ev_reference, ev_new;  /* when labelled */
    double auc_z, auc_p;           /* unpaired DeLong test of the AUC change */
    /* per model feature (m->n_features): its importance and shift as above, for the
     * terms of a text model (drift_text.c), which are not columns of the data */
    double *feature_importance, *feature_shift;
    drift_text *text;     /* a text model: its text columns (n_text), else NULL */
    size_t n_text;
} drift_model;

/* Computes the model part, the contributions over at most contrib_rows rows of each file
 * (0 = all); EXIT_OK or an exit code (message printed). */
int drift_model_compute(const cli_model *m, const st_dataset *ref, const st_dataset *cur,
                        const st_drift_result *r, const cli_common *common, int n_bootstrap,
                        size_t contrib_rows, drift_model *out);
void drift_model_free(drift_model *d);

/* For a text model m: checks that both files (ds, read with the text columns as text) have
 * its text columns (else the message names the file and the column), and makes each
 * file's copy without them, for the column comparison (cols[s]; NULL when the texts are
 * its only columns), and featurized, for the model (feat[s]). EXIT_OK or an exit code
 * (printed); the copies are the caller's to free, also on failure. */
int drift_text_prepare(const cli_model *m, const char *model_path, st_dataset *const ds[2],
                       const char *const path[2], st_dataset *cols[2], st_dataset *feat[2]);
/* The text columns of model m on the raw datasets (the texts as read: categorical
 * columns), into out[k] for featurizer k (n = cli_model_n_text(m)), keeping the top_tokens
 * terms of largest |contribution shift| (dm's per-feature means). EXIT_OK or an exit code
 * (printed). */
int drift_text_compute(const cli_model *m, const st_dataset *ref, const st_dataset *cur,
                       const drift_model *dm, int n_bins, size_t top_tokens, drift_text *out);
void drift_text_free(drift_text *t, size_t n);
/* The text section of the text output and the JSON member "text": [...] (drift_output.c
 * calls them). */
void drift_text_print(FILE *f, const drift_text *t, size_t n, size_t n_reference,
                      size_t n_new);
void drift_text_json(FILE *f, const drift_text *t, size_t n);

/* --fail-on: rules "METRIC OP NUMBER" separated by commas. */
typedef struct drift_rule {
    char metric[32];
    char op[3];
    double value;
} drift_rule;

typedef struct drift_rules {
    drift_rule rule[16];
    size_t n;
} drift_rules;

extern const char drift_fail_help[];
/* Parses arg into rules (appending); 0 with a usage message printed when malformed. */
int drift_rules_parse(drift_rules *rules, const char *arg, int have_model);
/* Prints on stderr each rule that holds and for what (after `where`, e.g. a period, when
 * not NULL); returns how many hold. */
size_t drift_rules_check(const drift_rules *rules, const st_drift_result *r,
                         const drift_model *m, const char *where);

/* --time-col COL --window month|quarter|year on one file (drift_time.c): each period
 * against the first. COL is appended to common's --ignore list. Returns an exit code. */
int drift_over_time(const char *path, const char *time_col, const char *window, int n_bins,
                    const drift_rules *rules, cli_common *common);

/* The report, ranked by PSI (order[k] is the feature shown k-th; the first n_shown in
 * text output, all in the others). */
void drift_print(FILE *f, cli_format format, const char *ref_path, const char *new_path,
                 const st_drift_result *r, const drift_model *m, const size_t *order,
                 size_t n_shown, size_t levels_shown);

/* --report FILE.html: the library's st_report_drift with m (or NULL) passed on
 * (report_drift.c); returns an exit code. */
int report_drift(const char *path, const char *ref_path, const char *new_path,
                 const st_drift_result *r, const drift_model *m);

/* A number in a column of the text output, width wide: "%.4f", a p-value (is_p) below
 * 0.001 "%.1e", NaN "-". */
void drift_num(FILE *f, int width, double v, int is_p);

#endif
