/* The training-rows fingerprint (data/row_sketch.h) of rows that are never a dataset: the
 * out-of-core writer of text rows (logreg_rowfile_text.c) adds each row's cells as it
 * writes them. The words are row_hash.c's version 2 (a row's hash is the mix of the sum of
 * one word per non-zero cell, its feature's position and its value's bits; numeric cells
 * only: out-of-core training has no categorical features), so the model's row_sketch line
 * is the one st__row_sketch_build gives for the same rows as a dataset (test_text_rowfile
 * compares the model files). The sketch is row_sketch.c's: the bottom ST__SKETCH_K
 * distinct hashes. */
#include "logreg_rowfile.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* SplitMix64's finaliser, as row_hash.c's mix64. */
static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15u;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

uint64_t st__lr_sketch_cell(size_t j, float v)
{
    uint64_t value;
    if (v != v) {
        value = mix64(1); /* missing */
    } else {
        float f = v == 0.0f ? 0.0f : v; /* -0 as 0 */
        uint32_t bits;
        memcpy(&bits, &f, sizeof bits);
        value = mix64(((uint64_t)2 << 32) | bits);
    }
    return mix64(mix64(((uint64_t)4 << 32) ^ (uint64_t)j) ^ value);
}

uint64_t st__lr_sketch_row(uint64_t sum, size_t n_features)
{
    return mix64(sum + mix64(((uint64_t)5 << 32) ^ (uint64_t)n_features));
}

static int cmp_u64(const void *a, const void *b)
{
    const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

st_status st__lr_sketch_build(uint64_t *hash, size_t n, st__row_sketch *s, st_error *err)
{
    memset(s, 0, sizeof *s);
    size_t d = 0;
    if (n > 0) {
        qsort(hash, n, sizeof *hash, cmp_u64);
        d = 1;
        for (size_t i = 1; i < n; i++)
            if (hash[i] != hash[d - 1])
                hash[d++] = hash[i];
    }
    s->k = d < ST__SKETCH_K ? d : ST__SKETCH_K;
    if ((s->hash = st__malloc_array(s->k ? s->k : 1, sizeof *s->hash)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the training-rows fingerprint");
    memcpy(s->hash, hash, s->k * sizeof *s->hash);
    s->n_rows = n;
    s->n_distinct = d;
    s->version = ST__SKETCH_VERSION;
    return ST_OK;
}
