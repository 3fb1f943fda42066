/* Reading a whole data file into memory and handing it to one reader (the CSV and LibSVM
 * readers' st_dataset_read_csv / st_dataset_read_libsvm). Its own file so that the
 * readers and the reader chooser (dataset_read.c) do not call each other. */
#include "dataset_impl.h"
#include "core/error.h"
#include "io/file_buffer.h"

st_status st__dataset_read_file(const char *who, const char *path, st__buffer_reader reader,
                                const st_read_options *opt, st_dataset **out, st_error *err)
{
    if (out == NULL) /* before reading a file that could not be handed back */
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: out is NULL", who);
    *out = NULL;
    if (path == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: path is NULL", who);
    st__file_buffer buf;
    st_status rc = st__file_buffer_read(path, &buf, err);
    if (rc != ST_OK)
        return rc;
    rc = reader(buf.data, buf.size, path, opt, out, err);
    st__file_buffer_free(&buf);
    return rc;
}
