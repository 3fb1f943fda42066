/* A text model in the explaining commands (explain.h): the model's featurizers, the data
 * featurized as the training did, and each term column's label ("abstract:tumor | tumour"
 * rather than "abstract:#12345"), which every output shows in place of the feature name. */
#include <stdlib.h>
#include <string.h>

#include "cli_text.h"
#include "explain.h"

size_t cli_model_n_text(const cli_model *m)
{
    return m->lr != NULL ? st_logreg_n_text_featurizers(m->lr) : st_gbdt_n_text_featurizers(m->gb);
}

const st_text_featurizer *cli_model_text(const cli_model *m, size_t k)
{
    return m->lr != NULL ? st_logreg_text_featurizer(m->lr, k) : st_gbdt_text_featurizer(m->gb, k);
}

st_status cli_model_featurize(const cli_model *m, st_dataset **ds, int replace, st_error *err)
{
    const size_t n = cli_model_n_text(m);
    if (n == 0)
        return ST_OK;
    const st_text_featurizer *f[CLI_TEXT_MAX_COLS];
    for (size_t k = 0; k < n && k < CLI_TEXT_MAX_COLS; k++)
        f[k] = cli_model_text(m, k);
    st_dataset *out = NULL;
    st_status rc = st_text_transform(f, n < CLI_TEXT_MAX_COLS ? n : CLI_TEXT_MAX_COLS, *ds,
                                     &out, err);
    if (rc == ST_OK) {
        if (replace)
            st_dataset_free(*ds);
        *ds = out;
    }
    return rc;
}

typedef struct named {
    const char *name;
    size_t j;
} named;

static int compare_named(const void *a, const void *b)
{
    return strcmp(((const named *)a)->name, ((const named *)b)->name);
}

/* The feature called name in by_name (sorted by name), or -1. */
static long find_named(const named *by_name, size_t n, const char *name)
{
    named key = {name, 0};
    const named *hit = bsearch(&key, by_name, n, sizeof *by_name, compare_named);
    return hit != NULL ? (long)hit->j : -1;
}

int cli_model_text_labels(cli_model *m)
{
    const size_t nf = m->n_features, n_text = cli_model_n_text(m);
    m->text_feature = NULL;
    m->text_column = NULL;
    if (n_text == 0)
        return EXIT_OK;
    named *by_name = malloc((nf + 1) * sizeof *by_name);
    m->text_feature = malloc((nf + 1) * sizeof *m->text_feature);
    m->text_column = malloc((nf + 1) * sizeof *m->text_column);
    if (by_name == NULL || m->text_feature == NULL || m->text_column == NULL) {
        free(by_name);
        fprintf(stderr, "stratum: out of memory for the names of %zu features\n", nf);
        return EXIT_FAILED;
    }
    for (size_t j = 0; j < nf; j++) {
        by_name[j] = (named){m->gb != NULL ? st_gbdt_feature_name(m->gb, j)
                                            : st_logreg_feature_name(m->lr, j), j};
        m->text_feature[j] = -1;
        m->text_column[j] = 0;
    }
    qsort(by_name, nf, sizeof *by_name, compare_named);
    for (size_t k = 0; k < n_text; k++) {
        const st_text_featurizer *f = cli_model_text(m, k);
        for (size_t t = 0; t < st_text_featurizer_n_terms(f); t++) {
            long j = find_named(by_name, nf, st_text_featurizer_feature_name(f, t));
            if (j >= 0)
                m->text_feature[j] = (long)k, m->text_column[j] = t;
        }
    }
    free(by_name);
    return EXIT_OK;
}
