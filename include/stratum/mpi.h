/* stratum/mpi.h: training across processes with MPI. Only in a libstratum built with
 * -DSTRATUM_MPI=ON (then STRATUM_HAVE_MPI is defined for its users, and the library links
 * MPI); include it after <stratum.h>, in a program built with mpicc or linked to MPI::MPI_C.
 * Not included by <stratum.h>, so that programs without MPI never see <mpi.h>.
 *
 * Every function here is collective over `comm`: every rank calls it, in the same order,
 * with the same options. The caller initializes MPI (MPI_Init or MPI_Init_thread with at
 * least MPI_THREAD_FUNNELED: OpenMP threads never call MPI) and finalizes it; the library
 * works on a private duplicate of comm, so its messages never mix with the caller's.
 *
 * Failures: a rank that fails (cannot read its data, a bad row in its part, out of memory)
 * does not leave the others waiting. At each collective step the ranks agree on the
 * outcome, and every rank returns the same status; the message is the failing rank's own
 * (the lowest one, when several failed), prefixed "rank K: " on the other ranks. The
 * library never calls MPI_Abort. Model files are written by the caller, on one rank, after
 * the training function succeeded on all of them (the stratum CLI: rank 0, atomically). */
#ifndef STRATUM_MPI_H
#define STRATUM_MPI_H

#include <mpi.h>

#include "binned.h"
#include "common.h"
#include "dataset.h"
#include "gbdt.h"
#include "logreg.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads this rank's share of the rows of a CSV file that every rank can open (a shared
 * file system, or a copy on each node). The data lines are cut into one contiguous range
 * per rank, in rank order, of about equal bytes, each starting at a record start (a line
 * end outside quotes, so quoted fields may hold newlines); every rank parses the header
 * and only its own range. The file is memory-mapped for the cut, and only the rank's range
 * is copied and parsed, so a rank holds about 1/size of the data. Options are those of
 * st_dataset_read_csv. Error messages give the line numbers of the whole file.
 * Each rank's *out holds its rows only, with its own categorical dictionaries (the levels
 * its rows hold; st_gbdt_train_mpi merges them). Column types are agreed: a column that is
 * categorical in any rank's part (a text that is neither a number nor missing) is
 * categorical on every rank, its numbers read as level texts, as one process reading the
 * whole file would type it. A rank whose range holds no data row (a file of fewer lines
 * than ranks) fails, as reading a file without rows does. *out is the caller's, freed with
 * st_dataset_free; on failure it is NULL on every rank. */
ST_API st_status st_dataset_read_csv_mpi(MPI_Comm comm, const char *path,
                                         const st_read_options *opt,
                                         st_dataset **out /* OUT */, st_error *err);

/* The failure rule of the functions above, for the caller's own steps (reading a
 * validation file, saving a model on one rank): each rank passes its outcome (rc, with err
 * filled when it failed); every rank returns the same status, that of the lowest failing
 * rank, with its message (prefixed "rank K: " on the other ranks); ST_OK when all
 * succeeded. Collective: every rank must call it, also after a failure. */
ST_API st_status st_mpi_agree(MPI_Comm comm, st_status rc, st_error *err);

/* What a distributed training did on this rank, for benchmarks. */
typedef struct st_mpi_stats {
    int n_ranks;
    unsigned long long n_rows_global;   /* rows of all ranks */
    unsigned long long allreduce_calls; /* MPI_Allreduce calls of the histogram reducer */
    unsigned long long allreduce_bytes; /* bytes this rank passed to them (each call's array
                                           size; MPI moves about twice that per rank) */
    double setup_seconds;               /* agreeing on columns, levels and bins, and binning */
    double train_seconds;               /* boosting */
} st_mpi_stats;

