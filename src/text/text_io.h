/* Internal: a featurizer as lines of a stratum model file (text_io.c), for a model file
 * that keeps its featurizers (logreg/) and for st_text_featurizer_save / _load:
 *
 *     text_featurizer COLUMN
 *     text_options ngrams MIN MAX hash_bits B min_df D tfidf 0|1 sublinear_tf 0|1
 *                  l2_norm 0|1 stop_words none|english          (one line)
 *     text_fit_texts N
 *     text_terms K
 *     term IDF TERM          K lines, vocabulary mode, in byte order of TERM
 *     bucket IDF BUCKET      K lines, hashing mode, buckets ascending
 *
 * COLUMN and TERM are the rest of their line, escaped by st__text_name. */
#ifndef STRATUM_TEXT_IO_H
#define STRATUM_TEXT_IO_H

#include <stratum/text.h>

#include "io/model_reader.h"
#include "io/model_text.h"

/* Appends f's lines to t; *exact is cleared when an IDF has no exact decimal form. */
void st__text_featurizer_write(st__text *t, const st_text_featurizer *f, int *exact);

/* 1 when the next line of r starts a featurizer ("text_featurizer "); r is not moved. */
int st__text_featurizer_next(st__mreader *r);

/* Reads the featurizer whose lines come next in r (errors ST_ERR_FORMAT naming the line). */
st_status st__text_featurizer_read(st__mreader *r, st_text_featurizer **out);

/* The featurizers a model keeps (text_kept.c): text[0 .. *n), owned by the model. _add takes
 * ownership of f on success (on failure the caller still owns it); _read appends every
 * featurizer section that comes next in r. */
void st__text_kept_free(st_text_featurizer ***text, size_t *n);
st_status st__text_kept_add(st_text_featurizer ***text, size_t *n, st_text_featurizer *f,
                            st_error *err);
void st__text_kept_write(st__text *t, st_text_featurizer *const *text, size_t n, int *exact);
st_status st__text_kept_read(st__mreader *r, st_text_featurizer ***text, size_t *n);

#endif
