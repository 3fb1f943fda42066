/* The global part of an explanation (stratum/explain.h): each feature's mean |contribution|
 * and mean contribution over every row, beside the model's own importance (split count and
 * gain for boosted trees, |standardised coefficient| for logistic regression); and the
 * contributions of a dataset's rows, for both parts. */
#include <math.h>

#include "core/alloc.h"
#include "core/error.h"
#include <stratum/folds.h>

#include "explain_impl.h"

st_status st__explain_contrib(const st_model *m, const st_dataset *ds, int n_threads,
                              double *out, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds) * (st_model_n_features(m) + 1);
    if (st_model_gbdt(m) != NULL)
        return st_gbdt_contrib(st_model_gbdt(m), ds, n_threads, out, n, err);
    return st_logreg_contrib(st_model_logreg(m), ds, out, n, err);
}

/* Sums over ds a block of rows at a time, in row order, so the means depend neither on the
 * block size nor on the threads. */
static st_status contribution_means(const st_model *m, const st_dataset *ds,
                                    const st_explain_params *prm, st_explanation *ex,
                                    st_error *err)
{
    /* 4,096 rows a block, fewer for wide models (a text model's tens of thousands of term
     * columns): at most 2^25 contributions (256 MB) at once */
    const size_t n = st_dataset_n_rows(ds), nf = ex->n_features;
    const size_t wide = ((size_t)1 << 25) / (nf + 1);
    const size_t block = wide < 1 ? 1 : wide < 4096 ? wide : 4096;
    const size_t first = n < block ? n : block;
    double *c = st__malloc_array((first ? first : 1) * (nf + 1), sizeof *c);
    size_t *rows = st__malloc_array(first ? first : 1, sizeof *rows);
    st_status rc = ST_OK;
    if (c == NULL || rows == NULL) {
        st__free(c), st__free(rows);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu rows", first);
    }
    for (size_t start = 0; start < n && rc == ST_OK; start += block) {
        size_t len = n - start < block ? n - start : block;
        st_dataset *part = NULL;
        if (prm->progress != NULL)
            prm->progress(start, n, prm->progress_data);
        if (len < n) {
            for (size_t i = 0; i < len; i++)
                rows[i] = start + i;
            rc = st_dataset_subset(ds, rows, len, &part, err);
        }
        if (rc == ST_OK)
            rc = st__explain_contrib(m, part != NULL ? part : ds, prm->n_threads, c, err);
        for (size_t i = 0; i < len && rc == ST_OK; i++)
            for (size_t j = 0; j < nf; j++) {
                ex->mean_abs[j] += fabs(c[i * (nf + 1) + j]);
                ex->mean[j] += c[i * (nf + 1) + j];
            }
        st_dataset_free(part);
    }
    if (rc == ST_OK && prm->progress != NULL)
        prm->progress(n, n, prm->progress_data);
    for (size_t j = 0; j < nf && n > 0; j++)
        ex->mean_abs[j] /= (double)n, ex->mean[j] /= (double)n;
    ex->n_global_rows = n;
    st__free(c), st__free(rows);
    return rc;
}

/* Logistic regression: per feature, the largest |coefficient x training SD| of its columns. */
static void standardised_coefs(const st_logreg *m, double *out)
{
    const double *sd = st_logreg_col_sds(m), *w = st_logreg_coefs(m);
    for (size_t j = 0; j < st_logreg_n_features(m); j++)
        out[j] = 0;
    for (size_t k = 0; sd != NULL && k < st_logreg_n_coefs(m); k++) {
        long j = st_logreg_coef_feature(m, k);
        if (j >= 0 && fabs(w[k] * sd[k]) > out[j])
            out[j] = fabs(w[k] * sd[k]);
    }
}

st_status st__explain_global(const st_model *m, const st_dataset *ds,
                             const st_explain_params *prm, st_explanation *ex, st_error *err)
{
    const size_t nf = ex->n_features, slots = nf ? nf : 1;
    const st_gbdt *gb = st_model_gbdt(m);
    ex->mean_abs = st__calloc(slots, sizeof *ex->mean_abs);
    ex->mean = st__calloc(slots, sizeof *ex->mean);
    if (gb != NULL) {
        ex->split = st__calloc(slots, sizeof *ex->split);
        ex->gain = st__calloc(slots, sizeof *ex->gain);
    } else {
        ex->std_coef = st__calloc(slots, sizeof *ex->std_coef);
    }
    if (ex->mean_abs == NULL || ex->mean == NULL ||
        (gb != NULL ? ex->split == NULL || ex->gain == NULL : ex->std_coef == NULL))
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu features", nf);
    st_status rc = contribution_means(m, ds, prm, ex, err);
    if (rc != ST_OK || gb == NULL) {
        if (rc == ST_OK)
            standardised_coefs(st_model_logreg(m), ex->std_coef);
        return rc;
    }
    rc = st_gbdt_feature_importance(gb, ST_GBDT_IMPORTANCE_SPLIT, ex->split, nf, err);
    if (rc == ST_OK)
        rc = st_gbdt_feature_importance(gb, ST_GBDT_IMPORTANCE_GAIN, ex->gain, nf, err);
    return rc;
}
