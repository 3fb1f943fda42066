/* stratum explain --report on a model of text columns: a row's text with the terms that
 * decided its prediction marked, red for those raising the risk and blue for those
 * lowering it (explain.h, report_explain_texts). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "report_cli.h"

/* The deciding columns of featurizer c in row r: the `top` present term columns pushing
 * the risk up most and the `top` pushing it down most; feat[t] is the model feature of
 * column t (-1: none), and deciding[t] is set for them. */
static void choose_deciding(const explain_row *r, const long *feat, const st_text_span *sp,
                            size_t n_sp, size_t top, unsigned char *deciding, double *key,
                            size_t *order, size_t n_cols)
{
    for (size_t t = 0; t < n_cols; t++)
        key[t] = 0;
    for (size_t s = 0; s < n_sp; s++) /* present columns: their contribution */
        if (sp[s].column >= 0 && feat[sp[s].column] >= 0)
            key[sp[s].column] = r->contrib[feat[sp[s].column]];
    for (int dir = 1; dir >= -1; dir -= 2) {
        for (size_t t = 0; t < n_cols; t++)
            key[t] *= dir;
        explain_rank(key, n_cols, order);
        for (size_t k = 0; k < n_cols && k < top && key[order[k]] > 0; k++)
            deciding[order[k]] = 1;
        for (size_t t = 0; t < n_cols; t++)
            key[t] *= dir;
    }
}

/* One text of row r, featurizer c of the model, with its deciding terms marked. */
static int marked_text(st_report *rep, const cli_model *m, const explain_row *r, size_t c,
                       size_t top)
{
    const st_text_featurizer *f = cli_model_text(m, c);
    const char *text = r->texts[c] != NULL ? r->texts[c] : "";
    const size_t len = strlen(text), n_cols = st_text_featurizer_n_terms(f);
    st_text_span *sp = NULL;
    size_t n_sp = 0;
    st_error err;
    if (st_text_spans(f, text, len, &sp, &n_sp, &err) != ST_OK)
        return cli_fail(&err, err.code);
    long *feat = malloc((n_cols + 1) * sizeof *feat);
    double *key = malloc((n_cols + 1) * sizeof *key);
    size_t *order = malloc((n_cols + 1) * sizeof *order);
    unsigned char *deciding = calloc(n_cols + 1, 1);
    long *winner = malloc((len + 1) * sizeof *winner); /* per byte: the span marking it */
    st_report_mark *marks = malloc((len + 1) * sizeof *marks);
    char(*titles)[400] = NULL;
    int status = EXIT_OK;
    if (feat == NULL || key == NULL || order == NULL || deciding == NULL || winner == NULL ||
        marks == NULL) {
        fprintf(stderr, "stratum: out of memory for the report\n");
        status = EXIT_FAILED;
    }
    size_t n_marks = 0;
    if (status == EXIT_OK) {
        for (size_t t = 0; t < n_cols; t++)
            feat[t] = -1;
        for (size_t j = 0; j < m->n_features; j++)
            if (m->text_feature[j] == (long)c)
                feat[m->text_column[j]] = (long)j;
        choose_deciding(r, feat, sp, n_sp, top, deciding, key, order, n_cols);
        for (size_t b = 0; b < len; b++)
            winner[b] = -1;
        /* overlapping terms (n-grams): a byte goes to the largest |contribution| */
        for (size_t s = 0; s < n_sp; s++) {
            long t = sp[s].column;
            if (t < 0 || !deciding[t])
                continue;
            double v = fabs(r->contrib[feat[t]]);
            for (size_t b = sp[s].begin; b < sp[s].end; b++)
                if (winner[b] < 0 || v > fabs(r->contrib[feat[sp[winner[b]].column]]))
                    winner[b] = (long)s;
        }
        for (size_t b = 0; b < len;) {
            size_t e = b + 1;
            while (e < len && winner[e] == winner[b])
                e++;
            if (winner[b] >= 0)
                marks[n_marks++] = (st_report_mark){
                    b, e, r->contrib[feat[sp[winner[b]].column]] > 0, NULL};
            b = e;
        }
        titles = malloc((n_marks + 1) * sizeof *titles);
        if (titles == NULL) {
            fprintf(stderr, "stratum: out of memory for the report\n");
            status = EXIT_FAILED;
        }
    }
    if (status == EXIT_OK) {
        for (size_t k = 0; k < n_marks; k++) {
            /* the term as the text writes it, its contribution, and its column's label
             * (in hashing mode the bucket's most frequent terms, which may not be it) */
            const st_text_span *w = &sp[winner[marks[k].begin]];
            const int term_len = (int)(w->end - w->begin < 120 ? w->end - w->begin : 120);
            snprintf(titles[k], sizeof titles[k], "%.*s: %+.4f (%s)", term_len,
                     text + w->begin, r->contrib[feat[w->column]],
                     cli_model_feature_name(m, (size_t)feat[w->column]));
            marks[k].title = titles[k];
        }
        char caption[600];
        snprintf(caption, sizeof caption, "Text of column '%s'. Marked: the %zu terms raising "
                 "the risk most (red) and the %zu lowering it most (blue) among those in the "
                 "text; hover a mark for its term and contribution.",
                 st_text_featurizer_column(f), top, top);
        st_report_marked_text(rep, caption, text, len, marks, n_marks);
    }
    free(feat), free(key), free(order), free(deciding), free(winner), free(marks),
        free(titles);
    st_text_spans_free(sp);
    return status;
}

int report_explain_texts(st_report *rep, const cli_model *m, const explain_row *r, size_t top)
{
    int status = EXIT_OK;
    for (size_t c = 0; c < cli_model_n_text(m) && status == EXIT_OK; c++)
        status = marked_text(rep, m, r, c, top);
    return status;
}
