/* src/mpi/: distributed training (built with -DSTRATUM_MPI=ON only), the last layer: it
 * calls gbdt/'s and logreg/'s training cores with reducers that sum across ranks, and
 * binned/ and data/ for each rank's rows; nothing in the library calls it.
 *
 * This file: the library's MPI layer. One st__mpi_ctx per
 * collective call of the public API (stratum/mpi.h): a private duplicate of the caller's
 * communicator, so that stratum's messages never mix with the caller's, set to return
 * errors instead of aborting (the library never aborts), and counters of what was sent. */
#ifndef STRATUM_MPI_COMM_H
#define STRATUM_MPI_COMM_H

#include <mpi.h>
#include <stddef.h>
#include <stdint.h>
#include <stratum/binned.h>
#include <stratum/common.h>

typedef struct st__mpi_ctx {
    MPI_Comm comm;       /* duplicate of the caller's; MPI_COMM_NULL when not open */
    int rank, size;
    uint64_t reduce_calls;  /* allreduce calls made by the reducer (st__mpi_sum_i64/max_f64) */
    uint64_t reduce_bytes;  /* bytes those calls contributed from this rank */
    int agreed;             /* the ranks agreed on an error (every rank holds it): later
                               agreements return at once */
} st__mpi_ctx;

/* Duplicates comm (collective over comm). */
st_status st__mpi_open(st__mpi_ctx *c, MPI_Comm comm, st_error *err);
/* Frees the duplicate (collective). Safe on a context that failed to open. */
void st__mpi_close(st__mpi_ctx *c);

/* ST_ERR_IO describing a failed MPI call (rc its return code). */
st_status st__mpi_fail(st_error *err, const char *call, int rc);

/* Status agreement, the failure rule of every collective function: each rank passes its own
 * outcome (rc, with err filled when rc != ST_OK); all ranks return the same status. When
 * some rank failed, every rank returns the status of the lowest failing rank with its
 * message, prefixed "rank K: " on the others so that whoever prints it says where it
 * happened. A rank must call it even after failing, so that no rank waits forever. Once an
 * error was agreed, every later call returns rc at once (all ranks know it is agreed). */
st_status st__mpi_agree(st__mpi_ctx *c, st_status rc, st_error *err);

/* The reducer of the distributed GBDT (st__gbdt_reducer): elementwise sums of int64 and
 * maxima of doubles over all ranks, in place (MPI_Allreduce; integer sums are exact, so
 * the result does not depend on MPI's reduction order). ctx is a st__mpi_ctx.
 * A rank that fails inside training returns without calling the reducer again and calls
 * st__mpi_agree; so each call first takes part in the first step of an agreement (one
 * integer MIN), and when some rank failed, completes it, sets ctx->agreed and returns that
 * rank's error, which the training core passes up: every rank stops at its next collective
 * with the same error, and none waits forever. */
st_status st__mpi_sum_i64(void *ctx, int64_t *v, size_t n, st_error *err);
st_status st__mpi_max_f64(void *ctx, double *v, size_t n, st_error *err);

/* The first step of every reducer call, as st__mpi_sum_i64 takes it: when some rank has
 * failed (and waits in st__mpi_agree), completes that agreement, sets c->agreed and returns
 * that rank's error; otherwise ST_OK. */
st_status st__mpi_check_peers(st__mpi_ctx *c, st_error *err);

/* ST_ERR_DATA unless b is the binned file rank 0 opened: the same row and feature counts,
 * file size and header checksum (which covers the bins and the levels, so that every rank
 * sums histograms and design columns of one layout). Collective; not an agreement: the
 * ranks whose file differs fail, so the caller agrees next. */
st_status st__mpi_same_binned(st__mpi_ctx *c, const st_binned *b, st_error *err);

/* Exclusive prefix sum and total of a count over the ranks (in rank order). */
st_status st__mpi_scan_u64(st__mpi_ctx *c, uint64_t mine, uint64_t *before, uint64_t *total,
                           st_error *err);

#endif
