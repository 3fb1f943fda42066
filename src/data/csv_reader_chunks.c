/* A large CSV file's rows read on several threads. After the rows read in turn (which
 * settle the columns' types), the rest of the text is cut into chunks at line ends; each
 * chunk is read by the same record reader into its own rows of the dataset, with its own
 * tallies and its own dictionary of each categorical column's levels. The chunks are then
 * merged in file order, which gives what reading in turn gives: the tallies add up, a
 * column's first noted cell and examples are the earliest chunk's, and each chunk's new
 * levels, taken in the order the chunk first saw them, are added to the column's levels in
 * the order reading in turn would have added them.
 *
 * A chunk stops before a record it cannot read as the reader in turn would: one that would
 * turn a numeric column categorical (the rows above it must then get their texts back),
 * and one with an error (whose message must be the reader's own). The chunks before it
 * are kept, the ones after it dropped, and the reader in turn goes on from that record. */
#include <math.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/parallel.h"
#include "csv_reader_impl.h"
#include "dataset_impl.h"

/* Each chunk at least this much text, and at most this many chunks per thread (dealt one
 * at a time, so a thread that finishes early takes the next). */
#define CHUNK_MIN_BYTES ((size_t)1 << 20)
#define CHUNKS_PER_THREAD 4
#define CHUNKS_MAX 256

typedef struct chunk {
    const char *begin, *end;
    long line;                /* the line begin is on */
    size_t n_newlines;
    int unsplittable;         /* a quote, or a CR that ends no CRLF */
    size_t row_base;          /* the first row slot of ds it writes */
    /* the chunk's own reader and what it read */
    csv_reader r;
    st_dataset part;          /* a view of ds: its own counters, rows from row_base */
    st__feature *features;    /* part's features: ds's names and values, own levels */
    st__cell_facts *facts;
    size_t records;           /* records read, blank lines included */
    int stopped;              /* stopped before a record it cannot read (at, at_line) */
    const char *at;
    long at_line;
    const char *end_line_start; /* where the tokenizer's last line started */
    long end_line;
} chunk;

typedef struct chunk_set {
    csv_reader *main;
    chunk *c;
    size_t n;
    atomic_size_t first_stop; /* the lowest chunk that stopped; n when none */
} chunk_set;

/* Is [p, end) free of what only a reader in turn can see the records of: a quote (a quoted
 * field may hold line ends), or a CR not followed by LF (a line end the count of LFs
 * misses)? Counts the LFs on the way. */
static void survey(void *ctx, size_t i)
{
    chunk *c = &((chunk_set *)ctx)->c[i];
    size_t n = 0;
    for (const char *p = c->begin; (p = memchr(p, '\n', (size_t)(c->end - p))) != NULL; p++)
        n++;
    c->n_newlines = n;
    if (memchr(c->begin, '"', (size_t)(c->end - c->begin)) != NULL) {
        c->unsplittable = 1;
        return;
    }
    for (const char *p = c->begin; (p = memchr(p, '\r', (size_t)(c->end - p))) != NULL; p++)
        if (p + 1 == c->end || p[1] != '\n') {
            c->unsplittable = 1;
            return;
        }
}

static void part_free(chunk *c)
{
    if (c->features != NULL)
        for (size_t j = 0; j < c->part.n_features; j++)
            st__category_dict_free(&c->features[j].levels);
    st__free(c->features);
    st__free(c->facts);
    st__label_rule_free(&c->r.labels);
    st__csv_tokenizer_free(&c->r.tok);
    c->features = NULL;
    c->facts = NULL;
}

/* Sets up the chunk's reader over its text, its view of the dataset and its own tallies.
 * Returns 0 when out of memory. */
