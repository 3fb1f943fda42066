/* One column of a CSV file as text, row for row as st_dataset_read_csv numbers its rows:
 * for identifying rows by a column the model never sees (an id column, usually ignored).
 * Reading it as text keeps ids such as 100000000001 exact, which a 32-bit float column
 * would not. */
#include <stratum/dataset.h>

#include <string.h>

#include "read_options_check.h"
#include "core/alloc.h"
#include "dataset_impl.h"
#include "csv_header.h"
#include "csv_tokenizer.h"
#include "core/error.h"
#include "io/file_buffer.h"
#include "na_values.h"

void st_texts_free(char **texts, size_t n)
{
    if (texts == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        st__free(texts[i]);
    st__free(texts);
}


/* Appends a copy of [s, s + len) to *texts; 0 when out of memory. */
static int push(char ***texts, size_t *n, size_t *cap, const char *s, size_t len)
{
    if (*n == *cap) {
        size_t grown = *cap ? 2 * *cap : 1024;
        char **p = st__realloc_array(*texts, grown, sizeof *p);
        if (p == NULL)
            return 0;
        *texts = p;
        *cap = grown;
    }
    char *copy = st__strndup(s, len);
    if (copy == NULL)
        return 0;
    (*texts)[(*n)++] = copy;
    return 1;
}

static st_status scan(const char *data, size_t size, const char *name,
                      const st_read_options *opt, const char *column, char ***texts, size_t *n,
                      st_error *err)
{
    if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) { /* as the reader: skip a BOM */
        data += 3;
        size -= 3;
    }
    char delimiter = opt->delimiter != 0 ? opt->delimiter : st__csv_detect_delimiter(data, size);
    st__na_set na = {opt->na_values, opt->n_na_values};
    st__csv_tokenizer t;
    st__csv_tokenizer_init(&t, data, size, delimiter, name);
    size_t cap = 0;
    st_status rc = ST_OK;
    int got = st__csv_next(&t, err);
    while (got == 1 && st__csv_record_is_blank(&t))
        got = st__csv_next(&t, err);
    long col = -1, label = -1;
    if (got == 1) {
        col = st__csv_find_column(&t, opt, column);
        label = opt->label_index >= 0 ? opt->label_index
              : opt->label != NULL ? st__csv_find_column(&t, opt, opt->label) : -1;
    }
    if (got < 0) {
        rc = err != NULL ? err->code : ST_ERR_PARSE;
    } else if (got == 0) {
        rc = st__fail_at(err, ST_ERR_DATA, name, 1, 0, "the file is empty; expected %s",
                         opt->has_header ? "a header line naming the columns" : "lines of data");
    } else if (col < 0) {
        rc = st__fail(err, ST_ERR_DATA, opt->has_header ? "%s: no column '%s' in the header"
                      : "%s: no column '%s': the file is read without a header, so its columns "
                        "are named by position", name, column);
    }
    /* without a header the record just read is the first row */
    int first_is_data = got == 1 && !opt->has_header;
    while (rc == ST_OK && (first_is_data || (got = st__csv_next(&t, err)) == 1)) {
        first_is_data = 0;
        if (st__csv_record_is_blank(&t))
            continue;
        /* rows the dataset reader skips do not get a number there either */
        if (opt->skip_missing_labels && label >= 0 && (size_t)label < t.n_fields &&
            st__is_na(&na, t.fields[label].ptr, t.fields[label].len))
            continue;
        if ((size_t)col >= t.n_fields) {
            rc = st__fail_at(err, ST_ERR_PARSE, name, t.record_line, 0, "found %zu fields; "
                             "expected at least %ld, for column '%s'", t.n_fields, col + 1,
                             column);
        } else if (!push(texts, n, &cap, t.fields[col].ptr, t.fields[col].len)) {
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the texts of column '%s'",
                          column);
        }
    }
    if (rc == ST_OK && got < 0)
        rc = err != NULL ? err->code : ST_ERR_PARSE;
    st__csv_tokenizer_free(&t);
    return rc;
}

st_status st__csv_column_texts_buffer(const char *data, size_t size, const char *name,
                                     const st_read_options *opt, const char *column,
                                     char ***texts, size_t *n_texts, st_error *err)
{
    *texts = NULL;
    *n_texts = 0;
    st_status rc = opt != NULL ? st__read_options_check_lists(opt, name != NULL ? name
                                                                          : "<buffer>", err)
                               : ST_OK;
    if (rc == ST_OK)
        rc = scan(data, size, name, opt, column, texts, n_texts, err);
    if (rc != ST_OK) {
        st_texts_free(*texts, *n_texts);
        *texts = NULL;
        *n_texts = 0;
    }
    return rc;
}

st_status st_csv_column_texts(const char *path, const st_read_options *opt, const char *column,
                              char ***texts, size_t *n_texts, st_error *err)
{
    if (texts != NULL)
        *texts = NULL;
    if (n_texts != NULL)
        *n_texts = 0;
    if (path == NULL || column == NULL || texts == NULL || n_texts == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_csv_column_texts: %s is NULL",
                        path == NULL ? "path" : column == NULL ? "column"
                        : texts == NULL ? "texts" : "n_texts");
    st_read_options defaults = st_read_options_default();
    if (opt == NULL)
        opt = &defaults;
    st__file_buffer buf = {0};
    st_status rc = st__file_buffer_read(path, &buf, err);
    if (rc != ST_OK)
        return rc;
    rc = scan(buf.data, buf.size, path, opt, column, texts, n_texts, err);
    st__file_buffer_free(&buf);
    if (rc != ST_OK) {
        st_texts_free(*texts, *n_texts);
        *texts = NULL;
        *n_texts = 0;
    }
    return rc;
}
