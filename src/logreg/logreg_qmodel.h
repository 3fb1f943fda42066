/* Internal: a penalised quadratic model of the logistic loss over the intercept and a set
 * of coefficients, held as its Gram matrix, and its minimisation by cyclic coordinate
 * descent in closed form (soft thresholding): the inner solve of the Gram
 * coordinate-descent step (logreg_cd_gram.c) and of the streamed fit's L1 step
 * (logreg_stream.c). The model of a step d from the centre z is
 *     -g . d + d^T H d / 2 + l1 ||z + d||_1 + l2 / 2 ||z + d||^2   (intercept unpenalised). */
#ifndef STRATUM_LOGREG_QMODEL_H
#define STRATUM_LOGREG_QMODEL_H

#include <stddef.h>

typedef struct st__lr_qmodel {
    size_t m;        /* 1 + working-set size */
    const double *h; /* m x m Gram matrix, full */
    const double *g; /* m: minus the loss gradient, intercept first, working set order */
    const double *z; /* m: the coefficients at the model's centre (z[0] unused) */
    double l1, l2;
    double *d;       /* m: the step */
    double *hd;      /* m: H d */
} st__lr_qmodel;

/* One sweep over the intercept and the coordinates k with only == NULL or only[k];
 * returns the largest curvature-weighted squared change. */
double st__lr_qmodel_sweep(st__lr_qmodel *md, const unsigned char *only);

/* Minimises the model from d = 0 to within thr, cycling over its non-zero coordinates
 * (nz: m flags, scratch) between full sweeps, as glmnet does. Returns 0, or -1 when
 * max_sweeps ran out first. */
int st__lr_qmodel_solve(st__lr_qmodel *md, unsigned char *nz, double thr, long max_sweeps);

#endif
