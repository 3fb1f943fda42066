/* stratum cv logreg --lambda-path, as R's cv.glmnet does it: the path is fitted on all
 * rows to fix the lambda sequence; each training part is fitted on that sequence; each
 * test fold gets the measure at every lambda; the CV curve is the mean over folds and its
 * standard error; lambda_min is the largest lambda at the best mean, lambda_1se the
 * largest lambda whose mean is within one standard error of it.
 *
 * Definitions (glmnet 4.1's cv.lognet, cvcompute, cvstats and getOptcv.glmnet):
 *   deviance of a row: -2 (y log p + (1 - y) log(1 - p)), p clipped to [1e-5, 1 - 1e-5];
 *   a fold's value is the weighted mean over its rows (row weights, not class weights);
 *   auc / pr-auc of a fold: ROC-AUC / average precision of its rows (st_evaluate);
 *   cvm = sum_f W_f v_f / sum_f W_f, W_f the total weight of fold f;
 *   cvsd = sqrt((sum_f W_f (v_f - cvm)^2 / sum_f W_f) / (F - 1)) over the F folds where
 *   the value is defined. The folds of every repeat are pooled as F = k R folds. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_progress.h"
#include "cv.h"

static const char *const measure_names[] = {"deviance", "auc", "pr_auc"};

/* The measure of one fold at one lambda. */
static double fold_measure(cv_measure measure, const double *p, const st_dataset *te,
                           st_error *err, st_status *rc)
{
    size_t n = st_dataset_n_rows(te);
    const float *y = st_dataset_labels(te), *w = st_dataset_weights(te);
    if (measure == CV_DEVIANCE) {
        double sum = 0, sw = 0;
        for (size_t i = 0; i < n; i++) {
            double wi = w != NULL ? w[i] : 1, pi = fmin(fmax(p[i], 1e-5), 1 - 1e-5);
            sum += wi * -2 * (y[i] == 1.0f ? log(pi) : log(1 - pi));
            sw += wi;
        }
        return sw > 0 ? sum / sw : NAN;
    }
    st_eval_params ep = st_eval_params_default();
    ep.n_bootstrap = 0;
    ep.threshold = NAN;
    st_eval ev;
    *rc = st_evaluate(p, y, w, n, &ep, &ev, err);
    return ev.value[measure == CV_AUC ? ST_METRIC_ROC_AUC : ST_METRIC_PR_AUC];
}

/* Fits fold (r, f) on the given lambdas and fills raw[0..nl-1] and *weight; adds the fits
 * that did not reach tol to *unconverged. */
static st_status one_fold(const cv_setup *s, size_t r, size_t f, const double *lambdas,
                          size_t nl, cv_measure measure, size_t *train, size_t *test,
                          double *p, double *raw, double *weight, size_t *unconverged,
                          st_error *err)
{
    size_t n_train, n_test;
    cv_split(s, r, f, train, &n_train, test, &n_test);
    if (n_test == 0) {
        snprintf(err->message, sizeof err->message, "the test part is empty");
        return ST_ERR_DATA;
    }
    st_dataset *tr = NULL, *te = NULL;
    st_logreg_path *path = NULL;
    st_logreg_path_options opt = st_logreg_path_options_default();
    opt.n_lambda = nl;
    opt.lambda = lambdas;
    st_status rc = st_dataset_subset(s->ds, train, n_train, &tr, err);
    if (rc == ST_OK)
        rc = st_dataset_subset(s->ds, test, n_test, &te, err);
    st_logreg_params prm = s->prm;
    cli_progress_logreg_params(&prm); /* the fit is the same either way */
    if (rc == ST_OK)
        rc = st_logreg_path_fit(tr, &prm, &opt, &path, err);
    for (size_t l = 0; rc == ST_OK && l < nl; l++) {
        *unconverged += !st_logreg_path_converged(path, l);
        rc = st_logreg_path_predict(path, l, te, p, n_test, err);
        if (rc == ST_OK)
            raw[l] = fold_measure(measure, p, te, err, &rc);
    }
    const float *w = st_dataset_weights(te);
    *weight = 0;
    for (size_t i = 0; rc == ST_OK && i < n_test; i++)
        *weight += w != NULL ? w[i] : 1;
    st_logreg_path_free(path);
    st_dataset_free(tr);
    st_dataset_free(te);
    return rc;
}

