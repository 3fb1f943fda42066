/* One text to its terms (text_impl.h, st__analyzer): UTF-8 decoded, words of letters and
 * digits lower-cased (include/stratum/text.h, "Words"), stop words dropped, then the
 * n-grams of the remaining words, as scikit-learn's word analyzer orders them. */
#include "text_impl.h"

#include <string.h>

#include "core/alloc.h"
#include "text_unicode.h"

void st__analyzer_free(st__analyzer *a)
{
    if (a == NULL)
        return;
    st__free(a->low);
    st__free(a->word_off);
    st__free(a->word_len);
    st__free(a->grams);
    st__free(a->term_off);
    st__free(a->term_len);
    st__free(a->src_begin);
    st__free(a->src_end);
    memset(a, 0, sizeof *a);
}

static int grow_pair(size_t **a, size_t **b, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 1;
    size_t c = *cap < 64 ? 64 : *cap;
    while (c < need)
        c *= 2;
    size_t *na = st__realloc_array(*a, c, sizeof *na);
    if (na == NULL)
        return 0;
    *a = na;
    size_t *nb = st__realloc_array(*b, c, sizeof *nb);
    if (nb == NULL)
        return 0;
    *b = nb;
    *cap = c;
    return 1;
}

/* Word n_words: [off, off+len) of low, from bytes [begin, end) of the text. */
static int add_word(st__analyzer *a, size_t off, size_t len, size_t begin, size_t end)
{
    if (!grow_pair(&a->word_off, &a->word_len, &a->word_cap, a->n_words + 1))
        return 0;
    if (a->spans) {
        if (!grow_pair(&a->src_begin, &a->src_end, &a->src_cap, a->n_words + 1))
            return 0;
        a->src_begin[a->n_words] = begin;
        a->src_end[a->n_words] = end;
    }
    a->word_off[a->n_words] = off;
    a->word_len[a->n_words] = len;
    a->n_words++;
    return 1;
}

/* The words of the text into a->low and a->word_*. */
static st_status split_words(st__analyzer *a, const char *text, size_t len, size_t *bad)
{
    /* a lower-case form is at most 3/2 the bytes of its capital (2 -> 3 bytes) */
    size_t need = 2 * len + 8;
    if (need > a->low_cap) {
        char *low = st__realloc(a->low, need);
        if (low == NULL)
            return ST_ERR_NOMEM;
        a->low = low;
        a->low_cap = need;
    }
    a->n_words = 0;
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, out = 0, start = 0, begin = 0;
    int in_word = 0;
    while (i < len) {
        uint32_t cp;
        size_t k = st__utf8_decode(s + i, len - i, &cp);
        if (k == 0) {
            *bad = i;
            return ST_ERR_PARSE;
        }
        if (st__text_is_word(cp)) {
            if (!in_word) {
                start = out;
                begin = i;
                in_word = 1;
            }
            out += st__utf8_encode(st__text_lower(cp),
                                   a->low + out);
        } else if (in_word) {
            in_word = 0;
            if (!add_word(a, start, out - start, begin, i))
                return ST_ERR_NOMEM;
        }
        i += k;
    }
    if (in_word && !add_word(a, start, out - start, begin, len))
        return ST_ERR_NOMEM;
    return ST_OK;
}

static void drop_stop_words(st__analyzer *a)
{
    size_t kept = 0;
    for (size_t w = 0; w < a->n_words; w++) {
        if (st__text_is_stop_word(a->low + a->word_off[w], a->word_len[w]))
            continue;
        a->word_off[kept] = a->word_off[w];
        a->word_len[kept] = a->word_len[w];
        if (a->spans) {
            a->src_begin[kept] = a->src_begin[w];
            a->src_end[kept] = a->src_end[w];
        }
        kept++;
    }
    a->n_words = kept;
}

/* Appends the term made of words w .. w+n-1 joined by spaces. */
static int add_term(st__analyzer *a, size_t w, size_t n)
{
    size_t bytes = n - 1;
    for (size_t k = 0; k < n; k++)
        bytes += a->word_len[w + k];
    if (a->grams_size + bytes > a->grams_cap) {
        size_t c = a->grams_cap < 256 ? 256 : a->grams_cap;
        while (c < a->grams_size + bytes)
            c *= 2;
        char *g = st__realloc(a->grams, c);
        if (g == NULL)
            return 0;
        a->grams = g;
        a->grams_cap = c;
    }
    if (!grow_pair(&a->term_off, &a->term_len, &a->term_cap, a->n_terms + 1))
        return 0;
    char *o = a->grams + a->grams_size;
    for (size_t k = 0; k < n; k++) {
        if (k > 0)
            *o++ = ' ';
        memcpy(o, a->low + a->word_off[w + k], a->word_len[w + k]);
        o += a->word_len[w + k];
    }
    a->term_off[a->n_terms] = a->grams_size;
    a->term_len[a->n_terms] = bytes;
    a->n_terms++;
    a->grams_size += bytes;
    return 1;
}

st_status st__analyze(st__analyzer *a, const char *text, size_t len, size_t *bad)
{
    a->n_terms = 0;
    a->grams_size = 0;
    st_status rc = split_words(a, text, len, bad);
    if (rc != ST_OK)
        return rc;
    if (a->opt.stop_words == ST_TEXT_STOP_ENGLISH)
        drop_stop_words(a);
    for (size_t n = (size_t)a->opt.ngram_min; n <= (size_t)a->opt.ngram_max; n++)
        for (size_t w = 0; w + n <= a->n_words; w++)
            if (!add_term(a, w, n))
                return ST_ERR_NOMEM;
    if (a->forms != NULL)
        return st__text_forms_count(a->forms, a->grams, a->term_off, a->term_len, a->n_terms);
    return ST_OK;
}
