/* Gradient-boosted trees: prediction. A row's raw score is the initial score plus each
 * tree's leaf value, added in tree order (the same sums training made, so training scores
 * and predictions agree to the bit); the probability is 1 / (1 + e^-score). For a dataset,
 * the model's features are found by name and categorical levels are translated by text
 * (an unknown level is missing); rows are then predicted in parallel blocks: a block's rows
 * are gathered into a small buffer in the model's feature order and walked through one
 * tree after the other (a compact copy of the trees, gbdt_flat.h), so that each tree stays
 * in cache while the block goes through it; or, for a model of threshold splits and at most
 * 64 leaves a tree, scored row by row by QuickScorer (gbdt_predict_qs.h), which finds each
 * tree's leaf without walking it (half the CPU of the walk on 500 trees of 31 leaves).
 * Every row still adds its trees in tree order, so the results do not depend on the block
 * size, the thread count or the method. Sparse columns are
 * never copied dense: their entries are transposed row by row once (O(entries)), each
 * thread's buffer holds their base value (0, or missing), and a row scatters its entries
 * in and puts them back after, so a row costs its dense features plus its entries. */
#include "gbdt_model.h"
#include "gbdt_flat.h"
#include "gbdt_predict_qs.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"
#include "data/category_dict.h"
#include "data/dataset_impl.h"

/* Rows gathered per block in batch prediction: 128 rows of 28 features are 14 KB of
 * floats, which leaves room in L1 for a tree (31 leaves: 360 bytes of flat nodes). */
#define PREDICT_BLOCK 128
/* ... but a block's buffer holds at most this many floats (wide sparse data: one row of
 * a million features is 4 MB), down to one row. */
#define PREDICT_BLOCK_FLOATS 65536
/* Rows QuickScorer takes through a feature's nodes together (st__gbdt_qs_score_rows): 8 rows'
 * words of 500 trees are 32 KB. 8, 16 and 32 rows took 25% less CPU than 1 on the higgs
 * 500-tree model (50,000 rows, one thread, seven interleaved runs; the fastest of each). */
#define QS_ROWS 8
/* QuickScorer from this many rows on: its sorted lists take 3.3 ms to build for 500 trees
 * of 31 leaves (a call for one row would take 3.3 ms instead of 0.05); around 1,000 rows
 * both ways take 10 to 12 ms of CPU (one thread, loaded machine), and from there on the
 * lists pay: 250,000 rows took 1.0 s of CPU against 2.4 s for the walk. */
#define QS_MIN_ROWS 1024

/* The probability goes through the model's calibration map, if any. */
static double finish(const st_gbdt *m, double score, st_gbdt_output kind)
{
    return kind == ST_GBDT_RAW_SCORE ? score
                                     : st_calibration_apply(m->post.cal, 1 / (1 + exp(-score)));
}

st_status st_gbdt_predict_row(const st_gbdt *m, const float *x, size_t n_x, st_gbdt_output kind,
                              double *out, st_error *err)
{
    if (m == NULL || x == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_predict_row: %s is NULL",
                        m == NULL ? "model" : x == NULL ? "x" : "out");
    if (n_x != m->n_features)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_predict_row: the row has %zu "
                        "values, the model %zu features", n_x, m->n_features);
    if (kind != ST_GBDT_PROBABILITY && kind != ST_GBDT_RAW_SCORE)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_predict_row: unknown output kind "
                        "%d", (int)kind);
    double s = m->init_score;
    for (size_t t = 0; t < m->n_trees; t++)
        s += st__gbdt_tree_value(m, t, x);
    *out = finish(m, s, kind);
    return ST_OK;
}


typedef st__gbdt_columns column_map; /* gbdt_impl.h */

static void map_free(column_map *cm)
{
    st__free(cm->col);
    st__free(cm->map_off);
    st__free(cm->map);
    st__free(cm->zeros);
    st__free(cm->dense);
    st__free(cm->base);
    st__free(cm->sp_ptr);
    st__free(cm->sp_feat);
    st__free(cm->sp_val);
}

/* Dataset column of model feature f (the model's feature j), or, for a LibSVM dataset that
 * never mentions it (see stratum/dataset.h), -1: every entry absent. -2: not found. Looked
 * for from column j on: near there when ds is laid out as the training data (a text
 * model's tens of thousands of term columns, one search each). */
static long find_column(const st__gbdt_feature *f, size_t j, const st_dataset *ds)
{
    long src = st_dataset_find_feature_at(ds, f->name, j);
    if (src < 0 && f->type == ST_FEATURE_NUMERIC && st_dataset_libsvm_unmentioned(ds, f->name))
        return -1;
    return src >= 0 ? src : -2;
}

