/* The model's view of two datasets (st_drift_compare_model): its scores on both (their PSI,
 * the predicted prevalence), each feature's importance on the reference (mean
 * |contribution|), the change of each feature's mean contribution, and with labels the
 * metrics on each dataset and DeLong's unpaired test of the AUC change. */
#include <math.h>
#include <string.h>

#include "drift_model_impl.h"
#include "fit/model_predict.h"

#include "core/alloc.h"
#include "core/error.h"
#include <stratum/folds.h>

static st_status contrib(const st_model *m, const st_dataset *ds, int n_threads, double *out,
                         st_error *err)
{
    const size_t n = st_dataset_n_rows(ds) * (st_model_n_features(m) + 1);
    if (st_model_gbdt(m) != NULL)
        return st_gbdt_contrib(st_model_gbdt(m), ds, n_threads, out, n, err);
    return st_logreg_contrib(st_model_logreg(m), ds, out, n, err);
}

/* Mean contribution (signed and absolute) of each model feature over the rows of ds, or
 * over max_rows of them evenly spaced (row floor(i n / max_rows)) when it has more:
 * TreeSHAP costs about 0.3 ms a row on a 50-tree model, and a mean over a few thousand
 * rows is precise enough to rank features. Summed in row order a block at a time, so the
 * means depend neither on the block size nor on the threads. */
static st_status mean_contrib(const st_model *m, const st_dataset *ds, int n_threads,
                              size_t max_rows, double *mean, double *mean_abs, st_error *err)
{
    const size_t n_all = st_dataset_n_rows(ds), nf = st_model_n_features(m);
    const size_t n = max_rows > 0 && n_all > max_rows ? max_rows : n_all;
    /* 8,192 rows a block, fewer for wide models (a text model's thousands of term
     * columns): at most 2^25 contributions (256 MB) at once */
    const size_t wide = ((size_t)1 << 25) / (nf + 1);
    const size_t block = wide < 1 ? 1 : wide < 8192 ? wide : 8192;
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
        const size_t k = n - start < block ? n - start : block;
        for (size_t i = 0; i < k; i++)
            rows[i] = n == n_all ? start + i
                                 : (size_t)((double)(start + i) * (double)n_all / (double)n);
        st_dataset *part = NULL;
        rc = st_dataset_subset(ds, rows, k, &part, err);
        if (rc == ST_OK)
            rc = contrib(m, part, n_threads, c, err);
        st_dataset_free(part);
        for (size_t i = 0; i < k && rc == ST_OK; i++)
            for (size_t j = 0; j < nf; j++) {
                mean[j] += c[i * (nf + 1) + j];
                mean_abs[j] += fabs(c[i * (nf + 1) + j]);
            }
    }
    for (size_t j = 0; j < nf; j++)
        mean[j] /= (double)n, mean_abs[j] /= (double)n;
    st__free(c), st__free(rows);
    return rc;
}

static double mean_of(const double *p, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s / (double)n;
}

/* Per column of r->columns: the importance, weighted PSI and shift of the model feature
 * whose label is the column's name. */
