/* st_text_read_csv: a CSV file read with its text columns featurized as they are read
 * (include/stratum/text.h). The other columns are read by the CSV reader with the text
 * columns left out (so the texts never become levels), from a copy of the file without
 * the texts' bytes when the positions it keeps stay right; then each text column is
 * streamed from the file (text_stream_pass.c), which is why the file must be a regular
 * one. */
#include "text_stream.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

static int listed(const char *const *names, size_t n, const char *name)
{
    for (size_t k = 0; k < n; k++)
        if (names[k] != NULL && strcmp(names[k], name) == 0)
            return 1;
    return 0;
}

/* The field of text column `name` in s's header, or -1 (with the error) when it is not a
 * feature of the data: absent, the label, the weight or ignored, as st_text_fit_dataset
 * finds it on the dataset read with ro. */
static long text_field(const st__csv_row_stream *s, const st_read_options *ro,
                       const char *name, st_error *err)
{
    long c = st__csv_row_stream_column(s, name);
    long weight = ro->weight != NULL ? st__csv_row_stream_column(s, ro->weight) : -1;
    if (c < 0 || c == s->label_col || c == weight || listed(ro->ignore, ro->n_ignore, name)) {
        st__fail(err, ST_ERR_DATA, "%s: text column '%s' is not in the data", s->path, name);
        return -1;
    }
    if (listed(ro->numeric, ro->n_numeric, name)) {
        st__fail(err, ST_ERR_DATA, "%s: text column '%s' was read as numbers; read it as "
                 "text (st_read_options.categorical naming it; --categorical on the command "
                 "line)", s->path, name);
        return -1;
    }
    return c;
}

/* names less the text columns, in a new array (NULL when out of memory). */
static const char **without(const char *const *names, size_t n, const char *const *cols,
                            size_t n_cols, size_t *n_out)
{
    const char **out = st__malloc_array(n + n_cols + 1, sizeof *out);
    *n_out = 0;
    for (size_t k = 0; out != NULL && k < n; k++)
        if (!listed(cols, n_cols, names[k]))
            out[(*n_out)++] = names[k];
    return out;
}

/* 1 when no feature column follows a text column in the header: then the file less the
 * text columns' bytes (st__csv_row_stream_reduce) gives every feature cell its position in
 * the file, which the dataset keeps (st_dataset_column_cells). Call on the header. */
static int features_before_texts(const st__csv_row_stream *s, const st_read_options *ro,
                                 const long *field, size_t n_cols)
{
    long first = field[0];
    for (size_t k = 1; k < n_cols; k++)
        if (field[k] < first)
            first = field[k];
    long weight = ro->weight != NULL ? st__csv_row_stream_column(s, ro->weight) : -1;
    for (long c = first + 1; c < (long)s->n_cols; c++) {
        int other = c == s->label_col || c == weight;
        for (size_t k = 0; k < n_cols && !other; k++)
            other = field[k] == c;
        for (size_t k = 0; k < ro->n_ignore && !other; k++)
            other = st__csv_row_stream_column(s, ro->ignore[k]) == c;
        if (!other)
            return 0;
    }
    return 1;
}

static int compare_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

/* The other columns: the file read with the text columns ignored and out of the type
 * lists (a text column named in categorical is read as text by the stream). With
 * `reduce`, from the file less the text columns' bytes, so that the texts are not read
 * whole; should that fail, from the file itself, whose error is the reader's first in
 * file order. */
static st_status read_others(st__csv_row_stream *s, const st_read_options *ro,
                             const char *const *cols, const long *field, size_t n_cols,
                             int reduce, st_dataset **ds, st_error *err)
{
    st_read_options o = *ro;
    size_t n_ign = 0, n_num, n_cat;
    const char **ign = without(ro->ignore, ro->n_ignore, cols, n_cols, &n_ign);
    const char **num = without(ro->numeric, ro->n_numeric, cols, n_cols, &n_num);
    const char **cat = without(ro->categorical, ro->n_categorical, cols, n_cols, &n_cat);
    long *drop = st__malloc_array(n_cols, sizeof *drop);
    st_status rc = ST_OK;
    if (ign == NULL || num == NULL || cat == NULL || drop == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory", s->path);
    } else {
        for (size_t k = 0; k < n_cols; k++)
            ign[n_ign++] = cols[k];
        o.ignore = ign, o.n_ignore = n_ign;
        o.numeric = n_num > 0 ? num : NULL, o.n_numeric = n_num;
        o.categorical = n_cat > 0 ? cat : NULL, o.n_categorical = n_cat;
        memcpy(drop, field, n_cols * sizeof *drop);
        qsort(drop, n_cols, sizeof *drop, compare_long);
        char *less = NULL;
        size_t n_less = 0;
        rc = reduce ? st__csv_row_stream_reduce(s, drop, n_cols, &less, &n_less, err)
                    : ST_ERR_PARSE; /* not reduced: the file itself, below */
        if (rc == ST_OK)
            rc = st_dataset_read_csv_buffer(less, n_less, s->path, &o, ds, err);
        st__free(less);
        if (rc != ST_OK && rc != ST_ERR_NOMEM)
            rc = st_dataset_read_csv(s->path, &o, ds, err);
    }
    st__free(ign);
    st__free(num);
    st__free(cat);
    st__free(drop);
    return rc;
}

