/* st_logreg_train_binned: logistic regression streamed from the raw values a binned file
 * keeps (stratum bin --values), block by block through st__lr_stream_train, so that no
 * design matrix of all rows is ever built. The block source expands the features as
 * st__lr_design_build does (numeric value with NaN for missing, imputed by the streamer;
 * categorical: one 0/1 column per level, all zeros for a missing code), and the model is
 * assembled as st_logreg_train assembles it, so predict, evaluate, explain and save treat
 * it like any other. */
#include <stratum/binned.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "logreg_impl.h"
#include "logreg_binned_range.h"
#include "logreg_stream.h"

/* Rows per block, the unit of the sums (and of their distribution across MPI ranks, which
 * own whole blocks): 8192 rows of a few dozen columns is a few MB of floats and doubles;
 * smaller files get at least MIN_BLOCKS blocks (of at least 64 rows), so that as many
 * ranks have rows. A function of the row count alone, so that one process and any number
 * of ranks cut the same blocks. */
#define BLOCK_ROWS 8192
#define MIN_BLOCKS 64

size_t st__logreg_binned_block_rows(size_t n_rows)
{
    size_t k = (n_rows + MIN_BLOCKS - 1) / MIN_BLOCKS;
    return k < 64 ? 64 : k > BLOCK_ROWS ? BLOCK_ROWS : k;
}

typedef struct binned_source {
    const st_binned *b;
    const st__lr_feature *features; /* the model's plan: col and n_levels per feature */
    size_t n_features, pos, row0, row1, block; /* rows [row0, row1) in blocks of `block` */
} binned_source;

static st_status src_rewind(void *ctx, st_error *err)
{
    (void)err;
    binned_source *s = ctx;
    s->pos = s->row0;
    return ST_OK;
}

static st_status src_next(void *ctx, float *x, float *y, float *w, size_t *n_rows, st_error *err)
{
    (void)err;
    binned_source *s = ctx;
    const size_t n = s->row1, i0 = s->pos, B = s->block;
    const size_t nb = n - i0 < B ? n - i0 : B;
    const float *lab = st_binned_labels(s->b), *wt = st_binned_weights(s->b);
    for (size_t j = 0; j < s->n_features; j++) {
        const st__lr_feature *f = &s->features[j];
        const float *v = st_binned_values(s->b, j) + i0;
        float *xc = x + f->col * B; /* feature major, B apart */
        if (f->type == ST_FEATURE_NUMERIC) {
            memcpy(xc, v, nb * sizeof *xc);
            continue;
        }
        for (size_t l = 0; l < f->n_levels; l++)
            memset(xc + l * B, 0, nb * sizeof *xc);
        for (size_t i = 0; i < nb; i++)
            if (!isnan(v[i]) && v[i] >= 0 && (size_t)v[i] < f->n_levels)
                xc[(size_t)v[i] * B + i] = 1;
    }
    for (size_t i = 0; i < nb; i++) {
        y[i] = lab[i0 + i];
        w[i] = wt != NULL ? wt[i0 + i] : 1.0f;
    }
    s->pos += nb;
    *n_rows = nb;
    return ST_OK;
}

static char *joined(const char *a, const char *b)
{
    size_t len = strlen(a) + 1 + strlen(b) + 1;
    char *s = st__malloc(len);
    if (s != NULL)
        snprintf(s, len, "%s=%s", a, b);
    return s;
}

/* The model's features and column names from the file's schema, as plan_features in
 * logreg_design.c names them. Returns 0, or -1 when out of memory. */
static int plan(const st_binned *b, st_logreg *m)
{
    const size_t nf = st_binned_n_features(b);
    if ((m->features = st__calloc(nf > 0 ? nf : 1, sizeof *m->features)) == NULL)
        return -1;
    m->n_features = nf;
    size_t col = 0;
    for (size_t j = 0; j < nf; j++) {
        st__lr_feature *f = &m->features[j];
        f->indicator = -1;
        f->col = col;
        f->type = st_binned_feature_type(b, j);
        if ((f->name = st__strdup(st_binned_feature_name(b, j))) == NULL)
            return -1;
        if (f->type == ST_FEATURE_NUMERIC) {
            col++;
            continue;
        }
        size_t k = st_binned_n_levels(b, j);
        if ((f->levels = st__calloc(k > 0 ? k : 1, sizeof *f->levels)) == NULL)
            return -1;
        f->n_levels = k;
        for (size_t l = 0; l < k; l++)
            if ((f->levels[l] = st__strdup(st_binned_level(b, j, l))) == NULL)
                return -1;
        col += k;
    }
    m->n_coefs = col;
    if ((m->coef_names = st__calloc(col > 0 ? col : 1, sizeof *m->coef_names)) == NULL)
        return -1;
    for (size_t j = 0; j < nf; j++) {
        const st__lr_feature *f = &m->features[j];
        if (f->type == ST_FEATURE_NUMERIC &&
            (m->coef_names[f->col] = st__strdup(f->name)) == NULL)
            return -1;
        for (size_t l = 0; l < f->n_levels; l++)
            if ((m->coef_names[f->col + l] = joined(f->name, f->levels[l])) == NULL)
                return -1;
    }
    return 0;
}

/* Value of expanded column `level` (-1: the numeric value, imputed) of feature f. */
static double column_value(const st__lr_feature *f, float v, long level)
{
    if (level < 0)
        return isnan(v) ? f->fill : v;
    return !isnan(v) && v == (float)level ? 1.0 : 0.0;
}

/* The training means and standard deviations of the expanded columns, row weights
 * counted and class weights not (as st__lr_column_moments), read from the mapping. */
