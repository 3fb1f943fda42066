/* Gradient-boosted trees: cutting each feature into bins (LightGBM src/io/bin.cpp,
 * BinMapper::FindBin). The bounds come from a row sample of at most bin_sample_rows rows,
 * drawn by selection sampling (Knuth, TAOCP vol. 2, 3.4.2, Algorithm S) so that it is in
 * row order and depends only on the seed. Each feature's sample is sorted by an LSD radix
 * sort on the floats' bits (Knuth 5.2.5), in scratch allocated beforehand. Over the
 * sample's sorted distinct present values
 * v_0 < ... < v_{k-1}:
 *   - k <= max_bin: one bin per distinct value, bounds halfway between neighbours;
 *   - otherwise greedy equal-count bins: walking the distinct values, a bin is closed as
 *     soon as it holds at least (rows left) / (bins left) sample rows (a value is never
 *     split across bins, so a heavy value gets a bin of its own).
 * The last bound is +inf, so every present value of the full data has a bin; missing
 * values (NaN) get code 0. Categorical features are binned by level instead
 * (gbdt_categorical.c). A bound is the midpoint of two floats computed in double, which
 * is exact, so "v <= bound" in training and in prediction agree for every float v. */
#include "gbdt_bins.h"
#include "gbdt_rand.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/float_sort.h"
#include "core/parallel.h"

/* The sorted distinct values of vals[0..n) (sorted in place) into vals[0..k), their
 * counts into cnt; returns k. */
static size_t distinct(float *vals, size_t n, double *cnt, uint32_t *k1, uint32_t *k2)
{
    st__sort_floats(vals, n, k1, k2);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k > 0 && vals[i] == vals[k - 1]) {
            cnt[k - 1] += 1;
        } else {
            vals[k] = vals[i];
            cnt[k++] = 1;
        }
    }
    return k;
}

/* Halfway between two sorted distinct floats (exact in double); the lower one when they
 * are -inf and +inf. */
static double midpoint(float a, float b)
{
    const double m = ((double)a + (double)b) / 2;
    return m == m ? m : (double)a;
}

/* Bounds of one feature from its k distinct sample values: bounds[1..nb], returns nb. */
static int find_bounds(const float *v, const double *cnt, size_t k, int max_bin,
                       double *bounds)
{
    int nb = 0;
    if (k <= (size_t)max_bin) {
        for (size_t i = 0; i + 1 < k; i++)
            bounds[++nb] = midpoint(v[i], v[i + 1]);
    } else {
        double rest = 0, acc = 0;
        for (size_t i = 0; i < k; i++)
            rest += cnt[i];
        int bins_left = max_bin;
        for (size_t i = 0; i + 1 < k && bins_left > 1; i++) {
            acc += cnt[i];
            if (acc >= rest / bins_left) {
                bounds[++nb] = midpoint(v[i], v[i + 1]);
                rest -= acc;
                acc = 0;
                bins_left--;
            }
        }
    }
    bounds[++nb] = INFINITY;
    return nb;
}

uint16_t st__gbdt_bin_of(const st__gbdt_bins *b, size_t j, float v)
{
    if (v != v)
        return 0;
    if (b->is_cat != NULL && b->is_cat[j])
        return b->level_bin[b->level_off[j] + (size_t)v];
    return (uint16_t)st__gbdt_bin_in(b->bounds + b->offset[j], b->n_bins[j], v);
}

/* Rows of the sample, in order: all rows when n <= s. */
static size_t draw_sample(size_t n, size_t s, uint64_t seed, size_t *rows)
{
    if (n <= s) {
        for (size_t i = 0; i < n; i++)
            rows[i] = i;
        return n;
    }
    uint64_t state = seed ^ 0x5bd1e995b1a5ULL;
    size_t taken = 0;
    for (size_t i = 0; i < n && taken < s; i++)
        if ((double)(n - i) * st__gbdt_rand_unit(&state) < (double)(s - taken))
            rows[taken++] = i;
    return taken;
}

