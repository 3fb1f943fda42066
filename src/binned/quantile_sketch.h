/* Internal: a deterministic, mergeable weighted quantile summary, for binning data that
 * is read block by block (stratum bin) or held by several processes (MPI).
 *
 * A summary (Zhang & Wang, "A fast algorithm for approximate quantiles in high speed data
 * streams", SSDBM 2007; the GK summary of Greenwald & Khanna, SIGMOD 2001, with weights,
 * as XGBoost's WQSummary) is a list of entries with distinct values v_0 < ... < v_{n-1},
 * each carrying
 *   rmin  <= the total weight of the data below v        (a lower bound)
 *   rmax  >= the total weight of the data at or below v  (an upper bound)
 *   wmin  <= the weight of the data equal to v           (a lower bound)
 * When nothing has been pruned the summary is exact: rmin = weight below v, rmax = weight
 * at or below, wmin = weight of v, and rmax - rmin = wmin.
 *
 * Operations:
 *   - from sorted data: exact;
 *   - merge of two summaries (of disjoint data): exact entries for values in both, and
 *     bounds from the neighbours for a value in one only; the rank error of the result is
 *     at most the sum of theirs;
 *   - prune to b entries: keeps the first and the last entry and, for each rank
 *     k W / (b - 1), the entry nearest to it; it adds at most W / (b - 1) to the rank error
 *     (W = total weight). A summary of at most b entries is kept as it is, so a summary
 *     stays exact while its data have at most b distinct values.
 *
 * Rank error. e(S) = the largest rank uncertainty of S: half the gap between the upper
 * rank of one entry and the lower rank of the next, or an entry's own uncertainty
 * (st__qsummary_error computes it). For any rank r in [0, W], st__qsummary_query returns
 * a value v with  (weight below v) - e(S) <= r <= (weight at or below v) + e(S).
 *
 * The streaming sketch (st__qsketch) collects `limit` unit-weight values in a buffer, turns
 * a full buffer into an exact summary (pruned to limit entries), and carries it up a
 * binary counter of levels: level l holds a summary of 2^l buffers; two of them merge and
 * prune into level l + 1. After N values there are at most L = ceil(log2(N / limit)) + 1
 * levels, every summary went through at most L prunes, and the final summary (all levels
 * merged, pruned once more) has rank error
 *
 *     e <= eps * N   with   eps = (L + 2) / (limit - 1)
 *
 * (st__qsketch_error_bound). With limit = 8192 and N = 2e7: L = 13, eps <= 0.0019, half a
 * bin of 255 equal-count bins. Exact (eps = 0) while the data have at most limit distinct
 * values. Everything is deterministic: the same values in the same order give the same
 * summary, and merging is commutative up to entry bounds equal in value.
 *
 * A summary serialises to a byte buffer (st__qsummary_write/_read: little-endian, with a
 * magic and version), to be gathered from other processes and merged. */
#ifndef STRATUM_QUANTILE_SKETCH_H
#define STRATUM_QUANTILE_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#include <stratum/common.h>

typedef struct st__qentry {
    double value, rmin, rmax, wmin;
} st__qentry;

/* Entries owned (st__malloc); n of cap used. */
typedef struct st__qsummary {
    st__qentry *e;
    size_t n, cap;
} st__qsummary;

void st__qsummary_free(st__qsummary *s);
/* Total weight: the last entry's rmax (0 when empty). */
double st__qsummary_weight(const st__qsummary *s);

/* out = exact summary of n values sorted increasingly (ties allowed) with weights w (NULL
 * = 1 each); NaN values are not allowed. 0 when out of memory (out is then empty). */
int st__qsummary_from_sorted(st__qsummary *out, const double *v, const double *w, size_t n);
/* out = a merged with b (out must be a third summary). 0 when out of memory. */
int st__qsummary_merge(st__qsummary *out, const st__qsummary *a, const st__qsummary *b);
/* out = s pruned to at most b >= 2 entries (a copy when s has no more). 0 when out of
 * memory. */
int st__qsummary_prune(st__qsummary *out, const st__qsummary *s, size_t b);
/* e(S) above (0 for an exact summary). */
double st__qsummary_error(const st__qsummary *s);
/* A value whose rank interval is nearest rank r (see above); NaN when s is empty. */
double st__qsummary_query(const st__qsummary *s, double r);

/* Serialised size; the bytes; and the reverse, which checks magic, version and sizes
 * (ST_ERR_DATA with a message naming `what` when they are wrong). */
size_t st__qsummary_bytes(const st__qsummary *s);
void st__qsummary_write(const st__qsummary *s, unsigned char *out);
st_status st__qsummary_read(const unsigned char *in, size_t size, const char *what,
                            st__qsummary *out, st_error *err);

/* ---- the streaming sketch ---- */

#define ST__QSKETCH_MAX_LEVELS 64

typedef struct st__qsketch {
    size_t limit;                 /* entries per summary, >= 2 */
    float *buf;                   /* unit-weight values waiting: n_buf of buf_cap, which
                                     grows to limit */
    size_t n_buf, buf_cap;
    st__qsummary level[ST__QSKETCH_MAX_LEVELS];
    int n_levels;                 /* levels used so far (the highest non-empty + 1) */
    double n_values;              /* values pushed */
    int nomem;                    /* an allocation failed: the sketch is unusable */
} st__qsketch;

/* An empty sketch (allocates nothing yet; returns 1). Free with st__qsketch_free. */
int st__qsketch_init(st__qsketch *sk, size_t limit);
void st__qsketch_free(st__qsketch *sk);
/* Adds one value of weight 1 (NaN values are skipped). 0 when out of memory. */
int st__qsketch_push(st__qsketch *sk, float v);
/* The summary of everything pushed, pruned to limit entries, into out (a new summary);
 * the sketch is left empty. 0 when out of memory. */
int st__qsketch_finish(st__qsketch *sk, st__qsummary *out);
/* eps of the bound above for the values pushed so far (0 while they fit one summary
 * exactly is not known here: the bound assumes pruning happened). */
double st__qsketch_error_bound(const st__qsketch *sk);

#endif