/* cvm and cvsd of lambda l over the m folds (raw is m x nl). */
static void curve_point(const double *raw, const double *weight, size_t m, size_t nl, size_t l,
                        double *cvm, double *cvsd, size_t *defined)
{
    double sw = 0, sum = 0, ss = 0;
    *defined = 0;
    for (size_t f = 0; f < m; f++)
        if (!isnan(raw[f * nl + l])) {
            sum += weight[f] * raw[f * nl + l];
            sw += weight[f];
            (*defined)++;
        }
    *cvm = sw > 0 ? sum / sw : NAN;
    for (size_t f = 0; f < m; f++)
        if (!isnan(raw[f * nl + l]))
            ss += weight[f] * (raw[f * nl + l] - *cvm) * (raw[f * nl + l] - *cvm);
    *cvsd = *defined > 1 ? sqrt(ss / sw / (double)(*defined - 1)) : NAN;
}

/* getOptcv.glmnet: lambdas come in decreasing order, so "largest lambda" is the first
 * index. AUCs are maximised (negated first). Returns 0 when no lambda has a value. */
static int choose(const double *cvm, const double *cvsd, size_t nl, int maximise,
                  size_t *i_min, size_t *i_1se)
{
    double sign = maximise ? -1 : 1, best = INFINITY;
    int found = 0;
    for (size_t l = 0; l < nl; l++)
        if (!isnan(cvm[l]) && sign * cvm[l] < best) {
            best = sign * cvm[l];
            *i_min = l;
            found = 1;
        }
    if (!found)
        return 0;
    double bound = best + (isnan(cvsd[*i_min]) ? 0 : cvsd[*i_min]);
    for (size_t l = 0; l < nl; l++)
        if (!isnan(cvm[l]) && sign * cvm[l] <= bound) {
            *i_1se = l;
            break;
        }
    return 1;
}

static void print_curve(const cv_setup *s, const st_logreg_path *full, const double *cvm,
                        const double *cvsd, const size_t *defined, cv_measure measure,
                        int have, size_t i_min, size_t i_1se)
{
    size_t nl = st_logreg_path_n_lambda(full);
    const double *lambda = st_logreg_path_lambdas(full);
    const size_t *df = st_logreg_path_df(full);
    int csv = s->format == FORMAT_CSV;
    if (csv) {
        printf("index,lambda,df,%s,se,folds,choice\n", measure_names[measure]);
    } else {
        printf("logreg lambda path (alpha %g), %zu-fold %s cross-validation x %zu repeat%s on "
               "%zu rows of %s; measure %s (mean over folds, se as cv.glmnet)\n\n",
               s->prm.alpha, s->n_folds, s->how, s->n_repeats, s->n_repeats == 1 ? "" : "s",
               st_dataset_n_rows(s->ds), s->data_path, measure_names[measure]);
        printf("%5s %12s %5s %12s %12s %6s\n", "index", "lambda", "df", measure_names[measure],
               "se", "choice");
    }
    for (size_t l = 0; l < nl; l++) {
        const char *choice = !have ? ""
                           : l == i_min && l == i_1se ? "min+1se"
                           : l == i_min ? "min" : l == i_1se ? "1se" : "";
        if (csv)
            printf("%zu,%.17g,%zu,%.17g,%.17g,%zu,%s\n", l + 1, lambda[l], df[l], cvm[l],
                   cvsd[l], defined[l], choice);
        else
            printf("%5zu %12.6g %5zu %12.6g %12.6g %6s\n", l + 1, lambda[l], df[l], cvm[l],
                   cvsd[l], choice);
    }
    if (!csv && have)
        printf("\nlambda_min %.6g (index %zu, %s %.6g, df %zu)\nlambda_1se %.6g (index %zu, "
               "%s %.6g, df %zu)\n", lambda[i_min], i_min + 1, measure_names[measure],
               cvm[i_min], df[i_min], lambda[i_1se], i_1se + 1, measure_names[measure],
               cvm[i_1se], df[i_1se]);
    else if (!have)
        fprintf(stderr, "stratum: the %s is undefined at every lambda (a class missing from "
                "every test fold?)\n", measure_names[measure]);
}

