/* stratum/text.h: free-text columns (notes, reports, abstracts) turned into sparse numeric
 * features: words, word n-grams, term frequencies, TF-IDF. Include <stratum.h> rather than
 * this file.
 *
 * What it computes is scikit-learn's TfidfVectorizer (vocabulary mode) or HashingVectorizer
 * (hashing mode) with the settings below; tests/text/ checks both to 1e-6.
 *
 * Words. A text is UTF-8 (anything else is an error naming the row and byte offset). A word
 * is a maximal run of word characters: code points of Unicode general category L (letters)
 * or N (digits and other numbers), Unicode 14.0.0 (src/text/text_unicode_table.c, generated
 * by tools/gen_text_unicode_table.py). Everything else separates words: spaces,
 * punctuation, '_', '-', combining marks, symbols. Words are lower-cased by the simple
 * (one-to-one) lower-case mapping of UnicodeData.txt, as Python's str.lower() but for two
 * cases: U+0130 (capital I with dot above) becomes "i", not "i" plus a combining dot, and a
 * capital sigma is always "σ", never the final "ς". So "Ki-67 TNF-α, 2.5mg" gives "ki", "67",
 * "tnf", "α", "2", "5mg": scikit-learn's token_pattern r"[^\W_]+" with lowercase=True. Unlike
 * scikit-learn's default pattern (two characters or more), one-character words are kept.
 *
 * Stop words. ST_TEXT_STOP_ENGLISH drops the 318 English words of scikit-learn's
 * ENGLISH_STOP_WORDS (from the Glasgow Information Retrieval Group's list) before n-grams
 * are formed, as scikit-learn does.
 *
 * Terms. With n-grams min..max, the terms of a text are its words (when min is 1) and every
 * run of n consecutive words, min <= n <= max, joined by one space ("breast cancer").
 *
 * Columns. Vocabulary mode (hash_bits 0): a column for every term found in at least min_df
 * of the fitting texts, sorted in byte order (which is code point order), named
 * "<text column>:<term>" ("abstract:breast cancer"). Hashing mode (hash_bits b, 1..24): a
 * term goes to bucket |h| mod 2^b, h = MurmurHash3_x86_32 of its UTF-8 bytes with seed 0 as
 * a signed 32-bit number, counted +1 when h >= 0 and -1 otherwise (scikit-learn's
 * alternate_sign), so that colliding terms cancel in expectation; a column for every bucket
 * some fitting text reaches (at least min_df texts), in bucket order, named
 * "<text column>:#<bucket>". A bucket no fitting text reached has no column: a model could
 * give it no weight.
 *
 * Values. For text i and column t: tf = the count of the term in the text (in hashing mode
 * the signed sum of the counts of the terms in the bucket); with sublinear_tf, 1 + ln(tf)
 * (sign(tf) (1 + ln|tf|) for a negative hashed sum; 0 stays 0); with tfidf, times
 * idf(t) = ln((1 + n) / (1 + df(t))) + 1, n the fitting texts and df(t) those with the term
 * (scikit-learn's smooth_idf); with l2_norm, the text's row divided by its Euclidean norm
 * (a text without known terms stays a row of zeros). The IDF is learned at fit time, on the
 * fitting texts only: transforming other texts (a test fold, new notes) never changes it.
 * Values are computed in double and stored as 32-bit floats.
 *
 * Empty and missing texts. An empty text, a text of separators only and a missing value of
 * the column are texts without words: all their values are 0. Fitting on texts none of
 * which leaves a term (after min_df) is ST_ERR_DATA.
 *
 * Ownership: a st_text_featurizer is made by st_text_fit, st_text_fit_dataset or
 * st_text_featurizer_load and freed by st_text_featurizer_free; it is never changed after,
 * so any number of threads may use it at once. Strings it returns are owned by it. */
#ifndef STRATUM_TEXT_H
#define STRATUM_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include "common.h"
#include "dataset.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum st_text_stop_words {
    ST_TEXT_STOP_NONE = 0,   /* keep every word (default) */
    ST_TEXT_STOP_ENGLISH = 1 /* drop scikit-learn's 318 English stop words */
} st_text_stop_words;

