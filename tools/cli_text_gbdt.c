/* Text columns with boosted trees (cli_text_gbdt.h). */
#include "cli_text_gbdt.h"

#include <stdlib.h>

#include "cli_text.h"

st_status cli_text_attach_gbdt(st_gbdt *m, st_text_featurizer ***f, size_t n, st_error *err)
{
    st_status rc = ST_OK;
    for (size_t k = 0; k < n && rc == ST_OK; k++)
        if ((rc = st_gbdt_add_text_featurizer(m, (*f)[k], err)) == ST_OK)
            (*f)[k] = NULL;
    cli_text_free(*f, n); /* those the model did not take */
    *f = NULL;
    return rc;
}

st_status cli_text_featurize_gbdt(const st_gbdt *m, st_dataset **ds, st_error *err)
{
    const size_t n = st_gbdt_n_text_featurizers(m);
    if (n == 0)
        return ST_OK;
    const st_text_featurizer *f[CLI_TEXT_MAX_COLS];
    for (size_t k = 0; k < n && k < CLI_TEXT_MAX_COLS; k++)
        f[k] = st_gbdt_text_featurizer(m, k);
    return cli_text_apply(f, n < CLI_TEXT_MAX_COLS ? n : CLI_TEXT_MAX_COLS, ds, err);
}
