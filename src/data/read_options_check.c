/* The column lists of st_read_options checked before any reader uses them: a count with a
 * NULL list, or a NULL name in a list, is the caller's error to hear about, not a crash. */
#include "read_options_check.h"

#include "core/error.h"

static st_status check_list(const char *const *list, size_t n, const char *field,
                            int null_is_default, const char *source, st_error *err)
{
    if (list == NULL) {
        if (n == 0 || null_is_default)
            return ST_OK;
        return st__fail(err, ST_ERR_INVALID_ARG, "%s: st_read_options.%s is NULL with n_%s %zu; "
                        "expected %zu names", source, field, field, n, n);
    }
    for (size_t k = 0; k < n; k++)
        if (list[k] == NULL)
            return st__fail(err, ST_ERR_INVALID_ARG, "%s: st_read_options.%s[%zu] is NULL; "
                            "expected a column name", source, field, k);
    return ST_OK;
}

st_status st__read_options_check_lists(const st_read_options *o, const char *source,
                                       st_error *err)
{
    st_status rc = check_list(o->ignore, o->n_ignore, "ignore", 0, source, err);
    if (rc == ST_OK)
        rc = check_list(o->numeric, o->n_numeric, "numeric", 0, source, err);
    if (rc == ST_OK)
        rc = check_list(o->categorical, o->n_categorical, "categorical", 0, source, err);
    if (rc == ST_OK) /* (NULL na_values is the default list, whatever the count) */
        rc = check_list(o->na_values, o->n_na_values, "na_values", 1, source, err);
    return rc;
}
