/* src/data/: the dataset (dataset_impl.h: columns of floats, labels, weights, categorical
 * levels) and everything that makes one: the CSV tokenizer and reader with its header
 * rules, the LibSVM reader, missing-value texts, label rules, subsets (folds) and column
 * summaries. It calls io/ and core/; the model families, eval/ and binned/ read datasets
 * through the public accessors or dataset_impl.h, never the other way round.
 *
 * This file: the dataset object: construction, destruction and accessors. */
#include "dataset_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

st_read_options st_read_options_default(void)
{
    st_read_options o;
    memset(&o, 0, sizeof o);
    o.delimiter = 0;
    o.label = "label";
    o.label_index = -1;
    o.label_required = 1;
    o.positive = NULL;
    o.weight = NULL;
    o.na_values = NULL;
    o.skip_missing_labels = 0;
    o.libsvm_zero_based = -1;
    o.has_header = 1;
    o.weight_file = NULL;
    o.censored = ST_CENSORED_TEXT;
    o.decimal = '.';
    o.n_threads = 0;
    return o;
}

st_dataset *st__dataset_new(size_t n_features, size_t row_cap, int labelled, int weighted)
{
    st_dataset *ds = st__calloc(1, sizeof *ds);
    if (ds == NULL)
        return NULL;
    ds->n_features = n_features;
    ds->features = st__calloc(n_features, sizeof *ds->features);
    ds->label_name = st__strdup("");
    ds->weight_name = st__strdup("");
    ds->source = st__strdup("");
    ds->class_name[0] = st__strdup("");
    ds->class_name[1] = st__strdup("");
    if (ds->features == NULL || ds->label_name == NULL || ds->weight_name == NULL ||
        ds->source == NULL || ds->class_name[0] == NULL || ds->class_name[1] == NULL)
        goto fail;
    for (size_t j = 0; j < n_features; j++)
        st__category_dict_init(&ds->features[j].levels);
    if (labelled) {
        ds->labels = st__malloc(sizeof(float));
        if (ds->labels == NULL)
            goto fail;
    }
    if (weighted) {
        ds->weights = st__malloc(sizeof(float));
        if (ds->weights == NULL)
            goto fail;
    }
    if (!st__dataset_reserve_rows(ds, row_cap == 0 ? 1 : row_cap))
        goto fail;
    return ds;
fail:
    st_dataset_free(ds);
    return NULL;
}

int st__dataset_add_cell_facts(st_dataset *ds)
{
    const size_t n = ds->n_features;
    if ((ds->cell_facts = st__calloc(n ? n : 1, sizeof *ds->cell_facts)) == NULL)
        return 0;
    for (size_t j = 0; j < n; j++)
        ds->features[j].cells = &ds->cell_facts[j];
    return 1;
}

int st__dataset_set_name(st_dataset *ds, size_t j, const char *name, size_t len)
{
    char *copy = st__strndup(name, len);
    if (copy == NULL)
        return 0;
    st__free(ds->features[j].name);
    ds->features[j].name = copy;
    return 1;
}

static int resize_floats(float **p, size_t n)
{
    float *q = st__realloc_array(*p, n, sizeof **p);
    if (q == NULL)
        return 0;
    *p = q;
    return 1;
}

int st__dataset_reserve_rows(st_dataset *ds, size_t rows)
{
    if (rows <= ds->row_cap)
        return 1;
    for (size_t j = 0; j < ds->n_features; j++)
        if (!ds->features[j].sparse && !resize_floats(&ds->features[j].values, rows))
            return 0;
    if (ds->labels != NULL && !resize_floats(&ds->labels, rows))
        return 0;
    if (ds->weights != NULL && !resize_floats(&ds->weights, rows))
        return 0;
    ds->row_cap = rows;
    return 1;
}

void st__dataset_shrink(st_dataset *ds)
{
    size_t rows = ds->n_rows == 0 ? 1 : ds->n_rows;
    if (rows >= ds->row_cap)
        return;
    for (size_t j = 0; j < ds->n_features; j++)
        if (!ds->features[j].sparse)
            resize_floats(&ds->features[j].values, rows);
    if (ds->labels != NULL)
        resize_floats(&ds->labels, rows);
    if (ds->weights != NULL)
        resize_floats(&ds->weights, rows);
    ds->row_cap = rows;
}

