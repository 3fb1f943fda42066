/* The row hashes of the training-rows fingerprint (row_sketch.h): version 2, from the
 * non-zero cells only, and version 1 (every cell), kept to compare rows with the models
 * saved before version 2. */
#include "row_sketch.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/vector_clones.h"

/* SplitMix64's finaliser: every input bit moves every output bit, so the smallest hashes
 * are a uniform sample of the rows. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A numeric value's word: a tag (1 missing, 2 numeric) above its bits. */
static uint64_t numeric_word(float v)
{
    if (v != v)
        return mix64(1);
    float f = v == 0.0f ? 0.0f : v; /* -0 as 0 */
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return mix64(((uint64_t)2 << 32) | bits);
}

/* One value's word: a tag (1 missing, 2 numeric, 3 categorical) above its bits. */
static uint64_t value_word(const st_dataset *ds, long col, float v)
{
    if (col < 0)
        return mix64(1);
    if (v == v && st_dataset_feature_type(ds, (size_t)col) == ST_FEATURE_CATEGORICAL) {
        const char *text = st_dataset_level(ds, (size_t)col, (size_t)v);
        return mix64(3u ^ st__fnv1a64(text, strlen(text)));
    }
    return numeric_word(v);
}

/* ---- feature names to ds's columns, through one open-addressing table ---- */

typedef struct name_table {
    size_t mask;
    long *slot; /* column index, -1 empty */
} name_table;

