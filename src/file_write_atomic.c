/* Atomic file replacement: temporary file in the same directory (rename is only atomic
 * within one file system), fsync before rename (else a crash can leave the new name
 * pointing at an empty file), and cleanup of the temporary on every failure path.
 * mkstemp creates the temporary with mode 0600; the result gets the mode a plain fopen
 * would have given it (the replaced file's mode, or 0666 less the umask), so a report or
 * model meant to be shared is not silently private. */
#define _POSIX_C_SOURCE 200809L
#include <stratum/files.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "error.h"
#include "file_buffer.h"

static st_status io_fail(st_error *err, const char *path, const char *what, int errnum)
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

/* The mode the new file should have: that of the file it replaces, else 0666 & ~umask. */
static mode_t target_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
        return st.st_mode & 07777;
    return 0666 & ~current_umask();
}

st_status st_file_write_atomic(const char *path, const void *data, size_t size, st_error *err)
{
    if (path == NULL || (data == NULL && size > 0))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_file_write_atomic: %s is NULL",
                        path == NULL ? "path" : "data");
    static const char suffix[] = ".tmp.XXXXXX";
    size_t len = strlen(path);
    char *tmp = st__malloc(len + sizeof suffix);
    if (tmp == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a file name");
    memcpy(tmp, path, len);
    memcpy(tmp + len, suffix, sizeof suffix);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        st_status rc = io_fail(err, path, "create a temporary file next to it", errno);
        st__free(tmp);
        return rc;
    }
    (void)fchmod(fd, target_mode(path)); /* best effort: the data matter more than the mode */
    FILE *f = fdopen(fd, "wb");
    if (f == NULL) {
        st_status rc = io_fail(err, tmp, "open", errno);
        close(fd);
        remove(tmp);
        st__free(tmp);
        return rc;
    }
    /* each step records the first errno; fclose always runs so the descriptor never leaks */
    int errnum = 0;
    const char *what = NULL;
    if (size > 0 && fwrite(data, 1, size, f) != size)
        errnum = errno, what = "write";
    if (what == NULL && fflush(f) != 0)
        errnum = errno, what = "write";
    if (what == NULL && fsync(fileno(f)) != 0)
        errnum = errno, what = "sync";
    if (fclose(f) != 0 && what == NULL)
        errnum = errno, what = "close";
    if (what == NULL && rename(tmp, path) != 0)
        errnum = errno, what = "replace";
    st_status rc = ST_OK;
    if (what != NULL) {
        rc = io_fail(err, path, what, errnum);
        remove(tmp);
    }
    st__free(tmp);
    return rc;
}
