/* st_gbdt_train_binned_mpi: boosted trees over a binned file (.stb) that every rank maps,
 * each rank training on its own contiguous range of the file's rows. The bins are the
 * file's, so they agree by construction; only the histograms are summed across ranks. */
#include <stratum/mpi.h>

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "gbdt/gbdt_train_core.h"
#include "binned/stb_impl.h"
#include "mpi_comm.h"

/* Rows [row0, row0 + n) of the file's bins: the bounds and level bins and the row-major
 * codes are borrowed from the mapping; the feature-major codes of the range are copied
 * (cols_copy, freed by the caller), as the core reads feature j of local row i at
 * cols[j * n + i]. */
static st_status range_bins(const st__gbdt_bins *all, size_t row0, size_t n,
                            st__gbdt_bins *view, void **cols_copy, st_error *err)
{
    const size_t nf = all->n_features, N = all->n_rows, cw = all->wide ? 2 : 1;
    *view = *all;
    view->n_rows = n;
    view->codes_borrowed = 1;
    int ovf = 0;
    const size_t cells = st__mul_size(n ? n : 1, nf ? nf : 1, &ovf);
    char *cols = ovf ? NULL : st__malloc_array(cells, cw);
    *cols_copy = cols;
    if (cols == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu rows x %zu features of the "
                        "binned file", n, nf);
    const char *src = all->wide ? (const char *)all->cols16 : (const char *)all->cols;
    for (size_t j = 0; j < nf; j++)
        memcpy(cols + j * n * cw, src + (j * N + row0) * cw, n * cw);
    if (all->wide) {
        view->codes16 = all->codes16 + row0 * nf;
        view->cols16 = (uint16_t *)(void *)cols;
    } else {
        view->codes = all->codes + row0 * nf;
        view->cols = (uint8_t *)cols;
    }
    return ST_OK;
}

st_status st_gbdt_train_binned_mpi(MPI_Comm comm, const st_binned *b, const st_dataset *valid,
                                   const st_gbdt_params *prm_in,
                                   const st_gbdt_train_callbacks *cb, st_gbdt **out,
                                   st_mpi_stats *stats, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (stats != NULL)
        memset(stats, 0, sizeof *stats);
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train_binned_mpi: out is NULL");
    const double t0 = MPI_Wtime();
    st__mpi_ctx c;
    st_status rc = st__mpi_open(&c, comm, err);
    if (rc != ST_OK)
        return rc;
    /* the parameters the file's bins were made with: the model records these */
    st_gbdt_params prm = prm_in != NULL ? *prm_in : st_gbdt_params_default();
    if (b == NULL) {
        rc = st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train_binned_mpi: the binned file is "
                      "NULL on this rank");
    } else {
        prm.max_bin = b->meta.max_bin;
        prm.max_cat_levels = b->meta.max_cat_levels;
        const char *why = st_gbdt_params_check(&prm);
        if (why != NULL)
            rc = st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train_binned_mpi: %s", why);
    }
    if ((rc = st__mpi_agree(&c, rc, err)) != ST_OK) {
        st__mpi_close(&c);
        return rc;
    }
    /* the same file on every rank (its bins and levels: the histograms' layout) */
    rc = st__mpi_same_binned(&c, b, err);
    if ((rc = st__mpi_agree(&c, rc, err)) != ST_OK) {
        st__mpi_close(&c);
        return rc;
    }
    const size_t N = b->meta.n_rows;
    const size_t row0 = N / (size_t)c.size * (size_t)c.rank +
                        N % (size_t)c.size * (size_t)c.rank / (size_t)c.size;
    const size_t row1 = N / (size_t)c.size * (size_t)(c.rank + 1) +
                        N % (size_t)c.size * (size_t)(c.rank + 1) / (size_t)c.size;
    const size_t n = row1 - row0;
    if (rc == ST_OK && n >= UINT32_MAX)
        rc = st__fail(err, ST_ERR_INVALID_ARG, "%zu rows on this rank; at most %u are "
                      "supported: use more ranks", n, UINT32_MAX - 1);
    if (rc == ST_OK) { /* both classes in the file */
        unsigned long long pos = 0;
        for (size_t i = row0; i < row1; i++)
            pos += b->labels[i] != 0;
        const int mrc = MPI_Allreduce(MPI_IN_PLACE, &pos, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, c.comm);
        if (mrc != MPI_SUCCESS)
            rc = st__mpi_fail(err, "MPI_Allreduce (labels)", mrc);
        else if (pos == 0 || pos == N)
            rc = st__fail(err, ST_ERR_DATA, "the binned file's rows hold only %s labels; "
                          "expected both classes", pos == 0 ? "negative" : "positive");
    }
    st__gbdt_bins view;
    void *cols = NULL;
    if (rc == ST_OK)
        rc = range_bins(&b->bins, row0, n, &view, &cols, err);
    rc = st__mpi_agree(&c, rc, err);
    const double t1 = MPI_Wtime();
    if (rc == ST_OK) {
        const st__gbdt_reducer reducer = {&c, st__mpi_sum_i64, st__mpi_max_f64};
        const st__gbdt_train_data d = {.schema = &b->schema, .bins = &view, .n_rows = n,
                                       .row0 = row0, .n_rows_global = N,
                                       .y = b->labels + row0,
                                       .w = b->weights != NULL ? b->weights + row0 : NULL,
                                       .reducer = &reducer};
        rc = st__gbdt_train_core(&d, valid, &prm, cb, out, err);
        if (rc == ST_OK)
            rc = st__post_set_positive_texts(&(*out)->post, b->meta.class_name[1],
                                             b->meta.class_name[0], err);
        rc = st__mpi_agree(&c, rc, err);
        if (rc != ST_OK) {
            st_gbdt_free(*out);
            *out = NULL;
        }
    }
    if (stats != NULL) {
        stats->n_ranks = c.size;
        stats->n_rows_global = (unsigned long long)N;
        stats->allreduce_calls = (unsigned long long)c.reduce_calls;
        stats->allreduce_bytes = (unsigned long long)c.reduce_bytes;
        stats->setup_seconds = t1 - t0;
        stats->train_seconds = MPI_Wtime() - t1;
    }
    st__free(cols);
    st__mpi_close(&c);
    return rc;
}
