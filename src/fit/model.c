/* st_model: one handle over a model of either family (stratum/model.h). The handle only
 * dispatches to the family's public functions, except for one row of logistic regression,
 * which st_logreg has no function for: model_logreg_row below sums the row exactly as
 * st_logreg_predict sums each row of a dataset (logreg/logreg_predict.c), so the two agree
 * bit for bit. */
#include <stratum/model.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "logreg/logreg_impl.h"
#include "model_predict.h"

struct st_model {
    st_model_family family;
    st_logreg *logreg; /* the one of the family, owned */
    st_gbdt *gbdt;
};

static st_status wrap(st_model_family family, st_logreg *lr, st_gbdt *gb, st_model **out,
                      st_error *err)
{
    st_model *m = st__calloc(1, sizeof *m);
    if (m == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a model handle");
    m->family = family;
    m->logreg = lr;
    m->gbdt = gb;
    *out = m;
    return ST_OK;
}

st_status st_model_from_logreg(st_logreg *lr, st_model **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (lr == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_from_logreg: %s is NULL",
                        lr == NULL ? "model" : "out");
    return wrap(ST_MODEL_LOGREG, lr, NULL, out, err);
}

st_status st_model_from_gbdt(st_gbdt *gb, st_model **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (gb == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_from_gbdt: %s is NULL",
                        gb == NULL ? "model" : "out");
    return wrap(ST_MODEL_GBDT, NULL, gb, out, err);
}

/* The first bytes of path (at most size - 1, NUL-terminated); "" when it cannot be read,
 * which the family loader then reports. */
static void file_head(const char *path, char *head, size_t size)
{
    head[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return;
    size_t n = fread(head, 1, size - 1, f);
    head[n] = '\0';
    fclose(f);
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

st_status st_model_load(const char *path, st_model **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_load: %s is NULL",
                        path == NULL ? "path" : "out");
    char head[64];
    file_head(path, head, sizeof head);
    st_status rc;
    if (starts_with(head, "stratum-model 1 logreg")) {
        st_logreg *lr = NULL;
        rc = st_logreg_load(path, &lr, err);
        if (rc == ST_OK && (rc = st_model_from_logreg(lr, out, err)) != ST_OK)
            st_logreg_free(lr);
        return rc;
    }
    st_gbdt *gb = NULL;
    rc = st_gbdt_load(path, &gb, err);
    if (rc == ST_ERR_FORMAT && !starts_with(head, "stratum-model") && head[0] != '{' &&
        !starts_with(head, "tree"))
        /* the boosted-trees loader, tried last, names only its own first line */
        return st__fail(err, ST_ERR_FORMAT, "%s:1: not a model file: expected "
                        "'stratum-model 1 logreg' or 'stratum-model 1 gbdt' on the first "
                        "line, or an XGBoost JSON or LightGBM text model", path);
    if (rc == ST_OK && (rc = st_model_from_gbdt(gb, out, err)) != ST_OK)
        st_gbdt_free(gb);
    return rc;
}

st_model_family st_model_family_of(const st_model *m)
{
    return m != NULL && m->gbdt != NULL ? ST_MODEL_GBDT : ST_MODEL_LOGREG;
}

const st_logreg *st_model_logreg(const st_model *m) { return m ? m->logreg : NULL; }
const st_gbdt *st_model_gbdt(const st_model *m) { return m ? m->gbdt : NULL; }
st_logreg *st_model_logreg_mut(st_model *m) { return m ? m->logreg : NULL; }
st_gbdt *st_model_gbdt_mut(st_model *m) { return m ? m->gbdt : NULL; }

size_t st_model_n_features(const st_model *m)
{
    if (m == NULL)
        return 0;
    return m->gbdt ? st_gbdt_n_features(m->gbdt) : st_logreg_n_features(m->logreg);
}

const char *st_model_feature_name(const st_model *m, size_t j)
{
    if (m == NULL)
        return NULL;
    return m->gbdt ? st_gbdt_feature_name(m->gbdt, j) : st_logreg_feature_name(m->logreg, j);
}

size_t st_model_n_levels(const st_model *m, size_t j)
{
    if (m == NULL || j >= st_model_n_features(m))
        return 0;
    if (m->gbdt)
        return st_gbdt_n_levels(m->gbdt, j);
    const st__lr_feature *f = &m->logreg->features[j];
    return f->type == ST_FEATURE_CATEGORICAL ? f->n_levels : 0;
}

const char *st_model_level(const st_model *m, size_t j, size_t k)
{
    if (k >= st_model_n_levels(m, j))
        return NULL;
    return m->gbdt ? st_gbdt_level(m->gbdt, j, k) : m->logreg->features[j].levels[k];
}

st_status st__model_predict(const st_model *m, const st_dataset *ds, int n_threads,
                            double *out, size_t n_out, st_error *err)
{
    if (m == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_predict: model is NULL");
    if (m->gbdt)
        return st_gbdt_predict(m->gbdt, ds, ST_GBDT_PROBABILITY, n_threads, out, n_out, err);
    return st_logreg_predict(m->logreg, ds, out, n_out, err);
}

st_status st_model_predict(const st_model *m, const st_dataset *ds, double *out,
                           size_t n_out, st_error *err)
{
    return st__model_predict(m, ds, 0, out, n_out, err);
}

/* One row of logistic regression, term for term as logreg_predict.c's add_feature adds a
 * dataset row (intercept first, then each feature in model order). */
static double model_logreg_row(const st_logreg *lr, const float *x)
{
    double eta = lr->intercept;
    for (size_t j = 0; j < lr->n_features; j++) {
        const st__lr_feature *f = &lr->features[j];
        const double *coef = lr->coefs + f->col;
        const double ind = f->indicator >= 0 ? lr->coefs[f->indicator] : 0;
        const float v = x[j];
        if (isnan(v)) {
            eta += ind + (f->type == ST_FEATURE_NUMERIC ? coef[0] * f->fill : 0);
        } else if (f->type == ST_FEATURE_NUMERIC) {
            eta += coef[0] * v;
        } else if (v >= 0 && v < (double)f->n_levels && v == floorf(v)) {
            eta += coef[(size_t)v]; /* other codes: a level the model does not know */
        }
    }
    double p = eta >= 0 ? 1 / (1 + exp(-eta)) : exp(eta) / (1 + exp(eta));
    if (lr->post.cal != NULL)
        p = st_calibration_apply(lr->post.cal, p);
    return p;
}

st_status st_model_predict_row(const st_model *m, const float *x, size_t n_x, double *p,
                               st_error *err)
{
    if (m == NULL || x == NULL || p == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_predict_row: %s is NULL",
                        m == NULL ? "model" : x == NULL ? "x" : "p");
    if (n_x != st_model_n_features(m))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_predict_row: the row has %zu "
                        "values, the model %zu features", n_x, st_model_n_features(m));
    if (m->gbdt != NULL)
        return st_gbdt_predict_row(m->gbdt, x, n_x, ST_GBDT_PROBABILITY, p, err);
    *p = model_logreg_row(m->logreg, x);
    return ST_OK;
}

double st_model_threshold(const st_model *m)
{
    if (m == NULL)
        return NAN;
    return m->gbdt ? st_gbdt_threshold(m->gbdt) : st_logreg_threshold(m->logreg);
}

const char *st_model_positive_class(const st_model *m)
{
    if (m == NULL)
        return NULL;
    return m->gbdt ? st_gbdt_positive_class(m->gbdt) : st_logreg_positive_class(m->logreg);
}

st_status st_model_save(const st_model *m, const char *path, st_error *err)
{
    if (m == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_save: model is NULL");
    return m->gbdt ? st_gbdt_save(m->gbdt, path, err) : st_logreg_save(m->logreg, path, err);
}

void st_model_free(st_model *m)
{
    if (m == NULL)
        return;
    st_logreg_free(m->logreg);
    st_gbdt_free(m->gbdt);
    st__free(m);
}
