/* stratum cv and compare, gradient-boosted trees: fit one training part, predict. The
 * trees are the same for a seed whatever the thread count (stratum/gbdt.h). With
 * --valid-fraction, a stratified share of the training part is held out as the validation
 * set for early stopping; the test part never is. */
#include <stdlib.h>

#include "cli_gbdt_options.h"
#include "cli_progress.h"
#include "cli_text.h"
#include "cv.h"

st_status cv_gbdt_fit_predict(const cv_setup *s, const st_dataset *tr, const st_dataset *te,
                              double *p_train, double *p_test, cv_setup *chosen,
                              st_error *err)
{
    st_gbdt *m = NULL;
    st_dataset *fit = NULL, *valid = NULL; /* the training part split by --valid-fraction */
    st_dataset *trt = NULL, *tet = NULL; /* text columns featurized as tr alone says */
    st_status rc = cli_text_fit_pair(s->text, tr, te, &trt, &tet, err);
    if (trt != NULL)
        tr = trt, te = tet;
    if (rc == ST_OK && s->valid_fraction > 0)
        rc = cli_gbdt_valid_split(tr, s->valid_fraction, s->gprm.seed, &fit, &valid, err);
    if (rc == ST_OK)
        rc = st_gbdt_train_ex(fit != NULL ? fit : tr, valid, &s->gprm,
                              cli_progress_gbdt_callbacks(), &m, err);
    st_dataset_free(fit);
    st_dataset_free(valid);
    st_gbdt_auto_trees_info info;
    if (rc == ST_OK && chosen != NULL && st_gbdt_auto_trees(m, &info))
        chosen->gprm.num_trees = info.num_trees;
    if (rc == ST_OK && p_train != NULL)
        rc = st_gbdt_predict(m, tr, ST_GBDT_PROBABILITY, s->gprm.n_threads, p_train,
                             st_dataset_n_rows(tr), err);
    if (rc == ST_OK)
        rc = st_gbdt_predict(m, te, ST_GBDT_PROBABILITY, s->gprm.n_threads, p_test,
                             st_dataset_n_rows(te), err);
    st_gbdt_free(m);
    st_dataset_free(trt);
    st_dataset_free(tet);
    return rc;
}
