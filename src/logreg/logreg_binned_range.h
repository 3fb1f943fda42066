/* Internal: st_logreg_train_binned on a range of the file's rows, with the streamed
 * fitter's reducer (logreg_stream.h), for the distributed fit (src/mpi). */
#ifndef STRATUM_LOGREG_BINNED_RANGE_H
#define STRATUM_LOGREG_BINNED_RANGE_H

#include <stddef.h>
#include <stratum/binned.h>

#include "logreg_stream.h"

/* Rows per streamed block for a file of n_rows rows. Blocks start at row 0 of the file;
 * a range given to st__logreg_train_binned_range must start at a block boundary. */
size_t st__logreg_binned_block_rows(size_t n_rows);

/* st_logreg_train_binned, the sums taken over rows [row0, row1) of b (row0 a multiple of
 * st__logreg_binned_block_rows, row1 one or the file's row count) and completed by
 * reducer (NULL: the range must be the whole file). The model's column means and standard
 * deviations (for contributions) are always those of the whole file. */
st_status st__logreg_train_binned_range(const st_binned *b, const st_logreg_params *prm,
                                        const st__lr_reducer *reducer, size_t row0,
                                        size_t row1, st_logreg **out, st_error *err);

#endif
