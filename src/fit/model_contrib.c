/* A model's contributions, and their means over a dataset (fit/model_predict.h): the one
 * computation behind explain's global ranking and drift's importance and shift. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model_predict.h"
#include <stratum/folds.h> /* st_dataset_subset */

st_status st__model_contrib(const st_model *m, const st_dataset *ds, int n_threads,
                            double *out, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds) * (st_model_n_features(m) + 1);
    if (st_model_gbdt(m) != NULL)
        return st_gbdt_contrib(st_model_gbdt(m), ds, n_threads, out, n, err);
    return st_logreg_contrib(st_model_logreg(m), ds, out, n, err);
}

st_status st__model_contrib_means(const st_model *m, const st_dataset *ds, int n_threads,
                                  size_t max_rows,
                                  void (*progress)(size_t, size_t, void *),
                                  void *progress_data, double *mean, double *mean_abs,
                                  size_t *n_used, st_error *err)
{
    const size_t n_all = st_dataset_n_rows(ds), nf = st_model_n_features(m);
    const size_t n = max_rows > 0 && n_all > max_rows ? max_rows : n_all;
    /* 4,096 rows a block, fewer for wide models (a text model's tens of thousands of term
     * columns): at most 2^25 contributions (256 MB) at once */
    const size_t wide = ((size_t)1 << 25) / (nf + 1);
    const size_t block = wide < 1 ? 1 : wide < 4096 ? wide : 4096;
    const size_t first = n < block ? (n ? n : 1) : block;
    double *c = st__malloc_array(first * (nf + 1), sizeof *c);
    size_t *rows = st__malloc_array(first, sizeof *rows);
    if (c == NULL || rows == NULL) {
        st__free(c), st__free(rows);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the contributions of %zu rows",
                        first);
    }
    memset(mean, 0, nf * sizeof *mean);
    memset(mean_abs, 0, nf * sizeof *mean_abs);
    st_status rc = ST_OK;
    for (size_t start = 0; start < n && rc == ST_OK; start += block) {
        const size_t len = n - start < block ? n - start : block;
        if (progress != NULL)
            progress(start, n, progress_data);
        st_dataset *part = NULL;
        if (len < n_all) { /* (all of ds at once: no copy) */
            for (size_t i = 0; i < len; i++)
                rows[i] = n == n_all ? start + i
                                     : (size_t)((double)(start + i) * (double)n_all / (double)n);
            rc = st_dataset_subset(ds, rows, len, &part, err);
        }
        if (rc == ST_OK)
            rc = st__model_contrib(m, part != NULL ? part : ds, n_threads, c, err);
        st_dataset_free(part);
        for (size_t i = 0; i < len && rc == ST_OK; i++)
            for (size_t j = 0; j < nf; j++) {
                mean[j] += c[i * (nf + 1) + j];
                mean_abs[j] += fabs(c[i * (nf + 1) + j]);
            }
    }
    if (rc == ST_OK && progress != NULL)
        progress(n, n, progress_data);
    for (size_t j = 0; j < nf && n > 0; j++)
        mean[j] /= (double)n, mean_abs[j] /= (double)n;
    if (n_used != NULL)
        *n_used = n;
    st__free(c), st__free(rows);
    return rc;
}
