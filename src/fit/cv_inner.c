/* Cross-validation: the out-of-fold predictions of an inner cross-validation of a training
 * part (st_cv_oof), on which a threshold rule is applied without the test fold. */
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "cv_impl.h"

/* Fits the rows outside fold f of fold[] and writes the predictions of fold f's rows into
 * oof. train and test have room for n rows. */
static st_status inner_fold(const st_cv_params *prm, st__cv_text *text, const st_dataset *ds,
                            const int *fold, size_t f, size_t *train, size_t *test, double *p,
                            double *oof, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    size_t n_train = 0, n_test = 0;
    for (size_t i = 0; i < n; i++) {
        if ((size_t)fold[i] == f)
            test[n_test++] = i;
        else
            train[n_train++] = i;
    }
    st_dataset *tr = NULL, *te = NULL;
    st_status rc = st_dataset_subset(ds, train, n_train, &tr, err);
    if (rc == ST_OK)
        rc = st_dataset_subset(ds, test, n_test, &te, err);
    if (rc == ST_OK)
        rc = st__cv_fit_predict(prm, text, tr, te, NULL, p, NULL, err);
    if (rc == ST_OK)
        for (size_t i = 0; i < n_test; i++)
            oof[test[i]] = p[i];
    st_dataset_free(tr);
    st_dataset_free(te);
    return rc;
}

st_status st__cv_oof(const st_cv_params *prm, st__cv_text *text, const st_dataset *ds,
                     size_t folds, const char *folds_name, unsigned long long seed,
                     double *oof, int *fold_out, size_t *n_folds_out, st_error *err)
{
    memset(err, 0, sizeof *err);
    const size_t n = st_dataset_n_rows(ds);
    int *fold = st__malloc_array(n ? n : 1, sizeof *fold);
    size_t *train = st__malloc_array(n ? n : 1, sizeof *train);
    size_t *test = st__malloc_array(n ? n : 1, sizeof *test);
    double *p = st__malloc_array(n ? n : 1, sizeof *p);
    st_status rc = ST_OK;
    if (fold == NULL || train == NULL || test == NULL || p == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the inner cross-validation of %zu "
                      "rows", n);
    st_folds_params fp = st_folds_params_default();
    fp.n_folds = folds;
    fp.seed = seed;
    fp.groups = prm->groups;
    size_t n_folds = 0;
    if (rc == ST_OK) {
        rc = st_folds_make(st_dataset_labels(ds), n, &fp, fold, n, &n_folds, err);
        if (rc != ST_OK) {
            st_error inner = *err;
            snprintf(err->message, sizeof err->message, "inner cross-validation "
                     "(%s = %zu): %.600s", folds_name, folds, inner.message);
        }
    }
    for (size_t f = 0; rc == ST_OK && f < n_folds; f++) {
        rc = prm->should_stop != NULL && prm->should_stop(prm->should_stop_data)
           ? st__fail(err, ST_ERR_CANCELLED, "stopped by should_stop before the fold")
           : inner_fold(prm, text, ds, fold, f, train, test, p, oof, err);
        if (rc != ST_OK) {
            st_error inner = *err;
            snprintf(err->message, sizeof err->message, "inner cross-validation, fold %zu of "
                     "%zu: %.600s", f + 1, n_folds, inner.message[0] ? inner.message
                     : st_status_str(rc));
        }
    }
    if (rc == ST_OK && fold_out != NULL)
        memcpy(fold_out, fold, n * sizeof *fold);
    if (rc == ST_OK && n_folds_out != NULL)
        *n_folds_out = n_folds;
    st__free(fold), st__free(train), st__free(test), st__free(p);
    return rc;
}

st_status st_cv_oof(const st_cv_params *prm, const st_dataset *ds, size_t folds,
                    unsigned long long seed, double *oof, st_error *err)
{
    st_error no_err; /* err may be NULL (stratum/common.h); the folds' messages need one */
    if (err == NULL)
        err = &no_err;
    if (prm == NULL || ds == NULL || oof == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_oof: prm, ds and oof must not be NULL");
    if (prm->n_text_cols > ST__CV_MAX_TEXT_COLS || (prm->n_text_cols && !prm->text_cols))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_oof: n_text_cols %zu: expected at most "
                        "%d names in text_cols", prm->n_text_cols, ST__CV_MAX_TEXT_COLS);
    st__cv_text text;
    memset(&text, 0, sizeof text);
    st_status rc = st__cv_oof(prm, &text, ds, folds, "st_cv_oof's folds", seed, oof, NULL,
                              NULL, err);
    st__cv_text_free(&text);
    return rc;
}
