/* Text columns with boosted trees (cli_text_gbdt.c): the featurizers handed to a gbdt
 * model, and a gbdt model's featurizers applied to the data it scores (cli_text.h does
 * the same for logistic regression). */
#ifndef STRATUM_CLI_TEXT_GBDT_H
#define STRATUM_CLI_TEXT_GBDT_H

#include "cli.h"

/* Hands the n featurizers to the model (which frees them from then on; those it did not
 * take are freed here, and *f). */
st_status cli_text_attach_gbdt(st_gbdt *m, st_text_featurizer ***f, size_t n, st_error *err);
/* Replaces *ds by its copy with m's text columns featurized (nothing when m has none). */
st_status cli_text_featurize_gbdt(const st_gbdt *m, st_dataset **ds, st_error *err);

#endif
