/* How an output path is written (output_path.h): follow symbolic links, write into
 * devices and FIFOs, replace regular files through a temporary next to them. */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */
#include "output_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "file_buffer.h"

st_status st__output_io_fail(st_error *err, const char *path, const char *what, int errnum)
{
    char reason[128];
    return st__fail(err, ST_ERR_IO, "%s: cannot %s: %s", path, what,
                    st__errno_text(errnum, reason, sizeof reason));
}

/* The process's umask from /proc/self/status (Linux >= 4.7): umask() itself can only be
 * read by setting it, which would race with other threads creating files. 022 when the
 * line is unavailable. */
static mode_t current_umask(void)
{
    mode_t mask = 022;
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL)
        return mask;
    char line[256];
    while (fgets(line, sizeof line, f) != NULL) {
        unsigned int v;
        if (sscanf(line, "Umask: %o", &v) == 1) {
            mask = (mode_t)(v & 0777);
            break;
        }
    }
    fclose(f);
    return mask;
}

static char *copy_text(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = st__malloc(n);
    if (c != NULL)
        memcpy(c, s, n);
    return c;
}

st_status st__output_resolve(const char *path, st__output *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    struct stat st;
    int exists = stat(path, &st) == 0; /* follows links: what the path names */
    struct stat lst;
    int is_link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
    if (is_link && !exists)
        return st__fail(err, ST_ERR_IO, "%s: is a symbolic link to a file that does not exist: "
                        "write to the link's target path, or remove the link", path);
    if (exists && S_ISDIR(st.st_mode))
        return st__fail(err, ST_ERR_IO, "%s: is a directory", path);
    /* a link to a device, FIFO or socket is opened through its own name: /dev/stdout on a
       pipe links to "pipe:[N]", which realpath cannot resolve but open can */
    if (is_link && S_ISREG(st.st_mode)) {
        /* realpath allocates with malloc: copy into our allocator's memory */
        char *real = realpath(path, NULL);
        if (real == NULL)
            return st__output_io_fail(err, path, "resolve the symbolic link", errno);
        out->path = copy_text(real);
        free(real);
    } else {
        out->path = copy_text(path);
    }
    if (out->path == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a file name");
    if (exists && !S_ISREG(st.st_mode)) {
        out->direct = 1;
        out->stream = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
    } else {
        out->mode = exists ? (st.st_mode & 07777) : (0666 & ~current_umask());
    }
    return ST_OK;
}

st_status st__output_open_direct(const st__output *out, int *fd, st_error *err)
{
    *fd = open(out->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    return *fd >= 0 ? ST_OK : st__output_io_fail(err, out->path, "open for writing", errno);
}

st_status st__output_open_temp(const st__output *out, char **tmp, int *fd, st_error *err)
{
    static const char suffix[] = ".tmp.XXXXXX";
    const size_t len = strlen(out->path);
    *tmp = st__malloc(len + sizeof suffix);
    if (*tmp == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a file name");
    memcpy(*tmp, out->path, len);
    memcpy(*tmp + len, suffix, sizeof suffix);
    *fd = mkstemp(*tmp);
    if (*fd < 0) {
        st_status rc = st__output_io_fail(err, out->path, "create a temporary file next to it",
                                          errno);
        st__free(*tmp);
        *tmp = NULL;
        return rc;
    }
    /* mkstemp gives 0600; best effort: the data matter more than the mode */
    (void)fchmod(*fd, out->mode);
    return ST_OK;
}

void st__output_free(st__output *out)
{
    st__free(out->path);
    out->path = NULL;
}
