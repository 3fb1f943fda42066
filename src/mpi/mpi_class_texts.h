/* The positive class of a model trained on a dataset read in parts (mpi_class_texts.c). */
#ifndef STRATUM_MPI_CLASS_TEXTS_H
#define STRATUM_MPI_CLASS_TEXTS_H

#include "eval/calibration_impl.h"
#include "mpi_comm.h"

/* Collective: records in post the positive class as st__post_set_positive_class does for
 * the whole dataset, each class's text taken from the lowest rank whose part has it. */
st_status st__mpi_record_positive_class(st__mpi_ctx *c, const st_dataset *local,
                                        st__post *post, st_error *err);

#endif
