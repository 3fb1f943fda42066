/* stratum train gbdt DATA.stb: boosted trees on a memory-mapped binned file (made by
 * stratum bin), and the --bins-from FILE of in-memory training. */
#include "train_binned.h"

#include <string.h>

#include "cli_progress.h"
#include "train_progress.h"

int cli_warn_ignored_binning(const st_binned *b, const st_gbdt_params *prm, const char *path)
{
    const st_gbdt_params def = st_gbdt_params_default();
    int warned = 0;
    if (prm->max_bin != def.max_bin && prm->max_bin != st_binned_max_bin(b)) {
        fprintf(stderr, "warning: --max-bin %d is ignored: %s was binned with max_bin %d (bin "
                "the data again to change it)\n", prm->max_bin, path, st_binned_max_bin(b));
        warned++;
    }
    if (prm->max_cat_levels != def.max_cat_levels &&
        prm->max_cat_levels != st_binned_max_cat_levels(b)) {
        fprintf(stderr, "warning: --max-cat-levels %d is ignored: %s was binned with "
                "max_cat_levels %d (bin the data again to change it)\n", prm->max_cat_levels,
                path, st_binned_max_cat_levels(b));
        warned++;
    }
    return warned;
}

/* The options given on the command line that say how to read a CSV's rows (the label,
 * weight and column choices stratum bin already applied when it made the file). */
static size_t csv_reading_options(const cli_common *c, const char **names, size_t cap)
{
    const struct { int given; const char *name; } opts[] = {
        {c->n_ignore > 0, "--ignore"},       {c->use_na_values, "--na-values"},
        {c->delimiter != 0, "--delimiter"},  {c->skip_missing_labels, "--skip-missing-labels"},
        {c->no_header, "--no-header"},       {c->n_numeric > 0, "--numeric"},
        {c->n_categorical > 0, "--categorical"},
        {c->censored != ST_CENSORED_TEXT, "--censored"}, {c->decimal != '.', "--decimal"},
        {c->positive != NULL, "--positive"}, {c->libsvm_zero_based != -1, "--libsvm-base"},
    };
    size_t n = 0;
    for (size_t k = 0; k < sizeof opts / sizeof opts[0] && n < cap; k++)
        if (opts[k].given)
            names[n++] = opts[k].name;
    return n;
}

int cli_binned_check_options(const st_binned *b, const char *path, const cli_common *c,
                             int valid_given)
{
    const char *wname = st_binned_weight_name(b);
    const int weighted = st_binned_weights(b) != NULL;
    if (c->weight_file != NULL)
        return cli_usage_error("train", "--weight-file %s: %s is a binned file, whose rows "
                               "are %s%s%s; the weights are read when the file is made: give "
                               "--weight-file to 'stratum bin'", c->weight_file, path,
                               weighted ? "weighted by '" : "unweighted", weighted ? wname : "",
                               weighted ? "'" : "");
    if (c->weight_col != NULL && (!weighted || strcmp(c->weight_col, wname) != 0))
        return cli_usage_error("train", "--weight-col %s: %s is a binned file, whose rows are "
                               "%s%s%s; the weights are read when the file is made: give "
                               "--weight-col to 'stratum bin'", c->weight_col, path,
                               weighted ? "weighted by '" : "unweighted", weighted ? wname : "",
                               weighted ? "'" : "");
    if (c->label_given && c->label != NULL && strcmp(c->label, st_binned_label_name(b)) != 0)
        return cli_usage_error("train", "--label %s: %s is a binned file whose label is '%s' "
                               "(chosen when it was made: give --label to 'stratum bin')",
                               c->label, path, st_binned_label_name(b));
    if (valid_given)
        return EXIT_OK; /* the reading options read the --valid CSV */
    const char *names[16];
    const size_t n = csv_reading_options(c, names, 16);
    if (n > 0) {
        fprintf(stderr, "warning: ");
        for (size_t k = 0; k < n; k++)
            fprintf(stderr, "%s%s", k == 0 ? "" : k + 1 == n ? " and " : ", ", names[k]);
        fprintf(stderr, " %s no effect: %s is a binned file, its rows read when it was made "
                "(give %s to 'stratum bin')\n", n == 1 ? "has" : "have", path,
                n == 1 ? "it" : "them");
    }
    return EXIT_OK;
}

