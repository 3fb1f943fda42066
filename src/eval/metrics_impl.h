/* Internal: the pieces of st_evaluate. Every kernel works on one "scored" view of the
 * input, sorted once by descending score, so a bootstrap resample is only a vector of
 * multiplicities over the same order and costs O(n), not a new sort. */
#ifndef STRATUM_METRICS_IMPL_H
#define STRATUM_METRICS_IMPL_H

#include <stratum/metrics.h>

/* The input rows in descending score order, ties in ascending row order. */
typedef struct st__scored {
    size_t n;
    double *score;       /* sorted descending */
    unsigned char *y;    /* 0/1 */
    double *w;           /* row weight (1 without weights) */
    double *loss;        /* unweighted log loss of the row, p clipped to [eps, 1 - eps] */
    double *logit;       /* logit of the clipped p, for the calibration fit */
    size_t *pos_rows;    /* sorted positions of the positive rows, n_pos of them */
    size_t *neg_rows;    /* sorted positions of the negative rows */
    size_t n_pos, n_neg;
    int in_unit;         /* every score lies in [0, 1] */
    int unit_weights;    /* every weight is 1 */
} st__scored;

/* Validates the input (naming the first bad row) and builds the sorted view. */
st_status st__scored_build(const double *scores, const float *labels, const float *weights,
                           size_t n, st__scored *s /* OUT */, st_error *err);
void st__scored_free(st__scored *s);

/* Index one past the last sorted position whose score equals score[i]. */
static inline size_t st__group_end(const st__scored *s, size_t i)
{
    size_t j = i + 1;
    while (j < s->n && s->score[j] == s->score[i])
        j++;
    return j;
}

/* The calibration fits' view of a (re)weighted sample: one entry per group of tied scores
 * with weight, its logit and the weight of its positive and of its negative rows. The fits
 * pass over it several times; built once in st__metrics_compute's pass, it spares each of
 * those passes the rows, their multiplicities and the groups of zero weight (a third of a
 * bootstrap resample). Room for n groups, owned by the caller. */
typedef struct st__cal_groups {
    size_t n;
    double *x, *w1, *w0;
} st__cal_groups;

/* Room for n groups (one allocation); 0 when out of memory. Free with st__cal_groups_free. */
int st__cal_groups_alloc(st__cal_groups *g, size_t n);
void st__cal_groups_free(st__cal_groups *g);

/* Every metric of the view with row weights w[i] * mult[i] (mult NULL: 1) at threshold
 * t (NaN: the threshold metrics are undefined). cal_start holds the (intercept, slope,
 * in-the-large) the calibration fits start from, groups their room for s->n groups; NULL
 * skips the fits (their metrics are then undefined). Fills value[ST_METRIC_COUNT],
 * *undefined and *cm. */
void st__metrics_compute(const st__scored *s, const double *mult, double t, double beta,
                         const double cal_start[3], st__cal_groups *groups, double *value,
                         unsigned *undefined, st_confusion *cm);

/* The metrics at a threshold that come from the confusion matrix alone. */
void st__metrics_from_confusion(const st_confusion *cm, double beta, double *value,
                                unsigned *undefined);

/* The threshold chosen by prm->rule on the full data; NaN when it cannot be met. */
double st__choose_threshold(const st__scored *s, const st_eval_params *prm);

/* Weighted logistic regression of y on logit(p): out[0] intercept, out[1] slope. Returns 1
 * on convergence, 0 (out NaN) otherwise. */
int st__calibration_fit(const st__cal_groups *g, const double start[2], double out[2]);

/* Calibration-in-the-large: a of y ~ a + offset(logit p), from start. Returns 1 on
 * convergence, 0 (*out NaN) otherwise. */
int st__calibration_in_the_large(const st__cal_groups *g, double start, double *out);

/* The calibration table of the full data. */
void st__calibration_table(const st__scored *s, st_calibration_bin *bins);

/* DeLong's variance of the unweighted ROC-AUC; NaN when it is undefined. */
double st__delong_variance(const st__scored *s, double *auc /* OUT */);

/* Percentile CIs over prm->n_bootstrap resamples (stratified with prm->stratified) into ev;
 * none for a metric whose value in ev is undefined. */
st_status st__bootstrap(const st__scored *s, const st_eval_params *prm, st_eval *ev,
                        st_error *err);

#endif
