/* stratum train gbdt DATA -o MODEL: fit gradient-boosted trees, save them and report the
 * feature importance; and the gbdt side of stratum predict. */
#include "cmd_train_gbdt.h"

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
    "  -o, --output MODEL              model file to write (required; must not be DATA)\n"
    "  --num-trees N                   boosting rounds (default: 100)\n"
    "  --num-leaves N                  max leaves per tree, 2..131072 (default: 31)\n"
    "  --max-depth N                   max depth; <= 0 no limit (default: -1)\n"
    "  --learning-rate X               shrinkage > 0 (default: 0.1)\n"
    "  --max-bin N                     bins per feature, 2..255 (default: 255)\n"
    "  --min-data-in-leaf N            min rows per leaf >= 1 (default: 20)\n"
    "  --min-sum-hessian-in-leaf X     min Hessian per leaf >= 0 (default: 0.001)\n"
    "  --lambda-l1 X, --lambda-l2 X    penalties on leaf values >= 0 (default: 0)\n"
    "  --min-gain-to-split X           min split gain >= 0 (default: 0)\n"
    "  --feature-fraction X            features drawn per tree, (0, 1] (default: 1)\n"
    "  --bagging-fraction X            rows drawn, (0, 1] (default: 1)\n"
    "  --bagging-freq N                redraw rows every N trees; 0 = off (default: 0)\n"
    "  --scale-pos-weight X            weight of positive rows > 0 (default: 1)\n"
    "  --class-weight W                none or balanced (default: none)\n"
    "  (--seed seeds bagging, feature_fraction and the bin sample)\n";

enum { OPT_NUM_TREES = 4001, OPT_NUM_LEAVES, OPT_MAX_DEPTH, OPT_LEARNING_RATE, OPT_MAX_BIN,
       OPT_MIN_DATA, OPT_MIN_HESS, OPT_L1, OPT_L2, OPT_MIN_GAIN, OPT_FEATURE_FRACTION,
       OPT_BAGGING_FRACTION, OPT_BAGGING_FREQ, OPT_SCALE_POS, OPT_CLASS_WEIGHT };

/* A number option into *out, or a usage error naming it. */
static int real_opt(const char *name, const char *arg, double lo, int lo_open, double hi,
                    double *out)
{
    double v;
    if (!cli_parse_double(arg, &v) || !isfinite(v) || v < lo || (lo_open && v == lo) || v > hi)
        return cli_usage_error("train", "--%s '%s': expected a number %s %g%s", name, arg,
                               lo_open ? ">" : ">=", lo, hi == 1 ? " and <= 1" : ""), -1;
    *out = v;
    return 1;
}

static int int_opt(const char *name, const char *arg, long lo, long hi, int *out)
{
    long v;
    if (!cli_parse_int(arg, lo, hi, &v))
        return cli_usage_error("train", "--%s '%s': expected a whole number from %ld to %ld",
                               name, arg, lo, hi), -1;
    *out = (int)v;
    return 1;
}

/* Applies one option; returns 1 handled, 0 not a train option, -1 bad value. */
static int gbdt_option(st_gbdt_params *p, int code, const char *arg, const char **out)
{
    const double big = 1e308;
    switch (code) {
    case 'o': *out = arg; return 1;
    case OPT_NUM_TREES: return int_opt("num-trees", arg, 1, 100000000L, &p->num_trees);
    case OPT_NUM_LEAVES: return int_opt("num-leaves", arg, 2, 131072, &p->num_leaves);
    case OPT_MAX_DEPTH: return int_opt("max-depth", arg, -1, 100000, &p->max_depth);
    case OPT_LEARNING_RATE: return real_opt("learning-rate", arg, 0, 1, big, &p->learning_rate);
    case OPT_MAX_BIN: return int_opt("max-bin", arg, 2, 255, &p->max_bin);
    case OPT_MIN_DATA: return int_opt("min-data-in-leaf", arg, 1, 2147483647L, &p->min_data_in_leaf);
    case OPT_MIN_HESS:
        return real_opt("min-sum-hessian-in-leaf", arg, 0, 0, big, &p->min_sum_hessian_in_leaf);
    case OPT_L1: return real_opt("lambda-l1", arg, 0, 0, big, &p->lambda_l1);
    case OPT_L2: return real_opt("lambda-l2", arg, 0, 0, big, &p->lambda_l2);
    case OPT_MIN_GAIN: return real_opt("min-gain-to-split", arg, 0, 0, big, &p->min_gain_to_split);
    case OPT_FEATURE_FRACTION:
        return real_opt("feature-fraction", arg, 0, 1, 1, &p->feature_fraction);
    case OPT_BAGGING_FRACTION:
        return real_opt("bagging-fraction", arg, 0, 1, 1, &p->bagging_fraction);
    case OPT_BAGGING_FREQ: return int_opt("bagging-freq", arg, 0, 2147483647L, &p->bagging_freq);
    case OPT_SCALE_POS: return real_opt("scale-pos-weight", arg, 0, 1, big, &p->scale_pos_weight);
    case OPT_CLASS_WEIGHT:
        if (strcmp(arg, "none") == 0)
            p->class_weight = ST_GBDT_CLASS_WEIGHT_NONE;
        else if (strcmp(arg, "balanced") == 0)
            p->class_weight = ST_GBDT_CLASS_WEIGHT_BALANCED;
        else
            return cli_usage_error("train", "--class-weight '%s': expected none or balanced",
                                   arg), -1;
        return 1;
    default: return 0;
    }
}

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
        {"num-trees", required_argument, NULL, OPT_NUM_TREES},
        {"num-leaves", required_argument, NULL, OPT_NUM_LEAVES},
        {"max-depth", required_argument, NULL, OPT_MAX_DEPTH},
        {"learning-rate", required_argument, NULL, OPT_LEARNING_RATE},
        {"max-bin", required_argument, NULL, OPT_MAX_BIN},
        {"min-data-in-leaf", required_argument, NULL, OPT_MIN_DATA},
        {"min-sum-hessian-in-leaf", required_argument, NULL, OPT_MIN_HESS},
        {"lambda-l1", required_argument, NULL, OPT_L1},
        {"lambda-l2", required_argument, NULL, OPT_L2},
        {"min-gain-to-split", required_argument, NULL, OPT_MIN_GAIN},
        {"feature-fraction", required_argument, NULL, OPT_FEATURE_FRACTION},
        {"bagging-fraction", required_argument, NULL, OPT_BAGGING_FRACTION},
        {"bagging-freq", required_argument, NULL, OPT_BAGGING_FREQ},
        {"scale-pos-weight", required_argument, NULL, OPT_SCALE_POS},
        {"class-weight", required_argument, NULL, OPT_CLASS_WEIGHT},
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
            handled = gbdt_option(&prm, code, optarg, &model_path);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == 'h') {
            printf("%s\n%s", train_gbdt_help, cli_common_help);
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
    int ok = fgets(line, sizeof line, f) != NULL && strncmp(line, "stratum-model ", 14) == 0;
    fclose(f);
    if (!ok)
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
