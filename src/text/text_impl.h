/* src/text/: free-text columns made sparse numeric features (include/stratum/text.h). It
 * calls data/ (the dataset it reads and extends, through data/dataset_impl.h for the new
 * sparse columns), io/ (the featurizer's text form) and core/; eval, logreg and the later
 * folders may call it (a logistic-regression model file keeps its featurizers).
 *
 * This file: the featurizer, the term map both modes look terms up in, and the analyzer
 * that turns one text into its terms. */
#ifndef STRATUM_TEXT_IMPL_H
#define STRATUM_TEXT_IMPL_H

#include <stratum/text.h>

#include <stddef.h>
#include <stdint.h>

/* Strings to indices 0..n-1 in the order they were first added (open addressing). */
typedef struct st__tmap {
    char **keys;      /* n keys, owned */
    size_t *lens;     /* their lengths */
    uint32_t *slots;  /* cap slots of two words: key index + 1 (0 empty), hash bits */
    size_t n, cap, key_cap;
} st__tmap;

void st__tmap_free(st__tmap *m);
/* Index of [s, s+len), or -1. */
long st__tmap_find(const st__tmap *m, const char *s, size_t len);
/* Index of [s, s+len), added (copied) if new; -1 when out of memory. */
long st__tmap_intern(st__tmap *m, const char *s, size_t len);

struct st_text_featurizer {
    char *column;
    st_text_options opt;
    size_t n_fit;       /* fitting texts */
    size_t n_terms;     /* columns */
    char **names;       /* n_terms feature names, "<column>:<term>" or "<column>:#<bucket>" */
    uint32_t *buckets;  /* hashing mode: n_terms buckets, ascending; NULL otherwise */
    double *idf;        /* n_terms values (1 without tfidf) */
    st__tmap terms;     /* vocabulary mode: the terms, key k is column k */
    /* hashing mode's surface forms (text_forms.c), for explanations: column k's are
     * forms[form_off[k] .. form_off[k + 1]), the most frequent first, of the form_seen[k]
     * distinct terms the fitting texts put in its bucket; labels[k] "<column>:a | b".
     * All NULL in vocabulary mode and for a file saved before stratum kept forms. */
    size_t *form_off;
    char **forms;
    size_t *form_seen;
    char **labels;
};

/* Hashing mode's surface forms while fitting (text_forms.c): every distinct term of the
 * texts analysed so far with the number of texts it was in. An analyzer whose `forms` is
 * set counts each text it analyses here, so every fit that analyses its texts through
 * st__analyze (whole columns, streams) collects them by setting it; st__text_forms_keep
 * then keeps, for each column of the fitted featurizer, its bucket's most frequent terms.
 * Memory: the distinct terms (as a vocabulary fit keeps), 8 bytes and the term each. */
typedef struct st__text_form_counts {
    st__tmap terms;
    uint32_t *df, *last; /* per term: the texts it was in, the last of them (1-based) */
    size_t cap;
    uint32_t text;       /* the texts counted so far */
} st__text_form_counts;

/* Counts one text's terms (a->grams, a->term_*): ST_OK or ST_ERR_NOMEM. */
st_status st__text_forms_count(st__text_form_counts *c, const char *grams,
                               const size_t *off, const size_t *len, size_t n_terms);
/* Keeps in f (hashing mode, its columns kept) the surface forms of its buckets:
 * ST__TEXT_MAX_FORMS a column at most, the most frequent first, ties in byte order. */
#define ST__TEXT_MAX_FORMS 3
st_status st__text_forms_keep(st_text_featurizer *f, const st__text_form_counts *c,
                              st_error *err);
void st__text_form_counts_free(st__text_form_counts *c);
/* f's display labels from its forms (text_forms.c; also after reading a file): ST_OK or
 * ST_ERR_NOMEM (no message). */
st_status st__text_forms_labels(st_text_featurizer *f);
/* The column of term [s, s+len) in f, or -1; *sign its hashing sign (+1 in vocabulary
 * mode). */
