/* Gradient-boosted trees: growing one tree leaf-wise, best-first (LightGBM
 * SerialTreeLearner::Train; Shi, "Best-first decision tree learning", 2007). Each leaf
 * keeps its rows (a range of one index array), its gradient sums, its histogram and its
 * best split. Until the tree has num_leaves leaves, the leaf with the largest valid gain
 * (the lowest-numbered one on a tie) is split: its left child keeps its number, the right
 * child takes the next one. Only the child with fewer rows gets a histogram built from its
 * rows; the other's is the parent's minus it, in place. A leaf at max_depth, or with fewer
 * than 2 * min_data_in_leaf rows, is not split further. With monotone constraints each leaf
 * also carries bounds on its output (gbdt_monotone.c). The two leaves of a gradient-sorted
 * categorical split take their values with lambda_l2 + cat_l2, as their gain was scored.
 *
 * Rows belong to threads: the tree's rows are dealt into n_seg segments (one per thread,
 * in blocks of SEG_BLOCK rows taken in turn, so that data sorted by some column still
 * spreads evenly), and every leaf keeps its rows segment by segment. Splitting a leaf is
 * then one parallel step with no barrier inside: each thread partitions its own segment
 * of the leaf and adds its share of the smaller child's rows to its own histogram; the
 * histograms are summed after it. (A partition of a shared row list needs a barrier
 * between counting and moving, and the histogram a second parallel step: with threads
 * that sleep while they wait, as the CLI has them, each of those wake-ups cost about as
 * much as a small leaf's histogram.) Integer sums make the model the same whatever the
 * segments and the number of threads. */
#include "gbdt_leaf.h"
#include "gbdt_train_core.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"

/* Row segments: at most this many (threads beyond share), dealt in blocks of this many
 * rows. */
#define SEG_MAX 64
#define SEG_BLOCK 4096
/* Below this many (row, feature) pairs a leaf's split (or the root's histogram of a bag)
 * runs on one thread. */
#define GROW_PARALLEL_MIN_PAIRS 262144

void st__gbdt_grower_free(st__gbdt_grower *gr)
{
    if (gr == NULL)
        return;
    st__free(gr->rows);
    st__free(gr->scratch);
    st__free(gr->gh);
    st__free(gr->work);
    st__free(gr->nwork);
    st__free(gr->stat);
    st__free(gr->pack);
    st__free(gr->n_all);
    if (gr->hist != NULL)
        st__free(gr->hist[gr->prm->num_leaves]); /* the one block behind every slot */
    st__free(gr->hist);
    st__free(gr->feats);
    st__free(gr->act);
    st__free(gr->n_act);
    st__free(gr->keep);
    st__free(gr->live);
    st__free(gr->begin);
    st__free(gr->count);
    st__free(gr->depth);
    st__free(gr->sum_g);
    st__free(gr->sum_h);
    st__free(gr->cols);
    st__free(gr->best);
    st__free(gr->parent_node);
    st__free(gr->is_left);
    st__free(gr->nodes);
    st__free(gr->node_bin);
    st__free(gr->values);
    st__free(gr->lo);
    st__free(gr->hi);
    st__free(gr->node_set);
    st__free(gr->extra_l2);
    st__gbdt_quant_free(gr);
    memset(gr, 0, sizeof *gr);
}

