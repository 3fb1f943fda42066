/* Bootstrap percentile confidence intervals. Resample b draws n rows from all rows (or,
 * stratified, n_pos rows from the positive rows and n_neg from the negative rows), with
 * replacement, using a splitmix64 stream seeded by (seed, b) alone; the draw becomes a vector of multiplicities over the
 * sorted view, so a resample needs no sort. Resamples are independent of one another and
 * of the thread that runs them: the results do not depend on the thread count. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "metrics_impl.h"
#include "core/parallel.h"

/* splitmix64 (Steele, Lea & Flood 2014): a counter-based generator, state += golden gamma. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n) by Lemire's multiply-shift (bias below 2^-64 * n). */
static size_t draw(uint64_t *state, size_t n)
{
    __extension__ typedef unsigned __int128 u128;
    return (size_t)(((u128)splitmix64(state) * (u128)n) >> 64);
}

static void resample(const st__scored *s, uint64_t seed, int b, int stratified, double *mult)
{
    uint64_t state = seed;
    uint64_t mix = (uint64_t)b + 1;
    state ^= splitmix64(&mix); /* a distinct, well-mixed stream per resample */
    memset(mult, 0, s->n * sizeof *mult);
    if (!stratified) { /* mult is over the sorted view, whose rows are all n */
        for (size_t k = 0; k < s->n; k++)
            mult[draw(&state, s->n)] += 1;
        return;
    }
    for (size_t k = 0; k < s->n_pos; k++)
        mult[s->pos_rows[draw(&state, s->n_pos)]] += 1;
    for (size_t k = 0; k < s->n_neg; k++)
        mult[s->neg_rows[draw(&state, s->n_neg)]] += 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* numpy.percentile's default "linear" method on sorted v[0..k-1]. */
static double percentile(const double *v, size_t k, double q)
{
    double pos = q * (double)(k - 1);
    size_t lo = (size_t)floor(pos);
    if (lo + 1 >= k)
        return v[k - 1];
    double t = pos - (double)lo;
    return v[lo] + (v[lo + 1] - v[lo]) * t;
}

/* The threads' calibration views (NULL-safe; a view never allocated has x NULL). */
static void free_groups(st__cal_groups *groups, int nt)
{
    for (int k = 0; groups != NULL && k < nt; k++)
        st__cal_groups_free(&groups[k]);
    st__free(groups);
}

st_status st__bootstrap(const st__scored *s, const st_eval_params *prm, st_eval *ev,
                        st_error *err)
{
    int n_boot = prm->n_bootstrap, nt = st__n_threads(prm->n_threads);
    if (nt > n_boot)
        nt = n_boot;
    int overflow = 0;
    size_t n_vals = st__mul_size((size_t)n_boot, ST_METRIC_COUNT, &overflow);
    size_t n_mult = st__mul_size((size_t)nt, s->n, &overflow);
    double *vals = overflow ? NULL : st__malloc_array(n_vals, sizeof *vals);
    double *mult = overflow ? NULL : st__malloc_array(n_mult, sizeof *mult);
    double *sorted = st__malloc_array((size_t)n_boot, sizeof *sorted);
    st__cal_groups *groups = st__calloc((size_t)nt, sizeof *groups); /* each thread's */
    int have_groups = groups != NULL;
    for (int k = 0; k < nt && have_groups; k++)
        have_groups = st__cal_groups_alloc(&groups[k], s->n);
    if (vals == NULL || mult == NULL || sorted == NULL || !have_groups) {
        free_groups(groups, nt);
        st__free(vals);
        st__free(mult);
        st__free(sorted);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %d bootstrap resamples of %zu rows",
                        n_boot, s->n);
    }
    double cal_start[3] = {ev->value[ST_METRIC_CALIBRATION_INTERCEPT],
                           ev->value[ST_METRIC_CALIBRATION_SLOPE],
                           ev->value[ST_METRIC_CALIBRATION_IN_THE_LARGE]};
    double t = ev->threshold;
#pragma omp parallel num_threads(nt)
    {
        double *my_mult = mult + (size_t)omp_get_thread_num() * s->n;
        st__cal_groups *my_groups = &groups[omp_get_thread_num()];
#pragma omp for schedule(dynamic, 4)
        for (int b = 0; b < n_boot; b++) {
            unsigned undefined;
            resample(s, prm->seed, b, prm->stratified, my_mult);
            st__metrics_compute(s, my_mult, t, prm->beta, cal_start, my_groups,
                                vals + (size_t)b * ST_METRIC_COUNT, &undefined, NULL);
        }
    }
    ev->n_bootstrap = n_boot;
    for (int m = 0; m < ST_METRIC_COUNT; m++) {
        /* an undefined point estimate gets no interval, whatever the resamples say */
        if (isnan(ev->value[m]))
            continue;
        size_t k = 0;
        for (int b = 0; b < n_boot; b++) {
            double v = vals[(size_t)b * ST_METRIC_COUNT + m];
            if (!isnan(v))
                sorted[k++] = v;
        }
        ev->ci_resamples[m] = (int)k;
        if (k == 0)
            continue;
        qsort(sorted, k, sizeof *sorted, cmp_double);
        ev->ci_low[m] = percentile(sorted, k, 0.025);
        ev->ci_high[m] = percentile(sorted, k, 0.975);
    }
    free_groups(groups, nt);
    st__free(vals);
    st__free(mult);
    st__free(sorted);
    return ST_OK;
}
