/* stratum predict MODEL DATA [-o OUT]: one probability per row, as CSV, and a 0/1 label
 * when the model stores a decision threshold (or --threshold gives one). */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_text.h"
#include "cmd_train_gbdt.h"
#include "explain.h"

static const char predict_help[] =
    "Usage: stratum predict MODEL DATA [-o OUT] [options]\n"
    "\n"
    "Writes P(y = 1) for each row of DATA with a model saved by 'stratum train', as CSV\n"
    "with a header line 'p' and one line per row, in row order. DATA needs the model's\n"
    "feature columns (found by name, in any order); its label column, if any, is not\n"
    "read (outcomes may be blank or unknown: every row is scored).\n"
    "MODEL may also be an XGBoost model saved as JSON (Booster.save_model(\"m.json\"),\n"
    "binary:logistic, numeric features; not UBJSON .ubj) or a LightGBM model saved as\n"
    "text (model.txt, objective=binary; a categorical feature's column holds LightGBM's\n"
    "integer codes). DATA may be LibSVM: a model feature 'fk' is index k as written,\n"
    "and one the file never reaches is absent in every row (see --libsvm-base below);\n"
    "an XGBoost model reads an absent entry as missing, as XGBoost does, a stratum\n"
    "model as 0, as it was trained.\n"
    "A model trained with --recalibrate gives calibrated probabilities. When the model\n"
    "stores a decision threshold (train --threshold-rule or --threshold), or --threshold\n"
    "is given, a second column 'predicted_label' holds 1 when p >= threshold and 0\n"
    "otherwise (not 'label', which 'stratum evaluate --scores' would read as the truth).\n"
    "To evaluate the predictions, keep DATA's label column (here 'outcome') and read the\n"
    "file back with its scores in 'p':\n"
    "  stratum predict model.json test.csv --keep id,outcome -o pred.csv\n"
    "  stratum evaluate --scores pred.csv --score-col p --label-col outcome\n"
    "\n"
    "Options:\n"
    "  -o, --output OUT       file to write, replaced atomically; must not be MODEL or DATA\n"
    "                         (default, or '-': standard output; ./- names a file '-').\n"
    "                         DATA '-' is standard input (not with --keep, which reads\n"
    "                         DATA twice)\n"
    "  --threshold T          label at T in [0, 1] instead of the model's threshold\n"
    "                         (default: the model's; no label column when it has none)\n"
    "      --keep COLS        copy columns of DATA, comma-separated names (ids, the label,\n"
    "                         any column, ignored ones too), into the output before 'p',\n"
    "                         as DATA spells them (leading zeros kept), in DATA's row order;\n"
    "                         also with --contrib and --interactions. LibSVM DATA has no\n"
    "                         named columns: only 'label' (written 0 or 1) can be kept\n"
    "      --contrib          write why: per row 'p', then 'contrib_NAME' for each feature\n"
    "                         of the model (its contribution to the log-odds, summing a\n"
    "                         categorical feature's levels and its missing indicator),\n"
    "                         then 'bias'; the contributions and bias of a row add up to\n"
    "                         the log-odds log(p / (1 - p)); for a model with a calibration\n"
    "                         map, of 'p_uncalibrated', a column added after 'p'. Logistic\n"
    "                         regression: w (x - training mean) per column; boosted trees:\n"
    "                         exact TreeSHAP\n"
    "      --interactions     (gbdt) write per row 'p', then the (features + 1)^2 pairwise\n"
    "                         interaction values, columns 'A:B' for A, then B, over the\n"
    "                         features in model order and 'bias' last\n";

enum { OPT_PREDICT_THRESHOLD = 8001 };

static void write_probabilities(FILE *f, const double *p, size_t n, double threshold,
                                const cli_keep *keep)
{
    int labels = !isnan(threshold);
    cli_keep_header(f, keep);
    /* never 'label': evaluate --scores would take the predictions for the outcomes (a
       perfect score), and a kept column of DATA may be its outcome, 'label' */
    fputs(!labels ? "p\n" : "p,predicted_label\n", f);
    /* %.17g so that the file holds exactly the probabilities the library computed */
    for (size_t i = 0; i < n; i++) {
        cli_keep_row(f, keep, i);
        if (labels) /* positive when p >= threshold, as stratum evaluate counts them */
            fprintf(f, "%.17g,%d\n", p[i], p[i] >= threshold);
        else
            fprintf(f, "%.17g\n", p[i]);
    }
}

