/* One interface over logistic regression and boosted-tree models for the explaining
 * commands. (Their streamed outputs are in cli_stream.c.) */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_train_gbdt.h"
#include "explain.h"

int cli_model_load(const char *path, const cli_common *common, const char *command,
                   cli_model *m)
{
    memset(m, 0, sizeof *m);
    st_error err;
    st_status rc;
    if (cli_model_is_gbdt(path)) {
        st_gbdt *gb = NULL;
        if ((rc = cli_gbdt_load(path, common, &gb, &err)) == ST_OK &&
            (rc = st_model_from_gbdt(gb, &m->handle, &err)) != ST_OK)
            st_gbdt_free(gb);
    } else {
        if (cli_iteration_range_not_gbdt(common, command, path) != EXIT_OK)
            return EXIT_USAGE;
        st_logreg *lr = NULL;
        if ((rc = cli_logreg_load(path, &lr, &err)) == ST_OK &&
            (rc = st_model_from_logreg(lr, &m->handle, &err)) != ST_OK)
            st_logreg_free(lr);
    }
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    m->lr = st_model_logreg_mut(m->handle);
    m->gb = st_model_gbdt_mut(m->handle);
    m->n_features = st_model_n_features(m->handle);
    if (cli_model_text_labels(m) != EXIT_OK) {
        cli_model_free(m);
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

void cli_model_free(cli_model *m)
{
    st_model_free(m->handle);
    free(m->text_feature);
    free(m->text_column);
    memset(m, 0, sizeof *m);
}

const char *cli_model_family(const cli_model *m) { return m->gb != NULL ? "gbdt" : "logreg"; }

const char *cli_model_feature_key(const cli_model *m, size_t j)
{
    return m->gb != NULL ? st_gbdt_feature_name(m->gb, j) : st_logreg_feature_name(m->lr, j);
}

const char *cli_model_feature_name(const cli_model *m, size_t j)
{
    if (m->text_feature != NULL && m->text_feature[j] >= 0)
        return st_text_featurizer_label(cli_model_text(m, (size_t)m->text_feature[j]),
                                        m->text_column[j]);
    return cli_model_feature_key(m, j);
}

st_status cli_model_predict(const cli_model *m, const st_dataset *ds, int threads, double *p,
                            st_error *err)
{
    size_t n = st_dataset_n_rows(ds);
    if (m->gb != NULL)
        return st_gbdt_predict(m->gb, ds, ST_GBDT_PROBABILITY, threads, p, n, err);
    return st_logreg_predict(m->lr, ds, p, n, err);
}

st_status cli_model_contrib(const cli_model *m, const st_dataset *ds, int threads, double *out,
                            st_error *err)
{
    size_t n = st_dataset_n_rows(ds) * (m->n_features + 1);
    if (m->gb != NULL)
        return st_gbdt_contrib(m->gb, ds, threads, out, n, err);
    return st_logreg_contrib(m->lr, ds, out, n, err);
}

int cli_model_has_interactions(const cli_model *m) { return m->gb != NULL; }

st_status cli_model_interactions(const cli_model *m, const st_dataset *ds, int threads,
                                 double *out, st_error *err)
{
    size_t n = st_dataset_n_rows(ds) * (m->n_features + 1) * (m->n_features + 1);
    return st_gbdt_interactions(m->gb, ds, threads, out, n, err);
}

int cli_read_data(const char *path, const cli_common *common, st_dataset **ds)
{
    st_read_options opt = cli_read_options(common);
    opt.label_required = ST_LABEL_IGNORED; /* explaining new data: the outcome is usually
                                              unknown, even blank */
    st_error err;
    st_status rc = st_dataset_read(path, &opt, ds, &err);
    if (rc == ST_OK)
        cli_warn_data(*ds, path);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

