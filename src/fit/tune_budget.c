/* stratum tune's time budget (stratum/tune.h): the clock read against the budget, and the
 * should_stop hook every cross-validation of the search is given, so that a candidate
 * running when the budget is spent stops at its next tree or solver iteration instead of
 * finishing. */
#include "tune_impl.h"

st__tune_budget st__tune_budget_make(const st_tune_params *prm, double t0)
{
    st__tune_budget b = {prm->time_budget, prm->clock, prm->clock_data, t0, 0,
                         prm->cv.should_stop, prm->cv.should_stop_data};
    return b;
}

int st__tune_budget_spent(st__tune_budget *b)
{
    if (!b->fired && b->seconds > 0 && b->clock(b->clock_data) - b->t0 >= b->seconds)
        b->fired = 1;
    return b->fired;
}

int st__tune_budget_stop(void *data)
{
    st__tune_budget *b = data;
    /* the caller's own stop first: it fails the search, the budget's only ends it */
    if (b->caller != NULL && b->caller(b->caller_data))
        return 1;
    return st__tune_budget_spent(b);
}

void st__tune_budget_watch(st__tune_budget *b, st_cv_params *cp)
{
    if (b->seconds > 0)
        cp->should_stop = st__tune_budget_stop, cp->should_stop_data = b;
}
