/* Class of a label text. */
#include "label_rule.h"

#include "stratum/dataset.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/alloc.h"
#include "core/number_parse.h"

void st__label_rule_init(st__label_rule *r, const char *positive)
{
    memset(r, 0, sizeof *r);
    r->positive = positive;
    if (positive != NULL)
        r->positive_is_number = st__parse_number(positive, strlen(positive), &r->positive_number);
}

void st__label_rule_free(st__label_rule *r)
{
    st__free(r->negative);
    st__free(r->seen[0]);
    st__free(r->seen[1]);
    memset(r, 0, sizeof *r);
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

static int text_is(const char *s, size_t len, const char *word)
{
    return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

int st__label_default_class(const char *s, size_t len)
{
    double v;
    if (st__parse_number(s, len, &v)) {
        if (v == 1.0)
            return 1;
        if (v == 0.0 || v == -1.0)
            return 0;
        return ST__LABEL_OTHER;
    }
    if (text_is(s, len, "true") || text_is(s, len, "yes"))
        return 1;
    if (text_is(s, len, "false") || text_is(s, len, "no"))
        return 0;
    return ST__LABEL_OTHER;
}

static int same_value(const char *s, size_t len, const char *text, int is_number, double number)
{
    double v;
    if (is_number && st__parse_number(s, len, &v))
        return v == number;
    return strlen(text) == len && memcmp(s, text, len) == 0;
}

static int explicit_class(st__label_rule *r, const char *s, size_t len)
{
    if (same_value(s, len, r->positive, r->positive_is_number, r->positive_number))
        return 1;
    if (r->negative == NULL) {
        r->negative = st__strndup(s, len);
        if (r->negative == NULL)
            return ST__LABEL_NOMEM;
        r->negative_is_number = st__parse_number(s, len, &r->negative_number);
        return 0;
    }
    if (same_value(s, len, r->negative, r->negative_is_number, r->negative_number))
        return 0;
    return ST__LABEL_OTHER;
}

int st__label_rule_classify(st__label_rule *r, const char *s, size_t len)
{
    trim(&s, &len);
    int cls = r->positive == NULL ? st__label_default_class(s, len) : explicit_class(r, s, len);
    if (cls >= 0 && r->seen[cls] == NULL) {
        r->seen[cls] = st__strndup(s, len);
        if (r->seen[cls] == NULL)
            return ST__LABEL_NOMEM;
    }
    return cls;
}

int st_label_is_positive(const char *label, const char *positive)
{
    if (label == NULL)
        return 0;
    size_t len = strlen(label);
    trim(&label, &len);
    if (positive == NULL)
        return st__label_default_class(label, len) == 1;
    double number;
    const int is_number = st__parse_number(positive, strlen(positive), &number);
    return same_value(label, len, positive, is_number, number);
}

void st__label_rule_describe(const st__label_rule *r, char *out, size_t size)
{
    if (r->positive == NULL)
        snprintf(out, size, "expected 1, true or yes (positive) or 0, false, no or -1 "
                            "(negative); name the positive class with --positive VALUE");
    else if (r->negative == NULL)
        snprintf(out, size, "expected the positive class '%s' or one other value", r->positive);
    else
        snprintf(out, size, "expected the positive class '%s' or the negative class '%s' "
                            "(a binary label has two values)", r->positive, r->negative);
}