static void column_moments(const st_binned *b, st_logreg *m)
{
    const size_t n = st_binned_n_rows(b);
    const float *w = st_binned_weights(b);
    for (size_t j = 0; j < m->n_features; j++) {
        const st__lr_feature *f = &m->features[j];
        const float *v = st_binned_values(b, j);
        const long n_cols = f->type == ST_FEATURE_NUMERIC ? 1 : (long)f->n_levels;
        for (long c = 0; c < n_cols; c++) {
            const long level = f->type == ST_FEATURE_NUMERIC ? -1 : c;
            double total = 0, sum = 0, var = 0;
            for (size_t i = 0; i < n; i++) {
                double r = w != NULL ? w[i] : 1.0;
                total += r;
                sum += r * column_value(f, v[i], level);
            }
            double mu = total > 0 ? sum / total : 0;
            for (size_t i = 0; i < n; i++) {
                double r = w != NULL ? w[i] : 1.0, d = column_value(f, v[i], level) - mu;
                var += r * d * d;
            }
            m->col_mean[f->col + (size_t)c] = mu;
            m->col_sd[f->col + (size_t)c] = total > 0 ? sqrt(var / total) : 0;
        }
    }
}

st_status st_logreg_train_binned(const st_binned *b, const st_logreg_params *prm_in,
                                 st_logreg **out, st_error *err)
{
    return st__logreg_train_binned_range(b, prm_in, NULL, 0, b != NULL ? st_binned_n_rows(b) : 0,
                                         out, err);
}

st_status st__logreg_train_binned_range(const st_binned *b, const st_logreg_params *prm_in,
                                        const st__lr_reducer *reducer, size_t row0,
                                        size_t row1, st_logreg **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (b == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_train_binned: %s is NULL",
                        b == NULL ? "binned file" : "out");
    st_logreg_params prm = prm_in != NULL ? *prm_in : st_logreg_params_default();
    const char *bad = st_logreg_params_check(&prm);
    if (bad != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "logistic regression: %s", bad);
    if (prm.lambda == ST_LOGREG_LAMBDA_CV)
        return st__fail(err, ST_ERR_INVALID_ARG, "logistic regression on a binned file: "
                        "lambda is not chosen by cross-validation there; give lambda >= 0");
    if (prm.impute != ST_IMPUTE_MEAN)
        return st__fail(err, ST_ERR_INVALID_ARG, "logistic regression on a binned file "
                        "imputes the mean only (a median needs all values in memory): "
                        "train on the CSV for median imputation");
    if (prm.missing_indicators)
        return st__fail(err, ST_ERR_INVALID_ARG, "logistic regression on a binned file has "
                        "no missing indicators: train on the CSV for them");
    if (st_binned_n_features(b) > 0 && st_binned_values(b, 0) == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "the binned file has no raw values, which "
                        "logistic regression reads: make it with 'stratum bin --values'");
    st_logreg *m = st__calloc(1, sizeof *m);
    if (m == NULL || plan(b, m) != 0) {
        st_logreg_free(m);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the model");
    }
    if (m->n_coefs == 0) {
        st_logreg_free(m);
        return st__fail(err, ST_ERR_DATA, "the binned file has no feature columns");
    }
    if (m->n_coefs > ST__LR_STREAM_MAX_FEATURES) {
        size_t k = m->n_coefs;
        st_logreg_free(m);
        return st__fail(err, ST_ERR_INVALID_ARG, "the binned file's features expand to %zu "
                        "columns (one per categorical level); logistic regression on a "
                        "binned file handles at most %d: train on the CSV", k,
                        ST__LR_STREAM_MAX_FEATURES);
    }
    const size_t block = st__logreg_binned_block_rows(st_binned_n_rows(b));
    binned_source ctx = {.b = b, .features = m->features, .n_features = m->n_features,
                         .row0 = row0, .row1 = row1, .block = block};
    const st__lr_source src = {
        .n_features = m->n_coefs, .block_rows = block, .layout = ST__LR_FEATURE_MAJOR,
        .ctx = &ctx, .rewind = src_rewind, .next = src_next, .reducer = reducer,
        .row0 = row0,
    };
    st__lr_stream_fit fit = {0};
    st_status rc = st__lr_stream_train(&src, &prm, &fit, err);
    if (rc != ST_OK) {
        st_logreg_free(m);
        return rc;
    }
    m->coefs = st__malloc_array(m->n_coefs, sizeof *m->coefs);
    m->col_mean = st__calloc(m->n_coefs + 1, sizeof *m->col_mean);
    m->col_sd = st__calloc(m->n_coefs + 1, sizeof *m->col_sd);
    if (m->coefs == NULL || m->col_mean == NULL || m->col_sd == NULL) {
        st__lr_stream_fit_free(&fit);
        st_logreg_free(m);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the model");
    }
    memcpy(m->coefs, fit.coefs, m->n_coefs * sizeof *m->coefs);
    m->intercept = fit.intercept;
    for (size_t j = 0; j < m->n_features; j++)
        if (m->features[j].type == ST_FEATURE_NUMERIC)
            m->features[j].fill = fit.fill[m->features[j].col];
    m->iterations = fit.info.iterations;
    m->converged = fit.info.converged;
    m->objective = fit.info.objective;
    m->gap = fit.info.gap;
    m->params = prm;
    m->se_state = ST__LR_SE_STREAMED;
    st__lr_stream_fit_free(&fit);
    column_moments(b, m);
    /* (the public accessors: this file sees the binned file through stratum/binned.h) */
    if ((rc = st__post_set_positive_texts(&m->post, st_binned_class_name(b, 1),
                                          st_binned_class_name(b, 0), err)) != ST_OK) {
        st_logreg_free(m);
        return rc;
    }
    *out = m;
    return ST_OK;
}
