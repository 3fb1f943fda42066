/* stratum/compare.h's st_compare_run: checks the parameters, makes the folds every row
 * shares, then the rows in the table's order (each setting in compare_setting.c, each
 * fixed model in compare_fixed.c) and marks the best mean of each table column. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "compare_impl.h"
#include "cv_impl.h"

static const st_metric table_metrics[] = {
    ST_METRIC_ROC_AUC, ST_METRIC_PR_AUC, ST_METRIC_PRECISION, ST_METRIC_RECALL,
    ST_METRIC_F1, ST_METRIC_BRIER, ST_METRIC_LOG_LOSS};
enum { N_TABLE = sizeof table_metrics / sizeof table_metrics[0] };

/* `stratum compare`'s --weights default: none, balanced, 2, 5, 10, 25. */
static const st_compare_weight default_weights[] = {
    {ST_CLASS_WEIGHT_NONE, 1}, {ST_CLASS_WEIGHT_BALANCED, 1}, {ST_CLASS_WEIGHT_POSITIVE, 2},
    {ST_CLASS_WEIGHT_POSITIVE, 5}, {ST_CLASS_WEIGHT_POSITIVE, 10},
    {ST_CLASS_WEIGHT_POSITIVE, 25}};

size_t st_compare_metrics(const st_metric **out)
{
    if (out != NULL)
        *out = table_metrics;
    return N_TABLE;
}

const char *st_compare_family_name(st_cv_family family)
{
    return family == ST_CV_GBDT ? "gbdt" : "logreg";
}

st_compare_params st_compare_params_default(void)
{
    st_compare_params p;
    memset(&p, 0, sizeof p);
    p.cv = st_cv_params_default();
    p.logreg = p.gbdt = 1;
    p.recalibrate = ST_CALIBRATION_NONE;
    p.calibration_folds = 5;
    return p;
}

void st_compare_result_free(st_compare_result *res)
{
    if (res == NULL)
        return;
    for (size_t i = 0; res->rows != NULL && i < res->n_settings; i++) {
        st__free(res->rows[i].folds);
        st__free(res->rows[i].oof);
    }
    st__free(res->rows);
    st__free(res->fold_of);
    st__free(res);
}

/* NULL when prm can run, else what is wrong. */
static const char *check(const st_compare_params *prm, char *buf, size_t size)
{
    if ((prm->logreg != 0 && prm->logreg != 1) || (prm->gbdt != 0 && prm->gbdt != 1))
        return "logreg and gbdt: expected 0 or 1";
    if ((prm->logreg || prm->gbdt) && prm->weights != NULL && prm->n_weights == 0)
        return "n_weights: expected at least one weight setting";
    for (size_t w = 0; prm->weights != NULL && w < prm->n_weights; w++) {
        const st_compare_weight *cw = &prm->weights[w];
        if (cw->kind != ST_CLASS_WEIGHT_NONE && cw->kind != ST_CLASS_WEIGHT_BALANCED &&
            cw->kind != ST_CLASS_WEIGHT_POSITIVE) {
            snprintf(buf, size, "weights[%zu].kind: expected NONE, BALANCED or POSITIVE", w);
            return buf;
        }
        if (cw->kind == ST_CLASS_WEIGHT_POSITIVE && !(cw->value > 0 && isfinite(cw->value))) {
            snprintf(buf, size, "weights[%zu].value: expected a finite number > 0, got %g", w,
                     cw->value);
            return buf;
        }
    }
    if (prm->recalibrate != ST_CALIBRATION_NONE && prm->recalibrate != ST_CALIBRATION_PLATT &&
        prm->recalibrate != ST_CALIBRATION_ISOTONIC)
        return "recalibrate: expected ST_CALIBRATION_NONE, _PLATT or _ISOTONIC";
    if (prm->recalibrate != ST_CALIBRATION_NONE && prm->calibration_folds < 2)
        return "calibration_folds: expected at least 2";
    if (prm->n_fixed > 0 && prm->fixed == NULL)
        return "fixed: expected n_fixed models, got NULL";
    for (size_t k = 0; k < prm->n_fixed; k++)
        if (prm->fixed[k].p == NULL) {
            snprintf(buf, size, "fixed[%zu].p: expected the model's predictions, got NULL", k);
            return buf;
        }
    if (!prm->logreg && !prm->gbdt && prm->n_fixed == 0)
        return "nothing to compare: expected a family (logreg, gbdt) or a fixed model";
    return NULL;
}

/* A setting's parameters: the shared ones with the family and the class weight. */
static st_cv_params setting(const st_compare_params *prm, st_cv_family family,
                            const st_compare_weight *w)
{
    st_cv_params s = prm->cv;
    s.family = family;
    s.logreg.class_weight = w->kind;
    s.logreg.positive_weight = w->kind == ST_CLASS_WEIGHT_POSITIVE ? w->value : 1;
    s.gbdt.class_weight = w->kind;
    s.gbdt.positive_weight = s.logreg.positive_weight;
    s.gbdt.scale_pos_weight = 1;
    s.progress = NULL, s.progress_data = NULL;
    s.on_part = NULL, s.part_data = NULL;
    return s;
}

