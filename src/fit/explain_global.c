/* The global part of an explanation (stratum/explain.h): each feature's mean |contribution|
 * and mean contribution over every row, beside the model's own importance (split count and
 * gain for boosted trees, |standardised coefficient| for logistic regression). */
#include <math.h>

#include "core/alloc.h"
#include "core/error.h"
#include <stratum/folds.h>

#include "explain_impl.h"
#include "model_predict.h"

/* The means over every row of ds (fit/model_contrib.c). */
static st_status contribution_means(const st_model *m, const st_dataset *ds,
                                    const st_explain_params *prm, st_explanation *ex,
                                    st_error *err)
{
    return st__model_contrib_means(m, ds, prm->n_threads, 0, prm->progress, prm->progress_data,
                                   ex->mean, ex->mean_abs, &ex->n_global_rows, err);
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
