/* stratum cv and compare, gradient-boosted trees: fit one training part, predict. The
 * trees are the same for a seed whatever the thread count (stratum/gbdt.h). */
#include <stdlib.h>

#include "cv.h"

st_status cv_gbdt_fit_predict(const cv_setup *s, const st_dataset *tr, const st_dataset *te,
                              double *p_train, double *p_test, st_error *err)
{
    st_gbdt *m = NULL;
    st_status rc = st_gbdt_train(tr, &s->gprm, &m, err);
    if (rc == ST_OK && p_train != NULL)
        rc = st_gbdt_predict(m, tr, ST_GBDT_PROBABILITY, s->gprm.n_threads, p_train,
                             st_dataset_n_rows(tr), err);
    if (rc == ST_OK)
        rc = st_gbdt_predict(m, te, ST_GBDT_PROBABILITY, s->gprm.n_threads, p_test,
                             st_dataset_n_rows(te), err);
    st_gbdt_free(m);
    return rc;
}
