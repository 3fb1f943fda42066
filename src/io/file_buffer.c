/* Reading a whole file into memory. */
#define _POSIX_C_SOURCE 200809L
#include "file_buffer.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"

const char *st__errno_text(int errnum, char *buf, size_t size)
{
    if (strerror_r(errnum, buf, size) != 0 && size > 0)
        buf[0] = '\0';
    return buf;
}

static st_status fail_errno(st_error *err, const char *path, const char *what, int errnum)
{
    char text[128];
    return st__fail(err, ST_ERR_IO, "%s: cannot %s: %s", path, what,
                    st__errno_text(errnum, text, sizeof text));
}

/* Grows buf->data to hold at least need + 1 bytes: exactly that when exact, else doubling
 * from 64 KB (a pipe, whose size is not known). */
static int reserve(st__file_buffer *buf, size_t *cap, size_t need, int exact)
{
    if (need + 1 <= *cap)
        return 1;
    size_t new_cap = exact ? need + 1 : *cap < 65536 ? 65536 : *cap;
    while (new_cap < need + 1) {
        if (new_cap > ((size_t)-1) / 2)
            return 0;
        new_cap *= 2;
    }
    char *p = st__realloc(buf->data, new_cap);
    if (p == NULL)
        return 0;
    buf->data = p;
    *cap = new_cap;
    return 1;
}

st_status st__file_buffer_read(const char *path, st__file_buffer *buf, st_error *err)
{
    buf->data = NULL;
    buf->size = 0;
    if (path == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "no file path given");
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return fail_errno(err, path, "open", errno);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return fail_errno(err, path, "stat", e);
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return st__fail(err, ST_ERR_IO, "%s: is a directory, expected a data file", path);
    }
    size_t cap = 0;
    /* Regular files are read in one allocation of their size (and a page, to see the end
     * without growing it); pipes, and files that grew, grow the buffer as they go. */
    size_t hint = S_ISREG(st.st_mode) ? (size_t)st.st_size : 0;
    if (hint > (size_t)-1 - 8192 || !reserve(buf, &cap, hint + 4096, 1)) {
        close(fd);
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory reading %zu bytes", path, hint);
    }
    for (;;) {
        if (buf->size + 1 >= cap && !reserve(buf, &cap, buf->size + 65536, 0)) {
            close(fd);
            st__file_buffer_free(buf);
            return st__fail(err, ST_ERR_NOMEM, "%s: out of memory while reading", path);
        }
        ssize_t n = read(fd, buf->data + buf->size, cap - 1 - buf->size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            st__file_buffer_free(buf);
            return fail_errno(err, path, "read", e);
        }
        if (n == 0)
            break;
        buf->size += (size_t)n;
    }
    close(fd);
    buf->data[buf->size] = '\0';
    return ST_OK;
}

void st__file_buffer_free(st__file_buffer *buf)
{
    st__free(buf->data);
    buf->data = NULL;
    buf->size = 0;
}