st_status st__gbdt_grower_init(st__gbdt_grower *gr, const st__gbdt_bins *b,
                               const st_gbdt_params *prm, const st__gbdt_reducer *reducer,
                               uint64_t n_rows_global, int n_threads, st_error *err)
{
    memset(gr, 0, sizeof *gr);
    gr->bins = b;
    gr->prm = prm;
    gr->n_threads = n_threads;
    gr->reducer = reducer;
    gr->n_rows_global = n_rows_global;
    const size_t n = b->n_rows ? b->n_rows : 1, L = (size_t)prm->num_leaves;
    const size_t tb = b->total_bins ? b->total_bins : 1;
    const size_t stride = st__gbdt_hist_stride(b) ? st__gbdt_hist_stride(b) : 1;
    int ovf = 0;
    const size_t hist_entries = st__mul_size(L, tb, &ovf);
    gr->n_seg = n_threads < 2 ? 1 : n_threads > SEG_MAX ? SEG_MAX : n_threads;
    const size_t work_entries = st__mul_size((size_t)(gr->n_seg > 1 ? gr->n_seg - 1 : 1),
                                             stride, &ovf);
    const size_t leaf_segs = st__mul_size(L, (size_t)gr->n_seg, &ovf);
    gr->rows = st__malloc_array(n, sizeof *gr->rows);
    gr->scratch = st__malloc_array(n, sizeof *gr->scratch);
    gr->gh = st__malloc_array(n, sizeof *gr->gh);
    st__advise_huge_pages(gr->rows, n * sizeof *gr->rows); /* per-row: see gbdt_bundle.c */
    st__advise_huge_pages(gr->scratch, n * sizeof *gr->scratch);
    st__advise_huge_pages(gr->gh, n * sizeof *gr->gh);
    gr->work = ovf || gr->n_seg < 2 ? NULL : st__calloc_aligned64(work_entries, sizeof *gr->work);
    gr->stat = st__malloc_array(tb, sizeof *gr->stat);
    gr->pack = reducer == NULL ? NULL : st__malloc_array(tb, 3 * sizeof *gr->pack);
    gr->n_all = st__malloc_array(L, sizeof *gr->n_all);
    gr->hist = st__calloc(L + 1, sizeof *gr->hist);
    size_t n_live = 0;
    for (size_t j = 0; j < b->n_features; j++)
        n_live += b->col_of == NULL || b->col_of[j] != UINT32_MAX;
    gr->n_live = n_live;
    const size_t act_entries = st__mul_size(L, n_live ? n_live : 1, &ovf);
    gr->act = ovf ? NULL : st__malloc_array(act_entries, sizeof *gr->act);
    gr->n_act = st__calloc(L, sizeof *gr->n_act);
    gr->keep = st__malloc_array(n_live ? n_live : 1, sizeof *gr->keep);
    gr->live = st__malloc_array(n_live + 1, 2 * sizeof *gr->live);
    gr->feats = st__malloc_array(b->n_features ? b->n_features : 1, sizeof *gr->feats);
    gr->cols = st__calloc(b->n_features ? b->n_features : 1, sizeof *gr->cols);
    gr->begin = ovf ? NULL : st__malloc_array(leaf_segs, sizeof *gr->begin);
    gr->count = ovf ? NULL : st__malloc_array(leaf_segs, sizeof *gr->count);
    gr->depth = st__malloc_array(L, sizeof *gr->depth);
    gr->sum_g = st__malloc_array(L, sizeof *gr->sum_g);
    gr->sum_h = st__malloc_array(L, sizeof *gr->sum_h);
    gr->best = st__malloc_array(L, sizeof *gr->best);
    gr->parent_node = st__malloc_array(L, sizeof *gr->parent_node);
    gr->is_left = st__malloc_array(L, sizeof *gr->is_left);
    gr->nodes = st__malloc_array(L, sizeof *gr->nodes);
    gr->node_bin = st__malloc_array(L, sizeof *gr->node_bin);
    gr->values = st__malloc_array(L, sizeof *gr->values);
    gr->node_set = st__malloc_array(L, sizeof *gr->node_set);
    gr->extra_l2 = st__malloc_array(L, sizeof *gr->extra_l2);
    st__gbdt_hist_cell *block = NULL;
    if (gr->hist != NULL && !ovf)
        block = gr->hist[L] = st__calloc_aligned64(hist_entries, sizeof *block);
    if (block == NULL || gr->rows == NULL || gr->scratch == NULL ||
        gr->gh == NULL || (gr->n_seg > 1 && gr->work == NULL) || gr->stat == NULL ||
        (reducer != NULL && gr->pack == NULL) || gr->n_all == NULL ||
        gr->act == NULL || gr->n_act == NULL || gr->keep == NULL || gr->live == NULL ||
        gr->feats == NULL || gr->cols == NULL ||
        gr->begin == NULL || gr->count == NULL ||
        gr->depth == NULL || gr->sum_g == NULL || gr->sum_h == NULL || gr->best == NULL ||
        gr->parent_node == NULL || gr->is_left == NULL || gr->nodes == NULL ||
        gr->node_bin == NULL || gr->values == NULL || gr->node_set == NULL ||
        gr->extra_l2 == NULL) {
        st__gbdt_grower_free(gr);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the tree learner (%zu leaves x "
                        "%zu bins)", L, b->total_bins);
    }
    for (size_t l = 0; l < L; l++)
        gr->hist[l] = block + l * b->total_bins;
    /* (the counted scale even when bundles keep the 32-byte cells, whose sums then give
       up count_bits of precision for no speed: a sparse table, which bundles, and the
       same table dense, which does not, must give the same model bytes; test_sparse,
       test_gbdt_sparse) */
    gr->narrow_bits = prm->quantized_grad ? 0 : st__gbdt_narrow_count_bits(n_rows_global);
    if (gr->narrow_bits > 0 && b->col_of == NULL && b->bundle_row == NULL) {
        const size_t nw = st__mul_size((size_t)gr->n_seg, stride, &ovf);
        gr->nwork = ovf ? NULL : st__calloc_aligned64(nw, sizeof *gr->nwork);
        if (gr->nwork == NULL) {
            st__gbdt_grower_free(gr);
            return st__fail(err, ST_ERR_NOMEM, "out of memory for the tree learner's "
                            "histograms (%d x %zu bins)", gr->n_seg, b->total_bins);
        }
    }
    st_status rc;
    if (prm->quantized_grad && (rc = st__gbdt_quant_init(gr, err)) != ST_OK) {
        st__gbdt_grower_free(gr);
        return rc;
    }
    if (st__gbdt_monotone_any(prm->monotone, b->n_features)) {
        gr->monotone = prm->monotone;
        gr->lo = st__malloc_array(L, sizeof *gr->lo);
        gr->hi = st__malloc_array(L, sizeof *gr->hi);
        if (gr->lo == NULL || gr->hi == NULL) {
            st__gbdt_grower_free(gr);
            return st__fail(err, ST_ERR_NOMEM, "out of memory for the tree learner's "
                            "monotone bounds (%zu leaves)", L);
        }
    }
    return ST_OK;
}

