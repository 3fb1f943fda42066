/* CSV records from a file read in chunks, for stratum bin: memory is one chunk (plus the
 * longest record), whatever the file's size. The tokenizer runs over the chunk up to its
 * last line end; a record cut by the chunk's end (a quoted field spanning lines, or no
 * line end at all) is read again from its start once more of the file is in. */
#define _POSIX_C_SOURCE 200809L
#include "stb_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/file_buffer.h"

static st_status io_error(st__csv_stream *s, const char *what, int errnum, st_error *err)
{
    char reason[128];
    return st__fail(err, ST_ERR_IO, "%s: cannot %s: %s", s->path, what,
                    st__errno_text(errnum, reason, sizeof reason));
}

/* Reads until the buffer is full or the file ends. */
static st_status fill(st__csv_stream *s, st_error *err)
{
    while (!s->eof && s->size < s->cap) {
        ssize_t got = read(s->fd, s->buf + s->size, s->cap - s->size);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return io_error(s, "read", errno, err);
        }
        if (got == 0)
            s->eof = 1;
        s->size += (size_t)got;
        s->bytes_read += (uint64_t)got;
    }
    if (s->progress != NULL)
        s->progress(s->pass, s->bytes_read, s->file_size, s->progress_data);
    return ST_OK;
}

/* Points the tokenizer at buf[0 .. last line end] (all of it at the end of the file). */
static void window(st__csv_stream *s)
{
    size_t lim = s->size;
    if (!s->eof) {
        while (lim > 0 && s->buf[lim - 1] != '\n')
            lim--;
    }
    s->tok.p = s->buf;
    s->tok.end = s->buf + lim;
    s->tok.line = s->line;
    s->tok.line_start = s->buf;
}

st_status st__csv_stream_open(st__csv_stream *s, const char *path, char delimiter,
                              size_t chunk, st_error *err)
{
    memset(s, 0, sizeof *s);
    s->fd = -1;
    s->path = path;
    s->cap = chunk < 4096 ? 4096 : chunk;
    s->line = 1;
    s->fd = open(path, O_RDONLY);
    if (s->fd < 0)
        return io_error(s, "open", errno, err);
    struct stat st;
    if (fstat(s->fd, &st) != 0)
        return io_error(s, "stat", errno, err);
    s->file_size = (uint64_t)st.st_size;
    if (!S_ISREG(st.st_mode)) /* a pipe cannot be read twice */
        return st__fail(err, ST_ERR_IO, "%s: not a regular file; binning reads the data twice, "
                        "so it needs a file, not a pipe or device", path);
    if ((s->buf = st__malloc(s->cap)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory for a read buffer", path);
    st_status rc = fill(s, err);
    if (rc != ST_OK)
        return rc;
    if (s->size >= 3 && memcmp(s->buf, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 byte order mark */
        memmove(s->buf, s->buf + 3, s->size - 3);
        s->size -= 3;
        if ((rc = fill(s, err)) != ST_OK)
            return rc;
    }
    if (delimiter != 0 && strchr(",;\t|", delimiter) == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: delimiter '%c' is not supported; "
                        "expected ',', ';', tab or '|'", path, delimiter);
    s->delimiter = delimiter != 0 ? delimiter : st__csv_detect_delimiter(s->buf, s->size);
    st__csv_tokenizer_init(&s->tok, s->buf, 0, s->delimiter, path);
    window(s);
    return ST_OK;
}

void st__csv_stream_close(st__csv_stream *s)
{
    if (s->fd >= 0)
        close(s->fd);
    st__free(s->buf);
    st__csv_tokenizer_free(&s->tok);
    memset(s, 0, sizeof *s);
    s->fd = -1;
}

/* Did the tokenizer stop because the window ended inside a quoted field? */
static int cut_quote(const st_error *err)
{
    return err != NULL && strstr(err->message, "never closed") != NULL;
}

int st__csv_stream_next(st__csv_stream *s, st_error *err)
{
    for (;;) {
        const char *start = s->tok.p;
        const long line = s->tok.line;
        st_error scratch;
        st_error *e = err != NULL ? err : &scratch;
        int got = st__csv_next(&s->tok, e);
        if (got == 1 || (got == 0 && s->eof) || (got < 0 && (s->eof || !cut_quote(e))))
            return got;
        /* the record is cut: keep its start, read more behind it */
        const size_t keep_from = (size_t)(start - s->buf);
        memmove(s->buf, s->buf + keep_from, s->size - keep_from);
        s->size -= keep_from;
        s->line = line;
        if (s->size == s->cap) { /* one record longer than the buffer: grow it */
            char *bigger = st__realloc(s->buf, s->cap * 2);
            if (bigger == NULL) {
                st__fail(err, ST_ERR_NOMEM, "%s: out of memory for a record of more than "
                         "%zu bytes at line %ld", s->path, s->cap, line);
                return -1;
            }
            s->buf = bigger;
            s->cap *= 2;
        }
        if (fill(s, err) != ST_OK)
            return -1;
        window(s);
    }
}
