/* st_drift_compare: the two datasets' columns matched by name and checked (same set of
 * columns, same types unless a side has no value, rows in both), then each column compared (drift_column.c), several
 * at once; the result and its destructor. */
#include <math.h>
#include <string.h>

#include "drift_impl.h"

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"

st_drift_options st_drift_options_default(void)
{
    st_drift_options o;
    memset(&o, 0, sizeof o);
    o.n_bins = 10;
    o.epsilon = 1e-4;
    o.model_gbdt = NULL;
    o.reference_name = "reference";
    o.new_name = "new";
    o.n_threads = 0;
    return o;
}

void st_drift_result_free(st_drift_result *r)
{
    if (r == NULL)
        return;
    for (size_t j = 0; r->features != NULL && j < r->n_features; j++) {
        st_drift_feature *f = &r->features[j];
        for (size_t k = 0; f->new_levels != NULL && k < f->n_new_levels; k++)
            st__free(f->new_levels[k].text);
        st__free(f->new_levels);
        for (size_t k = 0; f->levels != NULL && k + 1 < f->n_shares; k++)
            st__free(f->levels[k]);
        st__free(f->levels);
        st__free(f->edges);
        st__free(f->share_reference);
        st__free(f->share_new);
        st__free(f->name);
    }
    st__free(r->features);
    st__free(r);
}

static const char *type_name(st_feature_type t)
{
    return t == ST_FEATURE_NUMERIC ? "numeric" : "categorical (text)";
}

static double prevalence(const st_dataset *ds)
{
    const float *y = st_dataset_labels(ds);
    const size_t n = st_dataset_n_rows(ds);
    if (y == NULL || n == 0)
        return NAN;
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += y[i] == 1.0f;
    return s / (double)n;
}

/* The columns of the two datasets: the same names, the same types; match[j] is cur's
 * column for reference column j. */
static st_status check_columns(const st_dataset *ref, const st_dataset *cur,
                               const st_drift_options *o, size_t *match, st_error *err)
{
    const size_t fr = st_dataset_n_features(ref), fc = st_dataset_n_features(cur);
    for (size_t j = 0; j < fr; j++) {
        const char *name = st_dataset_feature_name(ref, j);
        long c = st_dataset_find_feature(cur, name);
        if (c < 0)
            return st__fail(err, ST_ERR_DATA, "%s: no column '%s', which %s has: the two "
                            "files must have the same columns", o->new_name, name,
                            o->reference_name);
        /* a column without a single value has no type of its own (the reader calls it
         * numeric): blank in every new row, it is compared as the reference's column, all
         * missing, rather than stopping the whole comparison */
        if (st_dataset_feature_type(ref, j) != st_dataset_feature_type(cur, (size_t)c) &&
            !st__drift_column_empty(ref, j) && !st__drift_column_empty(cur, (size_t)c))
            return st__fail(err, ST_ERR_DATA, "%s: column '%s' is %s, but %s in %s (a value "
                            "that is not a number makes a column categorical)", o->new_name,
                            name, type_name(st_dataset_feature_type(cur, (size_t)c)),
                            type_name(st_dataset_feature_type(ref, j)), o->reference_name);
        match[j] = (size_t)c;
    }
    for (size_t j = 0; j < fc; j++)
        if (st_dataset_find_feature(ref, st_dataset_feature_name(cur, j)) < 0)
            return st__fail(err, ST_ERR_DATA, "%s: column '%s' is not in %s: the two files "
                            "must have the same columns (leave it out with ignore)",
                            o->new_name, st_dataset_feature_name(cur, j), o->reference_name);
    return ST_OK;
}

st_status st_drift_compare(const st_dataset *ref, const st_dataset *cur,
                           const st_drift_options *opt, st_drift_result **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (ref == NULL || cur == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_drift_compare: NULL argument");
    st_drift_options o = opt != NULL ? *opt : st_drift_options_default();
    if (o.reference_name == NULL)
        o.reference_name = "reference";
    if (o.new_name == NULL)
        o.new_name = "new";
    if (o.n_bins < 2 || o.n_bins > 1000)
        return st__fail(err, ST_ERR_INVALID_ARG, "drift: n_bins %d is not in 2..1000",
                        o.n_bins);
    if (!(o.epsilon > 0 && o.epsilon <= 0.01))
        return st__fail(err, ST_ERR_INVALID_ARG, "drift: epsilon %g is not in (0, 0.01]",
                        o.epsilon);
    if (st_dataset_n_rows(ref) == 0 || st_dataset_n_rows(cur) == 0)
        return st__fail(err, ST_ERR_DATA, "%s: no data rows: nothing to compare",
                        st_dataset_n_rows(ref) == 0 ? o.reference_name : o.new_name);
    const size_t nf = st_dataset_n_features(ref);
    st_drift_result *r = st__calloc(1, sizeof *r);
    size_t *match = st__calloc(nf + 1, sizeof *match);
    st_error *errs = st__calloc(nf + 1, sizeof *errs);
    st_status rc = ST_OK;
    if (r == NULL || match == NULL || errs == NULL ||
        (r->features = st__calloc(nf + 1, sizeof *r->features)) == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "drift: out of memory for %zu columns", nf);
        goto done;
    }
    r->n_features = nf;
    r->n_reference = st_dataset_n_rows(ref);
    r->n_new = st_dataset_n_rows(cur);
    r->prevalence_reference = prevalence(ref);
    r->prevalence_new = prevalence(cur);
    if ((rc = check_columns(ref, cur, &o, match, err)) != ST_OK)
        goto done;
    for (size_t j = 0; j < nf; j++)
        if ((r->features[j].name = st__strdup(st_dataset_feature_name(ref, j))) == NULL) {
            rc = st__fail(err, ST_ERR_NOMEM, "drift: out of memory for %zu columns", nf);
            goto done;
        }
    /* one column per iteration: each writes only its own feature and error, so the
     * result does not depend on the number of threads */
    const int threads = st__n_threads(o.n_threads);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (long j = 0; j < (long)nf; j++)
        st__drift_column(ref, (size_t)j, cur, match[j], &o, &r->features[j], &errs[j]);
    for (size_t j = 0; j < nf; j++)
        if (errs[j].code != ST_OK) {
            rc = errs[j].code;
            if (err != NULL)
                *err = errs[j];
            break;
        }
done:
    st__free(match);
    st__free(errs);
    if (rc != ST_OK) {
        st_drift_result_free(r);
        return rc;
    }
    *out = r;
    st_error_clear(err);
    return ST_OK;
}
