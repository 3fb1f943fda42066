/* Missing-value texts. The default list is what clinical exports and pandas produce. */
#include "na_values.h"

#include <string.h>

static const char *const default_na[] = {
    "", "NA", "N/A", "n/a", "NaN", "nan", "-nan", "NULL", "null", "None", "?", "#N/A", "<NA>",
};

static int in_list(const char *const *list, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0)
            return 1;
    return 0;
}

int st__is_na(const st__na_set *na, const char *s, size_t len)
{
    if (na->values == NULL) {
        if (len > 4) /* no default text is longer: the common case returns here */
            return 0;
        return in_list(default_na, sizeof default_na / sizeof default_na[0], s, len);
    }
    return in_list(na->values, na->n, s, len);
}
