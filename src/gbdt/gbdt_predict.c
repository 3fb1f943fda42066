/* Gradient-boosted trees: prediction. A row's raw score is the initial score plus each
 * tree's leaf value, added in tree order (the same sums training made, so training scores
 * and predictions agree to the bit); the probability is 1 / (1 + e^-score). For a dataset,
 * the model's features are found by name and categorical levels are translated by text
 * (an unknown level is missing); rows are then predicted in parallel blocks: a block's rows
 * are gathered into a small buffer in the model's feature order and walked through one
 * tree after the other (a compact copy of the trees, gbdt_flat.h), so that each tree stays
 * in cache while the block goes through it. Every row still adds its trees in tree order,
 * so the results do not depend on the block size or the thread count. */
#include "gbdt_model.h"
#include "gbdt_flat.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"
#include "data/category_dict.h"
#include "data/dataset_impl.h"

/* Rows gathered per block in batch prediction: 128 rows of 28 features are 14 KB of
 * floats, which leaves room in L1 for a tree (31 leaves: 360 bytes of flat nodes). */
#define PREDICT_BLOCK 128

/* The probability goes through the model's calibration map, if any. */
static double finish(const st_gbdt *m, double score, st_gbdt_output kind)
{
    return kind == ST_GBDT_RAW_SCORE ? score
                                     : st_calibration_apply(m->post.cal, 1 / (1 + exp(-score)));
}

double st_gbdt_predict_row(const st_gbdt *m, const float *x, st_gbdt_output kind)
{
    if (m == NULL || x == NULL)
        return NAN;
    double s = m->init_score;
    for (size_t t = 0; t < m->n_trees; t++)
        s += st__gbdt_tree_value(m, t, x);
    return finish(m, s, kind);
}


typedef st__gbdt_columns column_map; /* gbdt_impl.h */

static void map_free(column_map *cm)
{
    for (size_t j = 0; cm->owned != NULL && j < cm->n_owned; j++) {
        st__free(cm->owned[j]);
        st__free(cm->owned_zeros[j]);
    }
    st__free(cm->owned);
    st__free(cm->owned_zeros);
    st__free(cm->col);
    st__free(cm->map_off);
    st__free(cm->map);
    st__free(cm->zeros);
    st__free(cm->absent);
}

/* Dataset column of model feature f, or, for a LibSVM dataset that never mentions it (see
 * stratum/dataset.h), cm->absent: a column of zeros, every entry absent. -2: not found. */
static long find_column(const st__gbdt_feature *f, const st_dataset *ds)
{
    long src = st_dataset_find_feature(ds, f->name);
    if (src < 0 && f->type == ST_FEATURE_NUMERIC && st_dataset_libsvm_unmentioned(ds, f->name))
        return -1;
    return src >= 0 ? src : -2;
}

/* Sparse dataset column src of model feature j, copied dense into cm->owned[j] (with
 * absent_missing, its entries holding 0 into cm->owned_zeros[j]). -1: out of memory. */
static int copy_sparse(column_map *cm, const st_dataset *ds, size_t j, size_t src)
{
    const size_t n = st_dataset_n_rows(ds);
    const uint32_t *rows;
    const float *values;
    size_t n_entries;
    if ((cm->owned[j] = st__malloc_array(n ? n : 1, sizeof *cm->owned[j])) == NULL ||
        st_dataset_feature_copy(ds, src, cm->owned[j], NULL) != ST_OK)
        return -1;
    cm->col[j] = cm->owned[j];
    if (!cm->absent_missing)
        return 0;
    st_dataset_feature_entries(ds, src, &rows, &values, &n_entries, NULL);
    if ((cm->owned_zeros[j] = st__calloc((n + 31) / 32 + 1, sizeof(uint32_t))) == NULL)
        return -1;
    for (size_t e = 0; e < n_entries; e++)
        if (values[e] == 0)
            cm->owned_zeros[j][rows[e] / 32] |= 1u << (rows[e] % 32);
    cm->zeros[j] = cm->owned_zeros[j];
    return 0;
}

