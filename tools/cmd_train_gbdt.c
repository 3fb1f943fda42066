/* stratum train gbdt DATA -o MODEL: fit gradient-boosted trees, save them and report the
 * feature importance; and the gbdt side of stratum predict. */
#include "cmd_train_gbdt.h"
#include "cli_gbdt_options.h"
#include "cli_progress.h"
#include "train_progress.h"
#include "post_fit.h"
#include "train_gbdt_distributed.h"
#include "train_binned.h"
#include "cli_text.h"
#include "cli_text_gbdt.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_BINS_FROM = 7101 };

static const char train_gbdt_help[] =
    "Usage: stratum train gbdt DATA -o MODEL [options]\n"
    "\n"
    "Trains histogram gradient-boosted trees (binary log loss, leaf-wise growth, as\n"
    "LightGBM) on a labelled CSV or LibSVM file and saves them to MODEL (replaced\n"
    "atomically). A summary goes to stderr (unless --quiet) and the feature importance to\n"
    "stdout. Categorical columns are split natively, into a set of levels and the rest\n"
    "(one-vs-rest with few levels, else gradient-sorted levels, as LightGBM).\n"
    "\n"
    "Options (LightGBM's names and defaults):\n"
    "  -o, --output MODEL              model file to write (required; must not be DATA)\n"
    "\n"
    "DATA may be a binned file made by 'stratum bin' (recognised by its content): it is\n"
    "memory-mapped, so training needs about its size in memory, not the CSV's; its\n"
    "binning (--max-bin, --max-cat-levels) is the file's. --valid FILE works with it;\n"
    "--valid-fraction, --monotone, --recalibrate and threshold rules do not.\n"
    "  --bins-from FILE.stb            train in memory on DATA binned with FILE's bins\n"
    "                                  (the model equals 'train gbdt FILE.stb' on the\n"
    "                                  same rows)\n";

static const struct option options[] = {
        CLI_COMMON_OPTIONS,
        {"output", required_argument, NULL, 'o'},
        CLI_GBDT_OPTIONS, CLI_GBDT_CLASS_WEIGHT_OPTION,
        CLI_GBDT_VALID_OPTIONS, CLI_GBDT_VALID_FILE_OPTIONS,
        CLI_POST_TRAIN_OPTIONS,
        {"distributed", no_argument, NULL, 1401},
        {"bins-from", required_argument, NULL, OPT_BINS_FROM},
        CLI_TEXT_OPTIONS,
        {NULL, 0, NULL, 0}};

void train_gbdt_print_help(void)
{
    printf("%s%s\nValidation and early stopping (LightGBM's names):\n%s\n%s\n%s\n%s\n",
           train_gbdt_help, cli_gbdt_help, cli_gbdt_valid_help, post_train_help,
           train_gbdt_distributed_help, cli_text_help);
    cli_print_spellings(stdout, options);
    printf("\n%s", cli_common_help);
}

