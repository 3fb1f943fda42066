/* Test helper: a histogram built by the library against the plain sum of its rows. */
#ifndef STRATUM_TEST_GBDT_HIST_CHECK_H
#define STRATUM_TEST_GBDT_HIST_CHECK_H

#include <stdlib.h>

#include "gbdt/gbdt_bins.h"
#include "gbdt/gbdt_hist.h"

/* Asserts that every bin of hist (all features of b) holds exactly the sums of gradient,
 * Hessian and count of rows[0..n) that fall in it, added one by one in row order. */
static inline void assert_hist_is_direct_sum(const st__gbdt_bins *b, const uint32_t *rows,
                                             size_t n, const st__gbdt_gh *gh,
                                             const st__gbdt_hist_cell *hist)
{
    const size_t nf = b->n_features;
    st__gbdt_hist_cell *direct = calloc(b->total_bins, sizeof *direct);
    assert_non_null(direct);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < nf; j++) {
            const size_t r = rows[i];
            const unsigned code = b->wide ? b->codes16[r * nf + j] : b->codes[r * nf + j];
            st__gbdt_hist_cell *c = &direct[b->offset[j] + code];
            c->g += gh[r].g;
            c->h += gh[r].h;
            c->n += 1;
        }
    for (size_t k = 0; k < b->total_bins; k++) {
        assert_int_equal(direct[k].g, hist[k].g);
        assert_int_equal(direct[k].h, hist[k].h);
        assert_int_equal(direct[k].n, hist[k].n);
    }
    free(direct);
}

#endif
