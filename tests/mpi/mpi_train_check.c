/* st_gbdt_train_mpi, at the library level:
 *  - the model equals st_gbdt_train_ex's on the whole file in one process, byte for byte
 *    (saved files compared), including with a bin sample smaller than the data (the sample
 *    is drawn over global rows and gathered), few bins, bagging, feature fraction, balanced
 *    class weights, categorical columns and missing values;
 *  - the same for a binned file (st_gbdt_train_binned_mpi against st_gbdt_train_binned);
 *  - out of memory on one rank (every allocation in turn failing on rank 1, in reading the
 *    columns, binning and boosting) makes every rank return ST_ERR_NOMEM, the others with
 *    "rank 1: ...", without hanging and without leaking on rank 1.
 * Links stratum_fault (allocation-failure injection). Run:
 *   mpirun -np 3 mpi_train_check DATA.csv SCRATCH_DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>
#include <stratum/mpi.h>

#include "alloc.h"

static int rank, size, failures;

#define CHECK(cond, ...)                                                        \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "rank %d: %s:%d: ", rank, __FILE__, __LINE__);      \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
            failures++;                                                         \
        }                                                                       \
    } while (0)

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    *n = fread(buf, 1, (size_t)len, f);
    fclose(f);
    return buf;
}

static void equal_models(const char *name, const st_dataset *whole, const st_dataset *mine,
                         const st_gbdt_params *prm, const char *dir)
{
    st_error err;
    st_gbdt *dist = NULL, *one = NULL;
    st_status rc = st_gbdt_train_mpi(MPI_COMM_WORLD, mine, NULL, prm, NULL, &dist, NULL, &err);
    CHECK(rc == ST_OK, "%s: %s", name, err.message);
    if (rank == 0 && rc == ST_OK) {
        rc = st_gbdt_train_ex(whole, NULL, prm, NULL, &one, &err);
        CHECK(rc == ST_OK, "%s: one process: %s", name, err.message);
        char a[4096], b[4096];
        snprintf(a, sizeof a, "%s/one.model", dir);
        snprintf(b, sizeof b, "%s/dist.model", dir);
        if (rc == ST_OK && st_gbdt_save(one, a, &err) == ST_OK &&
            st_gbdt_save(dist, b, &err) == ST_OK) {
            size_t na = 0, nb = 0;
            char *ta = slurp(a, &na), *tb = slurp(b, &nb);
            CHECK(ta != NULL && tb != NULL && na == nb && memcmp(ta, tb, na) == 0,
                  "%s: the %d-rank model differs from the one-process model", name, size);
            free(ta);
            free(tb);
        }
    }
    st_gbdt_free(dist);
    st_gbdt_free(one);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 3) {
        fprintf(stderr, "usage: mpirun -np N mpi_train_check DATA.csv SCRATCH_DIR\n");
        MPI_Finalize();
        return 2;
    }
    st_read_options opt = st_read_options_default();
    st_error err;
    st_dataset *mine = NULL, *whole = NULL;
    st_status rc = st_dataset_read_csv_mpi(MPI_COMM_WORLD, argv[1], &opt, &mine, &err);
    if (rc == ST_OK && rank == 0)
        rc = st_dataset_read_csv(argv[1], &opt, &whole, &err);
    if (rc != ST_OK) {
        fprintf(stderr, "rank %d: %s\n", rank, err.message);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }

    st_gbdt_params prm = st_gbdt_params_default();
    prm.num_trees = 8;
    equal_models("defaults", whole, mine, &prm, argv[2]);
    prm.bin_sample_rows = 500; /* fewer than the rows: a sample drawn over global rows */
    prm.max_bin = 16;
    prm.bagging_fraction = 0.6;
    prm.bagging_freq = 2;
    prm.feature_fraction = 0.7;
    prm.class_weight = ST_GBDT_CLASS_WEIGHT_BALANCED;
    prm.seed = 12345;
    equal_models("sampled bins, bagging, feature fraction, balanced", whole, mine, &prm,
                 argv[2]);

    /* a binned file of the same data: st_gbdt_train_binned_mpi equals st_gbdt_train_binned */
    {
        char stb[4096];
        snprintf(stb, sizeof stb, "%s/train_check.stb", argv[2]);
        rc = rank == 0 ? st_bin_file(argv[1], &opt, NULL, stb, NULL, &err) : ST_OK;
        rc = st_mpi_agree(MPI_COMM_WORLD, rc, &err);
        st_binned *b = NULL;
        if (rc == ST_OK)
            rc = st_binned_open(stb, &b, &err);
        CHECK(rc == ST_OK, "binned file: %s", err.message);
        st_gbdt *dist = NULL, *one = NULL;
        prm = st_gbdt_params_default();
        prm.num_trees = 6;
        prm.bagging_fraction = 0.5;
        prm.bagging_freq = 1;
        if (rc == ST_OK)
            rc = st_gbdt_train_binned_mpi(MPI_COMM_WORLD, b, NULL, &prm, NULL, &dist, NULL, &err);
        CHECK(rc == ST_OK, "binned: %s", err.message);
        if (rc == ST_OK && rank == 0) {
            rc = st_gbdt_train_binned(b, NULL, &prm, NULL, &one, &err);
            char a[4096], c[4096];
            snprintf(a, sizeof a, "%s/one_stb.model", argv[2]);
            snprintf(c, sizeof c, "%s/dist_stb.model", argv[2]);
            size_t na = 0, nc = 0;
            char *ta = NULL, *tc = NULL;
            if (rc == ST_OK && st_gbdt_save(one, a, &err) == ST_OK &&
                st_gbdt_save(dist, c, &err) == ST_OK) {
                ta = slurp(a, &na);
                tc = slurp(c, &nc);
            }
            CHECK(ta != NULL && tc != NULL && na == nc && memcmp(ta, tc, na) == 0,
                  "binned: the %d-rank model differs from the one-process model", size);
            free(ta);
            free(tc);
        }
        st_gbdt_free(dist);
        st_gbdt_free(one);
        st_binned_close(b);
    }

    /* out of memory on rank 1 only, at every allocation in turn */
    prm = st_gbdt_params_default();
    prm.num_trees = 3;
    prm.n_threads = 1;
    int done = 0, tried = 0;
    for (long n = 0; !done && n < 100000; n++) {
        const long live = st__fault_live_blocks();
        st_gbdt *m = NULL;
        if (rank == 1 % size)
            st__fault_fail_after(n);
        rc = st_gbdt_train_mpi(MPI_COMM_WORLD, mine, NULL, &prm, NULL, &m, NULL, &err);
        st__fault_fail_after(-1);
        tried++;
        int codes[2] = {(int)rc, -(int)rc}, agreed[2];
        MPI_Allreduce(codes, agreed, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        CHECK(agreed[0] == -agreed[1], "fail after %ld: the ranks returned different statuses",
              n);
        if (rc == ST_OK) {
            done = 1;
        } else {
            CHECK(rc == ST_ERR_NOMEM && m == NULL, "fail after %ld: status %d (%s)", n, (int)rc,
                  err.message);
            CHECK(rank == 1 % size || strncmp(err.message, "rank 1: ", 8) == 0,
                  "fail after %ld: '%s' does not name rank 1", n, err.message);
        }
        st_gbdt_free(m);
        CHECK(st__fault_live_blocks() == live, "fail after %ld: %ld blocks leaked", n,
              st__fault_live_blocks() - live);
        int all_done = 0;
        MPI_Allreduce(&done, &all_done, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        done = all_done;
    }
    CHECK(done, "training never succeeded in the out-of-memory sweep");
    if (rank == 0)
        printf("mpi_train_check: %d ranks; out of memory on rank 1 at %d points, all agreed; "
               "%s\n", size, tried - 1, failures ? "FAILURES" : "all checks passed");
    st_dataset_free(mine);
    st_dataset_free(whole);
    MPI_Finalize();
    return failures ? 1 : 0;
}
