/* Internal: training gradient-boosted trees from rows that are already binned, possibly
 * only a part of them (one process of a distributed training, or an out-of-core file).
 * st_gbdt_train_ex bins a dataset, describes its features by a schema and calls
 * st__gbdt_train_core; a binned file or a distributed training fills the same
 * st__gbdt_train_data from elsewhere. The validation set, when there is one, stays an
 * in-memory dataset.
 *
 * Everything the trees depend on is partition-independent: training the same bins on one
 * process or split into contiguous row ranges over several (rank r holding the rows
 * [row0, row0 + n_rows) of the whole, in rank order), with a reducer that sums and maxes
 * across them, gives the byte-identical model. See gbdt_boost.c for how. */
#ifndef STRATUM_GBDT_TRAIN_CORE_H
#define STRATUM_GBDT_TRAIN_CORE_H

#include <math.h>

#include "gbdt_model.h"
#include "gbdt_bins.h"
#include "gbdt_grow.h"

/* Sums and maxima across the processes of a distributed training; NULL = one process.
 * Every call is collective: all ranks make the same calls, in the same order, with the
 * same n. On return every rank holds the same result. */
typedef struct st__gbdt_reducer {
    void *ctx;
    st_status (*sum_i64)(void *ctx, int64_t *v, size_t n, st_error *err); /* elementwise, in place */
    st_status (*max_f64)(void *ctx, double *v, size_t n, st_error *err);  /* elementwise, in place */
} st__gbdt_reducer;

/* Feature metadata the model keeps (names, types, categorical levels). The strings are
 * borrowed: the model copies them. */
typedef struct st__gbdt_schema {
    size_t n_features;
    const char *const *names;         /* n_features */
    const uint8_t *is_cat;            /* n_features, 1 = categorical */
    const size_t *n_levels;           /* n_features (0 for numeric) */
    const char *const *const *levels; /* n_features arrays of n_levels[j] strings (NULL for
                                         numeric) */
} st__gbdt_schema;

/* Fills *out with the features of ds: the arrays are allocated, the strings borrowed from
 * ds (which must outlive the schema). Free with st__gbdt_schema_free (also after a
 * failure, and on a zeroed schema). */
st_status st__gbdt_schema_from_dataset(const st_dataset *ds, st__gbdt_schema *out,
                                       st_error *err);
void st__gbdt_schema_free(st__gbdt_schema *s);
/* m->features = a copy of the schema's names, types and levels (gbdt_schema.c). */
st_status st__gbdt_copy_schema(const st__gbdt_schema *s, st_gbdt *m, st_error *err);

typedef struct st__gbdt_train_data {
    const st__gbdt_schema *schema;
    const st__gbdt_bins *bins;       /* this process's rows, binned (bins->n_rows = n_rows);
                                        bounds and level bins identical on every rank */
    size_t n_rows;                   /* local rows */
    uint64_t row0, n_rows_global;    /* global index of local row 0; rows of all ranks
                                        (one process: 0 and n_rows) */
    const float *y;                  /* n_rows labels 0/1 */
    const float *w;                  /* n_rows row weights (>= 0), or NULL for 1 */
    const st__gbdt_reducer *reducer; /* NULL in one process */
} st__gbdt_train_data;

/* Trains on already-binned rows: prm (NULL = defaults) is checked, and the monotone
 * constraints against the schema; valid and cb as in st_gbdt_train_ex (the training
 * metric of cb->train_metric_every is computed on the local rows only, and never changes
 * the model). On failure *out is NULL.
 *
 * With a reducer, every rank must pass the same prm, schema, bounds, n_rows_global and
 * seed, and the same valid set if any (early stopping is then decided alike). The calls
 * made, in order, are: sum of the positive count (1 value), max and sum for the initial
 * score (1 and 2 values), then per tree: max of |g| and h (2 values), the root's sums (3
 * values), and one sum per histogram built (3 values per bin of the tree's features).
 * A failure that is local to a rank (out of memory, a bad shape of its data, a callback
 * cancelling) returns on that rank only while the others wait in their next call: a
 * distributed caller must turn any rank's failure into the end of all of them. */
st_status st__gbdt_train_core(const st__gbdt_train_data *d, const st_dataset *valid,
                              const st_gbdt_params *prm, const st_gbdt_train_callbacks *cb,
                              st_gbdt **out, st_error *err);

/* st_gbdt_train_ex at prm->num_trees, which must be > 0 (gbdt_train.c); st_gbdt_train_ex
 * (gbdt_auto.c) chooses it first when it is ST_GBDT_NUM_TREES_AUTO. */
