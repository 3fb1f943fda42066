/* stratum cv and compare at one model setting: train on each training part, predict its
 * test fold, evaluate that fold with st_evaluate (no bootstrap). A threshold rule is
 * applied to out-of-fold predictions of an inner cross-validation of the training part
 * (--threshold-folds, default 3) and the threshold it picks is used on the test fold,
 * which never influences it. In-sample predictions (--threshold-folds 0, cheaper) are
 * overconfident for boosted trees, whose training rows sit near 0 and 1: a rule applied to
 * them picks thresholds that are too high for new rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_progress.h"
#include "cv.h"
#include "post_fit.h"

const char *cv_model_name(cv_model model)
{
    return model == CV_GBDT ? "gbdt" : "logreg";
}

/* With s->recal: fits the calibration map and threshold on an inner cross-validation of
 * the training part tr (never on the test fold), maps the test predictions into p_cal and
 * evaluates them. */
static st_status calibrated_fold(const cv_setup *s, const st_dataset *tr, const st_dataset *te,
                                 const double *p_test, double *p_cal, cv_fold_result *res,
                                 st_error *err)
{
    post_result pr;
    st_status rc = post_fit(s, tr, s->recal, s->recal_seed, &pr, err);
    if (rc != ST_OK)
        return rc;
    size_t n_test = st_dataset_n_rows(te);
    for (size_t i = 0; i < n_test; i++)
        p_cal[i] = st_calibration_apply(pr.cal, p_test[i]);
    st_eval_params ep = s->eval;
    ep.n_bootstrap = 0;
    ep.rule = ST_THRESHOLD_FIXED;
    if (pr.has_threshold)
        ep.threshold = pr.threshold.value;
    st_eval ev;
    rc = st_evaluate(p_cal, st_dataset_labels(te), st_dataset_weights(te), n_test, &ep, &ev,
                     err);
    if (rc == ST_OK) {
        memcpy(res->value_cal, ev.value, sizeof res->value_cal);
        res->threshold_cal = ev.threshold;
    }
    post_result_free(&pr);
    return rc;
}

/* The threshold s's rule picks on inner out-of-fold predictions of tr (NaN when none
 * meets it). */
static st_status inner_threshold(const cv_setup *s, const st_dataset *tr, double *threshold,
                                 st_error *err)
{
    const size_t n = st_dataset_n_rows(tr);
    double *oof = malloc((n ? n : 1) * sizeof *oof);
    if (oof == NULL) {
        snprintf(err->message, sizeof err->message, "out of memory for %zu inner "
                 "out-of-fold predictions", n);
        return ST_ERR_NOMEM;
    }
    cv_setup inner = *s;
    inner.recal = NULL;
    st_status rc = post_oof(&inner, tr, (long)s->threshold_folds, s->threshold_seed, oof, err);
    st_eval ev;
    if (rc == ST_OK)
        rc = st_evaluate(oof, st_dataset_labels(tr), st_dataset_weights(tr), n, &s->eval, &ev,
                         err);
    if (rc == ST_OK)
        *threshold = ev.threshold;
    free(oof);
    return rc;
}

/* Fits the training part, picks the threshold on it and evaluates the test part; the
 * test predictions go to p_test (and, calibrated, to p_cal with s->recal). */
