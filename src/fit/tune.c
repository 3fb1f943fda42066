/* stratum tune's library call (stratum/tune.h: st_tune_run): checks the parameters, runs
 * the successive-halving search (tune_search.c), refits the best on all rows, scores the
 * defaults on the same folds and, when asked, the nested estimate (tune_nested.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "tune_impl.h"

st_tune_params st_tune_params_default(void)
{
    st_tune_params p;
    memset(&p, 0, sizeof p);
    p.cv = st_cv_params_default();
    p.metric = ST_METRIC_ROC_AUC;
    p.n_trials = 27;
    p.eta = 3;
    p.score_defaults = 1;
    p.start_from_defaults = 1;
    p.n_brackets = 1;
    p.resource = ST_TUNE_RESOURCE_ROWS;
    return p;
}

void st_tune_result_free(st_tune_result *res)
{
    if (res == NULL)
        return;
    st_model_free(res->model);
    st__free(res->fold_of);
    st__free(res->tried);
    st__free(res);
}

/* What is wrong with p for ds, or NULL. */
static const char *check(const st_tune_params *p, const st_dataset *ds, char *buf, size_t size)
{
    if (p->cv.family != ST_CV_LOGREG && p->cv.family != ST_CV_GBDT)
        snprintf(buf, size, "cv.family %d: expected ST_CV_LOGREG or ST_CV_GBDT",
                 (int)p->cv.family);
    else if (p->metric != ST_METRIC_ROC_AUC && p->metric != ST_METRIC_PR_AUC &&
             p->metric != ST_METRIC_LOG_LOSS && p->metric != ST_METRIC_BRIER)
        snprintf(buf, size, "metric %d: expected ST_METRIC_ROC_AUC, _PR_AUC, _LOG_LOSS or "
                 "_BRIER", (int)p->metric);
    else if (p->n_trials < 1)
        snprintf(buf, size, "n_trials 0: expected 1 or more");
    else if (p->eta < 2)
        snprintf(buf, size, "eta %zu: expected 2 or more", p->eta);
    else if (!(p->time_budget >= 0) || isinf(p->time_budget))
        snprintf(buf, size, "time_budget %g: expected a number of seconds >= 0 (0: none)",
                 p->time_budget);
    else if (p->time_budget > 0 && p->clock == NULL)
        snprintf(buf, size, "time_budget %g needs a clock", p->time_budget);
    else if (p->n_brackets == 0 && !(p->time_budget > 0))
        snprintf(buf, size, "n_brackets 0 (until the time budget is spent) needs a "
                 "time_budget > 0");
    else if (p->resource != ST_TUNE_RESOURCE_ROWS && p->resource != ST_TUNE_RESOURCE_TREES)
        snprintf(buf, size, "resource %d: expected ST_TUNE_RESOURCE_ROWS or _TREES",
                 (int)p->resource);
    else if (p->resource == ST_TUNE_RESOURCE_TREES &&
             (p->cv.family != ST_CV_GBDT || p->cv.gbdt.num_trees <= 0))
        snprintf(buf, size, "resource trees: expected family gbdt with cv.gbdt.num_trees > 0 "
                 "(the last rung's trees; the default number of trees is chosen inside "
                 "every fit, so the rows are the resource then)");
    else if (p->nested_folds == 1)
        snprintf(buf, size, "nested_folds 1: expected 0 (none) or 2 or more");
    else if (p->cv.n_folds < 2)
        snprintf(buf, size, "cv.n_folds %zu: expected 2 or more", p->cv.n_folds);
    else if (p->cv.n_repeats != 1 || p->cv.fold_ids != NULL)
        snprintf(buf, size, "cv: expected one repeat of folds made from cv.seed and "
                 "cv.groups (n_repeats 1, no fold_ids)");
    else if (p->cv.n_text_cols > 0)
        snprintf(buf, size, "cv.text_cols: text columns are not tuned yet");
    else if (st_dataset_labels(ds) == NULL)
        snprintf(buf, size, "the dataset has no labels");
    else
        return NULL;
    return buf;
}

/* The best candidate refitted on all rows of ds into res->model: after the search, outside
 * the time budget (a tuned search must give a model). */
