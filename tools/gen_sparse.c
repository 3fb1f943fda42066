/* stratum-gen sparse: rows of diagnosis-code-like features in LibSVM, as an EHR extract has
 * them (a patient's codes out of tens of thousands), for the sparse logistic regression's
 * tests and bench.
 *
 * The table's structure is fixed whatever --seed is, so that a training and a test file
 * drawn with two seeds share it (it depends on --features only):
 *   - feature rank r (0-based) has frequency weight 1 / (r + 6)^1.05, Zipf-like: a few
 *     codes appear in many rows, most in very few;
 *   - rank r is written at index perm[r] + 1 (a seeded shuffle), so frequency is not
 *     index order;
 *   - one feature in 20 (at least one) carries an effect drawn from N(0, 1), the planted
 *     signal; the others none.
 * Each row draws `entries` distinct features by frequency (a repeat is drawn again), lists
 * them by index, each with the value 1 (or, with counts, 1..9: 1 + a geometric count). Its
 * label is Bernoulli(sigmoid(b + sum of effect x log2(1 + value))), b set so that the
 * expected positive rate over 16384 rows drawn with a fixed seed is the one asked for. */
#include "gen_sparse.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gen_rng.h"

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

enum { CALIBRATION_ROWS = 16384 };

typedef struct table {
    unsigned long n;   /* features */
    double *cum;       /* cumulative frequency weights by rank */
    uint32_t *index;   /* 0-based column of each rank */
    float *effect;     /* effect of each rank */
} table;

typedef struct row {
    uint32_t *rank, *index;
} row;

static double normal(rng *r)
{
    double u1 = 1.0 - uniform(r); /* (0, 1]: log is finite */
    double u2 = uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static int build_table(table *t, unsigned long n)
{
    t->n = n;
    t->cum = malloc(n * sizeof *t->cum);
    t->index = malloc(n * sizeof *t->index);
    t->effect = malloc(n * sizeof *t->effect);
    if (t->cum == NULL || t->index == NULL || t->effect == NULL)
        return -1;
    rng r;
    rng_seed(&r, UINT64_C(0x5BA25E0C0DE5) ^ (uint64_t)n);
    double total = 0;
    for (unsigned long k = 0; k < n; k++) {
        total += pow((double)k + 6.0, -1.05);
        t->cum[k] = total;
        t->index[k] = (uint32_t)k;
    }
    for (unsigned long k = n - 1; k > 0; k--) { /* Fisher-Yates */
        unsigned long j = (unsigned long)(uniform(&r) * (double)(k + 1));
        uint32_t tmp = t->index[k];
        t->index[k] = t->index[j];
        t->index[j] = tmp;
    }
    for (unsigned long k = 0; k < n; k++)
        t->effect[k] = uniform(&r) < 0.05 || k == 0 ? (float)normal(&r) : 0.0f;
    return 0;
}

static void free_table(table *t)
{
    free(t->cum);
    free(t->index);
    free(t->effect);
}

/* A rank drawn by frequency: the first whose cumulative weight exceeds u. */
static uint32_t draw_rank(const table *t, rng *r)
{
    const double u = uniform(r) * t->cum[t->n - 1];
    unsigned long lo = 0, hi = t->n - 1;
    while (lo < hi) {
        const unsigned long mid = lo + (hi - lo) / 2;
        if (t->cum[mid] > u)
            hi = mid;
        else
            lo = mid + 1;
    }
    return (uint32_t)lo;
}

static int by_index(const void *a, const void *b)
{
    const uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Draws one row's k entries into w; returns its score (without the intercept). Entries are
 * sorted by index: w->index holds (index << 4 | value) while sorting. */
static double draw_row(const table *t, rng *r, unsigned long k, int counts, row *w)
{
    double score = 0;
    for (unsigned long e = 0; e < k; e++) {
        uint32_t rank;
        int repeat;
        do { /* distinct features: a repeat is drawn again */
            rank = draw_rank(t, r);
            repeat = 0;
            for (unsigned long q = 0; q < e && !repeat; q++)
                repeat = w->rank[q] == rank;
        } while (repeat);
        w->rank[e] = rank;
        unsigned value = 1;
        while (counts && value < 9 && uniform(r) < 0.4)
            value++;
        score += t->effect[rank] * log2(1.0 + value);
        w->index[e] = t->index[rank] << 4 | value;
    }
    qsort(w->index, k, sizeof *w->index, by_index);
    return score;
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* The intercept giving the positive rate over CALIBRATION_ROWS rows of a fixed seed. */
static double calibrate(const table *t, const sparse_spec *s, row *w)
{
    double *scores = malloc(CALIBRATION_ROWS * sizeof *scores);
    if (scores == NULL)
        return NAN;
    rng r;
    rng_seed(&r, UINT64_C(0xCA11B4A7E5BA25E));
    for (int i = 0; i < CALIBRATION_ROWS; i++)
        scores[i] = draw_row(t, &r, s->entries, s->counts, w);
    double lo = -40.0, hi = 40.0;
    for (int it = 0; it < 60; it++) {
        const double mid = 0.5 * (lo + hi);
        double sum = 0;
        for (int i = 0; i < CALIBRATION_ROWS; i++)
            sum += sigmoid(mid + scores[i]);
        if (sum / CALIBRATION_ROWS < s->positive_rate)
            lo = mid;
        else
            hi = mid;
    }
    free(scores);
    return 0.5 * (lo + hi);
}

/* Decimal digits of v at the end of buf; returns where they start. */
static char *digits(char *end, unsigned long v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    return end;
}

int generate_sparse(FILE *f, const sparse_spec *s)
{
    table t = {0};
    row w;
    w.rank = malloc(s->entries * sizeof *w.rank);
    w.index = malloc(s->entries * sizeof *w.index);
    char *line = malloc(s->entries * 16 + 8); /* " index:value" is at most 10 + 3 bytes */
    int rc = -1;
    if (w.rank == NULL || w.index == NULL || line == NULL || build_table(&t, s->features) != 0)
        goto done;
    const double intercept = calibrate(&t, s, &w);
    if (isnan(intercept))
        goto done;
    rng r;
    rng_seed(&r, s->seed);
    for (unsigned long long i = 0; i < s->rows; i++) {
        const double score = draw_row(&t, &r, s->entries, s->counts, &w);
        size_t len = 0;
        line[len++] = uniform(&r) < sigmoid(intercept + score) ? '1' : '0';
        for (unsigned long e = 0; e < s->entries; e++) {
            char num[24], *end = num + sizeof num;
            char *start = digits(end, (unsigned long)(w.index[e] >> 4) + 1);
            line[len++] = ' ';
            memcpy(line + len, start, (size_t)(end - start));
            len += (size_t)(end - start);
            line[len++] = ':';
            line[len++] = (char)('0' + (w.index[e] & 15u));
        }
        line[len++] = '\n';
        fwrite(line, 1, len, f);
    }
    rc = 0;
done:
    free_table(&t);
    free(w.rank);
    free(w.index);
    free(line);
    return rc;
}
