/* Internal: which field texts mean "missing". */
#ifndef STRATUM_NA_VALUES_H
#define STRATUM_NA_VALUES_H

#include <stddef.h>

typedef struct st__na_set {
    const char *const *values; /* NULL: the default list */
    size_t n;
} st__na_set;

/* Is [s, s+len) one of the missing-value texts? */
int st__is_na(const st__na_set *na, const char *s, size_t len);

#endif
