/* How an output path is written (output_path.h): follow symbolic links, write into
 * devices and FIFOs, replace regular files through a temporary next to them. */
#define _GNU_SOURCE /* O_TMPFILE; realpath */
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
        out->path = st__strdup(real);
        free(real);
    } else {
        out->path = st__strdup(path);
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

/* The directory out->path is in, into dir (size >= strlen(path) + 2). */
static void directory_of(const char *path, char *dir)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        strcpy(dir, ".");
    } else if (slash == path) {
        strcpy(dir, "/");
    } else {
        memcpy(dir, path, (size_t)(slash - path));
        dir[slash - path] = '\0';
    }
}

/* An unnamed file in out->path's directory (Linux's O_TMPFILE), so that a process killed
 * while writing leaves nothing behind; st__output_publish gives it a name through
 * /proc/self/fd. -1 where the file system or kernel has no such files, or /proc is not
 * there to publish them: the caller then uses a named temporary. */
static int open_unnamed(const st__output *out)
{
#ifdef O_TMPFILE
    if (access("/proc/self/fd", X_OK) != 0)
        return -1;
    char *dir = st__malloc(strlen(out->path) + 2);
    if (dir == NULL)
        return -1;
    directory_of(out->path, dir);
    int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    st__free(dir);
    return fd;
#else
    (void)out;
    return -1;
#endif
}

st_status st__output_open_temp(const st__output *out, char **tmp, int *fd, st_error *err)
{
    *tmp = NULL;
    if ((*fd = open_unnamed(out)) >= 0) {
        (void)fchmod(*fd, out->mode); /* best effort: the data matter more than the mode */
        return ST_OK;
    }
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

/* Links the unnamed file fd as "path.tmp.NNNNNN" (a name no file has: linkat never
 * replaces one) into name. 0 and errno on failure. */
static int link_unnamed(int fd, const char *path, char *name, size_t size)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    unsigned long seed = (unsigned long)getpid() * 2654435761u + (unsigned long)fd;
    for (int attempt = 0; attempt < 100; attempt++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        snprintf(name, size, "%s.tmp.%06lu", path, (seed >> 33) % 1000000);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, name, AT_SYMLINK_FOLLOW) == 0)
            return 1;
        if (errno != EEXIST)
            return 0;
    }
    errno = EEXIST;
    return 0;
}

st_status st__output_publish(const st__output *out, const char *tmp, int fd, st_error *err)
{
    if (tmp != NULL)
        return rename(tmp, out->path) == 0 ? ST_OK
                                           : st__output_io_fail(err, out->path, "replace", errno);
    const size_t size = strlen(out->path) + 32;
    char *name = st__malloc(size);
    if (name == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a file name");
    st_status rc = ST_OK;
    if (!link_unnamed(fd, out->path, name, size))
        rc = st__output_io_fail(err, out->path, "name the temporary file next to it", errno);
    else if (rename(name, out->path) != 0) {
        rc = st__output_io_fail(err, out->path, "replace", errno);
        remove(name);
    }
    st__free(name);
    return rc;
}

void st__output_free(st__output *out)
{
    st__free(out->path);
    out->path = NULL;
}