long st__text_column_of(const st_text_featurizer *f, const char *s, size_t len, int *sign);
/* The column of bucket b in f (hashing mode: a binary search of its ascending buckets),
 * or -1 when no fitting text reached it. */
long st__text_bucket_column(const st_text_featurizer *f, uint32_t b);

/* One text's terms: words lower-cased into `low`, stop words left out, then the n-grams
 * joined into `grams`; term k is [term_off[k], +term_len[k]) of `grams`. Reused from text
 * to text (no allocation once warm). With `spans` set, word w also keeps where it is in
 * the text analysed: bytes [src_begin[w], src_end[w]). With `forms` set, each text's terms
 * are counted there (st__text_form_counts). */
typedef struct st__analyzer {
    st_text_options opt;
    char *low;           /* the lower-cased words, back to back */
    size_t low_cap;
    size_t *word_off, *word_len, n_words, word_cap;
    char *grams;
    size_t grams_size, grams_cap;
    size_t *term_off, *term_len, n_terms, term_cap;
    int spans;
    size_t *src_begin, *src_end, src_cap;
    st__text_form_counts *forms; /* not owned */
} st__analyzer;

void st__analyzer_free(st__analyzer *a);
/* Analyzes [text, text+len). ST_OK, ST_ERR_NOMEM, or ST_ERR_PARSE with *bad the offset of
 * the first byte that is not UTF-8 (no message: the caller names the row). */
st_status st__analyze(st__analyzer *a, const char *text, size_t len, size_t *bad);

/* 1 when [s, s+len) is one of the English stop words (text_stop_words.c). */
int st__text_is_stop_word(const char *s, size_t len);

/* Checks options; the message names fn. */
st_status st__text_check_options(const st_text_options *o, const char *fn, st_error *err);

/* Hashing mode: the bucket of a term and its sign (+1 or -1). */
uint32_t st__text_bucket(const char *s, size_t len, int bits, int *sign);

/* Texts by row, from an array or a dataset column: *s NULL or [*s, *s + *len). */
typedef struct st__text_source {
    const char *const *texts;   /* an array, or NULL */
    const float *codes;         /* a categorical column's level codes (NaN = missing) */
    const st_dataset *ds;
    size_t j;
    size_t n;
} st__text_source;

void st__text_source_get(const st__text_source *src, size_t i, const char **s, size_t *len);

/* The error for invalid UTF-8 in row i (0-based) at byte `bad` of column col. */
st_status st__text_bad_utf8(st_error *err, const char *source, const char *col, size_t i,
                            size_t bad);

/* Fits a featurizer on the texts of src (text_fit.c). */
st_status st__text_fit_source(const st__text_source *src, const char *column,
                              const st_text_options *opt, const char *source_name,
                              st_text_featurizer **out, st_error *err);

/* The texts of src as rows of term columns (text_transform.c): row i's entries are
 * cols[k], values[k] for k in [row_ptr[i], row_ptr[i + 1]), columns ascending; 8 bytes a
 * non-zero, which st_text_transform then scatters into the columns. Arrays new, freed by
 * st__text_rows_free. */
typedef struct st__text_rows {
    size_t *row_ptr;  /* n rows + 1 */
    uint32_t *cols;
    float *values;
} st__text_rows;
st_status st__text_transform_source(const st_text_featurizer *f, const st__text_source *src,
                                    const char *source_name, st__text_rows *out,
                                    st_error *err);
void st__text_rows_free(st__text_rows *r);

/* Fitting pieces shared by the texts' and the corpus's fits (text_fit.c): a new featurizer
 * (no columns yet); the columns of a vocabulary, the n terms keys[k] (lens[k] bytes) with
 * df[k] >= min_df, in byte order (sorted: keys are in byte order already); the columns of
 * hashing mode, the buckets b with df[b] >= min_df; and the end of a fit (no column is
 * ST_ERR_DATA; on error f is freed). */