/* The columns of the tree's features, ascending (gr->cols is zero outside the list). */
static void select_columns(st__gbdt_grower *gr)
{
    const st__gbdt_bins *b = gr->bins;
    if (b->col_of == NULL) {
        memcpy(gr->cols, gr->feats, gr->n_feats * sizeof *gr->cols);
        gr->n_cols = gr->n_feats;
        return;
    }
    /* mark, then list: gr->cols doubles as the marks (n_cols <= n_features) */
    memset(gr->cols, 0, b->n_cols * sizeof *gr->cols);
    for (size_t f = 0; f < gr->n_feats; f++)
        gr->cols[b->col_of[gr->feats[f]]] = 1;
    size_t m = 0;
    for (size_t c = 0; c < b->n_cols; c++)
        if (gr->cols[c])
            gr->cols[m++] = (uint32_t)c;
    gr->n_cols = m;
}

/* What one unit of the histograms' integer gradient (Hessian) sums is worth: a level
 * with quantized gradients, else 2^-scale. */
static double unit_g(const st__gbdt_grower *gr)
{
    return gr->quant ? gr->unit_g : ldexp(1, -gr->scale_g);
}

static double unit_h(const st__gbdt_grower *gr)
{
    return gr->quant ? gr->unit_h : ldexp(1, -gr->scale_h);
}

/* Whether segment rows of a leaf get their histogram from packed words (gbdt_quant.h):
 * with quantized gradients, plain codes and few enough rows for a word. */
static int packed_ok(const st__gbdt_grower *gr, size_t rows)
{
    const st__gbdt_bins *b = gr->bins;
    return gr->quant && b->col_of == NULL && b->bundle_row == NULL &&
           rows <= gr->qlay.max_rows;
}

