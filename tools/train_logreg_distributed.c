/* stratum train logreg DATA.stb --distributed -o MODEL, run under mpirun: every rank maps
 * the binned file, the ranks fit one model together (st_logreg_train_binned_mpi, byte for
 * byte the one-process model on the file), and rank 0 writes it. Only rank 0 prints, except
 * the MPI runtime's own messages. */
#include "train_logreg_distributed.h"

#include <stdio.h>
#include <stdlib.h>

#ifdef STRATUM_HAVE_MPI
#define DISTRIBUTED_HEADING "Distributed training (MPI):\n"
#else
#define DISTRIBUTED_HEADING "Distributed training (not in this build: needs -DSTRATUM_MPI=ON):\n"
#endif
const char train_logreg_distributed_help[] =
    DISTRIBUTED_HEADING
    "  --distributed          fit across the ranks of an MPI job: run as `mpirun -np N\n"
    "                         stratum train logreg DATA.stb --distributed -o MODEL`; DATA\n"
    "                         must be a binned file with raw values (stratum bin --values)\n"
    "                         that every rank can open; each rank streams its own range of\n"
    "                         rows, and the model equals the one-process model on DATA.stb\n"
    "                         byte for byte; rank 0 writes MODEL and reports; --threads is\n"
    "                         per rank. Not with --lambda-path or post-fit options.\n";

#ifndef STRATUM_HAVE_MPI

int train_logreg_distributed(const char *data_path, const char *model_path,
                             const st_logreg_params *prm, const cli_common *common, int all)
{
    (void)data_path, (void)model_path, (void)prm, (void)common, (void)all;
    fprintf(stderr, "stratum train: --distributed needs a stratum built with MPI support "
                    "(cmake -DSTRATUM_MPI=ON, with Open MPI's libopenmpi-dev installed); this "
                    "one was built without it\n");
    return EXIT_FAILED;
}

#else

#include <mpi.h>
#include <stratum/mpi.h>

#include "train_gbdt_distributed.h" /* train_distributed_* */

/* The steps after MPI_Init; returns the exit code, the same on every rank. */
static int run(int rank, int size, const char *data_path, const char *model_path,
               const st_logreg_params *prm, const cli_common *common, int all)
{
    /* the model path, before any work: rank 0 alone writes it */
    const cli_file in[] = {{"DATA", data_path}};
    const cli_file out[] = {{"-o", model_path}};
    const int status = train_distributed_check_files(in, 1, out, 1);
    if (status != EXIT_OK)
        return status;
    /* decided together: a file that cannot be opened, or is no binned file on some ranks
     * only, is st_binned_open's to report, naming the rank */
    int all_readable = 0;
    const int any_binned = train_distributed_any_binned(data_path, &all_readable);
    if (all_readable && !any_binned) {
        if (rank == 0)
            cli_usage_error("train", "%s is not a binned file: logistic regression with "
                            "--distributed reads a binned file with raw values; make one "
                            "with 'stratum bin %s --values -o DATA.stb'", data_path, data_path);
        return EXIT_USAGE;
    }
    st_error err;
    st_binned *b = NULL;
    st_logreg *m = NULL;
    st_status rc = st_binned_open(data_path, &b, &err);
    rc = st_mpi_agree(MPI_COMM_WORLD, rc, &err);
    const double t0 = MPI_Wtime();
    if (rc == ST_OK)
        rc = st_logreg_train_binned_mpi(MPI_COMM_WORLD, b, prm, &m, &err);
    const double fit_seconds = MPI_Wtime() - t0;
    /* only rank 0 writes, and only once every rank has the model */
    if (rc == ST_OK && rank == 0)
        rc = st_logreg_save(m, model_path, &err);
    rc = st_mpi_agree(MPI_COMM_WORLD, rc, &err);
    if (rc != ST_OK) {
        if (rank == 0)
            cli_fail(&err, rc);
        st_logreg_free(m);
        st_binned_close(b);
        return EXIT_FAILED;
    }
    if (rank == 0) {
        if (!common->quiet) {
            size_t nz = 0, n = st_logreg_n_coefs(m);
            for (size_t k = 0; k < n; k++)
                nz += st_logreg_coefs(m)[k] != 0;
            fprintf(stderr, "trained logreg on %zu rows over %d rank%s streamed from the "
                    "binned file %s in %.3f s: %d iterations, converged %s, objective %.6g, "
                    "gap %.3g, %zu of %zu coefficients non-zero; saved %s\n",
                    st_binned_n_rows(b), size, size == 1 ? "" : "s", data_path, fit_seconds,
                    st_logreg_iterations(m), st_logreg_converged(m) ? "yes" : "no",
                    st_logreg_objective(m), st_logreg_gap(m), nz, n, model_path);
        }
        cli_print_coefs(m, common->format, all, common->quiet, fit_seconds);
    }
    st_logreg_free(m);
    st_binned_close(b);
    return EXIT_OK;
}

int train_logreg_distributed(const char *data_path, const char *model_path,
                             const st_logreg_params *prm, const cli_common *common, int all)
{
    int provided = 0, rank = 0, size = 1;
    train_distributed_mute_end(); /* from here on, rank 0 alone prints */
    /* OpenMP threads never call MPI: FUNNELED is all the library needs */
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "stratum: MPI_Init failed; run under mpirun\n");
        return EXIT_FAILED;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int code = run(rank, size, data_path, model_path, prm, common, all);
    MPI_Finalize();
    return code;
}

#endif
