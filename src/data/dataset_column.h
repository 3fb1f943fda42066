/* Internal: a feature's n_rows values whatever its storage, for the code that reads whole
 * columns (gbdt/, logreg/, binned/, drift/, mpi/): a dense feature's own array, or a sparse
 * feature copied into the caller's scratch (include/stratum/dataset.h, "Storage"). */
#ifndef STRATUM_DATASET_COLUMN_H
#define STRATUM_DATASET_COLUMN_H

#include <stddef.h>

#include <stratum/dataset.h>

/* Feature j's values: the dataset's array when dense, else scratch (room for n_rows
 * floats) filled by st_dataset_feature_copy. NULL when j is out of range. */
static inline const float *st__column_values(const st_dataset *ds, size_t j, float *scratch)
{
    const float *v = st_dataset_feature_values(ds, j);
    if (v != NULL || !st_dataset_feature_is_sparse(ds, j))
        return v;
    st_dataset_feature_copy(ds, j, scratch, NULL);
    return scratch;
}

/* 1 when some feature of ds is stored sparse: the callers then need scratch. */
static inline int st__dataset_any_sparse(const st_dataset *ds)
{
    for (size_t j = 0; j < st_dataset_n_features(ds); j++)
        if (st_dataset_feature_is_sparse(ds, j))
            return 1;
    return 0;
}

#endif
