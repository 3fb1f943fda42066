/* What an explanation shows of a row besides its numbers: each feature's value as text
 * ("0.4601", a level's name, "missing") and a text model's raw texts. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "data/dataset_impl.h"
#include "explain_impl.h"

/* Feature j's value in row i, dense or sparse (an absent entry holds 0). */
static float feature_value(const st_dataset *ds, size_t j, size_t i)
{
    const st__feature *f = &ds->features[j];
    if (!f->sparse)
        return f->values[i];
    long e = st__sparse_find(f, i);
    return e >= 0 ? f->entry_values[e] : 0.0f;
}

char *st__explain_value_text(const st_model *m, const st_dataset *ds, size_t j, size_t i)
{
    const char *name = st_model_feature_name(m, j);
    long src = st_dataset_find_feature_at(ds, name, j);
    char buf[64];
    const char *s = "missing";
    /* an absent LibSVM entry is missing to an XGBoost model, 0 to a stratum one */
    const st_gbdt *gb = st_model_gbdt(m);
    const int absent_missing = gb != NULL && st_gbdt_absent_is_missing(gb);
    if (src < 0 && !absent_missing && st_dataset_libsvm_unmentioned(ds, name))
        s = "0";
    if (src >= 0) {
        float v = feature_value(ds, (size_t)src, i);
        if (isnan(v) || (absent_missing && !st_dataset_entry_present(ds, (size_t)src, i)))
            s = "missing";
        else if (st_dataset_feature_type(ds, (size_t)src) == ST_FEATURE_CATEGORICAL)
            s = st_dataset_level(ds, (size_t)src, (size_t)v);
        else
            snprintf(buf, sizeof buf, "%.7g", (double)v), s = buf;
    }
    return st__strdup(s != NULL ? s : "missing");
}

const char *st__explain_row_text(const st_dataset *raw, const st_text_featurizer *f, size_t i)
{
    long j = st_dataset_find_feature(raw, st_text_featurizer_column(f));
    if (j < 0 || st_dataset_feature_type(raw, (size_t)j) != ST_FEATURE_CATEGORICAL)
        return NULL;
    float v = feature_value(raw, (size_t)j, i);
    return isnan(v) ? NULL : st_dataset_level(raw, (size_t)j, (size_t)v);
}
