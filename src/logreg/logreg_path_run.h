/* Internal: the lambda path fitted with its fits scored on held-out rows as they come,
 * for choosing lambda (logreg_choose.c); st_logreg_path_fit is this without scoring. */
#ifndef STRATUM_LOGREG_PATH_RUN_H
#define STRATUM_LOGREG_PATH_RUN_H

#include <stratum/logreg_path.h>

/* What st__lr_path_fit_run does besides fitting. Zero-initialised: nothing. */
typedef struct st__lr_path_run {
    const st_dataset *valid; /* NULL, or rows to score each fit on as it is made */
    size_t patience;         /* with valid: stop once this many fits in a row have not
                                lowered the lowest validation deviance so far (0: never) */
    double *dev, *se;        /* with valid, n_lambda entries each (se may be NULL): fit l's
                                deviance on valid and its standard error over the rows
                                (st__lr_cv_deviance); entries past the fits made untouched */
    double weight;           /* out, with valid: valid's total row weight */
    double *p;               /* with valid: scratch of st_dataset_n_rows(valid) */
    size_t fold, n_folds;    /* for the progress callback: the inner fold fitted (1-based),
                                of n_folds; 0 when the path is not an inner fold's */
} st__lr_path_run;

/* st_logreg_path_fit, doing what run (may be NULL) asks. */
st_status st__lr_path_fit_run(const st_dataset *ds, const st_logreg_params *prm,
                              const st_logreg_path_options *opt, st__lr_path_run *run,
                              st_logreg_path **out, st_error *err);

/* cv.glmnet's deviance of the probabilities p[0..n-1] of rows with labels y and weights w
 * (NULL: all 1): the weighted mean of -2 log-likelihood with p clipped to [1e-5, 1 - 1e-5]
 * (NaN when the weights sum to 0). *weight gets the weights' sum; se (may be NULL) the
 * standard error of that mean over the rows, stratified by label as the folds are (NaN
 * when a class has fewer than 2 rows): the spread used when one split stands for the
 * folds. */
double st__lr_cv_deviance(const double *p, const float *y, const float *w, size_t n,
                          double *weight, double *se);

#endif
