/* stratum-gen sparse: a seeded table of diagnosis-code-like features (gen_sparse.c). */
#ifndef STRATUM_GEN_SPARSE_H
#define STRATUM_GEN_SPARSE_H

#include <stdint.h>
#include <stdio.h>

typedef struct sparse_spec {
    unsigned long long rows;
    unsigned long features;  /* columns, 1-based LibSVM indices 1..features */
    unsigned long entries;   /* entries per row, at most features */
    int counts;              /* 0: every entry 1; 1: small counts 1..9 */
    double positive_rate;
    uint64_t seed;           /* the rows' seed; the table's structure does not depend on it */
} sparse_spec;

/* Writes spec->rows LibSVM lines to f. Returns 0, or -1 when out of memory (nothing is
 * written then). */
int generate_sparse(FILE *f, const sparse_spec *spec);

#endif
