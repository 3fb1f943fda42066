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

#include "common.h"
#include "dataset.h"

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
 * its rows hold); st_gbdt_train_mpi merges them. A rank whose range holds no data row (a
 * file of fewer lines than ranks) fails, as reading a file without rows does.
 * On failure *out is NULL on every rank. */
ST_API st_status st_dataset_read_csv_mpi(MPI_Comm comm, const char *path,
                                         const st_read_options *opt,
                                         st_dataset **out /* OUT */, st_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_MPI_H */
