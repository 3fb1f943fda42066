/* st_drift_compare_model: two datasets compared column by column (st_drift_compare) and
 * through a model: the steps in the order whose first failure is reported (the text
 * columns, the model's features, the columns, the scores, the texts), and the result's
 * destructor. */
#include <math.h>
#include <string.h>

#include "drift_model_impl.h"

#include "core/alloc.h"
#include "core/error.h"

st_drift_model_options st_drift_model_options_default(void)
{
    st_drift_model_options o;
    memset(&o, 0, sizeof o);
    o.columns = st_drift_options_default();
    o.model_name = "model";
    o.n_bootstrap = 1000;
    o.seed = ST_DEFAULT_SEED;
    o.contrib_rows = 5000;
    o.top_terms = 10;
    return o;
}

void st_drift_model_result_free(st_drift_model_result *r)
{
    if (r == NULL)
        return;
    st_drift_result_free(r->columns);
    st__free(r->importance);
    st__free(r->weighted);
    st__free(r->shift);
    st__free(r->feature_importance);
    st__free(r->feature_shift);
    for (size_t k = 0; r->text != NULL && k < r->n_text; k++)
        st__free(r->text[k].terms);
    st__free(r->text);
    st__free(r);
}

static st_status check_options(const st_drift_model_options *o, st_error *err)
{
    if (o->n_bootstrap < 0 || o->n_bootstrap > 100000)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_drift_compare_model: n_bootstrap = %d: "
                        "expected 0 .. 100000", o->n_bootstrap);
    return ST_OK;
}

st_status st_drift_compare_model(const st_dataset *reference, const st_dataset *cur,
                                 const st_model *m, const st_drift_model_options *opt,
                                 st_drift_model_result **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (reference == NULL || cur == NULL || m == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_drift_compare_model: %s is NULL",
                        reference == NULL ? "reference" : cur == NULL ? "cur"
                        : m == NULL ? "model" : "out");
    st_drift_model_options o = opt != NULL ? *opt : st_drift_model_options_default();
    if (o.model_name == NULL)
        o.model_name = "model";
    o.columns.model_gbdt = st_model_gbdt(m); /* the bins the trees can tell apart */
    st_status rc = check_options(&o, err);
    if (rc != ST_OK)
        return rc;
    st_drift_model_result *r = st__calloc(1, sizeof *r);
    if (r == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the model's drift");
    r->family = st_model_family_of(m);
    r->auc_z = r->auc_p = NAN;
    st__drift_sides s;
    rc = st__drift_sides_make(m, &o, reference, cur, &s, err);
    if (rc == ST_OK && (s.cols[0] == NULL || s.cols[1] == NULL))
        rc = st__drift_no_columns(reference, cur, &r->columns, err);
    else if (rc == ST_OK)
        rc = st_drift_compare(s.cols[0], s.cols[1], &o.columns, &r->columns, err);
    if (rc == ST_OK)
        rc = st__drift_model_scores(m, s.feat, &o, r, err);
    if (rc == ST_OK)
        rc = st__drift_model_text(m, s.raw, &o, r, err);
    st__drift_sides_free(&s);
    if (rc != ST_OK) {
        st_drift_model_result_free(r);
        return rc;
    }
    *out = r;
    return ST_OK;
}
