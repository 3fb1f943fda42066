/* Gradient-boosted trees: the features a training describes to its model (names, types,
 * categorical levels), taken from a dataset, and their copy into the model. */
#include "gbdt_train_core.h"

#include "core/alloc.h"
#include "core/error.h"

void st__gbdt_schema_free(st__gbdt_schema *s)
{
    if (s == NULL)
        return;
    if (s->levels != NULL)
        for (size_t j = 0; j < s->n_features; j++)
            st__free((void *)s->levels[j]);
    st__free((void *)s->names);
    st__free((void *)s->is_cat);
    st__free((void *)s->n_levels);
    st__free((void *)s->levels);
    *s = (st__gbdt_schema){0};
}

st_status st__gbdt_schema_from_dataset(const st_dataset *ds, st__gbdt_schema *out,
                                       st_error *err)
{
    *out = (st__gbdt_schema){0};
    const size_t nf = st_dataset_n_features(ds), n1 = nf ? nf : 1;
    const char **names = st__calloc(n1, sizeof *names);
    uint8_t *is_cat = st__calloc(n1, sizeof *is_cat);
    size_t *n_levels = st__calloc(n1, sizeof *n_levels);
    const char ***levels = st__calloc(n1, sizeof *levels);
    out->n_features = nf;
    out->names = names;
    out->is_cat = is_cat;
    out->n_levels = n_levels;
    out->levels = (const char *const *const *)levels;
    if (names == NULL || is_cat == NULL || n_levels == NULL || levels == NULL)
        goto nomem;
    for (size_t j = 0; j < nf; j++) {
        names[j] = st_dataset_feature_name(ds, j);
        if (st_dataset_feature_type(ds, j) != ST_FEATURE_CATEGORICAL)
            continue;
        is_cat[j] = 1;
        const size_t k = st_dataset_n_levels(ds, j);
        n_levels[j] = k;
        if (k > 0 && (levels[j] = st__malloc_array(k, sizeof *levels[j])) == NULL)
            goto nomem;
        for (size_t l = 0; l < k; l++)
            levels[j][l] = st_dataset_level(ds, j, l);
    }
    return ST_OK;
nomem:
    st__gbdt_schema_free(out);
    return st__fail(err, ST_ERR_NOMEM, "out of memory for the features of %zu columns", nf);
}

st_status st__gbdt_copy_schema(const st__gbdt_schema *s, st_gbdt *m, st_error *err)
{
    const size_t nf = s->n_features;
    if ((m->features = st__calloc(nf ? nf : 1, sizeof *m->features)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the model's features");
    m->n_features = nf;
    for (size_t j = 0; j < nf; j++) {
        st__gbdt_feature *f = &m->features[j];
        f->type = s->is_cat[j] ? ST_FEATURE_CATEGORICAL : ST_FEATURE_NUMERIC;
        if ((f->name = st__strdup(s->names[j])) == NULL)
            return st__fail(err, ST_ERR_NOMEM, "out of memory for the model's features");
        if (!s->is_cat[j])
            continue;
        const size_t k = s->n_levels[j];
        if (k > 0 && (f->levels = st__calloc(k, sizeof *f->levels)) == NULL)
            return st__fail(err, ST_ERR_NOMEM, "out of memory for the model's features");
        f->n_levels = k;
        for (size_t l = 0; l < k; l++)
            if ((f->levels[l] = st__strdup(s->levels[j][l])) == NULL)
                return st__fail(err, ST_ERR_NOMEM, "out of memory for the model's features");
    }
    return ST_OK;
}