/* Loads, reads and predicts; on success *p holds *n probabilities. */
static int predict(const char *model_path, const char *data_path, const cli_common *common,
                   double **p, size_t *n, double *threshold, st_dataset **data)
{
    if (cli_model_is_gbdt(model_path))
        return cli_predict_gbdt(model_path, data_path, common, p, n, threshold, data);
    if (cli_iteration_range_not_gbdt(common, "predict", model_path) != EXIT_OK)
        return EXIT_USAGE;
    st_read_options opt = cli_read_options(common);
    opt.label_required = ST_LABEL_IGNORED; /* new data: outcomes blank or unknown */
    st_error err;
    st_logreg *m = NULL;
    st_dataset *ds = NULL;
    st_status rc = cli_logreg_load(model_path, &m, &err);
    if (rc == ST_OK)
        rc = st_dataset_read(data_path, &opt, &ds, &err);
    if (rc == ST_OK)
        rc = cli_text_featurize(m, &ds, &err); /* a model's text columns: raw text in */
    if (rc == ST_OK) {
        cli_warn_data(ds, data_path);
        *n = st_dataset_n_rows(ds);
        if ((*p = malloc((*n ? *n : 1) * sizeof **p)) == NULL) {
            st_logreg_free(m);
            st_dataset_free(ds);
            fprintf(stderr, "stratum: out of memory for %zu predictions\n", *n);
            return EXIT_FAILED;
        }
        rc = st_logreg_predict(m, ds, *p, *n, &err);
        *threshold = st_logreg_threshold(m);
        if (rc != ST_OK)
            cli_name_file(&err, data_path);
    }
    st_logreg_free(m);
    if (rc == ST_OK && data != NULL)
        *data = ds;
    else
        st_dataset_free(ds);
    if (rc != ST_OK) {
        free(*p);
        *p = NULL;
        return cli_fail(&err, rc);
    }
    return EXIT_OK;
}

/* After the options: checks the arguments, predicts and writes. */
static int run(int argc, char **argv, cli_common *common, const char *out_path,
               double given, int contrib, int interactions, cli_keep *keep)
{
    if (optind != argc - 2)
        return cli_usage_error("predict", "expected MODEL and DATA, got %d arguments",
                               argc - optind);
    if (cli_common_check("predict", common) != EXIT_OK)
        return EXIT_USAGE;
    if (common->format == FORMAT_JSON || common->format == FORMAT_MARKDOWN)
        return cli_usage_error("predict", "--format %s: predictions are written as CSV "
                               "(text and csv are the same)", common->format == FORMAT_JSON
                               ? "json" : "markdown");
    const char *model_path = argv[optind], *data_path = cli_data_path(argv[optind + 1]);
    if (cli_check_model_first("predict", model_path, data_path) != EXIT_OK)
        return EXIT_USAGE;
    if (keep->n_cols && cli_check_reread("predict", "--keep reads the kept columns of DATA "
                                         "a second time", data_path) != EXIT_OK)
        return EXIT_USAGE;
    const cli_file in[] = {{"MODEL", model_path}, {"DATA", data_path},
                           {"--weight-file", common->weight_file}};
    const cli_file out[] = {{"-o", out_path}};
    const int checked = cli_check_files(in, 3, out, 1);
    if (checked != EXIT_OK)
        return checked;
    if (cli_positive_from_model(common, model_path) != EXIT_OK)
        return EXIT_FAILED;
    if (contrib && interactions)
        return cli_usage_error("predict", "--contrib and --interactions write different "
                               "tables; choose one");
    if ((contrib || interactions) && !isnan(given))
        return cli_usage_error("predict", "--threshold labels the rows of the probabilities' "
                               "table; the %s table has no label column",
                               contrib ? "--contrib" : "--interactions");
    if (contrib || interactions)
        return cli_predict_contrib(model_path, data_path, common, interactions, out_path, keep);
    double *p = NULL, threshold = NAN;
    size_t n = 0;
    st_dataset *ds = NULL;
    int status = predict(model_path, data_path, common, &p, &n, &threshold,
                         keep->n_cols ? &ds : NULL);
    if (status != EXIT_OK)
        return status;
    if (ds != NULL) { /* DATA as read: its row count, format and columns */
        if (cli_keep_has(keep, "p"))
            status = cli_usage_error("predict", "--keep 'p': the output already has a column "
                                     "of that name");
        else
            status = cli_keep_load(keep, data_path, common, ds);
        st_dataset_free(ds);
        if (status != EXIT_OK) {
            free(p);
            return status;
        }
    }
    if (!isnan(given))
        threshold = given;
    if (out_path == NULL) {
        write_probabilities(stdout, p, n, threshold, keep);
        free(p);
        return EXIT_OK;
    }
    /* built in memory, then written in one atomic replacement */
    char *text = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&text, &size);
    if (f == NULL) {
        free(p);
        fprintf(stderr, "stratum: out of memory for the predictions\n");
        return EXIT_FAILED;
    }
    write_probabilities(f, p, n, threshold, keep);
    free(p);
    int failed = ferror(f);
    if (fclose(f) != 0 || failed) {
        free(text);
        fprintf(stderr, "stratum: out of memory for the predictions\n");
        return EXIT_FAILED;
    }
    st_error err;
    st_status rc = st_file_write_atomic(out_path, text, size, &err);
    free(text);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

