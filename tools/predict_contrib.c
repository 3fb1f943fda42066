/* stratum predict --contrib and --interactions: per-row contributions as CSV, computed and
 * written a block of rows at a time, so that a large file never needs its whole table in
 * memory (interaction values are (features + 1)^2 per row). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_progress.h"
#include "explain.h"

/* Rows per block: about 4M doubles (32 MB) of contributions or interactions. */
static size_t block_rows(size_t per_row)
{
    size_t b = ((size_t)4 << 20) / (per_row ? per_row : 1);
    return b < 1 ? 1 : b > 8192 ? 8192 : b; /* a block is a progress step too */
}

/* A model with a calibration map (train --recalibrate): its p is the map applied to the
 * trees' or the linear model's probability, while the contributions explain the log-odds
 * before the map; the table then also has that probability, p_uncalibrated. */
static int calibrated(const cli_model *m)
{
    return m->gb != NULL ? st_gbdt_calibration(m->gb) != NULL
                         : st_logreg_calibration(m->lr) != NULL;
}

static void write_header(FILE *f, const cli_model *m, int interactions, const cli_keep *keep)
{
    cli_keep_header(f, keep);
    fputs(calibrated(m) ? "p,p_uncalibrated" : "p", f);
    const size_t nf = m->n_features;
    if (!interactions) {
        for (size_t j = 0; j < nf; j++) {
            fputc(',', f);
            char name[1024];
            snprintf(name, sizeof name, "contrib_%s", cli_model_feature_name(m, j));
            csv_field(f, name);
        }
        fputs(",bias\n", f);
        return;
    }
    for (size_t a = 0; a <= nf; a++)
        for (size_t b = 0; b <= nf; b++) {
            char name[2048];
            snprintf(name, sizeof name, "%s:%s", a < nf ? cli_model_feature_name(m, a) : "bias",
                     b < nf ? cli_model_feature_name(m, b) : "bias");
            fputc(',', f);
            csv_field(f, name);
        }
    fputc('\n', f);
}

/* Computes and writes rows [0, n(part)) of one block, after the header when it is the
 * first: a dataset the model cannot read fails before anything reaches stdout. */
static st_status write_block(FILE *f, const cli_model *m, const st_dataset *part, int threads,
                             int interactions, size_t per_row, double *p, double *v,
                             size_t start, const cli_keep *keep, st_error *err)
{
    const size_t n = st_dataset_n_rows(part);
    st_status rc = cli_model_predict(m, part, threads, p, err);
    if (rc == ST_OK)
        rc = interactions ? cli_model_interactions(m, part, threads, v, err)
                          : cli_model_contrib(m, part, threads, v, err);
    if (rc != ST_OK)
        return rc;
    if (start == 0)
        write_header(f, m, interactions, keep);
    /* %.17g: the values read back exactly, so their sum can be checked to rounding */
    const int cal = calibrated(m);
    const size_t nf = m->n_features;
    for (size_t i = 0; i < n; i++) {
        cli_keep_row(f, keep, start + i);
        fprintf(f, "%.17g", p[i]);
        if (cal) { /* the contributions (or the interaction rows) summed: the raw log-odds */
            double z = 0;
            const size_t terms = interactions ? (nf + 1) * (nf + 1) : nf + 1;
            for (size_t k = 0; k < terms; k++)
                z += v[i * per_row + k];
            fprintf(f, ",%.17g", 1 / (1 + exp(-z)));
        }
        for (size_t k = 0; k < per_row; k++)
            fprintf(f, ",%.17g", v[i * per_row + k]);
        fputc('\n', f);
    }
    return ST_OK;
}

/* Streams the table for ds; returns an exit code. */
static int stream(const cli_model *m, const st_dataset *ds, const char *data_path,
                  const cli_common *common, int interactions, const cli_keep *keep,
                  cli_stream *out)
{
    const size_t nf = m->n_features, n = st_dataset_n_rows(ds);
    const size_t per_row = interactions ? (nf + 1) * (nf + 1) : nf + 1;
    const size_t block = block_rows(per_row), first = n < block ? n : block;
    double *p = malloc((first ? first : 1) * sizeof *p);
    double *v = malloc((first ? first : 1) * per_row * sizeof *v);
    size_t *rows = n > block ? malloc(block * sizeof *rows) : NULL;
    st_error err = {0};
    st_status rc = ST_OK;
    if (p == NULL || v == NULL || (n > block && rows == NULL)) {
        free(p), free(v), free(rows);
        fprintf(stderr, "stratum: out of memory for %zu rows of contributions\n", first);
        return EXIT_FAILED;
    }
    cli_progress_begin("predict", n, "rows");
    for (size_t start = 0; start < n && rc == ST_OK; start += block) {
        size_t len = n - start < block ? n - start : block;
        cli_progress_done(start);
        if (len == n) { /* the whole dataset is one block: no copy */
            rc = write_block(out->f, m, ds, common->threads, interactions, per_row, p, v, 0,
                             keep, &err);
            break;
        }
        for (size_t i = 0; i < len; i++)
            rows[i] = start + i;
        st_dataset *part = NULL;
        rc = st_dataset_subset(ds, rows, len, &part, &err);
        if (rc == ST_OK)
            rc = write_block(out->f, m, part, common->threads, interactions, per_row, p, v,
                             start, keep, &err);
        st_dataset_free(part);
    }
    if (rc == ST_OK)
        cli_progress_done(n);
    cli_progress_end();
    free(p), free(v), free(rows);
    /* the library does not know the file's name, unless the dataset told it */
    if (rc != ST_OK && rc != ST_ERR_NOMEM && strstr(err.message, data_path) == NULL) {
        st_error named = err;
        snprintf(named.message, sizeof named.message, "%.200s: %.560s", data_path, err.message);
        err = named;
    }
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

int cli_predict_contrib(const char *model_path, const char *data_path, const cli_common *common,
                        int interactions, const char *out_path, cli_keep *keep)
{
    cli_model m;
    int status = cli_model_load(model_path, common, "predict", &m);
    if (status != EXIT_OK)
        return status;
    if (interactions && !cli_model_has_interactions(&m)) {
        cli_model_free(&m);
        return cli_usage_error("predict", "--interactions needs a gbdt model; %s is a "
                               "logistic regression, whose contributions (--contrib) are "
                               "additive with no interactions", model_path);
    }
    st_dataset *ds = NULL;
    if ((status = cli_read_data(data_path, common, &ds)) != EXIT_OK) {
        cli_model_free(&m);
        return status;
    }
    st_error err;
    st_status rc = cli_model_featurize(&m, &ds, 1, &err); /* a text model: raw text in */
    if (rc != ST_OK) {
        st_dataset_free(ds);
        cli_model_free(&m);
        return cli_fail(&err, rc);
    }
    static const char *const ours[] = {"p", "p_uncalibrated", "bias"};
    for (size_t c = 0; c < sizeof ours / sizeof ours[0] && status == EXIT_OK; c++)
        if (cli_keep_has(keep, ours[c]))
            status = cli_usage_error("predict", "--keep '%s': the table already has a column "
                                     "of that name", ours[c]);
    if (status == EXIT_OK)
        status = cli_keep_load(keep, data_path, common, ds);
    cli_stream out;
    if (status == EXIT_OK && (status = cli_stream_open(&out, out_path)) == EXIT_OK) {
        status = stream(&m, ds, data_path, common, interactions, keep, &out);
        if (status == EXIT_OK)
            status = cli_stream_commit(&out);
        else
            cli_stream_abort(&out);
    }
    st_dataset_free(ds);
    cli_model_free(&m);
    return status;
}
