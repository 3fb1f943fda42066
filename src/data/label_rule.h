/* Internal: deciding which class a label text belongs to. */
#ifndef STRATUM_LABEL_RULE_H
#define STRATUM_LABEL_RULE_H

#include <stddef.h>

/* With no positive value given, 1/true/yes are positive and 0/false/no/-1 negative (texts in
 * any case, numbers by value: "1.0" is 1). With a positive value, that value is positive and
 * the first other value seen becomes the negative class. */
typedef struct st__label_rule {
    const char *positive;        /* NULL: the default rule */
    int positive_is_number;
    double positive_number;
    char *negative;              /* learned negative text (explicit rule), owned */
    int negative_is_number;
    double negative_number;
    char *seen[2];               /* first text seen for each class, owned */
} st__label_rule;

void st__label_rule_init(st__label_rule *r, const char *positive);
void st__label_rule_free(st__label_rule *r);

enum { ST__LABEL_OTHER = -1, ST__LABEL_NOMEM = -2 };

/* The default rule's class of a label text (no positive value given): 1, 0 or
 * ST__LABEL_OTHER. */
int st__label_default_class(const char *s, size_t len);

/* 1 positive, 0 negative, ST__LABEL_OTHER when it is neither, ST__LABEL_NOMEM. */
int st__label_rule_classify(st__label_rule *r, const char *s, size_t len);

/* A sentence saying which labels are accepted, for error messages. */
void st__label_rule_describe(const st__label_rule *r, char *out, size_t size);

#endif
