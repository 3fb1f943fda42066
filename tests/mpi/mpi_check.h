/* What the MPI check programs (mpi_read_check, mpi_train_check, mpi_logreg_check) share:
 * the failure counter and CHECK, starting MPI and checking the arguments, comparing two
 * saved models byte for byte, making a binned file on rank 0 for every rank, and the
 * out-of-memory sweep (mpi_oom_sweep.c: only for programs linked with stratum_fault). */
#ifndef STRATUM_TESTS_MPI_CHECK_H
#define STRATUM_TESTS_MPI_CHECK_H

#include <stdio.h>

#include <stratum.h>
#include <stratum/mpi.h>

/* This process's rank, the number of ranks, and the failed checks so far on this rank. */
extern int rank, size, failures;

/* Counts a failure and says on stderr which rank, file and line, and why. */
#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "rank %d: %s:%d: ", rank, __FILE__, __LINE__);      \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
            failures++;                                                         \
        }                                                                       \
    } while (0)

/* Starts MPI (only the main thread calls it: OpenMP threads inside the library do not) and
 * sets rank and size. Returns 1 when argc is n_args; otherwise rank 0 prints `usage`, MPI is
 * finalized and the program should return 2. */
int mpi_check_start(int *argc, char ***argv, int n_args, const char *usage);

/* 1 when both files can be read and hold the same bytes, but for a model file's
 * "row_sketch" line (the training-rows fingerprint, which a distributed training does not
 * give) and its "checksum" line. */
int mpi_check_same_file(const char *a, const char *b);

/* Rank 0 bins the CSV `csv` into `stb`; then every rank maps it into *b. Every rank returns
 * the same status (a failure on one rank is every rank's, as st_mpi_agree). */
st_status mpi_check_binned(const char *csv, const st_read_options *opt,
                           const st_bin_options *bopt, const char *stb, st_binned **b,
                           st_error *err);

/* One distributed training for the out-of-memory sweep: trains, sets *made to whether a model
 * came back, frees it, and returns the status. */
typedef st_status (*mpi_check_train_fn)(const void *ctx, int *made, st_error *err);

/* Fails every allocation in turn on rank 1 only (n = 0, 1, ... until training succeeds) and
 * checks that every rank returns the same status, ST_ERR_NOMEM without a model, the other
 * ranks' messages naming rank 1, and that nothing leaks. Returns the number of points at
 * which an allocation failed. */
int mpi_check_oom_sweep(mpi_check_train_fn train, const void *ctx);

#endif
