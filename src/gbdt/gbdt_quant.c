/* Gradient-boosted trees: quantized gradients (gbdt_quant.h). Per tree, with B =
 * num_grad_quant_bins, a row's gradient g and Hessian h (already in fine fixed point:
 * gbdt_fixed.c) become the levels floor(g B / (2 max|g|) + u) and floor(h B / max h + v),
 * u and v uniform in [0, 1): stochastic rounding, unbiased (the expected level is the
 * exact value), so that the sums of many rows stay close to the true ones where rounding
 * to nearest would bias every small gradient to 0. u and v come from a hash of (seed,
 * tree, the row's global index), not from a sequence, so a row's levels do not depend on
 * which thread (or process) quantizes it. The maxima are over the tree's rows (max is
 * order-free). After the tree is grown on the levels, each leaf's value comes from the
 * fine gradient sums of its rows (LightGBM's quant_train_renew_leaf), in fixed point, and
 * so do the covers of its nodes. */
#include "gbdt_quant.h"
#include "gbdt_train_core.h"

#include <math.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"

/* Below this many rows the levels are computed on one thread. */
#define QUANT_PARALLEL_MIN 32768

static int bit_length(uint64_t v)
{
    int k = 0;
    while (v != 0)
        k++, v >>= 1;
    return k;
}

st__gbdt_quant_layout st__gbdt_quant_layout_for(int bins)
{
    const uint64_t hb = (uint64_t)bins, gb = ((uint64_t)bins + 1) / 2;
    st__gbdt_quant_layout lay = {0, 0, 0};
    for (int k = 1; k < 62; k++) {
        const uint64_t n = ((uint64_t)1 << k) - 1;
        const int h_bits = bit_length(hb * n), g_bits = bit_length(gb * n) + 1;
        if (k + h_bits + g_bits > 64)
            break;
        lay = (st__gbdt_quant_layout){.shift_h = k, .shift_g = k + h_bits, .max_rows = n};
    }
    return lay;
}

st_status st__gbdt_quant_init(st__gbdt_grower *gr, st_error *err)
{
    const st__gbdt_bins *b = gr->bins;
    const size_t n = b->n_rows ? b->n_rows : 1;
    const size_t L = (size_t)gr->prm->num_leaves;
    int ovf = 0;
    const size_t stride = st__gbdt_hist_stride(b) ? st__gbdt_hist_stride(b) : 1;
    const size_t pw_words = st__mul_size((size_t)gr->n_seg, stride, &ovf);
    gr->quant = 1;
    gr->qlay = st__gbdt_quant_layout_for(gr->prm->num_grad_quant_bins);
    gr->fine = st__malloc_array(n, sizeof *gr->fine);
    gr->packed = st__malloc_array(n, sizeof *gr->packed);
    /* (aligned: the segments' histograms start on their own cache lines, gbdt_hist.h) */
    gr->pwork = ovf ? NULL : st__calloc_aligned64(pw_words, sizeof *gr->pwork);
    gr->fine_sum = st__malloc_array(L, 3 * sizeof *gr->fine_sum);
    if (gr->fine == NULL || gr->packed == NULL || gr->pwork == NULL || gr->fine_sum == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for quantized gradients (%zu rows)",
                        b->n_rows);
    return ST_OK;
}

void st__gbdt_quant_free(st__gbdt_grower *gr)
{
    st__free(gr->fine);
    st__free(gr->packed);
    st__free(gr->pwork);
    st__free(gr->fine_sum);
}

