/* The text featurizers a boosted-trees model keeps (stratum/gbdt.h, "Text
 * columns"): attached after training, written at the end of the model file (one section
 * per featurizer, text/text_io.h) and read back, so that scoring can featurize raw text as
 * the training did. */
#include "gbdt_model.h"

#include "core/alloc.h"
#include "core/error.h"
#include "text/text_io.h"

void st__gbdt_text_free(st_gbdt *m)
{
    for (size_t k = 0; k < m->n_text; k++)
        st_text_featurizer_free(m->text[k]);
    st__free(m->text);
    m->text = NULL;
    m->n_text = 0;
}

st_status st_gbdt_add_text_featurizer(st_gbdt *m, st_text_featurizer *f, st_error *err)
{
    if (m == NULL || f == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_add_text_featurizer: %s is NULL",
                        m == NULL ? "model" : "featurizer");
    st_text_featurizer **t = st__realloc_array(m->text, m->n_text + 1, sizeof *t);
    if (t == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory adding a text featurizer");
    m->text = t;
    m->text[m->n_text++] = f;
    return ST_OK;
}

size_t st_gbdt_n_text_featurizers(const st_gbdt *m) { return m != NULL ? m->n_text : 0; }

const st_text_featurizer *st_gbdt_text_featurizer(const st_gbdt *m, size_t k)
{
    return m != NULL && k < m->n_text ? m->text[k] : NULL;
}

void st__gbdt_text_write(st__text *t, const st_gbdt *m, int *exact)
{
    for (size_t k = 0; k < m->n_text; k++)
        st__text_featurizer_write(t, m->text[k], exact);
}

st_status st__gbdt_text_read(st__mreader *r, st_gbdt *m)
{
    while (st__text_featurizer_next(r)) {
        st_text_featurizer *f = NULL;
        st_status rc = st__text_featurizer_read(r, &f);
        if (rc == ST_OK)
            rc = st_gbdt_add_text_featurizer(m, f, r->err);
        if (rc != ST_OK) {
            st_text_featurizer_free(f);
            return rc;
        }
    }
    return ST_OK;
}
