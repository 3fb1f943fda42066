/* --by COL of `stratum evaluate`: which group each row is in, and the groups' names. A level
 * of a categorical column is a group. A number column is grouped by its cells' texts as
 * written, read again from the file, as `cv --group-col` reads group ids: its 32-bit floats
 * would merge ids above 16,777,216 into one group and name 0.1 "0.100000001". Rows without
 * a value are one group, last, whose name is never a level's own. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "evaluate_output.h"

typedef struct by_key {
    const char *text; /* borrowed: the level or the cell's text; NULL: `number` */
    double order;     /* the table's order: the level code, or the number the text is */
    float value;      /* the column's value: equal texts have equal values */
    size_t first;     /* the key's index in order of first appearance */
    char number[32];  /* %.9g of value, the text of a number column without texts (LibSVM) */
} by_key;

static const char *key_text(const by_key *key)
{
    return key->text != NULL ? key->text : key->number;
}

static int cmp_key(const void *a, const void *b)
{
    const by_key *x = a, *y = b;
    if (x->order != y->order)
        return (x->order > y->order) - (x->order < y->order);
    return strcmp(key_text(x), key_text(y));
}

/* The number a cell's text reads as (blanks after it allowed), or fallback when the text
 * is not one whole (a decimal comma): only the order of the groups rests on it. */
static double text_number(const char *text, float fallback)
{
    char *end;
    double v = strtod(text, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    return end != text && *end == '\0' && !isnan(v) ? v : fallback;
}

/* The missing group's name: "(missing)", or when a level is written so "(missing value)",
 * then "(missing value 3)", ...: the first that is no level's. */
static char *missing_name(const by_key *keys, size_t k)
{
    char name[48];
    for (int attempt = 1;; attempt++) {
        if (attempt == 1)
            snprintf(name, sizeof name, "(missing)");
        else if (attempt == 2)
            snprintf(name, sizeof name, "(missing value)");
        else
            snprintf(name, sizeof name, "(missing value %d)", attempt);
        size_t s = 0;
        while (s < k && strcmp(key_text(&keys[s]), name) != 0)
            s++;
        if (s == k)
            return strdup(name);
    }
}

/* The texts of a number column's cells, read again from path (NULL texts for a file that
 * is not CSV, whose numbers are the float values); an exit code. */
static int column_texts(const st_dataset *ds, const char *column, const char *path,
                        const st_read_options *opt, char ***texts, size_t *n_texts)
{
    *texts = NULL;
    *n_texts = 0;
    if (st_dataset_delimiter(ds) == 0)
        return EXIT_OK;
    if (cli_check_reread("evaluate", "--by groups a column of numbers by its cells' texts, "
                         "read again from the file", path) != EXIT_OK)
        return EXIT_USAGE;
    st_error err;
    memset(&err, 0, sizeof err);
    st_status rc = st_csv_column_texts(path, opt, column, texts, n_texts, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    if (*n_texts != st_dataset_n_rows(ds)) {
        fprintf(stderr, "stratum: %s: %zu texts of column '%s' for %zu rows\n", path, *n_texts,
                column, st_dataset_n_rows(ds));
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

/* Finds the keys of the rows' values v (row_group[i]: the key's index in order of first
 * appearance, SIZE_MAX when missing); -1 when there are more than EVAL_MAX_GROUPS. */
static long find_keys(const st_dataset *ds, size_t j, const float *v, char *const *texts,
                      by_key *keys, size_t *row_group, int *has_missing)
{
    const int categorical = st_dataset_feature_type(ds, j) == ST_FEATURE_CATEGORICAL;
    size_t k = 0;
    *has_missing = 0;
    for (size_t i = 0, n = st_dataset_n_rows(ds); i < n; i++) {
        if (isnan(v[i])) {
            *has_missing = 1;
            row_group[i] = SIZE_MAX;
            continue;
        }
        const char *t = texts != NULL ? texts[i] : NULL;
        size_t s = 0;
        while (s < k && !(keys[s].value == v[i] && (t == NULL || strcmp(keys[s].text, t) == 0)))
            s++;
        if (s == k) {
            if (k == EVAL_MAX_GROUPS)
                return -1;
            by_key *key = &keys[k++];
            key->value = v[i];
            key->first = s;
            key->order = v[i];
            if (categorical) {
                key->text = st_dataset_level(ds, j, (size_t)v[i]);
            } else if (t != NULL) {
                key->text = t;
                key->order = text_number(t, v[i]);
            } else {
                snprintf(key->number, sizeof key->number, "%.9g", v[i]);
                key->text = NULL;
            }
        }
        row_group[i] = s;
    }
    return (long)k;
}

/* Sorts the k keys, names out's groups after them (and the missing group last), and
 * renumbers row_group to the sorted order; an exit code. */
static int name_groups(by_key *keys, size_t k, int has_missing, size_t *row_group, size_t n,
                       eval_groups *out)
{
    size_t rank[EVAL_MAX_GROUPS];
    qsort(keys, k, sizeof *keys, cmp_key);
    for (size_t g = 0; g < k; g++)
        rank[keys[g].first] = g;
    for (size_t i = 0; i < n; i++)
        row_group[i] = row_group[i] == SIZE_MAX ? k : rank[row_group[i]];
    out->n = k + (has_missing ? 1 : 0);
    if ((out->groups = calloc(out->n ? out->n : 1, sizeof *out->groups)) == NULL) {
        out->n = 0;
        fprintf(stderr, "stratum: out of memory for %zu subgroups\n", k);
        return EXIT_FAILED;
    }
    for (size_t g = 0; g < out->n; g++) {
        eval_group *grp = &out->groups[g];
        grp->missing = g == k;
        grp->name = grp->missing ? missing_name(keys, k) : strdup(key_text(&keys[g]));
        if (grp->name == NULL) {
            fprintf(stderr, "stratum: out of memory for the subgroups' names\n");
            return EXIT_FAILED;
        }
    }
    return EXIT_OK;
}

int eval_by_assign(const st_dataset *ds, size_t j, const char *column, const char *path,
                   const st_read_options *opt, const float *v, size_t *row_group,
                   eval_groups *out)
{
    char **texts = NULL;
    size_t n_texts = 0, n = st_dataset_n_rows(ds);
    int status = EXIT_OK;
    if (st_dataset_feature_type(ds, j) != ST_FEATURE_CATEGORICAL)
        status = column_texts(ds, column, path, opt, &texts, &n_texts);
    by_key *keys = status == EXIT_OK ? malloc(EVAL_MAX_GROUPS * sizeof *keys) : NULL;
    if (status == EXIT_OK && keys == NULL) {
        fprintf(stderr, "stratum: out of memory for the --by groups\n");
        status = EXIT_FAILED;
    }
    int has_missing = 0;
    long k = status == EXIT_OK ? find_keys(ds, j, v, texts, keys, row_group, &has_missing) : 0;
    if (k < 0) {
        fprintf(stderr, "stratum: --by %s: more than %d distinct values; choose a column of "
                        "groups\n", column, EVAL_MAX_GROUPS);
        status = EXIT_FAILED;
    }
    if (status == EXIT_OK)
        status = name_groups(keys, (size_t)k, has_missing, row_group, n, out);
    free(keys);
    st_texts_free(texts, n_texts);
    return status;
}
