/* Training boosted trees on a binned file: on its mapping (st_gbdt_train_binned), or on
 * an in-memory dataset binned with the file's bins (st_gbdt_train_with_bins). Both give
 * the training core (gbdt_train_core.h) the file's schema and bins, so on the same rows
 * they train the same model. */
#include "stb_impl.h"

#include <string.h>

#include "core/alloc.h"
#include "data/category_dict.h"
#include "core/error.h"
#include "core/parallel.h"
#include "data/dataset_column.h"

/* The parameters as the file's bins were made: the model records these. */
static st_gbdt_params file_params(const st_binned *b, const st_gbdt_params *prm_in)
{
    st_gbdt_params prm = prm_in != NULL ? *prm_in : st_gbdt_params_default();
    prm.max_bin = b->meta.max_bin;
    prm.max_cat_levels = b->meta.max_cat_levels;
    return prm;
}

static st_status check_classes(const float *y, size_t n, st_error *err)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++)
        pos += y[i] != 0;
    if (pos == 0 || pos == n)
        return st__fail(err, ST_ERR_DATA, "the training rows hold only %s labels; expected "
                        "both classes", pos == 0 ? "negative" : "positive");
    return ST_OK;
}

st_status st_gbdt_train_binned(const st_binned *b, const st_dataset *valid,
                               const st_gbdt_params *prm_in, const st_gbdt_train_callbacks *cb,
                               st_gbdt **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (b == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train_binned: %s is NULL",
                        b == NULL ? "the binned file" : "out");
    const st_gbdt_params prm = file_params(b, prm_in);
    st_status rc = check_classes(b->labels, b->meta.n_rows, err);
    if (rc != ST_OK)
        return rc;
    const st__gbdt_train_data d = {
        .schema = &b->schema,
        .bins = &b->bins,
        .n_rows = b->meta.n_rows,
        .row0 = 0,
        .n_rows_global = b->meta.n_rows,
        .y = b->labels,
        .w = b->weights,
        .reducer = NULL,
    };
    rc = st__gbdt_train_core(&d, valid, &prm, cb, out, err);
    if (rc == ST_OK && (rc = st__post_set_positive_texts(&(*out)->post, b->meta.class_name[1],
                                                         b->meta.class_name[0], err)) != ST_OK) {
        st_gbdt_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Feature j of the file in ds: its column and, for a categorical one, the file's level
 * index of each dataset level (map, n_levels(ds) entries). */
static st_status match_feature(const st_dataset *ds, const st_binned *b, size_t j, long *col,
                               float **map, st_error *err)
{
    const char *name = b->meta.names[j];
    *map = NULL;
    *col = st_dataset_find_feature(ds, name);
    if (*col < 0)
        return st__fail(err, ST_ERR_DATA, "the dataset has no feature '%s' of the binned file",
                        name);
    const size_t c = (size_t)*col;
    if ((int)st_dataset_feature_type(ds, c) != (int)b->meta.type[j])
        return st__fail(err, ST_ERR_DATA, "feature '%s' is %s in the dataset but %s in the "
                        "binned file", name,
                        st_dataset_feature_type(ds, c) == ST_FEATURE_CATEGORICAL ? "categorical" : "numeric",
                        b->meta.type[j] ? "categorical" : "numeric");
    if (b->meta.type[j] != ST_FEATURE_CATEGORICAL)
        return ST_OK;
    const size_t k = st_dataset_n_levels(ds, c);
    if ((*map = st__malloc_array(k ? k : 1, sizeof **map)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory matching levels of '%s'", name);
    for (size_t l = 0; l < k; l++) {
        const long at = st__level_index(b->meta.levels[j], b->meta.n_levels[j],
                                        st_dataset_level(ds, c, l));
        if (at < 0)
            return st__fail(err, ST_ERR_DATA, "level '%s' of feature '%s' is not in the binned "
                            "file's levels", st_dataset_level(ds, c, l), name);
        (*map)[l] = (float)at;
    }
    return ST_OK;
}

/* Codes of ds's rows into bins (allocated), with the file's bounds and level bins. */
static st_status code_dataset(const st_dataset *ds, const st_binned *b, st__gbdt_bins *bins,
                              st_error *err)
{
    const size_t n = st_dataset_n_rows(ds), nf = b->meta.n_features;
    int ovf = 0;
    const size_t cells = st__mul_size(n ? n : 1, nf, &ovf);
    const size_t cw = bins->wide ? 2 : 1;
    void *codes = ovf ? NULL : st__malloc_array(cells, cw);
    void *cols = ovf ? NULL : st__malloc_array(cells, cw);
    float *tmp = st__malloc_array(n ? n : 1, sizeof *tmp);
    st_status rc = ST_OK;
    if (codes == NULL || cols == NULL || tmp == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory binning %zu rows x %zu features", n, nf);
        goto done;
    }
    for (size_t j = 0; j < nf && rc == ST_OK; j++) {
        long c;
        float *map = NULL;
        if ((rc = match_feature(ds, b, j, &c, &map, err)) == ST_OK) {
            /* a sparse column is copied into tmp, then read in place */
            const float *x = st__column_values(ds, (size_t)c, tmp);
            for (size_t i = 0; i < n; i++)
                tmp[i] = map != NULL && x[i] == x[i] ? map[(size_t)x[i]] : x[i];
            for (size_t i = 0; i < n; i++) {
                const uint16_t code = st__gbdt_bin_of(bins, j, tmp[i]);
                if (bins->wide)
                    ((uint16_t *)codes)[i * nf + j] = ((uint16_t *)cols)[j * n + i] = code;
                else
                    ((uint8_t *)codes)[i * nf + j] = ((uint8_t *)cols)[j * n + i] = (uint8_t)code;
            }
        }
        st__free(map);
    }
done:
    st__free(tmp);
    if (rc != ST_OK) {
        st__free(codes);
        st__free(cols);
        return rc;
    }
    if (bins->wide) {
        bins->codes16 = codes;
        bins->cols16 = cols;
    } else {
        bins->codes = codes;
        bins->cols = cols;
    }
    return ST_OK;
}

st_status st_gbdt_train_with_bins(const st_dataset *ds, const st_binned *b,
                                  const st_dataset *valid, const st_gbdt_params *prm_in,
                                  const st_gbdt_train_callbacks *cb, st_gbdt **out,
                                  st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (ds == NULL || b == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train_with_bins: %s is NULL",
                        ds == NULL ? "dataset" : b == NULL ? "the binned file" : "out");
    st_status rc = st_dataset_check_trainable(ds, err);
    if (rc != ST_OK)
        return rc;
    if (st_dataset_n_features(ds) != b->meta.n_features)
        return st__fail(err, ST_ERR_DATA, "the dataset has %zu features; the binned file %zu",
                        st_dataset_n_features(ds), b->meta.n_features);
    const st_gbdt_params prm = file_params(b, prm_in);
    /* the file's bounds and level bins, borrowed; only the codes are ours */
    st__gbdt_bins bins = b->bins;
    bins.codes = bins.cols = NULL;
    bins.codes16 = bins.cols16 = NULL;
    bins.n_rows = st_dataset_n_rows(ds);
    if ((rc = code_dataset(ds, b, &bins, err)) != ST_OK)
        return rc;
    const st__gbdt_train_data d = {
        .schema = &b->schema,
        .bins = &bins,
        .n_rows = bins.n_rows,
        .row0 = 0,
        .n_rows_global = bins.n_rows,
        .y = st_dataset_labels(ds),
        .w = st_dataset_weights(ds),
        .reducer = NULL,
    };
    rc = st__gbdt_train_core(&d, valid, &prm, cb, out, err);
    st__free(bins.codes);
    st__free(bins.cols);
    st__free(bins.codes16);
    st__free(bins.cols16);
    if (rc == ST_OK && ((rc = st__row_sketch_build(ds, st__n_threads(prm.n_threads),
                                                   &(*out)->sketch, err)) != ST_OK ||
                        (rc = st__post_set_positive_class(&(*out)->post, ds, err)) != ST_OK)) {
        st_gbdt_free(*out);
        *out = NULL;
    }
    return rc;
}
