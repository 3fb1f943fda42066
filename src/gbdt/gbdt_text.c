/* The text featurizers a boosted-trees model keeps (stratum/gbdt.h, "Text
 * columns"): attached after training, written at the end of the model file (one section
 * per featurizer, text/text_io.h) and read back, so that scoring can featurize raw text as
 * the training did. */
#include "gbdt_model.h"

#include "core/error.h"
#include "text/text_io.h"

void st__gbdt_text_free(st_gbdt *m)
{
    st__text_kept_free(&m->text, &m->n_text);
}

st_status st_gbdt_add_text_featurizer(st_gbdt *m, st_text_featurizer *f, st_error *err)
{
    if (m == NULL || f == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_add_text_featurizer: %s is NULL",
                        m == NULL ? "model" : "featurizer");
    return st__text_kept_add(&m->text, &m->n_text, f, err);
}

size_t st_gbdt_n_text_featurizers(const st_gbdt *m) { return m != NULL ? m->n_text : 0; }

const st_text_featurizer *st_gbdt_text_featurizer(const st_gbdt *m, size_t k)
{
    return m != NULL && k < m->n_text ? m->text[k] : NULL;
}

void st__gbdt_text_write(st__text *t, const st_gbdt *m, int *exact)
{
    st__text_kept_write(t, m->text, m->n_text, exact);
}

st_status st__gbdt_text_read(st__mreader *r, st_gbdt *m)
{
    return st__text_kept_read(r, &m->text, &m->n_text);
}
