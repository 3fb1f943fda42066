/* Gradient-boosted trees: exclusive feature bundling (Ke et al., "LightGBM", NIPS 2017,
 * 3.2, Alg. 3; LightGBM src/io/dataset.cpp, FindGroups). A sparse feature is at its
 * default bin, the bin of 0, in every row without a non-zero entry; its other bins are
 * few. Features whose non-default rows never meet can share one column of codes, a
 * bundle: each member owns a range of the bundle's codes (its bins other than the default,
 * and its missing bin when it has NaN entries), and code 0 means every member is at its
 * default. The histogram of a bundle then costs one cell update per row instead of one
 * per member, and the members' default bins are derived from the bundle's total
 * (st__gbdt_best_split, LightGBM's FixHistogram), exactly, in fixed point.
 *
 * No conflict is allowed (LightGBM's max_conflict_rate 0): every row of a bundle holds
 * at most one member's non-default code, so training on the sparse form of a table gives
 * the same model as on its dense form. The greedy pass takes the features by decreasing
 * count of non-default rows and puts each into the first of at most MAX_TRIES open bundles
 * (oldest first) that has none of its rows and room for its codes, else into a new one.
 * Only sparse numeric features are bundled; dense ones keep a column each, laid out as
 * without bundling, so that models of dense data do not change. */
#include "gbdt_bins.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* Open bundles tried per feature (LightGBM's max_search_group is 100; on the 20,000 x
 * 50,000 LibSVM table of bench/run, 64 tries give 1,639 bundles, 256 give 278 and no
 * limit 267). */
#define MAX_TRIES 256
/* Memory of the bundles' row bitmaps (n_rows / 8 bytes each): once it is used up, a
 * feature that fits no open bundle gets a column of its own rather than a new bundle
 * (with sparse codes, gbdt_bundle_codes.c, a column costs only its non-zeros). On the
 * 1,000,000 x 1,000,000 EHR-like table, unlimited, the 22,032 bundles' bitmaps took
 * 2.7 GB; this keeps 2,148 of them at that row count, and never binds at 20,000 rows. */
#define MAX_BITMAP_BYTES ((size_t)256 << 20)

/* Working state of the greedy pass. */
typedef struct pack {
    size_t n_words;      /* words of a bundle's row bitmap */
    uint64_t **used;     /* per bundle: its members' non-default rows (NULL: closed) */
    size_t n_bitmaps;
    size_t *room;        /* per bundle: codes left */
    size_t n_bundles, cap;
    uint32_t *bundle_of; /* per feature: bundle, or UINT32_MAX, or DROPPED */
} pack;

/* bundle_of of a sparse feature with too few non-default rows to ever split. */
#define DROPPED (UINT32_MAX - 1)

/* Whether none of rows r[0..m) is set in bitmap u. */
static int fits(const uint64_t *u, const uint32_t *r, size_t m)
{
    for (size_t e = 0; e < m; e++)
        if ((u[r[e] / 64] >> (r[e] % 64)) & 1u)
            return 0;
    return 1;
}

/* Adds a bundle (with a bitmap of its rows when open, else closed to other features);
 * -1 when out of memory. */
static long new_bundle(pack *p, size_t room, int open)
{
    if (p->n_bundles == p->cap) {
        const size_t cap = p->cap ? 2 * p->cap : 64;
        uint64_t **u = st__realloc_array(p->used, cap, sizeof *u);
        if (u == NULL)
            return -1;
        p->used = u;
        size_t *r = st__realloc_array(p->room, cap, sizeof *r);
        if (r == NULL)
            return -1;
        p->room = r;
        p->cap = cap;
    }
    p->used[p->n_bundles] = NULL;
    p->room[p->n_bundles] = 0;
    if (open) {
        if ((p->used[p->n_bundles] = st__calloc(p->n_words, sizeof(uint64_t))) == NULL)
            return -1;
        p->room[p->n_bundles] = room;
        p->n_bitmaps++;
    }
    return (long)p->n_bundles++;
}

/* Candidates cand[0..nc) (sorted by decreasing non-default rows), their non-default rows
 * rows[off[k]..off[k+1]) and codes need[k], into bundles of at most cap codes. */
