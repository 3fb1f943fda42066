/* Internal: the train/test split of one fold, shared by the inner validations of both
 * families (logreg/logreg_choose.c, gbdt/gbdt_auto.c). */
#ifndef STRATUM_FOLDS_IMPL_H
#define STRATUM_FOLDS_IMPL_H

#include <stddef.h>

/* Rows 0..n-1 of fold[] (st_folds_make's output for one repeat): those in fold f go to
 * test, the others to train, each in row order; both arrays have room for n. */
void st__folds_split(const int *fold, size_t n, int f, size_t *train, size_t *n_train,
                     size_t *test, size_t *n_test);

#endif
