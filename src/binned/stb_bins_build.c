/* The bins of a binned file put together from per-feature bounds, for both `stratum bin`
 * readers (stb_bin_csv.c, stb_bin_libsvm.c): the per-feature arrays, each numeric (or
 * ordered-code) feature's bounds while the others are decided, then the layout the
 * training code reads (offsets, total bins, wide codes, one bounds array). */
#include "stb_impl.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"

int st__stb_bins_build_start(st__stb_bins_build *bb, st__gbdt_bins *bins, size_t n_rows,
                             size_t nf)
{
    memset(bins, 0, sizeof *bins);
    bb->bins = bins;
    bb->nf = nf;
    bins->n_rows = n_rows;
    bins->n_features = nf;
    bins->n_bins = st__calloc(nf ? nf : 1, sizeof *bins->n_bins);
    bins->offset = st__calloc(nf + 1, sizeof *bins->offset);
    bins->is_cat = st__calloc(nf ? nf : 1, 1);
    bins->level_off = st__calloc(nf + 1, sizeof *bins->level_off);
    bb->fb = st__calloc(nf ? nf : 1, sizeof *bb->fb);
    return bins->n_bins != NULL && bins->offset != NULL && bins->is_cat != NULL &&
           bins->level_off != NULL && bb->fb != NULL;
}

/* Room for the bounds of a feature of k distinct values: bounds[1..min(k, max_bin)]. */
static double *bounds_room(size_t k, int max_bin)
{
    return st__malloc_array((k < (size_t)max_bin ? k : (size_t)max_bin) + 1, sizeof(double));
}

int st__stb_bins_build_numeric(st__stb_bins_build *bb, size_t j, const st__qsummary *s,
                               int max_bin, uint8_t *exact, st_bin_report *rep)
{
    const double e = st__qsummary_error(s), w = st__qsummary_weight(s);
    *exact = e == 0;
    rep->n_inexact += !*exact;
    if (w > 0 && e / w > rep->max_rank_error)
        rep->max_rank_error = e / w;
    bb->fb[j] = bounds_room(s->n ? s->n : 1, max_bin); /* all missing: still one bin */
    bb->bins->n_bins[j] =
        bb->fb[j] != NULL ? st__stb_bounds_from_summary(s, max_bin, bb->fb[j]) : -1;
    return bb->bins->n_bins[j] >= 0;
}

int st__stb_bins_build_ordered(st__stb_bins_build *bb, size_t j, const size_t *counts,
                               size_t k, int max_bin)
{
    bb->fb[j] = bounds_room(k, max_bin);
    bb->bins->n_bins[j] =
        bb->fb[j] != NULL ? st__stb_bounds_from_counts(counts, k, max_bin, bb->fb[j]) : -1;
    return bb->bins->n_bins[j] >= 0;
}

int st__stb_bins_build_finish(st__stb_bins_build *bb)
{
    st__gbdt_bins *bins = bb->bins;
    const size_t nf = bb->nf;
    for (size_t j = 0; j < nf; j++) {
        bins->offset[j + 1] = bins->offset[j] + (size_t)bins->n_bins[j] + 1;
        bins->wide |= bins->n_bins[j] > 255;
    }
    bins->total_bins = bins->offset[nf];
    bins->bounds = st__malloc_array(bins->total_bins ? bins->total_bins : 1, sizeof *bins->bounds);
    if (bins->bounds == NULL)
        return 0;
    for (size_t j = 0; j < nf; j++) {
        double *bd = bins->bounds + bins->offset[j];
        bd[0] = NAN;
        for (int k = 1; k <= bins->n_bins[j]; k++)
            bd[k] = bins->is_cat[j] ? NAN : bb->fb[j][k];
    }
    return 1;
}

void st__stb_bins_build_free(st__stb_bins_build *bb)
{
    if (bb->fb != NULL)
        for (size_t j = 0; j < bb->nf; j++)
            st__free(bb->fb[j]);
    st__free(bb->fb);
    bb->fb = NULL;
}
