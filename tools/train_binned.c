/* stratum train gbdt DATA.stb: boosted trees on a memory-mapped binned file (made by
 * stratum bin), and the --bins-from FILE of in-memory training. */
#include "train_binned.h"

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
    if (status != EXIT_OK)
        return status;
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
