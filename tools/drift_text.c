/* stratum drift --model with a model of text columns: the raw texts of both files seen
 * through the model's own featurizer. Per text column: the words per text (their PSI on
 * REFERENCE's deciles and KS, as for a numeric column), the share of empty texts, the
 * share of terms the model has no column for (out of vocabulary: never in its fitting
 * texts, or below --min-df there), the column's summed importance and contribution shift,
 * and the terms that move the scores most, named by their surface forms. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drift.h"

/* One file's texts of one column. */
typedef struct side {
    size_t n_rows;
    double *words;    /* per row: its text's words (0 for a missing text) */
    size_t empty;     /* rows without a word */
    size_t terms, unseen; /* terms over all rows, and those without a model column */
    size_t *with;     /* per featurizer column: rows whose text has the term */
} side;

static st_status fail_nomem(st_error *err)
{
    memset(err, 0, sizeof *err);
    err->code = ST_ERR_NOMEM;
    snprintf(err->message, sizeof err->message, "out of memory for the texts' drift");
    return ST_ERR_NOMEM;
}

static void side_free(side *s)
{
    free(s->words), free(s->with);
    memset(s, 0, sizeof *s);
}

/* Each distinct text (a level of the column) analysed once, counted for its rows. */
static st_status analyse(const st_text_featurizer *f, const st_dataset *ds, size_t col,
                         side *s, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds), n_levels = st_dataset_n_levels(ds, col);
    const size_t n_terms = st_text_featurizer_n_terms(f);
    st_text_options words_opt = st_text_featurizer_options(f);
    words_opt.ngram_min = words_opt.ngram_max = 1; /* a text's length: all its words */
    words_opt.stop_words = ST_TEXT_STOP_NONE;
    s->n_rows = n;
    s->words = malloc((n + 1) * sizeof *s->words);
    s->with = calloc(n_terms + 1, sizeof *s->with);
    size_t *count = calloc(n_levels + 1, sizeof *count);
    double *level_words = calloc(n_levels + 1, sizeof *level_words);
    size_t *seen_at = malloc((n_terms + 1) * sizeof *seen_at); /* last level with it */
    if (s->words == NULL || s->with == NULL || count == NULL || level_words == NULL ||
        seen_at == NULL) {
        free(count), free(level_words), free(seen_at);
        side_free(s);
        return fail_nomem(err);
    }
    for (size_t t = 0; t < n_terms; t++)
        seen_at[t] = (size_t)-1;
    st_status rc = st_dataset_level_counts(ds, col, count, n_levels, err);
    for (size_t l = 0; l < n_levels && rc == ST_OK; l++) {
        if (count[l] == 0)
            continue;
        const char *text = st_dataset_level(ds, col, l);
        char **words = NULL;
        size_t n_words = 0, n_spans = 0;
        st_text_span *spans = NULL;
        rc = st_text_terms(text, strlen(text), &words_opt, &words, &n_words, err);
        if (rc == ST_OK)
            rc = st_text_spans(f, text, strlen(text), &spans, &n_spans, err);
        st_text_terms_free(words, n_words);
        if (rc != ST_OK)
            break;
        level_words[l] = (double)n_words;
        s->terms += count[l] * n_spans;
        for (size_t k = 0; k < n_spans; k++) {
            const long c = spans[k].column;
            if (c < 0)
                s->unseen += count[l];
            else if (seen_at[c] != l) {
                seen_at[c] = l;
                s->with[c] += count[l];
            }
        }
        st_text_spans_free(spans);
    }
    if (rc == ST_OK) {
        const float *v = st_dataset_feature_values(ds, col);
        for (size_t i = 0; i < n; i++) {
            s->words[i] = isnan(v[i]) ? 0 : level_words[(size_t)v[i]];
            s->empty += s->words[i] == 0;
        }
    }
    free(count), free(level_words), free(seen_at);
    if (rc != ST_OK)
        side_free(s);
    return rc;
}