/* How texts become features. Start from st_text_options_default(). */
typedef struct st_text_options {
    int ngram_min, ngram_max; /* n-gram lengths, 1 <= min <= max <= 8 (default 1, 1) */
    int hash_bits;            /* 0: vocabulary mode (default); 1..24: hashing mode, 2^b
                                 buckets */
    size_t min_df;            /* keep terms (buckets) found in at least this many fitting
                                 texts, >= 1 (default 1) */
    int tfidf;                /* 1: multiply by the IDF (default 0: term frequency only) */
    int sublinear_tf;         /* 1: 1 + ln(tf) for tf (default 0) */
    int l2_norm;              /* 1: each text's row to unit Euclidean norm (default 1) */
    st_text_stop_words stop_words; /* default ST_TEXT_STOP_NONE */
} st_text_options;

/* The defaults above (scikit-learn's TfidfVectorizer with use_idf=False, one-character
 * words kept). */
ST_API st_text_options st_text_options_default(void);

typedef struct st_text_featurizer st_text_featurizer;

/* Learns a featurizer for the text column called `column` from n_texts texts
 * (NUL-terminated UTF-8; a NULL pointer is a missing text): the vocabulary or the buckets
 * reached, and their document frequencies. Errors: ST_ERR_INVALID_ARG for bad options or
 * arguments, ST_ERR_PARSE for invalid UTF-8 ("text column 'c', row i (1-based), byte k
 * (0-based): invalid UTF-8"), ST_ERR_DATA when no term remains. opt NULL: defaults. */
ST_API st_status st_text_fit(const char *const *texts, size_t n_texts, const char *column,
                             const st_text_options *opt, st_text_featurizer **out /* OUT */,
                             st_error *err);

/* The same from the column `column` of ds, which holds text: a categorical column (every
 * cell's text a level; read a CSV with st_read_options.categorical naming it, so that a
 * column of texts that happen to be numbers stays text). A missing cell is a text without
 * words. Errors also for a column not in ds and a numeric column, naming ds's source. */
ST_API st_status st_text_fit_dataset(const st_dataset *ds, const char *column,
                                     const st_text_options *opt,
                                     st_text_featurizer **out /* OUT */, st_error *err);

/* A new dataset: ds with each featurizer's text column replaced by its term columns
 * (sparse, never densified: memory proportional to the non-zeros). The other features keep
 * their order and come first, then the term columns of f[0], f[1], ...; labels, weights
 * and names are copied. Every featurizer's column must be in ds (else ST_ERR_DATA naming
 * it and ds's source) and be text as for st_text_fit_dataset; a term column whose name is
 * already a feature of ds is ST_ERR_DATA. Rows of ds are transformed as they are: fitting
 * rows and new rows alike. */
ST_API st_status st_text_transform(const st_text_featurizer *const *f, size_t n_f,
                                   const st_dataset *ds, st_dataset **out /* OUT */,
                                   st_error *err);

/* A CSV file read with its text columns cols[0..n_cols-1] featurized while it is read, so
 * that the texts are never held: what st_dataset_read_csv (read_opt, each text column in
 * its categorical list), st_text_fit_dataset on each text column (opt) and
 * st_text_transform give, the same dataset and featurizers to the bit. The other columns
 * are read as st_dataset_read_csv reads them (with the text columns left out); each text
 * cell is analysed as st_text_fit_dataset analyses it and kept only as its term columns'
 * entries (8 bytes a non-zero: row and value). Hashing mode reads the texts once (the
 * IDF, learned in the same pass, and the row norms are applied at the end); vocabulary
 * mode twice, the first pass counting the terms' document frequencies (memory: the
 * distinct terms), the second filling the columns, sized by those counts. Hashing mode
 * keeps each text's (bucket, count) pairs until its columns are known (8 bytes a
 * non-zero more, at most). The file is mapped, and the pages already read are given back
 * as it goes. Its path must name a regular file (a pipe or standard input cannot be read
 * again: ST_ERR_INVALID_ARG saying so). A text column named in read_opt's categorical
 * list is text whatever it holds; one in its numeric list, or whose every present cell is
 * a number, is refused as st_text_fit_dataset refuses a column read as numbers. Errors as
 * those functions' (bad UTF-8 in a text by line and column, as the CSV reader names it).
 * On success *out is the dataset (freed with st_dataset_free) and f[k] the featurizer of
 * cols[k] (each freed with st_text_featurizer_free); on error all are NULL. */
ST_API st_status st_text_read_csv(const char *path, const st_read_options *read_opt,
                                  const char *const *cols, size_t n_cols,
                                  const st_text_options *opt, st_dataset **out /* OUT */,
                                  st_text_featurizer **f /* OUT: n_cols */, st_error *err);


