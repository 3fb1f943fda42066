/* Streamed outputs of the CLI (stratum explain, stratum predict --contrib): tables that
 * may not fit in memory, written as produced through the library's st_file_out
 * (include/stratum/files.h), which applies st_file_write_atomic's rules. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain.h"

int cli_stream_open(cli_stream *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    if (path == NULL) {
        s->f = stdout;
        return EXIT_OK;
    }
    st_error err;
    st_status rc = st_file_out_open(path, &s->out, &err);
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    /* the FILE has its own descriptor, so closing it leaves the one the commit syncs */
    const int fd = dup(st_file_out_fd(s->out));
    if (fd < 0 || (s->f = fdopen(fd, "wb")) == NULL) {
        fprintf(stderr, "stratum: %s: cannot open for writing: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        cli_stream_abort(s);
        return EXIT_FAILED;
    }
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
    int bad = ferror(s->f) || fflush(s->f) != 0;
    int errnum = errno;
    bad |= fclose(s->f) != 0;
    s->f = NULL;
    if (bad) {
        fprintf(stderr, "stratum: %s: cannot write: %s\n", s->path, strerror(errnum));
        cli_stream_abort(s); /* nothing is left of the output; the old file is untouched */
        return EXIT_FAILED;
    }
    st_error err;
    st_status rc = st_file_out_commit(s->out, &err);
    s->out = NULL;
    memset(s, 0, sizeof *s);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

void cli_stream_abort(cli_stream *s)
{
    if (s->path != NULL && s->f != NULL)
        fclose(s->f);
    st_file_out_discard(s->out);
    memset(s, 0, sizeof *s);
}