static int compare_floats(const void *a, const void *b)
{
    const float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* KS of the words per text, as for a numeric column (st_drift_ks_sorted). */
static st_status words_ks(const side *r, const side *c, double *d, double *p, st_error *err)
{
    float *a = malloc((r->n_rows + 1) * sizeof *a), *b = malloc((c->n_rows + 1) * sizeof *b);
    if (a == NULL || b == NULL) {
        free(a), free(b);
        return fail_nomem(err);
    }
    for (size_t i = 0; i < r->n_rows; i++)
        a[i] = (float)r->words[i];
    for (size_t i = 0; i < c->n_rows; i++)
        b[i] = (float)c->words[i];
    qsort(a, r->n_rows, sizeof *a, compare_floats);
    qsort(b, c->n_rows, sizeof *b, compare_floats);
    st_status rc = st_drift_ks_sorted(a, r->n_rows, b, c->n_rows, d, p, err);
    free(a), free(b);
    return rc;
}

static const drift_token *sort_tokens;

/* By |shift|, largest first; then by PSI, then by label. */
static int by_shift(const void *a, const void *b)
{
    const drift_token *x = &sort_tokens[*(const size_t *)a];
    const drift_token *y = &sort_tokens[*(const size_t *)b];
    const double sx = isnan(x->shift) ? -1 : fabs(x->shift);
    const double sy = isnan(y->shift) ? -1 : fabs(y->shift);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    if (x->psi != y->psi)
        return x->psi > y->psi ? -1 : 1;
    return strcmp(x->label, y->label);
}

/* Featurizer k's numbers from the two sides into t. */
static st_status summarise(const cli_model *m, size_t k, const side *s, const drift_model *dm,
                           size_t top, drift_text *t, st_error *err)
{
    const st_text_featurizer *f = cli_model_text(m, k);
    const size_t n_terms = st_text_featurizer_n_terms(f);
    drift_token *all = calloc(n_terms + 1, sizeof *all);
    size_t *order = malloc((n_terms + 1) * sizeof *order);
    if (all == NULL || order == NULL) {
        free(all), free(order);
        return fail_nomem(err);
    }
    for (size_t c = 0; c < n_terms; c++)
        all[c] = (drift_token){st_text_featurizer_label(f, c), s[0].with[c], s[1].with[c],
                               NAN, NAN, NAN, NAN, NAN};
    t->importance = t->shift = 0;
    for (size_t j = 0; j < m->n_features; j++)
        if (m->text_feature[j] == (long)k) {
            all[m->text_column[j]].importance = dm->feature_importance[j];
            all[m->text_column[j]].shift = dm->feature_shift[j];
            t->importance += dm->feature_importance[j];
            t->shift += dm->feature_shift[j];
        }
    st_status rc = ST_OK;
    for (size_t c = 0; c < n_terms && rc == ST_OK; c++) {
        drift_token *x = &all[c];
        const size_t ref[2] = {x->with_reference, s[0].n_rows - x->with_reference};
        const size_t cur[2] = {x->with_new, s[1].n_rows - x->with_new};
        size_t dof;
        rc = st_drift_psi_counts(ref, cur, 2, 1e-4, &x->psi, err);
        if (rc == ST_OK) /* as scipy.stats.chi2_contingency: Yates at 1 degree of freedom;
                            a term in no text (or in all): 0, p 1 */
            rc = st_drift_chi2_counts(ref, cur, 2, &x->chi2, &dof, &x->chi2_pvalue, err);
        order[c] = c;
    }
    if (rc == ST_OK) {
        sort_tokens = all;
        qsort(order, n_terms, sizeof *order, by_shift);
        t->n_tokens = top < n_terms ? top : n_terms;
        t->tokens = calloc(t->n_tokens + 1, sizeof *t->tokens);
        if (t->tokens == NULL)
            rc = fail_nomem(err);
        for (size_t i = 0; i < t->n_tokens && rc == ST_OK; i++)
            t->tokens[i] = all[order[i]];
    }
    free(all), free(order);
    return rc;
}

static double share(size_t part, size_t whole)
{
    return whole > 0 ? (double)part / (double)whole : NAN;
}

int drift_text_compute(const cli_model *m, const st_dataset *ref, const st_dataset *cur,
                       const drift_model *dm, int n_bins, size_t top_tokens, drift_text *out)
{
    const size_t n_text = cli_model_n_text(m);
    const st_dataset *ds[2] = {ref, cur};
    st_error err;
    st_status rc = ST_OK;
    for (size_t k = 0; k < n_text && rc == ST_OK; k++) {
        const st_text_featurizer *f = cli_model_text(m, k);
        drift_text *t = &out[k];
        memset(t, 0, sizeof *t);
        t->column = st_text_featurizer_column(f);
        t->n_terms = st_text_featurizer_n_terms(f);
        side s[2];
        memset(s, 0, sizeof s);
        for (int d = 0; d < 2 && rc == ST_OK; d++) {
            /* present: cmd_drift.c checked the model's text columns, read as text */
            const long col = st_dataset_find_feature(ds[d], t->column);
            rc = analyse(f, ds[d], (size_t)col, &s[d], &err);
        }
        if (rc == ST_OK)
            rc = st_drift_psi_values(s[0].words, s[0].n_rows, s[1].words, s[1].n_rows, n_bins,
                                     1e-4, &t->words_psi, &err);
        if (rc == ST_OK)
            rc = words_ks(&s[0], &s[1], &t->words_ks, &t->words_ks_pvalue, &err);
        if (rc == ST_OK)
            rc = summarise(m, k, s, dm, top_tokens, t, &err);
        if (rc == ST_OK) {
            double sum[2] = {0, 0};
            for (int d = 0; d < 2; d++)
                for (size_t i = 0; i < s[d].n_rows; i++)
                    sum[d] += s[d].words[i];
            t->words_mean_reference = sum[0] / (double)s[0].n_rows;
            t->words_mean_new = sum[1] / (double)s[1].n_rows;
            t->empty_reference = share(s[0].empty, s[0].n_rows);
            t->empty_new = share(s[1].empty, s[1].n_rows);
            t->unseen_reference = share(s[0].unseen, s[0].terms);
            t->unseen_new = share(s[1].unseen, s[1].terms);
        }
        side_free(&s[0]), side_free(&s[1]);
    }
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

void drift_text_free(drift_text *t, size_t n)
{
    for (size_t k = 0; t != NULL && k < n; k++) {
        free(t[k].tokens);
        t[k].tokens = NULL;
    }
}

/* 1 when the model's featurizers read their texts from the column called name. */
static int is_text_column(const cli_model *m, const char *name)
{
    for (size_t k = 0; k < cli_model_n_text(m); k++)
        if (strcmp(st_text_featurizer_column(cli_model_text(m, k)), name) == 0)
            return 1;
    return 0;
}

int drift_text_prepare(const cli_model *m, const char *model_path, st_dataset *const ds[2],
                       const char *const path[2], st_dataset *cols[2], st_dataset *feat[2])
{
    for (int s = 0; s < 2; s++) {
        cols[s] = feat[s] = NULL;
        for (size_t k = 0; k < cli_model_n_text(m); k++) {
            const char *name = st_text_featurizer_column(cli_model_text(m, k));
            if (st_dataset_find_feature(ds[s], name) < 0) {
                fprintf(stderr, "stratum: %s: no text column '%s', which the model %s reads "
                        "its text from\n", path[s], name, model_path);
                return EXIT_FAILED;
            }
        }
    }
    for (int s = 0; s < 2; s++) {
        const size_t nf = st_dataset_n_features(ds[s]);
        size_t *keep = malloc((nf + 1) * sizeof *keep), n_keep = 0;
        if (keep == NULL) {
            fprintf(stderr, "stratum: out of memory\n");
            return EXIT_FAILED;
        }
        for (size_t j = 0; j < nf; j++)
            if (!is_text_column(m, st_dataset_feature_name(ds[s], j)))
                keep[n_keep++] = j;
        st_error err;
        st_status rc = ST_OK;
        if (n_keep > 0) /* else only the texts: no column to compare (cols[s] NULL) */
            rc = st_dataset_select(ds[s], NULL, 0, keep, n_keep, &cols[s], &err);
        free(keep);
        feat[s] = ds[s];
        if (rc == ST_OK)
            rc = cli_model_featurize(m, &feat[s], 0, &err);
        if (rc != ST_OK) {
            feat[s] = NULL;
            return cli_fail(&err, rc);
        }
    }
    return EXIT_OK;
}
