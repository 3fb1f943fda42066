/* stratum cv: reading the data, taking a group or fold column out of the features, and
 * making the folds. */
#include <stdlib.h>

#include "cli_text.h"
#include "cv.h"

/* Takes column `name` out of *ds (replacing it with a copy without it) and returns its
 * values in *values (level codes for a categorical column). Returns an exit code. */
static int take_column(st_dataset **ds, const char *name, const char *option, double **values)
{
    long j = st_dataset_find_feature(*ds, name);
    if (j < 0) {
        fprintf(stderr, "stratum: no column named '%s' (%s); expected a feature column, not "
                "the label, weight or an --ignore'd column\n", name, option);
        return EXIT_FAILED;
    }
    size_t n = st_dataset_n_rows(*ds), nf = st_dataset_n_features(*ds);
    if (nf < 2) {
        fprintf(stderr, "stratum: %s %s leaves no feature to train on\n", option, name);
        return EXIT_FAILED;
    }
    size_t *keep = malloc((nf - 1) * sizeof *keep);
    if ((*values = malloc(n * sizeof **values)) == NULL || keep == NULL) {
        free(keep);
        fprintf(stderr, "stratum: out of memory for column '%s'\n", name);
        return EXIT_FAILED;
    }
    float *v = cli_feature_copy(*ds, (size_t)j);
    if (v == NULL) {
        free(keep);
        return EXIT_FAILED;
    }
    for (size_t i = 0; i < n; i++)
        (*values)[i] = v[i];
    free(v);
    for (size_t a = 0, b = 0; a < nf; a++)
        if (a != (size_t)j)
            keep[b++] = a;
    st_error err;
    st_dataset *rest = NULL;
    st_status rc = st_dataset_select(*ds, NULL, 0, keep, nf - 1, &rest, &err);
    free(keep);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    st_dataset_free(*ds);
    *ds = rest;
    return EXIT_OK;
}

int cv_prepare(const char *path, const cli_common *c, const char *group_col,
               const char *fold_col, size_t folds, size_t repeats, st_dataset **ds, int **fold,
               size_t *n_folds, double **groups)
{
    *groups = NULL;
    st_read_options ro = cli_read_options(c);
    ro.label_required = 1;
    st_error err;
    st_status rc = st_dataset_read(path, &ro, ds, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    cli_warn_data(*ds, path);
    const char *col = group_col != NULL ? group_col : fold_col;
    double *ids = NULL;
    int status = EXIT_OK;
    if (col != NULL)
        status = take_column(ds, col, group_col != NULL ? "--group-col" : "--fold-col", &ids);
    if (status == EXIT_OK) /* after take_column: a --group-col id is no feature */
        status = cli_text_warn_identifiers(*ds, path, c->text_cols, c->n_text_cols);
    if (status == EXIT_OK)
        status = cli_warn_mostly_numeric(*ds, path);
    st_folds_params fp = st_folds_params_default();
    fp.n_folds = folds;
    fp.n_repeats = fold_col != NULL ? 1 : repeats;
    fp.seed = c->seed;
    fp.groups = group_col != NULL ? ids : NULL;
    fp.fold_ids = fold_col != NULL ? ids : NULL;
    size_t n = st_dataset_n_rows(*ds);
    if (status == EXIT_OK && (*fold = malloc(n * fp.n_repeats * sizeof **fold)) == NULL) {
        fprintf(stderr, "stratum: out of memory for the folds of %zu rows\n", n);
        status = EXIT_FAILED;
    }
    if (status == EXIT_OK) {
        rc = st_folds_make(st_dataset_labels(*ds), n, &fp, *fold, n * fp.n_repeats, n_folds,
                           &err);
        if (rc != ST_OK)
            status = cli_fail(&err, rc);
    }
    if (status == EXIT_OK && col != NULL) {
        *groups = ids; /* the inner folds of each training part group by it too */
        ids = NULL;
    }
    free(ids);
    return status;
}
