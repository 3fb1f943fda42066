/* Loading a logistic regression model file written by logreg_model_io.c, through the
 * shared model reader (src/io/model_reader.h): magic and version on line 1 (so a newer file
 * says "upgrade" rather than "corrupt"), then the checksum line, then each line in order.
 * Every problem is ST_ERR_FORMAT with "path:line: what was expected". */
#include "logreg_impl.h"
#include "logreg_model_load.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/file_buffer.h"
#include "io/model_reader.h"

static st_status read_params(st__mreader *r, st_logreg_params *p)
{
    static const char *const impute[] = {"mean", "median"};
    static const char *const cw[] = {"none", "balanced", "positive"};
    long v = 0;
    st_status rc;
    *p = st_logreg_params_default();
    if ((rc = st__mr_key_number(r, "lambda", &p->lambda)) != ST_OK ||
        (rc = st__mr_key_number(r, "alpha", &p->alpha)) != ST_OK)
        return rc;
    if ((rc = st__mr_key_integer(r, "standardize", 0, 1, &v)) != ST_OK)
        return rc;
    p->standardize = (int)v;
    if ((rc = st__mr_key_word(r, "impute", impute, 2, &v)) != ST_OK)
        return rc;
    p->impute = v == 1 ? ST_IMPUTE_MEDIAN : ST_IMPUTE_MEAN;
    if ((rc = st__mr_key_integer(r, "missing_indicators", 0, 1, &v)) != ST_OK)
        return rc;
    p->missing_indicators = (int)v;
    if ((rc = st__mr_key_word(r, "class_weight", cw, 3, &v)) != ST_OK)
        return rc;
    p->class_weight = v == 1 ? ST_CLASS_WEIGHT_BALANCED
                    : v == 2 ? ST_CLASS_WEIGHT_POSITIVE : ST_CLASS_WEIGHT_NONE;
    if ((rc = st__mr_key_number(r, "positive_weight", &p->positive_weight)) != ST_OK ||
        (rc = st__mr_key_number(r, "tol", &p->tol)) != ST_OK ||
        (rc = st__mr_key_integer(r, "max_iter", 1, 2147483647L, &v)) != ST_OK)
        return rc;
    p->max_iter = (int)v;
    const char *why = st_logreg_params_check(p);
    return why != NULL ? st__mr_bad(r, "invalid parameters: %s", why) : ST_OK;
}

