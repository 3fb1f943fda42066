/* Internal: replacing a file so that readers see either the old content or the new one,
 * never a half-written file, even if the process dies or the disk fills mid-write. */
#ifndef STRATUM_ATOMIC_FILE_H
#define STRATUM_ATOMIC_FILE_H

#include <stddef.h>
#include <stratum/common.h>

/* Writes size bytes to a temporary "path.tmp.XXXXXX" in path's directory, flushes it to
 * disk and renames it over path. On failure (ST_ERR_IO, ST_ERR_NOMEM) the temporary file is
 * removed and any existing file at path is left untouched. */
st_status st__atomic_write(const char *path, const void *data, size_t size, st_error *err);

#endif
