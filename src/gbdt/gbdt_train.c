/* Gradient-boosted trees from an in-memory dataset (st_gbdt_train, st_gbdt_train_ex): the
 * checks on the dataset, its bins and its schema, then the training core
 * (gbdt_boost.c) on all of its rows in one process. */
#include "gbdt_train_core.h"

#include "core/error.h"
#include "core/parallel.h"

st_status st__gbdt_train_fixed(const st_dataset *ds, const st_dataset *valid,
                           const st_gbdt_params *prm_in, const st_gbdt_train_callbacks *cb,
                           st_gbdt **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: %s is NULL",
                        ds == NULL ? "dataset" : "out");
    const st_gbdt_params prm = prm_in != NULL ? *prm_in : st_gbdt_params_default();
    const char *why = st_gbdt_params_check(&prm);
    if (why != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: %s", why);
    st_status rc = st_dataset_check_trainable(ds, err);
    if (rc != ST_OK)
        return rc;
    st__gbdt_schema schema = {0};
    if ((rc = st__gbdt_schema_from_dataset(ds, &schema, err)) != ST_OK ||
        (rc = st__gbdt_monotone_check(&schema, prm.monotone, err)) != ST_OK) {
        st__gbdt_schema_free(&schema);
        return rc;
    }
    const size_t n = st_dataset_n_rows(ds);
    if (n >= UINT32_MAX) {
        st__gbdt_schema_free(&schema);
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train: %zu rows; at most %u are "
                        "supported", n, UINT32_MAX - 1);
    }
    st__gbdt_bins bins = {0};
    if ((rc = st__gbdt_bins_build(ds, &prm, st__n_threads(prm.n_threads), &bins, err)) ==
        ST_OK) {
        const st__gbdt_train_data d = {.schema = &schema, .bins = &bins, .n_rows = n,
                                       .row0 = 0, .n_rows_global = n,
                                       .y = st_dataset_labels(ds),
                                       .w = st_dataset_weights(ds), .reducer = NULL};
        rc = st__gbdt_train_core(&d, valid, &prm, cb, out, err);
    }
    if (rc == ST_OK && ((rc = st__row_sketch_build(ds, st__n_threads(prm.n_threads),
                                                   &(*out)->sketch, err)) != ST_OK ||
                        (rc = st__post_set_positive_class(&(*out)->post, ds, err)) != ST_OK)) {
        st_gbdt_free(*out);
        *out = NULL;
    }
    st__gbdt_bins_free(&bins);
    st__gbdt_schema_free(&schema);
    return rc;
}
