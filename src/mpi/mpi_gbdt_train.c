/* st_gbdt_train_mpi: gradient-boosted trees over the rows of all ranks. The ranks agree on
 * the columns and categorical levels (mpi_schema.c), then on the bins: the bin sample is
 * the one a single process would draw over the global row numbers, its rows are gathered on
 * every rank and binned there identically; each rank codes its own rows with those bins,
 * and the training core (gbdt_boost.c) sums its histograms across ranks through the MPI
 * reducer (mpi_comm.c). */
#include <stratum/mpi.h>

#include <string.h>

#include "core/alloc.h"
#include "data/dataset_column.h"
#include "data/dataset_impl.h"
#include "core/error.h"
#include "gbdt/gbdt_rand.h"
#include "gbdt/gbdt_train_core.h"
#include "core/parallel.h"
#include "mpi_class_texts.h"
#include "mpi_comm.h"
#include "mpi_schema.h"

/* The global rows of the bin sample that fall in [row0, row0 + n) into rows (local
 * numbers); returns how many. The same selection sampling (Knuth's Algorithm S, seeded by
 * the seed alone) as gbdt_bin.c's draw_sample over n_global rows, so that the sample is the
 * one a single process draws: the equality tests (mpi_train_equal) fail if they drift. */
static size_t local_sample(uint64_t n_global, size_t s, uint64_t seed, uint64_t row0,
                           size_t n, size_t *rows)
{
    size_t k = 0;
    if (n_global <= s) {
        for (size_t i = 0; i < n; i++)
            rows[k++] = i;
        return k;
    }
    uint64_t state = seed ^ 0x5bd1e995b1a5ULL;
    size_t taken = 0;
    for (uint64_t i = 0; i < n_global && taken < s && i < row0 + n; i++)
        if ((double)(n_global - i) * st__gbdt_rand_unit(&state) < (double)(s - taken)) {
            taken++;
            if (i >= row0)
                rows[k++] = (size_t)(i - row0);
        }
    return k;
}

/* Fills the global dataset's rows with the bin sample: each rank's sampled rows (global
 * codes), gathered in rank order, which is the global row order. */
static st_status gather_sample(st__mpi_ctx *c, const st_dataset *ds, st__mpi_schema *sc,
                               uint64_t row0, uint64_t n_global, size_t s, uint64_t seed,
                               st_error *err)
{
    const size_t n = st_dataset_n_rows(ds), nf = st_dataset_n_features(ds);
    size_t *rows = st__malloc_array(n < s ? (n ? n : 1) : (s ? s : 1), sizeof *rows);
    st_status rc = rows == NULL ? st__fail(err, ST_ERR_NOMEM, "out of memory for the bin sample")
                                : ST_OK;
    size_t k = rows != NULL ? local_sample(n_global, s, seed, row0, n, rows) : 0;
    float *mine = NULL, *all = NULL;
    int *counts = st__malloc_array((size_t)c->size, sizeof *counts);
    int *displs = st__malloc_array((size_t)c->size, sizeof *displs);
    int ovf = 0;
    const size_t total = st__mul_size(s ? s : 1, nf ? nf : 1, &ovf);
    if (rc == ST_OK && (counts == NULL || displs == NULL || ovf ||
                        (mine = st__malloc_array(k ? k : 1, (nf ? nf : 1) * sizeof *mine)) ==
                            NULL ||
                        (all = st__malloc_array(total, sizeof *all)) == NULL))
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the bin sample (%zu rows x %zu "
                      "features)", s, nf);
    if (rc == ST_OK && total > (size_t)INT32_MAX)
        rc = st__fail(err, ST_ERR_INVALID_ARG, "the bin sample has %zu values; at most 2^31 "
                      "are supported: lower bin_sample_rows", total);
    /* a sparse column is read from a dense copy in scratch */
    float *scratch = NULL;
    if (rc == ST_OK && st__dataset_any_sparse(ds) &&
        (scratch = st__malloc_array(st_dataset_n_rows(ds) + 1, sizeof *scratch)) == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for a column of %zu rows",
                      st_dataset_n_rows(ds));
    for (size_t j = 0; rc == ST_OK && j < nf; j++) {
        const float *x = st__column_values(ds, j, scratch);
        for (size_t r = 0; r < k; r++)
            mine[r * nf + j] = st__mpi_global_value(sc, x, j, rows[r]);
    }
    st__free(scratch);
    if ((rc = st__mpi_agree(c, rc, err)) == ST_OK) {
        int mk = (int)(k * nf), mrc;
        if ((mrc = MPI_Allgather(&mk, 1, MPI_INT, counts, 1, MPI_INT, c->comm)) != MPI_SUCCESS)
            rc = st__mpi_fail(err, "MPI_Allgather (bin sample)", mrc);
        size_t at = 0;
        for (int r = 0; rc == ST_OK && r < c->size; r++) {
            displs[r] = (int)at;
            at += (size_t)counts[r];
        }
        if (rc == ST_OK && at != s * nf)
            rc = st__fail(err, ST_ERR_DATA, "the ranks drew %zu sample values, not %zu", at,
                          s * nf);
        if (rc == ST_OK && (mrc = MPI_Allgatherv(mine, mk, MPI_FLOAT, all, counts, displs,
                                                 MPI_FLOAT, c->comm)) != MPI_SUCCESS)
            rc = st__mpi_fail(err, "MPI_Allgatherv (bin sample)", mrc);
    }
    if (rc == ST_OK) {
        st_dataset *g = sc->global;
        for (size_t j = 0; j < nf; j++)
            for (size_t i = 0; i < s; i++)
                g->features[j].values[i] = all[i * nf + j];
        g->n_rows = s;
    }
    st__free(rows);
    st__free(mine);
    st__free(all);
    st__free(counts);
    st__free(displs);
    return rc;
}

