/* st_bin_file: options, the choice of reader, and binning a dataset already in memory
 * (LibSVM input), which uses the in-memory binning itself (st__gbdt_bins_build on all
 * rows) and so has exact bins by construction. */
#include "stb_impl.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "error.h"

st_status st__stb_bin_csv(const char *path, const st_read_options *opt, const st_bin_options *bo,
                          const char *out_path, st_bin_report *rep, st_error *err);

st_bin_options st_bin_options_default(void)
{
    st_bin_options o;
    memset(&o, 0, sizeof o);
    o.max_bin = 255;
    o.max_cat_levels = 255;
    o.sketch_size = 8192;
    o.store_values = 0;
    o.block_rows = 65536;
    o.chunk_bytes = (size_t)8 << 20;
    return o;
}

static int has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && strcmp(path + n - k, suffix) == 0;
}

/* LibSVM by extension, or when the first line reads "number index:value ..." (as
 * st_dataset_read decides). */
static int is_libsvm(const char *path)
{
    if (has_suffix(path, ".svm") || has_suffix(path, ".libsvm") || has_suffix(path, ".svmlight"))
        return 1;
    if (has_suffix(path, ".csv") || has_suffix(path, ".tsv"))
        return 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    char line[4096];
    int libsvm = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || line[0] == '\n' || line[0] == '\r')
            continue;
        char *space = strpbrk(line, " \t");
        libsvm = space != NULL && strpbrk(line, ",;") == NULL && strchr(space, ':') != NULL &&
                 strchr("+-.0123456789", line[0]) != NULL;
        break;
    }
    fclose(f);
    return libsvm;
}

typedef struct ds_rows {
    const st_dataset *ds;
    size_t next;
} ds_rows;

static st_status dataset_rows(void *ctx, float *x, float *y, float *w, size_t max_rows,
                              size_t *got, st_error *err)
{
    (void)err;
    ds_rows *r = ctx;
    const size_t n = st_dataset_n_rows(r->ds), nf = st_dataset_n_features(r->ds);
    const size_t k = n - r->next < max_rows ? n - r->next : max_rows;
    const float *wt = st_dataset_weights(r->ds), *lb = st_dataset_labels(r->ds);
    for (size_t j = 0; j < nf; j++) {
        const float *v = st_dataset_feature_values(r->ds, j) + r->next;
        for (size_t i = 0; i < k; i++)
            x[i * nf + j] = v[i];
    }
    memcpy(y, lb + r->next, k * sizeof *y);
    if (wt != NULL)
        memcpy(w, wt + r->next, k * sizeof *w);
    r->next += k;
    *got = k;
    return ST_OK;
}

static st_status meta_of_dataset(const st_dataset *ds, const st_bin_options *bo,
                                 st__stb_meta *m, st_error *err)
{
    const size_t nf = st_dataset_n_features(ds);
    if (!st__stb_meta_alloc(m, nf))
        goto nomem;
    m->n_rows = st_dataset_n_rows(ds);
    m->max_bin = bo->max_bin;
    m->max_cat_levels = bo->max_cat_levels;
    m->has_weights = st_dataset_weights(ds) != NULL;
    m->has_values = bo->store_values;
    if ((m->label_name = st__strdup(st_dataset_label_name(ds))) == NULL ||
        (m->weight_name = st__strdup(st_dataset_weight_name(ds))) == NULL ||
        (m->class_name[0] = st__strdup(st_dataset_class_name(ds, 0))) == NULL ||
        (m->class_name[1] = st__strdup(st_dataset_class_name(ds, 1))) == NULL)
        goto nomem;
    for (size_t j = 0; j < nf; j++) {
        m->exact[j] = 1;
        m->type[j] = (uint8_t)st_dataset_feature_type(ds, j);
        if ((m->names[j] = st__strdup(st_dataset_feature_name(ds, j))) == NULL)
            goto nomem;
        const size_t k = st_dataset_n_levels(ds, j);
        if (m->type[j] != ST_FEATURE_CATEGORICAL)
            continue;
        m->n_levels[j] = k;
        if ((m->levels[j] = st__calloc(k ? k : 1, sizeof **m->levels)) == NULL)
            goto nomem;
        for (size_t c = 0; c < k; c++)
            if ((m->levels[j][c] = st__strdup(st_dataset_level(ds, j, c))) == NULL)
                goto nomem;
    }
    return ST_OK;
nomem:
    return st__fail(err, ST_ERR_NOMEM, "out of memory describing the dataset");
}

