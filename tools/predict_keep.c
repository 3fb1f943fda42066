/* stratum predict --keep COLS: columns of DATA copied into the prediction file, before 'p',
 * so that the predictions join back to patients (an id) and can be evaluated (the label).
 * The texts are DATA's own, read with st_csv_column_texts: an id keeps its exact spelling
 * (leading zeros, long digits a float would round), row for row as the dataset numbers its
 * rows. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdlib.h>
#include <string.h>

#include "explain.h"

int cli_keep_parse(cli_keep *k, const char *arg)
{
    cli_keep_free(k);
    if ((k->list = strdup(arg)) == NULL) {
        fprintf(stderr, "stratum: out of memory for --keep\n");
        return EXIT_FAILED;
    }
    size_t cap = 1;
    for (const char *s = arg; *s; s++)
        cap += *s == ',';
    if ((k->names = calloc(cap, sizeof *k->names)) == NULL) {
        fprintf(stderr, "stratum: out of memory for --keep\n");
        return EXIT_FAILED;
    }
    const char **names = (const char **)k->names; /* (the names point into k->list) */
    if (cli_split_names(arg, k->list, names, cap, &k->n_cols, "--keep columns") < 0)
        return EXIT_USAGE;
    size_t kept = 0; /* empty items (",", "id,") name nothing */
    for (size_t c = 0; c < k->n_cols; c++)
        if (names[c][0] != '\0')
            names[kept++] = names[c];
    k->n_cols = kept;
    if (k->n_cols == 0)
        return cli_usage_error("predict", "--keep '%s': expected column names separated by "
                               "commas, e.g. --keep id,outcome", arg);
    return EXIT_OK;
}

/* A few of the columns DATA has, for the message about one it has not. */
static void some_columns(const st_dataset *ds, char *buf, size_t size)
{
    size_t used = 0, shown = 0, nf = st_dataset_n_features(ds);
    const char *label = st_dataset_label_name(ds);
    buf[0] = '\0';
    for (size_t j = 0; j <= nf && shown < 6 && used < size; j++) {
        const char *name = j == 0 ? label : st_dataset_feature_name(ds, j - 1);
        if (name == NULL || name[0] == '\0') /* no label column in DATA */
            continue;
        used += (size_t)snprintf(buf + used, size - used, "%s'%s'", shown ? ", " : "", name);
        shown++;
    }
    if (shown < nf + (label != NULL && label[0] != '\0') && used < size)
        snprintf(buf + used, size - used, ", ...");
}

/* LibSVM rows have no named columns: only their label can be kept, as 0 or 1. */
static int load_libsvm(cli_keep *k, const st_dataset *ds, const char *data_path, size_t n)
{
    const float *y = st_dataset_labels(ds);
    for (size_t c = 0; c < k->n_cols; c++)
        if (strcmp(k->names[c], "label") != 0 || y == NULL)
            return fprintf(stderr, "stratum: %s: --keep '%s': a LibSVM file's rows have no "
                           "named columns; only 'label' (the first field of each line) can be "
                           "kept\n", data_path, k->names[c]), EXIT_FAILED;
    for (size_t c = 0; c < k->n_cols; c++) {
        if ((k->texts[c] = calloc(n ? n : 1, sizeof *k->texts[c])) == NULL)
            return fprintf(stderr, "stratum: out of memory for --keep\n"), EXIT_FAILED;
        k->n_texts[c] = n;
        for (size_t i = 0; i < n; i++) /* constants: cli_keep_free frees only the array */
            k->texts[c][i] = (char *)(y[i] != 0 ? "1" : "0");
    }
    k->libsvm = 1;
    return EXIT_OK;
}

int cli_keep_load(cli_keep *k, const char *data_path, const cli_common *common,
                  const st_dataset *ds)
{
    if (k->n_cols == 0)
        return EXIT_OK;
    const size_t n = st_dataset_n_rows(ds);
    k->texts = calloc(k->n_cols, sizeof *k->texts);
    k->n_texts = calloc(k->n_cols, sizeof *k->n_texts);
    if (k->texts == NULL || k->n_texts == NULL) {
        fprintf(stderr, "stratum: out of memory for --keep\n");
        return EXIT_FAILED;
    }
    if (st_dataset_is_libsvm(ds))
        return load_libsvm(k, ds, data_path, n);
    st_read_options opt = cli_read_options(common);
    opt.label_required = 0;
    opt.skip_missing_labels = 0; /* predict reads no labels (ST_LABEL_IGNORED): every row */
    for (size_t c = 0; c < k->n_cols; c++) {
        st_error err;
        st_status rc = st_csv_column_texts(data_path, &opt, k->names[c], &k->texts[c],
                                           &k->n_texts[c], &err);
        if (rc == ST_ERR_DATA && strstr(err.message, "no column") != NULL) {
            char some[512];
            some_columns(ds, some, sizeof some);
            fprintf(stderr, "stratum: %s: --keep: no column '%s'; its columns include %s\n",
                    data_path, k->names[c], some);
            return EXIT_FAILED; /* the command line is well formed: DATA lacks the column */
        }
        if (rc != ST_OK)
            return cli_fail(&err, rc);
        if (k->n_texts[c] != n) { /* the reader and the text scan number rows alike */
            fprintf(stderr, "stratum: %s: column '%s' has %zu rows but the data %zu\n",
                    data_path, k->names[c], k->n_texts[c], n);
            return EXIT_FAILED;
        }
    }
    return EXIT_OK;
}

int cli_keep_has(const cli_keep *k, const char *name)
{
    for (size_t c = 0; c < k->n_cols; c++)
        if (strcmp(k->names[c], name) == 0)
            return 1;
    return 0;
}

void cli_keep_header(FILE *f, const cli_keep *k)
{
    for (size_t c = 0; c < k->n_cols; c++) {
        csv_field(f, k->names[c]);
        fputc(',', f);
    }
}

void cli_keep_row(FILE *f, const cli_keep *k, size_t i)
{
    for (size_t c = 0; c < k->n_cols; c++) {
        csv_field(f, k->texts[c][i]);
        fputc(',', f);
    }
}

void cli_keep_free(cli_keep *k)
{
    for (size_t c = 0; k->texts != NULL && c < k->n_cols; c++) {
        if (k->libsvm)
            free(k->texts[c]);
        else
            st_texts_free(k->texts[c], k->n_texts[c]);
    }
    free(k->texts);
    free(k->n_texts);
    free(k->names);
    free(k->list);
    memset(k, 0, sizeof *k);
}