void st__gbdt_bins_free(st__gbdt_bins *b)
{
    if (b == NULL)
        return;
    if (!b->codes_borrowed) {
        st__free(b->codes);
        st__free(b->cols);
        st__free(b->codes16);
        st__free(b->cols16);
    }
    st__free(b->n_bins);
    st__free(b->offset);
    st__free(b->bounds);
    st__free(b->is_cat);
    st__free(b->level_off);
    st__free(b->level_bin);
    st__free(b->col_of);
    st__free(b->col_off);
    st__free(b->code_off);
    st__free(b->code_cell);
    st__free(b->member_off);
    st__free(b->member);
    st__free(b->default_bin);
    st__free(b->first_code);
    st__free(b->bundle_row);
    st__free(b->bundle_cell);
    st__free(b->bcol_off);
    st__free(b->bcol_row);
    st__free(b->bcol_code);
    memset(b, 0, sizeof *b);
}

/* Whether row i is among the s ascending rows of the sample. */
static int sampled(const size_t *rows, size_t s, size_t i)
{
    size_t lo = 0, hi = s;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (rows[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s && rows[lo] == i;
}

/* Sparse feature j's sample, from its entries: the present values of the sampled rows'
 * entries into v (returns how many) and the sampled rows without an entry (implicit zeros)
 * into *zeros. The sample is every row when s == n. Time O(entries), O(entries log s) when
 * the sample is a part of the rows. */
static size_t sparse_sample(const st_dataset *ds, size_t j, const size_t *rows, size_t s,
                            float *v, size_t *zeros)
{
    const uint32_t *r;
    const float *x;
    size_t ne, m = 0, in_sample = 0;
    st_dataset_feature_entries(ds, j, &r, &x, &ne, NULL);
    const int all = s == st_dataset_n_rows(ds);
    for (size_t e = 0; e < ne; e++) {
        if (!all && !sampled(rows, s, r[e]))
            continue;
        in_sample++;
        if (x[e] == x[e])
            v[m++] = x[e];
    }
    *zeros = s - in_sample;
    return m;
}

/* Adds z zeros to the k sorted distinct values v with counts cnt (room for k + 1), as
 * distinct() would have counted them among the others; returns the new k. */
static size_t add_zeros(float *v, double *cnt, size_t k, size_t z)
{
    if (z == 0)
        return k;
    size_t p = 0;
    while (p < k && v[p] < 0.0f)
        p++;
    if (p < k && v[p] == 0.0f) { /* -0 and 0 are one value, as in distinct() */
        cnt[p] += (double)z;
        return k;
    }
    memmove(v + p + 1, v + p, (k - p) * sizeof *v);
    memmove(cnt + p + 1, cnt + p, (k - p) * sizeof *cnt);
    v[p] = 0.0f;
    cnt[p] = (double)z;
    return k + 1;
}

/* Finds every numeric feature's bounds into tmp (feature j's at tmp + tmp_off[j]) and
 * n_bins. A sparse feature's come from its entries and a count of its zeros: the same
 * bounds as its dense copy's. */
static void all_bounds(const st_dataset *ds, const size_t *rows, size_t s, int max_bin,
                       int nt, float *vals, double *cnt, uint32_t *keys, double *tmp,
                       const size_t *tmp_off, int *n_bins, const uint8_t *is_cat)
{
    const long nf = (long)st_dataset_n_features(ds);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (long j = 0; j < nf; j++) {
        if (is_cat[j])
            continue;
        float *v = vals + (size_t)omp_get_thread_num() * s;
        double *c = cnt + (size_t)omp_get_thread_num() * s;
        uint32_t *k1 = keys + (size_t)omp_get_thread_num() * 2 * s, *k2 = k1 + s;
        const float *x = st_dataset_feature_values(ds, (size_t)j);
        if (x == NULL) {
            size_t zeros;
            const size_t m = sparse_sample(ds, (size_t)j, rows, s, v, &zeros);
            const size_t k = add_zeros(v, c, distinct(v, m, c, k1, k2), zeros);
            n_bins[j] = find_bounds(v, c, k, max_bin, tmp + tmp_off[j]);
            continue;
        }
        size_t m = 0;
        for (size_t i = 0; i < s; i++)
            if (x[rows[i]] == x[rows[i]])
                v[m++] = x[rows[i]];
        size_t k = distinct(v, m, c, k1, k2);
        n_bins[j] = find_bounds(v, c, k, max_bin, tmp + tmp_off[j]);
    }
}

/* Room for feature j's bounds in the scratch of all_bounds: per entries, or for a sparse
 * feature, its entries plus 2 (one bin per distinct value, one for the zeros, and the
 * unused first entry), so that the scratch follows the non-zeros. Sets tmp_off[0..nf];
 * returns the total. */
static size_t bounds_room(const st_dataset *ds, size_t per, size_t *tmp_off)
{
    const size_t nf = st_dataset_n_features(ds);
    tmp_off[0] = 0;
    for (size_t j = 0; j < nf; j++) {
        size_t room = per;
        if (st_dataset_feature_values(ds, j) == NULL) {
            const uint32_t *r;
            const float *x;
            size_t ne;
            st_dataset_feature_entries(ds, j, &r, &x, &ne, NULL);
            room = ne + 2 < per ? ne + 2 : per;
        }
        tmp_off[j + 1] = tmp_off[j] + room;
    }
    return tmp_off[nf];
}

/* The first of n ascending rows r[] that is at least i (n when none is). */
static size_t first_entry(const uint32_t *r, size_t n, size_t i)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        if (r[mid] < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Rows coded per block of CODE_BLOCK, so that threads write disjoint cache lines. */
#define CODE_BLOCK 4096

/* Codes of rows [i0, i1) into codes (row-major) and cols (feature-major), of type T:
 * uint8_t, or uint16_t when some feature has more than 255 bins; the columns of single
 * features only (bundles: st__gbdt_bundle_codes). */
#define DEFINE_CODE_BLOCK(NAME, T)                                                        \
    static void NAME(const st_dataset *ds, const st__gbdt_bins *b, size_t i0, size_t i1,  \
                     T *codes, T *cols)                                                   \
    {                                                                                     \
        const size_t nf = b->n_features, n = b->n_rows, nc = st__gbdt_code_stride(b);     \
        for (size_t j = 0; j < nf; j++) {                                                 \
            if (b->default_bin != NULL && b->default_bin[j] != 0)                         \
                continue; /* bundled */                                                   \
            const size_t cj = b->col_of != NULL ? b->col_of[j] : j;                       \
            const float *x = st_dataset_feature_values(ds, j);                            \
            T *col = cols + cj * n;                                                       \
            if (x == NULL) { /* sparse: the code of 0, then the block's entries */        \
                const T zero = (T)st__gbdt_bin_of(b, j, 0.0f);                            \
                for (size_t i = i0; i < i1; i++)                                          \
                    codes[i * nc + cj] = col[i] = zero;                                   \
                const uint32_t *r;                                                        \
                const float *v;                                                           \
                size_t ne, e;                                                             \
                st_dataset_feature_entries(ds, j, &r, &v, &ne, NULL);                     \
                for (e = first_entry(r, ne, i0); e < ne && r[e] < i1; e++)                \
                    codes[r[e] * nc + cj] = col[r[e]] = (T)st__gbdt_bin_of(b, j, v[e]);   \
                continue;                                                                 \
            }                                                                             \
            for (size_t i = i0; i < i1; i++)                                              \
                codes[i * nc + cj] = col[i] = (T)st__gbdt_bin_of(b, j, x[i]);             \
        }                                                                                 \
    }
DEFINE_CODE_BLOCK(code_block_u8, uint8_t)
DEFINE_CODE_BLOCK(code_block_u16, uint16_t)

static void all_codes(const st_dataset *ds, const st__gbdt_bins *b, int nt)
{
    const size_t n = b->n_rows;
    const long n_blocks = (long)((n + CODE_BLOCK - 1) / CODE_BLOCK);
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1)
    for (long bl = 0; bl < n_blocks; bl++) {
        const size_t i0 = (size_t)bl * CODE_BLOCK, i1 = i0 + CODE_BLOCK < n ? i0 + CODE_BLOCK : n;
        if (b->wide)
            code_block_u16(ds, b, i0, i1, b->codes16, b->cols16);
        else
            code_block_u8(ds, b, i0, i1, b->codes, b->cols);
    }
}

st_status st__gbdt_bins_build(const st_dataset *ds, const st_gbdt_params *prm, int nt,
                              st__gbdt_bins *b, st_error *err)
{
    memset(b, 0, sizeof *b);
    const size_t n = st_dataset_n_rows(ds), nf = st_dataset_n_features(ds);
    const size_t s = n < (size_t)prm->bin_sample_rows ? n : (size_t)prm->bin_sample_rows;
    /* a feature has at most min(max_bin, s) bounds: with max_bin up to 65535 and a small
     * sample this keeps the scratch from growing with max_bin */
    const size_t per = ((size_t)prm->max_bin < (s ? s : 1) ? (size_t)prm->max_bin : (s ? s : 1)) + 1;
    int ovf = 0; /* an overflowing size makes the allocation below fail */
    const size_t per_thread = st__mul_size((size_t)nt, s ? s : 1, &ovf);
    size_t *rows = st__malloc_array(s ? s : 1, sizeof *rows);
    size_t *tmp_off = st__malloc_array(nf + 1, sizeof *tmp_off);
    float *vals = ovf ? NULL : st__malloc_array(per_thread, sizeof *vals);
    double *cnt = ovf ? NULL : st__malloc_array(per_thread, sizeof *cnt);
    uint32_t *keys = ovf ? NULL : st__malloc_array(per_thread, 2 * sizeof *keys);
    double *tmp = tmp_off == NULL ? NULL
                                  : st__malloc_array(bounds_room(ds, per, tmp_off) + 1, sizeof *tmp);
    b->n_rows = n;
    b->n_features = nf;
    b->n_bins = st__malloc_array(nf ? nf : 1, sizeof *b->n_bins);
    b->offset = st__malloc_array(nf + 1, sizeof *b->offset);
    st_status rc = ST_OK;
    if (ovf || rows == NULL || vals == NULL || cnt == NULL || keys == NULL || tmp == NULL ||
        b->n_bins == NULL || b->offset == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory binning %zu rows x %zu features", n, nf);
        goto done;
    }
    draw_sample(n, s, prm->seed, rows);
    if ((rc = st__gbdt_cat_bins(ds, rows, s, prm, b, err)) != ST_OK)
        goto done;
    all_bounds(ds, rows, s, prm->max_bin, nt, vals, cnt, keys, tmp, tmp_off, b->n_bins,
               b->is_cat);
    for (size_t j = 0; j < nf; j++)
        b->wide |= b->n_bins[j] > 255;
    if ((rc = st__gbdt_bundle(ds, b, tmp, tmp_off, (size_t)prm->min_data_in_leaf, err)) != ST_OK)
        goto done;
    all_codes(ds, b, nt);
    rc = st__gbdt_bundle_codes(ds, b, err);
done:
    st__free(rows);
    st__free(tmp_off);
    st__free(vals);
    st__free(cnt);
    st__free(keys);
    st__free(tmp);
    if (rc != ST_OK)
        st__gbdt_bins_free(b);
    return rc;
}

int st__gbdt_find_bounds(const float *v, const double *cnt, size_t k, int max_bin,
                         double *bounds)
{
    return find_bounds(v, cnt, k, max_bin, bounds);
}
