/* A text model's text columns in st_drift_compare_model: the raw texts of both datasets
 * seen through the model's own featurizer. Per text column: the words per text (their PSI
 * on the reference's quantile bins and KS, as for a numeric column), the share of empty
 * texts, the share of terms the model has no column for (out of vocabulary: never in its
 * fitting texts, or below min_df there), the column's summed importance and contribution
 * shift, and the terms that move the scores most, named by their surface forms. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "drift_model_impl.h"

#include "core/alloc.h"
#include "core/error.h"

/* One dataset's texts of one column. */
typedef struct side {
    size_t n_rows;
    double *words;        /* per row: its text's words (0 for a missing text) */
    size_t empty;         /* rows without a word */
    size_t terms, unseen; /* terms over all rows, and those without a model column */
    size_t *with;         /* per featurizer column: rows whose text has the term */
} side;

static st_status no_memory(st_error *err)
{
    return st__fail(err, ST_ERR_NOMEM, "out of memory for the texts' drift");
}

static void side_free(side *s)
{
    st__free(s->words), st__free(s->with);
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
    s->words = st__malloc_array(n + 1, sizeof *s->words);
    s->with = st__calloc(n_terms + 1, sizeof *s->with);
    size_t *count = st__calloc(n_levels + 1, sizeof *count);
    double *level_words = st__calloc(n_levels + 1, sizeof *level_words);
    size_t *seen_at = st__malloc_array(n_terms + 1, sizeof *seen_at); /* last level with it */
    if (s->words == NULL || s->with == NULL || count == NULL || level_words == NULL ||
        seen_at == NULL) {
        st__free(count), st__free(level_words), st__free(seen_at);
        side_free(s);
        return no_memory(err);
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
    st__free(count), st__free(level_words), st__free(seen_at);
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
    float *a = st__malloc_array(r->n_rows + 1, sizeof *a);
    float *b = st__malloc_array(c->n_rows + 1, sizeof *b);
    if (a == NULL || b == NULL) {
        st__free(a), st__free(b);
        return no_memory(err);
    }
    for (size_t i = 0; i < r->n_rows; i++)
        a[i] = (float)r->words[i];
    for (size_t i = 0; i < c->n_rows; i++)
        b[i] = (float)c->words[i];
    qsort(a, r->n_rows, sizeof *a, compare_floats);
    qsort(b, c->n_rows, sizeof *b, compare_floats);
    st_status rc = st_drift_ks_sorted(a, r->n_rows, b, c->n_rows, d, p, err);
    st__free(a), st__free(b);
    return rc;
}

/* A term and its column, for the ranking. */
typedef struct ranked {
    st_drift_term t;
    size_t column;
} ranked;

/* By |shift|, largest first; then by PSI, then by label, then by column (a total order:
 * the ranking does not depend on the sort's algorithm). */
static int by_shift(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    const double sx = isnan(x->t.shift) ? -1 : fabs(x->t.shift);
    const double sy = isnan(y->t.shift) ? -1 : fabs(y->t.shift);
    if (sx != sy)
        return sx > sy ? -1 : 1;
    if (x->t.psi != y->t.psi)
        return x->t.psi > y->t.psi ? -1 : 1;
    const int by_label = strcmp(x->t.label, y->t.label);
    if (by_label != 0)
        return by_label;
    return x->column < y->column ? -1 : x->column > y->column;
}

/* Featurizer k's terms from the two sides into t: importance and shift from r's per-feature
 * means (featurizer and term say which feature is which term column), the top ones kept. */
static st_status summarise(const st_model *m, size_t k, const side *s, const long *featurizer,
                           const size_t *term, const st_drift_model_result *r, size_t top,
                           st_drift_text *t, st_error *err)
{
    const st_text_featurizer *f = st_model_text_featurizer(m, k);
    const size_t n_terms = st_text_featurizer_n_terms(f);
    ranked *all = st__calloc(n_terms + 1, sizeof *all);
    if (all == NULL)
        return no_memory(err);
    for (size_t c = 0; c < n_terms; c++)
        all[c] = (ranked){{st_text_featurizer_label(f, c), s[0].with[c], s[1].with[c], NAN,
                           NAN, NAN, NAN, NAN}, c};
    t->importance = t->shift = 0;
    for (size_t j = 0; j < r->n_model_features; j++)
        if (featurizer[j] == (long)k) {
            all[term[j]].t.importance = r->feature_importance[j];
            all[term[j]].t.shift = r->feature_shift[j];
            t->importance += r->feature_importance[j];
            t->shift += r->feature_shift[j];
        }
    st_status rc = ST_OK;
    for (size_t c = 0; c < n_terms && rc == ST_OK; c++) {
        st_drift_term *x = &all[c].t;
        const size_t ref[2] = {x->with_reference, s[0].n_rows - x->with_reference};
        const size_t cur[2] = {x->with_new, s[1].n_rows - x->with_new};
        size_t dof;
        rc = st_drift_psi_counts(ref, cur, 2, 1e-4, &x->psi, err);
        if (rc == ST_OK) /* as scipy.stats.chi2_contingency: Yates at 1 degree of freedom;
                            a term in no text (or in all): 0, p 1 */
            rc = st_drift_chi2_counts(ref, cur, 2, &x->chi2, &dof, &x->chi2_pvalue, err);
    }
    if (rc == ST_OK) {
        qsort(all, n_terms, sizeof *all, by_shift);
        t->n_terms = top < n_terms ? top : n_terms;
        t->terms = st__calloc(t->n_terms + 1, sizeof *t->terms);
        if (t->terms == NULL)
            rc = no_memory(err);
        for (size_t i = 0; i < t->n_terms && rc == ST_OK; i++)
            t->terms[i] = all[i].t;
    }
    st__free(all);
    return rc;
}

static double share(size_t part, size_t whole)
{
    return whole > 0 ? (double)part / (double)whole : NAN;
}

/* Text column k of r (t). */
static st_status one_column(const st_model *m, size_t k, const st_dataset *const raw[2],
                            const long *featurizer, const size_t *term,
                            const st_drift_model_options *o, const st_drift_model_result *r,
                            st_drift_text *t, st_error *err)
{
    const st_text_featurizer *f = st_model_text_featurizer(m, k);
    t->column = st_text_featurizer_column(f);
    t->n_term_columns = st_text_featurizer_n_terms(f);
    side s[2];
    memset(s, 0, sizeof s);
    st_status rc = ST_OK;
    for (int d = 0; d < 2 && rc == ST_OK; d++) /* present: st__drift_sides_make checked */
        rc = analyse(f, raw[d], (size_t)st_dataset_find_feature(raw[d], t->column), &s[d],
                     err);
    if (rc == ST_OK)
        rc = st_drift_psi_values(s[0].words, s[0].n_rows, s[1].words, s[1].n_rows,
                                 o->columns.n_bins, 1e-4, &t->words_psi, err);
    if (rc == ST_OK)
        rc = words_ks(&s[0], &s[1], &t->words_ks, &t->words_ks_pvalue, err);
    if (rc == ST_OK)
        rc = summarise(m, k, s, featurizer, term, r, o->top_terms, t, err);
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
    return rc;
}

st_status st__drift_model_text(const st_model *m, const st_dataset *const raw[2],
                               const st_drift_model_options *o, st_drift_model_result *r,
                               st_error *err)
{
    const size_t n_text = st_model_n_text_featurizers(m), nf = r->n_model_features;
    if (n_text == 0)
        return ST_OK;
    r->text = st__calloc(n_text, sizeof *r->text);
    long *featurizer = st__malloc_array(nf + 1, sizeof *featurizer);
    size_t *term = st__malloc_array(nf + 1, sizeof *term);
    st_status rc = ST_OK;
    if (r->text == NULL || featurizer == NULL || term == NULL)
        rc = no_memory(err);
    else
        r->n_text = n_text;
    if (rc == ST_OK)
        rc = st_model_feature_labels(m, NULL, featurizer, term, nf + 1, err);
    for (size_t k = 0; k < n_text && rc == ST_OK; k++)
        rc = one_column(m, k, raw, featurizer, term, o, r, &r->text[k], err);
    st__free(featurizer), st__free(term);
    return rc;
}
