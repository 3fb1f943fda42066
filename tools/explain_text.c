/* A text model in the explaining commands (explain.h): the model's featurizers, the data
 * featurized as the training did, and each term column's label ("abstract:tumor | tumour"
 * rather than "abstract:#12345"), which every output shows in place of the feature name
 * (which feature is which term: the library's st_model_feature_labels). */
#include <stdlib.h>

#include "explain.h"

size_t cli_model_n_text(const cli_model *m) { return st_model_n_text_featurizers(m->handle); }

const st_text_featurizer *cli_model_text(const cli_model *m, size_t k)
{
    return st_model_text_featurizer(m->handle, k);
}

st_status cli_model_featurize(const cli_model *m, st_dataset **ds, int replace, st_error *err)
{
    st_dataset *out = NULL;
    st_status rc = st_model_featurize(m->handle, *ds, &out, err);
    if (rc == ST_OK && out != NULL) {
        if (replace)
            st_dataset_free(*ds);
        *ds = out;
    }
    return rc;
}

int cli_model_text_labels(cli_model *m)
{
    const size_t nf = m->n_features, slots = nf ? nf : 1;
    m->text_feature = NULL;
    m->text_column = NULL;
    if (cli_model_n_text(m) == 0)
        return EXIT_OK;
    m->text_feature = malloc(slots * sizeof *m->text_feature);
    m->text_column = malloc(slots * sizeof *m->text_column);
    if (m->text_feature == NULL || m->text_column == NULL) {
        fprintf(stderr, "stratum: out of memory for the names of %zu features\n", nf);
        return EXIT_FAILED;
    }
    st_error err;
    st_status rc = st_model_feature_labels(m->handle, NULL, m->text_feature, m->text_column,
                                           slots, &err);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}
