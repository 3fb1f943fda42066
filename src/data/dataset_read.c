/* Choosing the reader for a file. */
#include <string.h>

#include "dataset_impl.h"
#include "core/error.h"
#include "io/file_buffer.h"
#include "core/number_parse.h"

static int has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && strcmp(path + n - k, suffix) == 0;
}

/* Does the first non-comment line read "number index:value ..."? A CSV header never does:
 * its first field would have to be a number and the rest colon pairs. */
static int looks_like_libsvm(const char *p, size_t size)
{
    const char *end = p + size;
    while (p < end && (*p == '#' || *p == '\n' || *p == '\r')) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl != NULL ? nl + 1 : end;
    }
    if (p >= end)
        return 0;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *e = nl != NULL ? nl : end;
    const char *space = p;
    while (space < e && *space != ' ' && *space != '\t')
        space++;
    double label;
    if (space == e || !st__parse_number(p, (size_t)(space - p), &label))
        return 0;
    for (const char *q = space; q < e; q++)
        if (*q == ',' || *q == ';')
            return 0;
    return memchr(space, ':', (size_t)(e - space)) != NULL;
}

st_status st_dataset_read(const char *path, const st_read_options *opt, st_dataset **out,
                          st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_read: out is NULL");
    *out = NULL;
    if (path == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_read: path is NULL");
    st__file_buffer buf;
    st_status rc = st__file_buffer_read(path, &buf, err);
    if (rc != ST_OK)
        return rc;
    int libsvm = has_suffix(path, ".svm") || has_suffix(path, ".libsvm") ||
                 has_suffix(path, ".svmlight") ||
                 (!has_suffix(path, ".csv") && !has_suffix(path, ".tsv") &&
                  looks_like_libsvm(buf.data, buf.size));
    if (libsvm)
        rc = st_dataset_read_libsvm_buffer(buf.data, buf.size, path, opt, out, err);
    else
        rc = st_dataset_read_csv_buffer(buf.data, buf.size, path, opt, out, err);
    st__file_buffer_free(&buf);
    return rc;
}
