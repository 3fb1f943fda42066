/* In stratum explain's report of a model of text columns: a row's text with the terms that
 * decided its prediction marked, red for those raising the risk and blue for those
 * lowering it (report_explain.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "fit/explain_impl.h"
#include "report_explain.h"

/* The deciding columns of a featurizer in a row of contributions c: the `top` present term
 * columns pushing the risk up most and the `top` pushing it down most; feat[t] is the model
 * feature of column t (-1: none), and deciding[t] is set for them. */
static void choose_deciding(const double *c, const long *feat, const st_text_span *sp,
                            size_t n_sp, size_t top, unsigned char *deciding, double *key,
                            size_t *order, size_t n_cols)
{
    for (size_t t = 0; t < n_cols; t++)
        key[t] = 0;
    for (size_t s = 0; s < n_sp; s++) /* present columns: their contribution */
        if (sp[s].column >= 0 && feat[sp[s].column] >= 0)
            key[sp[s].column] = c[feat[sp[s].column]];
    for (int dir = 1; dir >= -1; dir -= 2) {
        for (size_t t = 0; t < n_cols; t++)
            key[t] *= dir;
        st__explain_rank(key, n_cols, order);
        for (size_t k = 0; k < n_cols && k < top && key[order[k]] > 0; k++)
            deciding[order[k]] = 1;
        for (size_t t = 0; t < n_cols; t++)
            key[t] *= dir;
    }
}

/* Working memory of one text. */
typedef struct text_scratch {
    long *feat;              /* per term column: its model feature, or -1 */
    double *key;
    size_t *order;
    unsigned char *deciding;
    long *winner;            /* per byte: the span marking it, or -1 */
    st_report_mark *marks;
    char (*titles)[400];
} text_scratch;

static void scratch_free(text_scratch *s)
{
    st__free(s->feat), st__free(s->key), st__free(s->order), st__free(s->deciding);
    st__free(s->winner), st__free(s->marks), st__free(s->titles);
}

/* The marks of text (len bytes, spans sp) from the deciding columns; returns how many. */
static size_t make_marks(const double *c, const st_text_span *sp, size_t n_sp, size_t len,
                         text_scratch *s)
{
    const long *feat = s->feat;
    for (size_t b = 0; b < len; b++)
        s->winner[b] = -1;
    /* overlapping terms (n-grams): a byte goes to the largest |contribution| */
    for (size_t i = 0; i < n_sp; i++) {
        long t = sp[i].column;
        if (t < 0 || !s->deciding[t])
            continue;
        double v = fabs(c[feat[t]]);
        for (size_t b = sp[i].begin; b < sp[i].end; b++)
            if (s->winner[b] < 0 || v > fabs(c[feat[sp[s->winner[b]].column]]))
                s->winner[b] = (long)i;
    }
    size_t n_marks = 0;
    for (size_t b = 0; b < len;) {
        size_t e = b + 1;
        while (e < len && s->winner[e] == s->winner[b])
            e++;
        if (s->winner[b] >= 0)
            s->marks[n_marks++] = (st_report_mark){
                b, e, c[feat[sp[s->winner[b]].column]] > 0, NULL};
        b = e;
    }
    return n_marks;
}

/* Text of featurizer f (the model's featurizer fk) in chosen row k, its deciding terms
 * marked. */
static st_status marked_text(st_report *rep, const st_model *m, const st_explanation *ex,
                             size_t k, size_t fk, size_t top, st_error *err)
{
    const st_text_featurizer *f = st_model_text_featurizer(m, fk);
    const char *text = ex->texts[k * ex->n_texts + fk];
    text = text != NULL ? text : "";
    const double *c = ex->contrib + k * (ex->n_features + 1);
    const size_t len = strlen(text), n_cols = st_text_featurizer_n_terms(f);
    st_text_span *sp = NULL;
    size_t n_sp = 0;
    st_status rc = st_text_spans(f, text, len, &sp, &n_sp, err);
    if (rc != ST_OK)
        return rc;
    text_scratch s = {st__malloc_array(n_cols + 1, sizeof *s.feat),
                      st__malloc_array(n_cols + 1, sizeof *s.key),
                      st__malloc_array(n_cols + 1, sizeof *s.order),
                      st__calloc(n_cols + 1, 1),
                      st__malloc_array(len + 1, sizeof *s.winner),
                      st__malloc_array(len + 1, sizeof *s.marks), NULL};
    size_t n_marks = 0;
    if (s.feat == NULL || s.key == NULL || s.order == NULL || s.deciding == NULL ||
        s.winner == NULL || s.marks == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the report");
    if (rc == ST_OK) {
        for (size_t t = 0; t < n_cols; t++)
            s.feat[t] = -1;
        for (size_t j = 0; j < ex->n_features; j++)
            if (ex->text_featurizer[j] == (long)fk)
                s.feat[ex->text_term[j]] = (long)j;
        choose_deciding(c, s.feat, sp, n_sp, top, s.deciding, s.key, s.order, n_cols);
        n_marks = make_marks(c, sp, n_sp, len, &s);
        if ((s.titles = st__malloc_array(n_marks + 1, sizeof *s.titles)) == NULL)
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the report");
    }
    if (rc == ST_OK) {
        for (size_t i = 0; i < n_marks; i++) {
            /* the term as the text writes it, its contribution, and its column's label
             * (in hashing mode the bucket's most frequent terms, which may not be it) */
            const st_text_span *w = &sp[s.winner[s.marks[i].begin]];
            const int term_len = (int)(w->end - w->begin < 120 ? w->end - w->begin : 120);
            snprintf(s.titles[i], sizeof s.titles[i], "%.*s: %+.4f (%s)", term_len,
                     text + w->begin, c[s.feat[w->column]], ex->labels[s.feat[w->column]]);
            s.marks[i].title = s.titles[i];
        }
        char caption[600];
        snprintf(caption, sizeof caption, "Text of column '%s'. Marked: the %zu terms raising "
                 "the risk most (red) and the %zu lowering it most (blue) among those in the "
                 "text; hover a mark for its term and contribution.",
                 st_text_featurizer_column(f), top, top);
        st_report_marked_text(rep, caption, text, len, s.marks, n_marks);
    }
    scratch_free(&s);
    st_text_spans_free(sp);
    return rc;
}

st_status st__report_explain_texts(st_report *rep, const st_model *m, const st_explanation *ex,
                                   size_t k, size_t top, st_error *err)
{
    st_status rc = ST_OK;
    for (size_t fk = 0; fk < ex->n_texts && rc == ST_OK; fk++)
        rc = marked_text(rep, m, ex, k, fk, top, err);
    return rc;
}
