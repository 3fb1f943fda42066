/* stratum train gbdt DATA --distributed -o MODEL, run under mpirun: each rank reads its own
 * range of DATA's rows (st_dataset_read_csv_mpi), the ranks train one model together
 * (st_gbdt_train_mpi, the same model one process would train on all the rows), and rank 0
 * writes it. Only rank 0 prints, except the MPI runtime's own messages. */
#include "train_gbdt_distributed.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef STRATUM_HAVE_MPI
#define DISTRIBUTED_HEADING "Distributed training (MPI):\n"
#else
#define DISTRIBUTED_HEADING "Distributed training (not in this build: needs -DSTRATUM_MPI=ON):\n"
#endif
const char train_gbdt_distributed_help[] =
    DISTRIBUTED_HEADING
    "  --distributed                   train across the ranks of an MPI job: run as\n"
    "                                  `mpirun -np N stratum train gbdt DATA --distributed\n"
    "                                  -o MODEL`; each rank reads its own range of the rows of\n"
    "                                  DATA (a CSV or a binned .stb file every rank can open)\n"
    "                                  and the model equals the one-process model byte for\n"
    "                                  byte; rank 0 writes MODEL and reports; --threads is\n"
    "                                  per rank.\n"
    "                                  Not with --valid-fraction, --recalibrate,\n"
    "                                  --threshold-rule or --oof (--valid FILE works)\n";


#ifndef STRATUM_HAVE_MPI

int train_gbdt_distributed(const char *data_path, const char *model_path,
                           const cli_common *common, st_gbdt_params *prm,
                           const cli_gbdt_valid *valid, const char *monotone_spec,
                           const post_opts *post)
{
    fprintf(stderr, "stratum train: --distributed needs a stratum built with MPI support "
                    "(cmake -DSTRATUM_MPI=ON, with Open MPI's libopenmpi-dev installed); this "
                    "one was built without it\n");
    return EXIT_FAILED;
}

#else

#include <mpi.h>
#include <stratum/mpi.h>

#include "cli_gbdt_options.h"
#include "train_binned.h"
#include "train_progress.h"

static int has_suffix(const char *path, const char *suffix)
{
    const size_t n = strlen(path), k = strlen(suffix);
    return n >= k && strcmp(path + n - k, suffix) == 0;
}

/* A usage error found once MPI is up: every rank finds it, rank 0 says it. */
static int usage(int rank, const char *what)
{
    if (rank == 0)
        cli_usage_error("train", "%s", what);
    return EXIT_USAGE;
}

/* --monotone, resolved against rank 0's columns (training checks that every rank has
 * them) and sent to all, so that only rank 0 reports a bad one. */
static int resolve_monotone(int rank, const char *spec, const st_dataset *ds,
                            signed char **monotone)
{
    *monotone = NULL;
    if (spec == NULL)
        return EXIT_OK;
    int status = EXIT_OK;
    if (rank == 0)
        status = cli_gbdt_monotone_resolve("train", spec, ds, monotone);
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (status != EXIT_OK)
        return status;
    unsigned long long nf = st_dataset_n_features(ds);
    MPI_Bcast(&nf, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    int ok = rank == 0 || (*monotone = calloc(nf ? nf : 1, 1)) != NULL, all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_ok) {
        if (rank == 0)
            fprintf(stderr, "stratum: out of memory for the monotone constraints\n");
        free(*monotone);
        *monotone = NULL;
        return EXIT_FAILED;
    }
    if (*monotone != NULL || rank == 0)
        MPI_Bcast(*monotone, (int)nf, MPI_SIGNED_CHAR, 0, MPI_COMM_WORLD);
    return EXIT_OK;
}

