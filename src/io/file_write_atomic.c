/* Writing an output file whole: a regular file is replaced atomically through a temporary
 * in the same directory (rename is only atomic within one file system; the temporary has
 * no name until it is complete, where the file system allows), fsync before
 * rename (else a crash can leave the new name pointing at an empty file), and cleanup of
 * the temporary on every failure path. The temporary gets the mode a plain fopen would
 * have given the file (the replaced file's mode, or 0666 less the umask), so a report or
 * model meant to be shared is not silently private. Symbolic links, devices and FIFOs are
 * handled as output_path.h describes. */
#define _POSIX_C_SOURCE 200809L
#include <stratum/files.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
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

/* Into an existing device or FIFO: no temporary, no rename, no fsync. */
static st_status write_direct(const st__output *out, const void *data, size_t size,
                              st_error *err)
{
    int fd;
    st_status rc = st__output_open_direct(out, &fd, err);
    if (rc != ST_OK)
        return rc;
    int errnum = 0;
    const char *what = NULL;
    if (!write_all(fd, data, size))
        errnum = errno, what = "write";
    if (close(fd) != 0 && what == NULL)
        errnum = errno, what = "close";
    return what == NULL ? ST_OK : st__output_io_fail(err, out->path, what, errnum);
}

static st_status write_replace(const st__output *out, const void *data, size_t size,
                               st_error *err)
{
    char *tmp;
    int fd;
    st_status rc = st__output_open_temp(out, &tmp, &fd, err);
    if (rc != ST_OK)
        return rc;
    /* each step records the first errno; the descriptor is closed on every path */
    int errnum = 0;
    const char *what = NULL;
    if (!write_all(fd, data, size))
        errnum = errno, what = "write";
    if (what == NULL && fsync(fd) != 0)
        errnum = errno, what = "sync";
    if (what == NULL)
        rc = st__output_publish(out, tmp, fd, err);
    else
        rc = st__output_io_fail(err, out->path, what, errnum);
    (void)close(fd); /* after fsync, a failing close cannot lose the data */
    if (rc != ST_OK && tmp != NULL)
        remove(tmp);
    st__free(tmp);
    return rc;
}

st_status st_file_write_atomic(const char *path, const void *data, size_t size, st_error *err)
{
    if (path == NULL || (data == NULL && size > 0))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_file_write_atomic: %s is NULL",
                        path == NULL ? "path" : "data");
    st__output out;
    st_status rc = st__output_resolve(path, &out, err);
    if (rc != ST_OK)
        return rc;
    rc = out.direct ? write_direct(&out, data, size, err) : write_replace(&out, data, size, err);
    st__output_free(&out);
    return rc;
}