st_status st__text_featurizer_new(const char *column, const st_text_options *opt,
                                  size_t n_fit, st_text_featurizer **out, st_error *err);
st_status st__text_keep_terms(st_text_featurizer *f, char *const *keys, const size_t *lens,
                              const size_t *df, size_t n, int sorted, st_error *err);
st_status st__text_keep_buckets(st_text_featurizer *f, const uint32_t *df, size_t n_buckets,
                                st_error *err);
/* Hashing mode's counters: df and stamp, 2^hash_bits zeros each (ST_ERR_NOMEM, or
 * ST_ERR_INVALID_ARG for 2^32 - 1 texts or more; no message). */
st_status st__text_bucket_counts(int hash_bits, size_t n_texts, uint32_t **df,
                                 uint32_t **stamp);
st_status st__text_fit_finish(st_text_featurizer *f, st_status rc, const char *source_name,
                              st_text_featurizer **out, st_error *err);

/* Texts analysed once (stratum/text.h, st_text_corpus; text_corpus.c): the terms of every
 * text (level) of a dataset's text column that its rows use, each level's distinct terms
 * with their counts. */
struct st_text_corpus {
    char *column;
    st_text_options opt;    /* as given to st_text_corpus_build */
    st__tmap terms;         /* every term found, in the order found */
    char **keys;            /* the same terms by id: ids 0..n_sorted-1 in byte order (the */
    size_t *lens;           /* terms in min_df rows), then the others in the order found */
    size_t n_sorted;
    uint32_t *bucket;       /* hashing mode: each term's bucket, and its sign (+1, -1) */
    signed char *sign;
    size_t n_levels;        /* the column's levels */
    size_t *level_off;      /* level k's terms: level_n[k] entries from entries[level_off[k]] */
    size_t *level_n;
    uint64_t *entries;      /* term id << 32 | count, ascending in id */
    size_t max_level_terms; /* the most distinct terms of one level */
    unsigned char *analysed; /* 1 for the levels analysed (those the rows use) */
    uint64_t *level_hash;   /* their texts' FNV-1a hashes, and lengths, to check a dataset */
    size_t *level_len;
};

/* Analyses the levels that the rows of src[0..n_src-1] use (same column, same levels);
 * bad UTF-8 is an error naming the dataset and row (text_corpus.c). */
st_status st__text_corpus_build_sources(const st__text_source *src, size_t n_src,
                                        const char *const *source_names, const char *column,
                                        const st_text_options *opt, st_text_corpus **out,
                                        st_error *err);
/* ST_OK when every row of src uses a level analysed in c with the same text; else
 * ST_ERR_INVALID_ARG naming fn. */
st_status st__text_corpus_check(const st_text_corpus *c, const st__text_source *src,
                                const char *fn, st_error *err);
/* st__text_fit_source from the corpus (the rows of src, checked). */
st_status st__text_fit_corpus_source(const st_text_corpus *c, const st__text_source *src,
                                     const char *source_name, st_text_featurizer **out,
                                     st_error *err);
/* st__text_transform_source from the corpus (text_transform.c; src checked). */
st_status st__text_transform_corpus_source(const st_text_featurizer *f,
                                           const st_text_corpus *c,
                                           const st__text_source *src, st__text_rows *out,
                                           st_error *err);

/* The feature name of a term or bucket: new string "<column>:<term>" / "<column>:#<b>". */
char *st__text_feature_name(const char *column, const char *term, size_t len, long bucket);

/* Appends f's n_terms term columns to ds (text_dataset.c): sparse numeric features named
 * f->names[k], each without entries yet and room for count[k] of them (the caller fills
 * entry_rows, entry_values and n_entries, rows ascending). Both the in-memory transform
 * and the streamed reader (text_stream_columns.c) add their columns through it. On
 * ST_ERR_NOMEM, ds holds the columns added so far (freed with it). */
st_status st__text_add_term_columns(st_dataset *ds, const st_text_featurizer *f,
                                    const size_t *count, st_error *err);

#endif