/* splitmix64's output function (as gbdt_boost.c's bag draw). */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void st__gbdt_quantize_grad(st__gbdt_grower *gr, uint64_t seed, int tree, uint64_t row0)
{
    st__gbdt_gh *t = gr->gh; /* the fine gradients just computed move to gr->fine */
    gr->gh = gr->fine;
    gr->fine = t;
    const st__gbdt_gh *fine = gr->fine;
    st__gbdt_gh *lv = gr->gh;
    uint64_t *packed = gr->packed;
    const st__gbdt_quant_layout lay = gr->qlay;
    const long n = (long)gr->bins->n_rows;
    const int nt = gr->n_threads, par = nt > 1 && n >= QUANT_PARALLEL_MIN;
    int64_t gmax = 0, hmax = 0;
#pragma omp parallel for num_threads(nt) schedule(static) reduction(max : gmax, hmax) if (par)
    for (long i = 0; i < n; i++) {
        const int64_t a = fine[i].g < 0 ? -fine[i].g : fine[i].g;
        gmax = a > gmax ? a : gmax;
        hmax = fine[i].h > hmax ? fine[i].h : hmax;
    }
    const int B = gr->prm->num_grad_quant_bins;
    const int64_t glim = (B + 1) / 2;
    /* level = fine value times mg (or mh) plus the dither, rounded down */
    const double mg = gmax > 0 ? (double)B / (2.0 * (double)gmax) : 0;
    const double mh = hmax > 0 ? (double)B / (double)hmax : 0;
    gr->unit_g = gmax > 0 ? 2.0 * (double)gmax / (double)B * ldexp(1, -gr->scale_g) : 0;
    gr->unit_h = hmax > 0 ? (double)hmax / (double)B * ldexp(1, -gr->scale_h) : 0;
    const uint64_t key = mix64(seed * 0x9e3779b97f4a7c15ULL +
                               (uint64_t)tree * 0x632be59bd9b4e019ULL + 0x51ed27);
#pragma omp parallel for num_threads(nt) schedule(static) if (par)
    for (long i = 0; i < n; i++) {
        const uint64_t z = mix64(key + (row0 + (uint64_t)i) * 0xd1b54a32d192ed03ULL);
        const double u = (double)(z >> 32) * 0x1.0p-32, v = (double)(z & 0xffffffffu) * 0x1.0p-32;
        int64_t g = (int64_t)floor((double)fine[i].g * mg + u);
        int64_t h = (int64_t)floor((double)fine[i].h * mh + v);
        g = g > glim ? glim : g < -glim ? -glim : g; /* (against a last-bit excess) */
        h = h > B ? B : h < 0 ? 0 : h;
        lv[i].g = g;
        lv[i].h = h;
        packed[i] = st__gbdt_quant_pack(g, h, &lay);
    }
}

void st__gbdt_quant_renew(st__gbdt_grower *gr)
{
    const int L = gr->n_leaves, S = gr->n_seg;
    const st__gbdt_gh *fine = gr->fine;
    int64_t *sum = gr->fine_sum; /* per leaf: g, h */
    const int par = gr->n_threads > 1 && gr->bins->n_rows >= QUANT_PARALLEL_MIN;
#pragma omp parallel for num_threads(gr->n_threads) schedule(dynamic, 1) if (par)
    for (int l = 0; l < L; l++) {
        int64_t sg = 0, sh = 0;
        for (int s = 0; s < S; s++) {
            const size_t q = (size_t)l * (size_t)S + (size_t)s;
            const uint32_t *rows = gr->rows + gr->begin[q];
            for (size_t i = 0; i < gr->count[q]; i++) {
                sg += fine[rows[i]].g;
                sh += fine[rows[i]].h;
            }
        }
        sum[3 * l] = sg;
        sum[3 * l + 1] = sh;
    }
    for (int l = 0; l < L; l++) {
        gr->sum_g[l] = st__gbdt_from_fixed(sum[3 * l], gr->scale_g);
        gr->sum_h[l] = st__gbdt_from_fixed(sum[3 * l + 1], gr->scale_h);
    }
    /* a node's cover, the Hessian of its rows: its children's, which come after it (the
       third word of a leaf's entry holds the node's sum, node k at entry k) */
    for (int k = L - 2; k >= 0; k--) {
        st__gbdt_node *nd = &gr->nodes[k];
        const int64_t hl = nd->left < 0 ? sum[3 * ~nd->left + 1] : sum[3 * nd->left + 2];
        const int64_t hr = nd->right < 0 ? sum[3 * ~nd->right + 1] : sum[3 * nd->right + 2];
        sum[3 * k + 2] = hl + hr;
        nd->cover = st__gbdt_from_fixed(hl + hr, gr->scale_h);
    }
}