int st__dataset_sort_levels(st_dataset *ds)
{
    for (size_t j = 0; j < ds->n_features; j++) {
        st__feature *f = &ds->features[j];
        if (f->type != ST_FEATURE_CATEGORICAL)
            continue;
        uint32_t *remap = NULL;
        if (!st__category_dict_sort(&f->levels, &remap))
            return 0;
        for (size_t i = 0; i < ds->n_rows; i++)
            if (!isnan(f->values[i]))
                f->values[i] = (float)remap[(size_t)f->values[i]];
        st__free(remap);
    }
    return 1;
}

void st_dataset_free(st_dataset *ds)
{
    if (ds == NULL)
        return;
    if (ds->features != NULL) {
        for (size_t j = 0; j < ds->n_features; j++) {
            st__free(ds->features[j].name);
            if (!ds->features[j].borrowed_values)
                st__free(ds->features[j].values);
            st__category_dict_free(&ds->features[j].levels);
            st__free(ds->features[j].zero_entries);
            if (!ds->features[j].shared_entries) {
                st__free(ds->features[j].entry_rows);
                st__free(ds->features[j].entry_values);
            }
        }
    }
    st__free(ds->shared_rows);
    st__free(ds->shared_values);
    st__free(ds->features);
    st__free(ds->cell_facts);
    st__free(ds->labels);
    st__free(ds->weights);
    st__free(ds->label_name);
    st__free(ds->weight_name);
    st__free(ds->source);
    st__free(ds->class_name[0]);
    st__free(ds->class_name[1]);
    st__free(ds);
}

st_status st__check_labels_weights(const char *fn, size_t n_rows, const float *labels,
                                   const float *weights, st_error *err)
{
    for (size_t i = 0; labels != NULL && i < n_rows; i++)
        if (labels[i] != 0.0f && labels[i] != 1.0f)
            return st__fail(err, ST_ERR_DATA,
                            "%s: labels[%zu] is %g, expected 0 or 1", fn, i,
                            (double)labels[i]);
    for (size_t i = 0; weights != NULL && i < n_rows; i++)
        if (!(weights[i] >= 0.0f) || isinf(weights[i]))
            return st__fail(err, ST_ERR_DATA,
                            "%s: weights[%zu] is %g, expected a finite "
                            "value >= 0", fn, i, (double)weights[i]);
    return ST_OK;
}

