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
    *n = buf != NULL ? fread(buf, 1, (size_t)len, f) : 0;
    fclose(f);
    return buf;
}

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
        size_t na = 0, nc = 0;
        char *ta = NULL, *tc = NULL;
        if (rc == ST_OK && st_logreg_save(one, a, &err) == ST_OK &&
            st_logreg_save(dist, c, &err) == ST_OK) {
            ta = slurp(a, &na);
            tc = slurp(c, &nc);
        }
        CHECK(ta != NULL && tc != NULL && na == nc && memcmp(ta, tc, na) == 0,
              "%s: the %d-rank model differs from the one-process model", name, size);
        free(ta);
        free(tc);
    }
    st_logreg_free(dist);
    st_logreg_free(one);
}

int main(int argc, char **argv)
{
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc != 3) {
        if (rank == 0)
            fprintf(stderr, "usage: mpirun -np N mpi_logreg_check DATA.csv SCRATCH_DIR\n");
        MPI_Finalize();
        return 2;
    }
    st_error err;
    char stb[4096];
    snprintf(stb, sizeof stb, "%s/logreg_check.stb", argv[2]);
    st_read_options opt = st_read_options_default();
    opt.label_required = 1;
    st_bin_options bopt = st_bin_options_default();
    bopt.store_values = 1;
    st_status rc = rank == 0 ? st_bin_file(argv[1], &opt, &bopt, stb, NULL, &err) : ST_OK;
    rc = st_mpi_agree(MPI_COMM_WORLD, rc, &err);
    st_binned *b = NULL;
    if (rc == ST_OK)
        rc = st_binned_open(stb, &b, &err);
    rc = st_mpi_agree(MPI_COMM_WORLD, rc, &err);
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
    int done = 0, tried = 0;
    for (long n = 0; !done && n < 100000; n++) {
        const long live = st__fault_live_blocks();
        st_logreg *m = NULL;
        if (rank == 1 % size)
            st__fault_fail_after(n);
        rc = st_logreg_train_binned_mpi(MPI_COMM_WORLD, b, &prm, &m, &err);
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
        st_logreg_free(m);
        CHECK(st__fault_live_blocks() == live, "fail after %ld: %ld blocks leaked", n,
              st__fault_live_blocks() - live);
        int all_done = 0;
        MPI_Allreduce(&done, &all_done, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        done = all_done;
    }
    CHECK(done, "training never succeeded in the out-of-memory sweep");
    if (rank == 0)
        printf("mpi_logreg_check: %d ranks; out of memory on rank 1 at %d points, all agreed; "
               "%s\n", size, tried - 1, failures ? "FAILURES" : "all checks passed");
    st_binned_close(b);
    MPI_Finalize();
    return failures ? 1 : 0;
}