st_status st__text_csv_open(st__text_csv *c, const char *path, const st_read_options *read_opt,
                            const char *const *cols, size_t n_cols, const st_text_options *opt,
                            const char *fn, st_error *err)
{
    memset(c, 0, sizeof *c);
    if (path == NULL || cols == NULL || n_cols == 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: NULL argument or no text column", fn);
    c->ro = read_opt != NULL ? *read_opt : st_read_options_default();
    c->opt = opt != NULL ? *opt : st_text_options_default();
    st_status rc = st__text_check_options(&c->opt, fn, err);
    for (size_t k = 0; rc == ST_OK && k < n_cols; k++)
        if (cols[k] == NULL || listed(cols, k, cols[k]))
            rc = st__fail(err, ST_ERR_INVALID_ARG, "%s: text column %zu is NULL or given "
                          "twice", fn, k);
    if (rc != ST_OK)
        return rc;
    c->open = 1; /* closed even when opening fails half way */
    rc = st__csv_row_stream_open(&c->s, path, &c->ro, "read it whole (st_dataset_read_csv, "
                                 "then st_text_fit_dataset and st_text_transform)", err);
    if (rc != ST_OK) {
        st__text_csv_close(c);
        return rc;
    }
    c->field = st__malloc_array(n_cols, sizeof *c->field);
    c->forced = st__malloc_array(n_cols, sizeof *c->forced);
    if (c->field == NULL || c->forced == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory", path);
    for (size_t k = 0; rc == ST_OK && k < n_cols; k++) {
        if ((c->field[k] = text_field(&c->s, &c->ro, cols[k], err)) < 0)
            rc = err != NULL ? err->code : ST_ERR_DATA;
        c->forced[k] = listed(c->ro.categorical, c->ro.n_categorical, cols[k]);
    }
    int reduce = rc == ST_OK && features_before_texts(&c->s, &c->ro, c->field, n_cols);
    if (rc == ST_OK)
        rc = read_others(&c->s, &c->ro, cols, c->field, n_cols, reduce, &c->ds, err);
    if (rc != ST_OK)
        st__text_csv_close(c);
    return rc;
}

void st__text_csv_close(st__text_csv *c)
{
    if (c->open)
        st__csv_row_stream_close(&c->s);
    st__free(c->field);
    st__free(c->forced);
    st_dataset_free(c->ds);
    memset(c, 0, sizeof *c);
}

st_status st_text_read_csv(const char *path, const st_read_options *read_opt,
                           const char *const *cols, size_t n_cols, const st_text_options *opt,
                           st_dataset **out, st_text_featurizer **f, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    for (size_t k = 0; f != NULL && k < n_cols; k++)
        f[k] = NULL;
    if (out == NULL || f == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_read_csv: NULL argument or no "
                        "text column");
    st__text_csv c;
    st_status rc = st__text_csv_open(&c, path, read_opt, cols, n_cols, opt,
                                     "st_text_read_csv", err);
    if (rc != ST_OK)
        return rc;
    size_t n_others = c.ds->n_features;
    for (size_t k = 0; rc == ST_OK && k < n_cols; k++)
        rc = st__text_stream_column(&c.s, (size_t)c.field[k], cols[k], &c.opt, c.forced[k],
                                    c.ds, n_others, &f[k], err);
    if (rc != ST_OK) {
        for (size_t k = 0; k < n_cols; k++) {
            st_text_featurizer_free(f[k]);
            f[k] = NULL;
        }
    } else {
        *out = c.ds;
        c.ds = NULL;
    }
    st__text_csv_close(&c);
    return rc;
}
