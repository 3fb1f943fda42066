/* Text columns of a dataset: fitting on one (st_text_fit_dataset) and replacing them by
 * their term columns (st_text_transform), which are appended to a copy of the other
 * features as sparse features (data/dataset_impl.h). */
#include "text_impl.h"

#include <stratum/folds.h>

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "data/dataset_impl.h"

static const char *source_prefix(const st_dataset *ds, char *buf, size_t size)
{
    const char *s = st_dataset_source(ds);
    if (s[0] == '\0')
        return "";
    size_t n = strlen(s);
    if (n + 3 > size)
        n = size - 3;
    memcpy(buf, s, n);
    memcpy(buf + n, ": ", 3);
    return buf;
}

/* Whether a column read as numbers holds no value at all: a text column whose every cell
 * is empty or a missing-value text (a new patient without a note yet), which the reader
 * cannot tell from an empty numeric column. Its NaN codes are missing texts. */
static int all_missing(const float *x, size_t n)
{
    if (x == NULL) /* (sparse: zeros, not missing) */
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            return 0;
    return 1;
}

/* The text column `column` of ds as a source of texts. */
static st_status text_column(const st_dataset *ds, const char *column, st__text_source *src,
                             st_error *err)
{
    char pre[512];
    long j = st_dataset_find_feature(ds, column);
    if (j < 0)
        return st__fail(err, ST_ERR_DATA, "%stext column '%s' is not in the data",
                        source_prefix(ds, pre, sizeof pre), column);
    const float *codes = st_dataset_feature_values(ds, (size_t)j);
    if (st_dataset_feature_type(ds, (size_t)j) != ST_FEATURE_CATEGORICAL &&
        !all_missing(codes, st_dataset_n_rows(ds)))
        return st__fail(err, ST_ERR_DATA, "%stext column '%s' was read as numbers; read it "
                        "as text (st_read_options.categorical naming it; --categorical on "
                        "the command line)",
                        source_prefix(ds, pre, sizeof pre), column);
    memset(src, 0, sizeof *src);
    src->codes = codes; /* (all NaN: every text missing, as NaN codes are) */
    src->ds = ds;
    src->j = (size_t)j;
    src->n = st_dataset_n_rows(ds);
    return ST_OK;
}