/* The entries of the sparse columns src[j] (-1: none) of the model features without a
 * dense column, transposed row by row into cm->sp_ptr, sp_feat, sp_val (a counting
 * pass, then a filling pass in feature order, so each row's entries are in feature
 * order). -1: out of memory. */
static int transpose_sparse(const st_gbdt *m, const st_dataset *ds, const long *src,
                            column_map *cm)
{
    const size_t n = st_dataset_n_rows(ds);
    if ((cm->sp_ptr = st__calloc(n + 2, sizeof *cm->sp_ptr)) == NULL)
        return -1;
    for (size_t j = 0; j < m->n_features; j++) {
        if (cm->col[j] != NULL || src[j] < 0)
            continue;
        const uint32_t *r;
        const float *v;
        size_t ne;
        st_dataset_feature_entries(ds, (size_t)src[j], &r, &v, &ne, NULL);
        for (size_t e = 0; e < ne; e++)
            cm->sp_ptr[r[e] + 2]++;
    }
    for (size_t i = 2; i < n + 2; i++)
        cm->sp_ptr[i] += cm->sp_ptr[i - 1];
    const size_t total = cm->sp_ptr[n + 1];
    cm->sp_feat = st__malloc_array(total ? total : 1, sizeof *cm->sp_feat);
    cm->sp_val = st__malloc_array(total ? total : 1, sizeof *cm->sp_val);
    if (cm->sp_feat == NULL || cm->sp_val == NULL)
        return -1;
    for (size_t j = 0; j < m->n_features; j++) {
        if (cm->col[j] != NULL || src[j] < 0)
            continue;
        const uint32_t *r;
        const float *v;
        size_t ne;
        st_dataset_feature_entries(ds, (size_t)src[j], &r, &v, &ne, NULL);
        for (size_t e = 0; e < ne; e++) {
            const size_t at = cm->sp_ptr[r[e] + 1]++;
            cm->sp_feat[at] = (uint32_t)j;
            cm->sp_val[at] = v[e]; /* an entry holding 0 is present: 0, never missing */
        }
    }
    return 0;
}

/* Whether the features are named f0, f1, ... in order: XGBoost's names when it was
 * trained on an array without column names, which a CSV's header rarely matches. */
static int default_names(const st_gbdt *m)
{
    char name[32];
    for (size_t j = 0; j < m->n_features; j++) {
        snprintf(name, sizeof name, "f%zu", j);
        if (strcmp(m->features[j].name, name) != 0)
            return 0;
    }
    return m->n_features > 0;
}

/* Whether feature j has a LightGBM categorical split (a set on a numeric feature,
 * gbdt_model.h): the model reads it as LightGBM's integer category codes. */
static int lightgbm_codes(const st_gbdt *m, size_t j)
{
    const size_t n_nodes = m->node_start[m->n_trees];
    for (size_t k = 0; k < n_nodes; k++)
        if (m->nodes[k].feature == (int32_t)j && m->nodes[k].cat_set > 0 &&
            m->features[j].type == ST_FEATURE_NUMERIC)
            return 1;
    return 0;
}

/* Column src holds text where an imported LightGBM model wants integer codes: reading it
 * with --numeric, as the general message advises, would make every cell missing. */
static st_status codes_expected(const st_dataset *ds, size_t src, const char *name,
                                st_error *err)
{
    st_column_cells c;
    if (st_dataset_column_cells(ds, src, &c, err) != ST_OK || c.first_line == 0)
        return st__fail(err, ST_ERR_DATA, "feature '%s' is categorical in the model, which "
                        "was imported from LightGBM, so it takes the integer category codes "
                        "LightGBM was trained on; the data holds levels that are not numbers",
                        name);
    return st__fail(err, ST_ERR_DATA, "feature '%s' is categorical in the model, which was "
                    "imported from LightGBM, so it takes the integer category codes LightGBM "
                    "was trained on; %s holds '%s' (line %ld, character %ld): give the codes, "
                    "not the levels", name, st_dataset_source(ds), c.examples[0], c.first_line,
                    c.first_column);
}

