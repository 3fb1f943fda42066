/* Row weights from a file of their own (weight_file.h), and into a dataset. */
#include "weight_file.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/number_parse.h"
#include "dataset_impl.h"
#include "io/file_buffer.h"

st_status st__weight_file_open(st__weight_file *w, const char *path, st_error *err)
{
    memset(w, 0, sizeof *w);
    w->path = path;
    w->f = fopen(path, "rb");
    if (w->f == NULL) {
        char reason[128];
        return st__fail(err, ST_ERR_IO, "%s: cannot open the weight file: %s", path,
                        st__errno_text(errno, reason, sizeof reason));
    }
    return ST_OK;
}

void st__weight_file_close(st__weight_file *w)
{
    if (w->f != NULL)
        fclose(w->f);
    w->f = NULL;
}

static int is_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

int st__weight_file_next(st__weight_file *w, float *out, st_error *err)
{
    char line[256];
    for (;;) {
        if (fgets(line, sizeof line, w->f) == NULL) {
            if (ferror(w->f)) {
                st__fail(err, ST_ERR_IO, "%s: cannot read the weight file after line %ld",
                         w->path, w->line);
                return -1;
            }
            return 0;
        }
        w->line++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n' && !feof(w->f)) {
            st__fail_at(err, ST_ERR_DATA, w->path, w->line, 0, "the line is longer than 254 "
                        "bytes; expected one weight per line");
            return -1;
        }
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            len--;
        if (is_blank(line, len)) {
            if (w->blank_line == 0)
                w->blank_line = w->line;
            continue;
        }
        if (w->blank_line != 0) {
            st__fail_at(err, ST_ERR_DATA, w->path, w->blank_line, 0, "blank line; expected a "
                        "weight (one per line, for each row of the data)");
            return -1;
        }
        char shown[80];
        double v;
        if (!st__parse_number(line, len, &v)) {
            st__quote_text(line, len, shown, sizeof shown);
            st__fail_at(err, ST_ERR_DATA, w->path, w->line, 1, "weight '%s' is not a number; "
                        "expected a number >= 0", shown);
            return -1;
        }
        if (!(v >= 0.0) || isinf(v) || isinf((float)v)) {
            st__quote_text(line, len, shown, sizeof shown);
            if (!(v >= 0.0) || isinf(v))
                st__fail_at(err, ST_ERR_DATA, w->path, w->line, 1, "weight '%s' is negative, "
                            "infinite or NaN; expected a finite number >= 0", shown);
            else /* weights are 32-bit floats */
                st__fail_at(err, ST_ERR_DATA, w->path, w->line, 1, "weight '%s' is beyond a "
                            "32-bit float's range (3.4e38); expected a smaller number >= 0 "
                            "(only the weights' ratios matter)", shown);
            return -1;
        }
        *out = (float)v;
        return 1;
    }
}

st_status st__weight_file_short(const st__weight_file *w, size_t got, size_t n_rows,
                                const char *data_name, st_error *err)
{
    return st__fail(err, ST_ERR_DATA, "%s: %zu weights for the %zu rows of %s; expected one "
                    "line per row", w->path, got, n_rows, data_name);
}

st_status st__weight_file_finish(st__weight_file *w, size_t n_rows, const char *data_name,
                                 st_error *err)
{
    float extra;
    int got = st__weight_file_next(w, &extra, err);
    if (got < 0)
        return err != NULL ? err->code : ST_ERR_DATA;
    if (got > 0)
        return st__fail_at(err, ST_ERR_DATA, w->path, w->line, 0, "more weights than the %zu "
                           "rows of %s; expected one line per row", n_rows, data_name);
    return ST_OK;
}

st_status st__dataset_read_weight_file(st_dataset *ds, const st_read_options *opt,
                                       const char *data_name, st_error *err)
{
    if (opt->weight_file == NULL)
        return ST_OK;
    if (opt->weight != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "the weight column '%s' and the weight file "
                        "%s exclude each other; give one", opt->weight, opt->weight_file);
    if (ds->rows_skipped > 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: %zu rows were skipped for a missing "
                        "label, so the lines of the weight file %s cannot be paired with the "
                        "rows", data_name, ds->rows_skipped, opt->weight_file);
    st__weight_file w;
    st_status rc = st__weight_file_open(&w, opt->weight_file, err);
    if (rc != ST_OK)
        return rc;
    float *weights = st__malloc_array(ds->row_cap > ds->n_rows ? ds->row_cap : ds->n_rows,
                                      sizeof *weights);
    char *name = st__strdup(opt->weight_file);
    if (weights == NULL || name == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory for %zu weights", opt->weight_file,
                      ds->n_rows);
    for (size_t i = 0; rc == ST_OK && i < ds->n_rows; i++) {
        int got = st__weight_file_next(&w, &weights[i], err);
        if (got < 0)
            rc = err != NULL ? err->code : ST_ERR_DATA;
        else if (got == 0)
            rc = st__weight_file_short(&w, i, ds->n_rows, data_name, err);
    }
    if (rc == ST_OK)
        rc = st__weight_file_finish(&w, ds->n_rows, data_name, err);
    st__weight_file_close(&w);
    if (rc != ST_OK) {
        st__free(weights);
        st__free(name);
        return rc;
    }
    st__free(ds->weights);
    ds->weights = weights;
    st__free(ds->weight_name);
    ds->weight_name = name;
    return ST_OK;
}
