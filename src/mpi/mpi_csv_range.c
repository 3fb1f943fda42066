/* Cutting a CSV file into per-rank record ranges (see mpi_csv_range.h). */
#include "mpi_csv_range.h"

#include <string.h>

#include "core/alloc.h"
#include "data/csv_tokenizer.h"
#include "core/error.h"

/* Where the tokenizer is: at a field's start, inside an unquoted field, inside a quoted
 * field, or just after a quote inside a quoted field (a closing quote, or the first of ""). */
enum { AT_START, UNQUOTED, QUOTED, AFTER_QUOTE, N_STATES };

static int ends_field(char ch, char delim)
{
    return ch == delim || ch == '\n' || ch == '\r';
}

/* The state after reading [p, end) from state s. Only quotes change the quoting, so the scan
 * jumps from quote to quote with memchr. */
static int scan(const char *p, const char *end, int s, char delim)
{
    while (p < end) {
        if (s == QUOTED) {
            const char *q = memchr(p, '"', (size_t)(end - p));
            if (q == NULL)
                return QUOTED;
            if (q + 1 == end)
                return AFTER_QUOTE;
            if (q[1] == '"') { /* an escaped quote */
                p = q + 2;
                continue;
            }
            p = q + 1; /* the closing quote */
            s = UNQUOTED;
            continue;
        }
        if (s == AFTER_QUOTE) {
            const char ch = *p++;
            s = ch == '"' ? QUOTED : ends_field(ch, delim) ? AT_START : UNQUOTED;
            continue;
        }
        if (s == AT_START && *p == '"') {
            s = QUOTED;
            p++;
            continue;
        }
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (q == NULL)
            return ends_field(end[-1], delim) ? AT_START : UNQUOTED;
        /* a quote opens a field only at its start; elsewhere it is text */
        s = q > p && ends_field(q[-1], delim) ? QUOTED : UNQUOTED;
        p = q + 1;
    }
    return s;
}

/* Where the record holding position x (in state s) ends: after the first line end read
 * outside quotes from x; size when there is none. */
static size_t record_end(const char *data, size_t x, size_t size, int s, char delim)
{
    const char *p = data + x, *end = data + size;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            return size;
        s = scan(p, nl, s, delim);
        if (s != QUOTED)
            return (size_t)(nl + 1 - data);
        p = nl + 1;
    }
}

/* The first record start at or after x > 0, where the state is s. */
static size_t next_record(const char *data, size_t x, size_t size, int s, char delim)
{
    if (s == AT_START && data[x - 1] == '\n')
        return x;
    return record_end(data, x, size, s, delim);
}

static uint64_t count_line_ends(const char *p, size_t n)
{
    uint64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += p[i] == '\n';
    return k;
}

/* End of the header record: the first record that is not blank (the reader skips blank
 * lines before it). */
static size_t header_end(const char *data, size_t size, char delim)
{
    size_t at = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (at < size) {
        const size_t next = record_end(data, at, size, AT_START, delim);
        size_t len = next - at;
        while (len > 0 && (data[at + len - 1] == '\n' || data[at + len - 1] == '\r'))
            len--;
        if (len > 0)
            return next;
        at = next;
    }
    return size;
}

/* floor(part * k / n) without overflow: part = q n + r. */
static size_t slice_start(size_t part, size_t k, size_t n)
{
    return part / n * k + part % n * k / n;
}

st_status st__mpi_csv_range(st__mpi_ctx *c, const char *data, size_t size, char delimiter,
                            st__csv_range *r, st_error *err)
{
    memset(r, 0, sizeof *r);
    const size_t bom = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const char delim =
        delimiter != 0 ? delimiter : st__csv_detect_delimiter(data + bom, size - bom);
    const size_t h = header_end(data, size, delim);
    r->header_end = h;
    r->header_lines = (long)count_line_ends(data, h);
    /* this rank's slice of the data part and what reading it does */
    const size_t part = size - h;
    const size_t s0 = h + slice_start(part, (size_t)c->rank, (size_t)c->size);
    const size_t s1 = h + slice_start(part, (size_t)c->rank + 1, (size_t)c->size);
    struct {
        uint64_t line_ends;
        uint8_t to[N_STATES]; /* state after the slice, from each start state */
    } mine, *all = NULL;
    memset(&mine, 0, sizeof mine);
    mine.line_ends = count_line_ends(data + s0, s1 - s0);
    for (int s = 0; s < N_STATES; s++)
        mine.to[s] = (uint8_t)scan(data + s0, data + s1, s, delim);
    all = st__malloc_array((size_t)c->size, sizeof *all);
    uint64_t *begins = st__malloc_array((size_t)c->size + 1, sizeof *begins);
    if (all == NULL || begins == NULL) {
        st__free(all);
        st__free(begins);
        return st__fail(err, ST_ERR_NOMEM, "out of memory splitting the file over %d ranks",
                        c->size);
    }
    st_status rc = ST_OK;
    int mrc = MPI_Allgather(&mine, (int)sizeof mine, MPI_BYTE, all, (int)sizeof mine, MPI_BYTE,
                            c->comm);
    if (mrc != MPI_SUCCESS) {
        rc = st__mpi_fail(err, "MPI_Allgather (file slices)", mrc);
        goto done;
    }
    int s = AT_START; /* header_end is a record start */
    uint64_t lines = (uint64_t)r->header_lines;
    for (int k = 0; k < c->rank; k++) {
        s = all[k].to[s];
        lines += all[k].line_ends;
    }
    uint64_t begin = s0 == h ? h : next_record(data, s0, size, s, delim);
    lines += count_line_ends(data + s0, (size_t)(begin > s0 ? begin - s0 : 0));
    mrc = MPI_Allgather(&begin, 1, MPI_UINT64_T, begins, 1, MPI_UINT64_T, c->comm);
    if (mrc != MPI_SUCCESS) {
        rc = st__mpi_fail(err, "MPI_Allgather (record starts)", mrc);
        goto done;
    }
    begins[c->size] = size;
    r->begin = (size_t)begin;
    r->end = (size_t)begins[c->rank + 1];
    r->lines_before = (long)lines;
done:
    st__free(all);
    st__free(begins);
    return rc;
}
