/* Checking st_read_options' column lists (read_options_check.c). */
#ifndef STRATUM_READ_OPTIONS_CHECK_H
#define STRATUM_READ_OPTIONS_CHECK_H

#include <stratum/dataset.h>

/* ST_ERR_INVALID_ARG naming source and the field when ignore, numeric or categorical has a
 * count but no list, or any list holds a NULL name; ST_OK otherwise. */
st_status st__read_options_check_lists(const st_read_options *o, const char *source,
                                       st_error *err);

#endif
