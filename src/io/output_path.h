/* Where and how an output file is written, for st_file_write_atomic and the .stb writer.
 *
 * A regular file (or a path where nothing exists yet) is replaced atomically: a temporary
 * next to it (unnamed until published, where the file system allows), fsync, rename. Renaming over anything else would be wrong: it would replace
 * a device node such as /dev/null or a FIFO with a regular file, or a symbolic link with
 * a copy of the file it names. So:
 *   - a symbolic link is followed (realpath) and the file it names is what is written,
 *     by the rules below; a link whose target does not exist is an error (it is not
 *     clear whether the user meant to create the target or to replace the link);
 *   - an existing character or block device, FIFO or socket is written straight into
 *     (opened for writing; no temporary, no rename, no fsync, which means nothing on
 *     a device and may fail there with EINVAL);
 *   - a directory is an error. */
#ifndef STRATUM_OUTPUT_PATH_H
#define STRATUM_OUTPUT_PATH_H

#include <stddef.h>
#include <sys/types.h>

#include <stratum/common.h>

typedef struct st__output {
    char *path;  /* the file to write: a copy of the caller's path, or the resolved target
                    of a symbolic link (owned; st__output_free) */
    int direct;  /* 1: an existing device, FIFO or socket, written into by st__output_open_direct */
    int stream;  /* 1 (with direct): a FIFO or socket, which cannot seek */
    mode_t mode; /* not direct: the mode the new file gets (the replaced file's mode, else
                    0666 less the umask) */
} st__output;

/* Decides how path is written (above). ST_ERR_IO for a directory or a dangling symbolic
 * link, naming path; ST_ERR_NOMEM. On failure *out holds nothing to free. */
st_status st__output_resolve(const char *path, st__output *out, st_error *err);

/* Opens out->path (direct) for writing, without creating or truncating it (a FIFO blocks
 * here until a reader opens it, as a shell redirection would). *fd >= 0 on ST_OK. */
st_status st__output_open_direct(const st__output *out, int *fd, st_error *err);

/* Creates the temporary out->path is written through (not direct), with out->mode: an
 * unnamed file in its directory (O_TMPFILE: a process killed while writing leaves nothing
 * behind), *tmp NULL; else, where the file system has no such files,
 * "out->path.tmp.XXXXXX", *tmp its name (st__free; remove it on failure). *fd on ST_OK;
 * nothing to free or remove on failure. */
st_status st__output_open_temp(const st__output *out, char **tmp, int *fd, st_error *err);

/* Puts the temporary (tmp, fd: st__output_open_temp's, written and synced, fd still open)
 * in place of out->path: renames the named temporary, or links the unnamed one under a
 * fresh name next to out->path and renames that. On failure nothing new is left there
 * (a named temporary is the caller's to remove) and out->path is untouched. */
st_status st__output_publish(const st__output *out, const char *tmp, int fd, st_error *err);

/* ST_ERR_IO naming path: "path: cannot WHAT: strerror(errnum)". */
st_status st__output_io_fail(st_error *err, const char *path, const char *what, int errnum);

void st__output_free(st__output *out);

#endif /* STRATUM_OUTPUT_PATH_H */
