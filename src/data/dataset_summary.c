/* Column and label summaries: what a user checks before training. */
#include <math.h>
#include <string.h>

#include "dataset_impl.h"
#include "core/error.h"

/* Values summarised at a time (column summaries). */
#define SUMMARY_BLOCK 4096

st_status st_dataset_column_summary(const st_dataset *ds, size_t j, st_column_summary *out,
                                    st_error *err)
{
    if (ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_column_summary: NULL argument");
    if (j >= ds->n_features)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_column_summary: feature %zu of "
                        "%zu", j, ds->n_features);
    const st__feature *f = &ds->features[j];
    const float *v = f->sparse ? f->entry_values : f->values;
    const size_t n_stored = f->sparse ? f->n_entries : ds->n_rows;
    st_column_summary s;
    memset(&s, 0, sizeof s);
    s.min = s.max = s.mean = s.sd = NAN;
    s.n_levels = f->type == ST_FEATURE_CATEGORICAL ? f->levels.n_levels : 0;
    /* Blocks of values, each summarised in two passes (its mean, then the squares of the
       deviations from it) and merged by Chan et al.'s pairwise update: as safe as
       Welford's one-pass update for large offsets like dates in seconds, without its
       division per value (28 columns of 1M rows: 0.18 s -> 0.04 s) */
    double mean = 0.0, m2 = 0.0, lo = INFINITY, hi = -INFINITY;
    size_t n = 0;
    for (size_t b0 = 0; b0 < n_stored; b0 += SUMMARY_BLOCK) {
        const size_t b1 = n_stored - b0 < SUMMARY_BLOCK ? n_stored : b0 + SUMMARY_BLOCK;
        size_t bn = 0;
        double sum = 0.0;
        for (size_t i = b0; i < b1; i++) {
            if (isnan(v[i]))
                continue;
            const double x = v[i];
            bn++;
            sum += x;
            lo = x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
        if (bn == 0)
            continue;
        const double bmean = sum / (double)bn;
        double bm2 = 0.0;
        for (size_t i = b0; i < b1; i++)
            if (!isnan(v[i]))
                bm2 += ((double)v[i] - bmean) * ((double)v[i] - bmean);
        const size_t all = n + bn;
        const double delta = bmean - mean;
        mean += delta * (double)bn / (double)all;
        m2 += bm2 + delta * delta * (double)n * (double)bn / (double)all;
        n = all;
    }
    if (n_stored < ds->n_rows) {
        /* a sparse column's implicit zeros, merged as one group of equal values (Chan et
         * al.'s pairwise update: mean 0, no spread of their own) */
        const size_t zeros = ds->n_rows - n_stored, all = n + zeros;
        const double delta = 0.0 - mean;
        m2 += delta * delta * (double)n * (double)zeros / (double)all;
        mean += delta * (double)zeros / (double)all;
        n = all;
        lo = lo < 0.0 ? lo : 0.0;
        hi = hi > 0.0 ? hi : 0.0;
    }
    s.n_present = n;
    s.n_missing = ds->n_rows - n;
    if (f->type == ST_FEATURE_NUMERIC && n > 0) {
        s.min = lo;
        s.max = hi;
        s.mean = mean;
        s.sd = n > 1 ? sqrt(m2 / (double)(n - 1)) : NAN;
    }
    *out = s;
    return ST_OK;
}

st_status st_dataset_level_counts(const st_dataset *ds, size_t j, size_t *counts,
                                  size_t n_counts, st_error *err)
{
    if (ds == NULL || counts == NULL || j >= ds->n_features)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_level_counts: bad argument");
    const st__feature *f = &ds->features[j];
    if (n_counts < f->levels.n_levels)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_level_counts: room for %zu "
                        "counts, feature '%s' has %zu levels", n_counts, f->name,
                        f->levels.n_levels);
    memset(counts, 0, n_counts * sizeof *counts);
    if (f->type != ST_FEATURE_CATEGORICAL)
        return ST_OK;
    for (size_t i = 0; i < ds->n_rows; i++)
        if (!isnan(f->values[i]))
            counts[(size_t)f->values[i]]++;
    return ST_OK;
}

st_status st_dataset_label_summary(const st_dataset *ds, st_label_summary *out, st_error *err)
{
    if (ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_label_summary: NULL argument");
    if (ds->labels == NULL)
        return st__fail(err, ST_ERR_DATA, "the dataset has no label column");
    st_label_summary s;
    memset(&s, 0, sizeof s);
    double w_pos = 0.0, w_all = 0.0;
    for (size_t i = 0; i < ds->n_rows; i++) {
        double w = ds->weights != NULL ? ds->weights[i] : 1.0;
        int positive = ds->labels[i] == 1.0f;
        s.n_positive += (size_t)positive;
        w_pos += positive ? w : 0.0;
        w_all += w;
    }
    s.n_negative = ds->n_rows - s.n_positive;
    s.positive_rate = ds->n_rows > 0 ? (double)s.n_positive / (double)ds->n_rows : NAN;
    s.weighted_positive_rate = w_all > 0.0 ? w_pos / w_all : NAN;
    *out = s;
    return ST_OK;
}

st_status st_dataset_check_trainable(const st_dataset *ds, st_error *err)
{
    if (ds == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "no dataset given");
    if (ds->labels == NULL)
        return st__fail(err, ST_ERR_DATA, "the dataset has no label column; training needs one");
    if (ds->n_rows == 0 || ds->n_features == 0)
        return st__fail(err, ST_ERR_DATA, "the dataset has %zu rows and %zu features; training "
                        "needs at least one of each", ds->n_rows, ds->n_features);
    st_label_summary s;
    st_status rc = st_dataset_label_summary(ds, &s, err);
    if (rc != ST_OK)
        return rc;
    if ((s.n_positive == 0 || s.n_negative == 0) && ds->label_name[0] == '\0')
        return st__fail(err, ST_ERR_DATA, "every label is %s (%zu row%s); training a "
                        "classifier needs rows of both classes (labels 0 and 1)",
                        s.n_positive == 0 ? "0" : "1", ds->n_rows, ds->n_rows == 1 ? "" : "s");
    if (s.n_positive == 0 || s.n_negative == 0)
        return st__fail(err, ST_ERR_DATA, "every row of label '%s' is %s (%zu row%s); training "
                        "a classifier needs rows of both classes", ds->label_name,
                        s.n_positive == 0 ? "negative" : "positive", ds->n_rows,
                        ds->n_rows == 1 ? "" : "s");
    if (!(s.weighted_positive_rate > 0.0 && s.weighted_positive_rate < 1.0))
        return st__fail(err, ST_ERR_DATA, "the weights of one class sum to zero; training "
                        "needs positive weight on both classes");
    return ST_OK;
}
