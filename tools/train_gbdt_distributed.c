/* stratum train gbdt DATA --distributed -o MODEL, run under mpirun: each rank reads its own
 * range of DATA's rows (st_dataset_read_csv_mpi), the ranks train one model together
 * (st_gbdt_train_mpi, the same model one process would train on all the rows), and rank 0
 * writes it. Only rank 0 prints, except the MPI runtime's own messages. */
#define _POSIX_C_SOURCE 200809L /* dup, dup2 */
#include "train_gbdt_distributed.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef STRATUM_HAVE_MPI
#include <mpi.h>
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
    "                                  --threshold-rule or --oof (--valid FILE works); on\n"
    "                                  a CSV not with --weight-file, --no-header,\n"
    "                                  --numeric, --categorical, --censored or --decimal\n";

/* This process's rank as the MPI launcher tells it before MPI_Init (Open MPI, MPICH's
 * Hydra, PMIx), or -1 when not launched by one. */
static long launcher_rank(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"};
    for (size_t k = 0; k < sizeof vars / sizeof vars[0]; k++) {
        const char *v = getenv(vars[k]);
        char *end = NULL;
        const long r = v != NULL && *v != '\0' ? strtol(v, &end, 10) : -1;
        if (end != NULL && *end == '\0' && r >= 0)
            return r;
    }
    return -1;
}

static int saved_stderr = -1; /* stderr while muted, else -1 */
static int launched;           /* --distributed under an MPI launcher */

void train_distributed_mute_begin(int argc, char **argv)
{
    int distributed = 0;
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        distributed |= strcmp(argv[i], "--distributed") == 0;
    const long rank = distributed ? launcher_rank() : -1;
    launched = rank >= 0;
    if (rank <= 0 || saved_stderr >= 0)
        return;
    const int null = open("/dev/null", O_WRONLY);
    if (null < 0)
        return;
    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    if (saved_stderr >= 0 && dup2(null, STDERR_FILENO) < 0) {
        close(saved_stderr);
        saved_stderr = -1;
    }
    close(null);
}

void train_distributed_mute_end(void)
{
    if (saved_stderr < 0)
        return;
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    saved_stderr = -1;
}

void train_distributed_launch_end(int code)
{
#ifdef STRATUM_HAVE_MPI
    /* A failure before MPI_Init (a usage error, which only rank 0 printed): the ranks
     * meet in MPI_Init and MPI_Finalize before exiting, or the launcher could see another
     * rank's non-zero exit and kill rank 0 before its line is out. */
    int init = 0, done = 0;
    MPI_Initialized(&init);
    MPI_Finalized(&done);
    if (launched && code != EXIT_OK && !init && !done) {
        int provided = 0;
        if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) == MPI_SUCCESS)
            MPI_Finalize();
    }
#else
    (void)code;
#endif
    train_distributed_mute_end();
    launched = 0;
}

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

int train_distributed_check_files(const cli_file *in, size_t n_in, const cli_file *out,
                                  size_t n_out)
{
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    int status = rank == 0 ? cli_check_files(in, n_in, out, n_out) : EXIT_OK;
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return status;
}

int train_distributed_any_binned(const char *data_path, int *all_readable)
{
    /* opened as the readers will open it: a missing or unreadable file is theirs to report
     * (each rank then fails in the same reader, and the ranks agree on that failure) */
    FILE *probe = fopen(data_path, "rb");
    int mine[2] = {st_binned_is_file(data_path), probe != NULL}, any[2];
    if (probe != NULL)
        fclose(probe);
    mine[1] = -mine[1]; /* one MAX: any binned file, and the smallest "readable" */
    MPI_Allreduce(mine, any, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (all_readable != NULL)
        *all_readable = -any[1];
    return any[0];
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
    /* the reading options against the file (the same on every rank): rank 0 says it */
    int options = EXIT_OK;
    if (rc == ST_OK && rank == 0)
        options = cli_binned_check_options(b, data_path, common, valid->path != NULL);
    MPI_Bcast(&options, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (options != EXIT_OK) {
        st_dataset_free(va);
        st_binned_close(b);
        return options;
    }
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
    /* the outputs, before any work: only rank 0 writes them (so only its file system
     * matters), and every rank stops when it cannot */
    const cli_file in[] = {{"DATA", data_path}, {"--weight-file", common->weight_file},
                           {"--valid", valid->path}};
    const cli_file out[] = {{"-o", model_path}};
    int status = train_distributed_check_files(in, 3, out, 1);
    if (status != EXIT_OK)
        return status;
    /* a binned file on any rank: every rank takes that path (one decided per rank would
     * leave the ranks in different collectives), and a rank whose file is missing or is no
     * binned file fails in st_binned_open, which names it */
    const int binned = train_distributed_any_binned(data_path, NULL);
    if (binned && (monotone_spec != NULL || post->threshold_given))
        return usage(rank, "DATA is a binned file: --monotone and threshold options are not "
                           "supported with it");
    if (binned)
        return run_binned(rank, size, data_path, model_path, common, prm, valid);
    if (has_suffix(data_path, ".svm") || has_suffix(data_path, ".libsvm") ||
        has_suffix(data_path, ".svmlight"))
        return usage(rank, "--distributed reads CSV files (each rank its own range of "
                           "rows); LibSVM files are not supported");
    /* what distributed reading of a CSV cannot do (st_dataset_read_csv_mpi refuses it too):
     * known from the command line, so a usage error */
    const char *retype = common->n_numeric > 0 ? "--numeric"
                         : common->n_categorical > 0 ? "--categorical"
                         : common->censored != ST_CENSORED_TEXT ? "--censored"
                         : common->decimal != '.' ? "--decimal" : NULL;
    if (common->weight_file != NULL)
        return usage(rank, "--weight-file is not supported with --distributed on a CSV: each "
                           "rank reads its own rows; give the weights in a column "
                           "(--weight-col)");
    if (common->no_header)
        return usage(rank, "--no-header is not supported with --distributed on a CSV: each "
                           "rank reads its rows behind a copy of the header line");
    if (retype != NULL) {
        if (rank == 0)
            cli_usage_error("train", "%s is not supported with --distributed on a CSV: "
                            "distributed reading guesses column types as it always has",
                            retype);
        return EXIT_USAGE;
    }
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
    status = resolve_monotone(rank, monotone_spec, ds, &monotone);
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
    train_distributed_mute_end(); /* from here on, rank 0 alone prints */
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