/* Whether this tree's histograms are summed in 16-byte cells (gbdt_hist_narrow.c). */
static int narrow_ok(const st__gbdt_grower *gr)
{
    return gr->count_bits > 0 && gr->nwork != NULL;
}

/* Segment s's share of a histogram in hist (overwritten over the live cells, or over every
 * cell of the tree's columns with live 0): rows[r0..r1) in 16-byte cells when the tree
 * has them (rows NULL: rows r0..r1-1), else in wide cells (rows not NULL). */
static void segment_build(const st__gbdt_grower *gr, int s, const uint32_t *rows, size_t r0,
                          size_t r1, st__gbdt_hist_cell *hist, int live)
{
    const st__gbdt_bins *b = gr->bins;
    const size_t *lv = live ? gr->live : NULL, n_lv = live ? gr->n_live_rng : 0;
    if (narrow_ok(gr))
        st__gbdt_hist_build_narrow(b, gr->cols, gr->n_cols, rows, r0, r1, gr->gh,
                                   gr->count_bits,
                                   gr->nwork + (size_t)s * st__gbdt_hist_stride(b), hist, lv,
                                   n_lv);
    else if (live)
        st__gbdt_hist_build_live(b, gr->cols, gr->n_cols, rows + r0, r1 - r0, gr->gh, hist, lv,
                                 n_lv);
    else
        st__gbdt_hist_build(b, gr->cols, gr->n_cols, rows + r0, r1 - r0, gr->gh, hist, NULL,
                            1);
}

/* By the leaf's rows over all processes, so that every process decides alike. */
static int can_split(const st__gbdt_grower *gr, int leaf)
{
    const st_gbdt_params *prm = gr->prm;
    return (prm->max_depth <= 0 || gr->depth[leaf] < prm->max_depth) &&
           gr->n_all[leaf] >= 2 * (int64_t)prm->min_data_in_leaf;
}

/* The best split of leaf from the features list[0..n_list) (its parent's that may still
 * split), which then become the leaf's own list less those that cannot split in it or
 * below (list may be the leaf's own list: the compaction only moves entries down). */
static void find_split(st__gbdt_grower *gr, int leaf, const uint32_t *list, size_t n_list)
{
    gr->best[leaf].gain = -INFINITY;
    st__gbdt_mono mono = {gr->monotone, 0, 0};
    if (gr->monotone != NULL)
        mono.lo = gr->lo[leaf], mono.hi = gr->hi[leaf];
    if (!can_split(gr, leaf))
        return;
    /* the leaf's integer sums: the total cell with sparse bundles, else any column's
       cells add up to them (a bundled feature's default cell holds 0,
       st__gbdt_best_split derives it) */
    const st__gbdt_bins *b = gr->bins;
    int64_t total[3] = {0, 0, 0};
    const st__gbdt_hist_cell *hl = gr->hist[leaf];
    if (b->bundle_row != NULL)
        total[0] = hl[b->total_cell].g, total[1] = hl[b->total_cell].h,
        total[2] = hl[b->total_cell].n;
    else if (gr->n_cols > 0)
        for (size_t k = st__gbdt_col_begin(b, gr->cols[0]); k < st__gbdt_col_end(b, gr->cols[0]);
             k++)
            total[0] += hl[k].g, total[1] += hl[k].h, total[2] += hl[k].n;
    st__gbdt_best_split(b, list, n_list, gr->keep, hl, total, unit_g(gr), unit_h(gr),
                        gr->stat, gr->sum_g[leaf], gr->sum_h[leaf], (double)gr->n_all[leaf],
                        gr->prm, gr->monotone != NULL ? &mono : NULL, gr->n_threads,
                        &gr->best[leaf]);
    uint32_t *own = gr->act + (size_t)leaf * gr->n_live;
    size_t m = 0;
    for (size_t q = 0; q < n_list; q++)
        if (gr->keep[q])
            own[m++] = list[q];
    gr->n_act[leaf] = m;
}

/* The histogram segment s of a leaf is built into: hist itself for the first, a
 * thread's own buffer for the others. */