/* What rank 0 says once the model is saved. */
static void report(int rank, int size, const st_gbdt *m, const st_dataset *va,
                   const st_mpi_stats *st, size_t n_features, const st_gbdt_params *prm,
                   const char *model_path, const cli_common *common)
{
    if (rank == 0 && !common->quiet) {
        fprintf(stderr, "trained gbdt on %llu rows over %d rank%s x %zu features: %zu trees of "
                "at most %d leaves; saved %s\n", st->n_rows_global, size, size == 1 ? "" : "s",
                n_features, st_gbdt_n_trees(m), prm->num_leaves, model_path);
        const double trees = st_gbdt_n_trees(m) ? (double)st_gbdt_n_trees(m) : 1.0;
        fprintf(stderr, "distributed: %.3f s setup (columns, bins), %.3f s boosting (%.4f s a tree); "
                "%llu allreduce calls, %.1f KB summed a tree by each rank\n",
                st->setup_seconds, st->train_seconds, st->train_seconds / trees,
                st->allreduce_calls, (double)st->allreduce_bytes / 1024.0 / trees);
    }
    if (rank == 0 && !common->quiet && va != NULL) {
        st_gbdt_metric metric;
        const double best = st_gbdt_best_score(m, &metric);
        fprintf(stderr, "best iteration %d: valid %s %.6f on %zu rows (the model keeps %zu "
                "trees)\n", st_gbdt_best_iteration(m), st_gbdt_metric_name(metric), best,
                st_dataset_n_rows(va), st_gbdt_n_trees(m));
    }
    if (rank == 0)
        cli_gbdt_print_importance(m, common->format, st->setup_seconds + st->train_seconds);
}

/* DATA is a binned file: every rank maps it and trains on its range of rows. */
static int run_binned(int rank, int size, const char *data_path, const char *model_path,
                      const cli_common *common, st_gbdt_params *prm,
                      const cli_gbdt_valid *valid)
{
    st_error err;
    st_binned *b = NULL;
    st_dataset *va = NULL;
    st_gbdt *m = NULL;
    st_status rc = st_binned_open(data_path, &b, &err);
    if (rc == ST_OK && valid->path != NULL) {
        st_read_options opt = cli_read_options(common);
        opt.label_required = 1;
        opt.weight_file = NULL; /* --weight-file weighs DATA's rows */
        rc = st_dataset_read(valid->path, &opt, &va, &err);
    }
    rc = st_mpi_agree(MPI_COMM_WORLD, rc, &err);
    if (rc == ST_OK && rank == 0 && !cli_warn_ignored_binning(b, prm, data_path) &&
        !common->quiet &&
        (prm->max_bin != st_binned_max_bin(b) ||
         prm->max_cat_levels != st_binned_max_cat_levels(b)))
        fprintf(stderr, "note: %s was binned with --max-bin %d --max-cat-levels %d; those "
                "apply\n", data_path, st_binned_max_bin(b), st_binned_max_cat_levels(b));
    train_progress tp;
    train_progress_init(&tp, va != NULL, valid->metric_freq, prm->metric);
    const st_gbdt_train_callbacks cb = {train_progress_report, &tp, 0};
    st_mpi_stats stats;
    if (rc == ST_OK)
        rc = st_gbdt_train_binned_mpi(MPI_COMM_WORLD, b, va, prm,
                                      rank == 0 && !common->quiet ? &cb : NULL, &m, &stats,
                                      &err);
    if (rank == 0)
        train_progress_done(&tp);
    if (rc == ST_OK && rank == 0)
        rc = st_gbdt_save(m, model_path, &err);
    rc = st_mpi_agree(MPI_COMM_WORLD, rc, &err);
    if (rc == ST_OK)
        report(rank, size, m, va, &stats, st_binned_n_features(b), prm, model_path, common);
    else if (rank == 0)
        cli_fail(&err, rc);
    st_gbdt_free(m);
    st_dataset_free(va);
    st_binned_close(b);
    return rc == ST_OK ? EXIT_OK : EXIT_FAILED;
}

