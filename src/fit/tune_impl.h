/* The pieces of st_tune_run (stratum/tune.h): the space and its draws (tune_space.c), one
 * successive-halving search without the refit (tune_search.c), and the nested estimate
 * (tune_nested.c), which runs searches of its own. tune.c checks the parameters, runs the
 * search, refits the best and scores the defaults. */
#ifndef ST_FIT_TUNE_IMPL_H
#define ST_FIT_TUNE_IMPL_H

#include <stdint.h>

#include "stratum/fit.h"
#include "stratum/folds.h"
#include "stratum/tune.h"

/* The metric maximised (ROC-AUC, PR-AUC) or minimised (log loss, Brier score). */
int st__tune_maximised(st_metric m);

/* 1 when mean a is better than mean b for metric m; NaN is worse than any number. */
int st__tune_better(st_metric m, double a, double b);

/* Candidate `id`'s parameters: prm's family options with the parameters not fixed drawn
 * from the space, into c->logreg or c->gbdt. */
void st__tune_draw(const st_tune_params *prm, size_t id, st_tune_candidate *c);

/* A search on ds: fills res's folds (fold_of, n_folds, n_rows), tried, rungs, budget_spent
 * and best; not the model, defaults or nested estimate. t0 is the clock's reading at the
 * start (unused without a budget). */
st_status st__tune_search(const st_dataset *ds, const st_tune_params *prm, double t0,
                          st_tune_result *res, st_error *err);

/* The tuned procedure's nested estimate into res->nested (prm->nested_folds outer folds). */
st_status st__tune_nested(const st_dataset *ds, const st_tune_params *prm,
                          st_tune_result *res, st_error *err);

/* The cross-validation parameters a candidate is scored with: prm->cv with c's family
 * options, a fixed threshold and no callbacks. */
st_cv_params st__tune_cv_params(const st_tune_params *prm, const st_tune_candidate *c);

/* The time budget of one search (tune_budget.c): prm's seconds and clock from t0, and the
 * caller's cv.should_stop, which the hook asks first. */
typedef struct st__tune_budget {
    double seconds;          /* 0: none */
    st_tune_clock_fn clock;
    void *clock_data;
    double t0;
    int fired;               /* 1 once the clock was found past the budget */
    st_should_stop_fn caller;
    void *caller_data;
} st__tune_budget;

st__tune_budget st__tune_budget_make(const st_tune_params *prm, double t0);

/* 1 when the budget is spent (reads the clock until it is; never with no budget). */
int st__tune_budget_spent(st__tune_budget *b);

/* The should_stop hook (data: an st__tune_budget): the caller's stop, or the budget spent. */
int st__tune_budget_stop(void *data);

/* With a budget, cp's folds and fits stop once it is spent (cp->should_stop = the hook on
 * b); without one cp keeps the caller's should_stop, so the search is what it was. */
void st__tune_budget_watch(st__tune_budget *b, st_cv_params *cp);

/* splitmix64: the next value of the stream in *state. */
static inline uint64_t st__tune_splitmix(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

#endif
