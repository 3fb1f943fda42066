/* Loading a model the CLI did not recognise as boosted trees (cli_model_is_gbdt) as a
 * logistic regression: a file that is no model at all is said to be no model, listing
 * every kind the commands read, not only "not a logistic regression". */
#include "cli.h"

#include <string.h>

st_status cli_logreg_load(const char *path, st_logreg **m, st_error *err)
{
    st_status rc = st_logreg_load(path, m, err);
    if (rc != ST_ERR_FORMAT || err == NULL ||
        strstr(err->message, "not a stratum model file") == NULL)
        return rc;
    st_model *any = NULL;
    st_error why;
    if (st_model_load(path, &any, &why) != ST_OK) { /* its message names every kind */
        *err = why;
        rc = why.code;
    }
    st_model_free(any);
    return rc;
}
