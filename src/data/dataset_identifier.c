/* Columns that look like identifiers (include/stratum/dataset.h, st_dataset_column_is_id):
 * a patient number or row number used as a feature lets a model memorise rows, and on
 * data sorted by outcome or date it becomes a "top feature" that means nothing. */
#include <math.h>
#include <stdlib.h>

#include "dataset_impl.h"
#include "core/alloc.h"
#include "core/error.h"

enum { MIN_ROWS = 50 };

static int compare_floats(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Enough present rows: at least MIN_ROWS and 90% of the rows. */
static int enough(size_t present, size_t n_rows)
{
    return present >= MIN_ROWS && (double)present >= 0.9 * (double)n_rows;
}

/* Distinct values at least 95% of present ones (not 100%: a 32-bit float holds integers
 * exactly only up to 2^24, so distinct ids of nine digits may share a float). */
static int mostly_distinct(size_t distinct, size_t present)
{
    return (double)distinct >= 0.95 * (double)present;
}

/* v: the n stored values; zeros: rows holding an implicit 0 (sparse columns). */
static st_status numeric_is_id(const st_dataset *ds, const float *v, size_t n, size_t zeros,
                               int *out, st_error *err)
{
    size_t present = zeros;
    double lo = zeros > 0 ? 0.0 : INFINITY, hi = zeros > 0 ? 0.0 : -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isnan(v[i]))
            continue;
        if (v[i] != floorf(v[i]) || isinf(v[i]))
            return ST_OK; /* a measurement, not a number given to a row */
        present++;
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    /* cheap bound first: integers in [lo, hi] take at most hi - lo + 1 values, so coded
     * columns (0/1, levels 1..9, ages) never need the sort */
    if (!enough(present, ds->n_rows) || !mostly_distinct((size_t)fmin(hi - lo + 1, 1e18),
                                                         present))
        return ST_OK;
    /* the implicit zeros are one value: one 0 stands for them all */
    const size_t kept = present - zeros + (zeros > 0);
    float *sorted = st__malloc_array(kept, sizeof *sorted);
    if (sorted == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu values of a column", kept);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            sorted[k++] = v[i];
    if (zeros > 0)
        sorted[k++] = 0.0f;
    qsort(sorted, kept, sizeof *sorted, compare_floats);
    size_t distinct = 1;
    for (size_t i = 1; i < kept; i++)
        distinct += sorted[i] != sorted[i - 1];
    st__free(sorted);
    *out = mostly_distinct(distinct, present);
    return ST_OK;
}

st_status st_dataset_column_is_id(const st_dataset *ds, size_t j, int *out, st_error *err)
{
    if (out != NULL)
        *out = 0;
    if (ds == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_column_is_id: NULL argument");
    if (j >= ds->n_features)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_column_is_id: feature %zu of %zu",
                        j, ds->n_features);
    const st__feature *f = &ds->features[j];
    if (f->type == ST_FEATURE_NUMERIC)
        return f->sparse ? numeric_is_id(ds, f->entry_values, f->n_entries,
                                         ds->n_rows - f->n_entries, out, err)
                         : numeric_is_id(ds, f->values, ds->n_rows, 0, out, err);
    /* a column of measurements made categorical by a few cells of text has a level per
     * distinct number: its report (st_column_cells.mostly_numeric) is the warning to give */
    st_column_cells cells;
    if (st_dataset_column_cells(ds, j, &cells, err) != ST_OK)
        return err != NULL ? err->code : ST_ERR_INVALID_ARG;
    if (cells.mostly_numeric)
        return ST_OK;
    size_t present = 0;
    for (size_t i = 0; i < ds->n_rows; i++)
        present += !isnan(f->values[i]);
    *out = enough(present, ds->n_rows) && mostly_distinct(f->levels.n_levels, present);
    return ST_OK;
}