/* Rows coded per block, so that threads write disjoint cache lines. */
#define CODE_BLOCK 4096

/* Rows [i0, i1) of sparse feature j coded into b: 0's code, then the block's entries. */
static void code_sparse_block(const st_dataset *ds, st__gbdt_bins *b, size_t j, size_t i0,
                              size_t i1)
{
    const size_t n = b->n_rows, nf = b->n_features;
    const uint32_t *r;
    const float *v;
    size_t ne, e = 0, hi;
    st_dataset_feature_entries(ds, j, &r, &v, &ne, NULL);
    for (hi = ne; e < hi;) { /* the first entry at or after row i0 */
        const size_t mid = e + (hi - e) / 2;
        if (r[mid] < i0)
            e = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = i0; i < i1; i++) {
        const float x = e < ne && r[e] == i ? v[e++] : 0.0f;
        const uint16_t code = st__gbdt_bin_of(b, j, x);
        if (b->wide)
            b->codes16[i * nf + j] = b->cols16[j * n + i] = code;
        else
            b->codes[i * nf + j] = b->cols[j * n + i] = (uint8_t)code;
    }
}

/* This rank's rows coded with the agreed bins b (whose own codes, of the sample, are
 * replaced). */
static st_status code_local_rows(const st_dataset *ds, const st__mpi_schema *sc,
                                 st__gbdt_bins *b, int nt, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds), nf = b->n_features;
    st__free(b->codes);
    st__free(b->cols);
    st__free(b->codes16);
    st__free(b->cols16);
    b->codes = b->cols = NULL;
    b->codes16 = b->cols16 = NULL;
    b->n_rows = n;
    int ovf = 0;
    const size_t cells = st__mul_size(n ? n : 1, nf ? nf : 1, &ovf);
    if (!ovf && b->wide) {
        b->codes16 = st__malloc_array(cells, sizeof *b->codes16);
        b->cols16 = st__malloc_array(cells, sizeof *b->cols16);
    } else if (!ovf) {
        b->codes = st__malloc_array(cells, 1);
        b->cols = st__malloc_array(cells, 1);
    }
    if (ovf || (b->wide ? b->codes16 == NULL || b->cols16 == NULL
                        : b->codes == NULL || b->cols == NULL))
        return st__fail(err, ST_ERR_NOMEM, "out of memory binning %zu rows x %zu features", n,
                        nf);
    const long n_blocks = (long)((n + CODE_BLOCK - 1) / CODE_BLOCK);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (long bl = 0; bl < n_blocks; bl++) {
        const size_t i0 = (size_t)bl * CODE_BLOCK, i1 = i0 + CODE_BLOCK < n ? i0 + CODE_BLOCK : n;
        for (size_t j = 0; j < nf; j++) {
            const float *x = st_dataset_feature_values(ds, j);
            if (x == NULL) { /* sparse (numeric, no remap): the code of 0, then the entries */
                code_sparse_block(ds, b, j, i0, i1);
                continue;
            }
            for (size_t i = i0; i < i1; i++) {
                const uint16_t code = st__gbdt_bin_of(b, j, st__mpi_global_value(sc, x, j, i));
                if (b->wide)
                    b->codes16[i * nf + j] = b->cols16[j * n + i] = code;
                else
                    b->codes[i * nf + j] = b->cols[j * n + i] = (uint8_t)code;
            }
        }
    }
    return ST_OK;
}