static int greedy(pack *p, const uint32_t *cand, size_t nc, const size_t *off,
                  const uint32_t *rows, const size_t *need, size_t cap)
{
    size_t first_open = 0;
    for (size_t k = 0; k < nc; k++) {
        const uint32_t *r = rows + off[k];
        const size_t m = off[k + 1] - off[k];
        long chosen = -1;
        size_t tries = 0;
        while (first_open < p->n_bundles && p->room[first_open] == 0)
            first_open++;
        for (size_t g = first_open; g < p->n_bundles && tries < MAX_TRIES; g++) {
            if (p->room[g] < need[k] || p->used[g] == NULL)
                continue;
            tries++;
            if (fits(p->used[g], r, m)) {
                chosen = (long)g;
                break;
            }
        }
        const int open = p->n_bitmaps * p->n_words * sizeof(uint64_t) < MAX_BITMAP_BYTES;
        if (chosen < 0 && (chosen = new_bundle(p, cap, open)) < 0)
            return -1;
        uint64_t *u = p->used[chosen];
        if (u == NULL) { /* a column of its own */
            p->bundle_of[cand[k]] = (uint32_t)chosen;
            continue;
        }
        for (size_t e = 0; e < m; e++)
            u[r[e] / 64] |= (uint64_t)1 << (r[e] % 64);
        p->room[chosen] -= need[k];
        p->bundle_of[cand[k]] = (uint32_t)chosen;
    }
    return 0;
}

/* Sorts cand[0..nc) (ascending) by decreasing cnt[cand], ties by index: a counting sort,
 * stable and linear in nc + max_cnt. */
static int sort_by_count(uint32_t *cand, size_t nc, const size_t *cnt, size_t max_cnt)
{
    size_t *start = st__calloc(max_cnt + 2, sizeof *start);
    uint32_t *out = st__malloc_array(nc ? nc : 1, sizeof *out);
    if (start == NULL || out == NULL) {
        st__free(start);
        st__free(out);
        return -1;
    }
    for (size_t k = 0; k < nc; k++)
        start[max_cnt - cnt[cand[k]] + 1]++;
    for (size_t v = 1; v <= max_cnt + 1; v++)
        start[v] += start[v - 1];
    for (size_t k = 0; k < nc; k++)
        out[start[max_cnt - cnt[cand[k]]]++] = cand[k];
    memcpy(cand, out, nc * sizeof *cand);
    st__free(start);
    st__free(out);
    return 0;
}

/* Lays out columns, cells, bounds and codes for the bundles in p (p->bundle_of[j] ==
 * UINT32_MAX: a column of its own). */