int cmd_train_gbdt(int argc, char **argv)
{
    cli_common common;
    cli_common_init(&common);
    st_gbdt_params prm = st_gbdt_params_default();
    const char *model_path = NULL, *monotone_spec = NULL, *bins_from = NULL;
    cli_gbdt_valid valid = cli_gbdt_valid_default();
    post_opts post = post_opts_default();
    int code, distributed = 0;
    cli_text text; /* --text-col: term columns, the featurizers saved in the model */
    cli_text_init(&text);
    st_text_featurizer **feats = NULL;
    optind = 1;
    while ((code = cli_getopt("train", argc, argv, "qho:", options)) != -1) {
        if (code == CLI_GETOPT_USAGE)
            return EXIT_USAGE;
        int handled = cli_common_option(&common, code, optarg);
        if (handled == 0)
            handled = cli_gbdt_option("train", &prm, code, optarg);
        if (handled == 0)
            handled = cli_gbdt_valid_option("train", &valid, &prm, code, optarg);
        if (handled == 0)
            handled = post_train_option("train", &post, code, optarg);
        if (handled == 0)
            handled = cli_gbdt_monotone_option("train", code, optarg, &monotone_spec);
        if (handled == 0)
            handled = cli_text_option("train", &text, code, optarg);
        if (handled == 0 && code == 'o') {
            model_path = optarg;
            continue;
        }
        if (handled == 0 && code == 1401) {
            distributed = 1;
            continue;
        }
        if (handled == 0 && code == OPT_BINS_FROM) {
            bins_from = optarg;
            continue;
        }
        if (handled < 0)
            return EXIT_USAGE;
        if (handled)
            continue;
        if (code == 'h') {
            train_gbdt_print_help();
            return EXIT_OK;
        }
        return cli_usage_error("train", "unknown option");
    }
    if (optind != argc - 1)
        return cli_usage_error("train", "expected one DATA file, got %d", argc - optind);
    if (cli_common_check("train", &common) != EXIT_OK)
        return EXIT_USAGE;
    if (model_path == NULL)
        return cli_usage_error("train", "-o MODEL is required");
    if (cli_gbdt_valid_check("train", &valid, &prm) != EXIT_OK)
        return EXIT_USAGE;
    if (valid.path != NULL && prm.early_stopping_rounds > 0 && post_needs_cv(&post))
        return cli_usage_error("train", "--recalibrate and --threshold-rule fit on an inner "
                               "cross-validation, whose folds cannot share --valid FILE for "
                               "early stopping; use --valid-fraction instead");
    const char *data_path = cli_data_path(argv[optind]);
    int post_status = post_train_check("train", &post);
    if (post_status != -1)
        return post_status;
    const cli_file in[] = {{"DATA", data_path}, {"--weight-file", common.weight_file},
                           {"--valid", valid.path}, {"--bins-from", bins_from}};
    const cli_file out[] = {{"-o", model_path}, {"--oof", post.oof}};
    /* --distributed: names only here, on every rank; whether the outputs can be written is
     * checked once MPI is up, on rank 0, which writes them (train_distributed_check_files) */
    const int checked = (distributed ? cli_check_file_names : cli_check_files)(in, 4, out, 2);
    if (checked != EXIT_OK)
        return checked;
    prm.n_threads = common.threads;
    prm.seed = common.seed;
    if (cli_text_check("train", &text, &common, distributed || bins_from != NULL ||
                       st_binned_is_file(data_path) ? "text columns need the CSV in one "
                       "process, without --bins-from" : NULL) != EXIT_OK)
        return EXIT_USAGE;
    if ((distributed || bins_from != NULL || st_binned_is_file(data_path)) &&
        prm.num_trees == ST_GBDT_NUM_TREES_AUTO)
        return cli_usage_error("train", "%s needs --num-trees: the default chooses the number "
                               "of trees on held-out folds, which needs the CSV in memory",
                               distributed ? "--distributed" : bins_from != NULL ? "--bins-from"
                               : "a binned file");
    if (distributed) {
        if (bins_from != NULL)
            return cli_usage_error("train", "--bins-from is not supported with --distributed");
        return train_gbdt_distributed(data_path, model_path, &common, &prm, &valid,
                                      monotone_spec, &post);
    }
    if (st_binned_is_file(data_path)) {
        if (valid.fraction > 0 || monotone_spec != NULL || post.method != ST_CALIBRATION_NONE ||
            post_needs_cv(&post) || post.threshold_given || post.oof != NULL || bins_from != NULL)
            return cli_usage_error("train", "%s is a binned file: --valid-fraction, "
                                   "--monotone, --recalibrate, threshold options, --oof and "
                                   "--bins-from are not supported with it", data_path);
        return cli_train_gbdt_binned(data_path, model_path, &prm, &common, valid.path,
                                     valid.metric_freq);
    }
    st_binned *bins = NULL;
    if (bins_from != NULL) {
        int status = cli_open_bins(bins_from, &prm, &bins);
        if (status != EXIT_OK)
            return status;
    }
    st_read_options opt = cli_read_options(&common);
    opt.label_required = 1;
    st_error err;
    st_dataset *ds = NULL;
    st_gbdt *m = NULL;
    st_dataset *tr = NULL, *va = NULL; /* the split of --valid-fraction */
    signed char *monotone = NULL;
    /* text columns become term columns as the CSV is read (the texts never held whole),
     * as train logreg reads them */
    st_status rc = cli_text_read(&text, data_path, &opt, &ds, &feats, &err);
    if (rc == ST_OK) {
        cli_warn_data(ds, data_path);
        int status = cli_warn_identifiers(ds, data_path);
        if (status == EXIT_OK)
            status = cli_warn_mostly_numeric(ds, data_path);
        if (status == EXIT_OK)
            status = cli_warn_lossy_numbers(ds, data_path);
        if (status == EXIT_OK)
            status = cli_gbdt_monotone_resolve("train", monotone_spec, ds, &monotone);
        if (status != EXIT_OK) {
            cli_text_free(feats, text.n_cols);
            st_dataset_free(ds);
            st_binned_close(bins);
            return status;
        }
        prm.monotone = monotone;
    }
    if (rc == ST_OK && valid.fraction > 0)
        rc = cli_gbdt_valid_split(ds, valid.fraction, common.seed, &tr, &va, &err);
    else if (rc == ST_OK && valid.path != NULL) {
        opt.weight_file = NULL; /* --weight-file weighs DATA's rows */
        rc = st_dataset_read(valid.path, &opt, &va, &err);
        if (rc == ST_OK) /* featurized as the training rows say */
            rc = cli_text_apply((const st_text_featurizer *const *)feats, text.n_cols, &va,
                                &err);
        if (rc == ST_OK)
            cli_warn_data(va, valid.path);
    }
    const st_dataset *train = tr != NULL ? tr : ds;
    post_result post_res = {0};
    if (rc == ST_OK) {
        /* the inner cross-validation trains as the final model will: on the training part,
           each inner training fold holding out the same share for early stopping */
        cv_setup family = {.model = CV_GBDT, .gprm = prm, .valid_fraction = valid.fraction};
        int st = post_train_run(&family, train, &post, common.seed, common.quiet, &post_res);
        if (st != EXIT_OK) {
            cli_text_free(feats, text.n_cols);
            st_dataset_free(tr);
            st_dataset_free(va);
            st_dataset_free(ds);
            free(monotone);
            st_binned_close(bins);
            return st;
        }
    }
    train_progress tp;
    train_progress_init(&tp, va != NULL, common.quiet ? 0 : valid.metric_freq, prm.metric);
    const st_gbdt_train_callbacks cb = {train_progress_report, &tp, tp.freq};
    double fit_seconds = cli_seconds(); /* the training alone: not reading the data */
    st_train_source src = bins != NULL ? st_source_dataset_binned(train, bins)
                                       : st_source_dataset(train);
    src.valid = va;
    if (rc == ST_OK && (rc = st_gbdt_fit(&src, &prm, common.quiet && !cli_progress_on() ? NULL
                                                                                : &cb,
                                         &m, &err)) != ST_OK)
        cli_name_file(&err, data_path); /* (one class, ...) */
    fit_seconds = cli_seconds() - fit_seconds;
    st_binned_close(bins);
    bins = NULL;
    train_progress_done(&tp);
    free(monotone); /* the model keeps its own copy */
    prm.monotone = NULL;
    if (rc == ST_OK)
        rc = st_gbdt_set_calibration(m, post_res.cal, &err);
    if (rc == ST_OK && post_res.has_threshold)
        rc = st_gbdt_set_threshold(m, &post_res.threshold, &err);
    post_result_free(&post_res);
    if (rc == ST_OK)
        rc = cli_text_attach_gbdt(m, &feats, text.n_cols, &err); /* saved in the model */
    cli_text_free(feats, text.n_cols);
    if (rc == ST_OK)
        rc = st_gbdt_save(m, model_path, &err);
    if (rc != ST_OK) {
        st_gbdt_free(m);
        st_dataset_free(tr);
        st_dataset_free(va);
        st_dataset_free(ds);
        return cli_fail(&err, rc);
    }
    if (!common.quiet)
        fprintf(stderr, "trained gbdt on %zu rows x %zu features: %zu trees of at most %d "
                "leaves in %.3f s; saved %s\n", st_dataset_n_rows(train),
                st_dataset_n_features(train), st_gbdt_n_trees(m), prm.num_leaves, fit_seconds,
                model_path);
    st_gbdt_auto_trees_info at;
    if (!common.quiet && st_gbdt_auto_trees(m, &at)) {
        fprintf(stderr, "%d trees chosen by early stopping (%d rounds) on %d held-out "
                "fold%s of 5: best iteration", at.num_trees, ST_GBDT_AUTO_STOPPING_ROUNDS,
                at.n_validations, at.n_validations == 1 ? "" : "s");
        for (int f = 0; f < at.n_validations; f++)
            fprintf(stderr, "%s%d", f ? ", " : " ", at.best[f]);
        fprintf(stderr, "%s\n", at.n_validations > 1 ? " (their mean)" : "");
    }
    if (!common.quiet && va != NULL) {
        st_gbdt_metric metric;
        const double best = st_gbdt_best_score(m, &metric);
        fprintf(stderr, "best iteration %d: valid %s %.6f on %zu rows", st_gbdt_best_iteration(m),
                st_gbdt_metric_name(metric), best, st_dataset_n_rows(va));
        if (prm.early_stopping_rounds > 0 && tp.last_iteration < prm.num_trees)
            fprintf(stderr, " (early stopping after %d trees; the model keeps %zu)\n",
                    tp.last_iteration, st_gbdt_n_trees(m));
        else
            fprintf(stderr, " (the model keeps %zu trees)\n", st_gbdt_n_trees(m));
    }
    if (!common.quiet) { /* the constraints the model keeps, as --monotone spells them */
        size_t k = 0;
        for (size_t j = 0; j < st_gbdt_n_features(m); j++)
            if (st_gbdt_monotone(m, j) != 0)
                fprintf(stderr, "%s%s:%+d", k++ ? "," : "monotone: ",
                        st_gbdt_feature_name(m, j), st_gbdt_monotone(m, j));
        if (k > 0)
            fputc('\n', stderr);
    }
    cli_gbdt_print_importance(m, common.format, fit_seconds);
    st_gbdt_free(m);
    st_dataset_free(tr);
    st_dataset_free(va);
    st_dataset_free(ds);
    return EXIT_OK;
}