static st_status bin_in_memory(const char *path, const st_read_options *opt,
                               const st_bin_options *bo, const char *out_path,
                               st_bin_report *rep, st_error *err)
{
    st_dataset *ds = NULL;
    st_status rc = st_dataset_read_libsvm(path, opt, &ds, err);
    if (rc != ST_OK)
        return rc;
    st__stb_meta meta = {0};
    st__gbdt_bins bins = {0};
    const size_t n = st_dataset_n_rows(ds);
    if (st_dataset_labels(ds) == NULL) {
        rc = st__fail(err, ST_ERR_DATA, "%s: no labels; binning needs labelled data", path);
        goto done;
    }
    if (n > INT_MAX) {
        rc = st__fail(err, ST_ERR_INVALID_ARG, "%s: %zu rows; LibSVM input is binned in "
                      "memory, at most %d rows", path, n, INT_MAX);
        goto done;
    }
    st_gbdt_params prm = st_gbdt_params_default();
    prm.max_bin = bo->max_bin;
    prm.max_cat_levels = bo->max_cat_levels;
    prm.bin_sample_rows = (int)(n ? n : 1);
    ds_rows src = {ds, 0};
    if ((rc = meta_of_dataset(ds, bo, &meta, err)) != ST_OK ||
        (rc = st__gbdt_bins_build(ds, &prm, 1, &bins, err)) != ST_OK ||
        (rc = st__stb_write(out_path, &meta, &bins, dataset_rows, &src, bo->block_rows,
                            &rep->bytes_written, err)) != ST_OK)
        goto done;
    rep->n_rows = n;
    rep->n_features = st_dataset_n_features(ds);
    for (size_t j = 0; j < rep->n_features; j++)
        rep->total_bins += (size_t)bins.n_bins[j];
    rep->rows_skipped = st_dataset_rows_skipped(ds);
    rep->blank_lines = st_dataset_blank_lines(ds);
    rep->passes = 1;
done:
    st__gbdt_bins_free(&bins);
    st__stb_meta_free(&meta);
    st_dataset_free(ds);
    return rc;
}

st_status st_bin_file(const char *data_path, const st_read_options *ropt,
                      const st_bin_options *bopt, const char *out_path, st_bin_report *report,
                      st_error *err)
{
    st_bin_report local;
    st_bin_report *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (data_path == NULL || out_path == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_bin_file: %s is NULL",
                        data_path == NULL ? "data_path" : "out_path");
    const st_read_options ro = ropt != NULL ? *ropt : st_read_options_default();
    const st_bin_options bo = bopt != NULL ? *bopt : st_bin_options_default();
    if (bo.max_bin < 2 || bo.max_bin > 65535)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_bin_file: max_bin %d is outside [2, 65535]",
                        bo.max_bin);
    if (bo.max_cat_levels < 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_bin_file: max_cat_levels %d is negative",
                        bo.max_cat_levels);
    if (bo.sketch_size < 16 || bo.sketch_size > ((size_t)1 << 26))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_bin_file: sketch_size %zu is outside "
                        "[16, 2^26]", bo.sketch_size);
    if (is_libsvm(data_path))
        return bin_in_memory(data_path, &ro, &bo, out_path, rep, err);
    return st__stb_bin_csv(data_path, &ro, &bo, out_path, rep, err);
}