/* Trains gradient-boosted trees on the rows of all ranks: `local` is this rank's part, a
 * contiguous range of the whole table, the ranks' parts in rank order (as
 * st_dataset_read_csv_mpi reads them); each rank may hold any number of rows, but together
 * they need both classes. Every rank passes the same valid (a whole validation set, or
 * NULL), prm and options; cb may differ (the stratum CLI reports on rank 0 only) but must
 * not cancel on some ranks only. Every rank gets the same model in *out (caller-owned, freed
 * with st_gbdt_free); stats (may be NULL) gets this rank's counters.
 *
 * How: the ranks check that they have the same columns, and merge their categorical
 * dictionaries into the one a single process reading all the rows would build (every level,
 * in byte order). The bin sample is drawn over the global row numbers exactly as
 * st_gbdt_train_ex draws it over one dataset's rows; the sampled rows are gathered on every
 * rank, which all find the same bin bounds from them, and each rank codes its own rows.
 * Training then builds histograms of the local rows and sums them across ranks with
 * MPI_Allreduce on int64 fixed-point values (exact, so the order of summation does not
 * matter), and maxima with MPI_DOUBLE MAX; bagging draws rows by global row number.
 *
 * Equality: the model is byte for byte the one st_gbdt_train_ex trains on all the rows in
 * one process (in rank order), whatever the number of ranks and threads, with the same
 * parameters: the bins are the same (same sample, same dictionaries) and the training core
 * sums exactly. (Datasets built otherwise than by st_dataset_read_csv_mpi must agree on
 * column types: a column categorical on one rank and numeric on another is an error.) cb's
 * training metric, when asked for, is computed on each rank's own rows.
 *
 * Failures: every failure on any rank (parameters, a rank without labels, mismatched
 * columns, out of memory while binning or while growing a tree on one rank only) makes every
 * rank return the same error: before each histogram sum the ranks check, with one integer
 * MIN, whether one of them has failed and is waiting to report it. (A rank that crashes or
 * is killed is mpirun's to handle: it ends the job.) */
ST_API st_status st_gbdt_train_mpi(MPI_Comm comm, const st_dataset *local,
                                   const st_dataset *valid, const st_gbdt_params *prm,
                                   const st_gbdt_train_callbacks *cb, st_gbdt **out /* OUT */,
                                   st_mpi_stats *stats /* OUT, may be NULL */, st_error *err);

/* Trains on a binned file (stratum bin, st_bin_file) that every rank has opened with
 * st_binned_open (the same file: a shared file system, or a copy on each node). Rank r
 * trains on rows [N r / size, N (r + 1) / size) of its N rows: those rows' bin codes are
 * read from the mapping (only the feature-major copy of the range is allocated, about the
 * range's binned size), and the histograms are summed across ranks as in
 * st_gbdt_train_mpi. The bins are the file's, so the model is byte for byte the one
 * st_gbdt_train_binned trains on the file in one process, for any number of ranks, always.
 * prm's max_bin and max_cat_levels are the file's (as st_gbdt_train_binned). valid, cb, out,
 * stats and failures as st_gbdt_train_mpi; ranks whose file is not rank 0's (row and
 * feature counts, size, header checksum: the bins and levels) fail. */
ST_API st_status st_gbdt_train_binned_mpi(MPI_Comm comm, const st_binned *b,
                                          const st_dataset *valid, const st_gbdt_params *prm,
                                          const st_gbdt_train_callbacks *cb,
                                          st_gbdt **out /* OUT */,
                                          st_mpi_stats *stats /* OUT, may be NULL */,
                                          st_error *err);

/* Logistic regression streamed from a binned file with raw values (stratum bin --values)
 * that every rank has opened with st_binned_open (the same file on every rank), as
 * st_logreg_train_binned fits it in one process, with the same parameters and the same
 * restrictions (mean imputation, no missing indicators, at most 2048 expanded columns).
 * The fit reads the file in blocks of rows, the same blocks whatever the number of ranks
 * (of ceil(N / 64) rows for a file of N rows, at least 64 and at most 8192); rank r reads
 * a consecutive run of about 1/size of the blocks. Every sum over
 * rows of every pass (row and class counts, the preprocessing moments, loss, gradient,
 * Gram matrix, line-search losses) is kept per block, and the blocks' sums are added in
 * block order by passing the running total from rank to rank (each rank adds its own
 * blocks' sums; the additions are cheap next to computing them, which the ranks do in
 * parallel).
 *
 * Equality: every floating-point operation is the one-process fit's, so *out is byte for
 * byte the model st_logreg_train_binned fits on the file, for any number of ranks (ranks
 * beyond the number of blocks read no rows) and threads. Every rank gets the model in *out
 * (caller-owned, freed with st_logreg_free). The model's column means and standard
 * deviations (for contributions) are computed by every rank over all rows.
 *
 * Memory: each rank keeps its blocks' sums of a pass until the total passes by: up to
 * (blocks of the rank) x (p + 1)^2 doubles for p expanded columns.
 *
 * Failures: as st_gbdt_train_mpi, every failure on any rank (parameters, a file without
 * raw values, a bad value in a rank's rows, out of memory, a file that is not rank 0's) makes
 * every rank return the same error, with the failing rank's message; the ranks check for a
 * failed rank before each pass's total. */
ST_API st_status st_logreg_train_binned_mpi(MPI_Comm comm, const st_binned *b,
                                            const st_logreg_params *prm,
                                            st_logreg **out /* OUT */, st_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_MPI_H */
