/* Gradient-boosted trees: categorical features outside the split search. Their bins
 * (LightGBM BinMapper::FindBin for categorical features, which keeps the most frequent
 * categories and lets the rest share a bin): every level seen in the bin sample gets a
 * bin, in level-code order, unless there are more than max_bin of them; then only the
 * max_bin - 1 most frequent do (ties: the lower code) and every other level shares the
 * last, "other", bin. Levels of the dictionary absent from the sample share that bin too.
 * Unlike LightGBM, rare levels are not folded away while bins remain: the split search
 * already guards against them (cat_smooth, min_data_per_group). A feature of more than
 * max_cat_levels levels is not binned here: it is binned and split as ordered codes.
 * And the model side: category sets are kept as bitsets over level codes in one array of
 * the model, each node pointing at its own. */
#include "gbdt_model.h"
#include "gbdt_bins.h"
#include "gbdt_grow.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

typedef struct level_count {
    size_t count, code;
} level_count;

/* More frequent first, then the lower code. */
static int by_count(const void *a, const void *b)
{
    const level_count *x = a, *y = b;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return x->code < y->code ? -1 : x->code > y->code;
}

static int level_bins(size_t k, int max_bin, level_count *lc, uint8_t *map);

/* The bins of categorical feature j of k levels into map[0..k); returns the bin count. */
static int feature_bins(const float *x, const size_t *rows, size_t s, size_t k, int max_bin,
                        level_count *lc, uint8_t *map)
{
    for (size_t c = 0; c < k; c++)
        lc[c] = (level_count){0, c};
    for (size_t i = 0; i < s; i++) {
        const float v = x[rows[i]];
        if (v == v)
            lc[(size_t)v].count++;
    }
    return level_bins(k, max_bin, lc, map);
}

/* The same from the level counts already in lc[0..k) (lc[c] = {count, c}). */
static int level_bins(size_t k, int max_bin, level_count *lc, uint8_t *map)
{
    size_t present = 0;
    for (size_t c = 0; c < k; c++)
        present += lc[c].count > 0;
    const int absent = present < k;
    size_t keep = present;
    if (present + (size_t)absent > (size_t)max_bin) {
        keep = (size_t)max_bin - 1;
        qsort(lc, k, sizeof *lc, by_count);
        for (size_t r = keep; r < k; r++)
            lc[r].count = 0; /* not kept: marked as absent */
        /* back to code order: codes are 0..k-1, so place each entry at its code */
        for (size_t r = 0; r < k;) {
            const size_t c = lc[r].code;
            if (c == r) {
                r++;
                continue;
            }
            const level_count t = lc[c];
            lc[c] = lc[r];
            lc[r] = t;
        }
    }
    const int other = (int)keep + 1; /* the shared bin, when some level is not kept */
    int next = 1;
    for (size_t c = 0; c < k; c++)
        map[c] = (uint8_t)(lc[c].count > 0 ? next++ : other);
    const int nb = (int)keep + (keep < k ? 1 : 0);
    return nb > 0 ? nb : 1; /* a feature never seen still has one (empty) bin */
}

st_status st__gbdt_cat_bins(const st_dataset *ds, const size_t *rows, size_t s,
                            const st_gbdt_params *prm, st__gbdt_bins *b, st_error *err)
{
    /* level bins are one byte and node sets hold 256 bins, whatever max_bin allows the
       numeric features */
    const int max_bin = prm->max_bin < 255 ? prm->max_bin : 255;
    const size_t nf = b->n_features;
    size_t total = 0, widest = 0;
    b->is_cat = st__calloc(nf ? nf : 1, 1);
    b->level_off = st__malloc_array(nf + 1, sizeof *b->level_off);
    if (b->is_cat == NULL || b->level_off == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory binning categorical features");
    for (size_t j = 0; j < nf; j++) {
        b->level_off[j] = total;
        const size_t k = st_dataset_n_levels(ds, j);
        if (st_dataset_feature_type(ds, j) != ST_FEATURE_CATEGORICAL ||
            (prm->max_cat_levels > 0 && k > (size_t)prm->max_cat_levels))
            continue; /* numeric, or split as ordered codes: binned as numbers */
        b->is_cat[j] = 1;
        total += k;
        widest = k > widest ? k : widest;
    }
    b->level_off[nf] = total;
    b->level_bin = st__malloc_array(total ? total : 1, 1);
    level_count *lc = st__malloc_array(widest ? widest : 1, sizeof *lc);
    if (b->level_bin == NULL || lc == NULL) {
        st__free(lc);
        return st__fail(err, ST_ERR_NOMEM, "out of memory binning categorical features "
                        "(%zu levels)", total);
    }
    for (size_t j = 0; j < nf; j++)
        if (b->is_cat[j])
            b->n_bins[j] = feature_bins(st_dataset_feature_values(ds, j), rows, s,
                                        b->level_off[j + 1] - b->level_off[j], max_bin, lc,
                                        b->level_bin + b->level_off[j]);
    st__free(lc);
    return ST_OK;
}

int st__gbdt_level_bins(const size_t *counts, size_t k, int max_bin, uint8_t *map)
{
    level_count *lc = st__malloc_array(k ? k : 1, sizeof *lc);
    if (lc == NULL)
        return -1;
    for (size_t c = 0; c < k; c++)
        lc[c] = (level_count){counts[c], c};
    const int nb = level_bins(k, max_bin < 255 ? max_bin : 255, lc, map);
    st__free(lc);
    return nb;
}

int64_t st__gbdt_add_cat_set(st_gbdt *m, size_t n_words)
{
    if (m->cat_words + n_words > m->cat_cap) {
        size_t cap = m->cat_cap ? m->cat_cap : 64;
        while (cap < m->cat_words + n_words)
            cap *= 2;
        uint32_t *p = st__realloc_array(m->cat_bits, cap, sizeof *p);
        if (p == NULL)
            return 0;
        m->cat_bits = p;
        m->cat_cap = cap;
    }
    if (n_words > 0) /* (a feature without levels has an empty set, maybe no array) */
        memset(m->cat_bits + m->cat_words, 0, n_words * sizeof *m->cat_bits);
    const int64_t at = (int64_t)m->cat_words + 1;
    m->cat_words += n_words;
    return at;
}

int st__gbdt_store_cat_sets(st_gbdt *m, const st__gbdt_bins *b, st__gbdt_node *nodes,
                            const uint32_t (*node_set)[8], size_t n_nodes)
{
    for (size_t k = 0; k < n_nodes; k++) {
        st__gbdt_node *nd = &nodes[k];
        if (nd->cat_set == 0)
            continue;
        const size_t f = (size_t)nd->feature;
        const size_t n_levels = b->level_off[f + 1] - b->level_off[f];
        const int64_t at = st__gbdt_add_cat_set(m, st__gbdt_set_words(n_levels));
        if (at == 0)
            return 0;
        uint32_t *set = m->cat_bits + (at - 1);
        const uint8_t *map = b->level_bin + b->level_off[f];
        for (size_t c = 0; c < n_levels; c++)
            if (st__gbdt_bin_in_set(node_set[k], map[c]))
                set[c / 32] |= 1u << (c % 32);
        nd->default_left = st__gbdt_bin_in_set(node_set[k], 0);
        nd->cat_set = at;
    }
    return 1;
}