/* The options into common, keep and the rest; -1 to go on and run, else the exit code
 * (--help, a usage error). keep may hold a parsed list either way: the caller frees it. */
static int parse_options(int argc, char **argv, cli_common *common, const char **out_path,
                         double *given, int *contrib, int *interactions, cli_keep *keep)
{
    static const struct option options[] = {
        CLI_COMMON_OPTIONS, {"output", required_argument, NULL, 'o'},
        {"threshold", required_argument, NULL, OPT_PREDICT_THRESHOLD},
        {"contrib", no_argument, NULL, 2101}, {"interactions", no_argument, NULL, 2102},
        {"keep", required_argument, NULL, 2103},
        CLI_ITERATION_OPTION, {NULL, 0, NULL, 0}};
    int code;
    optind = 1;
    while ((code = cli_getopt("predict", argc, argv, "qho:", options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        int handled = cli_common_option(common, code, optarg);
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == 'h') {
            printf("%s%s\n%s", predict_help, cli_iteration_help, cli_common_help);
            return EXIT_OK;
        }
        if (code == 'o') { /* "-": standard output, the default */
            *out_path = cli_is_dash(optarg) ? NULL : optarg;
            continue;
        }
        if (code == 2103) {
            if ((code = cli_keep_parse(keep, optarg)) != EXIT_OK)
                return code;
            continue;
        }
        if (code == 2101 || code == 2102) {
            *(code == 2101 ? contrib : interactions) = 1;
            continue;
        }
        if (code == OPT_PREDICT_THRESHOLD) {
            if (!cli_parse_double(optarg, given) || !(*given >= 0 && *given <= 1))
                return cli_usage_error("predict", "--threshold '%s': expected a number from 0 "
                                       "to 1", optarg);
            continue;
        }
        return cli_usage_error("predict", "unknown option");
    }
    return -1;
}

int cmd_predict(int argc, char **argv)
{
    cli_common common;
    cli_common_init(&common);
    const char *out_path = NULL;
    double given = NAN;
    int contrib = 0, interactions = 0;
    cli_keep keep = {0};
    int status = parse_options(argc, argv, &common, &out_path, &given, &contrib,
                               &interactions, &keep);
    if (status < 0) /* every return after --keep was parsed comes through here to free it */
        status = run(argc, argv, &common, out_path, given, contrib, interactions, &keep);
    cli_keep_free(&keep);
    return status;
}