int cv_run_path(const cv_setup *s, const st_logreg_path_options *popt, cv_measure measure)
{
    st_error err;
    memset(&err, 0, sizeof err);
    st_logreg_path *full = NULL;
    st_logreg_params prm = s->prm;
    cli_progress_logreg_params(&prm);
    cli_progress_begin("cv", s->n_folds * s->n_repeats + 1, "paths");
    cli_progress_step("all rows");
    st_status rc = st_logreg_path_fit(s->ds, &prm, popt, &full, &err);
    if (rc != ST_OK) {
        cli_progress_end();
        return cli_fail(&err, rc);
    }
    cli_progress_advance();
    size_t n = st_dataset_n_rows(s->ds), nl = st_logreg_path_n_lambda(full);
    size_t m = s->n_folds * s->n_repeats;
    size_t *train = malloc(n * sizeof *train), *test = malloc(n * sizeof *test);
    size_t *defined = malloc(nl * sizeof *defined);
    double *p = malloc(n * sizeof *p), *raw = malloc(m * nl * sizeof *raw);
    double *weight = malloc(m * sizeof *weight), *cvm = malloc(nl * sizeof *cvm);
    double *cvsd = malloc(nl * sizeof *cvsd);
    int status = EXIT_OK;
    size_t unconverged = 0;
    for (size_t l = 0; l < nl; l++)
        unconverged += !st_logreg_path_converged(full, l);
    if (!train || !test || !defined || !p || !raw || !weight || !cvm || !cvsd) {
        fprintf(stderr, "stratum: out of memory for cross-validation of %zu rows\n", n);
        status = EXIT_FAILED;
    }
    for (size_t r = 0; status == EXIT_OK && r < s->n_repeats; r++)
        for (size_t f = 0; status == EXIT_OK && f < s->n_folds; f++) {
            size_t k = r * s->n_folds + f;
            cli_progress_step("repeat %zu/%zu, fold %zu/%zu", r + 1, s->n_repeats, f + 1,
                              s->n_folds);
            rc = one_fold(s, r, f, st_logreg_path_lambdas(full), nl, measure, train, test, p,
                          raw + k * nl, weight + k, &unconverged, &err);
            cli_progress_clear();
            if (rc != ST_OK) {
                fprintf(stderr, "stratum: fold %zu of repeat %zu: %s\n", f + 1, r + 1,
                        err.message[0] ? err.message : st_status_str(rc));
                status = EXIT_FAILED;
            } else if (!s->quiet) {
                fprintf(stderr, "fold %zu/%zu of repeat %zu/%zu: path of %zu lambdas fitted\n",
                        f + 1, s->n_folds, r + 1, s->n_repeats, nl);
            }
            cli_progress_advance();
        }
    cli_progress_end();
    if (status == EXIT_OK && unconverged > 0 && !s->quiet)
        fprintf(stderr, "note: %zu of the %zu path fits did not reach --tol within --max-iter "
                "iterations\n", unconverged, nl * (m + 1));
    if (status == EXIT_OK) {
        for (size_t l = 0; l < nl; l++)
            curve_point(raw, weight, m, nl, l, &cvm[l], &cvsd[l], &defined[l]);
        size_t i_min = 0, i_1se = 0;
        int have = choose(cvm, cvsd, nl, measure != CV_DEVIANCE, &i_min, &i_1se);
        print_curve(s, full, cvm, cvsd, defined, measure, have, i_min, i_1se);
        if (!have)
            status = EXIT_FAILED;
        else if (fflush(stdout) != 0 || ferror(stdout)) {
            fprintf(stderr, "stratum: cannot write the report to stdout\n");
            status = EXIT_FAILED;
        }
    }
    free(train), free(test), free(defined), free(p), free(raw), free(weight), free(cvm),
        free(cvsd);
    st_logreg_path_free(full);
    return status;
}
