/* A metric summarised across cross-validation folds (st_cv_summarise) from the CLI's fold
 * results (cv.h). Used by the cv report, compare and the reports' curves. */
#include <math.h>
#include <stdlib.h>

#include "cv.h"

cv_summary cv_summarise(const cv_fold_result *res, size_t m, int metric)
{
    double *v = malloc((m ? m : 1) * sizeof *v);
    if (v == NULL) { /* no summary rather than a wrong one */
        cv_summary none = {0, NAN, NAN, NAN, NAN};
        return none;
    }
    for (size_t i = 0; i < m; i++)
        v[i] = metric < 0 ? res[i].threshold : res[i].value[metric];
    cv_summary s = st_cv_summarise(v, m, metric);
    free(v);
    return s;
}