static st__gbdt_hist_cell *segment_hist(const st__gbdt_grower *gr, int s,
                                        st__gbdt_hist_cell *hist)
{
    return s == 0 ? hist : gr->work + (size_t)(s - 1) * st__gbdt_hist_stride(gr->bins);
}

/* Adds the other segments' histograms into the first's, in segment order. */
static void sum_segment_hists(const st__gbdt_grower *gr, st__gbdt_hist_cell *hist)
{
    for (int s = 1; s < gr->n_seg; s++)
        st__gbdt_hist_add(gr->bins, gr->cols, gr->n_cols, hist, segment_hist(gr, s, hist));
}

/* Whether work on n rows of a leaf is worth waking the other threads for. */
static int worth_parallel(const st__gbdt_grower *gr, size_t n)
{
    return gr->n_seg > 1 && (double)n * (double)gr->n_cols >= GROW_PARALLEL_MIN_PAIRS;
}

/* Segment g of leaf l split by s into l and r (the new leaf); with build, its share of
 * the histogram of the smaller child `small` added up into segment g's histogram of r. */
static void split_segment(st__gbdt_grower *gr, int l, int r, int small, const st__gbdt_split *s,
                          int g, int build)
{
    const st__gbdt_bins *b = gr->bins;
    const int S = gr->n_seg;
    const size_t lq = (size_t)l * S + g, rq = (size_t)r * S + g, b0 = gr->begin[lq];
    const size_t nl = st__gbdt_partition_split(gr->rows + b0, gr->count[lq], b, s,
                                               gr->scratch + b0);
    gr->begin[rq] = b0 + nl;
    gr->count[rq] = gr->count[lq] - nl;
    gr->count[lq] = nl;
    if (!build)
        return;
    const size_t q = small == l ? lq : rq;
    if (packed_ok(gr, gr->count[q]))
        st__gbdt_hist_build_packed(b, gr->cols, gr->n_cols, gr->rows + gr->begin[q], 0,
                                   gr->count[q], gr->packed,
                                   gr->pwork + (size_t)g * st__gbdt_hist_stride(b),
                                   segment_hist(gr, g, gr->hist[r]), gr->live,
                                   gr->n_live_rng, &gr->qlay);
    else
        segment_build(gr, g, gr->rows + gr->begin[q], 0, gr->count[q],
                      segment_hist(gr, g, gr->hist[r]), 1);
}

/* Leaf q's histogram into hist (over the live cells, or with live 0 every cell of the
 * tree's columns), on this thread, from the rows of all its segments gathered into one
 * list (in scratch, free between partitions): the sums are integers, so the list's order
 * changes no bit. */
static void serial_build(st__gbdt_grower *gr, int q, st__gbdt_hist_cell *hist, int live)
{
    const st__gbdt_bins *b = gr->bins;
    const int S = gr->n_seg;
    size_t m = 0;
    for (int g = 0; g < S; g++) {
        const size_t k = (size_t)q * S + g;
        memcpy(gr->scratch + m, gr->rows + gr->begin[k], gr->count[k] * sizeof *gr->rows);
        m += gr->count[k];
    }
    if (packed_ok(gr, m))
        st__gbdt_hist_build_packed(b, gr->cols, gr->n_cols, gr->scratch, 0, m, gr->packed,
                                   gr->pwork, hist, live ? gr->live : NULL,
                                   live ? gr->n_live_rng : 0, &gr->qlay);
    else
        segment_build(gr, 0, gr->scratch, 0, m, hist, live);
}

/* The root's histogram: over every row in order straight from the gradients (rows NULL),
 * else segment by segment. */