int cli_model_is_gbdt(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    char line[64] = {0}, next[64] = {0};
    int ok = fgets(line, sizeof line, f) != NULL;
    if (ok && fgets(next, sizeof next, f) == NULL)
        next[0] = '\0';
    fclose(f);
    if (!ok)
        return 0;
    /* a JSON object: a model saved by XGBoost, which st_gbdt_load imports */
    const char *c = line + (strncmp(line, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);
    c += strspn(c, " \t\r\n");
    if (*c == '{')
        return 1;
    /* "tree" then "version=v...": a model saved by LightGBM, which it imports too */
    if ((strcmp(c, "tree\n") == 0 || strcmp(c, "tree\r\n") == 0) &&
        strncmp(next, "version=v", 9) == 0)
        return 1;
    if (strncmp(line, "stratum-model ", 14) != 0)
        return 0;
    const char *kind = strchr(line + 14, ' ');
    return kind != NULL && strcmp(kind, " gbdt\n") == 0;
}

int cli_predict_gbdt(const char *model_path, const char *data_path, const cli_common *common,
                     double **p, size_t *n, double *threshold, st_dataset **data)
{
    st_read_options opt = cli_read_options(common);
    opt.label_required = ST_LABEL_IGNORED;
    st_error err;
    st_gbdt *m = NULL;
    st_dataset *ds = NULL;
    *p = NULL;
    st_status rc = cli_gbdt_load(model_path, common, &m, &err);
    if (rc == ST_OK)
        rc = st_dataset_read(data_path, &opt, &ds, &err);
    if (rc == ST_OK)
        rc = cli_text_featurize_gbdt(m, &ds, &err); /* a model's text columns: raw text in */
    if (rc == ST_OK) {
        cli_warn_data(ds, data_path);
        *n = st_dataset_n_rows(ds);
        if ((*p = malloc((*n ? *n : 1) * sizeof **p)) == NULL) {
            st_gbdt_free(m);
            st_dataset_free(ds);
            fprintf(stderr, "stratum: out of memory for %zu predictions\n", *n);
            return EXIT_FAILED;
        }
        rc = st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, common->threads, *p, *n, &err);
        *threshold = st_gbdt_threshold(m);
        if (rc != ST_OK)
            cli_name_file(&err, data_path);
    }
    st_gbdt_free(m);
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
