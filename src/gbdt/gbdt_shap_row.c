/* TreeSHAP for one row (st_gbdt_contrib_row, st_gbdt_interactions_row): the caller's
 * scratch carved into the walk's buffers, then the contributions (gbdt_shap.c) or the
 * interaction values (gbdt_shap_interactions.c) of the row. Allocation-free. */
#include "gbdt_shap.h"

#include "core/alloc.h"
#include "core/error.h"

size_t st_gbdt_shap_scratch_size(const st_gbdt *m)
{
    return m != NULL ? st__shap_scratch_size(m) : 0;
}

/* Checks shared by the two row functions. */
static st_status row_args(const st_gbdt *m, const float *x, void *scratch, size_t scratch_size,
                          const double *out, size_t n_out, size_t need, const char *fn,
                          st__shap_work *w, st_error *err)
{
    if (m == NULL || x == NULL || scratch == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: %s is NULL", fn,
                        m == NULL ? "model" : x == NULL ? "x" : scratch == NULL ? "scratch" : "out");
    if (n_out < need)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: out has room for %zu values; %zu are "
                        "needed", fn, n_out, need);
    if (!st__shap_work_carve(m, scratch, scratch_size, w))
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: scratch has %zu bytes; "
                        "st_gbdt_shap_scratch_size gives %zu", fn, scratch_size,
                        st__shap_scratch_size(m));
    return st__shap_check_model(m, fn, err);
}

st_status st_gbdt_contrib_row(const st_gbdt *m, const float *x, void *scratch,
                              size_t scratch_size, double *out, size_t n_out, st_error *err)
{
    st__shap_work w;
    st_status rc = row_args(m, x, scratch, scratch_size, out, n_out,
                            m != NULL ? m->n_features + 1 : 0, "st_gbdt_contrib_row", &w, err);
    if (rc == ST_OK)
        st__shap_contrib_row(m, x, &w, out);
    return rc;
}

st_status st_gbdt_interactions_row(const st_gbdt *m, const float *x, void *scratch,
                                   size_t scratch_size, double *out, size_t n_out,
                                   st_error *err)
{
    st__shap_work w;
    const size_t side = m != NULL ? m->n_features + 1 : 0;
    int ovf = 0;
    const size_t need = st__mul_size(side, side, &ovf);
    if (ovf)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_interactions_row: the matrix of "
                        "%zu features does not fit in memory", side - 1);
    st_status rc = row_args(m, x, scratch, scratch_size, out, n_out, need,
                            "st_gbdt_interactions_row", &w, err);
    if (rc == ST_OK)
        st__shap_interactions_row(m, x, &w, out);
    return rc;
}
