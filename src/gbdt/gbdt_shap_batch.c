/* TreeSHAP over a dataset: the model's columns are found by name (as st_gbdt_predict
 * does), then rows are explained in parallel blocks, each thread with its own gathered row
 * and scratch. Rows are independent and each is computed in a fixed order, so the output
 * does not depend on the number of threads. */
#include "gbdt_shap.h"

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"

#define SHAP_BLOCK 16

typedef enum { CONTRIB, INTERACTIONS } shap_kind;

static st_status explain(const st_gbdt *m, const st_dataset *ds, int n_threads, double *out,
                         size_t n_out, shap_kind kind, const char *fn, st_error *err)
{
    if (m == NULL || ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: %s is NULL", fn,
                        m == NULL ? "model" : ds == NULL ? "dataset" : "out");
    if (n_threads < 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: n_threads is negative", fn);
    st_status rc = st__shap_check_model(m, fn, err);
    if (rc != ST_OK)
        return rc;
    const size_t n = st_dataset_n_rows(ds), side = m->n_features + 1;
    int ovf = 0;
    const size_t per_row = kind == CONTRIB ? side : st__mul_size(side, side, &ovf);
    const size_t need = st__mul_size(n, per_row, &ovf);
    if (ovf)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: %zu rows x %zu values per row do not "
                        "fit in memory", fn, n, per_row);
    if (n_out < need)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: out has room for %zu values; %zu rows "
                        "x %zu need %zu", fn, n_out, n, per_row, need);
    const int nt = st__n_threads(n_threads);
    const size_t scratch = st__shap_scratch_size(m);
    const size_t width = m->n_features ? m->n_features : 1;
    const size_t n_x = st__mul_size((size_t)nt, width, &ovf);
    const size_t n_s = st__mul_size((size_t)nt, scratch, &ovf);
    float *x = NULL;
    char *s = NULL;
    if (!ovf && scratch != 0) {
        x = st__malloc_array(n_x, sizeof *x);
        s = st__malloc(n_s);
    }
    st__gbdt_columns cm = {0};
    rc = x == NULL || s == NULL ? st__fail(err, ST_ERR_NOMEM, "%s: out of memory for %d "
                                           "threads' scratch", fn, nt)
                                : st__gbdt_columns_map(m, ds, &cm, err);
    double bias = 0;
    for (int t = 0; rc == ST_OK && t < nt; t++)
        st__gbdt_columns_row_init(m, &cm, x + (size_t)t * width);
    if (rc == ST_OK) { /* the same for every row: computed once */
        st__shap_work w0;
        st__shap_work_carve(m, s, scratch, &w0);
        bias = st__shap_bias(m, &w0);
    }
    if (rc == ST_OK) {
        const long n_blocks = (long)((n + SHAP_BLOCK - 1) / SHAP_BLOCK);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (nt > 1 && n > SHAP_BLOCK)
        for (long bl = 0; bl < n_blocks; bl++) {
            const size_t th = (size_t)omp_get_thread_num();
            float *xr = x + th * width;
            st__shap_work w;
            st__shap_work_carve(m, s + th * scratch, scratch, &w);
            w.have_bias = 1;
            w.bias = bias;
            const size_t i0 = (size_t)bl * SHAP_BLOCK;
            const size_t i1 = i0 + SHAP_BLOCK < n ? i0 + SHAP_BLOCK : n;
            for (size_t i = i0; i < i1; i++) {
                st__gbdt_columns_row(m, &cm, i, xr);
                if (kind == CONTRIB)
                    st__shap_contrib_row(m, xr, &w, out + i * per_row);
                else
                    st__shap_interactions_row(m, xr, &w, out + i * per_row);
                st__gbdt_columns_row_clear(&cm, i, xr);
            }
        }
    }
    st__gbdt_columns_free(&cm);
    st__free(x);
    st__free(s);
    return rc;
}

st_status st_gbdt_contrib(const st_gbdt *m, const st_dataset *ds, int n_threads, double *out,
                          size_t n_out, st_error *err)
{
    return explain(m, ds, n_threads, out, n_out, CONTRIB, "st_gbdt_contrib", err);
}

st_status st_gbdt_interactions(const st_gbdt *m, const st_dataset *ds, int n_threads,
                               double *out, size_t n_out, st_error *err)
{
    return explain(m, ds, n_threads, out, n_out, INTERACTIONS, "st_gbdt_interactions", err);
}
