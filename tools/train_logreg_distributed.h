/* stratum train logreg DATA.stb --distributed: logistic regression across the ranks of an
 * MPI job (train_logreg_distributed.c; without MPI support it only says so). */
#ifndef STRATUM_TRAIN_LOGREG_DISTRIBUTED_H
#define STRATUM_TRAIN_LOGREG_DISTRIBUTED_H

#include "cli.h"

/* The help lines of --distributed. */
extern const char train_logreg_distributed_help[];

/* Runs the command on this rank once the options are parsed: every rank maps DATA (a
 * binned file with raw values; anything else is a usage error), the ranks fit together
 * (st_logreg_train_binned_mpi), rank 0 writes MODEL (atomically, only after every rank
 * succeeded) and prints the summary and coefficients. Every rank returns the same exit
 * code. */
int train_logreg_distributed(const char *data_path, const char *model_path,
                             const st_logreg_params *prm, const cli_common *common, int all);

#endif
