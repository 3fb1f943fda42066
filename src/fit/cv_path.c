/* The lambda path cross-validated as R's cv.glmnet does (stratum/cv.h: st_cv_path_run):
 * the path on all rows fixes the lambdas, each training part is fitted on them, each test
 * fold gets the measure at every lambda, and the curve, its standard error and the two
 * choices follow glmnet 4.1's cvcompute, cvstats and getOptcv.glmnet. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "cv_impl.h"

void st_cv_path_result_free(st_cv_path_result *res)
{
    if (res == NULL)
        return;
    st__free(res->lambda), st__free(res->df), st__free(res->cvm), st__free(res->cvsd);
    st__free(res->defined), st__free(res->fold_of);
    st__free(res);
}

/* The measure of one fold at one lambda. */
static double fold_measure(st_cv_measure measure, const double *p, const st_dataset *te,
                           st_error *err, st_status *rc)
{
    size_t n = st_dataset_n_rows(te);
    const float *y = st_dataset_labels(te), *w = st_dataset_weights(te);
    if (measure == ST_CV_DEVIANCE) {
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
    return ev.value[measure == ST_CV_AUC ? ST_METRIC_ROC_AUC : ST_METRIC_PR_AUC];
}

/* Work space of the folds. */
typedef struct path_work {
    size_t *train, *test;
    double *p, *raw, *weight; /* raw: m x n_lambda measures; weight: m fold weights */
} path_work;

/* Fits fold (r, f) on res's lambdas, fills raw[0..nl) and *weight, counts unconverged fits. */
static st_status one_fold(const st_dataset *ds, const st_logreg_params *prm,
                          st_cv_path_result *res, st_cv_measure measure, size_t r, size_t f,
                          path_work *w, st_error *err)
{
    const size_t n = res->n_rows, nl = res->n_lambda, k = r * res->n_folds + f;
    const int *fold = res->fold_of + r * n;
    size_t n_train = 0, n_test = 0;
    for (size_t i = 0; i < n; i++) {
        if ((size_t)fold[i] == f)
            w->test[n_test++] = i;
        else
            w->train[n_train++] = i;
    }
    if (n_test == 0)
        return st__fail(err, ST_ERR_DATA, "the test part is empty");
    st_dataset *tr = NULL, *te = NULL;
    st_logreg_path *path = NULL;
    st_logreg_path_options opt = st_logreg_path_options_default();
    opt.n_lambda = nl;
    opt.lambda = res->lambda;
    st_status rc = st_dataset_subset(ds, w->train, n_train, &tr, err);
    if (rc == ST_OK)
        rc = st_dataset_subset(ds, w->test, n_test, &te, err);
    if (rc == ST_OK)
        rc = st_logreg_path_fit(tr, prm, &opt, &path, err);
    for (size_t l = 0; rc == ST_OK && l < nl; l++) {
        res->n_unconverged += !st_logreg_path_converged(path, l);
        rc = st_logreg_path_predict(path, te, l, w->p, n_test, err);
        if (rc == ST_OK)
            w->raw[k * nl + l] = fold_measure(measure, w->p, te, err, &rc);
    }
    const float *wt = st_dataset_weights(te);
    w->weight[k] = 0;
    for (size_t i = 0; rc == ST_OK && i < n_test; i++)
        w->weight[k] += wt != NULL ? wt[i] : 1;
    st_logreg_path_free(path);
    st_dataset_free(tr);
    st_dataset_free(te);
    return rc;
}

/* cvm and cvsd of lambda l over the m folds. */
static void curve_point(const path_work *w, size_t m, st_cv_path_result *res, size_t l)
{
    const size_t nl = res->n_lambda;
    const double *raw = w->raw, *weight = w->weight;
    double sw = 0, sum = 0, ss = 0;
    size_t defined = 0;
    for (size_t f = 0; f < m; f++)
        if (!isnan(raw[f * nl + l])) {
            sum += weight[f] * raw[f * nl + l];
            sw += weight[f];
            defined++;
        }
    double cvm = sw > 0 ? sum / sw : NAN;
    for (size_t f = 0; f < m; f++)
        if (!isnan(raw[f * nl + l]))
            ss += weight[f] * (raw[f * nl + l] - cvm) * (raw[f * nl + l] - cvm);
    res->cvm[l] = cvm;
    res->cvsd[l] = defined > 1 ? sqrt(ss / sw / (double)(defined - 1)) : NAN;
    res->defined[l] = defined;
}

/* getOptcv.glmnet: lambdas come in decreasing order, so "largest lambda" is the first
 * index. AUCs are maximised (negated first). */
static void choose(st_cv_path_result *res, int maximise)
{
    const size_t nl = res->n_lambda;
    double sign = maximise ? -1 : 1, best = INFINITY;
    res->have_choice = 0;
    for (size_t l = 0; l < nl; l++)
        if (!isnan(res->cvm[l]) && sign * res->cvm[l] < best) {
            best = sign * res->cvm[l];
            res->i_min = l;
            res->have_choice = 1;
        }
    if (!res->have_choice)
        return;
    double bound = best + (isnan(res->cvsd[res->i_min]) ? 0 : res->cvsd[res->i_min]);
    for (size_t l = 0; l < nl; l++)
        if (!isnan(res->cvm[l]) && sign * res->cvm[l] <= bound) {
            res->i_1se = l;
            break;
        }
}

static void tell(const st_cv_params *p, const st_cv_path_result *res, st_cv_event event,
                 size_t r, size_t f)
{
    if (p->progress == NULL)
        return;
    st_cv_progress pr = {event, r, f, res->n_repeats, res->n_folds, 0, 0, NULL, res->n_lambda};
    p->progress(&pr, p->progress_data);
}

/* The path on all rows: lambdas, df and its unconverged fits into res. */
static st_status all_rows(const st_dataset *ds, const st_cv_params *p, const st_logreg_params *lp,
                          const st_logreg_path_options *popt, st_cv_path_result *res,
                          st_error *err)
{
    st_logreg_path *full = NULL;
    tell(p, res, ST_CV_ALL_ROWS_START, 0, 0);
    st_status rc = st_logreg_path_fit(ds, lp, popt, &full, err);
    if (rc != ST_OK)
        return rc;
    const size_t nl = res->n_lambda = st_logreg_path_n_lambda(full);
    res->lambda = st__malloc_array(nl, sizeof *res->lambda);
    res->df = st__malloc_array(nl, sizeof *res->df);
    res->cvm = st__malloc_array(nl, sizeof *res->cvm);
    res->cvsd = st__malloc_array(nl, sizeof *res->cvsd);
    res->defined = st__malloc_array(nl, sizeof *res->defined);
    if (!res->lambda || !res->df || !res->cvm || !res->cvsd || !res->defined)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a path of %zu lambdas", nl);
    if (rc == ST_OK) {
        memcpy(res->lambda, st_logreg_path_lambdas(full), nl * sizeof *res->lambda);
        memcpy(res->df, st_logreg_path_df(full), nl * sizeof *res->df);
        for (size_t l = 0; l < nl; l++)
            res->n_unconverged += !st_logreg_path_converged(full, l);
    }
    st_logreg_path_free(full);
    if (rc == ST_OK)
        tell(p, res, ST_CV_ALL_ROWS_DONE, 0, 0);
    return rc;
}

/* Checks, and a result with the folds made. */
static st_status start(const st_dataset *ds, const st_cv_params *p, st_cv_measure measure,
                       st_cv_path_result **out, st_error *err)
{
    char why[256];
    if (st__cv_check(ds, p, why, sizeof why) != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_path_run: %s", why);
    if (p->family != ST_CV_LOGREG || p->n_text_cols > 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_path_run: expected logreg without "
                        "text columns (the path of a %s model%s is not cross-validated)",
                        st__cv_family_name(p->family), p->n_text_cols ? " of texts" : "");
    if (measure != ST_CV_DEVIANCE && measure != ST_CV_AUC && measure != ST_CV_PR_AUC)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_path_run: measure %d: expected "
                        "ST_CV_DEVIANCE, ST_CV_AUC or ST_CV_PR_AUC", (int)measure);
    const size_t n = st_dataset_n_rows(ds);
    st_cv_path_result *res = st__calloc(1, sizeof *res);
    if (res == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for cross-validation of %zu rows", n);
    res->n_rows = n;
    res->n_repeats = p->fold_ids != NULL ? 1 : p->n_repeats;
    int overflow = 0;
    size_t nr = st__mul_size(n ? n : 1, res->n_repeats, &overflow);
    res->fold_of = overflow ? NULL : st__malloc_array(nr, sizeof *res->fold_of);
    st_status rc = res->fold_of == NULL
                 ? st__fail(err, ST_ERR_NOMEM, "out of memory for the folds of %zu rows", n)
                 : st__cv_folds(ds, p, res->fold_of, &res->n_folds, err);
    if (rc != ST_OK) {
        st_cv_path_result_free(res);
        return rc;
    }
    *out = res;
    return ST_OK;
}

st_status st_cv_path_run(const st_dataset *ds, const st_cv_params *prm,
                         const st_logreg_path_options *popt, st_cv_measure measure,
                         st_cv_path_result **out, st_error *err)
{
    st_error no_err; /* err may be NULL (stratum/common.h); the folds' messages need one */
    if (err == NULL)
        err = &no_err;
    if (out != NULL)
        *out = NULL;
    if (out == NULL || ds == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_path_run: ds and out must not be NULL");
    st_cv_params p = prm != NULL ? *prm : st_cv_params_default();
    st_cv_path_result *res = NULL;
    st_status rc = start(ds, &p, measure, &res, err);
    if (rc != ST_OK)
        return rc;
    st_logreg_params lp = p.logreg;
    lp.n_threads = p.n_threads;
    if (lp.should_stop == NULL) /* the folds' fits stop with the cross-validation */
        lp.should_stop = p.should_stop, lp.should_stop_data = p.should_stop_data;
    rc = all_rows(ds, &p, &lp, popt, res, err);
    const size_t n = res->n_rows, nl = res->n_lambda, m = res->n_folds * res->n_repeats;
    path_work w = {0};
    if (rc == ST_OK) {
        w.train = st__malloc_array(n, sizeof *w.train);
        w.test = st__malloc_array(n, sizeof *w.test);
        w.p = st__malloc_array(n, sizeof *w.p);
        w.raw = st__malloc_array(m * nl, sizeof *w.raw);
        w.weight = st__malloc_array(m, sizeof *w.weight);
        if (!w.train || !w.test || !w.p || !w.raw || !w.weight)
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for cross-validation of %zu rows",
                          n);
    }
    for (size_t r = 0; rc == ST_OK && r < res->n_repeats; r++)
        for (size_t f = 0; rc == ST_OK && f < res->n_folds; f++) {
            tell(&p, res, ST_CV_FOLD_START, r, f);
            rc = one_fold(ds, &lp, res, measure, r, f, &w, err);
            if (rc != ST_OK) {
                st_error inner = *err;
                snprintf(err->message, sizeof err->message, "fold %zu of repeat %zu: %.700s",
                         f + 1, r + 1, inner.message[0] ? inner.message : st_status_str(rc));
                err->code = rc;
            } else {
                tell(&p, res, ST_CV_FOLD_DONE, r, f);
            }
        }
    if (rc == ST_OK) {
        res->n_fits = nl * (m + 1);
        for (size_t l = 0; l < nl; l++)
            curve_point(&w, m, res, l);
        choose(res, measure != ST_CV_DEVIANCE);
    }
    st__free(w.train), st__free(w.test), st__free(w.p), st__free(w.raw), st__free(w.weight);
    if (rc != ST_OK) {
        st_cv_path_result_free(res);
        return rc;
    }
    *out = res;
    return ST_OK;
}
