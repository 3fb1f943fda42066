/* The training-rows fingerprint (row_sketch.h): row hashes, the bottom-k sketch, its model
 * file line and the overlap estimate. */
#include "row_sketch.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* SplitMix64's finaliser: every input bit moves every output bit, so the smallest hashes
 * are a uniform sample of the rows. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* One value's word: a tag (1 missing, 2 numeric, 3 categorical) above its bits. */
static uint64_t value_word(const st_dataset *ds, long col, float v)
{
    if (col < 0)
        return mix64(1);
    if (v != v)
        return mix64(1);
    if (st_dataset_feature_type(ds, (size_t)col) == ST_FEATURE_CATEGORICAL) {
        const char *text = st_dataset_level(ds, (size_t)col, (size_t)v);
        return mix64(3u ^ st__fnv1a64(text, strlen(text)));
    }
    float f = v == 0.0f ? 0.0f : v; /* -0 as 0 */
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return mix64(((uint64_t)2 << 32) | bits);
}

void st__row_hashes(const st_dataset *ds, const void *model, size_t n_names,
                    st__sketch_name_fn name, uint64_t *hash)
{
    const size_t n = st_dataset_n_rows(ds);
    for (size_t i = 0; i < n; i++)
        hash[i] = mix64(n_names);
    for (size_t j = 0; j < n_names; j++) {
        const long col = model != NULL ? st_dataset_find_feature_at(ds, name(model, j), j) : (long)j;
        const uint32_t *rows = NULL;
        const float *values = NULL;
        size_t n_entries = 0, e = 0;
        if (col >= 0 && st_dataset_feature_is_sparse(ds, (size_t)col)) {
            /* a sparse column: its entries, and the word of 0 for every other row */
            st_dataset_feature_entries(ds, (size_t)col, &rows, &values, &n_entries, NULL);
            const uint64_t zero = value_word(ds, col, 0.0f);
            for (size_t i = 0; i < n; i++) {
                const int stored = e < n_entries && rows[e] == i;
                hash[i] = mix64(hash[i] ^ (stored ? value_word(ds, col, values[e++]) : zero));
            }
            continue;
        }
        const float *x = col >= 0 ? st_dataset_feature_values(ds, (size_t)col) : NULL;
        for (size_t i = 0; i < n; i++)
            hash[i] = mix64(hash[i] ^ value_word(ds, col, x != NULL ? x[i] : 0.0f));
    }
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts h[0..n) and keeps each value once; returns how many remain. */
static size_t sort_unique(uint64_t *h, size_t n)
{
    if (n == 0)
        return 0;
    qsort(h, n, sizeof *h, cmp_u64);
    size_t d = 1;
    for (size_t i = 1; i < n; i++)
        if (h[i] != h[d - 1])
            h[d++] = h[i];
    return d;
}

static int contains(const uint64_t *sorted, size_t n, uint64_t v)
{
    return bsearch(&v, sorted, n, sizeof *sorted, cmp_u64) != NULL;
}

static uint64_t *all_hashes(const st_dataset *ds, const void *model, size_t n_names,
                            st__sketch_name_fn name, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    uint64_t *h = st__malloc_array(n ? n : 1, sizeof *h);
    if (h == NULL) {
        st__fail(err, ST_ERR_NOMEM, "out of memory for the hashes of %zu rows", n);
        return NULL;
    }
    st__row_hashes(ds, model, n_names, name, h);
    return h;
}

st_status st__row_sketch_build(const st_dataset *ds, st__row_sketch *s, st_error *err)
{
    memset(s, 0, sizeof *s);
    const size_t n = st_dataset_n_rows(ds);
    uint64_t *h = all_hashes(ds, NULL, st_dataset_n_features(ds), NULL, err);
    if (h == NULL)
        return ST_ERR_NOMEM;
    const size_t d = sort_unique(h, n);
    s->k = d < ST__SKETCH_K ? d : ST__SKETCH_K;
    if ((s->hash = st__malloc_array(s->k ? s->k : 1, sizeof *s->hash)) == NULL) {
        st__free(h);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the training-rows fingerprint");
    }
    memcpy(s->hash, h, s->k * sizeof *s->hash);
    s->n_rows = n;
    s->n_distinct = d;
    st__free(h);
    return ST_OK;
}

void st__row_sketch_free(st__row_sketch *s)
{
    st__free(s->hash);
    memset(s, 0, sizeof *s);
}

st_status st__row_sketch_copy(st__row_sketch *dst, const st__row_sketch *src, st_error *err)
{
    memset(dst, 0, sizeof *dst);
    if (src->n_rows == 0)
        return ST_OK;
    if ((dst->hash = st__malloc_array(src->k ? src->k : 1, sizeof *dst->hash)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the training-rows fingerprint");
    memcpy(dst->hash, src->hash, src->k * sizeof *dst->hash);
    dst->n_rows = src->n_rows;
    dst->n_distinct = src->n_distinct;
    dst->k = src->k;
    return ST_OK;
}

void st__row_sketch_write(st__text *t, const st__row_sketch *s)
{
    if (s->n_rows == 0)
        return;
    st__text_printf(t, "row_sketch %" PRIu64 " %" PRIu64 " %zu", s->n_rows, s->n_distinct,
                    s->k);
    for (size_t q = 0; q < s->k; q++)
        st__text_printf(t, " %016" PRIx64, s->hash[q]);
    st__text_printf(t, "\n");
}

static st_status read_hash(st__mreader *r, const char *f, size_t len, uint64_t *v)
{
    if (len != 16)
        return st__mr_bad(r, "row_sketch: expected hashes of 16 hex digits");
    uint64_t x = 0;
    for (size_t q = 0; q < len; q++) {
        const char c = f[q];
        const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0)
            return st__mr_bad(r, "row_sketch: expected hashes of 16 hex digits");
        x = x << 4 | (uint64_t)d;
    }
    *v = x;
    return ST_OK;
}

static st_status read_fields(st__mreader *r, st__row_sketch *s, const char *p, size_t len)
{
    const char *f;
    size_t flen;
    uint64_t k = 0;
    st_status rc;
    if (!st__mr_field(&p, &len, &f, &flen) ||
        (rc = st__mr_u64(r, "row_sketch rows", f, flen, &s->n_rows)) != ST_OK ||
        !st__mr_field(&p, &len, &f, &flen) ||
        (rc = st__mr_u64(r, "row_sketch distinct rows", f, flen, &s->n_distinct)) != ST_OK ||
        !st__mr_field(&p, &len, &f, &flen) ||
        (rc = st__mr_u64(r, "row_sketch hashes", f, flen, &k)) != ST_OK)
        return st__mr_bad(r, "expected 'row_sketch ROWS DISTINCT K HASH...'");
    if (s->n_rows == 0 || s->n_distinct > s->n_rows ||
        k != (s->n_distinct < ST__SKETCH_K ? s->n_distinct : ST__SKETCH_K))
        return st__mr_bad(r, "row_sketch: %" PRIu64 " hashes of %" PRIu64 " distinct rows of %"
                          PRIu64 "; expected min(256, distinct) hashes of 1 row or more", k,
                          s->n_distinct, s->n_rows);
    s->k = (size_t)k;
    if ((s->hash = st__malloc_array(s->k ? s->k : 1, sizeof *s->hash)) == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    for (size_t q = 0; q < s->k; q++) {
        if (!st__mr_field(&p, &len, &f, &flen)) { /* the last field: the rest */
            if (len == 0)
                return st__mr_bad(r, "row_sketch: expected %zu hashes", s->k);
            f = p, flen = len, len = 0;
        }
        if ((rc = read_hash(r, f, flen, &s->hash[q])) != ST_OK)
            return rc;
        if (q > 0 && s->hash[q] <= s->hash[q - 1])
            return st__mr_bad(r, "row_sketch: expected hashes in ascending order");
    }
    if (len != 0)
        return st__mr_bad(r, "row_sketch: more than %zu hashes", s->k);
    return ST_OK;
}

st_status st__row_sketch_read(st__mreader *r, st__row_sketch *s)
{
    static const char key[] = "row_sketch ";
    memset(s, 0, sizeof *s);
    const char *p = r->p;
    const long line = r->line;
    if (!st__mr_next(r) || r->len < sizeof key - 1 || memcmp(r->text, key, sizeof key - 1) != 0) {
        r->p = p; /* not a row_sketch line: leave it to the next reader */
        r->line = line;
        return ST_OK;
    }
    st_status rc = read_fields(r, s, r->text + sizeof key - 1, r->len - (sizeof key - 1));
    if (rc != ST_OK)
        st__row_sketch_free(s);
    return rc;
}

/* With fewer sampled scored rows than this, the share of scored rows comes from the share
 * of training rows instead (see below). */
#define MIN_SAMPLE 64

st_status st__row_sketch_overlap(const st__row_sketch *s, const st_dataset *ds,
                                 const void *model, size_t n_names, st__sketch_name_fn name,
                                 st_training_overlap *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    if (s->n_rows == 0)
        return ST_OK;
    const size_t n = st_dataset_n_rows(ds);
    out->available = 1;
    out->training_rows = (size_t)s->n_rows;
    out->scored_rows = n;
    out->exact = s->k == s->n_distinct;
    if (n == 0)
        return ST_OK;
    uint64_t *h = all_hashes(ds, model, n_names, name, err);
    if (h == NULL)
        return ST_ERR_NOMEM;
    /* Every training hash up to tau is in the sketch, so a scored row whose hash is at most
     * tau is a training row exactly when its hash is in the sketch; those rows are a
     * uniform sample of the scored rows (all of them when the sketch is exact). */
    const uint64_t tau = out->exact ? UINT64_MAX : s->hash[s->k - 1];
    size_t sampled = 0, hits = 0;
    for (size_t i = 0; i < n; i++)
        if (h[i] <= tau) {
            sampled++;
            hits += contains(s->hash, s->k, h[i]);
        }
    /* The sketch is a uniform sample of the distinct training rows: the share of it found
     * among the scored rows estimates the share of training rows scored. */
    const size_t d = sort_unique(h, n);
    size_t found = 0;
    for (size_t q = 0; q < s->k; q++)
        found += contains(h, d, s->hash[q]);
    out->training_share = s->k ? (double)found / (double)s->k : 0.0;
    if (sampled >= MIN_SAMPLE || out->exact)
        out->scored_share = sampled ? (double)hits / (double)sampled : 0.0;
    else { /* few scored rows: training rows found = training_share x distinct training
              rows, over the distinct scored rows */
        const double est = out->training_share * (double)s->n_distinct / (double)d;
        out->scored_share = est < 1.0 ? est : 1.0;
    }
    st__free(h);
    return ST_OK;
}