static st_status map_columns(const st_gbdt *m, const st_dataset *ds, column_map *cm,
                             st_error *err)
{
    const size_t nf = m->n_features ? m->n_features : 1, n_rows = st_dataset_n_rows(ds);
    cm->col = st__calloc(nf, sizeof *cm->col);
    cm->map_off = st__calloc(nf + 1, sizeof *cm->map_off);
    /* XGBoost's rule on LibSVM rows: an absent entry is missing (stratum/gbdt.h) */
    cm->absent_missing = m->absent_missing && st_dataset_is_libsvm(ds);
    if (cm->absent_missing)
        cm->zeros = st__calloc(nf, sizeof *cm->zeros);
    cm->owned = st__calloc(nf, sizeof *cm->owned);
    cm->owned_zeros = st__calloc(nf, sizeof *cm->owned_zeros);
    cm->n_owned = cm->owned != NULL && cm->owned_zeros != NULL ? nf : 0;
    if (cm->col == NULL || cm->map_off == NULL || (cm->absent_missing && cm->zeros == NULL) ||
        cm->n_owned == 0)
        return st__fail(err, ST_ERR_NOMEM, "out of memory matching the model's columns");
    size_t total = 0;
    for (size_t j = 0; j < m->n_features; j++) {
        const st__gbdt_feature *f = &m->features[j];
        long src = find_column(f, ds);
        if (src == -2)
            return st__fail(err, ST_ERR_DATA, "feature '%s' of the model is not in the "
                            "dataset", f->name);
        cm->map_off[j] = total;
        if (src == -1) {
            if (cm->absent == NULL &&
                (cm->absent = st__calloc(n_rows ? n_rows : 1, sizeof *cm->absent)) == NULL)
                return st__fail(err, ST_ERR_NOMEM, "out of memory matching the model's "
                                "columns");
            cm->col[j] = cm->absent;
            continue;
        }
        if (st_dataset_feature_type(ds, (size_t)src) != f->type)
            return st__dataset_type_mismatch(ds, (size_t)src, f->type, err);
        cm->col[j] = st_dataset_feature_values(ds, (size_t)src);
        if (cm->absent_missing)
            cm->zeros[j] = st__dataset_zero_entries(ds, (size_t)src);
        if (cm->col[j] == NULL && copy_sparse(cm, ds, j, (size_t)src) != 0)
            return st__fail(err, ST_ERR_NOMEM, "out of memory for a dense copy of feature "
                            "'%s' (%zu rows)", f->name, n_rows);
        if (f->type == ST_FEATURE_CATEGORICAL)
            total += st_dataset_n_levels(ds, (size_t)src);
    }
    cm->map_off[m->n_features] = total;
    if ((cm->map = st__malloc_array(total ? total : 1, sizeof *cm->map)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory matching the model's levels");
    for (size_t j = 0; j < m->n_features; j++) {
        const st__gbdt_feature *f = &m->features[j];
        if (f->type != ST_FEATURE_CATEGORICAL)
            continue;
        const size_t src = (size_t)st_dataset_find_feature(ds, f->name);
        for (size_t k = 0; k < cm->map_off[j + 1] - cm->map_off[j]; k++) {
            long c = st__level_index(f->levels, f->n_levels, st_dataset_level(ds, src, k));
            cm->map[cm->map_off[j] + k] = c >= 0 ? (float)c : NAN;
        }
    }
    return ST_OK;
}

/* Rows [i0, i1) of the dataset (at most PREDICT_BLOCK), gathered into x; scores: room for
 * PREDICT_BLOCK sums. */
static void predict_block(const st_gbdt *m, const st__gbdt_flat_node *flat,
                          const column_map *cm, size_t i0, size_t i1, st_gbdt_output kind,
                          float *x, double *scores, double *out)
{
    const size_t n = i1 - i0, nf = m->n_features;
    for (size_t i = 0; i < n; i++) {
        st__gbdt_columns_row(m, cm, i0 + i, x + i * nf);
        scores[i] = m->init_score;
    }
    for (size_t t = 0; t < m->n_trees; t++)
        st__gbdt_flat_add_tree(m, flat, t, x, n, scores);
    for (size_t i = 0; i < n; i++)
        out[i0 + i] = finish(m, scores[i], kind);
}

void st__gbdt_columns_row(const st_gbdt *m, const st__gbdt_columns *cm, size_t i, float *x)
{
    for (size_t j = 0; j < m->n_features; j++) {
        float v = cm->col[j][i];
        if (m->features[j].type == ST_FEATURE_CATEGORICAL && v == v)
            v = cm->map[cm->map_off[j] + (size_t)v];
        else if (v == 0 && cm->absent_missing &&
                 !(cm->zeros[j] != NULL && ((cm->zeros[j][i / 32] >> (i % 32)) & 1u)))
            v = NAN; /* an absent LibSVM entry, missing to this model */
        x[j] = v;
    }
}

st_status st__gbdt_columns_map(const st_gbdt *m, const st_dataset *ds, st__gbdt_columns *cm,
                               st_error *err)
{
    return map_columns(m, ds, cm, err);
}

void st__gbdt_columns_free(st__gbdt_columns *cm)
{
    map_free(cm);
}

st_status st_gbdt_predict(const st_gbdt *m, const st_dataset *ds, st_gbdt_output kind,
                          int n_threads, double *out, size_t n_out, st_error *err)
{
    if (m == NULL || ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_predict: %s is NULL",
                        m == NULL ? "model" : ds == NULL ? "dataset" : "out");
    const size_t n = st_dataset_n_rows(ds);
    if (n_out < n)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_predict: out has room for %zu "
                        "values, the dataset has %zu rows", n_out, n);
    if (kind != ST_GBDT_PROBABILITY && kind != ST_GBDT_RAW_SCORE)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_predict: unknown output kind %d",
                        (int)kind);
    if (n_threads < 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_predict: n_threads is negative");
    const int nt = st__n_threads(n_threads);
    column_map cm = {0};
    const size_t width = m->n_features ? m->n_features : 1;
    int ovf = 0;
    const size_t n_x = st__mul_size(st__mul_size((size_t)nt, PREDICT_BLOCK, &ovf), width, &ovf);
    float *x = ovf ? NULL : st__malloc_array(n_x, sizeof *x);
    double *scores = st__malloc_array((size_t)nt * PREDICT_BLOCK, sizeof *scores);
    st__gbdt_flat_node *flat = st__gbdt_flat_build(m);
    st_status rc = x == NULL || scores == NULL || flat == NULL
                       ? st__fail(err, ST_ERR_NOMEM, "out of memory for prediction")
                       : map_columns(m, ds, &cm, err);
    if (rc == ST_OK) {
        const long n_blocks = (long)((n + PREDICT_BLOCK - 1) / PREDICT_BLOCK);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 2) if (nt > 1 && n > 1024)
        for (long bl = 0; bl < n_blocks; bl++) {
            const size_t i0 = (size_t)bl * PREDICT_BLOCK;
            const size_t i1 = i0 + PREDICT_BLOCK < n ? i0 + PREDICT_BLOCK : n;
            const size_t me = (size_t)omp_get_thread_num();
            predict_block(m, flat, &cm, i0, i1, kind, x + me * PREDICT_BLOCK * width,
                          scores + me * PREDICT_BLOCK, out);
        }
    }
    map_free(&cm);
    st__free(flat);
    st__free(scores);
    st__free(x);
    return rc;
}

st_status st__gbdt_gather_rows(const st_gbdt *m, const st_dataset *ds, float *x,
                               st_error *err)
{
    column_map cm = {0};
    st_status rc = map_columns(m, ds, &cm, err);
    const size_t n = st_dataset_n_rows(ds), nf = m->n_features;
    for (size_t i = 0; rc == ST_OK && i < n; i++)
        st__gbdt_columns_row(m, &cm, i, x + i * nf);
    map_free(&cm);
    return rc;
}
