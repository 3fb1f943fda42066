/* st_logreg_train_binned_mpi: logistic regression streamed from a binned file (.stb, with
 * raw values) that every rank maps, each rank reading its own run of the fit's row blocks.
 * The sums of each pass are chained through the ranks in rank order (chain_fold), so every
 * floating-point addition is the one a single process makes: the model is byte for byte
 * st_logreg_train_binned's. */
#include <stratum/mpi.h>

#include <limits.h>
#include <string.h>

#include "core/error.h"
#include "logreg/logreg_binned_range.h"
#include "logreg/logreg_impl.h"
#include "mpi_comm.h"

#define CHAIN_TAG 4711

/* The streamed fitter's reducer (st__lr_reducer.fold): rank 0 combines its block records
 * into the identity and passes the total to rank 1, which combines its own records into
 * it and passes it on; the last rank's total, the sum over all blocks in block order, goes
 * to every rank. The additions are serial, but they are the cheap part: each rank has
 * already computed its records (the passes over its rows) in parallel with the others. */
static st_status chain_fold(void *ctx, double *total, const double *records, size_t n_records,
                            size_t n, st__lr_combine combine, const void *cctx, st_error *err)
{
    st__mpi_ctx *c = ctx;
    st_status st = st__mpi_check_peers(c, err);
    if (st != ST_OK)
        return st;
    if (n > INT_MAX) /* n is the same on every rank: all fail here */
        return st__fail(err, ST_ERR_INVALID_ARG, "%zu sums are too many for one MPI message", n);
    int mrc = MPI_SUCCESS;
    if (c->rank > 0)
        mrc = MPI_Recv(total, (int)n, MPI_DOUBLE, c->rank - 1, CHAIN_TAG, c->comm,
                       MPI_STATUS_IGNORE);
    if (mrc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Recv (block sums)", mrc);
    for (size_t r = 0; r < n_records; r++)
        combine(total, records + r * n, n, cctx);
    if (c->rank + 1 < c->size)
        mrc = MPI_Send(total, (int)n, MPI_DOUBLE, c->rank + 1, CHAIN_TAG, c->comm);
    if (mrc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Send (block sums)", mrc);
    mrc = MPI_Bcast(total, (int)n, MPI_DOUBLE, c->size - 1, c->comm);
    if (mrc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Bcast (block sums)", mrc);
    c->reduce_calls++;
    c->reduce_bytes += n * sizeof *total;
    return ST_OK;
}

st_status st_logreg_train_binned_mpi(MPI_Comm comm, const st_binned *b,
                                     const st_logreg_params *prm, st_logreg **out,
                                     st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_train_binned_mpi: out is NULL");
    st__mpi_ctx c;
    st_status rc = st__mpi_open(&c, comm, err);
    if (rc != ST_OK)
        return rc;
    if (b == NULL)
        rc = st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_train_binned_mpi: the binned file "
                      "is NULL on this rank");
    if ((rc = st__mpi_agree(&c, rc, err)) != ST_OK) {
        st__mpi_close(&c);
        return rc;
    }
    /* the same file on every rank (its levels: the design columns' layout) */
    const size_t N = st_binned_n_rows(b);
    rc = st__mpi_same_binned(&c, b, err);
    if ((rc = st__mpi_agree(&c, rc, err)) != ST_OK) {
        st__mpi_close(&c);
        return rc;
    }
    /* whole blocks per rank, consecutive runs in rank order */
    const size_t B = st__logreg_binned_block_rows(N), K = (N + B - 1) / B;
    const size_t r = (size_t)c.rank, size = (size_t)c.size;
    const size_t k0 = K * r / size, k1 = K * (r + 1) / size;
    const size_t row0 = k0 * B < N ? k0 * B : N, row1 = k1 * B < N ? k1 * B : N;
    const st__lr_reducer reducer = {&c, chain_fold};
    rc = st__logreg_train_binned_range(b, prm, &reducer, row0, row1, out, err);
    rc = st__mpi_agree(&c, rc, err);
    if (rc != ST_OK) {
        st_logreg_free(*out);
        *out = NULL;
    }
    st__mpi_close(&c);
    return rc;
}
