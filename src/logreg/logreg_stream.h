/* Internal: logistic regression fitted from data that arrives in row blocks, for tables
 * larger than memory (a binned .stb file with raw values, a CSV read in pieces) or held
 * by someone else. The fitter never holds more than one block of rows: one pass over the
 * blocks, in their order, for the preprocessing, then one per outer iteration (more only
 * when a step must be shortened), accumulating the gradient and the weighted Gram matrix
 * X^T W X (p x p, so p must be modest). See logreg_stream.c for the method. */
#ifndef STRATUM_LOGREG_STREAM_H
#define STRATUM_LOGREG_STREAM_H

#include <stddef.h>
#include <stratum/common.h>
#include <stratum/logreg.h>

#include "logreg_solver.h"

/* How a block's feature values are laid out in the float array the source fills. */
typedef enum st__lr_layout {
    ST__LR_FEATURE_MAJOR, /* feature j of row i at x[j * block_rows + i] */
    ST__LR_ROW_MAJOR      /* feature j of row i at x[i * n_features + j] */
} st__lr_layout;

/* Adds one block's record (n doubles) into the running total, in place. cctx is the
 * pass's own (unused so far: NULL). */
typedef void (*st__lr_combine)(double *total, const double *record, size_t n,
                               const void *cctx);

/* How a pass's sums over rows are combined across processes. Every quantity a pass
 * accumulates (row and class counts, the preprocessing moments, loss, gradient, Gram
 * matrix, line-search losses) is kept per block, as one record of n doubles, and the
 * records are combined in block order with the pass's combine function. Without a reducer
 * (one process) each record is combined into the total as its block is read; with one,
 * the source gives this process's blocks only, the records are kept, and fold turns them
 * into the total over all processes, on every process.
 * fold: on entry total holds the combine's identity, records this process's n_records
 * records (n doubles each, in block order); on return total must be
 *     identity (+) all records of all processes, in global block order
 * which is exactly the one-process total when the processes hold consecutive runs of the
 * same blocks, in process order (src/mpi: a chain through the ranks). Returns ST_OK, or
 * fails filling err (then the fit returns that). ctx is passed to fold. */
typedef struct st__lr_reducer {
    void *ctx;
    st_status (*fold)(void *ctx, double *total, const double *records, size_t n_records,
                      size_t n, st__lr_combine combine, const void *cctx, st_error *err);
} st__lr_reducer;

/* A source of row blocks. Every feature is numeric; a missing value is NaN. The fitter
 * calls rewind before each pass and then next until it yields no rows; the blocks of a
 * pass must be the same rows in the same order every time (results depend on the block
 * boundaries only in the last bits). The fitter owns nothing of the source. */
typedef struct st__lr_source {
    size_t n_features;    /* p > 0 */
    size_t block_rows;    /* rows of the largest block, > 0 */
    st__lr_layout layout;
    void *ctx;            /* passed to the callbacks */
    /* Back to the first row. Returns ST_OK, or fails filling err. */
    st_status (*rewind)(void *ctx, st_error *err);
    /* The next block: up to block_rows rows into x (block_rows * n_features floats, laid
     * out as `layout` says), their labels into y (0 or 1; > 0.5 counts as positive) and
     * row weights into w (>= 0; 1 when the data has none). *n_rows gets the number of rows
     * written, 0 once the data is exhausted. Returns ST_OK, or fails filling err. */
    st_status (*next)(void *ctx, float *x, float *y, float *w, size_t *n_rows, st_error *err);
    const st__lr_reducer *reducer; /* NULL: one process, the source has all the rows */
    size_t row0;          /* row number of the source's first row among all processes' rows
                             (error messages only); 0 for one process */
} st__lr_source;

/* A streamed fit. Coefficients are on the original scale of the features, as
 * st_logreg_coefs gives them. Every array is owned by the fit (st__lr_stream_fit_free). */
typedef struct st__lr_stream_fit {
    size_t n_features;
    size_t n_rows;      /* rows seen in a pass (of all processes, with a reducer) */
    double intercept;
    double *coefs;      /* n_features */
    double *fill;       /* n_features: the imputed value of a missing one (mean of present) */
    double *mean;       /* n_features: weighted mean after imputation, as centred */
    double *scale;      /* n_features: the standard deviation divided by (1 without
                           standardisation; 0 for a constant column, whose coefficient is 0) */
    st__lr_info info;   /* outer iterations, objective, final relative decrement, converged */
    size_t passes;      /* passes over the data, preprocessing included */
} st__lr_stream_fit;

/* Fits the elastic net of st_logreg_train (same objective, weights, class weights,
 * standardisation and mean imputation) from the blocks of src. Supported parameters:
 * lambda, alpha, standardize, impute = ST_IMPUTE_MEAN (a median would need a quantile
 * sketch), missing_indicators = 0, class_weight, positive_weight, tol, max_iter (outer
 * iterations), n_threads. At most ST__LR_STREAM_MAX_FEATURES features (the Gram matrix is
 * p x p). On success *out holds the fit; on failure it is left empty. Errors:
 * ST_ERR_INVALID_ARG (parameters, source), ST_ERR_DATA (an infinite value, a class without
 * weight, a negative weight), ST_ERR_NOMEM, ST_ERR_NUMERIC, or whatever the source
 * returned. */
#define ST__LR_STREAM_MAX_FEATURES 2048
st_status st__lr_stream_train(const st__lr_source *src, const st_logreg_params *prm,
                              st__lr_stream_fit *out, st_error *err);

void st__lr_stream_fit_free(st__lr_stream_fit *fit);

#endif
