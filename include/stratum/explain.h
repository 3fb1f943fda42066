/* stratum/explain.h: why a model gives its rows their risk (`stratum explain`,
 * docs/explain.md). Include <stratum.h> rather than this file.
 *
 *     st_explain_params ep = st_explain_params_default();
 *     size_t rows[2] = {16, 41};                     // 0-based rows of ds
 *     ep.rows = rows, ep.n_rows = 2;                 // these rows in detail
 *     ep.global = 1;                                 // and the ranking over every row of ds
 *     st_explanation *ex = NULL;
 *     if (st_model_explain(m, ds, &ep, &ex, &err) == ST_OK) {
 *         // ex->p[k], ex->contrib[k * (ex->n_features + 1) + j], ex->mean_abs[j], ...
 *         st_report_explain_input r = {m, ex, "risk.model", "cohort.csv", 5, 0};
 *         st_report_explain(&r, "why.html", NULL, NULL, &err);   // stratum/report.h
 *     }
 *     st_explanation_free(ex);
 *
 * A row's contributions are on the log-odds scale, one per input feature of the model and
 * the bias last; they add up to the row's log-odds (the raw score for boosted trees). Boosted
 * trees: exact path-dependent TreeSHAP (st_gbdt_contrib); logistic regression: coefficient x
 * (value - training mean), a categorical feature's levels and missing indicator summed
 * (st_logreg_contrib). Positive raises the risk, negative lowers it.
 *
 * ds is the data as read (st_dataset_read, st_dataset_from_arrays): a model of text columns
 * (stratum/text.h) featurizes it with its own featurizers (st_model_featurize) and the
 * explanation keeps each chosen row's raw texts. The same model, data and parameters give the
 * same numbers, bit for bit, whatever n_threads is. Nothing is printed. */
#ifndef STRATUM_EXPLAIN_H
#define STRATUM_EXPLAIN_H

#include <stddef.h>

#include "common.h"
#include "dataset.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_explain_params {
    const size_t *rows;  /* n_rows 0-based rows of ds explained one by one (borrowed for the
                            call; repeats allowed, in the order given), or NULL */
    size_t n_rows;
    int global;          /* also each feature's mean |contribution| over every row of ds and
                            the model's own importance (default 0) */
    int n_threads;       /* as st_gbdt_predict: 0 = all cores (default 0); the results do not
                            depend on it */
    /* Called during the global pass as each block of rows starts and once more at the
       end (rows_done = rows_total), with the rows done and ds's row count; may be NULL
       (default). It cannot change the results. progress_data is passed back unchanged. */
    void (*progress)(size_t rows_done, size_t rows_total, void *progress_data);
    void *progress_data;
} st_explain_params;

ST_API st_explain_params st_explain_params_default(void);

/* What st_model_explain found. Every array is owned by the explanation and freed with it;
 * labels' strings are lent by the model (valid while it lives). */
typedef struct st_explanation {
    st_model_family family;
    size_t n_features;        /* the model's input features (st_model_n_features) */
    const char **labels;      /* n_features: what outputs call each feature
                                 (st_model_feature_labels: a text term column's label) */
    long *text_featurizer;    /* a text model's: per feature, the featurizer whose term
                                 column it is (-1: none), else NULL */
    size_t *text_term;        /* and that column, else NULL */

    /* The chosen rows (n_rows 0 without params.rows). */
    size_t n_rows;
    size_t *rows;             /* n_rows: the row of ds each one is */
    double *p;                /* n_rows: P(y = 1), as st_model_predict gives it (calibration
                                 map included) */
    double *p_uncalibrated;   /* n_rows: P(y = 1) before the model's calibration map, the
                                 logistic of the row's contributions summed; NULL when the
                                 model has no map (p is then that) */
    double *contrib;          /* n_rows x (n_features + 1), row-major, the bias last */
    char **values;            /* n_rows x n_features: each feature's value in the row as text:
                                 "%.7g" of a number, a categorical level's name, "missing"
                                 (NaN, or a LibSVM entry the model reads as missing) */
    size_t n_texts;           /* a text model's featurizers (st_model_n_text_featurizers) */
    char **texts;             /* n_rows x n_texts: the row's text in featurizer k's column,
                                 NULL when missing; NULL when n_texts is 0 */

    /* Over every row of ds (only with params.global; else n_global_rows 0, arrays NULL). */
    size_t n_global_rows;     /* ds's rows */
    double *mean_abs;         /* n_features: mean |contribution| */
    double *mean;             /* n_features: mean contribution (signed) */
    double *split, *gain;     /* boosted trees: st_gbdt_feature_importance, else NULL */
    double *std_coef;         /* logistic regression: the largest |coefficient x training SD|
                                 of the feature's columns, else NULL */
} st_explanation;

/* Explains rows of ds (params->rows) and/or all of them (params->global) with model m;
 * with neither, *out holds only the features' labels. ST_ERR_INVALID_ARG for NULL
 * arguments or a row past the end of ds ("rows[1] = 569 is past the end: the data has 569
 * rows, numbered from 0"); a feature of the model missing from ds fails as
 * st_model_predict does; ST_ERR_NOMEM. On failure *out is NULL. */
ST_API st_status st_model_explain(const st_model *m, const st_dataset *ds,
                                  const st_explain_params *params,
                                  st_explanation **out /* OUT */, st_error *err);

ST_API void st_explanation_free(st_explanation *ex); /* NULL-safe */

/* The features pushing chosen row k's risk up (up != 0: positive contributions, largest
 * first) or down (negative ones, most negative first), at most top of them, into
 * order[0..]; ties go to the lower feature index. order holds n_features entries. Returns
 * how many were written (0 when out of memory or k is out of range). */
ST_API size_t st_explanation_pushing(const st_explanation *ex, size_t k, int up, size_t top,
                                     size_t *order);

/* Every feature ranked by decreasing mean |contribution| (ties: lower index first) into
 * order[0..n_features-1]; 0 when ex has no global part or out of memory, else n_features. */
ST_API size_t st_explanation_ranking(const st_explanation *ex, size_t *order);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_EXPLAIN_H */
