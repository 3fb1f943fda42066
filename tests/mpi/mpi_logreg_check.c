/* st_logreg_train_binned_mpi, at the library level:
 *  - the model equals st_logreg_train_binned's on the whole file in one process, byte for
 *    byte (saved files compared), for ridge and elastic net with balanced class weights;
 *  - out of memory on rank 1 only (every allocation in turn failing there, in planning the
 *    model, the streamed fit's buffers and its per-block sums) makes every rank return
 *    ST_ERR_NOMEM, the others with "rank 1: ...", without hanging and without leaking on
 *    rank 1.
 * Links stratum_fault (allocation-failure injection). Run:
 *   mpirun -np 3 mpi_logreg_check DATA.csv SCRATCH_DIR */
#include <stdio.h>

#include "mpi_check.h"

static void equal_models(const char *name, const st_binned *b, const st_logreg_params *prm,
                         const char *dir)
{
    st_error err;
    st_logreg *dist = NULL, *one = NULL;
    st_status rc = st_logreg_train_binned_mpi(MPI_COMM_WORLD, b, prm, &dist, &err);
    CHECK(rc == ST_OK, "%s: %s", name, err.message);
    if (rank == 0 && rc == ST_OK) {
        rc = st_logreg_train_binned(b, prm, &one, &err);
        CHECK(rc == ST_OK, "%s: one process: %s", name, err.message);
        char a[4096], c[4096];
        snprintf(a, sizeof a, "%s/lr_one.model", dir);
        snprintf(c, sizeof c, "%s/lr_dist.model", dir);
        const int saved = rc == ST_OK && st_logreg_save(one, a, &err) == ST_OK &&
                          st_logreg_save(dist, c, &err) == ST_OK;
        CHECK(saved && mpi_check_same_file(a, c),
              "%s: the %d-rank model differs from the one-process model", name, size);
    }
    st_logreg_free(dist);
    st_logreg_free(one);
}

typedef struct {
    const st_binned *b;
    const st_logreg_params *prm;
} train_ctx;

static st_status train_once(const void *ctx, int *made, st_error *err)
{
    const train_ctx *t = ctx;
    st_logreg *m = NULL;
    st_status rc = st_logreg_train_binned_mpi(MPI_COMM_WORLD, t->b, t->prm, &m, err);
    *made = m != NULL;
    st_logreg_free(m);
    return rc;
}

int main(int argc, char **argv)
{
    if (!mpi_check_start(&argc, &argv, 3, "mpirun -np N mpi_logreg_check DATA.csv SCRATCH_DIR"))
        return 2;
    st_error err;
    char stb[4096];
    snprintf(stb, sizeof stb, "%s/logreg_check.stb", argv[2]);
    st_read_options opt = st_read_options_default();
    opt.label_required = 1;
    st_bin_options bopt = st_bin_options_default();
    bopt.store_values = 1;
    st_binned *b = NULL;
    st_status rc = mpi_check_binned(argv[1], &opt, &bopt, stb, &b, &err);
    CHECK(rc == ST_OK, "binned file: %s", err.message);
    if (rc != ST_OK) {
        MPI_Finalize();
        return 1;
    }

    st_logreg_params prm = st_logreg_params_default();
    prm.class_weight = ST_CLASS_WEIGHT_BALANCED;
    prm.lambda = 0.01;
    equal_models("ridge, balanced", b, &prm, argv[2]);
    prm.lambda = 0.005;
    prm.alpha = 0.5;
    equal_models("elastic net, balanced", b, &prm, argv[2]);

    /* out of memory on rank 1 only, at every allocation in turn */
    prm.n_threads = 1;
    const train_ctx ctx = {b, &prm};
    const int points = mpi_check_oom_sweep(train_once, &ctx);
    if (rank == 0)
        printf("mpi_logreg_check: %d ranks; out of memory on rank 1 at %d points, all agreed; "
               "%s\n", size, points, failures ? "FAILURES" : "all checks passed");
    st_binned_close(b);
    MPI_Finalize();
    return failures ? 1 : 0;
}
