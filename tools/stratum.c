/* stratum: the command-line program. Each command lives in its own cmd_*.c file. */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"info", cmd_info, "summarise a data file: rows, column types, missing values, classes"},
    {"train", cmd_train, "train a model (logreg or gbdt) on a labelled data file and save it"},
    {"predict", cmd_predict, "write P(y = 1) (and labels, contributions) for each row with a saved model"},
    {"evaluate", cmd_evaluate, "metrics with confidence intervals for scores or a saved model"},
    {"cv", cmd_cv, "cross-validate logreg or gbdt: metrics per fold, or the lambda path"},
    {"compare", cmd_compare, "cross-validate model x class-weight settings on the same folds"},
    {"tune", cmd_tune, "search logreg or gbdt parameters by successive halving on cv's folds"},
    {"explain", cmd_explain, "why a model predicts a row's risk, or which features matter most"},
    {"drift", cmd_drift, "has new data drifted from the reference? per-column PSI, KS, chi-square"},
    {"bin", cmd_bin, "bin a CSV of any size into a .stb file for out-of-core training"},
};

static void print_help(FILE *f)
{
    fprintf(f,
            "Usage: stratum COMMAND [options]\n"
            "\n"
            "Logistic regression and gradient-boosted trees for imbalanced clinical data.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n"
            "Run 'stratum COMMAND --help' for a command's options.\n"
            "Data files are CSV (header line, label column 'label' by default) or LibSVM.\n"
            "\n"
            "Exit codes: 0 success; 1 failure: the files do not fit the command (a column\n"
            "DATA lacks, bad data, I/O); 2 usage error: the command line alone is wrong.\n");
}

/* Two run-time settings that can only be chosen before the program starts, since the
 * OpenMP runtime and the C library read them when they are loaded; so they are set, each
 * only when the user has not set it, and the program is started again (once):
 * - OpenMP threads that spin-wait at barriers collapse when another process holds a
 *   core: a lasso path on sepsis_survival took 18.7 s instead of 2.7 s on a loaded
 *   machine. Threads that sleep at once (OMP_WAIT_POLICY=passive) degrade gracefully.
 * - glibc returns a large freed block to the kernel at once (mmap/munmap), so the next
 *   large block (the logistic-regression design after the CSV buffer, 320 MB at 1M x 40)
 *   comes as fresh pages, each zeroed by the kernel on its first touch: half of that
 *   fit's time on a virtual machine here (1.0 s against 0.45 s). Keeping freed memory in
 *   the process (malloc's mmap and trim thresholds raised) lets it be reused; the peak
 *   resident size is unchanged (measured on both model families). The pages it takes
 *   from the kernel come as transparent huge pages where the kernel offers them on
 *   request (hugetlb=1: malloc asks with madvise), one fault per 2 MB instead of one per
 *   4 KB: the 20,000 x 50,010 sparse logistic regression took 5,400 page faults and
 *   330 ms of CPU with 4 KB pages, 700 and 240 ms with huge pages, for 2.5 MB more peak
 *   resident memory (28 MB against 26 MB). */
#define GLIBC_MALLOC_TUNABLES                                                            \
    "glibc.malloc.mmap_threshold=4294967295:glibc.malloc.trim_threshold=4294967295:" \
    "glibc.malloc.hugetlb=1"

static void tune_runtime(char **argv)
{
    int changed = 0;
    if (getenv("OMP_WAIT_POLICY") == NULL && getenv("GOMP_SPINCOUNT") == NULL)
        changed |= setenv("OMP_WAIT_POLICY", "passive", 1) == 0;
    if (getenv("GLIBC_TUNABLES") == NULL)
        changed |= setenv("GLIBC_TUNABLES", GLIBC_MALLOC_TUNABLES, 1) == 0;
    if (changed)
        execv("/proc/self/exe", argv);
    /* nothing to change, or exec failed: carry on as started */
}

/* One line, after any command, when a fit ran on the hand-written Cholesky because
 * OpenBLAS/LAPACKE could not be opened (stratum/common.h, st_blas_state): the model is
 * right, but slower to get and not the same bits as on a machine that has them. */
static void warn_blas_missing(void)
{
    if (st_blas_state() == ST_BLAS_MISSING)
        fprintf(stderr, "stratum: warning: OpenBLAS/LAPACKE could not be opened (libopenblas0 "
                "and liblapacke, or STRATUM_NO_BLAS is set): the fit used stratum's "
                "hand-written Cholesky, slower from 150 columns, and its model's last bits "
                "differ from one fitted with LAPACK\n");
}

int main(int argc, char **argv)
{
    tune_runtime(argv);
    if (argc < 2) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "-h") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "help") == 0) {
        print_help(stdout);
        return EXIT_OK;
    }
    if (strcmp(name, "--version") == 0) {
        printf("stratum %s\n", st_version());
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(name, commands[i].name) == 0) {
            const int code = commands[i].run(argc - 1, argv + 1);
            warn_blas_missing();
            return code;
        }
    fprintf(stderr, "stratum: unknown command '%s' (see 'stratum --help')\n", name);
    return EXIT_USAGE;
}
