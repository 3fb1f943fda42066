/* A model's calibration map and decision threshold fitted on inner out-of-fold predictions
 * (stratum/cv.h: st_cv_post_fit), for train --recalibrate / --threshold-rule and compare
 * --recalibrate. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "cv_impl.h"

st_cv_post_params st_cv_post_params_default(void)
{
    st_cv_post_params p;
    memset(&p, 0, sizeof p);
    p.method = ST_CALIBRATION_NONE;
    p.folds = 5;
    p.eval = st_eval_params_default();
    p.eval.n_bootstrap = 0;
    p.seed = ST_DEFAULT_SEED;
    return p;
}

void st_cv_post_result_free(st_cv_post_result *res)
{
    if (res == NULL)
        return;
    st_calibration_free(res->cal);
    st__free(res->fold), st__free(res->oof_raw), st__free(res->oof);
    st__free(res);
}

/* The rule's parameter as stored in the model. */
static double rule_param(const st_eval_params *e)
{
    switch (e->rule) {
    case ST_THRESHOLD_MAX_FBETA: return e->beta;
    case ST_THRESHOLD_MIN_RECALL: return e->min_recall;
    case ST_THRESHOLD_MIN_PRECISION: return e->min_precision;
    default: return NAN;
    }
}

/* The map on res->oof_raw, the calibrated res->oof, the threshold and both evaluations. */
static st_status fit_on_oof(const st_dataset *ds, const st_cv_post_params *o,
                            st_cv_post_result *res, st_error *err)
{
    const size_t n = res->n_rows;
    const float *y = st_dataset_labels(ds), *w = st_dataset_weights(ds);
    st_status rc = ST_OK;
    if (o->method == ST_CALIBRATION_PLATT)
        rc = st_calibration_fit_platt(res->oof_raw, y, w, n, &res->cal, err);
    else if (o->method == ST_CALIBRATION_ISOTONIC)
        rc = st_calibration_fit_isotonic(res->oof_raw, y, w, n, &res->cal, err);
    for (size_t i = 0; rc == ST_OK && i < n; i++)
        res->oof[i] = st_calibration_apply(res->cal, res->oof_raw[i]);
    st_eval_params ep = o->eval;
    ep.n_bootstrap = 0;
    if (rc == ST_OK && (ep.rule != ST_THRESHOLD_FIXED || o->threshold_given)) {
        if (ep.rule != ST_THRESHOLD_FIXED) {
            rc = st_evaluate(res->oof, y, w, n, &ep, &res->after, err);
            if (rc == ST_OK && isnan(res->after.threshold))
                rc = st__fail(err, ST_ERR_DATA, "no threshold meets the rule on the %zu "
                              "out-of-fold predictions", n);
            if (rc == ST_OK)
                res->threshold = (st_decision_threshold){res->after.threshold, ep.rule,
                                                         rule_param(&ep)};
        } else {
            res->threshold = (st_decision_threshold){ep.threshold, ST_THRESHOLD_FIXED, NAN};
        }
        res->has_threshold = rc == ST_OK;
    }
    /* both sets of out-of-fold probabilities at the chosen threshold, for reports */
    ep.rule = ST_THRESHOLD_FIXED;
    ep.threshold = res->has_threshold ? res->threshold.value : NAN;
    if (rc == ST_OK)
        rc = st_evaluate(res->oof_raw, y, w, n, &ep, &res->before, err);
    if (rc == ST_OK)
        rc = st_evaluate(res->oof, y, w, n, &ep, &res->after, err);
    return rc;
}

st_status st_cv_post_fit(const st_dataset *ds, const st_cv_params *model,
                         const st_cv_post_params *post, st_cv_post_result **out, st_error *err)
{
    st_error no_err; /* err may be NULL (stratum/common.h); the folds' messages need one */
    if (err == NULL)
        err = &no_err;
    if (out != NULL)
        *out = NULL;
    if (out == NULL || ds == NULL || model == NULL || post == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_post_fit: ds, model, post and out "
                        "must not be NULL");
    memset(err, 0, sizeof *err);
    if (model->n_text_cols > ST__CV_MAX_TEXT_COLS || (model->n_text_cols && !model->text_cols))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_post_fit: n_text_cols %zu: expected "
                        "at most %d names in text_cols", model->n_text_cols,
                        ST__CV_MAX_TEXT_COLS);
    if ((unsigned)post->method > ST_CALIBRATION_ISOTONIC)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_post_fit: method %d: expected "
                        "ST_CALIBRATION_NONE, _PLATT or _ISOTONIC", (int)post->method);
    if (post->threshold_given && post->eval.rule == ST_THRESHOLD_FIXED &&
        !(post->eval.threshold >= 0 && post->eval.threshold <= 1))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_post_fit: eval.threshold %g: expected "
                        "a number from 0 to 1", post->eval.threshold);
    const size_t n = st_dataset_n_rows(ds);
    st_cv_post_result *res = st__calloc(1, sizeof *res);
    if (res == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu out-of-fold predictions", n);
    res->n_rows = n;
    const int needs_cv = post->method != ST_CALIBRATION_NONE ||
                         post->eval.rule != ST_THRESHOLD_FIXED;
    if (!needs_cv) {
        if (post->threshold_given) {
            res->has_threshold = 1;
            res->threshold = (st_decision_threshold){post->eval.threshold, ST_THRESHOLD_FIXED,
                                                     NAN};
        }
        *out = res;
        return ST_OK;
    }
    res->fold = st__malloc_array(n ? n : 1, sizeof *res->fold);
    res->oof_raw = st__malloc_array(n ? n : 1, sizeof *res->oof_raw);
    res->oof = st__malloc_array(n ? n : 1, sizeof *res->oof);
    st_status rc = ST_OK;
    if (res->fold == NULL || res->oof_raw == NULL || res->oof == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for %zu out-of-fold predictions", n);
    st__cv_text text;
    memset(&text, 0, sizeof text);
    if (rc == ST_OK)
        rc = st__cv_oof(model, &text, ds, post->folds, "st_cv_post_params.folds", post->seed,
                        res->oof_raw, res->fold, &res->n_folds, err);
    st__cv_text_free(&text);
    if (rc == ST_OK)
        rc = fit_on_oof(ds, post, res, err);
    if (rc != ST_OK) {
        st_cv_post_result_free(res);
        return rc;
    }
    *out = res;
    return ST_OK;
}