static int part_init(chunk *c, const csv_reader *m)
{
    const st_dataset *ds = m->ds;
    c->r = *m;
    c->r.in_chunk = 1;
    c->r.first_is_data = 0;
    c->r.err = NULL; /* a failing record is read again in turn, with the caller's */
    st__csv_tokenizer_init(&c->r.tok, c->begin, (size_t)(c->end - c->begin), m->tok.delimiter,
                           m->source);
    c->r.tok.line = c->line;
    /* the label rule as it stands; the classes' first texts are the chunk's own */
    st__label_rule_init(&c->r.labels, m->labels.positive);
    if (m->labels.negative != NULL) {
        c->r.labels.negative = st__strdup(m->labels.negative);
        c->r.labels.negative_is_number = m->labels.negative_is_number;
        c->r.labels.negative_number = m->labels.negative_number;
    }
    const size_t nf = ds->n_features;
    c->features = st__calloc(nf ? nf : 1, sizeof *c->features);
    c->facts = st__calloc(nf ? nf : 1, sizeof *c->facts);
    c->part = *ds;
    c->part.features = c->features;
    c->part.n_rows = 0;
    c->part.row_cap = SIZE_MAX; /* room was made for every line of the chunk */
    c->part.rows_skipped = 0;
    c->part.blank_lines = 0;
    c->part.labels = ds->labels != NULL ? ds->labels + c->row_base : NULL;
    c->part.weights = ds->weights != NULL ? ds->weights + c->row_base : NULL;
    c->r.ds = &c->part;
    if (c->features == NULL || c->facts == NULL ||
        (m->labels.negative != NULL && c->r.labels.negative == NULL))
        return 0;
    for (size_t j = 0; j < nf; j++) {
        c->features[j].name = ds->features[j].name;
        c->features[j].type = ds->features[j].type;
        c->features[j].values = ds->features[j].values + c->row_base;
        c->features[j].cells = &c->facts[j];
        c->facts[j].forced = ds->features[j].cells->forced;
    }
    return 1;
}

/* Reads the chunk's records, at most `limit`; stops before one it cannot read, or when an
 * earlier chunk has stopped (this one's rows are then not kept). 0 when out of memory. */
static int read_part(chunk_set *s, size_t i, size_t limit)
{
    chunk *c = &s->c[i];
    if (!part_init(c, s->main))
        return 0;
    st__csv_tokenizer *t = &c->r.tok;
    c->records = 0;
    c->stopped = 0;
    while (c->records < limit && atomic_load_explicit(&s->first_stop, memory_order_relaxed) >= i) {
        const char *at = t->p;
        long at_line = t->line;
        int got = st__csv_next(t, NULL);
        if (got == 0)
            break;
        int kept = 0;
        if (got < 0 || st__csv_read_record(&c->r, &kept) != ST_OK) {
            c->stopped = 1;
            c->at = at;
            c->at_line = at_line;
            size_t seen = atomic_load(&s->first_stop);
            while (seen > i && !atomic_compare_exchange_weak(&s->first_stop, &seen, i)) {
            }
            break;
        }
        c->part.n_rows += (size_t)kept;
        c->records++;
    }
    c->end_line = t->line;
    c->end_line_start = t->line_start;
    return 1;
}

static void read_chunk(void *ctx, size_t i)
{
    chunk_set *s = ctx;
    chunk *c = &s->c[i];
    if (!read_part(s, i, SIZE_MAX)) {
        c->stopped = 1; /* out of memory: left to the reader in turn */
        c->at = c->begin;
        c->at_line = c->line;
        c->records = 0;
        return;
    }
    if (!c->stopped || c->records == 0)
        return;
    /* The stopping record may have left tallies and levels behind from its first cells:
     * read the records before it again, from a clean start. */
    size_t n = c->records;
    const char *at = c->at;
    long at_line = c->at_line;
    part_free(c);
    if (!read_part(s, i, n)) {
        c->records = 0;
        at = c->begin;
        at_line = c->line;
    }
    c->stopped = 1;
    c->at = at;
    c->at_line = at_line;
}

/* ---- merging, in file order ------------------------------------------------------------- */