static st_status name_table_build(const st_dataset *ds, name_table *t, st_error *err)
{
    const size_t p = st_dataset_n_features(ds);
    size_t cap = 16;
    while (cap < 2 * p)
        cap <<= 1;
    t->mask = cap - 1;
    if ((t->slot = st__malloc_array(cap, sizeof *t->slot)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the names of %zu features", p);
    for (size_t s = 0; s < cap; s++)
        t->slot[s] = -1;
    for (size_t j = 0; j < p; j++) {
        const char *nm = st_dataset_feature_name(ds, j);
        size_t s = (size_t)st__fnv1a64(nm, strlen(nm)) & t->mask;
        while (t->slot[s] >= 0 && strcmp(st_dataset_feature_name(ds, (size_t)t->slot[s]), nm))
            s = (s + 1) & t->mask;
        if (t->slot[s] < 0) /* a repeated name keeps its first column, as find_feature */
            t->slot[s] = (long)j;
    }
    return ST_OK;
}

static long name_table_find(const st_dataset *ds, const name_table *t, const char *nm)
{
    size_t s = (size_t)st__fnv1a64(nm, strlen(nm)) & t->mask;
    for (; t->slot[s] >= 0; s = (s + 1) & t->mask)
        if (strcmp(st_dataset_feature_name(ds, (size_t)t->slot[s]), nm) == 0)
            return t->slot[s];
    return -1;
}

/* Model feature j's column in ds (-1: ds has none); training hashes ds's own columns. */
static long column_of(const st_dataset *ds, const name_table *t, const void *model,
                      st__sketch_name_fn name, size_t j)
{
    return model != NULL ? name_table_find(ds, t, name(model, j)) : (long)j;
}

/* ---- version 1: every cell, features in order (rows x features) ---- */

static void hashes_v1(const st_dataset *ds, const name_table *t, const void *model,
                      size_t n_names, st__sketch_name_fn name, uint64_t *hash)
{
    const size_t n = st_dataset_n_rows(ds);
    for (size_t i = 0; i < n; i++)
        hash[i] = mix64(n_names);
    for (size_t j = 0; j < n_names; j++) {
        const long col = column_of(ds, t, model, name, j);
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

/* ---- version 2: the sum of one word per non-zero cell (entries + rows + features) ----
 *
 * A cell's word mixes its feature's position j in the model with its value's word; a row's
 * hash is mix64 of the sum (mod 2^64) of its cells' words. Numeric zeros (stored or
 * implicit, +0 or -0) add nothing, so a row costs its non-zero cells, dense and sparse
 * columns alike; the sum does not depend on the order the cells come in, so the columns
 * are walked one at a time, and a feature ds has not (missing in every row) adds the same
 * word to every row. Categorical cells always count (level 0 is a level, not a zero). */

static uint64_t cell_word(uint64_t feature_word, uint64_t value)
{
    return mix64(feature_word ^ value);
}

static uint64_t feature_word(size_t j)
{
    return mix64(((uint64_t)4 << 32) ^ (uint64_t)j);
}

uint64_t st__row_hash_numeric_cell(size_t j, float v)
{
    return cell_word(feature_word(j), numeric_word(v));
}

uint64_t st__row_hash_finish(uint64_t sum, size_t n_names)
{
    return mix64(sum + mix64(((uint64_t)5 << 32) ^ (uint64_t)n_names));
}

/* A dense column of version 2, ready to add to its rows' sums: a numeric column's words come
 * from its values, a categorical one's from its levels, each level's word made once. */
typedef struct dense_column {
    const float *x;
    uint64_t feature;           /* feature_word(j) */
    uint64_t missing;           /* the column's word of a missing value */
    const uint64_t *level;      /* a categorical column's word per level; NULL: numeric */
} dense_column;

/* Adds rows [a, b)'s dense words to hash[a..b) and finishes them; the sums are integers
 * (mod 2^64), so the rows can be split among threads any way and give the same hashes. */
ST__INTEGER_CLONES
static void hash_block(const dense_column *cols, size_t n_cols, uint64_t absent,
                       size_t n_names, int start_at_zero, size_t a, size_t b,
                       uint64_t *restrict hash)
{
    if (start_at_zero)
        for (size_t i = a; i < b; i++)
            hash[i] = 0;
    for (size_t c = 0; c < n_cols; c++) {
        const dense_column *d = &cols[c];
        const float *restrict x = d->x;
        if (d->level != NULL) {
            for (size_t i = a; i < b; i++)
                hash[i] += x[i] == x[i] ? d->level[(size_t)x[i]] : d->missing;
            continue;
        }
        /* numeric_word without branches, so that the loop vectorizes: every row's word is
         * made, a zero's (either sign) adds nothing, a missing value's is the one word */
        const uint64_t fw = d->feature, missing = d->missing;
        for (size_t i = a; i < b; i++) {
            const float v = x[i];
            uint32_t bits;
            memcpy(&bits, &v, sizeof bits);
            const uint64_t w = cell_word(fw, mix64(((uint64_t)2 << 32) | bits));
            hash[i] += v != v ? missing : v != 0.0f ? w : 0;
        }
    }
    for (size_t i = a; i < b; i++)
        hash[i] = st__row_hash_finish(hash[i] + absent, n_names);
}

/* Rows a block: a block's hashes stay in the first-level cache while the columns stream. */
#define HASH_BLOCK 4096

static void hash_rows(const dense_column *cols, size_t n_cols, uint64_t absent, size_t n_names,
                      int start_at_zero, size_t n, int n_threads, uint64_t *hash)
{
    const long blocks = (long)((n + HASH_BLOCK - 1) / HASH_BLOCK);
    if (n_threads <= 1 || blocks < 2) { /* no parallel region: its end costs a system call */
        for (long k = 0; k < blocks; k++) {
            const size_t a = (size_t)k * HASH_BLOCK, b = a + HASH_BLOCK < n ? a + HASH_BLOCK : n;
            hash_block(cols, n_cols, absent, n_names, start_at_zero, a, b, hash);
        }
        return;
    }
#pragma omp parallel for num_threads(n_threads) schedule(static)
    for (long k = 0; k < blocks; k++) {
        const size_t a = (size_t)k * HASH_BLOCK, b = a + HASH_BLOCK < n ? a + HASH_BLOCK : n;
        hash_block(cols, n_cols, absent, n_names, start_at_zero, a, b, hash);
    }
}

/* The words of categorical column col's levels as feature j's cells, into *out (owned). */
static st_status level_words(const st_dataset *ds, size_t col, uint64_t fw, uint64_t **out,
                             st_error *err)
{
    const size_t m = st_dataset_n_levels(ds, col);
    uint64_t *w = st__malloc_array(m ? m : 1, sizeof *w);
    if (w == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the row hashes' %zu levels", m);
    for (size_t k = 0; k < m; k++)
        w[k] = cell_word(fw, value_word(ds, (long)col, (float)k));
    *out = w;
    return ST_OK;
}

static st_status hashes_v2(const st_dataset *ds, const name_table *t, const void *model,
                           size_t n_names, st__sketch_name_fn name, int n_threads,
                           uint64_t *hash, st_error *err)
{
    const size_t n = st_dataset_n_rows(ds);
    uint64_t absent = 0; /* the words of the features ds has not */
    dense_column *cols = st__calloc(n_names ? n_names : 1, sizeof *cols);
    if (cols == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the row hashes' %zu features",
                        n_names);
    size_t n_cols = 0;
    int sparse_added = 0;
    st_status rc = ST_OK;
    for (size_t j = 0; j < n_names && rc == ST_OK; j++) {
        const uint64_t fw = feature_word(j);
        const long col = column_of(ds, t, model, name, j);
        if (col < 0) {
            absent += cell_word(fw, value_word(ds, col, 0.0f));
            continue;
        }
        if (st_dataset_feature_is_sparse(ds, (size_t)col)) {
            /* few entries, scattered: added here, in turn, before the dense columns */
            const uint32_t *rows = NULL;
            const float *values = NULL;
            size_t n_entries = 0;
            if (!sparse_added)
                for (size_t i = 0; i < n; i++)
                    hash[i] = 0;
            sparse_added = 1;
            st_dataset_feature_entries(ds, (size_t)col, &rows, &values, &n_entries, NULL);
            for (size_t e = 0; e < n_entries; e++)
                if (values[e] != 0.0f)
                    hash[rows[e]] += cell_word(fw, value_word(ds, col, values[e]));
            continue;
        }
        dense_column *d = &cols[n_cols++];
        d->x = st_dataset_feature_values(ds, (size_t)col);
        d->feature = fw;
        d->missing = cell_word(fw, value_word(ds, col, NAN));
        if (st_dataset_feature_type(ds, (size_t)col) == ST_FEATURE_CATEGORICAL)
            rc = level_words(ds, (size_t)col, fw, (uint64_t **)&d->level, err);
    }
    if (rc == ST_OK)
        hash_rows(cols, n_cols, absent, n_names, !sparse_added, n, n_threads, hash);
    for (size_t c = 0; c < n_cols; c++)
        st__free((void *)cols[c].level);
    st__free(cols);
    return rc;
}

st_status st__row_hashes(const st_dataset *ds, int version, const void *model, size_t n_names,
                         st__sketch_name_fn name, int n_threads, uint64_t *hash, st_error *err)
{
    name_table t = {0, NULL};
    st_status rc = ST_OK;
    if (model != NULL && (rc = name_table_build(ds, &t, err)) != ST_OK)
        return rc;
    if (version == 1)
        hashes_v1(ds, &t, model, n_names, name, hash);
    else
        rc = hashes_v2(ds, &t, model, n_names, name, n_threads, hash, err);
    st__free(t.slot);
    return rc;
}