st_status st__gbdt_train_fixed(const st_dataset *ds, const st_dataset *valid,
                               const st_gbdt_params *prm, const st_gbdt_train_callbacks *cb,
                               st_gbdt **out, st_error *err);

/* ---- fixed point (gbdt_fixed.c) ---- */

/* The scale s (a power of two) at which n values of magnitude at most max, each rounded
 * to round(v 2^s), sum to at most 2^62 in magnitude: the largest such, to keep the most
 * precision (0 when max is 0 or not finite). */
int st__gbdt_fixed_scale(double max, uint64_t n);
/* The bits of a row count beside the Hessian sum in a 16-byte histogram cell
 * (st__gbdt_hist_cell16) for n rows: k + 1 with n <= 2^k, or 0 when n is too large for
 * the Hessians to keep enough precision beside it (then the cells stay 32 bytes). */
int st__gbdt_narrow_count_bits(uint64_t n);
/* As st__gbdt_fixed_scale, with count_bits (> 0) bits of the 64 left free: n values of
 * magnitude at most max, rounded at this scale, sum to less than 2^(63 - count_bits), so
 * that the sum shifted left by count_bits plus a count below 2^count_bits fits in a
 * uint64. count_bits 0: st__gbdt_fixed_scale. INT_MIN when no normal power of two would
 * do (max beyond 2^900). */
int st__gbdt_fixed_scale_counted(double max, uint64_t n, int count_bits);
/* round(v 2^s) (half away from zero), and q 2^-s (exact for |q| < 2^53). */
int64_t st__gbdt_to_fixed(double v, int s);
double st__gbdt_from_fixed(int64_t q, int s);
/* q[i] = st__gbdt_to_fixed(v[i], s) for i < n. */
void st__gbdt_quantize(const double *v, size_t n, int s, int64_t *q, int n_threads);
/* red->sum_i64 / red->max_f64, or nothing when red is NULL (one process). */
st_status st__gbdt_reduce_sum(const st__gbdt_reducer *red, int64_t *v, size_t n,
                              st_error *err);
st_status st__gbdt_reduce_max(const st__gbdt_reducer *red, double *v, size_t n,
                              st_error *err);

/* v 2^s rounded half away from zero, with mult = 2^s: by truncation, without a branch on
 * the sign (a coin toss for gradients); llrint would be a libm call unless errno is given
 * up. */
static inline int64_t st__gbdt_to_fixed_mult(double v, double mult)
{
    const double x = v * mult;
    return (int64_t)(x + copysign(0.5, x));
}

/* A row's training weight: its own weight (rw[i], 1 when rw is NULL) times its class's
 * weight cw[y[i] != 0] (class_weight times scale_pos_weight). Computed where it is used
 * rather than stored: a per-row array of doubles would cost 8 bytes a row. */
typedef struct st__gbdt_row_weights {
    const float *rw;
    double cw[2];
} st__gbdt_row_weights;

static inline double st__gbdt_row_weight(const st__gbdt_row_weights *w, const float *y,
                                         size_t i)
{
    return (w->rw != NULL ? (double)w->rw[i] : 1.0) * w->cw[y[i] != 0];
}

/* The initial score log(W+ / W-) from the weight sums of each class (labels y, weights w
 * of n local rows of n_global), in fixed point and across processes (gbdt_objective.c);
 * +-inf when a class weighs nothing. *w_max: the largest row weight of all processes. */
st_status st__gbdt_init_score(const float *y, const st__gbdt_row_weights *w, size_t n,
                              uint64_t n_global, const st__gbdt_reducer *red, double *out,
                              double *w_max, st_error *err);

/* The log loss gradients and Hessians (as st__gbdt_logloss_grad) at the scores of the
 * grower's local rows, straight into fixed point gr->gh, in one pass: the scales
 * gr->scale_g and gr->scale_h come from the bounds |g| <= w_max and h <= w_max / 4 (w_max:
 * the largest row weight over all processes, from st__gbdt_init_score), so that no
 * per-row array of doubles is kept. ST_ERR_NUMERIC when one is not finite
 * (gbdt_objective.c). */
st_status st__gbdt_logloss_fixed(st__gbdt_grower *gr, const double *score, const float *y,
                                 const st__gbdt_row_weights *w, double w_max, st_error *err);

/* ST_ERR_INVALID_ARG unless mono (NULL allowed) holds -1, 0 or +1 per feature of the
 * schema and no nonzero on a categorical feature (gbdt_monotone.c). */
st_status st__gbdt_monotone_check(const st__gbdt_schema *s, const signed char *mono,
                                  st_error *err);

#endif
