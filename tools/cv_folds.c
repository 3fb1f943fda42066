/* stratum cv at one model setting: the library's st_cv_run (stratum/cv.h: train on each
 * training part, pick the threshold without the test fold, evaluate it) with the progress
 * line and the per-fold lines on stderr. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_progress.h"
#include "cv.h"

const char *cv_model_name(cv_model model)
{
    return model == CV_GBDT ? "gbdt" : "logreg";
}

/* What the library's callbacks need of the command. */
typedef struct fold_run {
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

int cv_run_folds(const cv_setup *s, st_cv_result **cv, int progress)
{
    fold_run run = {progress};
    st_cv_params p = cv_params_of(s);
    p.progress = on_progress;
    p.progress_data = &run;
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_cv_run(s->ds, &p, cv, &err);
    if (rc != ST_OK) {
        cli_progress_end();
        return cli_fail(&err, rc);
    }
    return EXIT_OK;
}
