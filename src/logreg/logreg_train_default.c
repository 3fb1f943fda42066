/* st_logreg_train: the fit at the caller's lambda (logreg.c), or, by default
 * (ST_LOGREG_LAMBDA_CV), at the lambda an inner cross-validation on the training rows
 * chooses (logreg_choose.c), recorded in the model. */
#include "logreg_impl.h"

#include <stratum/logreg_path.h>

#include "core/error.h"

st_status st_logreg_train(const st_dataset *ds, const st_logreg_params *prm_in,
                          st_logreg **out, st_error *err)
{
    st_logreg_params prm = prm_in != NULL ? *prm_in : st_logreg_params_default();
    if (prm.lambda != ST_LOGREG_LAMBDA_CV || ds == NULL || out == NULL)
        return st__lr_train_fixed(ds, &prm, out, err);
    *out = NULL;
    const char *bad = st_logreg_params_check(&prm);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "logistic regression: %s", bad);
    st_logreg_lambda_choice choice;
    st_status rc = st_logreg_choose_lambda(ds, &prm, NULL, &choice, err);
    if (rc != ST_OK)
        return rc;
    prm.lambda = choice.lambda;
    if ((rc = st__lr_train_fixed(ds, &prm, out, err)) == ST_OK) {
        (*out)->lambda_chosen = 1;
        (*out)->lambda_choice = choice;
    }
    return rc;
}

int st_logreg_lambda_choice_of(const st_logreg *m, st_logreg_lambda_choice *out)
{
    if (m == NULL || !m->lambda_chosen)
        return 0;
    if (out != NULL)
        *out = m->lambda_choice;
    return 1;
}