static st_status root_hist(st__gbdt_grower *gr, int all_rows, st_error *err)
{
    const st__gbdt_bins *b = gr->bins;
    st__gbdt_hist_cell *hist = gr->hist[0];
    const int S = gr->n_seg;
    size_t n_bag = 0;
    for (int s = 0; !all_rows && s < S; s++)
        n_bag += gr->count[s];
    const size_t n_all = b->n_rows;
    if (all_rows && S > 1 && !worth_parallel(gr, n_all) &&
        (packed_ok(gr, n_all) || narrow_ok(gr))) { /* small data: one pass, this thread */
        if (packed_ok(gr, n_all))
            st__gbdt_hist_build_packed(b, gr->cols, gr->n_cols, NULL, 0, n_all, gr->packed,
                                       gr->pwork, hist, NULL, 0, &gr->qlay);
        else
            segment_build(gr, 0, NULL, 0, n_all, hist, 0);
    } else if (!all_rows && S > 1 && !worth_parallel(gr, n_bag)) {
        serial_build(gr, 0, hist, 0);
    } else if (all_rows && packed_ok(gr, (b->n_rows + (size_t)S - 1) / (size_t)S)) {
        const size_t n = b->n_rows; /* a contiguous block of rows per segment */
#pragma omp parallel for num_threads(S) schedule(static, 1) if (worth_parallel(gr, n))
        for (int s = 0; s < S; s++)
            st__gbdt_hist_build_packed(b, gr->cols, gr->n_cols, NULL, n * (size_t)s / (size_t)S,
                                       n * ((size_t)s + 1) / (size_t)S, gr->packed,
                                       gr->pwork + (size_t)s * st__gbdt_hist_stride(b),
                                       segment_hist(gr, s, hist), NULL, 0, &gr->qlay);
        sum_segment_hists(gr, hist);
    } else if (all_rows && narrow_ok(gr)) {
        const size_t n = b->n_rows; /* a contiguous block of rows per segment */
#pragma omp parallel for num_threads(S) schedule(static, 1) if (worth_parallel(gr, n))
        for (int s = 0; s < S; s++)
            segment_build(gr, s, NULL, n * (size_t)s / (size_t)S,
                          n * ((size_t)s + 1) / (size_t)S, segment_hist(gr, s, hist), 0);
        sum_segment_hists(gr, hist);
    } else if (all_rows) {
        st__gbdt_hist_build(b, gr->cols, gr->n_cols, NULL, b->n_rows, gr->gh, hist,
                            gr->work, gr->n_seg); /* (work holds n_seg - 1 histograms) */
    } else {
#pragma omp parallel for num_threads(S) schedule(static, 1) if (worth_parallel(gr, n_bag))
        for (int s = 0; s < S; s++) {
            if (packed_ok(gr, gr->count[s]))
                st__gbdt_hist_build_packed(b, gr->cols, gr->n_cols, gr->rows + gr->begin[s], 0,
                                           gr->count[s], gr->packed,
                                           gr->pwork + (size_t)s * st__gbdt_hist_stride(b),
                                           segment_hist(gr, s, hist), NULL, 0, &gr->qlay);
            else
                segment_build(gr, s, gr->rows + gr->begin[s], 0, gr->count[s],
                              segment_hist(gr, s, hist), 0);
        }
        sum_segment_hists(gr, hist);
    }
    return st__gbdt_grow_reduce_hist(gr, hist, 0, err);
}

