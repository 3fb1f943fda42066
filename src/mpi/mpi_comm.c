/* The MPI layer: the duplicated communicator, status agreement and the reducer. */
#include "mpi_comm.h"

#include <stratum/mpi.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "core/error.h"

st_status st__mpi_fail(st_error *err, const char *call, int rc)
{
    char text[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, text, &len) != MPI_SUCCESS)
        snprintf(text, sizeof text, "error %d", rc);
    return st__fail(err, ST_ERR_IO, "%s failed: %s", call, text);
}

st_status st__mpi_open(st__mpi_ctx *c, MPI_Comm comm, st_error *err)
{
    memset(c, 0, sizeof *c);
    c->comm = MPI_COMM_NULL;
    int init = 0;
    MPI_Initialized(&init);
    if (!init)
        return st__fail(err, ST_ERR_INVALID_ARG, "MPI is not initialized; call MPI_Init first");
    int rc = MPI_Comm_dup(comm, &c->comm);
    if (rc != MPI_SUCCESS) {
        c->comm = MPI_COMM_NULL;
        return st__mpi_fail(err, "MPI_Comm_dup", rc);
    }
    MPI_Comm_set_errhandler(c->comm, MPI_ERRORS_RETURN);
    MPI_Comm_rank(c->comm, &c->rank);
    MPI_Comm_size(c->comm, &c->size);
    return ST_OK;
}

void st__mpi_close(st__mpi_ctx *c)
{
    if (c->comm != MPI_COMM_NULL)
        MPI_Comm_free(&c->comm);
    c->comm = MPI_COMM_NULL;
}

/* The second half of an agreement, once the lowest failing rank `first` is known: its
 * status and message go to every rank. */
static st_status spread_failure(st__mpi_ctx *c, int first, st_status rc, st_error *err)
{
    struct {
        int code;
        long line, column;
        char message[ST_ERROR_MESSAGE_SIZE];
    } what;
    memset(&what, 0, sizeof what);
    if (c->rank == first) {
        what.code = (int)rc;
        if (err != NULL) {
            memcpy(what.message, err->message, sizeof what.message);
            what.line = err->line;
            what.column = err->column;
        } else {
            snprintf(what.message, sizeof what.message, "%s", st_status_str(rc));
        }
        what.message[sizeof what.message - 1] = '\0';
    }
    int mrc = MPI_Bcast(&what, (int)sizeof what, MPI_BYTE, first, c->comm);
    if (mrc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Bcast (status)", mrc);
    if (c->rank == first)
        return rc; /* its own report is already in err */
    st__fail(err, (st_status)what.code, "rank %d: %s", first, what.message);
    if (err != NULL) {
        err->line = what.line;
        err->column = what.column;
    }
    return (st_status)what.code;
}

/* The first half: the lowest failing rank, or size when none failed. */
static int lowest_failing(st__mpi_ctx *c, int failed, int *first)
{
    int mine = failed ? c->rank : c->size;
    *first = c->size;
    return MPI_Allreduce(&mine, first, 1, MPI_INT, MPI_MIN, c->comm);
}

st_status st__mpi_agree(st__mpi_ctx *c, st_status rc, st_error *err)
{
    if (c->agreed)
        return rc; /* every rank holds the agreed error already */
    int first;
    int mrc = lowest_failing(c, rc != ST_OK, &first);
    if (mrc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Allreduce (status)", mrc);
    if (first == c->size)
        return ST_OK;
    c->agreed = 1;
    return spread_failure(c, first, rc, err);
}

/* Before each sum or maximum of the training: has a rank failed (and is it agreeing, in
 * st__mpi_agree, instead of summing)? Then this rank completes that agreement and stops. */
static st_status check_peers(st__mpi_ctx *c, st_error *err)
{
    return st__mpi_check_peers(c, err);
}

st_status st__mpi_check_peers(st__mpi_ctx *c, st_error *err)
{
    int first;
    int mrc = lowest_failing(c, 0, &first);
    if (mrc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Allreduce (status)", mrc);
    if (first == c->size)
        return ST_OK;
    c->agreed = 1;
    return spread_failure(c, first, ST_OK, err);
}

/* MPI counts are int: long arrays go in slices. */
#define SLICE ((size_t)INT_MAX / 8)

/* One in-place MPI_Allreduce of n elements of type t (size bytes each) with op, in slices,
 * counted for the bench; what names the step in an error. */
static st_status allreduce_sliced(st__mpi_ctx *c, void *v, size_t n, size_t size,
                                  MPI_Datatype t, MPI_Op op, const char *what, st_error *err)
{
    st_status st = check_peers(c, err);
    if (st != ST_OK)
        return st;
    for (size_t at = 0; at < n; at += SLICE) {
        const size_t k = n - at < SLICE ? n - at : SLICE;
        int rc = MPI_Allreduce(MPI_IN_PLACE, (char *)v + at * size, (int)k, t, op, c->comm);
        if (rc != MPI_SUCCESS)
            return st__mpi_fail(err, what, rc);
        c->reduce_calls++;
        c->reduce_bytes += k * size;
    }
    return ST_OK;
}

st_status st__mpi_sum_i64(void *ctx, int64_t *v, size_t n, st_error *err)
{
    return allreduce_sliced(ctx, v, n, sizeof *v, MPI_INT64_T, MPI_SUM,
                            "MPI_Allreduce (histogram sums)", err);
}

st_status st__mpi_max_f64(void *ctx, double *v, size_t n, st_error *err)
{
    return allreduce_sliced(ctx, v, n, sizeof *v, MPI_DOUBLE, MPI_MAX,
                            "MPI_Allreduce (maxima)", err);
}

st_status st__mpi_scan_u64(st__mpi_ctx *c, uint64_t mine, uint64_t *before, uint64_t *total,
                           st_error *err)
{
    uint64_t pre = 0;
    int rc = MPI_Exscan(&mine, &pre, 1, MPI_UINT64_T, MPI_SUM, c->comm);
    if (rc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Exscan", rc);
    if (c->rank == 0)
        pre = 0; /* MPI leaves rank 0's result undefined */
    rc = MPI_Allreduce(&mine, total, 1, MPI_UINT64_T, MPI_SUM, c->comm);
    if (rc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Allreduce", rc);
    *before = pre;
    return ST_OK;
}

st_status st_mpi_agree(MPI_Comm comm, st_status rc, st_error *err)
{
    st__mpi_ctx c;
    memset(&c, 0, sizeof c);
    c.comm = comm;
    if (MPI_Comm_rank(comm, &c.rank) != MPI_SUCCESS || MPI_Comm_size(comm, &c.size) != MPI_SUCCESS)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_mpi_agree: not a valid communicator");
    return st__mpi_agree(&c, rc, err);
}

st_status st__mpi_same_shape(st__mpi_ctx *c, size_t n_rows, size_t n_features,
                             st_error *err)
{
    /* one MAX over each value and its complement gives the largest and the smallest */
    unsigned long long shape[4] = {n_rows, n_features, ~(unsigned long long)n_rows,
                                   ~(unsigned long long)n_features};
    int mrc = MPI_Allreduce(MPI_IN_PLACE, shape, 4, MPI_UNSIGNED_LONG_LONG, MPI_MAX, c->comm);
    if (mrc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Allreduce (file shape)", mrc);
    if (shape[0] != ~shape[2] || shape[1] != ~shape[3])
        return st__fail(err, ST_ERR_DATA, "the ranks mapped binned files of different "
                        "shapes; every rank must open the same file");
    return ST_OK;
}