/* The steps after MPI_Init; returns the exit code, the same on every rank. */
static int run(int rank, int size, const char *data_path, const char *model_path,
               const cli_common *common, st_gbdt_params *prm, const cli_gbdt_valid *valid,
               const char *monotone_spec, const post_opts *post)
{
    if (valid->fraction > 0)
        return usage(rank, "--valid-fraction splits the rows of one process; with "
                           "--distributed give a validation file with --valid FILE");
    if (post_needs_cv(post) || post->oof != NULL)
        return usage(rank, "--recalibrate, --threshold-rule and --oof fit on an inner "
                           "cross-validation, which --distributed does not run; a fixed "
                           "--threshold T works");
    const int binned = st_binned_is_file(data_path);
    if (binned && (monotone_spec != NULL || post->threshold_given))
        return usage(rank, "DATA is a binned file: --monotone and threshold options are not "
                           "supported with it");
    if (binned)
        return run_binned(rank, size, data_path, model_path, common, prm, valid);
    if (has_suffix(data_path, ".svm") || has_suffix(data_path, ".libsvm") ||
        has_suffix(data_path, ".svmlight"))
        return usage(rank, "--distributed reads CSV files (each rank its own range of "
                           "rows); LibSVM files are not supported");
    st_read_options opt = cli_read_options(common);
    opt.label_required = 1;
    st_error err;
    st_dataset *ds = NULL, *va = NULL;
    st_gbdt *m = NULL;
    signed char *monotone = NULL;
    st_status rc = st_dataset_read_csv_mpi(MPI_COMM_WORLD, data_path, &opt, &ds, &err);
    if (rc != ST_OK) {
        if (rank == 0)
            cli_fail(&err, rc);
        return EXIT_FAILED;
    }
    int status = resolve_monotone(rank, monotone_spec, ds, &monotone);
    if (status != EXIT_OK) {
        st_dataset_free(ds);
        return status;
    }
    prm->monotone = monotone;
    if (valid->path != NULL) {
        opt.weight_file = NULL; /* --weight-file weighs DATA's rows */
        rc = st_dataset_read(valid->path, &opt, &va, &err);
    }
    rc = st_mpi_agree(MPI_COMM_WORLD, rc, &err);
    train_progress tp;
    train_progress_init(&tp, va != NULL, valid->metric_freq, prm->metric);
    /* no training metric: it would be rank 0's rows' only */
    const st_gbdt_train_callbacks cb = {train_progress_report, &tp, 0};
    st_mpi_stats stats;
    if (rc == ST_OK)
        rc = st_gbdt_train_mpi(MPI_COMM_WORLD, ds, va, prm,
                               rank == 0 && !common->quiet ? &cb : NULL, &m, &stats, &err);
    if (rank == 0)
        train_progress_done(&tp);
    free(monotone);
    prm->monotone = NULL;
    if (rc == ST_OK && post->threshold_given) {
        const st_decision_threshold t = {post->eval.threshold, ST_THRESHOLD_FIXED, NAN};
        rc = st_gbdt_set_threshold(m, &t, &err);
    }
    /* only rank 0 writes, and only once every rank has the model */
    if (rc == ST_OK && rank == 0)
        rc = st_gbdt_save(m, model_path, &err);
    rc = st_mpi_agree(MPI_COMM_WORLD, rc, &err);
    if (rc != ST_OK) {
        if (rank == 0)
            cli_fail(&err, rc);
        st_gbdt_free(m);
        st_dataset_free(va);
        st_dataset_free(ds);
        return EXIT_FAILED;
    }
    report(rank, size, m, va, &stats, st_dataset_n_features(ds), prm, model_path, common);
    st_gbdt_free(m);
    st_dataset_free(va);
    st_dataset_free(ds);
    return EXIT_OK;
}

int train_gbdt_distributed(const char *data_path, const char *model_path,
                           const cli_common *common, st_gbdt_params *prm,
                           const cli_gbdt_valid *valid, const char *monotone_spec,
                           const post_opts *post)
{
    int provided = 0, rank = 0, size = 1;
    /* OpenMP threads never call MPI: FUNNELED is all the library needs */
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "stratum: MPI_Init failed; run under mpirun\n");
        return EXIT_FAILED;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const int code = run(rank, size, data_path, model_path, common, prm, valid, monotone_spec,
                         post);
    MPI_Finalize();
    return code;
}

#endif
