/* A model of text columns behind st_model (stratum/model.h): the family model's featurizers,
 * data featurized as the training did, and each term column's label ("abstract:tumor |
 * tumour" rather than the column name "abstract:#12345"), which every output of an
 * explanation shows in place of the feature name. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

#include <stratum/model.h>

size_t st_model_n_text_featurizers(const st_model *m)
{
    if (st_model_gbdt(m) != NULL)
        return st_gbdt_n_text_featurizers(st_model_gbdt(m));
    return st_model_logreg(m) != NULL ? st_logreg_n_text_featurizers(st_model_logreg(m)) : 0;
}

const st_text_featurizer *st_model_text_featurizer(const st_model *m, size_t k)
{
    if (k >= st_model_n_text_featurizers(m))
        return NULL;
    return st_model_gbdt(m) != NULL ? st_gbdt_text_featurizer(st_model_gbdt(m), k)
                                    : st_logreg_text_featurizer(st_model_logreg(m), k);
}

st_status st_model_featurize(const st_model *m, const st_dataset *ds, st_dataset **out,
                             st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (m == NULL || ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_featurize: %s is NULL",
                        m == NULL ? "model" : ds == NULL ? "dataset" : "out");
    const size_t n = st_model_n_text_featurizers(m);
    if (n == 0)
        return ST_OK;
    const st_text_featurizer **f = st__malloc_array(n, sizeof *f);
    if (f == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu text featurizers", n);
    for (size_t k = 0; k < n; k++)
        f[k] = st_model_text_featurizer(m, k);
    st_status rc = st_text_transform(f, n, ds, out, err);
    st__free((void *)f);
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

st_status st_model_feature_labels(const st_model *m, const char **labels, long *featurizer,
                                  size_t *term, size_t n, st_error *err)
{
    const size_t nf = st_model_n_features(m), n_text = st_model_n_text_featurizers(m);
    if (m == NULL || (labels == NULL && featurizer == NULL && term == NULL))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_feature_labels: %s is NULL",
                        m == NULL ? "model" : "every output");
    if (n < nf)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_model_feature_labels: room for %zu "
                        "features, the model has %zu", n, nf);
    for (size_t j = 0; j < nf; j++) {
        if (labels != NULL)
            labels[j] = st_model_feature_name(m, j);
        if (featurizer != NULL)
            featurizer[j] = -1;
        if (term != NULL)
            term[j] = 0;
    }
    if (n_text == 0)
        return ST_OK;
    named *by_name = st__malloc_array(nf + 1, sizeof *by_name);
    if (by_name == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the names of %zu features", nf);
    for (size_t j = 0; j < nf; j++)
        by_name[j] = (named){st_model_feature_name(m, j), j};
    qsort(by_name, nf, sizeof *by_name, compare_named);
    /* a term column is the feature of the same name (the featurizer names its columns) */
    for (size_t k = 0; k < n_text; k++) {
        const st_text_featurizer *f = st_model_text_featurizer(m, k);
        for (size_t t = 0; t < st_text_featurizer_n_terms(f); t++) {
            named key = {st_text_featurizer_feature_name(f, t), 0};
            const named *hit = bsearch(&key, by_name, nf, sizeof *by_name, compare_named);
            if (hit == NULL)
                continue;
            if (labels != NULL)
                labels[hit->j] = st_text_featurizer_label(f, t);
            if (featurizer != NULL)
                featurizer[hit->j] = (long)k;
            if (term != NULL)
                term[hit->j] = t;
        }
    }
    st__free(by_name);
    return ST_OK;
}
