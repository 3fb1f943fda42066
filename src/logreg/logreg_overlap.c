/* Logistic regression: how far a dataset's rows are the model's training rows
 * (st_logreg_training_overlap; the fingerprint itself is data/row_sketch.c). */
#include "logreg_impl.h"

#include "core/error.h"

static const char *feature_name(const void *m, size_t j)
{
    return ((const st_logreg *)m)->features[j].name;
}

st_status st_logreg_training_overlap(const st_logreg *m, const st_dataset *ds,
                                     st_training_overlap *out, st_error *err)
{
    if (m == NULL || ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_training_overlap: %s is NULL",
                        m == NULL ? "model" : ds == NULL ? "dataset" : "out");
    return st__row_sketch_overlap(&m->sketch, ds, m, m->n_features, feature_name, out, err);
}
