/* One setting of st_compare_run: st_cv_run of the setting's family and class weight on the
 * shared folds, its folds' progress passed on; with recalibrate, each fold's model also
 * calibrated on an inner cross-validation of its training part (st_cv_post_fit: the map
 * and the threshold from the inner out-of-fold predictions, never from the test fold) and
 * its test predictions evaluated through the map, which makes the setting's second row. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "compare_impl.h"

/* What the cross-validation's callbacks need. */
typedef struct setting_run {
    const st_compare_params *prm;
    size_t setting, n_settings;
    st_compare_row *cal;     /* the calibrated row, or NULL */
    size_t n_folds, n_rows;
    double *p_cal;           /* room for one test part's calibrated probabilities */
} setting_run;

static void on_progress(const st_cv_progress *p, void *data)
{
    const setting_run *run = data;
    st__compare_tell(run->prm, p->event == ST_CV_FOLD_START ? ST_COMPARE_FOLD_START
                                                             : ST_COMPARE_FOLD_DONE,
                     run->setting, run->n_settings, NULL, p);
}

/* The fold's model calibrated: the map and threshold fitted on an inner cross-validation
 * of its training part (at the lambda or trees the fold's fit chose, its rows' groups),
 * then its test predictions mapped and evaluated at that threshold. */
static st_status calibrated_fold(const st_cv_part *part, void *data, st_error *err)
{
    setting_run *run = data;
    const st_compare_params *prm = run->prm;
    st_cv_post_params pp = st_cv_post_params_default();
    pp.method = prm->recalibrate;
    pp.folds = prm->calibration_folds;
    pp.eval = part->chosen->eval;
    pp.eval.n_bootstrap = 0;
    pp.eval.n_threads = part->chosen->n_threads;
    pp.seed = part->chosen->seed;
    st_cv_params model = *part->chosen;
    model.progress = NULL, model.on_part = NULL; /* the outer run's, not the inner ones' */
    st_cv_post_result *post = NULL;
    st_status rc = st_cv_post_fit(part->train, &model, &pp, &post, err);
    if (rc != ST_OK)
        return rc;
    const size_t n_test = st_dataset_n_rows(part->test);
    for (size_t i = 0; i < n_test; i++)
        run->p_cal[i] = st_calibration_apply(post->cal, part->p_test[i]);
    st_eval_params ep = part->chosen->eval;
    ep.n_bootstrap = 0;
    ep.n_threads = part->chosen->n_threads;
    ep.rule = ST_THRESHOLD_FIXED;
    if (post->has_threshold)
        ep.threshold = post->threshold.value;
    st_eval ev;
    rc = st_evaluate(run->p_cal, st_dataset_labels(part->test), st_dataset_weights(part->test),
                     n_test, &ep, &ev, err);
    if (rc == ST_OK) {
        st_cv_fold *fr = &run->cal->folds[part->repeat * run->n_folds + part->fold];
        fr->repeat = part->repeat, fr->fold = part->fold;
        fr->n_train = st_dataset_n_rows(part->train), fr->n_test = n_test;
        memcpy(fr->value, ev.value, sizeof fr->value);
        fr->threshold = ev.threshold;
        for (size_t i = 0; run->cal->oof != NULL && i < n_test; i++)
            run->cal->oof[part->repeat * run->n_rows + part->test_rows[i]] = run->p_cal[i];
    }
    st_cv_post_result_free(post);
    return rc;
}

st_status st__compare_setting(const st_dataset *ds, const st_compare_params *prm,
                              const st_cv_params *cp, size_t setting, size_t n_settings,
                              st_compare_result *res, st_compare_row *row, st_error *err)
{
    const size_t n = res->n_rows, m = res->n_folds * res->n_repeats, nr = n * res->n_repeats;
    const int recal = prm->recalibrate != ST_CALIBRATION_NONE;
    setting_run run = {prm, setting, n_settings, recal ? row + 1 : NULL, res->n_folds, n, NULL};
    st__compare_tell(prm, ST_COMPARE_SETTING_START, setting, n_settings, row, NULL);
    st_status rc = st__compare_row_alloc(row, m, nr, prm->keep_oof, err);
    if (rc == ST_OK && recal) {
        row[1] = *row;
        row[1].folds = NULL, row[1].oof = NULL;
        row[1].calibrated = 1;
        rc = st__compare_row_alloc(&row[1], m, nr, prm->keep_oof, err);
        if (rc == ST_OK && (run.p_cal = st__malloc_array(n ? n : 1, sizeof *run.p_cal)) == NULL)
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for cross-validation of %zu rows",
                          n);
    }
    st_cv_params p = *cp;
    p.progress = on_progress;
    p.progress_data = &run;
    if (recal) {
        p.on_part = calibrated_fold;
        p.part_data = &run;
    }
    st_cv_result *cv = NULL;
    if (rc == ST_OK)
        rc = st_cv_run(ds, &p, &cv, err);
    st__free(run.p_cal);
    if (rc != ST_OK)
        return rc;
    memcpy(row->folds, cv->folds, m * sizeof *row->folds);
    if (row->oof != NULL)
        memcpy(row->oof, cv->oof, nr * sizeof *row->oof);
    st_cv_result_free(cv);
    rc = st__compare_summarise(row, m, err);
    if (rc == ST_OK && recal)
        rc = st__compare_summarise(&row[1], m, err);
    if (rc == ST_OK)
        st__compare_tell(prm, ST_COMPARE_ROW_DONE, setting, n_settings, row, NULL);
    return rc;
}
