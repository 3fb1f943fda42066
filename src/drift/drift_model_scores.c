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
    size_t *used[2] = {&r->contrib_rows_reference, &r->contrib_rows_new};
    for (int d = 0; d < 2 && rc == ST_OK; d++)
        rc = st__model_contrib_means(m, feat[d], threads, o->contrib_rows, NULL, NULL,
                                     mean[d], mean_abs[d], used[d], err);
    if (rc == ST_OK)
        rc = per_column(m, mean_abs[0], mean[0], mean[1], r, err);
    if (rc == ST_OK) {
        const double *p[2] = {pr, pc};
        rc = metrics(feat, p, o, r, err);
    }
    st__free(pr), st__free(pc);
    for (int d = 0; d < 2; d++)
        st__free(mean[d]), st__free(mean_abs[d]);
    return rc;
}
