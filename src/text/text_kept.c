/* The featurizers a model keeps (text_io.h): one list per model, owned by it, written at
 * the end of its model file one section per featurizer and read back in the same order.
 * Both model families (logreg/logreg_text.c, gbdt/gbdt_text.c) keep theirs through these. */
#include "text_io.h"

#include "core/alloc.h"
#include "core/error.h"

void st__text_kept_free(st_text_featurizer ***text, size_t *n)
{
    for (size_t k = 0; k < *n; k++)
        st_text_featurizer_free((*text)[k]);
    st__free(*text);
    *text = NULL;
    *n = 0;
}

st_status st__text_kept_add(st_text_featurizer ***text, size_t *n, st_text_featurizer *f,
                            st_error *err)
{
    st_text_featurizer **t = st__realloc_array(*text, *n + 1, sizeof *t);
    if (t == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory adding a text featurizer");
    *text = t;
    t[(*n)++] = f;
    return ST_OK;
}

void st__text_kept_write(st__text *t, st_text_featurizer *const *text, size_t n, int *exact)
{
    for (size_t k = 0; k < n; k++)
        st__text_featurizer_write(t, text[k], exact);
}

st_status st__text_kept_read(st__mreader *r, st_text_featurizer ***text, size_t *n)
{
    while (st__text_featurizer_next(r)) {
        st_text_featurizer *f = NULL;
        st_status rc = st__text_featurizer_read(r, &f);
        if (rc == ST_OK)
            rc = st__text_kept_add(text, n, f, r->err);
        if (rc != ST_OK) {
            st_text_featurizer_free(f);
            return rc;
        }
    }
    return ST_OK;
}
