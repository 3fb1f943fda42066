/* stratum cv: pieces both modes use. */
#include "cv.h"

void cv_split(const cv_setup *s, size_t r, size_t f, size_t *train, size_t *n_train,
              size_t *test, size_t *n_test)
{
    size_t n = st_dataset_n_rows(s->ds);
    const int *fold = s->fold + r * n;
    *n_train = *n_test = 0;
    for (size_t i = 0; i < n; i++) {
        if ((size_t)fold[i] == f)
            test[(*n_test)++] = i;
        else
            train[(*n_train)++] = i;
    }
}

const char *cv_threshold_where(const cv_setup *s, char *buf, size_t size)
{
    if (s->eval.rule == ST_THRESHOLD_FIXED)
        snprintf(buf, size, "%s", "");
    else if (s->threshold_folds >= 2)
        snprintf(buf, size, ", chosen on the out-of-fold predictions of a %zu-fold inner "
                 "cross-validation of each training part", s->threshold_folds);
    else
        snprintf(buf, size, "%s", ", chosen on each training part's own predictions");
    return buf;
}
