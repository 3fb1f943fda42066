/* stratum cv and compare at one model setting: the library's st_cv_run (stratum/cv.h:
 * train on each training part, pick the threshold without the test fold, evaluate it) with
 * the progress line and the per-fold lines on stderr, and for compare --recalibrate each
 * fold's model also calibrated on an inner cross-validation of its training part. */
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

/* What the library's callbacks need of the command. */
typedef struct fold_run {
    const cv_setup *s;
    cv_fold_result *res;  /* the command's results, filled with the calibrated ones */
    double *oof_cal;      /* calibrated out-of-fold probabilities, or NULL */
    double *p_cal;        /* room for one test part's calibrated probabilities */
    int lines;            /* a line per fold on stderr */
} fold_run;

static void on_progress(const st_cv_progress *p, void *data)
{
    const fold_run *run = data;
    if (p->event == ST_CV_FOLD_START) {
        if (p->n_repeats > 1)
            cli_progress_step("repeat %zu/%zu, fold %zu/%zu", p->repeat + 1, p->n_repeats,
                              p->fold + 1, p->n_folds);
        else
            cli_progress_step("fold %zu/%zu", p->fold + 1, p->n_folds);
        return;
    }
    double auc = p->value[ST_METRIC_ROC_AUC];
    char auc_text[64] = "undefined (one class in the test fold)";
    if (!isnan(auc))
        snprintf(auc_text, sizeof auc_text, "%.4f", auc);
    if (run->lines) {
        cli_progress_clear();
        fprintf(stderr, "fold %zu/%zu of repeat %zu/%zu: %zu training rows, %zu test rows, "
                "ROC-AUC %s\n", p->fold + 1, p->n_folds, p->repeat + 1, p->n_repeats,
                p->n_train, p->n_test, auc_text);
    }
    cli_progress_advance();
}

/* With s->recal: fits the calibration map and threshold on an inner cross-validation of
 * the fold's training part (never on the test fold), maps the test predictions and
 * evaluates them. */
static st_status calibrated_fold(const st_cv_part *part, void *data, st_error *err)
{
    fold_run *run = data;
    const cv_setup *s = run->s;
    cv_setup in_tr = *s; /* at the lambda or trees the fold's fit chose, its rows' groups */
    in_tr.prm.lambda = part->chosen->logreg.lambda;
    in_tr.gprm.num_trees = part->chosen->gbdt.num_trees;
    in_tr.groups = part->chosen->groups;
    cv_fold_result *res = &run->res[part->repeat * s->n_folds + part->fold];
    post_result pr;
    st_status rc = post_fit(&in_tr, part->train, s->recal, s->recal_seed, &pr, err);
    if (rc != ST_OK)
        return rc;
    const size_t n = st_dataset_n_rows(s->ds), n_test = st_dataset_n_rows(part->test);
    for (size_t i = 0; i < n_test; i++)
        run->p_cal[i] = st_calibration_apply(pr.cal, part->p_test[i]);
    st_eval_params ep = s->eval;
    ep.n_bootstrap = 0;
    ep.rule = ST_THRESHOLD_FIXED;
    if (pr.has_threshold)
        ep.threshold = pr.threshold.value;
    st_eval ev;
    rc = st_evaluate(run->p_cal, st_dataset_labels(part->test), st_dataset_weights(part->test),
                     n_test, &ep, &ev, err);
    if (rc == ST_OK) {
        memcpy(res->value_cal, ev.value, sizeof res->value_cal);
        res->threshold_cal = ev.threshold;
    }
    if (rc == ST_OK && run->oof_cal != NULL)
        for (size_t i = 0; i < n_test; i++)
            run->oof_cal[part->repeat * n + part->test_rows[i]] = run->p_cal[i];
    post_result_free(&pr);
    return rc;
}

int cv_run_folds(const cv_setup *s, cv_fold_result *res, double *oof, int progress)
{
    return cv_run_folds_cal(s, res, oof, NULL, progress);
}

int cv_run_folds_cal(const cv_setup *s, cv_fold_result *res, double *oof, double *oof_cal,
                     int progress)
{
    const size_t n = st_dataset_n_rows(s->ds), m = s->n_folds * s->n_repeats;
    fold_run run = {s, res, oof_cal, NULL, progress};
    st_cv_params p = cv_params_of(s);
    p.progress = on_progress;
    p.progress_data = &run;
    if (s->recal != NULL) {
        p.on_part = calibrated_fold;
        p.part_data = &run;
        if ((run.p_cal = malloc((n ? n : 1) * sizeof *run.p_cal)) == NULL) {
            fprintf(stderr, "stratum: out of memory for cross-validation of %zu rows\n", n);
            return EXIT_FAILED;
        }
    }
    st_cv_result *cv = NULL;
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_cv_run(s->ds, &p, &cv, &err);
    free(run.p_cal);
    if (rc != ST_OK) {
        cli_progress_end();
        return cli_fail(&err, rc);
    }
    for (size_t k = 0; k < m; k++) {
        memcpy(res[k].value, cv->folds[k].value, sizeof res[k].value);
        res[k].threshold = cv->folds[k].threshold;
    }
    if (oof != NULL)
        memcpy(oof, cv->oof, n * s->n_repeats * sizeof *oof);
    st_cv_result_free(cv);
    return EXIT_OK;
}
