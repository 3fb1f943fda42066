/* Cross-validation: one fold. Trains on the training part, picks the threshold without the
 * test part and evaluates the test part with st_evaluate (no bootstrap). A threshold rule
 * is applied to out-of-fold predictions of an inner cross-validation of the training part
 * (threshold_folds, default 3): in-sample predictions (threshold_folds 0, cheaper) are
 * overconfident for boosted trees, whose training rows sit near 0 and 1, so a rule applied
 * to them picks thresholds too high for new rows. */
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "cv_impl.h"

/* The threshold prm's rule picks on inner out-of-fold predictions of tr (NaN when none
 * meets it). */
static st_status inner_threshold(const st_cv_params *prm, st__cv_text *text,
                                 const st_dataset *tr, double *threshold, st_error *err)
{
    const size_t n = st_dataset_n_rows(tr);
    double *oof = st__malloc_array(n ? n : 1, sizeof *oof);
    if (oof == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu inner out-of-fold "
                        "predictions", n);
    st_status rc = st__cv_oof(prm, text, tr, prm->threshold_folds, "st_cv_params.threshold_folds",
                              prm->seed, oof, NULL, NULL, err);
    st_eval_params ep = prm->eval;
    ep.n_bootstrap = 0;
    ep.n_threads = prm->n_threads;
    st_eval ev;
    if (rc == ST_OK)
        rc = st_evaluate(oof, st_dataset_labels(tr), st_dataset_weights(tr), n, &ep, &ev, err);
    if (rc == ST_OK)
        *threshold = ev.threshold;
    st__free(oof);
    return rc;
}

/* The parameters of the inner cross-validations of the training part: its rows' groups, and
 * the lambda or number of trees its fit chose (set by the fit). The defaults choose them by
 * their own inner cross-validation, which on the part's parts would cost as much again per
 * inner fold for a choice the part's rows already made, never seeing the test part. */
static st_status inner_params(const st_cv_params *prm, const size_t *train, size_t n_train,
                              st_cv_params *in_tr, double **tr_groups, st_error *err)
{
    *in_tr = *prm;
    *tr_groups = NULL;
    if (prm->groups == NULL)
        return ST_OK;
    if ((*tr_groups = st__malloc_array(n_train ? n_train : 1, sizeof **tr_groups)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the groups of %zu rows", n_train);
    for (size_t i = 0; i < n_train; i++)
        (*tr_groups)[i] = prm->groups[train[i]];
    in_tr->groups = *tr_groups;
    return ST_OK;
}

st_status st__cv_fold(const st_dataset *ds, const st_cv_params *prm, st__cv_text *text,
                      size_t repeat, size_t fold, const size_t *train, size_t n_train,
                      const size_t *test, size_t n_test, double *p_test, st_cv_fold *res,
                      st_error *err)
{
    st_dataset *tr = NULL, *te = NULL;
    double *p_train = NULL, *tr_groups = NULL;
    st_eval ev;
    st_eval_params ep = prm->eval;
    ep.n_bootstrap = 0;
    ep.n_threads = prm->n_threads;
    const int inner = ep.rule != ST_THRESHOLD_FIXED && prm->threshold_folds >= 2;
    const int want_train = ep.rule != ST_THRESHOLD_FIXED && !inner;
    st_cv_params in_tr;
    st_status rc = inner_params(prm, train, n_train, &in_tr, &tr_groups, err);
    if (rc == ST_OK)
        rc = st_dataset_subset(ds, train, n_train, &tr, err);
    if (rc == ST_OK)
        rc = st_dataset_subset(ds, test, n_test, &te, err);
    if (rc == ST_OK && want_train &&
        (p_train = st__malloc_array(n_train, sizeof *p_train)) == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for %zu predictions", n_train);
    if (rc == ST_OK)
        rc = st__cv_fit_predict(prm, text, tr, te, p_train, p_test, &in_tr, err);
    if (rc == ST_OK && inner) {
        double t = NAN;
        rc = inner_threshold(&in_tr, text, tr, &t, err);
        ep.rule = ST_THRESHOLD_FIXED;
        ep.threshold = t;
    }
    if (rc == ST_OK && want_train) {
        rc = st_evaluate(p_train, st_dataset_labels(tr), st_dataset_weights(tr), n_train, &ep,
                         &ev, err);
        if (rc == ST_OK) {
            ep.rule = ST_THRESHOLD_FIXED;
            ep.threshold = ev.threshold;
        }
    }
    if (rc == ST_OK)
        rc = st_evaluate(p_test, st_dataset_labels(te), st_dataset_weights(te), n_test, &ep,
                         &ev, err);
    if (rc == ST_OK) {
        res->repeat = repeat, res->fold = fold;
        res->n_train = n_train, res->n_test = n_test;
        memcpy(res->value, ev.value, sizeof res->value);
        res->threshold = ev.threshold;
    }
    if (rc == ST_OK && prm->on_part != NULL) {
        st_cv_part part = {repeat, fold, tr, te, train, test, p_test, &in_tr};
        rc = prm->on_part(&part, prm->part_data, err);
    }
    st__free(p_train);
    st__free(tr_groups);
    st_dataset_free(tr);
    st_dataset_free(te);
    return rc;
}
