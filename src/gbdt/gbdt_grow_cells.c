/* Gradient-boosted trees: the cells of a leaf's histogram that growing a tree touches
 * (gbdt_grow.c). A leaf's search reads only the cells of the features that may still
 * split in it, and those of the tree's first column (their sum is the leaf's total); the
 * histograms of a split's children are zeroed, summed over threads and processes and
 * subtracted over those live cells only, since on sparse data most features of a deep
 * leaf have too few rows off their default bin to split (gbdt_split.c). */
#include "gbdt_train_core.h"

/* The live cells of leaf l's children (gbdt_hist.h) into gr->live: the leaf's total
 * (find_split): the total cell with sparse bundles, else the cells of the tree's first
 * column, whose sum it is; and the cells of the features of l's list, adjacent ranges
 * merged. */
void st__gbdt_live_cells(st__gbdt_grower *gr, int l)
{
    const st__gbdt_bins *b = gr->bins;
    const uint32_t *list = gr->act + (size_t)l * gr->n_live;
    size_t *lv = gr->live, m = 0;
    const int sparse = b->bundle_row != NULL;
    if (sparse) {
        lv[0] = b->total_cell;
        lv[1] = b->total_cell + 1;
        m = 1;
    } else if (gr->n_cols > 0) {
        lv[0] = st__gbdt_col_begin(b, gr->cols[0]);
        lv[1] = st__gbdt_col_end(b, gr->cols[0]);
        m = 1;
    }
    for (size_t q = 0; q < gr->n_act[l]; q++) {
        const size_t f = list[q], c = b->col_of != NULL ? b->col_of[f] : f;
        if (!sparse && gr->n_cols > 0 && c == gr->cols[0])
            continue; /* (in the first range already) */
        const size_t k0 = b->offset[f], k1 = k0 + (size_t)b->n_bins[f] + 1;
        if (m > 0 && lv[2 * m - 1] == k0)
            lv[2 * m - 1] = k1;
        else
            lv[2 * m] = k0, lv[2 * m + 1] = k1, m++;
    }
    gr->n_live_rng = m;
}

/* hist summed across processes: one reducer call on its cells (those of the tree's
 * columns; with live, only the live cells), packed. */
st_status st__gbdt_grow_reduce_hist(st__gbdt_grower *gr, st__gbdt_hist_cell *hist, int live,
                                    st_error *err)
{
    const st__gbdt_bins *b = gr->bins;
    if (gr->reducer == NULL)
        return ST_OK;
    /* (the columns, and the total cell with sparse bundles: range n_cols) */
    const size_t nr = live ? gr->n_live_rng : gr->n_cols + (b->bundle_row != NULL);
#define RANGE_LO(q)                                                                       \
    (live ? gr->live[2 * (q)] : (q) == gr->n_cols ? b->total_cell                         \
                                                  : st__gbdt_col_begin(b, gr->cols[q]))
#define RANGE_HI(q)                                                                       \
    (live ? gr->live[2 * (q) + 1] : (q) == gr->n_cols ? b->total_cell + 1                 \
                                                      : st__gbdt_col_end(b, gr->cols[q]))
    size_t m = 0;
    for (size_t q = 0; q < nr; q++)
        for (size_t k = RANGE_LO(q); k < RANGE_HI(q); k++) {
            gr->pack[m++] = hist[k].g;
            gr->pack[m++] = hist[k].h;
            gr->pack[m++] = hist[k].n;
        }
    st_status rc = st__gbdt_reduce_sum(gr->reducer, gr->pack, m, err);
    if (rc != ST_OK)
        return rc;
    m = 0; /* (the bundles' default bins are fixed after the sum) */
    for (size_t q = 0; q < nr; q++)
        for (size_t k = RANGE_LO(q); k < RANGE_HI(q); k++) {
            hist[k].g = gr->pack[m++];
            hist[k].h = gr->pack[m++];
            hist[k].n = gr->pack[m++];
        }
#undef RANGE_LO
#undef RANGE_HI
    return ST_OK;
}

