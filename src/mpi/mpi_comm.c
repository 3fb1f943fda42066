/* The MPI layer: the duplicated communicator, status agreement and the reducer. */
#include "mpi_comm.h"

#include <stratum/mpi.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "binned/stb_format.h"
#include "binned/stb_impl.h"
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

st_status st__mpi_same_binned(st__mpi_ctx *c, const st_binned *b, st_error *err)
{
    /* rank 0's file against this rank's: the counts, the size, and the header checksum,
     * which covers the header and the metadata (names, types, bins and levels) */
    uint64_t sum = 0;
    memcpy(&sum, (const unsigned char *)b->map + ST__STB_SUM_AT, sizeof sum);
    const unsigned long long mine[4] = {b->meta.n_rows, b->meta.n_features, b->map_size, sum};
    unsigned long long first[4];
    memcpy(first, mine, sizeof first);
    int mrc = MPI_Bcast(first, 4, MPI_UNSIGNED_LONG_LONG, 0, c->comm);
    if (mrc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Bcast (binned file)", mrc);
    if (memcmp(first, mine, sizeof first) != 0)
        return st__fail(err, ST_ERR_DATA, "the ranks' binned files differ: %s here (%llu rows "
                        "x %llu features, %llu bytes, header checksum %016llx) is not the file "
                        "rank 0 opened (%llu x %llu, %llu bytes, checksum %016llx); every rank "
                        "must open the same file", b->path, mine[0], mine[1], mine[2], mine[3],
                        first[0], first[1], first[2], first[3]);
    return ST_OK;
}
