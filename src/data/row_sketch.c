/* The training-rows fingerprint (row_sketch.h): row hashes, the bottom-k sketch, its model
 * file line and the overlap estimate. */
#include "row_sketch.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts h[0..n) ascending: least significant digit first, 16 bits a pass, through tmp[n].
 * A million hashes: 4 passes, about 15 ms, where qsort's comparisons took 130 ms of a
 * 0.65 s logistic-regression fit (and its own 8 MB temporary: 1,950 page faults). */
static void radix_sort(uint64_t *h, uint64_t *tmp, size_t n)
{
    enum { BITS = 16, BUCKETS = 1 << BITS };
    size_t *count = st__malloc_array(BUCKETS, sizeof *count);
    if (count == NULL) {
        qsort(h, n, sizeof *h, cmp_u64);
        return;
    }
    uint64_t *from = h, *to = tmp;
    for (int shift = 0; shift < 64; shift += BITS) {
        memset(count, 0, BUCKETS * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(from[i] >> shift) & (BUCKETS - 1)]++;
        size_t at = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            const size_t c = count[b];
            count[b] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            to[count[(from[i] >> shift) & (BUCKETS - 1)]++] = from[i];
        uint64_t *t = from;
        from = to, to = t;
    }
    st__free(count); /* an even number of passes: the sorted values are back in h */
}

/* Sorts h[0..n) and keeps each value once; returns how many remain. */
static size_t sort_unique(uint64_t *h, size_t n)
{
    if (n == 0)
        return 0;
    uint64_t *tmp = n >= 4096 ? st__malloc_array(n, sizeof *tmp) : NULL;
    if (tmp != NULL) {
        st__advise_huge_pages(tmp, n * sizeof *tmp);
        radix_sort(h, tmp, n);
        st__free(tmp);
    } else {
        qsort(h, n, sizeof *h, cmp_u64); /* few rows, or no memory for the radix sort's */
    }
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

static uint64_t *all_hashes(const st_dataset *ds, int version, const void *model,
                            size_t n_names, st__sketch_name_fn name, int n_threads,
                            st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    uint64_t *h = st__malloc_array(n ? n : 1, sizeof *h);
    if (h == NULL) {
        st__fail(err, ST_ERR_NOMEM, "out of memory for the hashes of %zu rows", n);
        return NULL;
    }
    st__advise_huge_pages(h, n * sizeof *h); /* fresh pages: one fault per 2 MB */
    if (st__row_hashes(ds, version, model, n_names, name, n_threads, h, err) != ST_OK) {
        st__free(h);
        return NULL;
    }
    return h;
}

st_status st__row_sketch_from_hashes(uint64_t *hash, size_t n, st__row_sketch *s,
                                     st_error *err)
{
    memset(s, 0, sizeof *s);
    const size_t d = sort_unique(hash, n);
    s->k = d < ST__SKETCH_K ? d : ST__SKETCH_K;
    if ((s->hash = st__malloc_array(s->k ? s->k : 1, sizeof *s->hash)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the training-rows fingerprint");
    memcpy(s->hash, hash, s->k * sizeof *s->hash);
    s->n_rows = n;
    s->n_distinct = d;
    s->version = ST__SKETCH_VERSION;
    return ST_OK;
}

st_status st__row_sketch_build(const st_dataset *ds, int n_threads, st__row_sketch *s,
                               st_error *err)
{
    memset(s, 0, sizeof *s);
    uint64_t *h = all_hashes(ds, ST__SKETCH_VERSION, NULL, st_dataset_n_features(ds), NULL,
                             n_threads, err);
    if (h == NULL)
        return ST_ERR_NOMEM; /* the only failure */
    const st_status rc = st__row_sketch_from_hashes(h, st_dataset_n_rows(ds), s, err);
    st__free(h);
    return rc;
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
    dst->version = src->version;
    return ST_OK;
}

void st__row_sketch_write(st__text *t, const st__row_sketch *s)
{
    if (s->n_rows == 0)
        return;
    if (s->version >= 2)
        st__text_printf(t, "row_sketch v%d ", s->version);
    else
        st__text_printf(t, "row_sketch ");
    st__text_printf(t, "%" PRIu64 " %" PRIu64 " %zu", s->n_rows, s->n_distinct, s->k);
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
    s->version = 1; /* "row_sketch N ...": saved before the version field */
    if (len >= 3 && p[0] == 'v' && p[1] == '2' && p[2] == ' ')
        s->version = 2, p += 3, len -= 3;
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
    /* one thread: the public overlap calls take no thread count, and may themselves be
     * called from many threads at once */
    uint64_t *h = all_hashes(ds, s->version, model, n_names, name, 1, err);
    if (h == NULL)
        return ST_ERR_NOMEM; /* the only failure */
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
