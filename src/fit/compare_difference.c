/* st_compare_difference: two rows of a comparison compared fold by fold; and
 * st_compare_reference_of: which row each is compared with. */
#include <math.h>

#include "core/alloc.h"
#include "cv_impl.h"
#include "compare_impl.h"

st_cv_summary st_compare_difference(const st_compare_result *res, size_t a, size_t b,
                                    st_metric metric)
{
    st_cv_summary none = {0, NAN, NAN, NAN, NAN};
    if (res == NULL || a >= res->n_settings || b >= res->n_settings || (int)metric < 0 ||
        (int)metric >= ST_METRIC_COUNT)
        return none;
    const size_t m = res->n_folds * res->n_repeats;
    const st_cv_fold *fa = res->rows[a].folds, *fb = res->rows[b].folds;
    double *d = st__malloc_array(m ? m : 1, sizeof *d);
    if (d == NULL || fa == NULL || fb == NULL) { /* no summary rather than a wrong one */
        st__free(d);
        return none;
    }
    double n_test = 0, n_train = 0;
    for (size_t i = 0; i < m; i++) {
        d[i] = fa[i].value[metric] - fb[i].value[metric]; /* NaN when either is */
        n_test += (double)fa[i].n_test;
        n_train += (double)fa[i].n_train;
    }
    /* metric -1: a difference is not clipped to the metric's range */
    st_cv_summary s = st__cv_summarise_corrected(d, m, -1, n_train > 0 ? n_test / n_train : 0);
    st__free(d);
    return s;
}

long st_compare_reference_of(const st_compare_result *res, long reference, size_t i)
{
    if (res == NULL || i >= res->n_settings || reference >= (long)res->n_settings)
        return -1;
    long from = reference >= 0 ? reference : 0;
    const st_compare_row *r = &res->rows[i];
    /* a calibrated row: its own weight uncalibrated (what calibration changed); any
       other setting: its family's first weight, uncalibrated */
    const size_t weight = r->calibrated ? r->weight_index : 0;
    for (size_t j = 0; reference < 0 && r->fixed < 0 && j < res->n_settings; j++)
        if (res->rows[j].fixed < 0 && res->rows[j].family == r->family &&
            res->rows[j].weight_index == weight && !res->rows[j].calibrated) {
            from = (long)j;
            break;
        }
    return from == (long)i ? -1 : from;
}
