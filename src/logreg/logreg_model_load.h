/* Internal: reading a logistic-regression model from memory (the fuzzer's entry point;
 * st_logreg_load reads the file and calls it). */
#ifndef STRATUM_LOGREG_MODEL_LOAD_H
#define STRATUM_LOGREG_MODEL_LOAD_H

#include <stratum/logreg.h>

/* name is used in messages only. */
st_status st__logreg_load_buffer(const char *data, size_t size, const char *name,
                                 st_logreg **out /* OUT */, st_error *err);

#endif
