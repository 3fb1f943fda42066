/* A CSV file's rows streamed from a mapping (csv_row_stream.h). The rows are the ones
 * st_dataset_read_csv makes, in its order: the same tokenizer, blank records and (with
 * skip_missing_labels) rows whose label is missing left out. */
#define _DEFAULT_SOURCE
#include "csv_row_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "csv_header.h"
#include "io/file_buffer.h"

/* Pages are given back once this many bytes are behind the current row. */
#define RELEASE_BYTES ((size_t)8 << 20)

static st_status fail_errno(st_error *err, const char *path, const char *what, int errnum)
{
    char text[128];
    return st__fail(err, ST_ERR_IO, "%s: cannot %s: %s", path, what,
                    st__errno_text(errnum, text, sizeof text));
}

static st_status map_file(st__csv_row_stream *s, const char *path, const char *why,
                          st_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) /* before opening: a pipe's open would wait for a writer */
        return fail_errno(err, path, "open", errno);
    if (S_ISDIR(st.st_mode))
        return st__fail(err, ST_ERR_IO, "%s: is a directory, expected a data file", path);
    if (!S_ISREG(st.st_mode))
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: not a regular file (a pipe, standard "
                        "input or a device), which cannot be read twice; %s", path, why);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return fail_errno(err, path, "open", errno);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        close(fd);
        return fail_errno(err, path, "stat", e);
    }
    s->map_size = (size_t)st.st_size;
    if (s->map_size > 0) {
        void *p = mmap(NULL, s->map_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            close(fd);
            return fail_errno(err, path, "map", e);
        }
        s->map = p;
        madvise(p, s->map_size, MADV_SEQUENTIAL);
    }
    close(fd);
    s->data = s->map != NULL ? s->map : "";
    s->size = s->map_size;
    if (s->size >= 3 && memcmp(s->data, "\xEF\xBB\xBF", 3) == 0) { /* as the reader */
        s->data += 3;
        s->size -= 3;
    }
    s->released = s->map;
    return ST_OK;
}

st_status st__csv_row_stream_open(st__csv_row_stream *s, const char *path,
                                  const st_read_options *opt, const char *why_regular,
                                  st_error *err)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    s->opt = opt;
    s->label_col = -1;
    st_status rc = map_file(s, path, why_regular, err);
    if (rc != ST_OK)
        return rc;
    s->delimiter = opt->delimiter != 0 ? opt->delimiter
                                       : st__csv_detect_delimiter(s->data, s->size);
    s->decimal = opt->decimal == ',' ? ',' : '.';
    s->na.values = opt->na_values;
    s->na.n = opt->n_na_values;
    st__csv_tokenizer_init(&s->tok, s->data, s->size, s->delimiter, path);
    int got = st__csv_next(&s->tok, err);
    while (got == 1 && st__csv_record_is_blank(&s->tok))
        got = st__csv_next(&s->tok, err);
    if (got < 0)
        return err != NULL ? err->code : ST_ERR_PARSE;
    if (got == 0)
        return st__fail_at(err, ST_ERR_DATA, path, 1, 0, "the file is empty; expected %s",
                           opt->has_header ? "a header line naming the columns"
                                           : "lines of data");
    s->n_cols = s->tok.n_fields;
    s->label_col = opt->label_index >= 0 ? opt->label_index
                 : opt->label != NULL    ? st__csv_row_stream_column(s, opt->label)
                                         : -1;
    /* without a header the records from the first are rows (leading blanks are skipped
     * as blank records) */
    s->first_row = opt->has_header ? s->tok.p : s->data;
    s->first_line = opt->has_header ? s->tok.line : 1;
    return ST_OK;
}

void st__csv_row_stream_close(st__csv_row_stream *s)
{
    st__csv_tokenizer_free(&s->tok);
    if (s->map != NULL)
        munmap(s->map, s->map_size);
    memset(s, 0, sizeof *s);
}

long st__csv_row_stream_column(const st__csv_row_stream *s, const char *name)
{
    return st__csv_find_column(&s->tok, s->opt, name);
}

void st__csv_row_stream_rewind(st__csv_row_stream *s)
{
    st__csv_tokenizer_free(&s->tok);
    st__csv_tokenizer_init(&s->tok, s->first_row, (size_t)(s->data + s->size - s->first_row),
                           s->delimiter, s->path);
    s->tok.line = s->first_line;
}

