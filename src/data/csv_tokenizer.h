/* Internal: splitting CSV text into records and fields (RFC 4180). */
#ifndef STRATUM_CSV_TOKENIZER_H
#define STRATUM_CSV_TOKENIZER_H

#include <stddef.h>
#include <stratum/common.h>

typedef struct st__csv_field {
    const char *ptr;  /* the field's text, quotes removed and "" unescaped */
    size_t len;
    long line;        /* where the field starts, for error messages */
    long column;      /* 1-based byte column */
    int quoted;
    size_t scratch_offset; /* internal: where an unescaped text sits while the record is read */
} st__csv_field;

typedef struct st__csv_tokenizer {
    const char *p, *end;
    char delimiter;
    const char *source;       /* file name for messages */
    long line;                /* physical line of p */
    const char *line_start;
    long record_line;         /* line where the last record started */
    st__csv_field *fields;
    size_t n_fields, fields_cap;
    char *scratch;            /* unescaped text of quoted fields holding "" */
    size_t scratch_len, scratch_cap;
} st__csv_tokenizer;

void st__csv_tokenizer_init(st__csv_tokenizer *t, const char *data, size_t size, char delimiter,
                            const char *source);
void st__csv_tokenizer_free(st__csv_tokenizer *t);

/* Reads the next record into t->fields. Returns 1 for a record, 0 at the end of the input,
 * or -1 with err filled (unterminated quote, text after a closing quote, NUL byte, no
 * memory). A blank line comes back as one empty unquoted field. */
int st__csv_next(st__csv_tokenizer *t, st_error *err);

/* Picks the delimiter of a header line among , ; tab and |: the one that occurs most
 * outside quotes (',' when none does). */
char st__csv_detect_delimiter(const char *data, size_t size);

/* Is the last record a blank line? */
static inline int st__csv_record_is_blank(const st__csv_tokenizer *t)
{
    return t->n_fields == 1 && t->fields[0].len == 0 && !t->fields[0].quoted;
}

#endif
