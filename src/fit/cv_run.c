/* Cross-validation at one setting (stratum/cv.h: st_cv_run): checks the parameters, makes
 * the folds, runs them in order (each fold in cv_fold.c) and fills the result with the
 * out-of-fold predictions and each metric's summary over the folds. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "cv_impl.h"

st_cv_params st_cv_params_default(void)
{
    st_cv_params p;
    memset(&p, 0, sizeof p);
    p.family = ST_CV_LOGREG;
    p.logreg = st_logreg_params_default();
    p.gbdt = st_gbdt_params_default();
    p.n_folds = 5;
    p.n_repeats = 1;
    p.seed = ST_DEFAULT_SEED;
    p.eval = st_eval_params_default();
    p.eval.n_bootstrap = 0;
    p.threshold_folds = 3;
    p.text = st_text_options_default();
    return p;
}

void st_cv_result_free(st_cv_result *res)
{
    if (res == NULL)
        return;
    st__free(res->folds);
    st__free(res->fold_of);
    st__free(res->oof);
    st__free(res);
}

/* A new result for ds with the folds made. */
static st_status new_result(const st_dataset *ds, const st_cv_params *p, st_cv_result **out,
                            st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    st_cv_result *res = st__calloc(1, sizeof *res);
    if (res == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for cross-validation of %zu rows", n);
    res->family = p->family;
    res->n_rows = n;
    res->n_repeats = p->fold_ids != NULL ? 1 : p->n_repeats;
    int overflow = 0;
    size_t nr = st__mul_size(n ? n : 1, res->n_repeats, &overflow);
    res->fold_of = overflow ? NULL : st__malloc_array(nr, sizeof *res->fold_of);
    res->oof = overflow ? NULL : st__malloc_array(nr, sizeof *res->oof);
    if (res->fold_of == NULL || res->oof == NULL) {
        st_cv_result_free(res);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for cross-validation of %zu rows", n);
    }
    st_status rc = st__cv_folds(ds, p, res->fold_of, &res->n_folds, err);
    if (rc == ST_OK && (res->folds = st__calloc(res->n_folds * res->n_repeats,
                                                 sizeof *res->folds)) == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for %zu folds", res->n_folds);
    if (rc != ST_OK) {
        st_cv_result_free(res);
        return rc;
    }
    *out = res;
    return ST_OK;
}

static void tell(const st_cv_params *p, const st_cv_result *res, st_cv_event event, size_t r,
                 size_t f, size_t n_train, size_t n_test, const double *value)
{
    if (p->progress == NULL)
        return;
    st_cv_progress pr = {event, r, f, res->n_repeats, res->n_folds, n_train, n_test, value, 0};
    p->progress(&pr, p->progress_data);
}

/* Fold f of repeat r: its rows, the fold run, its predictions into res->oof. */
static st_status run_fold(const st_dataset *ds, const st_cv_params *p, st__cv_text *text,
                          st_cv_result *res, size_t r, size_t f, size_t *train, size_t *test,
                          double *pred, st_error *err)
{
    const size_t n = res->n_rows;
    const int *fold = res->fold_of + r * n;
    size_t n_train = 0, n_test = 0;
    for (size_t i = 0; i < n; i++) {
        if ((size_t)fold[i] == f)
            test[n_test++] = i;
        else
            train[n_train++] = i;
    }
    tell(p, res, ST_CV_FOLD_START, r, f, 0, 0, NULL);
    st_cv_fold *fr = &res->folds[r * res->n_folds + f];
    st_status rc = n_test == 0 ? st__fail(err, ST_ERR_DATA, "the test part is empty")
                 : p->should_stop != NULL && p->should_stop(p->should_stop_data)
                 ? st__fail(err, ST_ERR_CANCELLED, "stopped by should_stop before the fold")
                 : st__cv_fold(ds, p, text, r, f, train, n_train, test, n_test, pred, fr, err);
    if (rc != ST_OK) {
        st_error inner = *err;
        snprintf(err->message, sizeof err->message, "%s, fold %zu of repeat %zu: %.700s",
                 st__cv_family_name(p->family), f + 1, r + 1,
                 inner.message[0] ? inner.message : st_status_str(rc));
        err->code = rc;
        return rc;
    }
    for (size_t i = 0; i < n_test; i++)
        res->oof[r * n + test[i]] = pred[i];
    tell(p, res, ST_CV_FOLD_DONE, r, f, n_train, n_test, fr->value);
    return ST_OK;
}

/* Each metric and the threshold over all folds. */
static st_status summarise(st_cv_result *res, st_error *err)
{
    (void)err; /* st_cv_summarise_folds gives an empty summary when out of memory */
    const size_t m = res->n_folds * res->n_repeats;
    for (int k = -1; k < ST_METRIC_COUNT; k++) {
        st_cv_summary s = st_cv_summarise_folds(res->folds, m, k);
        if (k < 0)
            res->threshold = s;
        else
            res->summary[k] = s;
    }
    return ST_OK;
}

st_status st_cv_run(const st_dataset *ds, const st_cv_params *prm, st_cv_result **out,
                    st_error *err)
{
    st_error no_err; /* err may be NULL (stratum/common.h); the folds' messages need one */
    if (err == NULL)
        err = &no_err;
    if (out != NULL)
        *out = NULL;
    if (out == NULL || ds == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_run: ds and out must not be NULL");
    st_cv_params p = prm != NULL ? *prm : st_cv_params_default();
    char why[256];
    if (st__cv_check(ds, &p, why, sizeof why) != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_run: %s", why);
    st_cv_result *res = NULL;
    st_status rc = new_result(ds, &p, &res, err);
    if (rc != ST_OK)
        return rc;
    const size_t n = res->n_rows;
    size_t *train = st__malloc_array(n, sizeof *train), *test = st__malloc_array(n, sizeof *test);
    double *pred = st__malloc_array(n, sizeof *pred);
    st__cv_text text;
    memset(&text, 0, sizeof text);
    if (train == NULL || test == NULL || pred == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for cross-validation of %zu rows", n);
    for (size_t r = 0; rc == ST_OK && r < res->n_repeats; r++)
        for (size_t f = 0; rc == ST_OK && f < res->n_folds; f++)
            rc = run_fold(ds, &p, &text, res, r, f, train, test, pred, err);
    if (rc == ST_OK)
        rc = summarise(res, err);
    st__cv_text_free(&text);
    st__free(train), st__free(test), st__free(pred);
    if (rc != ST_OK) {
        st_cv_result_free(res);
        return rc;
    }
    *out = res;
    return ST_OK;
}
