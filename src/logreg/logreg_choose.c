/* st_logreg_choose_lambda: lambda by k-fold cross-validation along the path, as R's
 * cv.glmnet (glmnet 4.1's cv.lognet, cvcompute, cvstats, getOptcv.glmnet) with
 * type.measure = "deviance". The same definitions as `stratum cv logreg --lambda-path`
 * (tools/cv_path.c), here inside the library so that st_logreg_train can use it as its
 * default; glmnet_lambda_choice.py checks it against cv.glmnet on the same folds. */
#include "logreg_impl.h"

#include <stratum/folds.h>
#include <stratum/logreg_path.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"
#include "eval/folds_impl.h"
#include "logreg_path_run.h"
#include "logreg_solver.h"

/* Puts "choosing lambda, WHERE: " before err's message, so that a fold's failure says
 * where it happened. */
static void say_where(st_error *err, const char *where)
{
    if (err == NULL)
        return;
    char msg[sizeof err->message];
    memcpy(msg, err->message, sizeof msg);
    int k = snprintf(err->message, sizeof err->message, "choosing lambda, %s: ", where);
    for (size_t i = 0; k > 0 && (size_t)k + i + 1 < sizeof err->message && msg[i]; i++)
        err->message[k + i + 1] = '\0', err->message[k + i] = msg[i];
}

/* The lambda sequence on all rows: the caller's count and ratio from lambda_max down, as
 * st_logreg_path_fit makes it (only lambda_max is fitted here: one fit, all zeros). */
static st_status full_lambdas(const st_dataset *ds, const st_logreg_params *prm,
                              const st_logreg_path_options *opt, double *lambda,
                              size_t *n_coefs, st_error *err)
{
    st_logreg_path_options one = *opt;
    one.n_lambda = 1;
    one.lambda = NULL;
    st_logreg_params quiet = *prm; /* one fit at lambda_max: nothing to watch */
    quiet.progress = NULL;
    st_logreg_path *path = NULL;
    st_status rc = st_logreg_path_fit(ds, &quiet, &one, &path, err);
    if (rc != ST_OK)
        return rc;
    const double lmax = st_logreg_path_lambda_max(path);
    const size_t n_rows = st_dataset_n_rows(ds), n_cols = st_logreg_path_n_coefs(path);
    *n_coefs = n_cols;
    st_logreg_path_free(path);
    if (!(lmax > 0))
        return st__fail(err, ST_ERR_DATA, "choosing lambda: lambda_max is 0: no column "
                        "varies or is correlated with the label, so every lambda gives "
                        "all-zero coefficients");
    /* glmnet's default ratio, times max(alpha, 0.001) when the caller gives none: lambda_max
     * is divided by that (stratum/logreg_path.h), so the path still reaches down to the
     * lasso path's smallest lambda; glmnet's ridge path stops 1000 times higher, above the
     * best lambda of several clinical cohorts (bench/RESULTS.md, "Defaults against the
     * peers") */
    const double ratio = opt->lambda_min_ratio > 0 ? opt->lambda_min_ratio
                       : (n_cols > n_rows ? 1e-2 : 1e-4) * fmax(prm->alpha, 0.001);
    const size_t nl = opt->n_lambda;
    for (size_t l = 0; l < nl; l++)
        lambda[l] = nl == 1 ? lmax : lmax * exp(log(ratio) * (double)l / (double)(nl - 1));
    return ST_OK;
}

/* Fold f of k: the path on its training rows at the given lambdas, each fit scored on its
 * test rows as it is made (dev[0..nl-1], their weighted mean deviance; se, when not NULL,
 * its standard error over the rows) and the test rows' total weight. patience > 0 stops
 * the path as st__lr_path_run says: the lambdas never fitted get NaN (not candidates).
 * Without patience, past glmnet's exit the last fit stands for the smaller lambdas, as in
 * cv.glmnet. */
static st_status one_fold(const st_dataset *ds, const st_logreg_params *prm, const int *fold,
                          int f, size_t k, size_t patience, const double *lambda, size_t nl,
                          size_t *train, size_t *test, double *p, double *dev, double *se,
                          double *weight, st_error *err)
{
    size_t n_train = 0, n_test = 0;
    st__folds_split(fold, st_dataset_n_rows(ds), f, train, &n_train, test, &n_test);
    st_dataset *tr = NULL, *te = NULL;
    st_logreg_path *path = NULL;
    st_logreg_path_options opt = st_logreg_path_options_default();
    opt.n_lambda = nl;
    opt.lambda = lambda;
    opt.glmnet_exit = 1; /* as cv.glmnet's fold fits */
    st_status rc = st_dataset_subset(ds, train, n_train, &tr, err);
    if (rc == ST_OK)
        rc = st_dataset_subset(ds, test, n_test, &te, err);
    st__lr_path_run run = {.valid = te, .patience = patience, .dev = dev, .se = se, .p = p,
                           .fold = (size_t)f + 1, .n_folds = k};
    if (rc == ST_OK && (rc = st__lr_path_fit_run(tr, prm, &opt, &run, &path, err)) != ST_OK) {
        char where[48];
        snprintf(where, sizeof where, "inner fold %d", f + 1);
        say_where(err, where);
    }
    *weight = run.weight;
    const size_t fitted = rc == ST_OK ? st_logreg_path_n_lambda(path) : 0;
    for (size_t l = fitted; rc == ST_OK && l < nl; l++) {
        dev[l] = patience > 0 ? NAN : dev[fitted - 1];
        if (se != NULL)
            se[l] = NAN;
    }
    st_logreg_path_free(path);
    st_dataset_free(tr);
    st_dataset_free(te);
    return rc;
}

