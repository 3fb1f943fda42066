/* stratum cv and compare, logistic regression: fit one training part, predict. */
#include <stdlib.h>

#include "cli_progress.h"
#include "cli_text.h"
#include "cv.h"

st_status cv_logreg_fit_predict(const cv_setup *s, const st_dataset *tr, const st_dataset *te,
                                double *p_train, double *p_test, cv_setup *chosen,
                                st_error *err)
{
    st_logreg *m = NULL;
    st_logreg_params prm = s->prm;
    cli_progress_logreg_params(&prm); /* the fit is the same either way */
    st_dataset *trt = NULL, *tet = NULL; /* text columns featurized as tr alone says */
    st_status rc = cli_text_fit_pair(s->text, tr, te, &trt, &tet, err);
    if (trt != NULL)
        tr = trt, te = tet;
    if (rc == ST_OK)
        rc = st_logreg_train(tr, &prm, &m, err);
    st_logreg_lambda_choice choice;
    if (rc == ST_OK && chosen != NULL && st_logreg_lambda_choice_of(m, &choice))
        chosen->prm.lambda = choice.lambda;
    if (rc == ST_OK && p_train != NULL)
        rc = st_logreg_predict(m, tr, p_train, st_dataset_n_rows(tr), err);
    if (rc == ST_OK)
        rc = st_logreg_predict(m, te, p_test, st_dataset_n_rows(te), err);
    st_logreg_free(m);
    st_dataset_free(trt);
    st_dataset_free(tet);
    return rc;
}
