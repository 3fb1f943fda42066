/* stratum train gbdt DATA -o MODEL: fit gradient-boosted trees, save them and report the
 * feature importance; and the gbdt side of stratum predict. */
#include "cmd_train_gbdt.h"
#include "cli_gbdt_options.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char train_gbdt_help[] =
    "Usage: stratum train gbdt DATA -o MODEL [options]\n"
    "\n"
    "Trains histogram gradient-boosted trees (binary log loss, leaf-wise growth, as\n"
    "LightGBM) on a labelled CSV or LibSVM file and saves them to MODEL (replaced\n"
    "atomically). A summary goes to stderr (unless --quiet) and the feature importance to\n"
    "stdout. Categorical columns are split as ordered level codes for now.\n"
    "\n"
    "Options (LightGBM's names and defaults):\n"
    "  -o, --output MODEL              model file to write (required; must not be DATA)\n";

/* Feature importance (splits and total gain), one feature a line, in model order. */
static void print_importance(const st_gbdt *m, cli_format format)
{
    const size_t n = st_gbdt_n_features(m);
    double *split = malloc((n ? n : 1) * sizeof *split), *gain = malloc((n ? n : 1) * sizeof *gain);
    if (split == NULL || gain == NULL ||
        st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_SPLIT, split, n, NULL) != ST_OK ||
        st_gbdt_feature_importance(m, ST_GBDT_IMPORTANCE_GAIN, gain, n, NULL) != ST_OK) {
        fprintf(stderr, "stratum: out of memory for the feature importance\n");
        free(split);
        free(gain);
        return;
    }
    switch (format) {
    case FORMAT_JSON:
        printf("{\"trees\": %zu, \"init_score\": ", st_gbdt_n_trees(m));
        json_number(stdout, st_gbdt_init_score(m));
        printf(", \"importance\": [");
        for (size_t j = 0; j < n; j++) {
            printf("%s{\"feature\": ", j ? ", " : "");
            json_string(stdout, st_gbdt_feature_name(m, j));
            printf(", \"splits\": %.0f, \"gain\": ", split[j]);
            json_number(stdout, gain[j]);
            printf("}");
        }
        printf("]}\n");
        break;
    case FORMAT_CSV:
        printf("feature,splits,gain\n");
        for (size_t j = 0; j < n; j++) {
            putchar('"');
            for (const char *c = st_gbdt_feature_name(m, j); *c; c++)
                printf(*c == '"' ? "\"\"" : "%c", *c);
            printf("\",%.0f,%.17g\n", split[j], gain[j]);
        }
        break;
    case FORMAT_MARKDOWN:
        printf("| feature | splits | gain |\n|---|--:|--:|\n");
        for (size_t j = 0; j < n; j++)
            printf("| %s | %.0f | %.6g |\n", st_gbdt_feature_name(m, j), split[j], gain[j]);
        break;
    default:
        printf("%-32s %8s %14s\n", "feature", "splits", "gain");
        for (size_t j = 0; j < n; j++)
            printf("%-32s %8.0f %14.6g\n", st_gbdt_feature_name(m, j), split[j], gain[j]);
    }
    free(split);
    free(gain);
}

int cmd_train_gbdt(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        CLI_GBDT_OPTIONS, CLI_GBDT_CLASS_WEIGHT_OPTION,
        {NULL, 0, NULL, 0}};
    cli_common common;
    cli_common_init(&common);
    st_gbdt_params prm = st_gbdt_params_default();
    const char *model_path = NULL;
    int code;
    optind = 1;
    while ((code = getopt_long(argc, argv, "qho:", options, NULL)) != -1) {
        int handled = cli_common_option(&common, code, optarg);
        if (handled == 0)
            handled = cli_gbdt_option("train", &prm, code, optarg);
        if (handled == 0 && code == 'o') {
            model_path = optarg;
            continue;
        }
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == 'h') {
            printf("%s%s\n%s", train_gbdt_help, cli_gbdt_help, cli_common_help);
            return EXIT_OK;
        }
        return cli_usage_error("train", "unknown option");
    }
    if (optind != argc - 1)
        return cli_usage_error("train", "expected one DATA file, got %d", argc - optind);
    if (model_path == NULL)
        return cli_usage_error("train", "-o MODEL is required");
    const char *data_path = argv[optind];
    if (cli_same_file(data_path, model_path)) {
        fprintf(stderr, "stratum: -o %s is the input data file; choose another model path\n",
                model_path);
        return EXIT_FAILED;
    }
    prm.n_threads = common.threads;
    prm.seed = common.seed;
    st_read_options opt = cli_read_options(&common);
    opt.label_required = 1;
    st_error err;
    st_dataset *ds = NULL;
    st_gbdt *m = NULL;
    st_status rc = st_dataset_read(data_path, &opt, &ds, &err);
    if (rc == ST_OK)
        rc = st_gbdt_train(ds, &prm, &m, &err);
    if (rc == ST_OK)
        rc = st_gbdt_save(m, model_path, &err);
    if (rc != ST_OK) {
        st_gbdt_free(m);
        st_dataset_free(ds);
        return cli_fail(&err, rc);
    }
    if (!common.quiet)
        fprintf(stderr, "trained gbdt on %zu rows x %zu features: %zu trees of at most %d "
                "leaves; saved %s\n", st_dataset_n_rows(ds), st_dataset_n_features(ds),
                st_gbdt_n_trees(m), prm.num_leaves, model_path);
    print_importance(m, common.format);
    st_gbdt_free(m);
    st_dataset_free(ds);
    return EXIT_OK;
}

int cli_model_is_gbdt(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    char line[64] = {0};
    int ok = fgets(line, sizeof line, f) != NULL;
    fclose(f);
    if (!ok)
        return 0;
    /* a JSON object: a model saved by XGBoost, which st_gbdt_load imports */
    const char *c = line + (strncmp(line, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);
    c += strspn(c, " \t\r\n");
    if (*c == '{')
        return 1;
    if (strncmp(line, "stratum-model ", 14) != 0)
        return 0;
    const char *kind = strchr(line + 14, ' ');
    return kind != NULL && strcmp(kind, " gbdt\n") == 0;
}

int cli_predict_gbdt(const char *model_path, const char *data_path, const cli_common *common,
                     double **p, size_t *n)
{
    st_read_options opt = cli_read_options(common);
    opt.label_required = 0;
    st_error err;
    st_gbdt *m = NULL;
    st_dataset *ds = NULL;
    *p = NULL;
    st_status rc = st_gbdt_load(model_path, &m, &err);
    if (rc == ST_OK)
        rc = st_dataset_read(data_path, &opt, &ds, &err);
    if (rc == ST_OK) {
        *n = st_dataset_n_rows(ds);
        if ((*p = malloc((*n ? *n : 1) * sizeof **p)) == NULL) {
            st_gbdt_free(m);
            st_dataset_free(ds);
            fprintf(stderr, "stratum: out of memory for %zu predictions\n", *n);
            return EXIT_FAILED;
        }
        rc = st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, common->threads, *p, *n, &err);
    }
    st_gbdt_free(m);
    st_dataset_free(ds);
    if (rc != ST_OK) {
        free(*p);
        *p = NULL;
        return cli_fail(&err, rc);
    }
    return EXIT_OK;
}