/* The same file featurized a row at a time, for a caller that stores the rows itself
 * (st_logreg_rowfile_write_text writes them to its row file): memory the featurizers and
 * one row, never the term columns. st_text_rows_open reads the other columns into *others
 * (labels, weights, ordinary features: the dataset st_text_read_csv gives, without the
 * term columns) and fits f[k] on cols[k] as st_text_read_csv does (the same featurizers;
 * both modes read the texts once to fit, hashing mode keeping no pairs). Then
 * st_text_rows_next, called once for each row of *others in turn, reads the next row and
 * gives its term entries: *n column indices (*cols, ascending; text column k's columns
 * follow those of columns 0..k-1, st_text_rows_n_terms in all) and their values (*vals,
 * the floats st_text_read_csv's term columns hold for that row), valid until the next
 * call. A file that has more or fewer rows than the first read is ST_ERR_DATA; errors as
 * st_text_read_csv's. Ownership: *others and f[k] are the caller's (freed with
 * st_dataset_free and st_text_featurizer_free), but rows borrows f until
 * st_text_rows_free; on error all are NULL. */
typedef struct st_text_rows st_text_rows;
ST_API st_status st_text_rows_open(const char *path, const st_read_options *read_opt,
                                   const char *const *cols, size_t n_cols,
                                   const st_text_options *opt, st_dataset **others /* OUT */,
                                   st_text_featurizer **f /* OUT: n_cols */,
                                   st_text_rows **rows /* OUT */, st_error *err);
ST_API size_t st_text_rows_n_terms(const st_text_rows *rows);
/* Term column j's feature name, as st_text_read_csv names it (NULL past the last). */
ST_API const char *st_text_rows_feature_name(const st_text_rows *rows, size_t j);
ST_API st_status st_text_rows_next(st_text_rows *rows, const uint32_t **cols /* OUT */,
                                   const float **vals /* OUT */, size_t *n /* OUT */,
                                   st_error *err);
ST_API void st_text_rows_free(st_text_rows *rows);
/* Texts analysed once, for many fits on parts of one dataset (cross-validation: the texts
 * do not change between folds, only which rows fit). st_text_corpus_build tokenises the
 * texts of the column `column` that the rows of ds[0..n_ds-1] use (datasets with the same
 * texts for that column: a dataset and its subsets, st_dataset_subset and
 * st_dataset_select, which keep a column's levels), each distinct text once, and keeps each
 * one's distinct terms with their counts. st_text_fit_corpus then fits on the rows of any
 * such dataset, with the corpus's options, the featurizer st_text_fit_dataset would
 * (same columns, same IDF), and st_text_transform_corpus gives what st_text_transform
 * would (corpora c[k] for featurizers f[k], each fitted with the options of its corpus:
 * same n-grams, stop words and hash bits). Memory: the distinct terms and, per text, its
 * distinct terms (12 bytes each). Errors as for st_text_fit_dataset; a dataset whose texts
 * are not the corpus's (a text it did not analyse) is ST_ERR_INVALID_ARG.
 * st_text_corpus_matches is 1 when st_text_fit_corpus would take ds (the same check).
 * Ownership: the corpus is made by st_text_corpus_build, freed by st_text_corpus_free
 * (NULL is a no-op), never changed between: any number of threads may use it at once. */
typedef struct st_text_corpus st_text_corpus;
ST_API st_status st_text_corpus_build(const st_dataset *const *ds, size_t n_ds,
                                      const char *column, const st_text_options *opt,
                                      st_text_corpus **out /* OUT */, st_error *err);
ST_API int st_text_corpus_matches(const st_text_corpus *c, const st_dataset *ds);
ST_API st_status st_text_fit_corpus(const st_text_corpus *c, const st_dataset *ds,
                                    st_text_featurizer **out /* OUT */, st_error *err);
ST_API st_status st_text_transform_corpus(const st_text_featurizer *const *f,
                                          const st_text_corpus *const *c, size_t n_f,
                                          const st_dataset *ds, st_dataset **out /* OUT */,
                                          st_error *err);
ST_API void st_text_corpus_free(st_text_corpus *c);

/* The text column the featurizer was fitted for, its options, and its columns: their
 * number, the name of column k ("<text column>:<term>" or "<text column>:#<bucket>"), its
 * term (vocabulary mode; NULL in hashing mode), its bucket (hashing mode; -1 in
 * vocabulary mode), and its IDF (1 when tfidf is 0). n_fit_texts is the fitting texts. */
