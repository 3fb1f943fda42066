/* The nested estimate of stratum tune (stratum/tune.h, nested_folds): the whole search run
 * on each outer fold's training part alone, its best refitted there (st_cv_fit_predict)
 * and scored on the outer test fold, which no part of the search saw. What the user can
 * expect of "tune, then train the best" on new rows; the best's own CV score is optimistic
 * by the search's choice among candidates. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "cv_impl.h"
#include "tune_impl.h"

/* One outer fold: search on tr, refit the best on tr, metrics of te into value. */
static st_status outer_fold(const st_tune_params *prm, const st_dataset *tr,
                            const double *tr_groups, const st_dataset *te, double *value,
                            st_error *err)
{
    st_tune_params in = *prm;
    in.cv.groups = tr_groups;
    in.nested_folds = 0;
    in.score_defaults = 0;
    in.progress = NULL, in.progress_data = NULL;
    st_tune_result r;
    memset(&r, 0, sizeof r);
    const double t0 = in.time_budget > 0 ? in.clock(in.clock_data) : 0;
    const size_t n_te = st_dataset_n_rows(te);
    double *p = st__malloc_array(n_te, sizeof *p);
    st_status rc = p == NULL ? st__fail(err, ST_ERR_NOMEM, "out of memory for %zu "
                                        "predictions", n_te)
                             : st__tune_search(tr, &in, t0, &r, err);
    if (rc == ST_OK) {
        st_cv_params cp = st__tune_cv_params(&in, &r.tried[r.best]);
        rc = st_cv_fit_predict(&cp, tr, te, NULL, p, NULL, err);
    }
    if (rc == ST_OK) {
        st_eval_params ep = st_eval_params_default();
        ep.n_bootstrap = 0;
        ep.n_threads = prm->cv.n_threads;
        st_eval ev;
        rc = st_evaluate(p, st_dataset_labels(te), st_dataset_weights(te), n_te, &ep, &ev, err);
        if (rc == ST_OK)
            memcpy(value, ev.value, sizeof ev.value);
    }
    st__free(p);
    st__free(r.fold_of);
    st__free(r.tried);
    return rc;
}

/* The rows of fold f (test) and the others (train), and the training rows' groups. */
static st_status split(const st_dataset *ds, const st_tune_params *prm, const int *fold,
                       int f, size_t *idx, double *groups, st_dataset **tr, st_dataset **te,
                       st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    size_t n_tr = 0, n_te = 0;
    for (size_t i = 0; i < n; i++)
        if (fold[i] != f) {
            if (prm->cv.groups != NULL)
                groups[n_tr] = prm->cv.groups[i];
            idx[n_tr++] = i;
        }
    st_status rc = st_dataset_subset(ds, idx, n_tr, tr, err);
    for (size_t i = 0; i < n; i++)
        if (fold[i] == f)
            idx[n_te++] = i;
    if (rc == ST_OK)
        rc = st_dataset_subset(ds, idx, n_te, te, err);
    return rc;
}

st_status st__tune_nested(const st_dataset *ds, const st_tune_params *prm,
                          st_tune_result *res, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds), K = prm->nested_folds;
    int *fold = st__malloc_array(n, sizeof *fold);
    size_t *idx = st__malloc_array(n, sizeof *idx);
    double *groups = st__malloc_array(n, sizeof *groups);
    double *value = st__malloc_array(K * ST_METRIC_COUNT, sizeof *value);
    double *col = st__malloc_array(K, sizeof *col);
    st_status rc = ST_OK;
    if (fold == NULL || idx == NULL || groups == NULL || value == NULL || col == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for nested folds of %zu rows", n);
    st_folds_params fp = st_folds_params_default();
    fp.n_folds = K;
    fp.seed = prm->cv.seed;
    fp.groups = prm->cv.groups;
    size_t k = 0;
    if (rc == ST_OK)
        rc = st_folds_make(st_dataset_labels(ds), n, &fp, fold, n, &k, err);
    for (size_t f = 0; f < k && rc == ST_OK; f++) {
        st_dataset *tr = NULL, *te = NULL;
        rc = split(ds, prm, fold, (int)f, idx, groups, &tr, &te, err);
        if (rc == ST_OK)
            rc = outer_fold(prm, tr, prm->cv.groups ? groups : NULL, te,
                            value + f * ST_METRIC_COUNT, err);
        st_dataset_free(tr);
        st_dataset_free(te);
        if (rc != ST_OK) {
            st_error inner = *err;
            snprintf(err->message, sizeof err->message, "tune, nested fold %zu of %zu: %.700s",
                     f + 1, k, inner.message[0] ? inner.message : st_status_str(rc));
            err->code = rc;
        } else if (prm->progress != NULL) {
            st_tune_progress p = {ST_TUNE_NESTED_FOLD_DONE, 0, 0, 0, 0, NULL, f, k,
                                  {value[f * ST_METRIC_COUNT + ST_METRIC_ROC_AUC],
                                   value[f * ST_METRIC_COUNT + ST_METRIC_PR_AUC]}, 0, 0};
            prm->progress(&p, prm->progress_data);
        }
    }
    for (int m = 0; m < ST_METRIC_COUNT && rc == ST_OK; m++) {
        for (size_t f = 0; f < k; f++)
            col[f] = value[f * ST_METRIC_COUNT + m];
        res->nested[m] = st__cv_summarise_corrected(col, k, m, k > 1 ? 1 / (double)(k - 1)
                                                                       : 0);
    }
    if (rc == ST_OK)
        res->nested_folds = k;
    st__free(fold);
    st__free(idx);
    st__free(groups);
    st__free(value);
    st__free(col);
    return rc;
}
