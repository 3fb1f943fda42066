/* st_gbdt_load and st_gbdt_load_ex: a model file by its kind (stratum's text model, or
 * XGBoost's JSON, or LightGBM's text model; XGBoost's UBJSON is recognised and refused
 * with advice), then the
 * iterations kept: those asked for, else up to an XGBoost file's best_iteration (as
 * XGBClassifier.predict_proba), else all. */
#include "gbdt_model.h"

#include <stdio.h>
#include <string.h>

#include "core/error.h"
#include "io/file_buffer.h"

/* XGBoost 2's default format (save_model("m.ubj")) is Universal Binary JSON: an object
 * starts with '{' like JSON, but its first key's length follows at once as a type marker
 * (i U I l L: int8, uint8, int16, int32, int64) or the object is typed/counted ('$',
 * '#'); JSON allows only whitespace, '"' or '}' there. */
static int is_ubjson(const char *data, size_t size)
{
    return size >= 2 && data[0] == '{' && strchr("iUIlL$#", data[1]) != NULL && data[1] != 0;
}

st_gbdt_load_options st_gbdt_load_options_default(void)
{
    st_gbdt_load_options o;
    memset(&o, 0, sizeof o);
    return o;
}

/* Cuts m to the iterations o asks for, or by default to an XGBoost file's best. */
static st_status keep_iterations(st_gbdt *m, const st_gbdt_load_options *o, const char *path,
                                 st_error *err)
{
    if (m->iter_total == 0) { /* a stratum model: an iteration is a tree */
        m->trees_per_iter = 1;
        m->iter_total = (int)(m->n_trees < 2147483647 ? m->n_trees : 2147483647);
        m->iter_end = m->iter_total;
    }
    int begin = 0, end = m->iter_total;
    if (o->iteration_end != 0) {
        begin = o->iteration_begin;
        end = o->iteration_end;
        if (!(begin >= 0 && begin < end && end <= m->iter_total))
            return st__fail(err, ST_ERR_INVALID_ARG, "%s: iteration range %d:%d is not within "
                            "the model's %d iterations; expected A:B with 0 <= A < B <= %d",
                            path, begin, end, m->iter_total, m->iter_total);
    } else if (m->best_end > 0 && m->best_end < m->iter_total) {
        /* xgboost.train records best_iteration = the last one even without early
           stopping: only a best before the end cuts */
        end = m->best_end;
        m->iter_from_best = 1;
    }
    if (begin == 0 && end == m->iter_total)
        return ST_OK;
    const size_t tpi = (size_t)m->trees_per_iter;
    if (!st__gbdt_keep_trees(m, (size_t)begin * tpi, (size_t)end * tpi))
        return st__fail(err, ST_ERR_NOMEM, "out of memory loading %s", path);
    m->iter_begin = begin;
    m->iter_end = end;
    return ST_OK;
}

st_status st_gbdt_load_ex(const char *path, const st_gbdt_load_options *opt, st_gbdt **out,
                          st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_load: %s is NULL",
                        path == NULL ? "path" : "out");
    const st_gbdt_load_options defaults = st_gbdt_load_options_default();
    if (opt == NULL)
        opt = &defaults;
    st__file_buffer buf = {0};
    st_status rc = st__file_buffer_read(path, &buf, err);
    if (rc != ST_OK)
        return rc;
    if (is_ubjson(buf.data, buf.size))
        rc = st__fail(err, ST_ERR_FORMAT, "%s: UBJSON is not supported: save the model as "
                      ".json", path);
    else if (st__gbdt_is_json(buf.data, buf.size))
        rc = st__gbdt_import_xgboost(buf.data, buf.size, path, out, err);
    else if (st__gbdt_is_lightgbm(buf.data, buf.size))
        rc = st__gbdt_import_lightgbm(buf.data, buf.size, path, out, err);
    else
        rc = st__gbdt_load_buffer(buf.data, buf.size, path, out, err);
    st__file_buffer_free(&buf);
    if (rc == ST_OK && (rc = keep_iterations(*out, opt, path, err)) != ST_OK) {
        st_gbdt_free(*out);
        *out = NULL;
    }
    return rc;
}

st_status st_gbdt_load(const char *path, st_gbdt **out, st_error *err)
{
    return st_gbdt_load_ex(path, NULL, out, err);
}

int st_gbdt_loaded_iterations(const st_gbdt *m, int *begin, int *end, int *total)
{
    if (m == NULL)
        return 0;
    const int all = (int)(m->n_trees < 2147483647 ? m->n_trees : 2147483647);
    const int loaded = m->iter_total > 0;
    if (begin != NULL)
        *begin = loaded ? m->iter_begin : 0;
    if (end != NULL)
        *end = loaded ? m->iter_end : all;
    if (total != NULL)
        *total = loaded ? m->iter_total : all;
    return m->iter_from_best;
}

int st_gbdt_absent_is_missing(const st_gbdt *m)
{
    return m != NULL && m->absent_missing;
}