static st_status one_fold(const cv_setup *s, const size_t *train, size_t n_train,
                          const size_t *test, size_t n_test, double *p_test, double *p_cal,
                          cv_fold_result *res, st_error *err)
{
    st_dataset *tr = NULL, *te = NULL;
    double *p_train = NULL;
    st_eval ev;
    st_eval_params ep = s->eval;
    ep.n_bootstrap = 0;
    const int inner = ep.rule != ST_THRESHOLD_FIXED && s->threshold_folds >= 2;
    int want_train = ep.rule != ST_THRESHOLD_FIXED && !inner;
    /* The inner cross-validations run on tr: with groups, they take tr's rows' ids; they fit
     * at the lambda or number of trees the fit of tr chose (the defaults choose them by
     * their own inner cross-validation, which on tr's parts would cost as much again per
     * inner fold for a choice that tr's rows already made, never seeing the test part). */
    cv_setup in_tr = *s;
    double *tr_groups = NULL;
    st_status rc = st_dataset_subset(s->ds, train, n_train, &tr, err);
    if (rc == ST_OK)
        rc = st_dataset_subset(s->ds, test, n_test, &te, err);
    if (rc == ST_OK && s->groups != NULL) {
        if ((tr_groups = malloc((n_train ? n_train : 1) * sizeof *tr_groups)) == NULL)
            rc = ST_ERR_NOMEM;
        for (size_t i = 0; rc == ST_OK && i < n_train; i++)
            tr_groups[i] = s->groups[train[i]];
        in_tr.groups = tr_groups;
    }
    if (rc == ST_OK && want_train && (p_train = malloc(n_train * sizeof *p_train)) == NULL)
        rc = ST_ERR_NOMEM;
    if (rc == ST_OK)
        rc = s->model == CV_GBDT ? cv_gbdt_fit_predict(s, tr, te, p_train, p_test, &in_tr, err)
                                 : cv_logreg_fit_predict(s, tr, te, p_train, p_test, &in_tr,
                                                         err);
    if (rc == ST_OK && inner) {
        double t = NAN;
        rc = inner_threshold(&in_tr, tr, &t, err);
        ep.rule = ST_THRESHOLD_FIXED;
        ep.threshold = t;
    }
    if (rc == ST_OK && want_train) {
        rc = st_evaluate(p_train, st_dataset_labels(tr), st_dataset_weights(tr), n_train,
                         &ep, &ev, err);
        if (rc == ST_OK) {
            ep.rule = ST_THRESHOLD_FIXED;
            ep.threshold = ev.threshold;
        }
    }
    if (rc == ST_OK)
        rc = st_evaluate(p_test, st_dataset_labels(te), st_dataset_weights(te), n_test, &ep,
                         &ev, err);
    if (rc == ST_OK) {
        memcpy(res->value, ev.value, sizeof res->value);
        res->threshold = ev.threshold;
    }
    if (rc == ST_OK && s->recal != NULL)
        rc = calibrated_fold(&in_tr, tr, te, p_test, p_cal, res, err);
    free(p_train);
    free(tr_groups);
    st_dataset_free(tr);
    st_dataset_free(te);
    return rc;
}

int cv_run_folds(const cv_setup *s, cv_fold_result *res, double *oof, int progress)
{
    return cv_run_folds_cal(s, res, oof, NULL, progress);
}

int cv_run_folds_cal(const cv_setup *s, cv_fold_result *res, double *oof, double *oof_cal,
                     int progress)
{
    size_t n = st_dataset_n_rows(s->ds);
    size_t *train = malloc(n * sizeof *train), *test = malloc(n * sizeof *test);
    double *p = malloc(n * sizeof *p), *p_cal = malloc(n * sizeof *p_cal);
    int status = EXIT_OK;
    if (!train || !test || !p || !p_cal) {
        fprintf(stderr, "stratum: out of memory for cross-validation of %zu rows\n", n);
        status = EXIT_FAILED;
    }
    for (size_t r = 0; status == EXIT_OK && r < s->n_repeats; r++) {
        for (size_t f = 0; status == EXIT_OK && f < s->n_folds; f++) {
            size_t n_train, n_test;
            if (s->n_repeats > 1)
                cli_progress_step("repeat %zu/%zu, fold %zu/%zu", r + 1, s->n_repeats, f + 1,
                                  s->n_folds);
            else
                cli_progress_step("fold %zu/%zu", f + 1, s->n_folds);
            cv_split(s, r, f, train, &n_train, test, &n_test);
            st_error err;
            memset(&err, 0, sizeof err);
            st_status rc = n_test == 0 ? ST_ERR_DATA
                         : one_fold(s, train, n_train, test, n_test, p, p_cal,
                                    &res[r * s->n_folds + f], &err);
            if (rc != ST_OK) {
                cli_progress_end();
                fprintf(stderr, "stratum: %s, fold %zu of repeat %zu: %s\n",
                        cv_model_name(s->model), f + 1, r + 1,
                        n_test == 0 ? "the test part is empty"
                        : err.message[0] ? err.message : st_status_str(rc));
                status = EXIT_FAILED;
                break;
            }
            if (oof != NULL)
                for (size_t i = 0; i < n_test; i++)
                    oof[r * n + test[i]] = p[i];
            if (oof_cal != NULL && s->recal != NULL)
                for (size_t i = 0; i < n_test; i++)
                    oof_cal[r * n + test[i]] = p_cal[i];
            double auc = res[r * s->n_folds + f].value[ST_METRIC_ROC_AUC];
            char auc_text[64] = "undefined (one class in the test fold)";
            if (!isnan(auc))
                snprintf(auc_text, sizeof auc_text, "%.4f", auc);
            if (progress)
                cli_progress_clear();
            if (progress)
                fprintf(stderr, "fold %zu/%zu of repeat %zu/%zu: %zu training rows, %zu test "
                        "rows, ROC-AUC %s\n", f + 1, s->n_folds, r + 1, s->n_repeats,
                        n_train, n_test, auc_text);
            cli_progress_advance();
        }
    }
    free(train), free(test), free(p), free(p_cal);
    return status;
}
