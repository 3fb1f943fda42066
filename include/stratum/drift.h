/* stratum/drift.h: has the data moved? Compares a reference dataset (the training cohort)
 * with new data, column by column, for monitoring a model in use. Include <stratum.h>
 * rather than this file.
 *
 *     st_drift_options opt = st_drift_options_default();   // deciles, epsilon 1e-4
 *     st_drift_result *r = NULL;
 *     if (st_drift_compare(ref, cur, &opt, &r, &err) != ST_OK) { ... err.message ... }
 *     for (size_t j = 0; j < r->n_features; j++)
 *         printf("%s PSI %.3f\n", r->features[j].name, r->features[j].psi);
 *     st_drift_result_free(r);
 *
 * Definitions (rows count one each: row weights are not used):
 *   PSI (population stability index) over fixed bins: sum over bins of
 *       (q - p) * ln(q / p), p the reference's share of rows in the bin, q the new data's;
 *       a share of 0 (and only that: a share below epsilon but not 0 is kept as it is) is
 *       replaced by epsilon (default 1e-4) in both factors, so an empty bin costs a finite
 *       amount; a bin empty on both sides adds 0. Missing values are a bin of their own (present when either
 *       dataset has one). Bins of a numeric column: the reference's deciles (n_bins = 10):
 *       edges e_k = the reference's present values sorted, at position floor(k (n-1) /
 *       n_bins) from 0 (in integers), k = 1 .. n_bins - 1, duplicates dropped;
 *       bin i holds e_{i-1} < v <= e_i. With a boosted-trees model (opt.model_gbdt), a
 *       numeric feature the model splits on is binned by the model's own split thresholds
 *       (v <= t goes left, as in the trees): the bins the model can tell apart. A
 *       categorical column's bins are its levels, matched by their text.
 *   Conventional reading of PSI: < 0.1 stable, 0.1 - 0.25 moderate shift, > 0.25 major.
 *   KS: the two-sample Kolmogorov-Smirnov statistic D = max |F_ref(v) - F_new(v)| over the
 *       present values, and its two-sided p-value as scipy.stats.ks_2samp's default
 *       ("auto") gives it: when neither sample has more than ST_DRIFT_KS_EXACT_MAX (10000)
 *       values, the exact distribution under the null hypothesis
 *       (st_drift_ks_exact_pvalue); above, the distribution of the one-sample statistic at
 *       n = round(n_ref n_new / (n_ref + n_new)) (SciPy 1.10: kstwo.sf), its asymptotic
 *       method. Both agree with SciPy to 1e-6 relative in the tests, however small the
 *       p-value (the exact one is summed as the share of interleavings that reach D, never
 *       as 1 minus the share that does not). Numeric columns only.
 *   chi-square: the test of homogeneity on the 2 x L table of level counts (reference and
 *       new rows; L the levels present in either, missing values left out), as
 *       scipy.stats.chi2_contingency: expected counts from the margins, L - 1 degrees of
 *       freedom, Yates's continuity correction only when there is 1 degree of freedom;
 *       p-value the chi-square survival function. Categorical columns only.
 *
 * Ownership: st_drift_compare returns a new st_drift_result, which the caller frees with
 * st_drift_result_free; every pointer inside it belongs to the result. The datasets and the
 * model stay the caller's and are not changed. Nothing is printed. */
#ifndef STRATUM_DRIFT_H
#define STRATUM_DRIFT_H

#include <stddef.h>
#include "common.h"
#include "dataset.h"
#include "gbdt.h"
#include "metrics.h"
#include "model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Start from st_drift_options_default(). */
typedef struct st_drift_options {
    int n_bins;            /* quantile bins of a numeric column, 2 .. 1000 (default 10) */
    double epsilon;        /* share used for an empty bin in PSI, in (0, 0.01] (default 1e-4) */
    const st_gbdt *model_gbdt; /* optional: bin the features it splits on by its thresholds
                                  (borrowed for the call); NULL: quantile bins (default) */
    const char *reference_name; /* names of the two datasets in messages, e.g. their paths */
    const char *new_name;       /* (default "reference" and "new") */
    int n_threads;         /* columns compared at once; 0 = all OpenMP offers (default 0) */
} st_drift_options;

ST_API st_drift_options st_drift_options_default(void);

/* A level of a categorical column that the reference never has. */
typedef struct st_drift_level {
    char *text;   /* the level as written in the new data */
    size_t count; /* rows of the new data with it */
} st_drift_level;

/* One column. Fields that do not apply are NaN (statistics) or 0 (counts); so are the
 * tests when a side has no present value (its PSI then compares the missing shares). A
 * column without a single value in one dataset (blank in every row, which a reader types
 * as numeric) is compared as the other dataset's type, all missing. */