/* Gives back the pages wholly before p once enough of them are. */
static void release_before(st__csv_row_stream *s, const char *p)
{
    if (s->map == NULL || (size_t)(p - s->released) < RELEASE_BYTES)
        return;
    long page = sysconf(_SC_PAGESIZE);
    size_t upto = (size_t)(p - s->map) / (size_t)page * (size_t)page;
    if (s->map + upto > s->released) {
        madvise((void *)s->released, (size_t)(s->map + upto - s->released), MADV_DONTNEED);
        s->released = s->map + upto;
    }
}

int st__csv_row_stream_next(st__csv_row_stream *s, st_error *err)
{
    for (;;) {
        if (s->tok.p < s->released) /* rewound: the stream starts over */
            s->released = s->map;
        release_before(s, s->tok.p);
        int got = st__csv_next(&s->tok, err);
        if (got != 1)
            return got;
        if (st__csv_record_is_blank(&s->tok))
            continue;
        long lc = s->label_col;
        if (s->opt->skip_missing_labels && lc >= 0 && (size_t)lc < s->tok.n_fields &&
            st__is_na(&s->na, s->tok.fields[lc].ptr, s->tok.fields[lc].len))
            continue;
        return 1;
    }
}

/* ---- the file less some columns ------------------------------------------------------ */

typedef struct out_buf {
    char *p;
    size_t n, cap;
} out_buf;

static int put(out_buf *b, const char *s, size_t len)
{
    if (b->n + len > b->cap) {
        size_t c = b->cap < 65536 ? 65536 : b->cap;
        while (c < b->n + len)
            c *= 2;
        char *q = st__realloc(b->p, c);
        if (q == NULL)
            return 0;
        b->p = q, b->cap = c;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
    return 1;
}

/* Where the raw field starting at q ends (a record the tokenizer took: a quoted field's
 * "" are escapes, and its closing quote is followed by the delimiter or the line end). */
static const char *raw_field_end(const char *q, const char *end, char delim)
{
    if (q < end && *q == '"') {
        for (q++;;) {
            q = memchr(q, '"', (size_t)(end - q));
            if (q == NULL)
                return end;
            if (q + 1 < end && q[1] == '"') {
                q += 2;
                continue;
            }
            q++;
            break;
        }
    }
    while (q < end && *q != delim && *q != '\n' && *q != '\r')
        q++;
    return q;
}

/* Appends the record [q, end) less the dropped fields. */
static int put_record(out_buf *b, const char *q, const char *end, char delim,
                      const long *drop, size_t n_drop)
{
    size_t d = 0;
    for (long f = 0; q < end; f++) {
        const char *e = raw_field_end(q, end, delim);
        while (d < n_drop && drop[d] < f)
            d++;
        if (d < n_drop && drop[d] == f) {
            size_t breaks = 0;
            for (const char *c = q; (c = memchr(c, '\n', (size_t)(e - c))) != NULL; c++)
                breaks++;
            int ok = breaks == 0 || put(b, "\"", 1);
            for (size_t k = 0; ok && k < breaks; k++)
                ok = put(b, "\n", 1);
            if (!ok || (breaks > 0 && !put(b, "\"", 1)))
                return 0;
        } else if (!put(b, q, (size_t)(e - q))) {
            return 0;
        }
        if (e < end && *e == delim) {
            if (!put(b, e, 1))
                return 0;
            q = e + 1;
            continue;
        }
        return put(b, e, (size_t)(end - e)); /* the line end */
    }
    return 1;
}

st_status st__csv_row_stream_reduce(st__csv_row_stream *s, const long *drop, size_t n_drop,
                                    char **out, size_t *n_out, st_error *err)
{
    *out = NULL;
    *n_out = 0;
    out_buf b = {NULL, 0, 0};
    st__csv_tokenizer_free(&s->tok);
    st__csv_tokenizer_init(&s->tok, s->data, s->size, s->delimiter, s->path);
    s->released = s->map;
    st_status rc = ST_OK;
    int header = s->opt->has_header; /* the first record that is not blank: kept whole */
    for (;;) {
        release_before(s, s->tok.p);
        const char *start = s->tok.p;
        int got = st__csv_next(&s->tok, err);
        if (got < 0)
            rc = err != NULL && err->code != ST_OK ? err->code : ST_ERR_PARSE;
        if (got != 1)
            break;
        int whole = header && !st__csv_record_is_blank(&s->tok);
        header &= !whole;
        if (!put_record(&b, start, s->tok.p, s->delimiter, drop, whole ? 0 : n_drop)) {
            rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory", s->path);
            break;
        }
    }
    st__csv_row_stream_rewind(s);
    if (rc != ST_OK) {
        st__free(b.p);
        return rc;
    }
    *out = b.p;
    *n_out = b.n;
    return ST_OK;
}
