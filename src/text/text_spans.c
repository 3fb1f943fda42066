/* Where the terms of a text are (st_text_spans): the analyzer run with word positions
 * kept, each term given its featurizer column, for an explanation that highlights the
 * words of a note that decided its prediction. */
#include "text_impl.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

void st_text_spans_free(st_text_span *spans) { st__free(spans); }

st_status st_text_spans(const st_text_featurizer *f, const char *text, size_t len,
                        st_text_span **spans, size_t *n_spans, st_error *err)
{
    if (spans != NULL)
        *spans = NULL;
    if (n_spans != NULL)
        *n_spans = 0;
    if (f == NULL || spans == NULL || n_spans == NULL || (text == NULL && len > 0))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_text_spans: NULL argument");
    st__analyzer a;
    memset(&a, 0, sizeof a);
    a.opt = f->opt;
    a.spans = 1;
    size_t bad = 0;
    st_status rc = st__analyze(&a, text != NULL ? text : "", len, &bad);
    if (rc == ST_ERR_PARSE) {
        st__analyzer_free(&a);
        return st__fail(err, ST_ERR_PARSE, "text column '%s': byte %zu (0-based): invalid "
                        "UTF-8", f->column, bad);
    }
    st_text_span *out = rc == ST_OK ? st__malloc_array(a.n_terms + 1, sizeof *out) : NULL;
    if (out == NULL) {
        st__analyzer_free(&a);
        return st__fail(err, ST_ERR_NOMEM, "st_text_spans: out of memory");
    }
    /* the analyzer's order: the n-grams of n words for n = min..max, each in text order */
    size_t t = 0;
    for (size_t n = (size_t)f->opt.ngram_min; n <= (size_t)f->opt.ngram_max; n++)
        for (size_t w = 0; w + n <= a.n_words; w++, t++) {
            int sign;
            out[t].begin = a.src_begin[w];
            out[t].end = a.src_end[w + n - 1];
            out[t].column = st__text_column_of(f, a.grams + a.term_off[t], a.term_len[t],
                                               &sign);
            out[t].sign = sign;
        }
    *spans = out;
    *n_spans = a.n_terms;
    st__analyzer_free(&a);
    return ST_OK;
}