st_status st_text_fit_dataset(const st_dataset *ds, const char *column,
                              const st_text_options *opt, st_text_featurizer **out,
                              st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (ds == NULL || column == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_fit_dataset: NULL argument");
    st_text_options o = opt != NULL ? *opt : st_text_options_default();
    st__text_source src;
    st_status rc = st__text_check_options(&o, "st_text_fit_dataset", err);
    if (rc == ST_OK)
        rc = text_column(ds, column, &src, err);
    if (rc != ST_OK)
        return rc;
    return st__text_fit_source(&src, column, &o, st_dataset_source(ds), out, err);
}

st_status st__text_add_term_columns(st_dataset *ds, const st_text_featurizer *f,
                                    const size_t *count, st_error *err)
{
    size_t n0 = ds->n_features;
    st__feature *feat = st__realloc_array(ds->features, n0 + f->n_terms + 1, sizeof *feat);
    if (feat == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory adding text column '%s'", f->column);
    ds->features = feat;
    for (size_t k = 0; k < f->n_terms; k++) {
        st__feature *c = &ds->features[n0 + k];
        memset(c, 0, sizeof *c);
        st__category_dict_init(&c->levels);
        c->type = ST_FEATURE_NUMERIC;
        ds->n_features = n0 + k + 1; /* freed with ds from here on */
        if (!st__dataset_set_name(ds, n0 + k, f->names[k], strlen(f->names[k])) ||
            !st__feature_make_sparse(c, count[k])) /* no entries yet, room for count[k] */
            return st__fail(err, ST_ERR_NOMEM, "out of memory adding text column '%s'",
                            f->column);
    }
    return ST_OK;
}

/* Appends f's columns, from its rows, to ds (sparse numeric features): each column's
 * entries counted, allocated, then filled row by row (so rows come ascending). */
static st_status append_columns(st_dataset *ds, const st_text_featurizer *f,
                                const st__text_rows *rows, size_t n_rows, st_error *err)
{
    size_t n0 = ds->n_features, nnz = rows->row_ptr[n_rows];
    size_t *count = st__calloc(f->n_terms + 1, sizeof *count);
    if (count == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory adding text column '%s'", f->column);
    for (size_t k = 0; k < nnz; k++)
        count[rows->cols[k]]++;
    st_status rc = st__text_add_term_columns(ds, f, count, err);
    for (size_t i = 0; i < n_rows && rc == ST_OK; i++)
        for (size_t k = rows->row_ptr[i]; k < rows->row_ptr[i + 1]; k++) {
            st__feature *c = &ds->features[n0 + rows->cols[k]];
            c->entry_rows[c->n_entries] = (uint32_t)i;
            c->entry_values[c->n_entries++] = rows->values[k];
        }
    st__free(count);
    return rc;
}

/* The other features of ds (those not in is_text) in a new dataset. */
static st_status copy_others(const st_dataset *ds, const unsigned char *is_text,
                             st_dataset **out, st_error *err)
{
    size_t nf = st_dataset_n_features(ds), n_keep = 0, first_text = 0;
    size_t *keep = st__malloc_array(nf + 1, sizeof *keep);
    if (keep == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory copying a dataset");
    for (size_t j = 0; j < nf; j++) {
        if (!is_text[j])
            keep[n_keep++] = j;
        else if (n_keep == 0 && first_text == 0)
            first_text = j + 1;
    }
    /* no other feature: copy one text column, for the rows, labels and names, then drop
     * it; copied from a view of ds in which it has no levels, as its texts would be
     * copied for nothing (a corpus's cross-validation calls this twice a fold) */
    int drop = n_keep == 0;
    st_status rc;
    if (drop) {
        st_dataset view = *ds;
        st__feature one = ds->features[first_text - 1];
        st__category_dict_init(&one.levels);
        view.features = &one;
        view.n_features = 1;
        rc = st_dataset_select(&view, NULL, 0, NULL, 0, out, err);
    } else {
        rc = n_keep == nf ? st_dataset_select(ds, NULL, 0, NULL, 0, out, err)
                          : st_dataset_select(ds, NULL, 0, keep, n_keep, out, err);
    }
    st__free(keep);
    if (rc == ST_OK && drop) {
        st__feature *c = &(*out)->features[0];
        st__free(c->name);
        st__free(c->values);
        st__category_dict_free(&c->levels);
        st__free(c->zero_entries);
        memset(c, 0, sizeof *c);
        (*out)->n_features = 0;
    }
    return rc;
}

/* st_text_transform, from the corpora c (NULL: from the texts). */
static st_status transform(const st_text_featurizer *const *f,
                           const st_text_corpus *const *c, size_t n_f, const st_dataset *ds,
                           st_dataset **out, st_error *err)
{
    const char *fn = c != NULL ? "st_text_transform_corpus" : "st_text_transform";
    if (out != NULL)
        *out = NULL;
    if (ds == NULL || out == NULL || (f == NULL && n_f > 0))
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: NULL argument", fn);
    size_t nf = st_dataset_n_features(ds);
    unsigned char *is_text = st__calloc(nf + 1, 1);
    st__text_source *src = st__calloc(n_f + 1, sizeof *src);
    st__tmap names;
    memset(&names, 0, sizeof names);
    st_dataset *res = NULL;
    st_status rc = is_text != NULL && src != NULL
                       ? ST_OK
                       : st__fail(err, ST_ERR_NOMEM, "out of memory featurizing text");
    for (size_t k = 0; k < n_f && rc == ST_OK; k++) {
        if (f[k] == NULL) {
            rc = st__fail(err, ST_ERR_INVALID_ARG, "%s: featurizer %zu is NULL", fn, k);
        } else if (c != NULL && (c[k] == NULL || c[k]->opt.hash_bits != f[k]->opt.hash_bits ||
                                 c[k]->opt.ngram_min != f[k]->opt.ngram_min ||
                                 c[k]->opt.ngram_max != f[k]->opt.ngram_max ||
                                 c[k]->opt.stop_words != f[k]->opt.stop_words ||
                                 strcmp(c[k]->column, f[k]->column) != 0)) {
            rc = st__fail(err, ST_ERR_INVALID_ARG, "%s: corpus %zu is NULL or not of "
                          "featurizer %zu's column and options", fn, k, k);
        } else if ((rc = text_column(ds, f[k]->column, &src[k], err)) == ST_OK) {
            if (is_text[src[k].j])
                rc = st__fail(err, ST_ERR_INVALID_ARG, "%s: text column '%s' has two "
                              "featurizers", fn, f[k]->column);
            is_text[src[k].j] = 1;
        }
    }
    if (rc == ST_OK)
        rc = copy_others(ds, is_text, &res, err);
    /* term columns must not take the name of another feature */
    for (size_t j = 0; rc == ST_OK && j < st_dataset_n_features(res); j++) {
        const char *name = st_dataset_feature_name(res, j);
        if (st__tmap_intern(&names, name, strlen(name)) < 0)
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory featurizing text");
    }
    for (size_t k = 0; k < n_f && rc == ST_OK; k++) {
        for (size_t t = 0; t < f[k]->n_terms && rc == ST_OK; t++)
            if (st__tmap_find(&names, f[k]->names[t], strlen(f[k]->names[t])) >= 0)
                rc = st__fail(err, ST_ERR_DATA, "text column '%s': its term column '%s' has "
                              "the name of another feature of the data", f[k]->column,
                              f[k]->names[t]);
        st__text_rows rows;
        if (rc == ST_OK && c != NULL && (rc = st__text_corpus_check(c[k], &src[k], fn, err)) == ST_OK)
            rc = st__text_transform_corpus_source(f[k], c[k], &src[k], &rows, err);
        else if (rc == ST_OK)
            rc = st__text_transform_source(f[k], &src[k], st_dataset_source(ds), &rows, err);
        if (rc == ST_OK) {
            rc = append_columns(res, f[k], &rows, src[k].n, err);
            st__text_rows_free(&rows);
        }
    }
    st__tmap_free(&names);
    st__free(is_text);
    st__free(src);
    if (rc != ST_OK) {
        st_dataset_free(res);
        return rc;
    }
    *out = res;
    return ST_OK;
}

st_status st_text_transform(const st_text_featurizer *const *f, size_t n_f,
                            const st_dataset *ds, st_dataset **out, st_error *err)
{
    return transform(f, NULL, n_f, ds, out, err);
}

st_status st_text_transform_corpus(const st_text_featurizer *const *f,
                                   const st_text_corpus *const *c, size_t n_f,
                                   const st_dataset *ds, st_dataset **out, st_error *err)
{
    if (c == NULL && n_f > 0) {
        if (out != NULL)
            *out = NULL;
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_transform_corpus: NULL argument");
    }
    return transform(f, c, n_f, ds, out, err);
}

st_status st_text_corpus_build(const st_dataset *const *ds, size_t n_ds, const char *column,
                               const st_text_options *opt, st_text_corpus **out,
                               st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (ds == NULL || n_ds == 0 || column == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_corpus_build: NULL argument or no "
                        "dataset");
    st_text_options o = opt != NULL ? *opt : st_text_options_default();
    st_status rc = st__text_check_options(&o, "st_text_corpus_build", err);
    st__text_source *src = rc == ST_OK ? st__calloc(n_ds, sizeof *src) : NULL;
    const char **names = rc == ST_OK ? st__calloc(n_ds, sizeof *names) : NULL;
    if (rc == ST_OK && (src == NULL || names == NULL))
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory analysing text column '%s'", column);
    for (size_t d = 0; d < n_ds && rc == ST_OK; d++) {
        if (ds[d] == NULL)
            rc = st__fail(err, ST_ERR_INVALID_ARG, "st_text_corpus_build: dataset %zu is "
                          "NULL", d);
        else if ((rc = text_column(ds[d], column, &src[d], err)) == ST_OK)
            names[d] = st_dataset_source(ds[d]);
    }
    if (rc == ST_OK)
        rc = st__text_corpus_build_sources(src, n_ds, names, column, &o, out, err);
    st__free(src);
    st__free(names);
    return rc;
}

int st_text_corpus_matches(const st_text_corpus *c, const st_dataset *ds)
{
    st__text_source src;
    st_error err;
    return c != NULL && ds != NULL && text_column(ds, c->column, &src, &err) == ST_OK &&
           st__text_corpus_check(c, &src, "st_text_corpus_matches", &err) == ST_OK;
}

st_status st_text_fit_corpus(const st_text_corpus *c, const st_dataset *ds,
                             st_text_featurizer **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (c == NULL || ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_fit_corpus: NULL argument");
    st__text_source src;
    st_status rc = text_column(ds, c->column, &src, err);
    if (rc != ST_OK)
        return rc;
    return st__text_fit_corpus_source(c, &src, st_dataset_source(ds), out, err);
}
