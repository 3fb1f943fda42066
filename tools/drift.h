/* stratum drift (cmd_drift.c): has new data moved away from the reference? The library
 * compares the columns (st_drift_compare, stratum/drift.h); the program adds the model's
 * view (drift_model.c), the --fail-on rules (drift_fail.c) and the output (drift_output.c). */
#ifndef STRATUM_DRIFT_CLI_H
#define STRATUM_DRIFT_CLI_H

#include <stdio.h>

#include "explain.h"

/* The exit code when a --fail-on rule holds: the comparison ran, and the data drifted. */
enum { EXIT_DRIFT = 3 };

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
} drift_model;

/* Computes the model part, the contributions over at most contrib_rows rows of each file
 * (0 = all); EXIT_OK or an exit code (message printed). */
int drift_model_compute(const cli_model *m, const st_dataset *ref, const st_dataset *cur,
                        const st_drift_result *r, const cli_common *common, int n_bootstrap,
                        size_t contrib_rows, drift_model *out);
void drift_model_free(drift_model *d);

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

/* --report FILE.html (report_drift.c); returns an exit code. */
int report_drift(const char *path, const char *ref_path, const char *new_path,
                 const st_drift_result *r, const drift_model *m, const size_t *order);

/* The PSI band: "stable", "moderate", "major" (or "-" for NaN). */
const char *drift_band(double psi);

#endif
