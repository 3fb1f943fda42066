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

#include "mpi_check.h"

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
        const int saved = rc == ST_OK && st_gbdt_save(one, a, &err) == ST_OK &&
                          st_gbdt_save(dist, b, &err) == ST_OK;
        CHECK(saved && mpi_check_same_file(a, b),
              "%s: the %d-rank model differs from the one-process model", name, size);
    }
    st_gbdt_free(dist);
    st_gbdt_free(one);
}

typedef struct {
    const st_dataset *mine;
    const st_gbdt_params *prm;
} train_ctx;

static st_status train_once(const void *ctx, int *made, st_error *err)
{
    const train_ctx *t = ctx;
    st_gbdt *m = NULL;
    st_status rc = st_gbdt_train_mpi(MPI_COMM_WORLD, t->mine, NULL, t->prm, NULL, &m, NULL, err);
    *made = m != NULL;
    st_gbdt_free(m);
    return rc;
}

int main(int argc, char **argv)
{
    if (!mpi_check_start(&argc, &argv, 3, "mpirun -np N mpi_train_check DATA.csv SCRATCH_DIR"))
        return 2;
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
    prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
    prm.seed = 12345;
    equal_models("sampled bins, bagging, feature fraction, balanced", whole, mine, &prm,
                 argv[2]);

    /* a binned file of the same data: st_gbdt_train_binned_mpi equals st_gbdt_train_binned */
    {
        char stb[4096];
        snprintf(stb, sizeof stb, "%s/train_check.stb", argv[2]);
        st_binned *b = NULL;
        rc = mpi_check_binned(argv[1], &opt, NULL, stb, &b, &err);
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
            const int saved = rc == ST_OK && st_gbdt_save(one, a, &err) == ST_OK &&
                              st_gbdt_save(dist, c, &err) == ST_OK;
            CHECK(saved && mpi_check_same_file(a, c),
                  "binned: the %d-rank model differs from the one-process model", size);
        }
        st_gbdt_free(dist);
        st_gbdt_free(one);
        st_binned_close(b);
    }

    /* out of memory on rank 1 only, at every allocation in turn */
    prm = st_gbdt_params_default();
    prm.num_trees = 3;
    prm.n_threads = 1;
    const train_ctx ctx = {mine, &prm};
    const int points = mpi_check_oom_sweep(train_once, &ctx);
    if (rank == 0)
        printf("mpi_train_check: %d ranks; out of memory on rank 1 at %d points, all agreed; "
               "%s\n", size, points, failures ? "FAILURES" : "all checks passed");
    st_dataset_free(mine);
    st_dataset_free(whole);
    MPI_Finalize();
    return failures ? 1 : 0;
}