/* Splits leaf l by its best split; the new right child is leaf gr->n_leaves. */
static st_status split_leaf(st__gbdt_grower *gr, int l, st_error *err)
{
    const st__gbdt_bins *b = gr->bins;
    const st__gbdt_split s = gr->best[l];
    const int r = gr->n_leaves, k = gr->n_leaves - 1; /* new leaf, new node */
    gr->nodes[k] = (st__gbdt_node){.threshold = b->bounds[b->offset[s.feature] + (size_t)s.bin],
                                   .gain = s.gain, .feature = s.feature, .left = ~l,
                                   .right = ~r, .default_left = s.default_left,
                                   .cover = gr->sum_h[l]};
    gr->node_bin[k] = s.bin;
    if (s.categorical) { /* no threshold: the left bins, in node_set */
        gr->nodes[k].threshold = 0;
        gr->nodes[k].cat_set = 1;
        memcpy(gr->node_set[k], s.left_bins, sizeof gr->node_set[k]);
    }
    if (gr->parent_node[l] >= 0) {
        st__gbdt_node *p = &gr->nodes[gr->parent_node[l]];
        if (gr->is_left[l])
            p->left = k;
        else
            p->right = k;
    }
    gr->parent_node[l] = gr->parent_node[r] = k;
    gr->is_left[l] = 1;
    gr->is_left[r] = 0;
    gr->n_all[l] = (int64_t)s.nl;
    gr->n_all[r] = (int64_t)s.nr;
    gr->depth[r] = ++gr->depth[l];
    gr->sum_g[l] = s.gl;
    gr->sum_h[l] = s.hl;
    gr->sum_g[r] = s.gr;
    gr->sum_h[r] = s.hr;
    if (gr->monotone != NULL)
        st__gbdt_mono_split_bounds(gr, l, r, &s);
    gr->extra_l2[l] = gr->extra_l2[r] = s.categorical ? s.extra_l2 : 0;
    gr->n_leaves++;
    /* the children's splits are needed only when one of them may be split: not once
       the tree is full (LightGBM does not look at the last split's children either) */
    const int need_hist = gr->n_leaves < gr->prm->num_leaves &&
                          (can_split(gr, l) || can_split(gr, r));
    /* the smaller child (over all processes) gets its histogram built, into the free
       slot r; the larger one's is then the parent's minus it, in slot l */
    const int small = gr->n_all[l] <= gr->n_all[r] ? l : r;
    const int S = gr->n_seg;
    size_t n = 0;
    for (int g = 0; g < S; g++)
        n += gr->count[l * S + g];
    if (need_hist)
        st__gbdt_live_cells(gr, l);
    if (worth_parallel(gr, n)) {
#pragma omp parallel for num_threads(S) schedule(static, 1)
        for (int g = 0; g < S; g++) /* each thread its segment, and its share of the rows */
            split_segment(gr, l, r, small, &s, g, need_hist);
        if (!need_hist) {
            gr->best[l].gain = gr->best[r].gain = -INFINITY;
            return ST_OK;
        }
        for (int g = 1; g < S; g++)
            st__gbdt_hist_add_live(gr->hist[r], segment_hist(gr, g, gr->hist[r]), gr->live,
                                   gr->n_live_rng);
    } else {
        /* on this thread: one histogram over the smaller child's rows of every segment,
           rather than one per segment and their sum (on small data, twice the zeroing
           and unpacking of the cells for nothing) */
        for (int g = 0; g < S; g++)
            split_segment(gr, l, r, small, &s, g, need_hist && S == 1);
        if (!need_hist) {
            gr->best[l].gain = gr->best[r].gain = -INFINITY;
            return ST_OK;
        }
        if (S > 1)
            serial_build(gr, small, gr->hist[r], 1);
    }
    st_status rc = st__gbdt_grow_reduce_hist(gr, gr->hist[r], 1, err);
    if (rc != ST_OK)
        return rc;
    st__gbdt_hist_subtract_live(gr->hist[l], gr->hist[r], gr->live, gr->n_live_rng);
    if (small == l) { /* slot l now holds r's histogram and slot r holds l's */
        st__gbdt_hist_cell *t = gr->hist[l];
        gr->hist[l] = gr->hist[r];
        gr->hist[r] = t;
    }
    /* r first: l's list, the parent's, is then cut down in place */
    const uint32_t *parent = gr->act + (size_t)l * gr->n_live;
    find_split(gr, r, parent, gr->n_act[l]);
    find_split(gr, l, parent, gr->n_act[l]);
    return ST_OK;
}

/* Deals rows[0..n) into the segments, blocks of SEG_BLOCK in turn, each segment keeping
 * its rows in order, and makes them the root's: leaf 0's segment s is
 * rows[begin[s] .. begin[s] + count[s]). */
static void deal_segments(st__gbdt_grower *gr, size_t n)
{
    const int S = gr->n_seg;
    if (S == 1) {
        gr->begin[0] = 0;
        gr->count[0] = n;
        return;
    }
    size_t pos[SEG_MAX];
    for (int s = 0; s < S; s++)
        gr->count[s] = 0;
    for (size_t b0 = 0, k = 0; b0 < n; b0 += SEG_BLOCK, k++)
        gr->count[k % (size_t)S] += n - b0 < SEG_BLOCK ? n - b0 : SEG_BLOCK;
    for (int s = 0; s < S; s++)
        pos[s] = gr->begin[s] = s == 0 ? 0 : gr->begin[s - 1] + gr->count[s - 1];
    for (size_t b0 = 0, k = 0; b0 < n; b0 += SEG_BLOCK, k++) {
        const size_t len = n - b0 < SEG_BLOCK ? n - b0 : SEG_BLOCK, s = k % (size_t)S;
        memcpy(gr->scratch + pos[s], gr->rows + b0, len * sizeof *gr->rows);
        pos[s] += len;
    }
    uint32_t *t = gr->rows; /* the dealt rows become the row list */
    gr->rows = gr->scratch;
    gr->scratch = t;
}

