/* Internal: turning a dataset into the dense design logistic regression fits, and the
 * per-feature transformation a model keeps so that it can predict on new data. */
#ifndef STRATUM_LOGREG_DESIGN_H
#define STRATUM_LOGREG_DESIGN_H

#include <stratum/dataset.h>
#include <stratum/logreg.h>

/* One dataset feature as the model uses it. */
typedef struct st__lr_feature {
    char *name;
    st_feature_type type;
    double fill;     /* numeric: what replaces a missing value (training mean or median) */
    size_t n_levels; /* categorical: number of one-hot columns */
    char **levels;   /* categorical: the level texts, in byte order as in the dataset */
    size_t col;      /* first expanded column: the value, or the one-hot of level 0 */
    long indicator;  /* expanded column "<name>_missing", or -1 */
} st__lr_feature;

typedef struct st__lr_design {
    size_t n_rows, n_features, n_cols;
    st__lr_feature *features;
    char **col_names; /* "age", "sex=F", "bp_missing" */
    double *mean;     /* per column: the column is (value - mean) / scale */
    double *scale;    /* 1 without standardisation; 0 for a column constant in training */
    double *x;        /* n_rows x n_cols, column-major, centred (and scaled); NULL when
                         the design is sparse */
    struct st__lr_sparse *sp; /* the sparse form (logreg_sparse.h) instead of x, or NULL */
    double *plain_sd; /* when every row weighs the same: per column, the standard
                         deviation (divisor n) of a numeric feature's value column,
                         NaN for the other columns; NULL otherwise. With mean, what
                         st__lr_column_moments would compute for those columns */
} st__lr_design;

/* Learns the imputation, expansion and standardisation from ds with normalised row weights
 * c (sum 1), and builds the design: dense (x), or sparse (sp) when st__lr_design_sparse
 * says so. On failure *d is left empty. */
st_status st__lr_design_build(const st_dataset *ds, const double *c, const st_logreg_params *prm,
                              st__lr_design *d, st_error *err);

/* Whether a design of n_cols columns over n_rows rows holding about nnz values that are
 * not 0 is built sparse, for a fit whose penalty has L1 share alpha (docs/train-logreg.md):
 *   - wide and mostly zeros: more than ST__LR_SPARSE_MIN_COLS columns, at most a quarter
 *     of the cells not 0 (dense, the coordinate-descent sweeps cost n per column; sparse,
 *     the entries);
 *   - narrower, at most a fifth of the cells not 0 (a code of a few hundred levels beside
 *     a few dozen numbers): for ridge (alpha 0) with more than ST__LR_SPARSE_RIDGE_MIN_COLS
 *     columns, since the dense path forms an n x p x p Hessian at every lambda where the
 *     sparse one's truncated Newton costs the entries (20,000 rows, 26 numbers and a
 *     200-level code: the default fit 9x faster at one thread, a third of the memory;
 *     bench/RESULTS.md); with an L1 part only with more than ST__LR_SPARSE_L1_MIN_COLS
 *     columns, below which coordinate descent over the dense design's Gram matrices was
 *     measured faster (1.3-1.7x at 65-130 columns; 1.2-1.8x slower than sparse at
 *     226-340). */
#define ST__LR_SPARSE_MIN_COLS 512
#define ST__LR_SPARSE_RIDGE_MIN_COLS 32
#define ST__LR_SPARSE_L1_MIN_COLS 200
int st__lr_design_sparse(size_t n_rows, size_t n_cols, size_t nnz, double alpha);

/* The sparse form of planned design d (features, n_cols, col_names set): d->sp, d->mean
 * and d->scale (logreg_sparse_design.c). */
st_status st__lr_sparse_build(const st_dataset *ds, const double *c,
                              const st_logreg_params *prm, st__lr_design *d, st_error *err);

/* Centres (and scales) column x (n values) in place with weights c, recording how in
 * *mean and *scale: a column constant over the weighted rows becomes zeros with scale 0;
 * scale_it 0 only centres. */
void st__lr_standardise(double *x, size_t n, const double *c, int scale_it, double *mean,
                        double *scale);

/* The mean and scale (weights c) of a sparse column with entries vals[0..nnz) (NULL: all
 * 1) on rows rows[] and zeros elsewhere, as st__lr_standardise would give them for the
 * column written out; n_pos: rows of positive weight (logreg_sparse_design.c). */
void st__lr_sparse_moments(const uint32_t *rows, const double *vals, size_t nnz,
                           const double *c, size_t n_pos, int scale_it, double *mean,
                           double *scale);

/* The error for feature j's infinite value v in 0-based data row i, as every fit names it
 * (logreg_design.c). */
st_status st__lr_infinite_value(const st_dataset *ds, size_t j, float v, size_t i,
                                st_error *err);

/* ST_OK, or the st__lr_infinite_value error for feature j's first infinite value (a
 * missing one is fine); j numeric. */
st_status st__lr_check_finite_feature(const st_dataset *ds, size_t j, st_error *err);

/* Frees what *d still owns (a model may have taken features and col_names) and empties it. */
void st__lr_design_free(st__lr_design *d);

void st__lr_features_free(st__lr_feature *f, size_t n);
void st__lr_names_free(char **names, size_t n);

#endif
