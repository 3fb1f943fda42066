/* stratum train gbdt --distributed: training across the ranks of an MPI job
 * (train_gbdt_distributed.c; without MPI support it only says so). */
#ifndef STRATUM_TRAIN_GBDT_DISTRIBUTED_H
#define STRATUM_TRAIN_GBDT_DISTRIBUTED_H

#include "cli.h"
#include "cli_gbdt_options.h"
#include "post_fit.h"

/* The help lines of --distributed. */
extern const char train_gbdt_distributed_help[];

/* Runs the whole command on this rank once the options are parsed and checked: each rank
 * reads its part of DATA, the ranks train together, rank 0 writes MODEL (atomically, only
 * after every rank succeeded) and reports. Every rank returns the same exit code. prm has
 * n_threads and seed set. */
int train_gbdt_distributed(const char *data_path, const char *model_path,
                           const cli_common *common, st_gbdt_params *prm,
                           const cli_gbdt_valid *valid, const char *monotone_spec,
                           const post_opts *post);

#endif