/* st_dataset_check_trainable over the rows of all ranks. */
static st_status check_trainable(st__mpi_ctx *c, const st_dataset *ds, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    const float *y = st_dataset_labels(ds), *w = st_dataset_weights(ds);
    double v[3] = {0, 0, 0}; /* positives, negatives, weight */
    for (size_t i = 0; i < n; i++) {
        v[y[i] != 0] += 1;
        v[2] += w != NULL ? (double)w[i] : 1.0;
    }
    const double t = v[0];
    v[0] = v[1]; /* positives first */
    v[1] = t;
    int mrc = MPI_Allreduce(MPI_IN_PLACE, v, 3, MPI_DOUBLE, MPI_SUM, c->comm);
    if (mrc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Allreduce (labels)", mrc);
    if (v[0] == 0 || v[1] == 0)
        return st__fail(err, ST_ERR_DATA, "the rows of all ranks hold only %s labels; "
                        "training needs both classes", v[0] == 0 ? "negative" : "positive");
    if (!(v[2] > 0))
        return st__fail(err, ST_ERR_DATA, "the rows of all ranks have a total weight of 0; "
                        "training needs a positive total weight");
    return ST_OK;
}

st_status st_gbdt_train_mpi(MPI_Comm comm, const st_dataset *local, const st_dataset *valid,
                            const st_gbdt_params *prm_in, const st_gbdt_train_callbacks *cb,
                            st_gbdt **out, st_mpi_stats *stats, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (stats != NULL)
        memset(stats, 0, sizeof *stats);
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train_mpi: out is NULL");
    const double t0 = MPI_Wtime();
    st__mpi_ctx c;
    st_status rc = st__mpi_open(&c, comm, err);
    if (rc != ST_OK)
        return rc;
    const st_gbdt_params prm = prm_in != NULL ? *prm_in : st_gbdt_params_default();
    const char *why = st_gbdt_params_check(&prm);
    if (why != NULL)
        rc = st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train_mpi: %s", why);
    else if (local == NULL || st_dataset_labels(local) == NULL)
        rc = st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train_mpi: %s",
                      local == NULL ? "this rank's dataset is NULL"
                                    : "this rank's dataset has no labels");
    else if (st_dataset_n_rows(local) >= UINT32_MAX)
        rc = st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_train_mpi: %zu rows on this rank; at "
                      "most %u are supported", st_dataset_n_rows(local), UINT32_MAX - 1);
    if ((rc = st__mpi_agree(&c, rc, err)) != ST_OK) {
        st__mpi_close(&c);
        return rc;
    }
    const int nt = st__n_threads(prm.n_threads);
    uint64_t row0 = 0, n_global = 0;
    st__mpi_schema sc = {0};
    st__gbdt_schema schema = {0};
    st__gbdt_bins bins = {0};
    rc = st__mpi_scan_u64(&c, st_dataset_n_rows(local), &row0, &n_global, err);
    if (rc == ST_OK)
        rc = check_trainable(&c, local, err);
    const size_t s = n_global < (uint64_t)prm.bin_sample_rows ? (size_t)n_global
                                                               : (size_t)prm.bin_sample_rows;
    if (rc == ST_OK)
        rc = st__mpi_schema_build(&c, local, s, &sc, err);
    if (rc == ST_OK)
        rc = gather_sample(&c, local, &sc, row0, n_global, s, prm.seed, err);
    /* every rank bins the same sample: the same bounds and level bins everywhere */
    if (rc == ST_OK && (rc = st__gbdt_bins_build(sc.global, &prm, nt, &bins, err)) == ST_OK &&
        (rc = st__gbdt_unbundle(&bins, err)) == ST_OK) /* (local rows: one column each) */
        rc = code_local_rows(local, &sc, &bins, nt, err);
    if (rc == ST_OK)
        rc = st__gbdt_schema_from_dataset(sc.global, &schema, err);
    if (rc == ST_OK)
        rc = st__gbdt_monotone_check(&schema, prm.monotone, err);
    rc = st__mpi_agree(&c, rc, err);
    const double t1 = MPI_Wtime();
    if (rc == ST_OK) {
        const st__gbdt_reducer reducer = {&c, st__mpi_sum_i64, st__mpi_max_f64};
        const st__gbdt_train_data d = {.schema = &schema, .bins = &bins,
                                       .n_rows = st_dataset_n_rows(local), .row0 = row0,
                                       .n_rows_global = n_global,
                                       .y = st_dataset_labels(local),
                                       .w = st_dataset_weights(local), .reducer = &reducer};
        rc = st__gbdt_train_core(&d, valid, &prm, cb, out, err);
        /* a rank that failed inside training agrees here, while the others meet that
           agreement in their next reducer call (mpi_comm.h), unless they are here too */
        rc = st__mpi_agree(&c, rc, err);
        if (rc == ST_OK) /* (collective: every rank trained) */
            rc = st__mpi_agree(&c, st__mpi_record_positive_class(&c, local, &(*out)->post,
                                                                 err), err);
        if (rc != ST_OK) {
            st_gbdt_free(*out);
            *out = NULL;
        }
    }
    if (stats != NULL) {
        stats->n_ranks = c.size;
        stats->n_rows_global = (unsigned long long)n_global;
        stats->allreduce_calls = (unsigned long long)c.reduce_calls;
        stats->allreduce_bytes = (unsigned long long)c.reduce_bytes;
        stats->setup_seconds = t1 - t0;
        stats->train_seconds = MPI_Wtime() - t1;
    }
    st__gbdt_bins_free(&bins);
    st__gbdt_schema_free(&schema);
    st__mpi_schema_free(&sc);
    st__mpi_close(&c);
    return rc;
}