static st_status map_columns(const st_gbdt *m, const st_dataset *ds, column_map *cm,
                             st_error *err)
{
    const size_t nf = m->n_features ? m->n_features : 1;
    cm->col = st__calloc(nf, sizeof *cm->col);
    cm->map_off = st__calloc(nf + 1, sizeof *cm->map_off);
    /* XGBoost's rule on LibSVM rows and sparse matrices: an absent entry is missing
       (stratum/gbdt.h) */
    cm->absent_missing = m->absent_missing && (st_dataset_is_libsvm(ds) || ds->from_sparse);
    if (cm->absent_missing)
        cm->zeros = st__calloc(nf, sizeof *cm->zeros);
    cm->dense = st__malloc_array(nf, sizeof *cm->dense);
    cm->base = st__malloc_array(nf, sizeof *cm->base);
    long *src = st__malloc_array(nf, sizeof *src);
    if (cm->col == NULL || cm->map_off == NULL || (cm->absent_missing && cm->zeros == NULL) ||
        cm->dense == NULL || cm->base == NULL || src == NULL) {
        st__free(src);
        return st__fail(err, ST_ERR_NOMEM, "out of memory matching the model's columns");
    }
    size_t total = 0, n_sparse = 0;
    for (size_t j = 0; j < m->n_features; j++) {
        const st__gbdt_feature *f = &m->features[j];
        src[j] = find_column(f, j, ds);
        cm->map_off[j] = total;
        cm->base[j] = cm->absent_missing ? NAN : 0.0f;
        if (src[j] == -2) {
            st_status rc = default_names(m)
                ? st__fail(err, ST_ERR_DATA, "feature '%s' of the model is not in the "
                           "dataset: the model's features are f0 to f%zu, XGBoost's names "
                           "for a model trained without column names; give the data in "
                           "LibSVM format, or as a CSV whose header names its columns f0 to "
                           "f%zu in the training order", f->name, m->n_features - 1,
                           m->n_features - 1)
                : st__fail(err, ST_ERR_DATA, "feature '%s' of the model is not in the "
                           "dataset", f->name);
            st__free(src);
            return rc;
        }
        if (src[j] == -1) {
            n_sparse++;
            continue;
        }
        if (st_dataset_feature_type(ds, (size_t)src[j]) != f->type) {
            st_status rc = lightgbm_codes(m, j)
                ? codes_expected(ds, (size_t)src[j], f->name, err)
                : st__dataset_type_mismatch(ds, (size_t)src[j], f->type, err);
            st__free(src);
            return rc;
        }
        cm->col[j] = st_dataset_feature_values(ds, (size_t)src[j]);
        if (cm->col[j] == NULL) {
            n_sparse++;
            continue;
        }
        cm->dense[cm->n_dense++] = (uint32_t)j;
        if (cm->absent_missing)
            cm->zeros[j] = st__dataset_zero_entries(ds, (size_t)src[j]);
        if (f->type == ST_FEATURE_CATEGORICAL)
            total += st_dataset_n_levels(ds, (size_t)src[j]);
    }
    cm->map_off[m->n_features] = total;
    const int bad = n_sparse > 0 && transpose_sparse(m, ds, src, cm) != 0;
    st__free(src);
    if (bad)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the entries of the sparse "
                        "features (%zu rows)", st_dataset_n_rows(ds));
    if ((cm->map = st__malloc_array(total ? total : 1, sizeof *cm->map)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory matching the model's levels");
    for (size_t j = 0; j < m->n_features; j++) {
        const st__gbdt_feature *f = &m->features[j];
        if (f->type != ST_FEATURE_CATEGORICAL)
            continue;
        const size_t sj = (size_t)st_dataset_find_feature(ds, f->name);
        for (size_t k = 0; k < cm->map_off[j + 1] - cm->map_off[j]; k++) {
            long c = st__level_index(f->levels, f->n_levels, st_dataset_level(ds, sj, k));
            cm->map[cm->map_off[j] + k] = c >= 0 ? (float)c : NAN;
        }
    }
    return ST_OK;
}

/* How a block's rows are scored: by QuickScorer (qs: gbdt_predict_qs.h) or by walking the
 * flat trees (qs NULL). */
typedef struct scorer {
    const st__gbdt_flat_node *flat;
    const st__gbdt_qs *qs; /* NULL: walk flat */
} scorer;

/* Rows [i0, i1) of the dataset (at most PREDICT_BLOCK), gathered into x (ready rows,
 * st__gbdt_columns_row_init, left ready); scores: room for PREDICT_BLOCK sums; reach: the
 * thread's room for one word a tree (QuickScorer only). */
static void predict_block(const st_gbdt *m, const scorer *sc, const column_map *cm,
                          size_t i0, size_t i1, st_gbdt_output kind, float *x,
                          double *scores, uint64_t *reach, double *out)
{
    const size_t n = i1 - i0, nf = m->n_features;
    for (size_t i = 0; i < n; i++) {
        st__gbdt_columns_row(m, cm, i0 + i, x + i * nf);
        scores[i] = m->init_score;
    }
    if (sc->qs != NULL)
        for (size_t i = 0; i < n; i += QS_ROWS)
            st__gbdt_qs_score_rows(sc->qs, m->init_score, x + i * nf,
                                   n - i < QS_ROWS ? n - i : QS_ROWS, nf, reach, scores + i);
    else
        for (size_t t = 0; t < m->n_trees; t++)
            st__gbdt_flat_add_tree(m, sc->flat, t, x, n, scores);
    for (size_t i = 0; i < n; i++) {
        out[i0 + i] = finish(m, scores[i], kind);
        st__gbdt_columns_row_clear(cm, i0 + i, x + i * nf);
    }
}

void st__gbdt_columns_row_init(const st_gbdt *m, const st__gbdt_columns *cm, float *x)
{
    for (size_t j = 0; j < m->n_features; j++)
        x[j] = cm->base[j];
}

void st__gbdt_columns_row(const st_gbdt *m, const st__gbdt_columns *cm, size_t i, float *x)
{
    for (size_t q = 0; q < cm->n_dense; q++) {
        const size_t j = cm->dense[q];
        float v = cm->col[j][i];
        if (m->features[j].type == ST_FEATURE_CATEGORICAL && v == v)
            v = cm->map[cm->map_off[j] + (size_t)v];
        else if (v == 0 && cm->absent_missing &&
                 !(cm->zeros[j] != NULL && ((cm->zeros[j][i / 32] >> (i % 32)) & 1u)))
            v = NAN; /* an absent LibSVM entry, missing to this model */
        x[j] = v;
    }
    if (cm->sp_ptr != NULL)
        for (size_t e = cm->sp_ptr[i]; e < cm->sp_ptr[i + 1]; e++)
            x[cm->sp_feat[e]] = cm->sp_val[e];
}

void st__gbdt_columns_row_clear(const st__gbdt_columns *cm, size_t i, float *x)
{
    if (cm->sp_ptr != NULL)
        for (size_t e = cm->sp_ptr[i]; e < cm->sp_ptr[i + 1]; e++)
            x[cm->sp_feat[e]] = cm->base[cm->sp_feat[e]];
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
    size_t rows_per_block = PREDICT_BLOCK_FLOATS / width;
    rows_per_block = rows_per_block < 1 ? 1 : rows_per_block > PREDICT_BLOCK ? PREDICT_BLOCK
                                                                             : rows_per_block;
    const size_t n_x = st__mul_size(st__mul_size((size_t)nt, rows_per_block, &ovf), width, &ovf);
    float *x = ovf ? NULL : st__malloc_array(n_x, sizeof *x);
    double *scores = st__malloc_array((size_t)nt * rows_per_block, sizeof *scores);
    st__gbdt_flat_node *flat = st__gbdt_flat_build(m);
    /* QuickScorer when the model allows it (1), else the walk of the flat trees (0) */
    st__gbdt_qs qs = {0};
    const int use_qs = flat != NULL && n >= QS_MIN_ROWS ? st__gbdt_qs_build(m, flat, &qs) : 0;
    uint64_t *reach = use_qs == 1 ? st__malloc_array((size_t)nt * QS_ROWS *
                                                         (m->n_trees ? m->n_trees : 1),
                                                     sizeof *reach)
                                  : NULL;
    const scorer sc = {flat, use_qs == 1 ? &qs : NULL};
    st_status rc = x == NULL || scores == NULL || flat == NULL || use_qs < 0 ||
                           (use_qs == 1 && reach == NULL)
                       ? st__fail(err, ST_ERR_NOMEM, "out of memory for prediction")
                       : map_columns(m, ds, &cm, err);
    if (rc == ST_OK) {
        for (size_t r = 0; r < (size_t)nt * rows_per_block; r++)
            st__gbdt_columns_row_init(m, &cm, x + r * width);
        const long n_blocks = (long)((n + rows_per_block - 1) / rows_per_block);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 2) if (nt > 1 && n > 1024)
        for (long bl = 0; bl < n_blocks; bl++) {
            const size_t i0 = (size_t)bl * rows_per_block;
            const size_t i1 = i0 + rows_per_block < n ? i0 + rows_per_block : n;
            const size_t me = (size_t)omp_get_thread_num();
            predict_block(m, &sc, &cm, i0, i1, kind, x + me * rows_per_block * width,
                          scores + me * rows_per_block,
                          reach != NULL ? reach + me * QS_ROWS * m->n_trees : NULL, out);
        }
    }
    map_free(&cm);
    st__gbdt_qs_free(&qs);
    st__free(reach);
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
    for (size_t i = 0; rc == ST_OK && i < n; i++) {
        st__gbdt_columns_row_init(m, &cm, x + i * nf);
        st__gbdt_columns_row(m, &cm, i, x + i * nf);
    }
    map_free(&cm);
    return rc;
}
