/* stratum/files.h: writing output files safely. Include <stratum.h> rather than this file.
 *
 * stratum writes every model, prediction and report this way, and pipelines that embed the
 * library can do the same for their own outputs. */
#ifndef STRATUM_FILES_H
#define STRATUM_FILES_H

#include <stddef.h>
#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Replaces the file at path with size bytes of data so that readers see either the old
 * content or the new, never a half-written file, even if the process dies or the disk
 * fills mid-write: the bytes go to a temporary "path.tmp.XXXXXX" in the same directory,
 * are flushed to disk (fsync) and renamed over path. On failure (ST_ERR_IO, ST_ERR_NOMEM)
 * the temporary file is removed and any existing file at path is left untouched. */
ST_API st_status st_file_write_atomic(const char *path, const void *data, size_t size,
                                      st_error *err);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_FILES_H */