static void merge_facts(st__cell_facts *to, const st__cell_facts *from)
{
    to->n_numbers += from->n_numbers;
    to->n_censored += from->n_censored;
    to->n_decimal_comma += from->n_decimal_comma;
    to->n_text += from->n_text;
    to->n_made_missing += from->n_made_missing;
    if (to->first_line == 0) {
        to->first_line = from->first_line;
        to->first_column = from->first_column;
    }
    to->n_rounded += from->n_rounded;
    to->n_overflow += from->n_overflow;
    if (to->lossy_line == 0) {
        to->lossy_line = from->lossy_line;
        to->lossy_column = from->lossy_column;
    }
    to->n_infinite += from->n_infinite;
    if (to->infinite_line == 0) {
        to->infinite_line = from->infinite_line;
        to->infinite_column = from->infinite_column;
    }
    /* the first three distinct texts: the chunk's first three distinct include, in order,
     * every one of its texts the ones before it lacked, as far as three are wanted */
    for (size_t k = 0; k < from->n_examples && to->n_examples < 3; k++) {
        size_t e = 0;
        while (e < to->n_examples && strcmp(to->examples[e], from->examples[k]) != 0)
            e++;
        if (e == to->n_examples)
            strcpy(to->examples[to->n_examples++], from->examples[k]);
    }
}

/* Adds the chunk's new levels of feature j to ds's and recodes its rows [row, row + n).
 * 1, 0 when out of memory, -1 when the column would have too many levels (the chunk is
 * then read in turn, which says where). */
static int merge_levels(st__feature *to, const st__feature *from, size_t row, size_t n)
{
    const st__category_dict *d = &from->levels;
    if (d->n_levels == 0)
        return 1;
    uint32_t *code = st__malloc_array(d->n_levels, sizeof *code);
    if (code == NULL)
        return 0;
    for (size_t k = 0; k < d->n_levels; k++) {
        const char *text = st__category_dict_level(d, k);
        long g = st__category_dict_intern(&to->levels, text, strlen(text));
        if (g < 0) {
            st__free(code);
            return g == -1 ? 0 : -1;
        }
        code[k] = (uint32_t)g;
    }
    float *v = to->values + row;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            v[i] = (float)code[(size_t)v[i]];
    st__free(code);
    return 1;
}

static void move_rows(st_dataset *ds, size_t to, size_t from, size_t n)
{
    if (to == from || n == 0)
        return;
    for (size_t j = 0; j < ds->n_features; j++)
        memmove(ds->features[j].values + to, ds->features[j].values + from, n * sizeof(float));
    if (ds->labels != NULL)
        memmove(ds->labels + to, ds->labels + from, n * sizeof(float));
    if (ds->weights != NULL)
        memmove(ds->weights + to, ds->weights + from, n * sizeof(float));
}

static void take_class_texts(st__label_rule *to, st__label_rule *from)
{
    for (int k = 0; k < 2; k++)
        if (to->seen[k] == NULL) {
            to->seen[k] = from->seen[k];
            from->seen[k] = NULL;
        }
}

/* Merges chunk c into m's dataset. 1; 0 when out of memory; -1 when c must be read in turn
 * (nothing of it was kept but levels reading it in turn adds in the same order). */
static int merge_chunk(csv_reader *m, chunk *c)
{
    st_dataset *ds = m->ds;
    const size_t row = ds->n_rows, n = c->part.n_rows;
    move_rows(ds, row, c->row_base, n);
    for (size_t j = 0; j < ds->n_features; j++) {
        if (ds->features[j].type != ST_FEATURE_CATEGORICAL)
            continue;
        int ok = merge_levels(&ds->features[j], &c->features[j], row, n);
        if (ok <= 0)
            return ok;
    }
    for (size_t j = 0; j < ds->n_features; j++)
        merge_facts(ds->features[j].cells, &c->facts[j]);
    ds->rows_skipped += c->part.rows_skipped;
    ds->blank_lines += c->part.blank_lines;
    take_class_texts(&m->labels, &c->r.labels);
    ds->n_rows = row + n;
    ds->csv_chunks++;
    return 1;
}