typedef struct st_drift_feature {
    char *name;
    st_feature_type type;
    int model_bins;          /* 1 when PSI used the model's split thresholds */
    size_t n_bins;           /* bins of the PSI, the missing bin included when present */
    double psi;
    double ks_statistic, ks_pvalue;      /* numeric columns */
    double chi2, chi2_pvalue;            /* categorical columns */
    size_t chi2_dof;
    double missing_reference, missing_new; /* shares of rows without a value */
    double mean_reference, mean_new;     /* numeric: means of the present values */
    size_t n_new_levels;     /* categorical: levels of new absent from the reference */
    size_t new_level_rows;   /* rows of new with such a level */
    st_drift_level *new_levels; /* n_new_levels, most frequent first (ties by text) */
    /* The PSI's bins, for plotting the two distributions: n_shares bins, the value bins in
     * order and then the missing-value bin (last, always there, possibly 0 on both sides);
     * share_* are the shares of rows (each array sums to 1). Numeric: bin i < n_shares - 1
     * holds edges[i-1] < v <= edges[i] (n_shares - 2 edges; the first bin is open below,
     * the last value bin open above). Categorical: bin i < n_shares - 1 is the level
     * levels[i] (the levels of either dataset, in byte order). */
    size_t n_shares;
    double *share_reference, *share_new;
    double *edges;   /* numeric: n_shares - 2 values; NULL for categorical columns */
    char **levels;   /* categorical: n_shares - 1 texts; NULL for numeric columns */
} st_drift_feature;

typedef struct st_drift_result {
    size_t n_reference, n_new;  /* rows */
    size_t n_features;
    st_drift_feature *features; /* in the reference's column order */
    double prevalence_reference, prevalence_new; /* share of label 1; NaN when unlabelled */
} st_drift_result;

/* Compares every feature of `reference` with the column of the same name in `cur`. Fails
 * with ST_ERR_DATA, naming the dataset and column (opt->reference_name / new_name), when
 * a column of one is not in the other, a column is numeric in one and categorical in the
 * other (both holding values: a column empty in one takes the other's type), or either
 * dataset has no rows; ST_ERR_INVALID_ARG for NULL arguments or bad options; ST_ERR_NOMEM.
 * A numeric column without a value in the reference is no error: it has no value bin, and
 * its PSI compares the missing shares. On failure *out is NULL. opt may be NULL for the
 * defaults. */
ST_API st_status st_drift_compare(const st_dataset *reference, const st_dataset *cur,
                                  const st_drift_options *opt,
                                  st_drift_result **out /* OUT */, st_error *err);

/* Frees a result and everything in it. NULL is a harmless no-op. */
ST_API void st_drift_result_free(st_drift_result *r);

/* The conventional band of a PSI as a word: "stable" (< 0.1), "moderate" (0.1 to 0.25),
 * "major" (> 0.25), "-" for NaN (a static string). */
ST_API const char *st_drift_band(double psi);

/* ---- the statistics on plain arrays (the building blocks of st_drift_compare) ---- */

/* PSI of two count vectors over the same k bins, with epsilon as above. Fails with
 * ST_ERR_INVALID_ARG when k is 0, a total is 0 or epsilon is out of range. */
ST_API st_status st_drift_psi_counts(const size_t *reference, const size_t *cur, size_t k,
                                     double epsilon, double *psi /* OUT */, st_error *err);

/* PSI of two samples of numbers (e.g. a model's scores) on the reference's quantile bins
 * (n_bins, as for a numeric column; NaN values are a missing bin). The arrays are not
 * changed. */
ST_API st_status st_drift_psi_values(const double *reference, size_t n_reference,
                                     const double *cur, size_t n_cur, int n_bins,
                                     double epsilon, double *psi /* OUT */, st_error *err);

/* Two-sample Kolmogorov-Smirnov statistic and two-sided p-value as defined above, of two
 * samples sorted ascending (no NaN). Fails with ST_ERR_INVALID_ARG when a sample is
 * empty. */
ST_API st_status st_drift_ks_sorted(const float *a, size_t n_a, const float *b, size_t n_b,
                                    double *statistic /* OUT */, double *pvalue /* OUT */,
                                    st_error *err);

/* Largest sample size for which st_drift_ks_sorted uses the exact distribution, as SciPy. */
#define ST_DRIFT_KS_EXACT_MAX 10000

