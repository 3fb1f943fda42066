/* st_model's fields (stratum/model.h), shared by model.c (the handle, prediction) and
 * model_text.c (a text model's featurizers and the labels of its term columns). */
#ifndef STRATUM_FIT_MODEL_IMPL_H
#define STRATUM_FIT_MODEL_IMPL_H

#include <stratum/model.h>

struct st_model {
    st_model_family family;
    st_logreg *logreg; /* the one of the family, owned */
    st_gbdt *gbdt;
    /* A model of text columns: per feature j, the featurizer whose term column it is (-1:
     * an ordinary feature) and that column; both NULL for a model without featurizers.
     * Built once by the handle's constructors, read-only after. */
    long *text_featurizer;
    size_t *text_term;
};

/* Fills m->text_featurizer and m->text_term from the family model's featurizers (nothing
 * without them): ST_OK, or ST_ERR_NOMEM with both left NULL. */
st_status st__model_text_map(st_model *m, st_error *err);

#endif
