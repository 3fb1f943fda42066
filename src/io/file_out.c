/* st_file_out (stratum/files.h): an output written piece by piece, through the temporary
 * or into the device that output_path.h decides on, published by st__output_publish. */
#define _POSIX_C_SOURCE 200809L
#include <stratum/files.h>

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "output_path.h"

struct st_file_out {
    st__output out;
    char *tmp; /* a named temporary, or NULL (unnamed, or writing into a device) */
    int fd;
};

st_status st_file_out_open(const char *path, st_file_out **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (path == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_file_out_open: %s is NULL",
                        path == NULL ? "path" : "out");
    st_file_out *f = st__calloc(1, sizeof *f);
    if (f == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for an output file");
    st_status rc = st__output_resolve(path, &f->out, err);
    if (rc == ST_OK)
        rc = f->out.direct ? st__output_open_direct(&f->out, &f->fd, err)
                           : st__output_open_temp(&f->out, &f->tmp, &f->fd, err);
    if (rc != ST_OK) {
        st__output_free(&f->out);
        st__free(f);
        return rc;
    }
    *out = f;
    return ST_OK;
}

int st_file_out_fd(const st_file_out *f)
{
    return f != NULL ? f->fd : -1;
}

static void release(st_file_out *f, int remove_tmp)
{
    if (f->fd >= 0)
        close(f->fd);
    if (remove_tmp && f->tmp != NULL)
        remove(f->tmp);
    st__free(f->tmp);
    st__output_free(&f->out);
    st__free(f);
}

st_status st_file_out_commit(st_file_out *f, st_error *err)
{
    if (f == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_file_out_commit: f is NULL");
    st_status rc = ST_OK;
    if (f->out.direct) {
        /* no fsync into a device or FIFO: it means nothing there and may fail (EINVAL) */
        const int fd = f->fd;
        f->fd = -1;
        if (close(fd) != 0)
            rc = st__output_io_fail(err, f->out.path, "close", errno);
    } else if (fsync(f->fd) != 0) {
        rc = st__output_io_fail(err, f->out.path, "sync", errno);
    } else {
        rc = st__output_publish(&f->out, f->tmp, f->fd, err);
    }
    release(f, rc != ST_OK);
    return rc;
}

void st_file_out_discard(st_file_out *f)
{
    if (f != NULL)
        release(f, 1);
}