/* P(D >= d) for the two-sample two-sided KS statistic D of samples of m and n values
 * (each 1 .. ST_DRIFT_KS_EXACT_MAX) drawn from one continuous distribution: the exact
 * distribution, counted over the interleavings of the two samples (SciPy's method
 * "exact"), to full relative precision down to the smallest doubles (p = 1e-300 is not
 * rounded to 0). d in [0, 1]; otherwise ST_ERR_INVALID_ARG. O(m n) time at most, O(n)
 * memory. */
ST_API st_status st_drift_ks_exact_pvalue(size_t m, size_t n, double d,
                                          double *pvalue /* OUT */, st_error *err);

/* P(D_n > d) for the one-sample two-sided Kolmogorov statistic of n values (SciPy's
 * kstwo.sf(d, n)), by SciPy's methods: exact (Durbin's matrix, Smirnov's tail) for small
 * n and in the tails, Pelz-Good's approximation elsewhere. */
ST_API double st_drift_kolmogorov_sf(double d, double n);

/* Chi-square test of homogeneity of the 2 x k table of counts (row 0 reference, row 1
 * new), as scipy.stats.chi2_contingency (columns whose total is 0 are left out first). */
ST_API st_status st_drift_chi2_counts(const size_t *reference, const size_t *cur, size_t k,
                                      double *chi2 /* OUT */, size_t *dof /* OUT */,
                                      double *pvalue /* OUT */, st_error *err);

/* P(X > x) for X chi-square with dof > 0 degrees of freedom: the regularised upper
 * incomplete gamma function Q(dof / 2, x / 2). 1 for x <= 0. */
ST_API double st_drift_chi2_sf(double x, double dof);

/* Test of the difference between two ROC-AUCs measured on independent samples (the
 * reference and the new data, so unpaired): z = (auc_new - auc_ref) / sqrt(var_ref +
 * var_new) with DeLong's variances (st_eval.delong_variance) and the two-sided normal
 * p-value. Both NaN when a variance is NaN or both are 0. */
ST_API void st_drift_auc_test(double auc_ref, double var_ref, double auc_new, double var_new,
                              double *z /* OUT */, double *pvalue /* OUT */);

/* ---- with a model: what the model says about the two datasets (`drift --model`) ----
 *
 *     st_drift_model_options mo = st_drift_model_options_default();
 *     mo.model_name = "risk.model";
 *     st_drift_model_result *d = NULL;
 *     if (st_drift_compare_model(ref, cur, m, &mo, &d, &err) == ST_OK)
 *         printf("score PSI %.3f\n", d->score_psi);   // d->columns: st_drift_compare's
 *     st_drift_model_result_free(d);
 *
 * Definitions (on top of st_drift_compare's):
 *   scores: P(y = 1) as st_model_predict gives it (calibration map included); score PSI:
 *       st_drift_psi_values of the two files' scores (10 bins, epsilon 1e-4); predicted
 *       prevalence: the mean score.
 *   importance of a model feature: its mean |contribution| to the log-odds (st_model_explain's
 *       contributions: TreeSHAP, or coefficient x (value - training mean)) over the
 *       reference's rows, or over contrib_rows of them evenly spaced (row floor(i n /
 *       contrib_rows), i = 0 .. contrib_rows - 1) when it has more; shift: the mean
 *       contribution over the new data's rows (chosen the same way) minus the reference's,
 *       what moves the mean log-odds; weighted: a column's PSI x its importance / the sum of
 *       every model feature's importance (NaN when that sum is 0).
 *   with labels (either file): st_evaluate of the scores (fixed threshold 0.5, n_bootstrap
 *       stratified resamples, seed), and when both are labelled st_drift_auc_test of the two
 *       ROC-AUCs.
 *   a text model (st_model_n_text_featurizers > 0): the datasets hold its text columns raw
 *       (as read: categorical), which the model's featurizers read (st_model_featurize); the
 *       text columns are left out of the column comparison (columns has none when they are
 *       the only ones), and per text column: words per text (its words of letters and
 *       digits, lower-cased, stop words counted; 0 for a missing text) with their mean, PSI
 *       on the reference's quantile bins (n_bins) and KS; the share of empty texts (no word,
 *       or missing); the share of the featurizer's terms (n-grams, stop words left out)
 *       without a model column ("unseen", out of vocabulary); the importance and shift summed
 *       over its term columns; and the top_terms term columns of largest |shift| (then
 *       larger PSI, then label), each with the texts holding it in each file, the PSI of the
 *       two bins "with it" / "without" and their 2 x 2 chi-square test (Yates), as
 *       st_drift_psi_counts and st_drift_chi2_counts.
 * The same data, model and options give the same numbers, bit for bit, whatever n_threads
 * is. Nothing is printed. */

