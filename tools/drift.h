/* stratum drift (cmd_drift.c): has new data moved away from the reference? The library
 * compares the columns (st_drift_compare, stratum/drift.h) and with --model adds the
 * model's view (st_drift_compare_model); the program reads the files, checks the
 * --fail-on rules (drift_fail.c) and prints (drift_output.c, drift_text_output.c). */
#ifndef STRATUM_DRIFT_CLI_H
#define STRATUM_DRIFT_CLI_H

#include <stdio.h>

#include "explain.h"

/* The exit code when a --fail-on rule holds: the comparison ran, and the data drifted. */
enum { EXIT_DRIFT = 3 };

/* --model: the library's st_drift_compare_model does the comparison and the model's part
 * (stratum/drift.h); the program prints it. "logreg" or "gbdt". */
const char *drift_family_word(st_model_family family);

/* The text section of the text output and the JSON member "text": [...] of a text model
 * (drift_text_output.c; drift_output.c calls them). */
void drift_text_print(FILE *f, const st_drift_text *t, size_t n, size_t n_reference,
                      size_t n_new);
void drift_text_json(FILE *f, const st_drift_text *t, size_t n);

/* Reads REFERENCE and NEW (drift_read.c; a text model's text columns as text, whatever
 * they hold). NEW's rows whose label is blank are kept, read unlabelled, with a note (the
 * outcomes are often not known yet), unless --skip-missing-labels drops them. Warns as
 * the readers of the other commands do, about numbers 32-bit floats round too. EXIT_OK
 * or an exit code (printed). */
int drift_read_both(const char *const path[2], const cli_model *m, const cli_common *common,
                    st_dataset *ds[2]);

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
/* The first rule on the model (score-psi, auc-drop, auc-p), which needs --model; NULL
 * when there is none. */
const drift_rule *drift_rules_model_rule(const drift_rules *rules);
/* Prints on stderr each rule that holds and for what (after `where`, e.g. a period, when
 * not NULL); returns how many hold. A model rule whose number is undefined (auc-drop
 * without labels in both files, or a one-class file) cannot be checked: it is named on
 * stderr with the reason and counted in *unchecked, for the caller to fail, as a gate
 * that quietly passes would. */
size_t drift_rules_check(const drift_rules *rules, const st_drift_result *r,
                         const st_drift_model_result *m, const char *where,
                         size_t *unchecked);

/* --time-col COL --window month|quarter|year on one file (drift_time.c): each period
 * against the first. COL is appended to common's --ignore list. Returns an exit code. */
int drift_over_time(const char *path, const char *time_col, const char *window, int n_bins,
                    const drift_rules *rules, cli_common *common);

/* The report, ranked by PSI (order[k] is the feature shown k-th; the first n_shown in
 * text output, all in the others); m (the model model_path's part) or NULL. */
void drift_print(FILE *f, cli_format format, const char *ref_path, const char *new_path,
                 const st_drift_result *r, const st_drift_model_result *m,
                 const char *model_path, const size_t *order, size_t n_shown,
                 size_t levels_shown);

/* --report FILE.html: the library's st_report_drift of r, or of m (the model model_path's
 * part, with its columns) when not NULL (report_drift.c); returns an exit code. */
int report_drift(const char *path, const char *ref_path, const char *new_path,
                 const st_drift_result *r, const st_drift_model_result *m,
                 const char *model_path);

/* A number in a column of the text output, width wide: "%.4f", a p-value (is_p) below
 * 0.001 "%.1e", NaN "-". */
void drift_num(FILE *f, int width, double v, int is_p);

#endif
