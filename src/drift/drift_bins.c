/* Bin edges of a numeric column for PSI: a model's own split thresholds, the partition of
 * values the model can tell apart, or else the reference's quantiles. */
#include <stdlib.h>
#include <string.h>

#include "drift_impl.h"

#include "core/alloc.h"
#include "core/error.h"
#include "gbdt/gbdt_model.h"

static int cmp_double(const void *x, const void *y)
{
    const double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* The distinct thresholds of m's threshold splits on feature `name`, ascending. */
static st_status model_edges(const st_gbdt *m, const char *name, double **edges, size_t *n,
                             st_error *err)
{
    *edges = NULL;
    *n = 0;
    long fj = -1;
    for (size_t j = 0; j < m->n_features; j++)
        if (strcmp(m->features[j].name, name) == 0)
            fj = (long)j;
    if (fj < 0 || m->features[fj].type != ST_FEATURE_NUMERIC)
        return ST_OK;
    const size_t n_nodes = m->node_start[m->n_trees];
    size_t cnt = 0;
    for (size_t i = 0; i < n_nodes; i++)
        cnt += m->nodes[i].feature == fj && m->nodes[i].cat_set <= 0;
    if (cnt == 0)
        return ST_OK;
    double *e = st__malloc_array(cnt, sizeof *e);
    if (e == NULL)
        return st__fail(err, ST_ERR_NOMEM, "drift: out of memory for the bins of '%s'", name);
    cnt = 0;
    for (size_t i = 0; i < n_nodes; i++)
        if (m->nodes[i].feature == fj && m->nodes[i].cat_set <= 0)
            e[cnt++] = m->nodes[i].threshold;
    qsort(e, cnt, sizeof *e, cmp_double);
    size_t k = 0;
    for (size_t i = 0; i < cnt; i++)
        if (k == 0 || e[i] > e[k - 1])
            e[k++] = e[i];
    *edges = e;
    *n = k;
    return ST_OK;
}

st_status st__drift_edges(const st_drift_options *opt, const char *name, const float *sorted,
                          size_t n_sorted, double **edges, size_t *n_edges, int *from_model,
                          st_error *err)
{
    *from_model = 0;
    if (opt->model_gbdt != NULL) {
        st_status rc = model_edges(opt->model_gbdt, name, edges, n_edges, err);
        if (rc != ST_OK || *n_edges > 0) {
            *from_model = rc == ST_OK;
            return rc;
        }
    }
    double *e = st__malloc_array((size_t)opt->n_bins, sizeof *e);
    if (e == NULL)
        return st__fail(err, ST_ERR_NOMEM, "drift: out of memory for the bins of '%s'", name);
    size_t k = 0;
    for (size_t b = 1; n_sorted > 0 && b < (size_t)opt->n_bins; b++) {
        const double v = sorted[b * (n_sorted - 1) / (size_t)opt->n_bins];
        if (k == 0 || v > e[k - 1])
            e[k++] = v;
    }
    *edges = e;
    *n_edges = k;
    return ST_OK;
}
