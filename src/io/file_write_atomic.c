/* Writing an output file whole, through st_file_out (file_out.c): a regular file is
 * replaced atomically through a temporary in the same directory (rename is only atomic
 * within one file system; the temporary has no name until it is complete, where the file
 * system allows), fsync before rename (else a crash can leave the new name pointing at an
 * empty file), and nothing left on any failure path. The temporary gets the mode a plain
 * fopen would have given the file (the replaced file's mode, or 0666 less the umask), so a
 * report or model meant to be shared is not silently private. Symbolic links, devices and
 * FIFOs are handled as output_path.h describes. */
#define _POSIX_C_SOURCE 200809L
#include <stratum/files.h>

#include <errno.h>
#include <unistd.h>

#include "core/error.h"
#include "output_path.h"

/* Writes all n bytes (write may stop short on a pipe or when interrupted). 0 and errno
 * on failure. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO;
            return 0;
        }
        p += k;
        n -= (size_t)k;
    }
    return 1;
}

st_status st_file_write_atomic(const char *path, const void *data, size_t size, st_error *err)
{
    if (path == NULL || (data == NULL && size > 0))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_file_write_atomic: %s is NULL",
                        path == NULL ? "path" : "data");
    st_file_out *f = NULL;
    st_status rc = st_file_out_open(path, &f, err);
    if (rc != ST_OK)
        return rc;
    if (!write_all(st_file_out_fd(f), data, size)) {
        rc = st__output_io_fail(err, path, "write", errno);
        st_file_out_discard(f); /* the temporary goes; path is untouched */
        return rc;
    }
    return st_file_out_commit(f, err); /* syncs and renames a regular file into place */
}