/* "feature TYPE FILL COL INDICATOR N_LEVELS NAME" and its level lines. */
static st_status read_feature(st__mreader *r, st__lr_feature *f, size_t n_coefs_max)
{
    static const char *const types[] = {"numeric", "categorical"};
    const char *s, *t[5];
    size_t len, tl[5];
    st_status rc = st__mr_keyed(r, "feature", &s, &len);
    if (rc != ST_OK)
        return rc;
    for (int i = 0; i < 5; i++)
        if (!st__mr_field(&s, &len, &t[i], &tl[i]))
            return st__mr_bad(r, "expected 'feature TYPE FILL COL INDICATOR N_LEVELS NAME'");
    long type = -1, col, ind, n_levels;
    for (long i = 0; i < 2; i++)
        if (strlen(types[i]) == tl[0] && memcmp(types[i], t[0], tl[0]) == 0)
            type = i;
    if (type < 0)
        return st__mr_bad(r, "feature type: expected numeric or categorical");
    f->type = type == 1 ? ST_FEATURE_CATEGORICAL : ST_FEATURE_NUMERIC;
    const long max = (long)(n_coefs_max < 1000000000 ? n_coefs_max : 1000000000);
    if ((rc = st__mr_number(r, "fill", t[1], tl[1], &f->fill)) != ST_OK ||
        (rc = st__mr_integer(r, "column", t[2], tl[2], 0, max, &col)) != ST_OK ||
        (rc = st__mr_integer(r, "indicator", t[3], tl[3], -1, max, &ind)) != ST_OK ||
        (rc = st__mr_integer(r, "level count", t[4], tl[4], 0, max, &n_levels)) != ST_OK)
        return rc;
    if ((f->type == ST_FEATURE_NUMERIC) != (n_levels == 0))
        return st__mr_bad(r, "a numeric feature has no levels and a categorical one at least one");
    f->col = (size_t)col;
    f->indicator = ind;
    if ((rc = st__mr_name(r, "the feature name", s, len, &f->name)) != ST_OK)
        return rc;
    if (n_levels == 0)
        return ST_OK;
    if ((f->levels = st__calloc((size_t)n_levels, sizeof *f->levels)) == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    f->n_levels = (size_t)n_levels;
    for (size_t l = 0; l < f->n_levels; l++) {
        if ((rc = st__mr_keyed(r, "level", &s, &len)) != ST_OK ||
            (rc = st__mr_name(r, "a level", s, len, &f->levels[l])) != ST_OK)
            return rc;
        /* prediction finds levels by binary search */
        if (l > 0 && strcmp(f->levels[l - 1], f->levels[l]) >= 0)
            return st__mr_bad(r, "levels must be in strictly increasing byte order");
    }
    return ST_OK;
}

/* Every column a feature points at exists. */
static st_status check_columns(st__mreader *r, const st_logreg *m)
{
    for (size_t j = 0; j < m->n_features; j++) {
        const st__lr_feature *f = &m->features[j];
        size_t width = f->type == ST_FEATURE_NUMERIC ? 1 : f->n_levels;
        if (f->col > m->n_coefs || width > m->n_coefs - f->col ||
            (f->indicator >= 0 && (size_t)f->indicator >= m->n_coefs))
            return st__mr_bad(r, "feature '%s' refers to columns beyond the %zu coefficients",
                       f->name, m->n_coefs);
    }
    return ST_OK;
}

/* The optional "column_moments K" section after 'gap' (older files end at 'gap'). */
static st_status read_moments(st__mreader *r, st_logreg *m)
{
    static const char key[] = "column_moments ";
    st__mreader peek = *r; /* the section is optional: look before taking the line */
    if (!st__mr_next(&peek) || peek.len < sizeof key - 1 ||
        memcmp(peek.text, key, sizeof key - 1) != 0)
        return ST_OK;
    *r = peek;
    long n;
    st_status rc = st__mr_integer(r, "column_moments", r->text + sizeof key - 1,
                                  r->len - (sizeof key - 1), 0, 1000000000, &n);
    if (rc != ST_OK)
        return rc;
    if ((size_t)n != m->n_coefs)
        return st__mr_bad(r, "column_moments %ld: expected one per coefficient (%zu)", n,
                          m->n_coefs);
    m->col_mean = st__calloc(m->n_coefs + 1, sizeof *m->col_mean);
    m->col_sd = st__calloc(m->n_coefs + 1, sizeof *m->col_sd);
    if (m->col_mean == NULL || m->col_sd == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    for (size_t k = 0; k < m->n_coefs; k++) {
        const char *s, *t;
        size_t len, tl;
        if ((rc = st__mr_keyed(r, "moment", &s, &len)) != ST_OK)
            return rc;
        if (!st__mr_field(&s, &len, &t, &tl))
            return st__mr_bad(r, "expected 'moment MEAN SD'");
        if ((rc = st__mr_number(r, "mean", t, tl, &m->col_mean[k])) != ST_OK ||
            (rc = st__mr_number(r, "sd", s, len, &m->col_sd[k])) != ST_OK)
            return rc;
    }
    return ST_OK;
}

static st_status read_body(st__mreader *r, st_logreg *m)
{
    st_status rc;
    long n, v;
    /* each feature and coefficient needs a line of text: bounds the allocations */
    const long max_items = (long)((size_t)(r->end - r->p) < 1000000000 ? r->end - r->p : 1000000000);
    if ((rc = read_params(r, &m->params)) != ST_OK ||
        (rc = st__mr_key_integer(r, "features", 0, max_items, &n)) != ST_OK)
        return rc;
    if (n > 0 && (m->features = st__calloc((size_t)n, sizeof *m->features)) == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    m->n_features = (size_t)n;
    for (size_t j = 0; j < m->n_features; j++)
        if ((rc = read_feature(r, &m->features[j], (size_t)max_items)) != ST_OK)
            return rc;
    if ((rc = st__mr_key_integer(r, "coefs", 0, max_items, &n)) != ST_OK)
        return rc;
    m->coef_names = st__calloc((size_t)n + 1, sizeof *m->coef_names);
    m->coefs = st__calloc((size_t)n + 1, sizeof *m->coefs);
    if (m->coef_names == NULL || m->coefs == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    m->n_coefs = (size_t)n;
    for (size_t k = 0; k < m->n_coefs; k++) {
        const char *s, *t;
        size_t len, tl;
        if ((rc = st__mr_keyed(r, "coef", &s, &len)) != ST_OK)
            return rc;
        if (!st__mr_field(&s, &len, &t, &tl))
            return st__mr_bad(r, "expected 'coef VALUE NAME'");
        if ((rc = st__mr_number(r, "coefficient", t, tl, &m->coefs[k])) != ST_OK ||
            (rc = st__mr_name(r, "the coefficient name", s, len, &m->coef_names[k])) != ST_OK)
            return rc;
    }
    if ((rc = check_columns(r, m)) != ST_OK ||
        (rc = st__mr_key_number(r, "intercept", &m->intercept)) != ST_OK ||
        (rc = st__mr_key_integer(r, "iterations", 0, 2147483647L, &v)) != ST_OK)
        return rc;
    m->iterations = (int)v;
    if ((rc = st__mr_key_integer(r, "converged", 0, 1, &v)) != ST_OK)
        return rc;
    m->converged = (int)v;
    if ((rc = st__mr_key_number(r, "objective", &m->objective)) != ST_OK ||
        (rc = st__mr_key_number(r, "gap", &m->gap)) != ST_OK)
        return rc;
    if ((rc = read_moments(r, m)) != ST_OK ||
        (rc = st__post_read(r, &m->post)) != ST_OK || /* optional calibration, threshold */
        (rc = st__row_sketch_read(r, &m->sketch)) != ST_OK || /* optional fingerprint */
        (rc = st__lr_text_read(r, m)) != ST_OK) /* optional text featurizers */
        return rc;
    if (st__mr_next(r))
        return st__mr_bad(r, "unexpected line after 'gap'; expected 'column_moments', the "
                          "calibration or threshold lines, a text featurizer, or the checksum line");
    return ST_OK;
}

st_status st__logreg_load_buffer(const char *data, size_t size, const char *name,
                                 st_logreg **out, st_error *err)
{
    *out = NULL;
    st__mreader r;
    st_status rc = st__mr_open(&r, name, data, size, "logreg", err);
    if (rc != ST_OK)
        return rc;
    st_logreg *m = st__calloc(1, sizeof *m);
    if (m == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory reading %s", name);
    if ((rc = read_body(&r, m)) != ST_OK) {
        st_logreg_free(m);
        return rc;
    }
    *out = m;
    return ST_OK;
}

st_status st_logreg_load(const char *path, st_logreg **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_load: %s is NULL",
                        path == NULL ? "path" : "out");
    st__file_buffer buf = {0};
    st_status rc = st__file_buffer_read(path, &buf, err);
    if (rc != ST_OK)
        return rc;
    rc = st__logreg_load_buffer(buf.data, buf.size, path, out, err);
    st__file_buffer_free(&buf);
    return rc;
}
