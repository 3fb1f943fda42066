/* st_dataset_from_arrays_categorical: a table with categorical columns (a pandas DataFrame
 * with "category" columns) made into the dataset reading it from a CSV file gives, without
 * the text. The levels are taken in the order of the rows that first use them, as the CSV
 * reader meets them, and then sorted in byte order as it sorts them, so that the two
 * datasets, and the models trained on them, are the same. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/utf8.h"
#include "dataset_impl.h"

static const char fn[] = "st_dataset_from_arrays_categorical";

/* The dataset's code of level k of c, interning its text when first used. */
static st_status level_code(st__feature *f, const st_categorical_column *c, size_t k,
                            uint32_t *code, st_error *err)
{
    const char *text = c->levels[k];
    if (text == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: feature '%s': levels[%zu] is NULL; "
                        "expected a text", fn, f->name, k);
    const size_t len = strlen(text);
    if (len == 0)
        return st__fail(err, ST_ERR_DATA, "%s: feature '%s': level %zu is the empty text, "
                        "which a CSV file's empty field means missing; expected a text, or "
                        "code -1 for missing", fn, f->name, k);
    long bad = st__utf8_invalid_at(text, len);
    if (bad >= 0)
        return st__fail(err, ST_ERR_DATA, "%s: feature '%s': level %zu has the invalid UTF-8 "
                        "byte 0x%02X at byte %ld; expected UTF-8 text", fn, f->name, k,
                        (unsigned char)text[bad], bad);
    long g = st__category_dict_intern(&f->levels, text, len);
    if (g == -1)
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory", fn);
    if (g == -2)
        return st__fail(err, ST_ERR_DATA, "%s: feature '%s' would have more than 16777216 "
                        "levels", fn, f->name);
    *code = (uint32_t)g;
    return ST_OK;
}

/* Makes feature c->feature of ds (a view of the caller's x) categorical, with values of
 * its own. */
static st_status set_categorical(st_dataset *ds, const st_categorical_column *c, st_error *err)
{
    st__feature *f = &ds->features[c->feature];
    float *v = st__malloc_array(ds->n_rows ? ds->n_rows : 1, sizeof *v);
    uint32_t *code_of = st__malloc_array(c->n_levels ? c->n_levels : 1, sizeof *code_of);
    if (v == NULL || code_of == NULL) {
        st__free(v);
        st__free(code_of);
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory", fn);
    }
    for (size_t k = 0; k < c->n_levels; k++)
        code_of[k] = UINT32_MAX; /* not used yet */
    st_status rc = ST_OK;
    for (size_t i = 0; i < ds->n_rows && rc == ST_OK; i++) {
        const int32_t k = c->codes[i];
        if (k == -1) {
            v[i] = NAN;
            continue;
        }
        if (k < 0 || (size_t)k >= c->n_levels) {
            rc = st__fail(err, ST_ERR_DATA, "%s: feature '%s': codes[%zu] is %ld; expected -1 "
                          "(missing) or a level, 0 to %ld", fn, f->name, i, (long)k,
                          (long)c->n_levels - 1);
            break;
        }
        if (code_of[k] == UINT32_MAX)
            rc = level_code(f, c, (size_t)k, &code_of[k], err);
        v[i] = (float)code_of[k];
    }
    st__free(code_of);
    if (rc != ST_OK) {
        st__free(v);
        return rc;
    }
    f->values = v; /* the view of x is dropped: never read, never freed */
    f->borrowed_values = 0;
    f->type = ST_FEATURE_CATEGORICAL;
    return ST_OK;
}

static st_status check_columns(size_t n_features, const st_categorical_column *cat, size_t n,
                               st_error *err)
{
    if (n > 0 && cat == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: categorical is NULL with %zu columns",
                        fn, n);
    for (size_t k = 0; k < n; k++) {
        if (cat[k].feature >= n_features)
            return st__fail(err, ST_ERR_INVALID_ARG, "%s: categorical[%zu].feature is %zu; "
                            "expected a feature below %zu", fn, k, cat[k].feature, n_features);
        if (cat[k].codes == NULL || (cat[k].n_levels > 0 && cat[k].levels == NULL))
            return st__fail(err, ST_ERR_INVALID_ARG, "%s: categorical[%zu] has NULL codes or "
                            "levels", fn, k);
        for (size_t q = 0; q < k; q++)
            if (cat[q].feature == cat[k].feature)
                return st__fail(err, ST_ERR_INVALID_ARG, "%s: feature %zu is given twice "
                                "(categorical[%zu] and [%zu])", fn, cat[k].feature, q, k);
    }
    return ST_OK;
}

st_status st_dataset_from_arrays_categorical(size_t n_rows, size_t n_features, const float *x,
                                             const float *labels, const float *weights,
                                             const char *const *names,
                                             const st_categorical_column *categorical,
                                             size_t n_categorical, st_dataset **out,
                                             st_error *err)
{
    if (out != NULL)
        *out = NULL;
    st_status rc = check_columns(n_features, categorical, n_categorical, err);
    st_dataset *ds = NULL;
    if (rc == ST_OK)
        rc = st__dataset_from_arrays(fn, 1, n_rows, n_features, x, labels, weights, names,
                                     &ds, err);
    for (size_t k = 0; k < n_categorical && rc == ST_OK; k++)
        rc = set_categorical(ds, &categorical[k], err);
    if (rc == ST_OK && !st__dataset_sort_levels(ds))
        rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory", fn);
    if (rc != ST_OK) {
        st_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return ST_OK;
}
