/* Cross-validation: one family fitted on one training part, predicting it and a test part
 * (st_cv_fit_predict). Text columns are featurized by featurizers fitted on the training
 * part alone; their texts are tokenised once per dataset (st__cv_text) since the parts of
 * all folds are subsets of it, which gives what fitting on the part's texts would. */
#include <string.h>

#include "core/error.h"
#include "cv_impl.h"

const char *st__cv_family_name(st_cv_family family)
{
    return family == ST_CV_GBDT ? "gbdt" : "logreg";
}

void st__cv_text_free(st__cv_text *t)
{
    for (size_t k = 0; t != NULL && k < ST__CV_MAX_TEXT_COLS; k++) {
        st_text_corpus_free(t->corpus[k]);
        t->corpus[k] = NULL;
    }
}

/* tr and te with prm's text columns featurized by featurizers fitted on tr, into *tr_out
 * and *te_out (both NULL without text columns). */
static st_status text_pair(const st_cv_params *prm, st__cv_text *t, const st_dataset *tr,
                           const st_dataset *te, st_dataset **tr_out, st_dataset **te_out,
                           st_error *err)
{
    *tr_out = *te_out = NULL;
    const size_t n = prm->n_text_cols;
    if (n == 0)
        return ST_OK;
    st_text_featurizer *f[ST__CV_MAX_TEXT_COLS] = {NULL};
    const st_dataset *both[2] = {tr, te};
    st_status rc = ST_OK;
    for (size_t k = 0; k < n && rc == ST_OK; k++) {
        if (t->corpus[k] != NULL && !(st_text_corpus_matches(t->corpus[k], tr) &&
                                      st_text_corpus_matches(t->corpus[k], te))) {
            st_text_corpus_free(t->corpus[k]);
            t->corpus[k] = NULL;
        }
        if (t->corpus[k] == NULL)
            rc = st_text_corpus_build(both, 2, prm->text_cols[k], &prm->text, &t->corpus[k],
                                      err);
        if (rc == ST_OK)
            rc = st_text_fit_corpus(t->corpus[k], tr, &f[k], err);
    }
    const st_text_featurizer *const *cf = (const st_text_featurizer *const *)f;
    const st_text_corpus *const *cc = (const st_text_corpus *const *)t->corpus;
    if (rc == ST_OK)
        rc = st_text_transform_corpus(cf, cc, n, tr, tr_out, err);
    if (rc == ST_OK)
        rc = st_text_transform_corpus(cf, cc, n, te, te_out, err);
    for (size_t k = 0; k < n; k++)
        st_text_featurizer_free(f[k]);
    if (rc != ST_OK) {
        st_dataset_free(*tr_out);
        *tr_out = NULL;
    }
    return rc;
}

static st_status logreg_part(const st_cv_params *prm, const st_dataset *tr,
                             const st_dataset *te, double *p_train, double *p_test,
                             st_cv_params *chosen, st_error *err)
{
    st_logreg *m = NULL;
    st_logreg_params lp = prm->logreg;
    lp.n_threads = prm->n_threads;
    if (lp.should_stop == NULL) /* the fit stops with the cross-validation */
        lp.should_stop = prm->should_stop, lp.should_stop_data = prm->should_stop_data;
    st_status rc = st_logreg_train(tr, &lp, &m, err);
    st_logreg_lambda_choice choice;
    if (rc == ST_OK && chosen != NULL && st_logreg_lambda_choice_of(m, &choice))
        chosen->logreg.lambda = choice.lambda;
    if (rc == ST_OK && p_train != NULL)
        rc = st_logreg_predict(m, tr, p_train, st_dataset_n_rows(tr), err);
    if (rc == ST_OK)
        rc = st_logreg_predict(m, te, p_test, st_dataset_n_rows(te), err);
    st_logreg_free(m);
    return rc;
}

/* With valid_fraction, a stratified share of tr is held out as the validation set for
 * early stopping; the test part never is. */
static st_status gbdt_part(const st_cv_params *prm, const st_dataset *tr, const st_dataset *te,
                           double *p_train, double *p_test, st_cv_params *chosen,
                           st_error *err)
{
    st_gbdt *m = NULL;
    st_gbdt_params gp = prm->gbdt;
    gp.n_threads = prm->n_threads;
    if (gp.should_stop == NULL) /* the fit stops with the cross-validation */
        gp.should_stop = prm->should_stop, gp.should_stop_data = prm->should_stop_data;
    st_dataset *fit = NULL, *valid = NULL;
    st_status rc = ST_OK;
    if (prm->valid_fraction > 0)
        rc = st_cv_holdout_split(tr, prm->valid_fraction, gp.seed, &fit, &valid, err);
    if (rc == ST_OK)
        rc = st_gbdt_train_ex(fit != NULL ? fit : tr, valid, &gp, prm->gbdt_callbacks, &m, err);
    st_dataset_free(fit);
    st_dataset_free(valid);
    st_gbdt_auto_trees_info info;
    if (rc == ST_OK && chosen != NULL && st_gbdt_auto_trees(m, &info))
        chosen->gbdt.num_trees = info.num_trees;
    if (rc == ST_OK && p_train != NULL)
        rc = st_gbdt_predict(m, tr, ST_GBDT_PROBABILITY, gp.n_threads, p_train,
                             st_dataset_n_rows(tr), err);
    if (rc == ST_OK)
        rc = st_gbdt_predict(m, te, ST_GBDT_PROBABILITY, gp.n_threads, p_test,
                             st_dataset_n_rows(te), err);
    st_gbdt_free(m);
    return rc;
}

st_status st__cv_fit_predict(const st_cv_params *prm, st__cv_text *text, const st_dataset *tr,
                             const st_dataset *te, double *p_train, double *p_test,
                             st_cv_params *chosen, st_error *err)
{
    st_dataset *trt = NULL, *tet = NULL;
    st_status rc = text_pair(prm, text, tr, te, &trt, &tet, err);
    if (trt != NULL)
        tr = trt, te = tet;
    if (rc == ST_OK)
        rc = prm->family == ST_CV_GBDT ? gbdt_part(prm, tr, te, p_train, p_test, chosen, err)
                                       : logreg_part(prm, tr, te, p_train, p_test, chosen, err);
    st_dataset_free(trt);
    st_dataset_free(tet);
    return rc;
}

st_status st_cv_fit_predict(const st_cv_params *prm, const st_dataset *tr,
                            const st_dataset *te, double *p_train, double *p_test,
                            st_cv_params *chosen, st_error *err)
{
    if (prm == NULL || tr == NULL || te == NULL || p_test == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_fit_predict: prm, tr, te and p_test "
                        "must not be NULL");
    if (prm->n_text_cols > ST__CV_MAX_TEXT_COLS || (prm->n_text_cols && !prm->text_cols))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_fit_predict: n_text_cols %zu: "
                        "expected at most %d names in text_cols", prm->n_text_cols,
                        ST__CV_MAX_TEXT_COLS);
    st__cv_text text;
    memset(&text, 0, sizeof text);
    st_status rc = st__cv_fit_predict(prm, &text, tr, te, p_train, p_test, chosen, err);
    st__cv_text_free(&text);
    return rc;
}