int cli_open_bins(const char *path, const st_gbdt_params *prm, st_binned **out)
{
    st_error err;
    st_status rc = st_binned_open(path, out, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    cli_warn_ignored_binning(*out, prm, path);
    return EXIT_OK;
}

int cli_train_gbdt_binned(const char *data_path, const char *model_path,
                          const st_gbdt_params *prm, const cli_common *common,
                          const char *valid_path, int metric_freq)
{
    st_binned *b = NULL;
    int status = cli_open_bins(data_path, prm, &b);
    if (status == EXIT_OK)
        status = cli_binned_check_options(b, data_path, common, valid_path != NULL);
    if (status != EXIT_OK) {
        st_binned_close(b);
        return status;
    }
    st_error err;
    st_status rc = ST_OK;
    st_dataset *va = NULL;
    st_gbdt *m = NULL;
    if (valid_path != NULL) {
        st_read_options opt = cli_read_options(common);
        opt.label_required = 1;
        opt.weight_file = NULL; /* --weight-file weighs DATA's rows */
        rc = st_dataset_read(valid_path, &opt, &va, &err);
        if (rc == ST_OK)
            cli_warn_data(va, valid_path);
    }
    train_progress tp;
    train_progress_init(&tp, va != NULL, common->quiet ? 0 : metric_freq, prm->metric);
    const st_gbdt_train_callbacks cb = {train_progress_report, &tp, tp.freq};
    double fit_seconds = cli_seconds(); /* the training alone */
    st_train_source src = st_source_binned(b);
    src.valid = va;
    if (rc == ST_OK)
        rc = st_gbdt_fit(&src, prm, common->quiet && !cli_progress_on() ? NULL : &cb, &m,
                         &err);
    fit_seconds = cli_seconds() - fit_seconds;
    train_progress_done(&tp);
    if (rc == ST_OK)
        rc = st_gbdt_save(m, model_path, &err);
    if (rc != ST_OK) {
        st_gbdt_free(m);
        st_dataset_free(va);
        st_binned_close(b);
        return cli_fail(&err, rc);
    }
    if (!common->quiet) {
        size_t inexact = 0;
        for (size_t j = 0; j < st_binned_n_features(b); j++)
            inexact += !st_binned_exact(b, j);
        fprintf(stderr, "trained gbdt on %zu rows x %zu features of the binned file %s "
                "(%llu bytes, mapped; max_bin %d%s): %zu trees of at most %d leaves in %.3f s; "
                "saved %s\n",
                st_binned_n_rows(b), st_binned_n_features(b), data_path,
                (unsigned long long)st_binned_file_bytes(b), st_binned_max_bin(b),
                inexact ? ", some bins from an approximate sketch" : "", st_gbdt_n_trees(m),
                prm->num_leaves, fit_seconds, model_path);
    }
    cli_gbdt_print_importance(m, common->format, fit_seconds);
    st_gbdt_free(m);
    st_dataset_free(va);
    st_binned_close(b);
    return EXIT_OK;
}

int cli_train_logreg_binned(const char *data_path, const char *model_path,
                            const st_logreg_params *prm, const cli_common *common, int all)
{
    st_binned *b = NULL;
    st_error err;
    st_status rc = st_binned_open(data_path, &b, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    if (cli_binned_check_options(b, data_path, common, 0) != EXIT_OK) {
        st_binned_close(b);
        return EXIT_USAGE;
    }
    st_logreg *m = NULL;
    double fit_seconds = cli_seconds();
    const st_train_source src = st_source_binned(b);
    rc = st_logreg_fit(&src, prm, &m, &err);
    fit_seconds = cli_seconds() - fit_seconds;
    if (rc == ST_OK)
        rc = st_logreg_save(m, model_path, &err);
    if (rc != ST_OK) {
        st_logreg_free(m);
        st_binned_close(b);
        return cli_fail(&err, rc);
    }
    if (!common->quiet) {
        size_t nz = 0, n = st_logreg_n_coefs(m), n_pos = 0;
        const float *lab = st_binned_labels(b);
        for (size_t i = 0; i < st_binned_n_rows(b); i++)
            n_pos += lab[i] > 0.5f;
        for (size_t k = 0; k < n; k++)
            nz += st_logreg_coefs(m)[k] != 0;
        fprintf(stderr, "trained logreg on %zu rows (%zu positive) streamed from the binned "
                "file %s (%llu bytes, mapped) in %.3f s: %d iterations, converged %s, "
                "objective %.6g, gap %.3g, %zu of %zu coefficients non-zero; saved %s\n",
                st_binned_n_rows(b), n_pos, data_path,
                (unsigned long long)st_binned_file_bytes(b), fit_seconds,
                st_logreg_iterations(m), st_logreg_converged(m) ? "yes" : "no",
                st_logreg_objective(m), st_logreg_gap(m), nz, n, model_path);
    }
    cli_print_coefs(m, common->format, all, common->quiet, fit_seconds);
    st_logreg_free(m);
    st_binned_close(b);
    return EXIT_OK;
}
