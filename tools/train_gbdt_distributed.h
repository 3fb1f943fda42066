/* stratum train gbdt --distributed: training across the ranks of an MPI job
 * (train_gbdt_distributed.c; without MPI support it only says so). */
#ifndef STRATUM_TRAIN_GBDT_DISTRIBUTED_H
#define STRATUM_TRAIN_GBDT_DISTRIBUTED_H

#include "cli.h"
#include "cli_gbdt_options.h"
#include "post_fit.h"

/* Usage errors under mpirun, found before MPI_Init: when argv holds --distributed and the
 * launcher says this process is not rank 0 (OMPI_COMM_WORLD_RANK, PMI_RANK, PMIX_RANK),
 * mute_begin sends stderr to /dev/null, so that each such error is one line, rank 0's;
 * mute_end gives stderr back (train_*_distributed call it before MPI_Init). */
void train_distributed_mute_begin(int argc, char **argv);
void train_distributed_mute_end(void);
/* After the command, with its exit code: when it failed before MPI_Init under a launcher,
 * every rank passes through MPI_Init and MPI_Finalize (no rank exits before rank 0 has
 * printed: the launcher kills the others at the first non-zero exit); then mute_end. */
void train_distributed_launch_end(int code);

/* MPI builds, after MPI_Init, collective over MPI_COMM_WORLD:
 * check_files: rank 0 runs cli_check_files (it alone writes the outputs: they must be
 * writable there) and every rank returns its exit code;
 * any_binned: whether DATA is a binned file on any rank (every rank then opens it as one,
 * so that a rank that cannot fails in st_binned_open and the ranks agree), and in
 * *all_readable (may be NULL) whether every rank can open it. */
int train_distributed_check_files(const cli_file *in, size_t n_in, const cli_file *out,
                                  size_t n_out);
int train_distributed_any_binned(const char *data_path, int *all_readable);

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
