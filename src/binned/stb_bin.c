/* st_bin_file: options and the choice of reader (stb_bin_csv.c for CSV, stb_bin_libsvm.c
 * for LibSVM; both stream the file in bounded memory). */
#define _POSIX_C_SOURCE 200809L
#include "data/read_options_check.h"
#include "stb_impl.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/error.h"
#include "data/csv_cells.h"

st_status st__stb_bin_csv(const char *path, const st_read_options *opt, const st_bin_options *bo,
                          const char *out_path, st_bin_report *rep, st_error *err);
st_status st__stb_bin_libsvm(const char *path, const st_read_options *opt,
                             const st_bin_options *bo, const char *out_path,
                             st_bin_report *rep, st_error *err);

st_bin_options st_bin_options_default(void)
{
    st_bin_options o;
    memset(&o, 0, sizeof o);
    o.max_bin = 255;
    o.max_cat_levels = 255;
    o.sketch_size = 8192;
    o.store_values = 0;
    o.block_rows = 65536;
    o.chunk_bytes = (size_t)8 << 20;
    return o;
}

static int has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && strcmp(path + n - k, suffix) == 0;
}

/* LibSVM by extension, or when the first line reads "number index:value ..." (as
 * st_dataset_read decides). */
static int is_libsvm(const char *path)
{
    if (has_suffix(path, ".svm") || has_suffix(path, ".libsvm") || has_suffix(path, ".svmlight"))
        return 1;
    if (has_suffix(path, ".csv") || has_suffix(path, ".tsv"))
        return 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    char line[4096];
    int libsvm = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || line[0] == '\n' || line[0] == '\r')
            continue;
        char *space = strpbrk(line, " \t");
        libsvm = space != NULL && strpbrk(line, ",;") == NULL && strchr(space, ':') != NULL &&
                 strchr("+-.0123456789", line[0]) != NULL;
        break;
    }
    fclose(f);
    return libsvm;
}

st_status st_bin_file(const char *data_path, const st_read_options *ropt,
                      const st_bin_options *bopt, const char *out_path, st_bin_report *report,
                      st_error *err)
{
    st_bin_report local;
    st_bin_report *rep = report != NULL ? report : &local;
    memset(rep, 0, sizeof *rep);
    if (data_path == NULL || out_path == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_bin_file: %s is NULL",
                        data_path == NULL ? "data_path" : "out_path");
    const st_read_options ro = ropt != NULL ? *ropt : st_read_options_default();
    st_status lists = st__read_options_check_lists(&ro, data_path, err);
    if (lists != ST_OK)
        return lists;
    const st_bin_options bo = bopt != NULL ? *bopt : st_bin_options_default();
    if (bo.max_bin < 2 || bo.max_bin > 65535)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_bin_file: max_bin %d is outside [2, 65535]",
                        bo.max_bin);
    if (bo.max_cat_levels < 0)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_bin_file: max_cat_levels %d is negative",
                        bo.max_cat_levels);
    if (bo.sketch_size < 16 || bo.sketch_size > ((size_t)1 << 26))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_bin_file: sketch_size %zu is outside "
                        "[16, 2^26]", bo.sketch_size);
    const char *retype;
    if (st__read_options_retype(&ro, &retype))
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: binning guesses column types as it "
                        "always has; %s is not supported there (train on the file itself, "
                        "not a binned one)", data_path, retype);
    struct stat st;
    if (stat(data_path, &st) == 0 && !S_ISREG(st.st_mode)) /* a pipe cannot be read twice */
        return st__fail(err, ST_ERR_IO, "%s: not a regular file; binning reads the data twice, "
                        "so it needs a file, not a pipe or device", data_path);
    if (ro.weight_file != NULL && ro.weight != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "the weight column '%s' and the weight file "
                        "%s exclude each other; give one", ro.weight, ro.weight_file);
    const int libsvm = is_libsvm(data_path);
    if (libsvm && ro.weight_file != NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: binning a LibSVM file with a weight file "
                        "is not supported; bin it as CSV, or train on the LibSVM file itself",
                        data_path);
    if (libsvm)
        return st__stb_bin_libsvm(data_path, &ro, &bo, out_path, rep, err);
    return st__stb_bin_csv(data_path, &ro, &bo, out_path, rep, err);
}
