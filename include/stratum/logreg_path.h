/* stratum/logreg_path.h: the regularisation path of an elastic-net logistic regression,
 * fitted as glmnet fits it. Include <stratum.h> rather than this file.
 *
 * A path is the problem of stratum/logreg.h solved for a decreasing sequence of lambdas
 * at one alpha, each fit warm-started from the one before. By default the sequence is
 * n_lambda values from lambda_max down to lambda_max * lambda_min_ratio, evenly spaced
 * on a log scale, where lambda_max is the smallest lambda at which every coefficient is
 * zero (glmnet's choice, on the standardised design when standardize is on):
 *
 *     lambda_max = max_j |sum_i c_i x_ij (y_i - ybar)| / max(alpha, 0.001)
 *
 * with c the weights normalised to sum 1 and ybar = sum_i c_i y_i. For alpha = 0 (ridge)
 * no lambda zeroes the coefficients; like glmnet, lambda_max then uses alpha = 0.001.
 * Unlike glmnet, every lambda asked for is fitted (glmnet stops early once the deviance
 * ratio stops changing).
 *
 *     st_logreg_params prm = st_logreg_params_default();
 *     prm.alpha = 1;                                   // prm.lambda is not used
 *     st_logreg_path *path = NULL;
 *     if (st_logreg_path_fit(train, &prm, NULL, &path, &err) != ST_OK) { ... }
 *     for (size_t l = 0; l < st_logreg_path_n_lambda(path); l++)
 *         printf("%g %zu %.3f\n", st_logreg_path_lambdas(path)[l],
 *                st_logreg_path_df(path)[l], st_logreg_path_dev_ratios(path)[l]);
 *     st_logreg_path_free(path);
 *
 * Results are bit-identical for any n_threads, as for st_logreg_train. */
#ifndef STRATUM_LOGREG_PATH_H
#define STRATUM_LOGREG_PATH_H

#include <stddef.h>
#include "common.h"
#include "dataset.h"
#include "logreg.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct st_logreg_path st_logreg_path;

/* Which lambdas to fit. Start from st_logreg_path_options_default(). */
typedef struct st_logreg_path_options {
    size_t n_lambda;         /* number of lambdas >= 1 (default 100) */
    double lambda_min_ratio; /* smallest lambda / lambda_max, in (0, 1]; 0 for glmnet's
                                default: 1e-4, or 1e-2 when there are more expanded columns
                                than rows (default 0) */
    const double *lambda;    /* NULL (default), or n_lambda finite values > 0 to fit instead,
                                best in decreasing order (each fit starts from the last);
                                borrowed for the call only */
    int glmnet_exit;         /* 0 (default): fit every lambda. 1: stop as glmnet does, once
                                at least 5 lambdas are fitted and the deviance ratio exceeds
                                0.999 or grew by less than 1e-5 of itself since the last
                                lambda (further lambdas would change the fit too little to
                                matter); st_logreg_path_n_lambda says how many were fitted */
} st_logreg_path_options;

ST_API st_logreg_path_options st_logreg_path_options_default(void);

/* Fits the path on a labelled dataset (st_dataset_check_trainable must pass). prm (NULL
 * for the defaults) gives alpha, the feature handling, weights and the solver's tol and
 * max_iter; its lambda is ignored. opt may be NULL for the defaults. A fit that does not
 * reach tol is kept and flagged in st_logreg_path_converged. On success *out is a new
 * path; on failure it is NULL. */
ST_API st_status st_logreg_path_fit(const st_dataset *ds, const st_logreg_params *prm,
                                    const st_logreg_path_options *opt,
                                    st_logreg_path **out /* OUT */, st_error *err);

/* The fits, one per lambda in the order fitted. Arrays have n_lambda entries; coefficient
 * rows have n_coefs, on the original scale of the features and named as in
 * st_logreg_coef_name. Pointers stay valid until st_logreg_path_free; NULL for a NULL path
 * or an index out of range.
 *
 * df:         number of non-zero coefficients (the intercept not counted)
 * dev_ratio:  fraction of the null deviance explained, 1 - D(fit) / D(intercept only),
 *             with deviances weighted as in training (glmnet's dev.ratio)
 * lambda_max: computed as above, even when opt->lambda was given */
ST_API size_t st_logreg_path_n_lambda(const st_logreg_path *path);
ST_API size_t st_logreg_path_n_coefs(const st_logreg_path *path);
ST_API const char *st_logreg_path_coef_name(const st_logreg_path *path, size_t k);
ST_API double st_logreg_path_lambda_max(const st_logreg_path *path);
ST_API const double *st_logreg_path_lambdas(const st_logreg_path *path);
ST_API const double *st_logreg_path_intercepts(const st_logreg_path *path);
ST_API const double *st_logreg_path_coefs(const st_logreg_path *path, size_t l);
ST_API const size_t *st_logreg_path_df(const st_logreg_path *path);
ST_API const double *st_logreg_path_dev_ratios(const st_logreg_path *path);
/* 1 when fit l reached tol (see st_logreg_converged), 0 otherwise or out of range. */
ST_API int st_logreg_path_converged(const st_logreg_path *path, size_t l);

/* Writes P(y = 1) under fit l (0-based) for each row of ds into out, exactly as
 * st_logreg_predict would with a model trained at lambda l (same feature matching). */
ST_API st_status st_logreg_path_predict(const st_logreg_path *path, const st_dataset *ds,
                                        size_t l, double *out, size_t n_out, st_error *err);

/* Chooses lambda by k-fold cross-validation along the path, as R's cv.glmnet does with
 * type.measure = "deviance": the path on all rows of ds fixes the lambdas (opt's n_lambda
 * and lambda_min_ratio; opt->lambda must be NULL). One difference: with lambda_min_ratio 0
 * the ratio is glmnet's default times max(alpha, 0.001), so that a ridge path reaches as
 * low as a lasso path (glmnet's ridge path stops 1000 times higher, above the best lambda
 * of several clinical cohorts). prm->cv_folds stratified folds
 * (st_folds_make, seed prm->cv_seed) each fit the path on their training part and score
 * every lambda on their test part by its deviance (see st_logreg_lambda_choice); the mean
 * over folds and its standard error give lambda_min, the largest lambda at the lowest
 * mean, and lambda_1se, the largest lambda whose mean is within one standard error of
 * it; out->lambda is the one prm->lambda_rule names. prm's lambda is ignored; opt may be
 * NULL for the defaults. Nothing is printed; the result is the same for any n_threads.
 * From ST_LOGREG_CV_SPLIT_ROWS rows on, only the first fold is held out and its path stops
 * early (stratum/logreg.h, "Large data"); out->n_folds is then 1.
 * ST_ERR_DATA when a fold cannot be made or a training part lacks a class. */
ST_API st_status st_logreg_choose_lambda(const st_dataset *ds, const st_logreg_params *prm,
                                         const st_logreg_path_options *opt,
                                         st_logreg_lambda_choice *out /* OUT */,
                                         st_error *err);

/* Frees the path. NULL is a harmless no-op. */
ST_API void st_logreg_path_free(st_logreg_path *path);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_LOGREG_PATH_H */
