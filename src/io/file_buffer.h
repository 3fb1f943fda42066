/* Internal: a whole input file in memory. */
#ifndef STRATUM_FILE_BUFFER_H
#define STRATUM_FILE_BUFFER_H

#include <stddef.h>
#include <stratum/common.h>

typedef struct st__file_buffer {
    char *data;  /* size bytes followed by a NUL byte that is not part of the file */
    size_t size;
} st__file_buffer;

/* Reads the file at path (a regular file, a pipe or a device) into buf. */
st_status st__file_buffer_read(const char *path, st__file_buffer *buf, st_error *err);
void st__file_buffer_free(st__file_buffer *buf);

/* strerror_r into a caller buffer; thread-safe. */
const char *st__errno_text(int errnum, char *buf, size_t size);

#endif
