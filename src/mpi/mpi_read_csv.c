/* st_dataset_read_csv_mpi: each rank reads the header and its own range of records. */
#include <stratum/mpi.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"
#include "data/csv_cells.h"
#include "data/dataset_impl.h"
#include "io/file_buffer.h"
#include "data/na_values.h"
#include "mpi_comm.h"
#include "mpi_csv_range.h"

typedef struct mapped_file {
    const char *data;
    size_t size;
} mapped_file;

static st_status map_file(const char *path, mapped_file *f, st_error *err)
{
    char why[128];
    f->data = NULL;
    f->size = 0;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return st__fail(err, ST_ERR_IO, "%s: cannot open: %s", path,
                        st__errno_text(errno, why, sizeof why));
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        int e = errno;
        close(fd);
        return st__fail(err, ST_ERR_IO, "%s: %s", path,
                        S_ISREG(sb.st_mode) ? st__errno_text(e, why, sizeof why)
                                            : "not a regular file; --distributed maps the "
                                              "file, so it cannot be a pipe");
    }
    f->size = (size_t)sb.st_size;
    if (f->size > 0) {
        void *p = mmap(NULL, f->size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            close(fd);
            return st__fail(err, e == ENOMEM ? ST_ERR_NOMEM : ST_ERR_IO, "%s: cannot map: %s",
                            path, st__errno_text(e, why, sizeof why));
        }
        f->data = p;
    }
    close(fd);
    return ST_OK;
}

static void unmap_file(mapped_file *f)
{
    if (f->data != NULL)
        munmap((void *)f->data, f->size);
    f->data = NULL;
}

/* The reader numbers lines from the header of the buffer it is given: give a message about
 * a line of the rank's range the line number it has in the whole file. */
static void fix_line(st_error *err, const char *path, const st__csv_range *r)
{
    if (err == NULL || err->line <= r->header_lines)
        return;
    const long line = err->line - r->header_lines + r->lines_before;
    const size_t n = strlen(path);
    char *msg = err->message;
    if (strncmp(msg, path, n) != 0 || msg[n] != ':')
        return;
    char *end = NULL;
    strtol(msg + n + 1, &end, 10);
    if (end == msg + n + 1)
        return;
    char head[64];
    const int k = snprintf(head, sizeof head, ":%ld", line);
    const size_t rest = strlen(end);
    if (k < 0 || n + (size_t)k + rest >= ST_ERROR_MESSAGE_SIZE)
        return;
    memmove(msg + n + (size_t)k, end, rest + 1);
    memcpy(msg + n, head, (size_t)k);
    err->line = line;
}

/* Feature j read as numbers here becomes categorical, as one process reading the whole file
 * types it (some rank's part holds a text that is not a number or missing): its texts are
 * read again from this rank's part and become levels, the missing ones NaN. */
static st_status to_categorical(st_dataset *ds, size_t j, const char *buf, size_t len,
                                const char *path, const st_read_options *opt, st_error *err)
{
    st__feature *f = &ds->features[j];
    char **texts = NULL;
    size_t n = 0;
    st_status rc = st__csv_column_texts_buffer(buf, len, path, opt, f->name, &texts, &n, err);
    if (rc == ST_OK && n != ds->n_rows)
        rc = st__fail(err, ST_ERR_DATA, "%s: column '%s' has %zu texts for %zu rows", path,
                      f->name, n, ds->n_rows);
    const st__na_set na = {opt->na_values, opt->n_na_values};
    for (size_t i = 0; rc == ST_OK && i < n; i++) {
        if (st__is_na(&na, texts[i], strlen(texts[i]))) {
            f->values[i] = NAN;
            continue;
        }
        const long code = st__category_dict_intern(&f->levels, texts[i], strlen(texts[i]));
        if (code < 0)
            rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory for the levels of '%s'", path,
                          f->name);
        else
            f->values[i] = (float)code;
    }
    st_texts_free(texts, n);
    if (rc == ST_OK)
        f->type = ST_FEATURE_CATEGORICAL;
    return rc;
}

