/* stratum cv and compare: a cv_setup as the library's cross-validation parameters, and one
 * training part fitted and its test part predicted through st_cv_fit_predict. */
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

st_status cv_fit_predict(const cv_setup *s, const st_dataset *tr, const st_dataset *te,
                         double *p_train, double *p_test, cv_setup *chosen, st_error *err)
{
    st_cv_params p = cv_params_of(s);
    p.n_text_cols = 0; /* featurized here, with the texts kept in s->text for all parts */
    st_dataset *trt = NULL, *tet = NULL;
    st_status rc = cli_text_fit_pair(s->text, tr, te, &trt, &tet, err);
    if (trt != NULL)
        tr = trt, te = tet;
    st_cv_params ch = p;
    if (rc == ST_OK)
        rc = st_cv_fit_predict(&p, tr, te, p_train, p_test, &ch, err);
    if (rc == ST_OK && chosen != NULL) {
        chosen->prm.lambda = ch.logreg.lambda;
        chosen->gprm.num_trees = ch.gbdt.num_trees;
    }
    st_dataset_free(trt);
    st_dataset_free(tet);
    return rc;
}
