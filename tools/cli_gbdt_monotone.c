/* --monotone NAME:+1,NAME2:-1 for stratum train gbdt, cv gbdt and compare: the syntax is
 * checked when the option is read, the names once the data is (they are the dataset's
 * feature names). */
#include <stdlib.h>
#include <string.h>

#include "cli_gbdt_options.h"

/* The direction of "+1", "1", "-1" or "0"; 2 when it is none of them. */
static int sign_of(const char *s, size_t len)
{
    if ((len == 2 && memcmp(s, "+1", 2) == 0) || (len == 1 && s[0] == '1'))
        return 1;
    if (len == 2 && memcmp(s, "-1", 2) == 0)
        return -1;
    if (len == 1 && s[0] == '0')
        return 0;
    return 2;
}

/* Item [s, s + len) of the list, NAME:SIGN split at its last ':'; 0 when malformed. */
static int split_item(const char *s, size_t len, size_t *name_len, int *sign)
{
    const char *colon = NULL;
    for (const char *c = s; c < s + len; c++)
        if (*c == ':')
            colon = c;
    if (colon == NULL || colon == s)
        return 0;
    *name_len = (size_t)(colon - s);
    *sign = sign_of(colon + 1, (size_t)(s + len - colon - 1));
    return *sign != 2;
}

/* Length of the item starting at s: up to the next comma or the end. */
static size_t item_len(const char *s)
{
    const char *comma = strchr(s, ',');
    return comma != NULL ? (size_t)(comma - s) : strlen(s);
}

int cli_gbdt_monotone_option(const char *command, int code, const char *arg, const char **spec)
{
    if (code != OPT_GBDT_MONOTONE)
        return 0;
    for (const char *s = arg;; s += item_len(s) + 1) {
        const size_t len = item_len(s);
        size_t name_len;
        int sign;
        if (len == 0)
            return cli_usage_error(command, "--monotone '%s': an empty item; expected "
                                   "NAME:+1,NAME2:-1", arg), -1;
        if (!split_item(s, len, &name_len, &sign))
            return cli_usage_error(command, "--monotone '%.*s': expected NAME:+1, NAME:-1 or "
                                   "NAME:0, items separated by commas", (int)len, s), -1;
        if (s[len] == '\0')
            break;
    }
    *spec = arg;
    return 1;
}

int cli_gbdt_monotone_resolve(const char *command, const char *spec, const st_dataset *ds,
                              signed char **out)
{
    *out = NULL;
    if (spec == NULL)
        return EXIT_OK;
    const size_t nf = st_dataset_n_features(ds);
    signed char *mono = calloc(nf ? nf : 1, 1);
    char *given = calloc(nf ? nf : 1, 1);
    char *name = malloc(strlen(spec) + 1);
    int status = EXIT_OK;
    if (mono == NULL || given == NULL || name == NULL) {
        fprintf(stderr, "stratum: out of memory for --monotone\n");
        status = EXIT_FAILED;
    }
    for (const char *s = spec; status == EXIT_OK; s += item_len(s) + 1) {
        const size_t len = item_len(s);
        size_t name_len;
        int sign;
        split_item(s, len, &name_len, &sign); /* checked by cli_gbdt_monotone_option */
        memcpy(name, s, name_len);
        name[name_len] = '\0';
        long j = st_dataset_find_feature(ds, name);
        if (j < 0)
            status = cli_usage_error(command, "--monotone '%.*s': no feature named '%s' "
                                     "(the label, weight, --ignore'd, --group-col and "
                                     "--fold-col columns are not features)", (int)len, s, name);
        else if (given[j])
            status = cli_usage_error(command, "--monotone '%.*s': feature '%s' is given twice",
                                     (int)len, s, name);
        else if (sign != 0 && st_dataset_feature_type(ds, (size_t)j) == ST_FEATURE_CATEGORICAL)
            status = cli_usage_error(command, "--monotone '%.*s': '%s' is categorical; only "
                                     "numeric features can be constrained", (int)len, s, name);
        else {
            given[j] = 1;
            mono[j] = (signed char)sign;
        }
        if (s[len] == '\0')
            break;
    }
    free(given);
    free(name);
    if (status != EXIT_OK) {
        free(mono);
        return status;
    }
    *out = mono;
    return EXIT_OK;
}