/* Sets best[] of the table's metrics. */
static void mark_best(st_compare_row *rows, size_t n)
{
    for (int k = 0; k < N_TABLE; k++) {
        const st_metric mk = table_metrics[k];
        const double sign = mk == ST_METRIC_BRIER || mk == ST_METRIC_LOG_LOSS ? -1 : 1;
        double best = -INFINITY;
        for (size_t i = 0; i < n; i++)
            if (!isnan(rows[i].summary[mk].mean) && sign * rows[i].summary[mk].mean > best)
                best = sign * rows[i].summary[mk].mean;
        for (size_t i = 0; i < n; i++)
            rows[i].best[mk] = !isnan(rows[i].summary[mk].mean) &&
                               sign * rows[i].summary[mk].mean == best;
    }
}

/* The result with the shared folds made and room for every row. */
static st_status new_result(const st_dataset *ds, const st_compare_params *prm,
                            size_t n_rows_table, st_compare_result **out, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    st_compare_result *res = st__calloc(1, sizeof *res);
    if (res == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for comparing on %zu rows", n);
    res->n_rows = n;
    res->n_repeats = prm->cv.fold_ids != NULL ? 1 : prm->cv.n_repeats;
    int overflow = 0;
    size_t nr = st__mul_size(n ? n : 1, res->n_repeats, &overflow);
    res->fold_of = overflow ? NULL : st__malloc_array(nr, sizeof *res->fold_of);
    res->rows = st__calloc(n_rows_table, sizeof *res->rows);
    st_status rc = res->fold_of == NULL || res->rows == NULL
                 ? st__fail(err, ST_ERR_NOMEM, "out of memory for comparing on %zu rows", n)
                 : st__cv_folds(ds, &prm->cv, res->fold_of, &res->n_folds, err);
    if (rc != ST_OK) {
        st_compare_result_free(res);
        return rc;
    }
    *out = res;
    return ST_OK;
}

st_status st_compare_run(const st_dataset *ds, const st_compare_params *prm,
                         st_compare_result **out, st_error *err)
{
    st_error no_err; /* err may be NULL (stratum/common.h); the folds' messages need one */
    if (err == NULL)
        err = &no_err;
    if (out != NULL)
        *out = NULL;
    if (out == NULL || ds == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_compare_run: ds and out must not be NULL");
    st_compare_params p = prm != NULL ? *prm : st_compare_params_default();
    if (p.weights == NULL) {
        p.weights = default_weights;
        p.n_weights = sizeof default_weights / sizeof default_weights[0];
    }
    char why[256];
    const char *bad = check(&p, why, sizeof why);
    for (int f = 0; bad == NULL && f < 2; f++) /* each family used, at its first weight */
        if (f == 0 ? p.logreg : p.gbdt) {
            st_cv_params s = setting(&p, (st_cv_family)f, &p.weights[0]);
            bad = st__cv_check(ds, &s, why, sizeof why);
        }
    if (bad == NULL && !p.logreg && !p.gbdt)
        bad = st__cv_check(ds, &p.cv, why, sizeof why);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_compare_run: %s", bad);
    const size_t per = p.recalibrate != ST_CALIBRATION_NONE ? 2 : 1;
    const size_t n_settings = (size_t)(p.logreg + p.gbdt) * p.n_weights;
    st_compare_result *res = NULL;
    st_status rc = new_result(ds, &p, n_settings * per + p.n_fixed, &res, err);
    if (rc != ST_OK)
        return rc;
    size_t setting_no = 0;
    for (int f = 0; rc == ST_OK && f < 2; f++)
        for (size_t w = 0; (f == 0 ? p.logreg : p.gbdt) && rc == ST_OK && w < p.n_weights;
             w++) {
            st_compare_row *row = &res->rows[res->n_settings];
            row->fixed = -1;
            row->family = (st_cv_family)f;
            row->weight_index = w;
            row->weight = p.weights[w];
            st_cv_params s = setting(&p, (st_cv_family)f, &p.weights[w]);
            rc = st__compare_setting(ds, &p, &s, setting_no++, n_settings, res, row, err);
            if (rc == ST_OK)
                res->n_settings += per;
        }
    for (size_t k = 0; rc == ST_OK && k < p.n_fixed; k++) {
        st_compare_row *row = &res->rows[res->n_settings];
        row->fixed = (int)k;
        row->family = ST_CV_LOGREG;
        row->weight.kind = ST_CLASS_WEIGHT_NONE, row->weight.value = 1;
        rc = st__compare_fixed(ds, &p, k, res, row, err);
        if (rc == ST_OK) {
            res->n_settings++;
            st__compare_tell(&p, ST_COMPARE_ROW_DONE, n_settings, n_settings, row, NULL);
        }
    }
    if (rc != ST_OK) {
        res->n_settings = n_settings * per + p.n_fixed; /* free every row's blocks */
        st_compare_result_free(res);
        return rc;
    }
    mark_best(res->rows, res->n_settings);
    *out = res;
    return ST_OK;
}