/* Points m's tokenizer at the first record left to read in turn. */
static void resume_at(csv_reader *m, const char *p, long line, const char *line_start)
{
    m->tok.p = p;
    m->tok.line = line;
    m->tok.line_start = line_start;
}

static st_status merge_all(csv_reader *m, chunk_set *s, int *again)
{
    *again = 1;
    for (size_t i = 0; i < s->n; i++) {
        chunk *c = &s->c[i];
        if (c->stopped && c->records == 0) { /* its first record is left to the reader */
            resume_at(m, c->at, c->at_line, c->at);
            return ST_OK;
        }
        int ok = merge_chunk(m, c);
        if (ok == 0)
            return st__fail(m->err, ST_ERR_NOMEM, "%s: out of memory at line %ld", m->source,
                            c->line);
        if (ok < 0) {
            resume_at(m, c->begin, c->line, c->begin);
            return ST_OK;
        }
        if (c->stopped) {
            resume_at(m, c->at, c->at_line, c->at);
            return ST_OK;
        }
    }
    const chunk *last = &s->c[s->n - 1];
    resume_at(m, last->end, last->end_line, last->end_line_start);
    *again = 0;
    return ST_OK;
}

/* ---- cutting the text ------------------------------------------------------------------ */

/* Cuts [p, end) into up to `want` chunks, each ending just after a line end (the last at
 * end). Returns the count. */
static size_t cut(chunk *c, size_t want, const char *p, const char *end)
{
    const size_t step = (size_t)(end - p) / want;
    size_t n = 0;
    while (p < end) {
        const char *stop = n + 1 == want || (size_t)(end - p) <= step ? end : p + step;
        if (stop < end) {
            const char *nl = memchr(stop - 1, '\n', (size_t)(end - (stop - 1)));
            stop = nl != NULL ? nl + 1 : end;
        }
        memset(&c[n], 0, sizeof c[n]);
        c[n].begin = p;
        c[n].end = stop;
        n++;
        p = stop;
    }
    return n;
}

st_status st__csv_read_chunks(csv_reader *r, int n_threads, int *again)
{
    *again = 0;
    const char *p = r->tok.p, *end = r->tok.end;
    const size_t rest = (size_t)(end - p);
    /* a chunk's own columns cost some 300 bytes each: keep them small beside its text */
    const size_t min_bytes = CHUNK_MIN_BYTES + 4096 * (r->n_cols + 1);
    size_t want = rest / min_bytes;
    if (want > (size_t)n_threads * CHUNKS_PER_THREAD)
        want = (size_t)n_threads * CHUNKS_PER_THREAD;
    if (want > CHUNKS_MAX)
        want = CHUNKS_MAX;
    /* a positive class named: the chunks need the negative one known already */
    if (want < 2 || (r->labels.positive != NULL && r->labels.negative == NULL))
        return ST_OK;
    chunk_set s = {r, st__calloc(want, sizeof(chunk)), 0, 0};
    if (s.c == NULL)
        return ST_OK; /* read in turn */
    s.n = cut(s.c, want, p, end);
    atomic_init(&s.first_stop, s.n);
    st__run_tasks(s.n, n_threads, survey, &s, NULL);
    size_t lines = 0;
    int splittable = s.n >= 2;
    for (size_t i = 0; i < s.n; i++) {
        s.c[i].line = r->tok.line + (long)lines;
        s.c[i].row_base = r->ds->n_rows + lines;
        lines += s.c[i].n_newlines + (s.c[i].end[-1] != '\n'); /* a last line without LF */
        splittable &= !s.c[i].unsplittable;
    }
    st_status rc = ST_OK;
    if (splittable && st__dataset_reserve_rows(r->ds, r->ds->n_rows + lines)) {
        st__run_tasks(s.n, n_threads, read_chunk, &s, NULL);
        rc = merge_all(r, &s, again);
    }
    for (size_t i = 0; i < s.n; i++)
        part_free(&s.c[i]);
    st__free(s.c);
    return rc;
}
