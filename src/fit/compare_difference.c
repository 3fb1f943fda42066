/* st_compare_difference: two rows of a comparison compared fold by fold. */
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