/* The ranks agree on each column's type: categorical when any rank's part made it so. */
static st_status agree_types(st__mpi_ctx *c, st_dataset *ds, const char *buf, size_t len,
                             const char *path, const st_read_options *opt, st_error *err)
{
    unsigned long long nf[2] = {ds->n_features, ~(unsigned long long)ds->n_features};
    int mrc = MPI_Allreduce(MPI_IN_PLACE, nf, 2, MPI_UNSIGNED_LONG_LONG, MPI_MAX, c->comm);
    if (mrc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Allreduce (columns)", mrc);
    if (nf[0] != ~nf[1])
        return st__fail(err, ST_ERR_DATA, "%s: the ranks read different numbers of columns",
                        path);
    uint8_t *cat = st__calloc(ds->n_features ? ds->n_features : 1, 1);
    if (cat == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for %zu column types",
                        ds->n_features);
    for (size_t j = 0; j < ds->n_features; j++)
        cat[j] = ds->features[j].type == ST_FEATURE_CATEGORICAL;
    mrc = MPI_Allreduce(MPI_IN_PLACE, cat, (int)ds->n_features, MPI_UINT8_T, MPI_MAX, c->comm);
    st_status rc = mrc == MPI_SUCCESS ? ST_OK : st__mpi_fail(err, "MPI_Allreduce (types)", mrc);
    int changed = 0;
    for (size_t j = 0; rc == ST_OK && j < ds->n_features; j++)
        if (cat[j] && ds->features[j].type != ST_FEATURE_CATEGORICAL) {
            rc = to_categorical(ds, j, buf, len, path, opt, err);
            changed = 1;
        }
    if (rc == ST_OK && changed && !st__dataset_sort_levels(ds))
        rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory sorting levels", path);
    st__free(cat);
    return rc;
}

st_status st_dataset_read_csv_mpi(MPI_Comm comm, const char *path, const st_read_options *opt,
                                  st_dataset **out, st_error *err)
{
    if (out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_read_csv_mpi: out is NULL");
    *out = NULL;
    if (path == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_dataset_read_csv_mpi: path is NULL");
    /* each rank reads its range behind a copy of the header, and would apply a whole
     * weight file to its own rows */
    if (opt != NULL && (!opt->has_header || opt->weight_file != NULL))
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: distributed reading needs a header line "
                        "and weights in a column (not supported: %s)", path,
                        !opt->has_header ? "a file without a header" : "a weight file");
    const char *retype;
    if (opt != NULL && st__read_options_retype(opt, &retype))
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: distributed reading guesses column types "
                        "as it always has; %s is not supported there", path, retype);
    st__mpi_ctx c;
    st_status rc = st__mpi_open(&c, comm, err);
    if (rc != ST_OK)
        return rc;
    mapped_file f;
    rc = map_file(path, &f, err);
    if ((rc = st__mpi_agree(&c, rc, err)) != ST_OK) {
        unmap_file(&f);
        st__mpi_close(&c);
        return rc;
    }
    /* the cut assumes every rank maps the same bytes: at least the same size */
    unsigned long long sizes[2] = {f.size, ~(unsigned long long)f.size};
    int mrc = MPI_Allreduce(MPI_IN_PLACE, sizes, 2, MPI_UNSIGNED_LONG_LONG, MPI_MAX, c.comm);
    if (mrc != MPI_SUCCESS)
        rc = st__mpi_fail(err, "MPI_Allreduce (file size)", mrc);
    else if (sizes[0] != ~sizes[1])
        rc = st__fail(err, ST_ERR_DATA, "%s: the ranks see files of different sizes (%llu to "
                      "%llu bytes); every rank must read the same file", path, ~sizes[1],
                      sizes[0]);
    st__csv_range r = {0};
    if (rc == ST_OK && f.size > 0)
        rc = st__mpi_csv_range(&c, f.data, f.size, opt != NULL ? opt->delimiter : 0, &r, err);
    char *buf = NULL;
    const size_t len = r.header_end + (r.end - r.begin);
    if (rc == ST_OK) {
        buf = st__malloc(len ? len : 1);
        if (buf == NULL)
            rc = st__fail(err, ST_ERR_NOMEM, "%s: out of memory for this rank's %zu bytes",
                          path, len);
    }
    if (rc == ST_OK) {
        if (len > 0) {
            memcpy(buf, f.data, r.header_end);
            memcpy(buf + r.header_end, f.data + r.begin, r.end - r.begin);
        }
        unmap_file(&f);
        rc = st_dataset_read_csv_buffer(buf, len, path, opt, out, err);
        if (rc != ST_OK)
            fix_line(err, path, &r);
    }
    unmap_file(&f);
    rc = st__mpi_agree(&c, rc, err);
    if (rc == ST_OK) {
        st_read_options defaults = st_read_options_default();
        rc = agree_types(&c, *out, buf, len, path,
                         opt != NULL ? opt : &defaults, err);
        rc = st__mpi_agree(&c, rc, err);
    }
    st__free(buf);
    if (rc != ST_OK) {
        st_dataset_free(*out);
        *out = NULL;
    }
    st__mpi_close(&c);
    return rc;
}
