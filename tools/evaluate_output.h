/* The report of `stratum evaluate` in each output format (see the JSON schema at the top of
 * cmd_evaluate.c). */
#ifndef STRATUM_EVALUATE_OUTPUT_H
#define STRATUM_EVALUATE_OUTPUT_H

#include "cli.h"

#define EVAL_MAX_GROUPS 100

/* --by: one subgroup's name and metrics. */
typedef struct eval_group {
    char *name;  /* owned, whole: the level, the number as written, or for the rows without
                    a value "(missing)" ("(missing value)" when a level is so written) */
    int missing; /* the group of the rows without a value */
    st_eval ev;
} eval_group;

/* Fewer rows than this in a class (of all rows, or of a --by group), and the bootstrap
 * intervals are flagged as too narrow: a bootstrap redraws those few (the library's HTML
 * report flags them at the same count, src/report/report_evaluate.c). */
#define EVAL_FEW_FOR_INTERVALS 10

typedef struct eval_groups {
    const char *column;
    double threshold; /* the threshold of all rows: fixed, or chosen on them by a rule; NaN
                         when no threshold meets the rule */
    int fixed;        /* the threshold is fixed (given or the model's), not chosen here */
    size_t n;
    eval_group *groups;
} eval_groups;

/* Evaluates each level of `column` (at most EVAL_MAX_GROUPS, plus missing) at threshold;
 * ds was read from path with opt (a number column's texts are read from it again: see
 * evaluate_by_keys.c). Returns an exit code, with a message on stderr on failure. Free
 * with eval_groups_free, also after a failure. */
int eval_by(const st_dataset *ds, const char *column, const char *path,
            const st_read_options *opt, const double *p, const st_eval_params *prm,
            double threshold, eval_groups *out);
/* The groups of feature j (named `column`) of ds, whose values are v: out->groups named
 * (ascending, the missing group last) and out->n set, row_group[i] the group of row i
 * (evaluate_by_keys.c); an exit code, with a message on stderr on failure. */
int eval_by_assign(const st_dataset *ds, size_t j, const char *column, const char *path,
                   const st_read_options *opt, const float *v, size_t *row_group,
                   eval_groups *out);
void eval_groups_free(eval_groups *g);
void eval_groups_table(FILE *f, const eval_groups *g, cli_format fmt); /* text, markdown */
void eval_groups_json(FILE *f, const eval_groups *g);
void eval_groups_csv(FILE *f, const eval_groups *g);

typedef struct eval_report {
    const st_eval *ev;
    const st_eval_params *prm;
    const char *rule;        /* the --threshold-rule word: fixed, f1, fbeta, ... */
    const char *scores_path; /* --scores FILE, or NULL */
    const char *score_col;
    const char *model_path;  /* MODEL DATA, or NULL */
    const char *data_path;
    const char *model_kind;  /* "logreg", ... */
    int weighted;            /* rows carry weights (--weight-col) */
    const eval_groups *groups; /* --by, or NULL */
    const char *from_model;  /* the threshold is the model's: how it was chosen; or NULL */
    const st_training_overlap *overlap; /* MODEL DATA: how far DATA is the model's training
                                           rows (available 0: no fingerprint); or NULL */
    size_t n_outside;        /* scores outside [0, 1] (--scores of another scale): why log
                                loss, Brier and calibration are undefined */
} eval_report;

/* --report (evaluate_report.c): the library's st_report_evaluate of r and the scores p,
 * labels y and weights w (or NULL) of the n rows, written atomically to path; an exit
 * code. */
int eval_write_report(const char *path, const eval_report *r, const double *p, const float *y,
                      const float *w, size_t n);

/* The training-rows note of r ("these 3,772 rows are the model's training rows: the
 * metrics below are optimistic; evaluate on held-out data") into buf: 1, or 0 (buf "")
 * when there is none. */
int eval_overlap_note(const eval_report *r, char *buf, size_t size);

/* The "metrics" object of the JSON schema for ev; indent prefixes its inner lines. */
void eval_json_metrics(FILE *f, const st_eval *ev, const char *indent);
/* "key": v followed by after (v as json_number writes it). */
void eval_json_key_number(FILE *f, const char *key, double v, const char *after);

void eval_write_text(FILE *f, const eval_report *r);
void eval_write_json(FILE *f, const eval_report *r);
void eval_write_csv(FILE *f, const eval_report *r);
void eval_write_markdown(FILE *f, const eval_report *r);

/* Writes the ROC curve (threshold,fpr,tpr) or, with pr, the precision-recall curve
 * (threshold,precision,recall) as CSV to path, replaced atomically; an undefined value is
 * an empty field, the first ROC threshold is "inf". Returns an exit code. */
int eval_write_curve(const char *path, int pr, const double *p, const float *y, const float *w,
                     size_t n);

#endif