static st_status per_column(const st_model *m, const double *imp_ref, const double *mean_ref,
                            const double *mean_new, st_drift_model_result *r, st_error *err)
{
    const size_t nf = st_model_n_features(m), nres = r->columns->n_features;
    const char **labels = st__malloc_array(nf + 1, sizeof *labels);
    if (labels == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu features", nf);
    st_status rc = st_model_feature_labels(m, labels, NULL, NULL, nf + 1, err);
    double total = 0;
    for (size_t j = 0; j < nf; j++) {
        total += imp_ref[j];
        r->feature_importance[j] = imp_ref[j];
        r->feature_shift[j] = mean_new[j] - mean_ref[j];
    }
    for (size_t k = 0; k < nres && rc == ST_OK; k++) {
        const st_drift_feature *col = &r->columns->features[k];
        r->importance[k] = r->weighted[k] = r->shift[k] = NAN;
        for (size_t j = 0; j < nf; j++)
            if (strcmp(labels[j], col->name) == 0) {
                r->importance[k] = imp_ref[j];
                r->weighted[k] = total > 0 ? col->psi * imp_ref[j] / total : NAN;
                r->shift[k] = mean_new[j] - mean_ref[j];
            }
    }
    st__free((void *)labels);
    return rc;
}

/* The metrics on each labelled dataset, and the AUC test when both are. */
static st_status metrics(const st_dataset *const feat[2], const double *const p[2],
                         const st_drift_model_options *o, st_drift_model_result *r,
                         st_error *err)
{
    st_eval_params prm = st_eval_params_default();
    prm.n_bootstrap = o->n_bootstrap;
    prm.seed = o->seed;
    prm.n_threads = o->columns.n_threads;
    st_eval *ev[2] = {&r->ev_reference, &r->ev_new};
    int *labelled[2] = {&r->labelled_reference, &r->labelled_new};
    for (int d = 0; d < 2; d++) {
        const float *y = st_dataset_labels(feat[d]);
        if (y == NULL)
            continue;
        st_status rc = st_evaluate(p[d], y, st_dataset_weights(feat[d]),
                                   st_dataset_n_rows(feat[d]), &prm, ev[d], err);
        if (rc != ST_OK)
            return rc;
        *labelled[d] = 1;
    }
    r->auc_z = r->auc_p = NAN;
    if (r->labelled_reference && r->labelled_new)
        st_drift_auc_test(r->ev_reference.value[ST_METRIC_ROC_AUC],
                          r->ev_reference.delong_variance, r->ev_new.value[ST_METRIC_ROC_AUC],
                          r->ev_new.delong_variance, &r->auc_z, &r->auc_p);
    return ST_OK;
}

st_status st__drift_model_scores(const st_model *m, const st_dataset *const feat[2],
                                 const st_drift_model_options *o, st_drift_model_result *r,
                                 st_error *err)
{
    const size_t nr = st_dataset_n_rows(feat[0]), nc = st_dataset_n_rows(feat[1]);
    const size_t nf = st_model_n_features(m), nres = r->columns->n_features;
    const int threads = o->columns.n_threads;
    double *pr = st__malloc_array(nr + 1, sizeof *pr), *pc = st__malloc_array(nc + 1, sizeof *pc);
    double *mean[2] = {st__malloc_array(nf + 1, sizeof(double)),
                       st__malloc_array(nf + 1, sizeof(double))};
    double *mean_abs[2] = {st__malloc_array(nf + 1, sizeof(double)),
                           st__malloc_array(nf + 1, sizeof(double))};
    r->n_model_features = nf;
    r->importance = st__malloc_array(nres + 1, sizeof *r->importance);
    r->weighted = st__malloc_array(nres + 1, sizeof *r->weighted);
    r->shift = st__malloc_array(nres + 1, sizeof *r->shift);
    r->feature_importance = st__malloc_array(nf + 1, sizeof *r->feature_importance);
    r->feature_shift = st__malloc_array(nf + 1, sizeof *r->feature_shift);
    st_status rc = ST_OK;
    if (pr == NULL || pc == NULL || mean[0] == NULL || mean[1] == NULL ||
        mean_abs[0] == NULL || mean_abs[1] == NULL || r->importance == NULL ||
        r->weighted == NULL || r->shift == NULL || r->feature_importance == NULL ||
        r->feature_shift == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the model's scores");
    if (rc == ST_OK)
        rc = st__model_predict(m, feat[0], threads, pr, nr, err);
    if (rc == ST_OK)
        rc = st__model_predict(m, feat[1], threads, pc, nc, err);
    if (rc == ST_OK)
        rc = st_drift_psi_values(pr, nr, pc, nc, 10, 1e-4, &r->score_psi, err);
    if (rc == ST_OK) {
        r->mean_p_reference = mean_of(pr, nr);
        r->mean_p_new = mean_of(pc, nc);
    }
    for (int d = 0; d < 2 && rc == ST_OK; d++)
        rc = mean_contrib(m, feat[d], threads, o->contrib_rows, mean[d], mean_abs[d], err);
    if (rc == ST_OK) {
        const size_t cap = o->contrib_rows;
        r->contrib_rows_reference = cap > 0 && nr > cap ? cap : nr;
        r->contrib_rows_new = cap > 0 && nc > cap ? cap : nc;
        rc = per_column(m, mean_abs[0], mean[0], mean[1], r, err);
    }
    if (rc == ST_OK) {
        const double *p[2] = {pr, pc};
        rc = metrics(feat, p, o, r, err);
    }
    st__free(pr), st__free(pc);
    for (int d = 0; d < 2; d++)
        st__free(mean[d]), st__free(mean_abs[d]);
    return rc;
}
