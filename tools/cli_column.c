/* A feature's values whatever its storage (dense or sparse, stratum/dataset.h), for the
 * commands that read one column (cv --group-col, evaluate --by and --score-col, explain). */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>

float *cli_feature_copy(const st_dataset *ds, size_t j)
{
    const size_t n = st_dataset_n_rows(ds);
    float *v = malloc((n ? n : 1) * sizeof *v);
    st_error err;
    if (v == NULL) {
        fprintf(stderr, "stratum: out of memory for column '%s' (%zu rows)\n",
                st_dataset_feature_name(ds, j), n);
        return NULL;
    }
    if (st_dataset_feature_copy(ds, j, v, &err) != ST_OK) {
        cli_fail(&err, err.code);
        free(v);
        return NULL;
    }
    return v;
}

float cli_feature_value(const st_dataset *ds, size_t j, size_t i)
{
    const float *dense = st_dataset_feature_values(ds, j);
    if (dense != NULL)
        return dense[i];
    const uint32_t *rows;
    const float *values;
    size_t n_entries, lo = 0, hi;
    if (st_dataset_feature_entries(ds, j, &rows, &values, &n_entries, NULL) != ST_OK)
        return 0.0f;
    for (hi = n_entries; lo < hi;) { /* the entry for row i, if any: rows ascend */
        const size_t mid = lo + (hi - lo) / 2;
        if (rows[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n_entries && rows[lo] == i ? values[lo] : 0.0f;
}
