/* src/fit/: the training entry points over a data source (stratum/fit.h), and
 * cross-validation of either family (stratum/cv.h, cv_*.c, map in cv_impl.h), and the
 * explanation of a model's predictions (stratum/explain.h, explain_impl.h). This folder
 * owns the choice of trainer for the form the rows come in and the folds around the
 * trainers; it calls gbdt/, logreg/, binned/, text/ and eval/ through their public
 * functions (and data/'s columns for a row's values, explain_values.c); nothing calls it
 * but report/, the program and embedding applications. */
#include <stratum/fit.h>

#include <stddef.h>

#include "core/error.h"

st_train_source st_source_dataset(const st_dataset *ds)
{
    st_train_source s = {ST_SOURCE_DATASET, ds, NULL, NULL};
    return s;
}

st_train_source st_source_binned(const st_binned *b)
{
    st_train_source s = {ST_SOURCE_BINNED, NULL, b, NULL};
    return s;
}

st_train_source st_source_dataset_binned(const st_dataset *ds, const st_binned *bins)
{
    st_train_source s = {ST_SOURCE_DATASET_BINNED, ds, bins, NULL};
    return s;
}

/* The source's kind is known and it has what that kind needs. */
static st_status check_source(const st_train_source *src, const char *fn, st_error *err)
{
    if (src == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: source is NULL", fn);
    switch (src->kind) {
    case ST_SOURCE_DATASET:
        if (src->dataset == NULL)
            return st__fail(err, ST_ERR_INVALID_ARG, "%s: a dataset source without a dataset",
                            fn);
        return ST_OK;
    case ST_SOURCE_BINNED:
        if (src->binned == NULL)
            return st__fail(err, ST_ERR_INVALID_ARG,
                            "%s: a binned-file source without a binned file", fn);
        return ST_OK;
    case ST_SOURCE_DATASET_BINNED:
        if (src->dataset == NULL || src->binned == NULL)
            return st__fail(err, ST_ERR_INVALID_ARG, "%s: a dataset-on-bins source needs "
                            "both a dataset and a binned file", fn);
        return ST_OK;
    }
    return st__fail(err, ST_ERR_INVALID_ARG, "%s: unknown source kind %d", fn, (int)src->kind);
}

st_status st_gbdt_fit(const st_train_source *src, const st_gbdt_params *prm,
                      const st_gbdt_train_callbacks *cb, st_gbdt **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    st_status rc = check_source(src, "st_gbdt_fit", err);
    if (rc != ST_OK)
        return rc;
    switch (src->kind) {
    case ST_SOURCE_BINNED:
        return st_gbdt_train_binned(src->binned, src->valid, prm, cb, out, err);
    case ST_SOURCE_DATASET_BINNED:
        return st_gbdt_train_with_bins(src->dataset, src->binned, src->valid, prm, cb, out,
                                       err);
    default:
        return st_gbdt_train_ex(src->dataset, src->valid, prm, cb, out, err);
    }
}

st_status st_logreg_fit(const st_train_source *src, const st_logreg_params *prm,
                        st_logreg **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    st_status rc = check_source(src, "st_logreg_fit", err);
    if (rc != ST_OK)
        return rc;
    if (src->valid != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_fit: logistic regression takes "
                        "no validation set (to choose lambda, fit the path: st_logreg_path_fit)");
    switch (src->kind) {
    case ST_SOURCE_BINNED:
        return st_logreg_train_binned(src->binned, prm, out, err);
    case ST_SOURCE_DATASET_BINNED:
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_fit: logistic regression trains "
                        "on raw values, not on bins: use a dataset or a binned file made "
                        "with raw values");
    default:
        return st_logreg_train(src->dataset, prm, out, err);
    }
}
