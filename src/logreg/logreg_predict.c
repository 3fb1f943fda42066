/* Prediction with a logistic regression model on a dataset whose columns may be in any
 * order: features are found by name and categorical levels by text, so a model trained on
 * one file predicts on another. The sum runs over the original-scale coefficients, so no
 * standardisation is needed here. */
#include "logreg_impl.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "data/dataset_impl.h"
#include "data/category_dict.h"
#include "data/dataset_column.h"


/* Adds feature f's contribution, read from dataset column v, to eta. map (categorical
 * only) takes a dataset level code to the model's level or -1. */
static void add_feature(const st_logreg *m, const st__lr_feature *f, const float *v,
                        const long *map, size_t n, double *eta)
{
    const double *coef = m->coefs + f->col;
    const double ind = f->indicator >= 0 ? m->coefs[f->indicator] : 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i])) {
            eta[i] += ind + (f->type == ST_FEATURE_NUMERIC ? coef[0] * f->fill : 0);
        } else if (f->type == ST_FEATURE_NUMERIC) {
            eta[i] += coef[0] * v[i];
        } else {
            long k = map[(size_t)v[i]];
            if (k >= 0)
                eta[i] += coef[k];
        }
    }
}

/* add_feature for a numeric model feature that ds stores sparse, from its entries only
 * (an absent entry is 0: nothing to add). Returns 0, adding nothing, when ds's feature of
 * that name is not a sparse numeric one. */
static int add_sparse_feature(const st_logreg *m, const st__lr_feature *f, const st_dataset *ds,
                              double *eta)
{
    const long src = st_dataset_find_feature_at(ds, f->name, (size_t)(f - m->features));
    const uint32_t *rows;
    const float *v;
    size_t nnz;
    if (src < 0 || f->type != ST_FEATURE_NUMERIC ||
        !st_dataset_feature_is_sparse(ds, (size_t)src) ||
        st_dataset_feature_entries(ds, (size_t)src, &rows, &v, &nnz, NULL) != ST_OK)
        return 0;
    const double coef = m->coefs[f->col];
    const double ind = f->indicator >= 0 ? m->coefs[f->indicator] : 0;
    for (size_t e = 0; e < nnz; e++)
        eta[rows[e]] += isnan(v[e]) ? ind + coef * f->fill : coef * v[e];
    return 1;
}

/* Dataset ds's column of model feature f (found by name, of the same type) into *values;
 * for a categorical feature, *map (replaced, caller frees) takes each dataset level code to
 * the model's level, or -1 for a level the model does not know. */
st_status st__lr_feature_column(const st__lr_feature *f, const st_dataset *ds,
                                const float **values, long **map, float **zeros,
                                st_error *err)
{
    /* looked for from its design column on: near there when ds is laid out as the data
     * the model was trained on (a text model's many term columns, one search each) */
    const long src = st_dataset_find_feature_at(ds, f->name, f->col);
    const size_t n = st_dataset_n_rows(ds);
    /* *zeros: n zeros, then room for a sparse column's dense copy */
    if (*zeros == NULL && ((src < 0 && f->type == ST_FEATURE_NUMERIC) ||
                           st_dataset_feature_is_sparse(ds, (size_t)src)) &&
        (*zeros = st__calloc(n ? 2 * n : 2, sizeof **zeros)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu rows", n);
    if (src < 0 && f->type == ST_FEATURE_NUMERIC && st_dataset_libsvm_unmentioned(ds, f->name)) {
        *values = *zeros;
        return ST_OK;
    }
    if (src < 0)
        return st__fail(err, ST_ERR_DATA, "feature '%s' of the model is not in the dataset",
                        f->name);
    if (st_dataset_feature_type(ds, (size_t)src) != f->type)
        return st__dataset_type_mismatch(ds, (size_t)src, f->type, err);
    if (f->type == ST_FEATURE_CATEGORICAL) {
        const size_t k = st_dataset_n_levels(ds, (size_t)src);
        st__free(*map);
        if ((*map = st__malloc_array(k ? k : 1, sizeof **map)) == NULL)
            return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu levels", k);
        for (size_t l = 0; l < k; l++)
            (*map)[l] = st__level_index(f->levels, f->n_levels,
                                        st_dataset_level(ds, (size_t)src, l));
    }
    *values = st__column_values(ds, (size_t)src, *zeros + n);
    return ST_OK;
}

st_status st_logreg_predict(const st_logreg *m, const st_dataset *ds, double *out,
                            size_t n_out, st_error *err)
{
    if (m == NULL || ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_predict: %s is NULL",
                        m == NULL ? "model" : ds == NULL ? "dataset" : "out");
    const size_t n = st_dataset_n_rows(ds);
    if (n_out < n)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_predict: out has room for %zu "
                        "values, the dataset has %zu rows", n_out, n);
    for (size_t i = 0; i < n; i++)
        out[i] = m->intercept;
    long *map = NULL;
    float *zeros = NULL;
    for (size_t j = 0; j < m->n_features; j++) {
        const st__lr_feature *f = &m->features[j];
        if (add_sparse_feature(m, f, ds, out))
            continue;
        const float *v;
        st_status rc = st__lr_feature_column(f, ds, &v, &map, &zeros, err);
        if (rc != ST_OK) {
            st__free(map);
            st__free(zeros);
            return rc;
        }
        add_feature(m, f, v, map, n, out);
    }
    st__free(map);
    st__free(zeros);
    for (size_t i = 0; i < n; i++)
        out[i] = out[i] >= 0 ? 1 / (1 + exp(-out[i])) : exp(out[i]) / (1 + exp(out[i]));
    if (m->post.cal != NULL) /* the model's calibration map (stratum/calibration.h) */
        for (size_t i = 0; i < n; i++)
            out[i] = st_calibration_apply(m->post.cal, out[i]);
    return ST_OK;
}