/* The inner folds of a small cohort side by side (st__run_fallible): fold f's path on one
 * thread, with its own row lists, predictions and error; dev and weight are per fold
 * already. Read in fold order afterwards: the same choice as fold after fold. */
typedef struct fold_jobs {
    const st_dataset *ds;
    st_logreg_params prm; /* n_threads 1 */
    const int *fold;
    size_t k;
    const double *lambda;
    size_t nl;
    size_t *rows; /* 2 n per fold */
    double *p;    /* n per fold */
    double *dev, *weight;
} fold_jobs;

static st_status fold_task(void *ctx, size_t f, st_error *err)
{
    fold_jobs *j = ctx;
    const size_t n = st_dataset_n_rows(j->ds);
    return one_fold(j->ds, &j->prm, j->fold, (int)f, j->k, 0, j->lambda, j->nl,
                    j->rows + 2 * n * f, j->rows + 2 * n * f + n, j->p + n * f,
                    j->dev + f * j->nl, NULL, j->weight + f, err);
}

/* Whether the k inner paths run side by side: with threads, several folds, no progress of
 * the caller's to tell (its order would change), and a design narrow enough that no fit
 * calls LAPACK (OpenBLAS's thread count is process-wide: linalg.c). The caller's
 * should_stop is asked through a relay (core/parallel.h), on the calling thread only. */
static int side_by_side(const st_logreg_params *prm, size_t k, size_t n_coefs)
{
    return k > 1 && prm->progress == NULL && n_coefs + 1 < ST__LR_LAPACK_MIN_M &&
           st__n_threads(prm->n_threads) > 1;
}

static st_status folds_side_by_side(const st_dataset *ds, const st_logreg_params *prm,
                                    const int *fold, size_t k, const double *lambda,
                                    size_t nl, double *dev, double *weight, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    int overflow = 0;
    fold_jobs j = {.ds = ds, .prm = *prm, .fold = fold, .k = k, .lambda = lambda, .nl = nl,
                   .dev = dev, .weight = weight};
    j.prm.n_threads = 1;
    st__stop_relay relay;
    st__stop_relay *stop = st__stop_relay_wrap(&relay, &j.prm.should_stop,
                                               &j.prm.should_stop_data);
    j.rows = st__malloc_array(st__mul_size(2 * n, k, &overflow), sizeof *j.rows);
    j.p = st__malloc_array(st__mul_size(n, k, &overflow), sizeof *j.p);
    st_status rc = ST_OK;
    if (overflow || !j.rows || !j.p)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory choosing lambda on %zu rows", n);
    else
        rc = st__run_fallible(k, st__n_threads(prm->n_threads), fold_task, &j, stop, err);
    st__free(j.rows), st__free(j.p);
    return rc;
}

/* cvm and cvsd over the k folds (dev is k x nl; with one fold, se gives cvsd), lambda_min
 * and lambda_1se: the first (largest) lambda at the lowest mean, and the first within one
 * se of it. */
