/* The temporary row file of out-of-core logistic regression (logreg_rowfile.h): creating
 * it (unlinked at once, so it goes with its descriptor, on error or crash too), writing
 * its blocks and reading them back one at a time. */
#define _POSIX_C_SOURCE 200809L
#include "logreg_rowfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/error.h"

st_status st__lr_rowfile_create(st__lr_rowfile *rf, const char *dir, size_t n, size_t p,
                                st_error *err)
{
    memset(rf, 0, sizeof *rf);
    if (dir == NULL || dir[0] == '\0')
        dir = getenv("TMPDIR");
    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    size_t len = strlen(dir) + sizeof "/stratum-rows-XXXXXX";
    char *path = st__malloc_array(len, 1);
    if (path == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a temporary file name");
    snprintf(path, len, "%s/stratum-rows-XXXXXX", dir);
    int fd = mkstemp(path);
    if (fd < 0) {
        int e = errno;
        st__free(path);
        return st__fail(err, ST_ERR_IO, "cannot create a temporary row file in %s: %s",
                        dir, strerror(e));
    }
    unlink(path); /* gone when closed, whatever happens */
    st__free(path);
    rf->fp = fdopen(fd, "w+b");
    if (rf->fp == NULL) {
        close(fd);
        return st__fail(err, ST_ERR_IO, "cannot open a temporary row file in %s", dir);
    }
    snprintf(rf->where, sizeof rf->where, "the temporary row file in %.36s", dir);
    rf->n = n, rf->p = p;
    return ST_OK;
}

static st_status write_fail(st__lr_rowfile *rf, st_error *err)
{
    return st__fail(err, ST_ERR_IO, "cannot write %s (disk full?): %s", rf->where,
                    strerror(errno));
}

st_status st__lr_rowfile_append(st__lr_rowfile *rf, const uint32_t *len, size_t rows,
                                const uint32_t *col, const float *val, size_t entries,
                                st_error *err)
{
    uint32_t r32 = (uint32_t)rows;
    uint64_t e64 = entries;
    if (fwrite(&r32, sizeof r32, 1, rf->fp) != 1 || fwrite(&e64, sizeof e64, 1, rf->fp) != 1 ||
        fwrite(len, sizeof *len, rows, rf->fp) != rows ||
        fwrite(col, sizeof *col, entries, rf->fp) != entries ||
        fwrite(val, sizeof *val, entries, rf->fp) != entries)
        return write_fail(rf, err);
    rf->nnz += entries;
    rf->max_rows = rows > rf->max_rows ? rows : rf->max_rows;
    rf->max_entries = entries > rf->max_entries ? entries : rf->max_entries;
    return ST_OK;
}

st_status st__lr_rowfile_finish(st__lr_rowfile *rf, st_error *err)
{
    if (fflush(rf->fp) != 0)
        return write_fail(rf, err);
    rf->len = st__malloc_array(rf->max_rows + 1, sizeof *rf->len);
    rf->col = st__malloc_array(rf->max_entries + 1, sizeof *rf->col);
    rf->val = st__malloc_array(rf->max_entries + 1, sizeof *rf->val);
    if (rf->len == NULL || rf->col == NULL || rf->val == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for a block of %zu entries",
                        rf->max_entries);
    return st__lr_rowfile_rewind(rf, err);
}

st_status st__lr_rowfile_rewind(st__lr_rowfile *rf, st_error *err)
{
    if (fseek(rf->fp, 0, SEEK_SET) != 0)
        return st__fail(err, ST_ERR_IO, "cannot rewind %s: %s", rf->where, strerror(errno));
    return ST_OK;
}

st_status st__lr_rowfile_next(st__lr_rowfile *rf, int *more, st_error *err)
{
    uint32_t r32;
    uint64_t e64;
    *more = 0;
    if (fread(&r32, sizeof r32, 1, rf->fp) != 1) {
        if (feof(rf->fp))
            return ST_OK;
        return st__fail(err, ST_ERR_IO, "cannot read %s: %s", rf->where, strerror(errno));
    }
    if (fread(&e64, sizeof e64, 1, rf->fp) != 1 || r32 > rf->max_rows ||
        e64 > rf->max_entries || fread(rf->len, sizeof *rf->len, r32, rf->fp) != r32 ||
        fread(rf->col, sizeof *rf->col, (size_t)e64, rf->fp) != e64 ||
        fread(rf->val, sizeof *rf->val, (size_t)e64, rf->fp) != e64)
        return st__fail(err, ST_ERR_IO, "cannot read %s: it ended early or changed", rf->where);
    rf->block_rows = r32, rf->block_entries = (size_t)e64;
    *more = 1;
    return ST_OK;
}

void st__lr_rowfile_close(st__lr_rowfile *rf)
{
    if (rf->fp != NULL)
        fclose(rf->fp);
    st__free(rf->len), st__free(rf->col), st__free(rf->val);
    memset(rf, 0, sizeof *rf);
}