st_status st__dataset_from_arrays(const char *fn, int borrow, size_t n_rows, size_t n_features,
                                  const float *x, const float *labels, const float *weights,
                                  const char *const *names, st_dataset **out, st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: out is NULL", fn);
    *out = NULL;
    if (n_rows == 0 || n_features == 0)
        return st__fail(err, ST_ERR_INVALID_ARG,
                        "%s: expected at least one row and one feature, got %zu rows and %zu "
                        "features", fn, n_rows, n_features);
    if (x == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: x is NULL", fn);
    st_status rc = st__check_labels_weights(fn, n_rows, labels, weights, err);
    if (rc != ST_OK)
        return rc;
    /* borrowed: room for one value per feature, freed below, and the rows of the labels
     * and weights alone */
    st_dataset *ds = st__dataset_new(n_features, borrow ? 1 : n_rows, labels != NULL,
                                     weights != NULL);
    float *lab = NULL, *wt = NULL;
    if (ds != NULL && borrow) {
        lab = labels != NULL ? st__realloc_array(ds->labels, n_rows, sizeof *lab) : NULL;
        if (lab != NULL)
            ds->labels = lab;
        wt = weights != NULL ? st__realloc_array(ds->weights, n_rows, sizeof *wt) : NULL;
        if (wt != NULL)
            ds->weights = wt;
    }
    if (ds == NULL || (borrow && ((labels != NULL && lab == NULL) ||
                                  (weights != NULL && wt == NULL)))) {
        st_dataset_free(ds);
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory", fn);
    }
    ds->n_rows = n_rows;
    for (size_t j = 0; j < n_features; j++) {
        char generated[32];
        const char *name = names != NULL ? names[j] : NULL;
        if (name == NULL) {
            snprintf(generated, sizeof generated, "f%zu", j);
            name = generated;
        }
        if (!st__dataset_set_name(ds, j, name, strlen(name))) {
            st_dataset_free(ds);
            return st__fail(err, ST_ERR_NOMEM, "%s: out of memory", fn);
        }
        st__feature *f = &ds->features[j];
        if (borrow) {
            st__free(f->values);
            f->values = (float *)(x + j * n_rows); /* never written: borrowed_values */
            f->borrowed_values = 1;
        } else {
            memcpy(f->values, x + j * n_rows, n_rows * sizeof(float));
        }
    }
    if (labels != NULL)
        memcpy(ds->labels, labels, n_rows * sizeof(float));
    if (weights != NULL)
        memcpy(ds->weights, weights, n_rows * sizeof(float));
    *out = ds;
    return ST_OK;
}

st_status st_dataset_from_arrays(size_t n_rows, size_t n_features, const float *x,
                                 const float *labels, const float *weights,
                                 const char *const *names, st_dataset **out, st_error *err)
{
    return st__dataset_from_arrays("st_dataset_from_arrays", 0, n_rows, n_features, x, labels,
                                   weights, names, out, err);
}

st_status st_dataset_from_arrays_borrowed(size_t n_rows, size_t n_features, const float *x,
                                          const float *labels, const float *weights,
                                          const char *const *names, st_dataset **out,
                                          st_error *err)
{
    return st__dataset_from_arrays("st_dataset_from_arrays_borrowed", 1, n_rows, n_features, x,
                                   labels, weights, names, out, err);
}

size_t st_dataset_n_rows(const st_dataset *ds) { return ds != NULL ? ds->n_rows : 0; }
size_t st_dataset_n_features(const st_dataset *ds) { return ds != NULL ? ds->n_features : 0; }

static int has_feature(const st_dataset *ds, size_t j) { return ds != NULL && j < ds->n_features; }

const char *st_dataset_feature_name(const st_dataset *ds, size_t j)
{
    return has_feature(ds, j) ? ds->features[j].name : NULL;
}

st_feature_type st_dataset_feature_type(const st_dataset *ds, size_t j)
{
    return has_feature(ds, j) ? ds->features[j].type : ST_FEATURE_NUMERIC;
}

/* A LibSVM dataset's column of "f<k>": its names are f<first>, f<first + 1>, ... (unique),
 * so f<k> is column k - first unless --ignore dropped columns before it; -1 when that
 * guess is not it. Keeps a model's lookup of a million such names from costing 10^12
 * comparisons. */
static long libsvm_column(const st_dataset *ds, const char *name)
{
    if (!ds->libsvm || name[0] != 'f' || name[1] < '0' || name[1] > '9')
        return -1;
    long k = 0;
    for (const char *c = name + 1; *c != '\0'; c++) {
        if (*c < '0' || *c > '9' || k > 100000000L)
            return -1;
        k = k * 10 + (*c - '0');
    }
    const long j = k - ds->libsvm_first;
    return j >= 0 && (size_t)j < ds->n_features && strcmp(ds->features[j].name, name) == 0
               ? j
               : -1;
}

long st_dataset_find_feature(const st_dataset *ds, const char *name)
{
    if (ds == NULL || name == NULL)
        return -1;
    const long guess = libsvm_column(ds, name);
    if (guess >= 0)
        return guess;
    for (size_t j = 0; j < ds->n_features; j++)
        if (strcmp(ds->features[j].name, name) == 0)
            return (long)j;
    return -1;
}

long st_dataset_find_feature_at(const st_dataset *ds, const char *name, size_t hint)
{
    if (ds == NULL || name == NULL)
        return -1;
    /* outwards from hint: a column or two more or fewer before it are found as fast */
    const size_t n = ds->n_features;
    if (hint >= n) /* more model features than columns: from the last one down */
        hint = n > 0 ? n - 1 : 0;
    for (size_t d = 0; d <= hint || hint + d < n; d++) {
        if (hint + d < n && strcmp(ds->features[hint + d].name, name) == 0)
            return (long)(hint + d);
        if (d > 0 && d <= hint && strcmp(ds->features[hint - d].name, name) == 0)
            return (long)(hint - d);
    }
    return -1;
}

const float *st_dataset_feature_values(const st_dataset *ds, size_t j)
{
    return has_feature(ds, j) ? ds->features[j].values : NULL;
}

size_t st_dataset_n_levels(const st_dataset *ds, size_t j)
{
    return has_feature(ds, j) ? ds->features[j].levels.n_levels : 0;
}

const char *st_dataset_level(const st_dataset *ds, size_t j, size_t k)
{
    if (!has_feature(ds, j) || k >= ds->features[j].levels.n_levels)
        return NULL;
    return st__category_dict_level(&ds->features[j].levels, k);
}

const float *st_dataset_labels(const st_dataset *ds) { return ds != NULL ? ds->labels : NULL; }
const float *st_dataset_weights(const st_dataset *ds) { return ds != NULL ? ds->weights : NULL; }
const char *st_dataset_label_name(const st_dataset *ds) { return ds != NULL ? ds->label_name : ""; }
const char *st_dataset_weight_name(const st_dataset *ds) { return ds != NULL ? ds->weight_name : ""; }
int st_dataset_header_is_numeric(const st_dataset *ds) { return ds != NULL && ds->header_numeric; }

const char *st_dataset_class_name(const st_dataset *ds, int cls)
{
    if (ds == NULL || (cls != 0 && cls != 1))
        return "";
    return ds->class_name[cls];
}

size_t st_dataset_rows_skipped(const st_dataset *ds) { return ds != NULL ? ds->rows_skipped : 0; }
size_t st_dataset_blank_lines(const st_dataset *ds) { return ds != NULL ? ds->blank_lines : 0; }
char st_dataset_delimiter(const st_dataset *ds) { return ds != NULL ? ds->delimiter : 0; }
const char *st_dataset_source(const st_dataset *ds) { return ds != NULL ? ds->source : ""; }

size_t st_dataset_memory_bytes(const st_dataset *ds)
{
    if (ds == NULL)
        return 0;
    size_t bytes = sizeof *ds + ds->n_features * sizeof *ds->features;
    if (ds->cell_facts != NULL)
        bytes += ds->n_features * sizeof *ds->cell_facts;
    size_t arrays = (ds->labels != NULL) + (ds->weights != NULL);
    bytes += ds->n_shared_values * sizeof(float);
    for (size_t j = 0; j < ds->n_features; j++) {
        if (ds->features[j].shared_entries) /* their values are counted above */
            bytes += ds->features[j].n_entries * sizeof(uint32_t);
        else if (ds->features[j].sparse)
            bytes += ds->features[j].n_entries * (sizeof(uint32_t) + sizeof(float));
        else
            arrays++;
        bytes += strlen(ds->features[j].name) + 1;
        bytes += st__category_dict_bytes(&ds->features[j].levels);
        if (ds->features[j].zero_entries != NULL)
            bytes += (ds->row_cap + 31) / 32 * sizeof(uint32_t);
    }
    return bytes + arrays * ds->row_cap * sizeof(float);
}

int st_dataset_is_libsvm(const st_dataset *ds) { return ds != NULL && ds->libsvm; }

const uint32_t *st__dataset_zero_entries(const st_dataset *ds, size_t j)
{
    return has_feature(ds, j) ? ds->features[j].zero_entries : NULL;
}

int st_dataset_libsvm_unmentioned(const st_dataset *ds, const char *name)
{
    if (ds == NULL || !ds->libsvm || name == NULL || name[0] != 'f' || name[1] < '0' ||
        name[1] > '9' || (name[1] == '0' && name[2] != '\0'))
        return 0;
    long k = 0;
    for (const char *c = name + 1; *c != '\0'; c++) {
        if (*c < '0' || *c > '9')
            return 0;
        if (k > 2147483647L) /* past any index a file may hold (st__libsvm_index_cap) */
            return 1;
        k = k * 10 + (*c - '0');
    }
    return k < ds->libsvm_first || k > ds->libsvm_last;
}