static st_status layout(st__gbdt_bins *b, const pack *p, const double *tmp,
                        const size_t *tmp_off, const uint8_t *has_nan, st_error *err)
{
    const size_t nf = b->n_features, ns = p->n_bundles;
    size_t single = 0;
    for (size_t j = 0; j < nf; j++)
        single += p->bundle_of[j] == UINT32_MAX;
    const size_t nc = single + ns;
    b->n_cols = nc;
    b->n_single = single;
    b->col_of = st__malloc_array(nf ? nf : 1, sizeof *b->col_of);
    b->col_off = st__malloc_array(nc + 1, sizeof *b->col_off);
    b->code_off = st__malloc_array(nc + 1, sizeof *b->code_off);
    b->member_off = st__calloc(nc + 2, sizeof *b->member_off);
    b->member = st__malloc_array(nf ? nf : 1, sizeof *b->member);
    b->default_bin = st__calloc(nf ? nf : 1, sizeof *b->default_bin);
    b->first_code = st__calloc(nf ? nf : 1, sizeof *b->first_code);
    if (b->col_of == NULL || b->col_off == NULL || b->code_off == NULL ||
        b->member_off == NULL || b->member == NULL || b->default_bin == NULL ||
        b->first_code == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory bundling %zu features", nf);
    /* columns: the single features in order, then the bundles; members ascending */
    size_t c = 0;
    for (size_t j = 0; j < nf; j++)
        if (p->bundle_of[j] == UINT32_MAX)
            b->col_of[j] = (uint32_t)c++;
        else if (p->bundle_of[j] == DROPPED)
            b->col_of[j] = UINT32_MAX;
        else
            b->col_of[j] = (uint32_t)(single + p->bundle_of[j]);
    for (size_t j = 0; j < nf; j++)
        if (b->col_of[j] != UINT32_MAX)
            b->member_off[b->col_of[j] + 2]++;
    for (size_t k = 2; k < nc + 2; k++)
        b->member_off[k] += b->member_off[k - 1];
    for (size_t j = 0; j < nf; j++)
        if (b->col_of[j] != UINT32_MAX)
            b->member[b->member_off[b->col_of[j] + 1]++] = (uint32_t)j;
    /* cells and codes */
    size_t cell = 0, code = 0;
    for (c = 0; c < nc; c++) {
        b->col_off[c] = cell;
        b->code_off[c] = code;
        const int bundle = c >= single;
        if (bundle)
            cell++, code++; /* every member at its default */
        for (size_t q = b->member_off[c]; q < b->member_off[c + 1]; q++) {
            const size_t j = b->member[q];
            b->offset[j] = cell;
            cell += (size_t)b->n_bins[j] + 1;
            if (!bundle) {
                code += (size_t)b->n_bins[j] + 1;
                continue;
            }
            b->default_bin[j] = (uint16_t)st__gbdt_bin_in(tmp + tmp_off[j], b->n_bins[j], 0.0f);
            b->first_code[j] = (uint32_t)code;
            code += (size_t)b->n_bins[j] - 1 + has_nan[j];
        }
    }
    b->col_off[nc] = cell;
    b->code_off[nc] = code;
    if (ns > 0)
        b->total_cell = cell++; /* (the leaf's total: gbdt_bins.h) */
    b->offset[nf] = cell;
    b->total_bins = cell;
    /* the dropped features' bins: after the histograms' cells, in the bounds only */
    for (size_t j = 0; j < nf; j++)
        if (b->col_of[j] == UINT32_MAX) {
            b->default_bin[j] = (uint16_t)st__gbdt_bin_in(tmp + tmp_off[j], b->n_bins[j], 0.0f);
            b->offset[j] = cell;
            cell += (size_t)b->n_bins[j] + 1;
        }
    b->bounds = st__malloc_array(cell ? cell : 1, sizeof *b->bounds);
    b->code_cell = st__malloc_array(code ? code : 1, sizeof *b->code_cell);
    if (b->bounds == NULL || b->code_cell == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory bundling %zu features", nf);
    if (ns > 0)
        b->bounds[b->total_cell] = NAN;
    for (c = 0; c < nc; c++) {
        uint32_t *tab = b->code_cell + b->code_off[c];
        if (c >= single) {
            b->bounds[b->col_off[c]] = NAN;
            *tab++ = (uint32_t)b->col_off[c];
        }
        for (size_t q = b->member_off[c]; q < b->member_off[c + 1]; q++) {
            const size_t j = b->member[q];
            const unsigned d = b->default_bin[j];
            for (unsigned x = 0; x <= (unsigned)b->n_bins[j]; x++)
                if (d == 0 || (x != d && (x != 0 || has_nan[j])))
                    *tab++ = (uint32_t)(b->offset[j] + x);
        }
    }
    return ST_OK;
}

/* Bounds of every feature from tmp into b->bounds at the offsets. */
static void copy_bounds(st__gbdt_bins *b, const double *tmp, const size_t *tmp_off)
{
    for (size_t j = 0; j < b->n_features; j++) {
        b->bounds[b->offset[j]] = NAN;
        if (b->is_cat[j])
            for (int k = 1; k <= b->n_bins[j]; k++)
                b->bounds[b->offset[j] + (size_t)k] = NAN;
        else
            memcpy(b->bounds + b->offset[j] + 1, tmp + tmp_off[j] + 1,
                   (size_t)b->n_bins[j] * sizeof *tmp);
    }
}

/* Offsets and bounds of one column per feature, as before bundling existed. */
static st_status plain_layout(st__gbdt_bins *b, st_error *err)
{
    const size_t nf = b->n_features;
    b->offset[0] = 0;
    for (size_t j = 0; j < nf; j++)
        b->offset[j + 1] = b->offset[j] + (size_t)b->n_bins[j] + 1;
    b->total_bins = b->offset[nf];
    b->bounds = st__malloc_array(b->total_bins ? b->total_bins : 1, sizeof *b->bounds);
    if (b->bounds == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory binning %zu features", nf);
    return ST_OK;
}

/* The sparse numeric features (cand), each one's non-default rows (rows, off) and codes
 * needed (need), whether it has NaN entries; returns the candidates' count, or -1. */
static long find_candidates(const st_dataset *ds, const st__gbdt_bins *b, const double *tmp,
                            const size_t *tmp_off, uint32_t *cand, size_t **off_out,
                            uint32_t **rows_out, size_t *need, size_t *cnt, uint8_t *has_nan)
{
    const size_t nf = b->n_features;
    size_t nc = 0, total = 0;
    for (size_t j = 0; j < nf; j++) {
        if (b->is_cat[j] || st_dataset_feature_values(ds, j) != NULL)
            continue;
        const uint32_t *r;
        const float *x;
        size_t ne;
        st_dataset_feature_entries(ds, j, &r, &x, &ne, NULL);
        total += ne;
        cand[nc++] = (uint32_t)j;
    }
    size_t *off = st__malloc_array(nc + 1, sizeof *off);
    uint32_t *rows = st__malloc_array(total ? total : 1, sizeof *rows);
    if (off == NULL || rows == NULL) {
        st__free(off);
        st__free(rows);
        return -1;
    }
    off[0] = 0;
    for (size_t k = 0; k < nc; k++) {
        const size_t j = cand[k];
        const uint32_t *r;
        const float *x;
        size_t ne, m = off[k];
        st_dataset_feature_entries(ds, j, &r, &x, &ne, NULL);
        const double *bd = tmp + tmp_off[j];
        const unsigned d = st__gbdt_bin_in(bd, b->n_bins[j], 0.0f);
        has_nan[j] = 0;
        for (size_t e = 0; e < ne; e++) {
            if (st__gbdt_bin_in(bd, b->n_bins[j], x[e]) == d)
                continue; /* an explicit zero (or a value binned with 0) */
            has_nan[j] |= x[e] != x[e];
            rows[m++] = r[e];
        }
        off[k + 1] = m;
        cnt[j] = m - off[k];
        need[j] = (size_t)b->n_bins[j] - 1 + has_nan[j];
    }
    *off_out = off;
    *rows_out = rows;
    return (long)nc;
}

st_status st__gbdt_bundle(const st_dataset *ds, st__gbdt_bins *b, const double *tmp,
                          const size_t *tmp_off, size_t min_rows, st_error *err)
{
    const size_t nf = b->n_features, n = b->n_rows;
    uint32_t *cand = st__malloc_array(nf ? nf : 1, sizeof *cand);
    size_t *need = st__malloc_array(nf ? nf : 1, sizeof *need);
    size_t *cnt = st__calloc(nf ? nf : 1, sizeof *cnt);
    uint8_t *has_nan = st__calloc(nf ? nf : 1, sizeof *has_nan);
    size_t *off = NULL, *need_k = NULL;
    uint32_t *rows = NULL;
    pack p = {.n_words = (n + 63) / 64 ? (n + 63) / 64 : 1};
    p.bundle_of = st__malloc_array(nf ? nf : 1, sizeof *p.bundle_of);
    st_status rc = ST_OK;
    long nc = -1;
    if (cand != NULL && need != NULL && cnt != NULL && has_nan != NULL && p.bundle_of != NULL)
        nc = find_candidates(ds, b, tmp, tmp_off, cand, &off, &rows, need, cnt, has_nan);
    if (nc < 0) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory bundling %zu features", nf);
        goto done;
    }
    if (nc == 0) {
        if ((rc = plain_layout(b, err)) != ST_OK)
            goto done;
    } else {
        for (size_t j = 0; j < nf; j++)
            p.bundle_of[j] = UINT32_MAX;
        /* the order of the greedy pass: by decreasing non-default rows; the candidates'
           row lists are re-read through a permuted offset table */
        uint32_t *order = st__malloc_array((size_t)nc, sizeof *order);
        size_t *ord_off = st__malloc_array((size_t)nc + 1, sizeof *ord_off);
        uint32_t *ord_rows = st__malloc_array(off[nc] ? off[nc] : 1, sizeof *ord_rows);
        need_k = st__malloc_array((size_t)nc, sizeof *need_k);
        size_t *pos = st__malloc_array(nf ? nf : 1, sizeof *pos);
        size_t max_cnt = 0;
        for (long k = 0; k < nc; k++)
            if (pos != NULL)
                pos[cand[k]] = off[k];
        /* the pre-filter: every split of a sparse feature has a side made of its
           non-default rows only, so one with fewer than min_rows of them never splits */
        long kept = 0;
        for (long k = 0; k < nc; k++)
            if (cnt[cand[k]] < min_rows)
                p.bundle_of[cand[k]] = DROPPED;
            else
                cand[kept++] = cand[k];
        for (long k = 0; k < kept; k++)
            max_cnt = cnt[cand[k]] > max_cnt ? cnt[cand[k]] : max_cnt;
        int fail = order == NULL || ord_off == NULL || ord_rows == NULL || need_k == NULL ||
                   pos == NULL;
        if (!fail) {
            memcpy(order, cand, (size_t)kept * sizeof *order);
            fail = sort_by_count(order, (size_t)kept, cnt, max_cnt) != 0;
        }
        if (!fail) {
            ord_off[0] = 0;
            for (long k = 0; k < kept; k++) {
                const size_t j = order[k];
                memcpy(ord_rows + ord_off[k], rows + pos[j], cnt[j] * sizeof *rows);
                ord_off[k + 1] = ord_off[k] + cnt[j];
                need_k[k] = need[j];
            }
            fail = greedy(&p, order, (size_t)kept, ord_off, ord_rows, need_k,
                          b->wide ? 65535 : 255) != 0;
        }
        st__free(order);
        st__free(ord_off);
        st__free(ord_rows);
        st__free(pos);
        if (fail) {
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory bundling %zu features", nf);
            goto done;
        }
        if ((rc = layout(b, &p, tmp, tmp_off, has_nan, err)) != ST_OK)
            goto done;
    }
    copy_bounds(b, tmp, tmp_off);
    int ovf = 0;
    const size_t cells = st__mul_size(st__gbdt_code_stride(b) ? st__gbdt_code_stride(b) : 1,
                                      n ? n : 1, &ovf);
    const size_t w = b->wide ? 2 : 1;
    void *codes = ovf ? NULL : st__malloc_array(cells, w);
    void *cols = ovf ? NULL : st__malloc_array(cells, w);
    /* fresh pages in a process that does not keep freed memory (Python): 2 MB ones, one
     * fault each instead of 512 (core/alloc_huge.c) */
    st__advise_huge_pages(codes, ovf ? 0 : cells * w);
    st__advise_huge_pages(cols, ovf ? 0 : cells * w);
    if (b->wide)
        b->codes16 = codes, b->cols16 = cols;
    else
        b->codes = codes, b->cols = cols;
    if (codes == NULL || cols == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the codes of %zu rows x %zu "
                      "columns", n, st__gbdt_code_stride(b));
done:
    for (size_t g = 0; g < p.n_bundles; g++)
        st__free(p.used[g]);
    st__free(p.used);
    st__free(p.room);
    st__free(p.bundle_of);
    st__free(cand);
    st__free(need);
    st__free(need_k);
    st__free(cnt);
    st__free(has_nan);
    st__free(off);
    st__free(rows);
    return rc;
}

st_status st__gbdt_unbundle(st__gbdt_bins *b, st_error *err)
{
    if (b->col_of == NULL)
        return ST_OK;
    const size_t nf = b->n_features;
    size_t *off = st__malloc_array(nf + 1, sizeof *off);
    size_t total = 0;
    for (size_t j = 0; j < nf; j++)
        total += (size_t)b->n_bins[j] + 1;
    double *bounds = st__malloc_array(total ? total : 1, sizeof *bounds);
    if (off == NULL || bounds == NULL) {
        st__free(off);
        st__free(bounds);
        return st__fail(err, ST_ERR_NOMEM, "out of memory binning %zu features", nf);
    }
    off[0] = 0;
    for (size_t j = 0; j < nf; j++) {
        off[j + 1] = off[j] + (size_t)b->n_bins[j] + 1;
        memcpy(bounds + off[j], b->bounds + b->offset[j],
               ((size_t)b->n_bins[j] + 1) * sizeof *bounds);
    }
    st__free(b->offset), st__free(b->bounds);
    b->offset = off, b->bounds = bounds, b->total_bins = total;
    st__free(b->col_of), st__free(b->col_off), st__free(b->code_off), st__free(b->code_cell);
    st__free(b->member_off), st__free(b->member), st__free(b->default_bin);
    st__free(b->first_code);
    b->col_of = NULL, b->col_off = b->code_off = b->member_off = NULL, b->code_cell = NULL;
    b->member = NULL, b->default_bin = NULL, b->first_code = NULL, b->n_cols = 0;
    st__free(b->bundle_row), st__free(b->bundle_cell);
    st__free(b->bcol_off), st__free(b->bcol_row), st__free(b->bcol_code);
    b->bundle_row = NULL, b->bundle_cell = NULL, b->n_single = 0, b->total_cell = 0;
    b->bcol_off = NULL, b->bcol_row = NULL, b->bcol_code = NULL;
    st__free(b->codes), st__free(b->cols), st__free(b->codes16), st__free(b->cols16);
    b->codes = b->cols = NULL, b->codes16 = b->cols16 = NULL;
    return ST_OK;
}
