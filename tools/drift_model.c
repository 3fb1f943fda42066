/* stratum drift --model: the model's view of the shift. Its scores on both files (their
 * PSI, the predicted prevalence), each feature's importance on the reference (mean
 * |contribution|), the change in each feature's mean contribution, and with labels the
 * metrics on both files and DeLong's unpaired test of the AUC change. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"

void drift_model_free(drift_model *d)
{
    free(d->importance);
    free(d->weighted);
    free(d->shift);
    free(d->feature_importance);
    free(d->feature_shift);
    drift_text_free(d->text, d->n_text);
    free(d->text);
    d->importance = d->weighted = d->shift = d->feature_importance = d->feature_shift = NULL;
    d->text = NULL;
    d->n_text = 0;
}

/* Mean contribution (signed and absolute) of each model feature over the rows of ds, or
 * over max_rows of them evenly spaced (row floor(i n / max_rows)) when it has more:
 * TreeSHAP costs about 0.3 ms a row on a 50-tree model, and a mean over a few thousand
 * rows is precise enough to rank features. */
static int mean_contrib(const cli_model *m, const st_dataset *ds, int threads, size_t max_rows,
                        double *mean, double *mean_abs)
{
    const size_t n_all = st_dataset_n_rows(ds), nf = m->n_features;
    const size_t n = max_rows > 0 && n_all > max_rows ? max_rows : n_all;
    /* in blocks of rows, so that the contributions of a large file need not fit at once */
    const size_t block = 8192;
    double *c = malloc(block * (nf + 1) * sizeof *c);
    size_t *rows = malloc(block * sizeof *rows);
    if (c == NULL || rows == NULL) {
        free(c), free(rows);
        fprintf(stderr, "stratum: out of memory for the contributions\n");
        return EXIT_FAILED;
    }
    memset(mean, 0, nf * sizeof *mean);
    memset(mean_abs, 0, nf * sizeof *mean_abs);
    int status = EXIT_OK;
    for (size_t start = 0; start < n && status == EXIT_OK; start += block) {
        const size_t k = n - start < block ? n - start : block;
        for (size_t i = 0; i < k; i++)
            rows[i] = n == n_all ? start + i
                                 : (size_t)((double)(start + i) * (double)n_all / (double)n);
        st_dataset *part = NULL;
        st_error err;
        st_status rc = st_dataset_subset(ds, rows, k, &part, &err);
        if (rc == ST_OK)
            rc = cli_model_contrib(m, part, threads, c, &err);
        st_dataset_free(part);
        if (rc != ST_OK) {
            status = cli_fail(&err, rc);
            break;
        }
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < nf; j++) {
                mean[j] += c[i * (nf + 1) + j];
                mean_abs[j] += fabs(c[i * (nf + 1) + j]);
            }
    }
    for (size_t j = 0; j < nf; j++)
        mean[j] /= (double)n, mean_abs[j] /= (double)n;
    free(c), free(rows);
    return status;
}

static double mean_of(const double *p, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s / (double)n;
}

int drift_model_compute(const cli_model *m, const st_dataset *ref, const st_dataset *cur,
                        const st_drift_result *r, const cli_common *common, int n_bootstrap,
                        size_t contrib_rows, drift_model *d)
{
    const size_t nr = st_dataset_n_rows(ref), nc = st_dataset_n_rows(cur), nf = m->n_features;
    const size_t nres = r->n_features;
    d->family = cli_model_family(m);
    double *pr = malloc(nr * sizeof *pr), *pc = malloc(nc * sizeof *pc);
    double *mr = malloc((nf + 1) * sizeof *mr), *ar = malloc((nf + 1) * sizeof *ar);
    double *mc = malloc((nf + 1) * sizeof *mc), *ac = malloc((nf + 1) * sizeof *ac);
    d->importance = malloc((nres + 1) * sizeof *d->importance);
    d->weighted = malloc((nres + 1) * sizeof *d->weighted);
    d->shift = malloc((nres + 1) * sizeof *d->shift);
    d->feature_importance = malloc((nf + 1) * sizeof *d->feature_importance);
    d->feature_shift = malloc((nf + 1) * sizeof *d->feature_shift);
    int status = EXIT_OK;
    st_error err;
    st_status rc;
    if (pr == NULL || pc == NULL || mr == NULL || ar == NULL || mc == NULL || ac == NULL ||
        d->importance == NULL || d->weighted == NULL || d->shift == NULL ||
        d->feature_importance == NULL || d->feature_shift == NULL) {
        fprintf(stderr, "stratum: out of memory for the model's scores\n");
        status = EXIT_FAILED;
        goto done;
    }
    if ((rc = cli_model_predict(m, ref, common->threads, pr, &err)) != ST_OK ||
        (rc = cli_model_predict(m, cur, common->threads, pc, &err)) != ST_OK ||
        (rc = st_drift_psi_values(pr, nr, pc, nc, 10, 1e-4, &d->score_psi, &err)) != ST_OK) {
        status = cli_fail(&err, rc);
        goto done;
    }
    d->mean_p_reference = mean_of(pr, nr);
    d->mean_p_new = mean_of(pc, nc);
    if ((status = mean_contrib(m, ref, common->threads, contrib_rows, mr, ar)) != EXIT_OK ||
        (status = mean_contrib(m, cur, common->threads, contrib_rows, mc, ac)) != EXIT_OK)
        goto done;
    d->contrib_rows_reference = contrib_rows > 0 && nr > contrib_rows ? contrib_rows : nr;
    d->contrib_rows_new = contrib_rows > 0 && nc > contrib_rows ? contrib_rows : nc;
    double total = 0;
    for (size_t j = 0; j < nf; j++) {
        total += ar[j];
        d->feature_importance[j] = ar[j];
        d->feature_shift[j] = mc[j] - mr[j];
    }
    for (size_t k = 0; k < nres; k++) {
        d->importance[k] = d->weighted[k] = d->shift[k] = NAN;
        for (size_t j = 0; j < nf; j++)
            if (strcmp(cli_model_feature_name(m, j), r->features[k].name) == 0) {
                d->importance[k] = ar[j];
                d->weighted[k] = total > 0 ? r->features[k].psi * ar[j] / total : NAN;
                d->shift[k] = mc[j] - mr[j];
            }
    }
    st_eval_params prm = st_eval_params_default();
    prm.n_bootstrap = n_bootstrap;
    prm.seed = common->seed;
    prm.n_threads = common->threads;
    const st_dataset *ds[2] = {ref, cur};
    const double *p[2] = {pr, pc};
    st_eval *ev[2] = {&d->ev_reference, &d->ev_new};
    int *labelled[2] = {&d->labelled_reference, &d->labelled_new};
    for (int s = 0; s < 2; s++) {
        const float *y = st_dataset_labels(ds[s]);
        if (y == NULL)
            continue;
        rc = st_evaluate(p[s], y, st_dataset_weights(ds[s]), st_dataset_n_rows(ds[s]), &prm,
                         ev[s], &err);
        if (rc != ST_OK) {
            status = cli_fail(&err, rc);
            goto done;
        }
        *labelled[s] = 1;
    }
    d->auc_z = d->auc_p = NAN;
    if (d->labelled_reference && d->labelled_new)
        st_drift_auc_test(d->ev_reference.value[ST_METRIC_ROC_AUC],
                          d->ev_reference.delong_variance, d->ev_new.value[ST_METRIC_ROC_AUC],
                          d->ev_new.delong_variance, &d->auc_z, &d->auc_p);
done:
    free(pr), free(pc), free(mr), free(ar), free(mc), free(ac);
    return status;
}
