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

/* Writes size bytes of data to path, by what path names:
 *   - a regular file, or nothing yet: the file is replaced so that readers see either the
 *     old content or the new, never a half-written file, even if the process dies or the
 *     disk fills mid-write: the bytes go to a temporary in the same directory, are
 *     flushed to disk (fsync) and renamed over path. The temporary has no name until it
 *     is complete (Linux's O_TMPFILE), so a process killed mid-write, even by SIGKILL,
 *     leaves nothing behind; where the file system has no such files it is
 *     "path.tmp.XXXXXX", which only a killed process leaves. A replaced file keeps its
 *     mode; a new one gets 0666 less the umask. On failure the temporary is removed and
 *     any existing file at path is left untouched.
 *   - a symbolic link: the file it names (resolved with realpath) is written by these
 *     rules, so the link stays a link and its target is replaced atomically. A link whose
 *     target does not exist is an error (ST_ERR_IO); nothing is created.
 *   - an existing character or block device, FIFO or socket (e.g. /dev/null): the bytes
 *     are written straight into it (opened for writing: no temporary, no rename, no
 *     fsync); the node itself is never replaced. Opening a FIFO waits for a reader; a
 *     socket cannot be opened (ST_ERR_IO) and is left as it is.
 *   - a directory: an error (ST_ERR_IO, "path: is a directory"); nothing is created.
 * Errors: ST_ERR_IO naming the path (ST_ERR_NOMEM, ST_ERR_INVALID_ARG for a NULL path, or
 * NULL data with size > 0). */
ST_API st_status st_file_write_atomic(const char *path, const void *data, size_t size,
                                      st_error *err);


/* Writing an output piece by piece, by st_file_write_atomic's rules, for outputs too
 * large to hold in memory. st_file_out_open decides how path is written (as above) and
 * opens what the bytes go to: for a regular file, a temporary in its directory that has
 * no name until it is committed (Linux's O_TMPFILE; "path.tmp.XXXXXX" where the file
 * system has no such files), so a process killed while writing leaves nothing behind;
 * for a device or FIFO, the node itself. Write to st_file_out_fd(f) (write(2), or a
 * FILE * from fdopen(dup(fd)), flushed and closed before the commit). st_file_out_commit
 * flushes the temporary to disk and renames it over path; st_file_out_discard abandons
 * the output, leaving path as it was. Either one frees f, also when the commit fails (then
 * path is untouched and no temporary is left); f is the caller's until then. Errors as
 * st_file_write_atomic's; on failure *out is NULL. */
typedef struct st_file_out st_file_out;

ST_API st_status st_file_out_open(const char *path, st_file_out **out /* OUT */, st_error *err);
ST_API int st_file_out_fd(const st_file_out *f);
ST_API st_status st_file_out_commit(st_file_out *f, st_error *err);
ST_API void st_file_out_discard(st_file_out *f); /* NULL-safe */

/* v as snprintf(buf, size, "%.17g", v) writes it (the same bytes, the same return value:
 * the length it needed), several times faster: 17 digits read back to the same double, so
 * tables and JSON of coefficients print with it. */
ST_API int st_format_g17(double v, char *buf, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* STRATUM_FILES_H */
