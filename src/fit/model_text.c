/* A model of text columns behind st_model (stratum/model.h): the family model's featurizers,
 * data featurized as the training did, and each term column's label ("abstract:tumor |
 * tumour" rather than the column name "abstract:#12345"), which every output of an
 * explanation shows in place of the feature name. */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "model_impl.h"

/* The family model's width and names (model.c's st_model_* call this file). */
static size_t n_features(const st_model *m)
{
    return m->gbdt != NULL ? st_gbdt_n_features(m->gbdt) : st_logreg_n_features(m->logreg);
}

static const char *feature_name(const st_model *m, size_t j)
{
    return m->gbdt != NULL ? st_gbdt_feature_name(m->gbdt, j)
                           : st_logreg_feature_name(m->logreg, j);
}

size_t st_model_n_text_featurizers(const st_model *m)
{
    if (m == NULL)
        return 0;
    return m->gbdt != NULL ? st_gbdt_n_text_featurizers(m->gbdt)
                           : st_logreg_n_text_featurizers(m->logreg);
}

const st_text_featurizer *st_model_text_featurizer(const st_model *m, size_t k)
{
    if (k >= st_model_n_text_featurizers(m))
        return NULL;
    return m->gbdt != NULL ? st_gbdt_text_featurizer(m->gbdt, k)
                           : st_logreg_text_featurizer(m->logreg, k);
}

int st_model_text_term(const st_model *m, size_t j, size_t *k, size_t *t)
{
    if (m == NULL || m->text_featurizer == NULL || j >= n_features(m) ||
        m->text_featurizer[j] < 0)
        return 0;
    if (k != NULL)
        *k = (size_t)m->text_featurizer[j];
    if (t != NULL)
        *t = m->text_term[j];
    return 1;
}

const char *st_model_feature_label(const st_model *m, size_t j)
{
    size_t k, t;
    if (st_model_text_term(m, j, &k, &t))
        return st_text_featurizer_label(st_model_text_featurizer(m, k), t);
    return m != NULL && j < n_features(m) ? feature_name(m, j) : NULL;
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

st_status st__model_text_map(st_model *m, st_error *err)
{
    const size_t nf = n_features(m), n_text = st_model_n_text_featurizers(m);
    m->text_featurizer = NULL;
    m->text_term = NULL;
    if (n_text == 0)
        return ST_OK;
    named *by_name = st__malloc_array(nf + 1, sizeof *by_name);
    long *feat = st__malloc_array(nf + 1, sizeof *feat);
    size_t *term = st__malloc_array(nf + 1, sizeof *term);
    if (by_name == NULL || feat == NULL || term == NULL) {
        st__free(by_name), st__free(feat), st__free(term);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the names of %zu features", nf);
    }
    for (size_t j = 0; j < nf; j++) {
        by_name[j] = (named){feature_name(m, j), j};
        feat[j] = -1;
        term[j] = 0;
    }
    qsort(by_name, nf, sizeof *by_name, compare_named);
    /* a term column is the feature of the same name (the featurizer names its columns) */
    for (size_t k = 0; k < n_text; k++) {
        const st_text_featurizer *f = st_model_text_featurizer(m, k);
        for (size_t t = 0; t < st_text_featurizer_n_terms(f); t++) {
            named key = {st_text_featurizer_feature_name(f, t), 0};
            const named *hit = bsearch(&key, by_name, nf, sizeof *by_name, compare_named);
            if (hit != NULL)
                feat[hit->j] = (long)k, term[hit->j] = t;
        }
    }
    st__free(by_name);
    m->text_featurizer = feat;
    m->text_term = term;
    return ST_OK;
}
