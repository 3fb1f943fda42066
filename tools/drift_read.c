/* stratum drift: reading REFERENCE and NEW. NEW often comes before its outcomes are known
 * (readmissions still pending): its blank label cells must not stop the comparison of the
 * columns, nor drop those rows (the most recent ones) from it. */
#include <string.h>

#include "drift.h"

/* A text model's text column that ds holds but read as numbers (its every cell a
 * number): then the file is read again with it as text, as the featurizer reads it. */
static int texts_read_as_numbers(const cli_model *m, const st_dataset *ds)
{
    for (size_t k = 0; k < cli_model_n_text(m); k++) {
        long j = st_dataset_find_feature(ds, st_text_featurizer_column(cli_model_text(m, k)));
        if (j >= 0 && st_dataset_feature_type(ds, (size_t)j) == ST_FEATURE_NUMERIC)
            return 1;
    }
    return 0;
}

/* Reads path with opt, again with as_text when a text model's column came out numbers. */
static st_status read_one(const char *path, const cli_model *m, const st_read_options *opt,
                          const st_read_options *as_text, st_dataset **ds, st_error *err)
{
    st_status rc = st_dataset_read(path, opt, ds, err);
    if (rc == ST_OK && texts_read_as_numbers(m, *ds)) {
        st_dataset_free(*ds);
        *ds = NULL;
        rc = st_dataset_read(path, as_text, ds, err);
    }
    return rc;
}

/* NEW, all its rows. First with the rows whose label is blank skipped, to learn whether
 * there are any; when there are (and --skip-missing-labels did not ask to drop them),
 * again with the label column left unread: every row, no labels. *pending: the rows read
 * so, whose labels are blank. */
static st_status read_new(const char *path, const cli_model *m, st_read_options opt,
                          st_read_options as_text, const cli_common *common, st_dataset **ds,
                          size_t *pending, st_error *err)
{
    *pending = 0;
    /* rows cannot be skipped under a weight file (its lines pair with the rows): there a
     * blank label stays the reader's error */
    const int probe = !common->skip_missing_labels && common->weight_file == NULL;
    if (probe)
        opt.skip_missing_labels = as_text.skip_missing_labels = 1;
    st_status rc = read_one(path, m, &opt, &as_text, ds, err);
    /* every label blank: the reader finds no row to keep */
    const int all_blank = rc == ST_ERR_DATA && probe &&
                          strstr(err->message, "every row's label is missing") != NULL;
    const size_t skipped = rc == ST_OK && probe ? st_dataset_rows_skipped(*ds) : 0;
    if (!all_blank && skipped == 0)
        return rc;
    st_dataset_free(*ds);
    *ds = NULL;
    opt.skip_missing_labels = as_text.skip_missing_labels = 0;
    opt.label_required = as_text.label_required = ST_LABEL_IGNORED;
    if ((rc = read_one(path, m, &opt, &as_text, ds, err)) == ST_OK)
        *pending = all_blank ? st_dataset_n_rows(*ds) : skipped;
    return rc;
}

int drift_read_both(const char *const path[2], const cli_model *m, const cli_common *common,
                    st_dataset *ds[2])
{
    cli_common c = *common;
    for (size_t k = 0; k < cli_model_n_text(m) && c.n_categorical < 256; k++)
        c.categorical[c.n_categorical++] = st_text_featurizer_column(cli_model_text(m, k));
    st_read_options ropt = cli_read_options(common), as_text = cli_read_options(&c);
    ropt.label_required = as_text.label_required = common->label_given; /* new data often
                                                                       has no outcome yet */
    for (int s = 0; s < 2; s++) {
        st_error err;
        size_t pending = 0;
        st_status rc = s == 0 ? read_one(path[s], m, &ropt, &as_text, &ds[s], &err)
                              : read_new(path[s], m, ropt, as_text, common, &ds[s], &pending,
                                         &err);
        if (rc != ST_OK)
            return cli_fail(&err, rc);
        cli_warn_data(ds[s], path[s]);
        /* drift's numbers are on the stored 32-bit values: say when they are not the
         * file's (as info and train do) */
        if (cli_warn_lossy_numbers(ds[s], path[s]) != EXIT_OK)
            return EXIT_FAILED;
        if (pending > 0)
            fprintf(stderr, "stratum: note: %s: %zu of its %zu rows have no label (outcome "
                    "not known yet): the columns are compared on every row; the label "
                    "prevalence%s in NEW %s undefined\n", path[s], pending,
                    st_dataset_n_rows(ds[s]), m->handle != NULL ? " and the model's metrics"
                    : "", m->handle != NULL ? "are" : "is");
    }
    return EXIT_OK;
}