st_status st__gbdt_grow(st__gbdt_grower *gr, size_t n, const uint8_t *use, st_error *err)
{
    const st_gbdt_params *prm = gr->prm;
    st_status rc;
    int64_t sg = 0, sh = 0; /* integer sums: the same in any order */
    const long nn = (long)n;
    const uint32_t *rows = gr->rows;
    const st__gbdt_gh *gh = gr->gh;
    if (gr->n_threads > 1 && n >= 32768) {
#pragma omp parallel for num_threads(gr->n_threads) schedule(static) reduction(+ : sg, sh)
        for (long i = 0; i < nn; i++) {
            sg += gh[rows[i]].g;
            sh += gh[rows[i]].h;
        }
    } else { /* (no parallel region: even one of one thread ends in a system call) */
        for (long i = 0; i < nn; i++) {
            sg += gh[rows[i]].g;
            sh += gh[rows[i]].h;
        }
    }
    int64_t root[3] = {sg, sh, (int64_t)n}; /* G, H, rows: this process's, then everyone's */
    if ((rc = st__gbdt_reduce_sum(gr->reducer, root, 3, err)) != ST_OK)
        return rc;
    gr->n_leaves = 1;
    deal_segments(gr, n);
    gr->n_all[0] = root[2];
    gr->depth[0] = 0;
    gr->sum_g[0] = (double)root[0] * unit_g(gr); /* (st__gbdt_from_fixed in full precision) */
    gr->sum_h[0] = (double)root[1] * unit_h(gr);
    gr->extra_l2[0] = 0;
    gr->parent_node[0] = -1;
    gr->is_left[0] = 1;
    if (gr->monotone != NULL)
        gr->lo[0] = -INFINITY, gr->hi[0] = INFINITY;
    gr->n_feats = 0;
    const st__gbdt_bins *b = gr->bins;
    for (size_t j = 0; j < b->n_features; j++)
        if ((use == NULL || use[j]) && (b->col_of == NULL || b->col_of[j] != UINT32_MAX))
            gr->feats[gr->n_feats++] = (uint32_t)j;
    select_columns(gr);
    if (can_split(gr, 0)) {
        const int all = n == gr->bins->n_rows; /* every row, in order: no row list needed */
        if ((rc = root_hist(gr, all, err)) != ST_OK)
            return rc;
    }
    find_split(gr, 0, gr->feats, gr->n_feats);
    while (gr->n_leaves < prm->num_leaves) {
        int best = -1;
        for (int l = 0; l < gr->n_leaves; l++)
            if (gr->best[l].gain > -INFINITY && (best < 0 || gr->best[l].gain > gr->best[best].gain))
                best = l;
        if (best < 0)
            break;
        if ((rc = split_leaf(gr, best, err)) != ST_OK)
            return rc;
    }
    if (gr->quant) /* the leaf values from the fine gradients */
        st__gbdt_quant_renew(gr);
    for (int l = 0; l < gr->n_leaves; l++) {
        st_gbdt_params cat = *prm; /* a leaf of a sorted categorical split: + cat_l2 */
        cat.lambda_l2 = prm->lambda_l2 + gr->extra_l2[l];
        gr->values[l] = prm->learning_rate *
                        st__gbdt_leaf_output(gr->sum_g[l], gr->sum_h[l],
                                             gr->extra_l2[l] != 0 ? &cat : prm);
    }
    if (gr->monotone != NULL)
        st__gbdt_mono_clamp_values(gr);
    return ST_OK;
}