static int choose(const double *dev, const double *se, const double *weight, size_t k,
                  size_t nl, const double *lambda, st_lambda_rule rule,
                  st_logreg_lambda_choice *out, double *cvm, double *cvsd)
{
    for (size_t l = 0; l < nl; l++) {
        double sw = 0, sum = 0, ss = 0;
        size_t defined = 0;
        for (size_t f = 0; f < k; f++)
            if (!isnan(dev[f * nl + l])) {
                sum += weight[f] * dev[f * nl + l];
                sw += weight[f];
                defined++;
            }
        cvm[l] = sw > 0 ? sum / sw : NAN;
        for (size_t f = 0; f < k; f++)
            if (!isnan(dev[f * nl + l]))
                ss += weight[f] * (dev[f * nl + l] - cvm[l]) * (dev[f * nl + l] - cvm[l]);
        cvsd[l] = defined > 1 ? sqrt(ss / sw / (double)(defined - 1)) : NAN;
        if (k == 1 && se != NULL)
            cvsd[l] = se[l];
    }
    size_t i_min = 0, i_1se = 0;
    double best = INFINITY;
    for (size_t l = 0; l < nl; l++)
        if (!isnan(cvm[l]) && cvm[l] < best) {
            best = cvm[l];
            i_min = l;
        }
    if (!isfinite(best))
        return 0;
    double bound = best + (isnan(cvsd[i_min]) ? 0 : cvsd[i_min]);
    for (size_t l = 0; l < nl; l++)
        if (!isnan(cvm[l]) && cvm[l] <= bound) {
            i_1se = l;
            break;
        }
    size_t i = rule == ST_LAMBDA_1SE ? i_1se : i_min;
    *out = (st_logreg_lambda_choice){.lambda = lambda[i], .rule = rule,
                                     .lambda_min = lambda[i_min], .lambda_1se = lambda[i_1se],
                                     .cv_deviance = cvm[i], .cv_se = cvsd[i], .index = i,
                                     .n_lambda = nl, .n_folds = k};
    return 1;
}

st_status st_logreg_choose_lambda(const st_dataset *ds, const st_logreg_params *prm_in,
                                  const st_logreg_path_options *opt_in,
                                  st_logreg_lambda_choice *out, st_error *err)
{
    if (ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_choose_lambda: %s is NULL",
                        ds == NULL ? "dataset" : "out");
    st_logreg_params prm = prm_in != NULL ? *prm_in : st_logreg_params_default();
    st_logreg_path_options opt = opt_in != NULL ? *opt_in : st_logreg_path_options_default();
    prm.lambda = ST_LOGREG_LAMBDA_CV; /* checks cv_folds and lambda_rule too */
    const char *bad = st_logreg_params_check(&prm);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_choose_lambda: %s", bad);
    if (opt.lambda != NULL || opt.n_lambda < 1)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_choose_lambda: the options must "
                        "give n_lambda >= 1 and no lambda list");
    st_status rc = st_dataset_check_trainable(ds, err);
    if (rc != ST_OK)
        return rc;
    /* the inner fits report their fold (st_logreg_progress.inner_fold) */
    const size_t n = st_dataset_n_rows(ds), nl = opt.n_lambda, k = prm.cv_folds;
    const int split = n >= ST_LOGREG_CV_SPLIT_ROWS; /* one held-out fold, stopped early */
    int *fold = st__malloc_array(n, sizeof *fold);
    size_t *train = st__malloc_array(n, sizeof *train), *test = st__malloc_array(n, sizeof *test);
    double *lambda = st__malloc_array(nl, sizeof *lambda), *p = st__malloc_array(n, sizeof *p);
    int overflow = 0;
    double *dev = st__malloc_array(st__mul_size(k, nl, &overflow), sizeof *dev);
    double *weight = st__malloc_array(k, sizeof *weight);
    double *cvm = st__malloc_array(nl, sizeof *cvm), *cvsd = st__malloc_array(nl, sizeof *cvsd);
    double *se = split ? st__malloc_array(nl, sizeof *se) : NULL;
    if (overflow || !fold || !train || !test || !lambda || !p || !dev || !weight || !cvm || !cvsd ||
        (split && !se)) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory choosing lambda on %zu rows", n);
        goto done;
    }
    size_t n_coefs = 0;
    if ((rc = full_lambdas(ds, &prm, &opt, lambda, &n_coefs, err)) != ST_OK)
        goto done;
    st_folds_params fp = st_folds_params_default();
    fp.n_folds = k;
    fp.seed = prm.cv_seed;
    size_t made = 0;
    if ((rc = st_folds_make(st_dataset_labels(ds), n, &fp, fold, n, &made, err)) != ST_OK) {
        say_where(err, "making the inner folds");
        goto done;
    }
    const size_t scored = split ? 1 : made;
    if (!split && side_by_side(&prm, scored, n_coefs))
        rc = folds_side_by_side(ds, &prm, fold, scored, lambda, nl, dev, weight, err);
    else
        for (size_t f = 0; f < scored && rc == ST_OK; f++)
            rc = one_fold(ds, &prm, fold, (int)f, scored, split ? ST_LOGREG_CV_PATIENCE : 0,
                          lambda, nl, train, test, p, dev + f * nl, se, weight + f, err);
    if (rc == ST_OK &&
        !choose(dev, se, weight, scored, nl, lambda, prm.lambda_rule, out, cvm, cvsd))
        rc = st__fail(err, ST_ERR_DATA, "choosing lambda: the CV deviance is undefined at "
                      "every lambda");
done:
    st__free(fold), st__free(train), st__free(test), st__free(lambda), st__free(p);
    st__free(dev), st__free(weight), st__free(cvm), st__free(cvsd), st__free(se);
    return rc;
}
