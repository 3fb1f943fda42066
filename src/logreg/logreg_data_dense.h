/* Internal: the dense in-memory data form of the driver (logreg_driver.h) over an
 * st__lr_problem: a column-major design of n rows and p columns, labels and normalised
 * weights. Its operations are the objective kernels of logreg_objective.c and the Gram
 * kernel of logreg_gram.c, blocked so that nothing depends on the thread count. */
#ifndef STRATUM_LOGREG_DATA_DENSE_H
#define STRATUM_LOGREG_DATA_DENSE_H

#include "logreg_driver.h"

/* What a dense form serves beyond the point, the gradient and the line search:
 * NEXT: the full step of the line search forms the gradient there in the same pass
 *       (st__lr_full_step), for step solvers that want the gradient every iteration;
 * CD:   the per-column coordinate-descent model (cd_begin, cd_curv, cd_dot, cd_move) and
 *       the slope of a step from the rows;
 * WARM: the point, its loss and gradient are kept from the end of one fit to the start of
 *       the next (a lambda path: each fit starts where the last one ended). */
enum { ST__LR_DENSE_NEXT = 1, ST__LR_DENSE_CD = 2, ST__LR_DENSE_WARM = 4 };

typedef struct st__lr_dense st__lr_dense;

/* A dense form over pb (borrowed: it must outlive the form; its l1 and l2 may change
 * between fits). NULL when out of memory. */
st__lr_dense *st__lr_dense_new(const st__lr_problem *pb, int flags);
void st__lr_dense_free(st__lr_dense *dn);

/* The form's data operations (ctx = dn). */
st__lr_data st__lr_dense_data(st__lr_dense *dn);

#endif
