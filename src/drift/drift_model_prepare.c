/* The datasets of st_drift_compare_model as its steps read them: a text model's text
 * columns checked in both datasets and left out of the column comparison (their texts are
 * all different: compared as columns they would only say so), the datasets featurized by
 * the model's own featurizers, and every feature the model uses checked in both. */
#include <math.h>
#include <string.h>

#include "drift_model_impl.h"

#include "core/alloc.h"
#include "core/error.h"
#include <stratum/folds.h>

void st__drift_sides_free(st__drift_sides *s)
{
    for (int k = 0; k < 4; k++)
        st_dataset_free(s->made[k]);
    memset(s, 0, sizeof *s);
}

static const char *side_name(const st_drift_model_options *o, int d)
{
    const char *name = d == 0 ? o->columns.reference_name : o->columns.new_name;
    return name != NULL ? name : d == 0 ? "reference" : "new";
}

/* 1 when one of m's featurizers reads its texts from the column called name. */
static int is_text_column(const st_model *m, const char *name)
{
    for (size_t k = 0; k < st_model_n_text_featurizers(m); k++)
        if (strcmp(st_text_featurizer_column(st_model_text_featurizer(m, k)), name) == 0)
            return 1;
    return 0;
}

/* ds without m's text columns into *out (NULL when they are its only columns). */
static st_status without_texts(const st_model *m, const st_dataset *ds, st_dataset **out,
                               st_error *err)
{
    const size_t nf = st_dataset_n_features(ds);
    size_t *keep = st__malloc_array(nf + 1, sizeof *keep), n_keep = 0;
    if (keep == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the columns of %zu", nf);
    for (size_t j = 0; j < nf; j++)
        if (!is_text_column(m, st_dataset_feature_name(ds, j)))
            keep[n_keep++] = j;
    st_status rc = ST_OK;
    if (n_keep > 0)
        rc = st_dataset_select(ds, NULL, 0, keep, n_keep, out, err);
    st__free(keep);
    return rc;
}

/* Every feature of m that is not a term column, in both featurized datasets. */
static st_status check_features(const st_model *m, const st_drift_model_options *o,
                                const st_dataset *const feat[2], st_error *err)
{
    const size_t nf = st_model_n_features(m);
    long *featurizer = NULL;
    if (st_model_n_text_featurizers(m) > 0) {
        featurizer = st__malloc_array(nf + 1, sizeof *featurizer);
        if (featurizer == NULL)
            return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu features", nf);
        st_status rc = st_model_feature_labels(m, NULL, featurizer, NULL, nf + 1, err);
        if (rc != ST_OK) {
            st__free(featurizer);
            return rc;
        }
    }
    st_status rc = ST_OK;
    for (int d = 0; d < 2 && rc == ST_OK; d++)
        for (size_t j = 0; j < nf && rc == ST_OK; j++) {
            const char *name = st_model_feature_name(m, j);
            if (featurizer != NULL && featurizer[j] >= 0)
                continue; /* a term column: made from its text column (checked) */
            if (st_dataset_find_feature(feat[d], name) < 0 &&
                !st_dataset_libsvm_unmentioned(feat[d], name))
                rc = st__fail(err, ST_ERR_DATA, "%s: no column '%s', which the model %s uses",
                              side_name(o, d), name, o->model_name);
        }
    st__free(featurizer);
    return rc;
}

st_status st__drift_sides_make(const st_model *m, const st_drift_model_options *o,
                               const st_dataset *ref, const st_dataset *cur,
                               st__drift_sides *s, st_error *err)
{
    memset(s, 0, sizeof *s);
    s->raw[0] = ref, s->raw[1] = cur;
    if (st_model_n_text_featurizers(m) == 0) {
        s->cols[0] = s->feat[0] = ref;
        s->cols[1] = s->feat[1] = cur;
        return check_features(m, o, s->feat, err);
    }
    for (int d = 0; d < 2; d++)
        for (size_t k = 0; k < st_model_n_text_featurizers(m); k++) {
            const char *name = st_text_featurizer_column(st_model_text_featurizer(m, k));
            if (st_dataset_find_feature(s->raw[d], name) < 0)
                return st__fail(err, ST_ERR_DATA, "%s: no text column '%s', which the model "
                                "%s reads its text from", side_name(o, d), name,
                                o->model_name);
        }
    for (int d = 0; d < 2; d++) {
        st_status rc = without_texts(m, s->raw[d], &s->made[2 * d], err);
        if (rc == ST_OK)
            rc = st_model_featurize(m, s->raw[d], &s->made[2 * d + 1], err);
        if (rc != ST_OK)
            return rc;
        s->cols[d] = s->made[2 * d];
        s->feat[d] = s->made[2 * d + 1];
    }
    return check_features(m, o, s->feat, err);
}

st_status st__drift_no_columns(const st_dataset *ref, const st_dataset *cur,
                               st_drift_result **out, st_error *err)
{
    st_drift_result *r = st__calloc(1, sizeof *r);
    if (r == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the comparison");
    const st_dataset *ds[2] = {ref, cur};
    double *prev[2] = {&r->prevalence_reference, &r->prevalence_new};
    for (int d = 0; d < 2; d++) {
        const size_t n = st_dataset_n_rows(ds[d]);
        const float *y = st_dataset_labels(ds[d]);
        double pos = 0;
        for (size_t i = 0; y != NULL && i < n; i++)
            pos += y[i] == 1;
        *prev[d] = y != NULL && n > 0 ? pos / (double)n : NAN;
    }
    r->n_reference = st_dataset_n_rows(ref);
    r->n_new = st_dataset_n_rows(cur);
    *out = r;
    return ST_OK;
}
