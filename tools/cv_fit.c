/* stratum cv, compare and train's post-processing: a cv_setup as the library's
 * cross-validation parameters (stratum/cv.h) and as the context of its reports
 * (stratum/report.h). */
#include "cli_progress.h"
#include "cli_text.h"
#include "cv.h"

st_cv_params cv_params_of(const cv_setup *s)
{
    st_cv_params p = st_cv_params_default();
    p.family = s->model == CV_GBDT ? ST_CV_GBDT : ST_CV_LOGREG;
    p.logreg = s->prm;
    cli_progress_logreg_params(&p.logreg); /* the fit is the same either way */
    p.gbdt = s->gprm;
    p.gbdt_callbacks = cli_progress_gbdt_callbacks();
    p.valid_fraction = s->valid_fraction;
    p.n_threads = s->gprm.n_threads;
    p.n_folds = s->n_folds;
    p.n_repeats = s->n_repeats;
    p.seed = s->fold_seed;
    p.groups = s->groups;
    p.fold_ids = s->fold_ids;
    p.eval = s->eval;
    p.threshold_folds = s->threshold_folds;
    if (s->text != NULL && s->text->n_cols > 0) {
        p.text_cols = s->text->cols;
        p.n_text_cols = s->text->n_cols;
        p.text = s->text->opt;
    }
    return p;
}

st_report_context cv_report_context(const cv_setup *s)
{
    st_report_context c = st_report_context_default();
    c.data_name = s->data_path;
    c.folds_how = s->how;
    c.rule_name = s->rule_word;
    return c;
}