static st_status refit(const st_dataset *ds, const st_tune_params *p, st_tune_result *res,
                       st_error *err)
{
    const st_tune_candidate *b = &res->tried[res->best];
    if (p->progress != NULL) {
        st_tune_progress pr = {ST_TUNE_REFIT_START, b->rung, res->n_rungs_planned, 1,
                               res->n_rows, b, 0, 0, {NAN, NAN}, b->id / res->n_trials, 0};
        p->progress(&pr, p->progress_data);
    }
    st_train_source src = st_source_dataset(ds);
    st_status rc;
    if (p->cv.family == ST_CV_LOGREG) {
        st_logreg_params lp = b->logreg;
        lp.n_threads = p->cv.n_threads;
        st_logreg *m = NULL;
        rc = st_logreg_fit(&src, &lp, &m, err);
        if (rc == ST_OK && (rc = st_model_from_logreg(m, &res->model, err)) != ST_OK)
            st_logreg_free(m);
    } else {
        st_gbdt_params gp = b->gbdt;
        gp.n_threads = p->cv.n_threads;
        st_gbdt *m = NULL;
        rc = st_gbdt_fit(&src, &gp, NULL, &m, err);
        if (rc == ST_OK && (rc = st_model_from_gbdt(m, &res->model, err)) != ST_OK)
            st_gbdt_free(m);
    }
    if (rc != ST_OK) {
        st_error inner = *err;
        snprintf(err->message, sizeof err->message, "tune, refitting candidate %zu on all "
                 "%zu rows: %.700s", b->id + 1, res->n_rows,
                 inner.message[0] ? inner.message : st_status_str(rc));
        err->code = rc;
    }
    return rc;
}

/* cv's own parameters on all rows and the search's folds, within the time budget (from
 * t0): not scored when it is spent first. */
static st_status score_defaults(const st_dataset *ds, const st_tune_params *p, double t0,
                                st_tune_result *res, st_error *err)
{
    for (size_t i = 0; p->start_from_defaults && i < res->n_tried; i++)
        if (res->tried[i].id == 0 && res->tried[i].n_rows == res->n_rows &&
            !res->tried[i].stopped &&
            (p->resource == ST_TUNE_RESOURCE_ROWS || /* trees: only the last rung has N */
             res->tried[i].rung + 1 == res->n_rungs_planned)) {
            memcpy(res->defaults, res->tried[i].summary, sizeof res->defaults);
            res->has_defaults = 1;
            return ST_OK; /* candidate 1 is the defaults, on all rows and the same folds */
        }
    st_tune_candidate c;
    memset(&c, 0, sizeof c);
    c.logreg = p->cv.logreg;
    c.gbdt = p->cv.gbdt;
    st_cv_params cp = st__tune_cv_params(p, &c);
    st__tune_budget budget = st__tune_budget_make(p, t0);
    if (res->budget_spent || st__tune_budget_spent(&budget)) {
        res->budget_spent = 1; /* it cut the defaults: has_defaults stays 0 */
        return ST_OK;
    }
    st__tune_budget_watch(&budget, &cp);
    st_cv_result *cv = NULL;
    st_status rc = st_cv_run(ds, &cp, &cv, err);
    if (rc == ST_ERR_CANCELLED && budget.fired) {
        res->budget_spent = 1; /* stopped: has_defaults stays 0 */
        st_error_clear(err);
        return ST_OK;
    }
    if (rc != ST_OK) {
        st_error inner = *err;
        snprintf(err->message, sizeof err->message, "tune, the defaults: %.700s",
                 inner.message[0] ? inner.message : st_status_str(rc));
        err->code = rc;
        return rc;
    }
    memcpy(res->defaults, cv->summary, sizeof res->defaults);
    res->has_defaults = 1;
    st_cv_result_free(cv);
    return ST_OK;
}

st_status st_tune_run(const st_dataset *ds, const st_tune_params *prm, st_tune_result **out,
                      st_error *err)
{
    st_error no_err; /* err may be NULL (stratum/common.h); the folds' messages need one */
    if (err == NULL)
        err = &no_err;
    if (out != NULL)
        *out = NULL;
    if (out == NULL || ds == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_tune_run: NULL %s",
                        ds == NULL ? "dataset" : "out");
    st_tune_params def = st_tune_params_default();
    const st_tune_params *p = prm != NULL ? prm : &def;
    char buf[300];
    const char *bad = check(p, ds, buf, sizeof buf);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_tune_run: %s", bad);
    const double t0 = p->time_budget > 0 ? p->clock(p->clock_data) : 0;
    st_tune_result *res = st__calloc(1, sizeof *res);
    if (res == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a search");
    st_status rc = st__tune_search(ds, p, t0, res, err);
    if (rc == ST_OK)
        rc = refit(ds, p, res, err);
    if (rc == ST_OK && p->score_defaults)
        rc = score_defaults(ds, p, t0, res, err);
    if (rc == ST_OK && p->nested_folds >= 2)
        rc = st__tune_nested(ds, p, res, err);
    if (rc != ST_OK) {
        st_tune_result_free(res);
        return rc;
    }
    *out = res;
    return ST_OK;
}