ST_API const char *st_text_featurizer_column(const st_text_featurizer *f);
ST_API st_text_options st_text_featurizer_options(const st_text_featurizer *f);
ST_API size_t st_text_featurizer_n_terms(const st_text_featurizer *f);
ST_API const char *st_text_featurizer_feature_name(const st_text_featurizer *f, size_t k);
ST_API const char *st_text_featurizer_term(const st_text_featurizer *f, size_t k);
ST_API long st_text_featurizer_bucket(const st_text_featurizer *f, size_t k);
ST_API double st_text_featurizer_idf(const st_text_featurizer *f, size_t k);
ST_API size_t st_text_featurizer_n_fit_texts(const st_text_featurizer *f);

/* The terms of one text under opt, in order (words first, then 2-grams, 3-grams, ... each
 * in text order), as scikit-learn's build_analyzer() gives them: *terms is a new array of
 * *n_terms new strings, freed with st_text_terms_free. ST_ERR_PARSE for invalid UTF-8
 * (naming the byte offset). */
ST_API st_status st_text_terms(const char *text, size_t len, const st_text_options *opt,
                               char ***terms /* OUT */, size_t *n_terms /* OUT */,
                               st_error *err);
ST_API void st_text_terms_free(char **terms, size_t n_terms);

/* MurmurHash3_x86_32 (Austin Appleby's public-domain reference) of len bytes, as
 * scikit-learn's murmurhash3_32(positive=False) gives it, a signed number. */
ST_API int32_t st_text_murmur3_32(const void *data, size_t len, uint32_t seed);

/* Explanations: what a column stands for, in words.
 *
 * st_text_featurizer_label names column k for a reader: "<text column>:<term>" in
 * vocabulary mode (the feature name); in hashing mode "<text column>:a | b", the terms
 * of the fitting texts that fell in its bucket (its surface forms: collisions show as
 * several, " | ..." ends the list when the bucket held more than the 3 kept), or the
 * feature name "<text column>:#<bucket>" for a featurizer read from a file saved before
 * stratum kept forms. st_text_featurizer_form gives form i < st_text_featurizer_n_forms
 * of column k: at most 3, those in the most fitting texts first, ties in byte order (so
 * the same whatever the order of the texts); st_text_featurizer_n_seen the distinct terms
 * the bucket held. Vocabulary mode has no forms (0, NULL, 0). Fitting in hashing mode
 * keeps the distinct terms of the fitting texts while it runs (as a vocabulary fit does),
 * and the forms in the featurizer and its model file (3 lines a column at most). */
ST_API const char *st_text_featurizer_label(const st_text_featurizer *f, size_t k);
ST_API size_t st_text_featurizer_n_forms(const st_text_featurizer *f, size_t k);
ST_API const char *st_text_featurizer_form(const st_text_featurizer *f, size_t k, size_t i);
ST_API size_t st_text_featurizer_n_seen(const st_text_featurizer *f, size_t k);

/* The terms of one text as f finds them, with where they are: term t (in
 * st_text_terms's order) covers bytes [begin, end) of text, from its first word's first
 * byte to its last word's last, and is column `column` of f (-1: no column, a term not
 * kept at fit time); sign is its hashing sign (+1 or -1; +1 in vocabulary mode), with
 * which the term counts in its column. *spans is a new array of *n_spans, freed with
 * st_text_spans_free. ST_ERR_PARSE for invalid UTF-8 ("text column 'c': byte k (0-based):
 * invalid UTF-8"). */
typedef struct st_text_span {
    size_t begin, end;
    long column;
    int sign;
} st_text_span;
ST_API st_status st_text_spans(const st_text_featurizer *f, const char *text, size_t len,
                               st_text_span **spans /* OUT */, size_t *n_spans /* OUT */,
                               st_error *err);
ST_API void st_text_spans_free(st_text_span *spans);

/* The featurizer as text (the section a model file keeps: see docs/text.md), and back.
 * st_text_featurizer_save writes a file of its own ("stratum-model 1 text", checksummed);
 * st_text_featurizer_load reads it, errors naming the file and line. */
ST_API st_status st_text_featurizer_save(const st_text_featurizer *f, const char *path,
                                         st_error *err);
ST_API st_status st_text_featurizer_load(const char *path, st_text_featurizer **out /* OUT */,
                                         st_error *err);

/* Frees the featurizer. NULL is a harmless no-op. */
ST_API void st_text_featurizer_free(st_text_featurizer *f);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_TEXT_H */
