/* st_eval_zero_width_note: the intervals of width 0, named for a note under a table. A
 * proportion of 0 or 1 (recall 0.000 when none of 18 positives is found) resamples to
 * itself every time, which is no certainty: the exact 95% interval of 0 of k reaches about
 * 3/k. The text output and the HTML report say it in the same words. */
#include <math.h>
#include <stdio.h>

#include <stratum/metrics.h>

size_t st_eval_zero_width_note(const st_eval *ev, int stratified, char *buf, size_t size)
{
    char names[400] = "";
    size_t used = 0, n = 0;
    for (int m = 0; ev != NULL && m < ST_METRIC_COUNT; m++) {
        if (isnan(ev->value[m]) || ev->n_bootstrap == 0 || isnan(ev->ci_low[m]) ||
            ev->ci_low[m] != ev->ci_high[m] || (m == ST_METRIC_PREVALENCE && stratified))
            continue;
        int k = snprintf(names + used, sizeof names - used, "%s%s", n ? ", " : "",
                         st_metric_label((st_metric)m));
        if (k > 0 && (size_t)k < sizeof names - used)
            used += (size_t)k;
        n++;
    }
    if (buf != NULL && size > 0) {
        buf[0] = '\0';
        if (n > 0)
            snprintf(buf, size, "%s ha%s an interval of width 0: every resample gave the same "
                     "value, as happens when a count it rests on is 0 or all of its rows; that "
                     "is no certainty (0 of k rows has an exact 95%% interval up to about 3/k)",
                     names, n == 1 ? "s" : "ve");
    }
    return n;
}
