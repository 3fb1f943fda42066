/* Internal: agreeing on the features of a distributed training (built with -DSTRATUM_MPI=ON). */
#ifndef STRATUM_MPI_SCHEMA_H
#define STRATUM_MPI_SCHEMA_H

#include <stratum/dataset.h>

#include "mpi_comm.h"

/* The features every rank agrees on, in the form of a dataset of n_sample rows whose
 * categorical dictionaries are the union of every rank's levels, in byte order (so that
 * the codes are those one process reading all the rows would give), and, per categorical
 * feature of the local dataset, the global code of each local level. */
typedef struct st__mpi_schema {
    st_dataset *global;   /* columns named and typed as the local ones; rows: the bin sample */
    uint32_t **remap;     /* n_features: NULL for numeric, else local code -> global code */
    size_t n_features;
} st__mpi_schema;

/* Checks that every rank's dataset has rank 0's columns (names, types, label, weights) and
 * builds the union of the categorical levels. Collective; the status is agreed. */
st_status st__mpi_schema_build(st__mpi_ctx *c, const st_dataset *local, size_t n_sample,
                               st__mpi_schema *s, st_error *err);
void st__mpi_schema_free(st__mpi_schema *s);

/* Value of local row i of feature j as one process would hold it: categorical level codes
 * mapped to the global dictionary. */
static inline float st__mpi_global_value(const st__mpi_schema *s, const float *x, size_t j,
                                         size_t i)
{
    const float v = x[i];
    return s->remap[j] != NULL && v == v ? (float)s->remap[j][(size_t)v] : v;
}

#endif
