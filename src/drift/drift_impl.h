/* src/drift/: comparing two datasets column by column, and through a model
 * (stratum/drift.h). It stands after fit/ in the folder order because it reads datasets
 * (data/), for the bins of a boosted-trees model the model's trees (gbdt/), and with a
 * model its handle (fit/model.c: scores, contributions, a text model's featurizers); the
 * statistics themselves, on plain arrays, are eval/'s (eval/drift_stats.c,
 * eval/drift_kolmogorov.c). May call core, io, data, text, eval, logreg, gbdt and fit;
 * report/ draws its results.
 *
 *   drift.c         st_drift_compare: the columns matched by name and checked, the
 *                   result, its destructor
 *   drift_column.c  one column: bins, PSI, KS or chi-square, missing shares, new levels
 *   drift_bins.c    bin edges: the reference's quantiles or a model's split thresholds
 *   drift_model*.c  st_drift_compare_model: the model's part (drift_model_impl.h) */
#ifndef STRATUM_DRIFT_IMPL_H
#define STRATUM_DRIFT_IMPL_H

#include <stratum/drift.h>

/* Fills f (name already set) for reference column jr against column jc of cur; their
 * types are the same, or one of them is empty (st__drift_column_empty) and the column is
 * compared as the other's type. */
st_status st__drift_column(const st_dataset *ref, size_t jr, const st_dataset *cur, size_t jc,
                           const st_drift_options *opt, st_drift_feature *f, st_error *err);

/* 1 when column j of ds holds no value at all (every row missing; a sparse column has
 * its implicit zeros, so never): such a column takes the other dataset's type. */
int st__drift_column_empty(const st_dataset *ds, size_t j);

/* Bin edges for numeric column `name`: the distinct split thresholds of the model on it
 * (ascending) when opt->model_gbdt splits on it (*from_model = 1), else the quantile edges
 * of the sorted present reference values (n_sorted > 0). *edges is new (st__free); it may
 * hold 0 edges. */
st_status st__drift_edges(const st_drift_options *opt, const char *name, const float *sorted,
                          size_t n_sorted, double **edges, size_t *n_edges, int *from_model,
                          st_error *err);

#endif