/* Start from st_drift_model_options_default(). */
typedef struct st_drift_model_options {
    st_drift_options columns; /* the column comparison (st_drift_options_default(); its
                                 model_gbdt is ignored: a boosted-trees model bins the
                                 columns it splits on); its n_bins also bins the words per
                                 text, its n_threads every step, its names the messages */
    const char *model_name;   /* the model in messages, e.g. its path (default "model") */
    int n_bootstrap;          /* resamples for the metrics' intervals, 0 .. 100000
                                 (default 1000; 0 = no intervals) */
    unsigned long long seed;  /* of the resampling (default ST_DEFAULT_SEED, 42) */
    size_t contrib_rows;      /* importance and shift from at most this many rows of each
                                 dataset (default 5000; 0 = every row): contributions cost
                                 far more than scores */
    size_t top_terms;         /* a text model: terms kept per text column (default 10) */
} st_drift_model_options;

ST_API st_drift_model_options st_drift_model_options_default(void);

/* A term column of a text model's featurizer. */
typedef struct st_drift_term {
    const char *label;        /* "note:fever", or "note:fever | cough" for a hashed bucket
                                 (st_text_featurizer_label; lent by the model) */
    size_t with_reference, with_new; /* texts holding the term (a form of its bucket) */
    double psi;               /* PSI of the two bins "texts with it" and "without" */
    double chi2, chi2_pvalue; /* the 2 x 2 test of those counts (Yates) */
    double importance, shift; /* its term column's, as for a feature */
} st_drift_term;

/* A text model's text column. */
typedef struct st_drift_text {
    const char *column;       /* the column the featurizer reads (lent by the model) */
    size_t n_term_columns;    /* the featurizer's term columns */
    double words_mean_reference, words_mean_new; /* words per text */
    double words_psi, words_ks, words_ks_pvalue; /* of the words per text */
    double empty_reference, empty_new;   /* share of texts without a word (missing too) */
    double unseen_reference, unseen_new; /* share of terms without a model column (NaN
                                            when a file has no term) */
    double importance, shift; /* summed over its term columns */
    size_t n_terms;           /* the terms kept: min(top_terms, n_term_columns) */
    st_drift_term *terms;     /* largest |shift| first */
} st_drift_text;

typedef struct st_drift_model_result {
    st_drift_result *columns; /* st_drift_compare of the two datasets (a text model's text
                                 columns left out; then possibly no feature, with the rows
                                 and prevalences) */
    st_model_family family;
    double score_psi;
    double mean_p_reference, mean_p_new;  /* predicted prevalence: mean P(y = 1) */
    size_t contrib_rows_reference, contrib_rows_new; /* rows the contribution means are over */
    /* per column of `columns` (columns->n_features): the model feature of the same name's
     * importance, PSI x importance / total importance, shift; NaN where the model does not
     * use the column */
    double *importance, *weighted, *shift;
    size_t n_model_features;  /* st_model_n_features */
    double *feature_importance, *feature_shift; /* per model feature (a text model's term
                                                   columns too) */
    int labelled_reference, labelled_new; /* the file has labels: its ev_* is set */
    st_eval ev_reference, ev_new;
    double auc_z, auc_p;      /* st_drift_auc_test when both are labelled, else NaN */
    size_t n_text;            /* a text model's featurizers, else 0 */
    st_drift_text *text;      /* n_text, in the model's order; NULL when n_text is 0 */
} st_drift_model_result;

/* Compares reference with cur (datasets as read; a text model's text columns raw) as
 * st_drift_compare does, and adds what model m says about them (see above). Fails with
 * ST_ERR_DATA, naming the dataset (opt->columns.reference_name / new_name), the column and
 * the model (opt->model_name), when a dataset lacks a text column of the model ("new: no
 * text column 'note', which the model risk.model reads its text from") or a feature the
 * model uses ("new: no column 'age', which the model risk.model uses"), and as
 * st_drift_compare; ST_ERR_INVALID_ARG for NULL arguments or bad options; ST_ERR_NOMEM;
 * a model that cannot score a dataset fails as st_model_predict. On failure *out is NULL.
 * opt may be NULL for the defaults. The datasets and the model stay the caller's; the
 * result's labels and text column names are lent by m: free the result before m. */
ST_API st_status st_drift_compare_model(const st_dataset *reference, const st_dataset *cur,
                                        const st_model *m, const st_drift_model_options *opt,
                                        st_drift_model_result **out /* OUT */, st_error *err);

/* Frees a result and everything in it (its columns too). NULL is a harmless no-op. */
ST_API void st_drift_model_result_free(st_drift_model_result *r);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_DRIFT_H */
