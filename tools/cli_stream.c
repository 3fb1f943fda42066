/* Streamed outputs of the CLI (stratum explain, stratum predict --contrib). The library's
 * st_file_write_atomic takes the whole output in memory, which these tables may not fit,
 * so the CLI applies the same rules itself (include/stratum/files.h): it uses only the
 * public API, not the library's internal output_path.h. */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "explain.h"

static int stream_fail(const char *path, const char *what, int errnum)
{
    fprintf(stderr, "stratum: %s: cannot %s: %s\n", path, what, strerror(errnum));
    return EXIT_FAILED;
}

/* s->target from s->path: a symbolic link is resolved; *direct set for an existing node
 * that is not a regular file (a device or FIFO is written into, never replaced). */
static int resolve(cli_stream *s, int *direct)
{
    struct stat st, lst;
    const int exists = stat(s->path, &st) == 0;
    const int is_link = lstat(s->path, &lst) == 0 && S_ISLNK(lst.st_mode);
    if (is_link && !exists) {
        fprintf(stderr, "stratum: %s: is a symbolic link to a file that does not exist: "
                        "write to the link's target path, or remove the link\n", s->path);
        return EXIT_FAILED;
    }
    if (exists && S_ISDIR(st.st_mode)) {
        fprintf(stderr, "stratum: %s: is a directory\n", s->path);
        return EXIT_FAILED;
    }
    *direct = exists && !S_ISREG(st.st_mode);
    /* a link to a device or FIFO is opened through its own name: /dev/stdout on a pipe
       links to "pipe:[N]", which realpath cannot resolve but open can */
    const int resolve_link = is_link && !*direct;
    s->target = resolve_link ? realpath(s->path, NULL) : strdup(s->path);
    if (s->target == NULL)
        return stream_fail(s->path, resolve_link ? "resolve the symbolic link"
                                                 : "copy the name", errno);
    return EXIT_OK;
}

int cli_stream_open(cli_stream *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    if (path == NULL) {
        s->f = stdout;
        return EXIT_OK;
    }
    int direct = 0;
    if (resolve(s, &direct) != EXIT_OK) {
        free(s->target);
        s->target = NULL;
        return EXIT_FAILED;
    }
    int fd;
    if (direct) {
        fd = open(s->target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || (s->f = fdopen(fd, "wb")) == NULL) {
            stream_fail(s->target, "open for writing", errno);
            if (fd >= 0)
                close(fd);
            cli_stream_abort(s);
            return EXIT_FAILED;
        }
        return EXIT_OK;
    }
    /* the mode the replaced file had, else 0666 less the umask (mkstemp alone gives 0600;
     * reading the umask by setting it is safe here: no other thread creates files yet) */
    struct stat st;
    mode_t mode;
    if (stat(s->target, &st) == 0) {
        mode = st.st_mode & 07777;
    } else {
        const mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    static const char suffix[] = ".tmp.XXXXXX";
    size_t len = strlen(s->target);
    if ((s->tmp = malloc(len + sizeof suffix)) == NULL) {
        fprintf(stderr, "stratum: out of memory for a file name\n");
        cli_stream_abort(s);
        return EXIT_FAILED;
    }
    memcpy(s->tmp, s->target, len);
    memcpy(s->tmp + len, suffix, sizeof suffix);
    fd = mkstemp(s->tmp);
    if (fd < 0 || (s->f = fdopen(fd, "wb")) == NULL) {
        stream_fail(s->target, "create a temporary file next to it", errno);
        if (fd >= 0)
            close(fd); /* the temporary is removed by cli_stream_abort */
        else
            free(s->tmp), s->tmp = NULL; /* nothing was created */
        cli_stream_abort(s);
        return EXIT_FAILED;
    }
    (void)fchmod(fd, mode); /* best effort: the data matter more than the mode */
    return EXIT_OK;
}

int cli_stream_commit(cli_stream *s)
{
    if (s->path == NULL) {
        int bad = fflush(stdout) != 0 || ferror(stdout);
        if (bad)
            fprintf(stderr, "stratum: cannot write to stdout: %s\n", strerror(errno));
        return bad ? EXIT_FAILED : EXIT_OK;
    }
    const char *what = NULL;
    int errnum = 0;
    if (ferror(s->f) || fflush(s->f) != 0)
        errnum = errno, what = "write";
    /* no fsync into a device or FIFO: it means nothing there and may fail (EINVAL) */
    if (what == NULL && s->tmp != NULL && fsync(fileno(s->f)) != 0)
        errnum = errno, what = "sync";
    if (fclose(s->f) != 0 && what == NULL)
        errnum = errno, what = "close";
    s->f = NULL;
    if (what == NULL && s->tmp != NULL) {
        if (rename(s->tmp, s->target) != 0)
            errnum = errno, what = "replace";
        else
            free(s->tmp), s->tmp = NULL; /* renamed: nothing left to remove */
    }
    if (what != NULL)
        stream_fail(s->target, what, errnum);
    cli_stream_abort(s); /* removes the temporary after a failure, frees the names */
    return what == NULL ? EXIT_OK : EXIT_FAILED;
}

void cli_stream_abort(cli_stream *s)
{
    if (s->path != NULL && s->f != NULL)
        fclose(s->f);
    if (s->tmp != NULL)
        remove(s->tmp);
    free(s->tmp);
    free(s->target);
    memset(s, 0, sizeof *s);
}
