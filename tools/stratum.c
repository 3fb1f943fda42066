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
    {"explain", cmd_explain, "why a model predicts a row's risk, or which features matter most"},
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
            "Exit codes: 0 success, 1 failure (bad data, I/O), 2 usage error.\n");
}

/* OpenMP threads that spin-wait at barriers collapse when another process holds a core:
 * a lasso path on sepsis_survival took 18.7 s instead of 2.7 s on a loaded machine. libgomp
 * reads its wait policy once, when it is loaded, so the only way to choose one is to set it
 * and start the program again. Done once, and only when the user has set no policy. */
static void prefer_passive_openmp(char **argv)
{
    if (getenv("OMP_WAIT_POLICY") != NULL || getenv("GOMP_SPINCOUNT") != NULL)
        return;
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0)
        return;
    execv("/proc/self/exe", argv);
    /* exec failed: carry on with the default policy */
}

int main(int argc, char **argv)
{
    prefer_passive_openmp(argv);
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
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "stratum: unknown command '%s' (see 'stratum --help')\n", name);
    return EXIT_USAGE;
}
