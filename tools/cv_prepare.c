/* stratum cv: reading the data, taking a group or fold column out of the features, and
 * making the folds. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_text.h"
#include "cv.h"

typedef struct level_key {
    double value;
    const char *text;
    size_t level;
} level_key;

static int by_value_then_text(const void *pa, const void *pb)
{
    const level_key *a = pa, *b = pb;
    if (a->value != b->value)
        return a->value < b->value ? -1 : 1;
    return strcmp(a->text, b->text);
}

/* A categorical column's level codes in values[0..n) renumbered in the numeric order of
 * the levels when every level is a number (ties, such as "7" and "007", by their texts), so
 * that numeric ids read as texts keep the order, and so the folds, they had as numbers.
 * Returns an exit code. */
static int numeric_level_order(const st_dataset *ds, size_t j, double *values, size_t n)
{
    const size_t m = st_dataset_n_levels(ds, j);
    level_key *key = malloc((m ? m : 1) * sizeof *key);
    double *rank = malloc((m ? m : 1) * sizeof *rank);
    if (key == NULL || rank == NULL) {
        free(key), free(rank);
        fprintf(stderr, "stratum: out of memory for the levels of a column\n");
        return EXIT_FAILED;
    }
    for (size_t k = 0; k < m; k++) {
        const char *t = st_dataset_level(ds, j, k);
        char *end;
        key[k] = (level_key){strtod(t, &end), t, k};
        if (end == t || *end != '\0' || !isfinite(key[k].value)) {
            free(key), free(rank);
            return EXIT_OK; /* not all numbers: the texts' order stands */
        }
    }
    qsort(key, m, sizeof *key, by_value_then_text);
    for (size_t k = 0; k < m; k++)
        rank[key[k].level] = (double)k;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i]))
            values[i] = rank[(size_t)values[i]];
    free(key), free(rank);
    return EXIT_OK;
}

/* Takes column `name` out of *ds (replacing it with a copy without it) and returns its
 * values in *values (level codes for a categorical column, in numeric order when its levels
 * are numbers). Returns an exit code. */
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
    if (st_dataset_feature_type(*ds, (size_t)j) == ST_FEATURE_CATEGORICAL &&
        numeric_level_order(*ds, (size_t)j, *values, n) != EXIT_OK) {
        free(keep);
        return EXIT_FAILED;
    }
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

static int listed(const char *name, const char *const *list, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(list[k], name) == 0)
            return 1;
    return 0;
}

/* Every row needs a group id: the first row without one named, with the file. */
static int check_group_ids(const double *ids, size_t n, const char *group_col, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(ids[i])) {
            fprintf(stderr, "stratum: %s: row %zu (of the rows read) has no --group-col '%s' value; every "
                    "row needs a group id (a patient's, say)\n", path, i + 1, group_col);
            return EXIT_FAILED;
        }
    return EXIT_OK;
}

int cv_prepare(const char *path, const cli_common *c, const char *group_col,
               const char *fold_col, size_t folds, size_t repeats, st_dataset **ds, int **fold,
               size_t *n_folds, double **groups)
{
    *groups = NULL;
    st_read_options ro = cli_read_options(c);
    ro.label_required = 1;
    /* group ids read as texts: as numbers (32-bit floats) ids such as record numbers above
       16,777,216 would share values, and two patients one group */
    const char *cats[sizeof c->categorical / sizeof c->categorical[0] + 1];
    if (group_col != NULL && !listed(group_col, ro.numeric, ro.n_numeric) &&
        !listed(group_col, ro.categorical, ro.n_categorical)) {
        for (size_t k = 0; k < ro.n_categorical; k++)
            cats[k] = ro.categorical[k];
        cats[ro.n_categorical] = group_col;
        ro.categorical = cats;
        ro.n_categorical++;
    }
    st_error err;
    st_status rc = st_dataset_read(path, &ro, ds, &err);
    if (rc != ST_OK && ro.categorical == cats) {
        /* perhaps no such column: read as given, and take_column says so in its words */
        ro.n_categorical--;
        rc = st_dataset_read(path, &ro, ds, &err);
    }
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    cli_warn_data(*ds, path);
    const char *col = group_col != NULL ? group_col : fold_col;
    double *ids = NULL;
    int status = EXIT_OK;
    if (col != NULL)
        status = take_column(ds, col, group_col != NULL ? "--group-col" : "--fold-col", &ids);
    if (status == EXIT_OK && group_col != NULL)
        status = check_group_ids(ids, st_dataset_n_rows(*ds), group_col, path);
    if (status == EXIT_OK) /* after take_column: a --group-col id is no feature */
        status = cli_text_warn_identifiers(*ds, path, c->text_cols, c->n_text_cols);
    if (status == EXIT_OK)
        status = cli_warn_mostly_numeric(*ds, path);
    if (status == EXIT_OK)
        status = cli_warn_lossy_numbers(*ds, path);
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
