/* st_model_explain (stratum/explain.h): the chosen rows' risk, contributions, values and
 * texts, and (explain_global.c) the means over every row; map in explain_impl.h. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include <stratum/folds.h>

#include "explain_impl.h"
#include "model_predict.h"

st_explain_params st_explain_params_default(void)
{
    st_explain_params p;
    memset(&p, 0, sizeof p);
    return p;
}

static int calibrated(const st_model *m)
{
    return st_model_family_of(m) == ST_MODEL_GBDT
               ? st_gbdt_calibration(st_model_gbdt(m)) != NULL
               : st_logreg_calibration(st_model_logreg(m)) != NULL;
}

/* A calibrated model's p is after its map while the contributions explain the log-odds
 * before it: the probability they add up to, so that outputs can show both. */
static st_status uncalibrated(st_explanation *ex, st_error *err)
{
    const size_t nf = ex->n_features;
    if ((ex->p_uncalibrated = st__malloc_array(ex->n_rows, sizeof *ex->p_uncalibrated)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu rows", ex->n_rows);
    for (size_t k = 0; k < ex->n_rows; k++) {
        double s = 0;
        for (size_t j = 0; j <= nf; j++)
            s += ex->contrib[k * (nf + 1) + j];
        ex->p_uncalibrated[k] = 1 / (1 + exp(-s));
    }
    return ST_OK;
}

/* The chosen rows of raw (as read) and ds (featurized: raw itself without text). */
static st_status explain_rows(const st_model *m, const st_dataset *raw, const st_dataset *ds,
                              const st_explain_params *prm, st_explanation *ex, st_error *err)
{
    const size_t n = prm->n_rows, nf = ex->n_features, n_texts = ex->n_texts;
    ex->rows = st__malloc_array(n, sizeof *ex->rows);
    ex->p = st__malloc_array(n, sizeof *ex->p);
    ex->contrib = st__malloc_array(n * (nf + 1), sizeof *ex->contrib);
    ex->values = st__calloc(n * nf + 1, sizeof *ex->values);
    ex->texts = n_texts > 0 ? st__calloc(n * n_texts, sizeof *ex->texts) : NULL;
    if (ex->rows == NULL || ex->p == NULL || ex->contrib == NULL || ex->values == NULL ||
        (n_texts > 0 && ex->texts == NULL))
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu rows", n);
    ex->n_rows = n;
    memcpy(ex->rows, prm->rows, n * sizeof *ex->rows);
    st_dataset *part = NULL;
    st_status rc = st_dataset_subset(ds, prm->rows, n, &part, err);
    if (rc == ST_OK &&
        (rc = st__model_predict(m, part, prm->n_threads, ex->p, n, err)) == ST_OK)
        rc = st__model_contrib(m, part, prm->n_threads, ex->contrib, err);
    if (rc == ST_OK && calibrated(m))
        rc = uncalibrated(ex, err);
    for (size_t k = 0; k < n && rc == ST_OK; k++) {
        for (size_t j = 0; j < nf && rc == ST_OK; j++)
            if ((ex->values[k * nf + j] = st__explain_value_text(m, part, j, k)) == NULL)
                rc = ST_ERR_NOMEM;
        for (size_t t = 0; t < n_texts && rc == ST_OK; t++) {
            const char *s = st__explain_row_text(raw, st_model_text_featurizer(m, t),
                                                 prm->rows[k]);
            if (s != NULL && (ex->texts[k * n_texts + t] = st__strdup(s)) == NULL)
                rc = ST_ERR_NOMEM;
        }
        if (rc == ST_ERR_NOMEM)
            st__fail(err, rc, "out of memory for the values of row %zu", prm->rows[k] + 1);
    }
    st_dataset_free(part);
    return rc;
}

static st_status check_args(const st_model *m, const st_dataset *ds, const st_explain_params *prm,
                            st_explanation **out, st_error *err)
{
    if (m == NULL || ds == NULL || prm == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_explain: %s is NULL",
                        m == NULL ? "model" : ds == NULL ? "dataset"
                                            : prm == NULL ? "params" : "out");
    if (prm->n_rows > 0 && prm->rows == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_explain: %zu rows but rows is NULL",
                        prm->n_rows);
    const size_t n = st_dataset_n_rows(ds);
    for (size_t k = 0; k < prm->n_rows; k++)
        if (prm->rows[k] >= n)
            return st__fail(err, ST_ERR_INVALID_ARG, "rows[%zu] = %zu is past the end: the "
                            "data has %zu rows, numbered from 0", k, prm->rows[k], n);
    return ST_OK;
}

st_status st_model_explain(const st_model *m, const st_dataset *ds,
                           const st_explain_params *prm, st_explanation **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    st_status rc = check_args(m, ds, prm, out, err);
    if (rc != ST_OK)
        return rc;
    st_explanation *ex = st__calloc(1, sizeof *ex);
    if (ex == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for an explanation");
    const size_t nf = st_model_n_features(m);
    ex->family = st_model_family_of(m);
    ex->n_features = nf;
    ex->n_texts = st_model_n_text_featurizers(m);
    ex->labels = st__malloc_array(nf ? nf : 1, sizeof *ex->labels);
    if (ex->n_texts > 0) {
        ex->text_featurizer = st__malloc_array(nf ? nf : 1, sizeof *ex->text_featurizer);
        ex->text_term = st__malloc_array(nf ? nf : 1, sizeof *ex->text_term);
    }
    if (ex->labels == NULL ||
        (ex->n_texts > 0 && (ex->text_featurizer == NULL || ex->text_term == NULL))) {
        st_explanation_free(ex);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the names of %zu features", nf);
    }
    rc = st_model_feature_labels(m, ex->labels, ex->text_featurizer, ex->text_term,
                                 nf ? nf : 1, err);
    st_dataset *featurized = NULL; /* a text model: ds's texts into term columns */
    if (rc == ST_OK)
        rc = st_model_featurize(m, ds, &featurized, err);
    const st_dataset *fds = featurized != NULL ? featurized : ds;
    if (rc == ST_OK && prm->n_rows > 0)
        rc = explain_rows(m, ds, fds, prm, ex, err);
    if (rc == ST_OK && prm->global)
        rc = st__explain_global(m, fds, prm, ex, err);
    st_dataset_free(featurized);
    if (rc != ST_OK) {
        st_explanation_free(ex);
        return rc;
    }
    *out = ex;
    return ST_OK;
}

void st_explanation_free(st_explanation *ex)
{
    if (ex == NULL)
        return;
    for (size_t i = 0; ex->values != NULL && i < ex->n_rows * ex->n_features; i++)
        st__free(ex->values[i]);
    for (size_t i = 0; ex->texts != NULL && i < ex->n_rows * ex->n_texts; i++)
        st__free(ex->texts[i]);
    st__free(ex->values), st__free(ex->texts);
    st__free((void *)ex->labels), st__free(ex->text_featurizer), st__free(ex->text_term);
    st__free(ex->rows), st__free(ex->p), st__free(ex->p_uncalibrated), st__free(ex->contrib);
    st__free(ex->mean_abs), st__free(ex->mean), st__free(ex->split), st__free(ex->gain);
    st__free(ex->std_coef);
    st__free(ex);
}
