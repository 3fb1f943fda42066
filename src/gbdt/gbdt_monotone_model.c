/* Gradient-boosted trees: the monotone constraints kept in a model: their copy at training,
 * the accessor, and their line in the model file,
 *
 *     monotone J:+1 K:-1 ...
 *
 * after the feature lines: the constrained features by index (as in node lines), in
 * increasing order, each with its direction. A model without constraints has no such
 * line, so its file is the same as before constraints existed. */
#include "gbdt_model.h"
#include "gbdt_split.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "io/model_reader.h"
#include "io/model_text.h"

st_status st__gbdt_monotone_copy(st_gbdt *m, const signed char *mono, st_error *err)
{
    m->monotone = NULL;
    m->params.monotone = NULL;
    if (!st__gbdt_monotone_any(mono, m->n_features))
        return ST_OK;
    if ((m->monotone = st__malloc(m->n_features)) == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the monotone constraints");
    memcpy(m->monotone, mono, m->n_features);
    m->params.monotone = m->monotone;
    return ST_OK;
}

int st_gbdt_monotone(const st_gbdt *m, size_t j)
{
    if (m == NULL || m->monotone == NULL || j >= m->n_features)
        return 0;
    return m->monotone[j];
}

void st__gbdt_monotone_write(st__text *t, const st_gbdt *m)
{
    if (m->monotone == NULL)
        return;
    st__text_printf(t, "monotone");
    for (size_t j = 0; j < m->n_features; j++)
        if (m->monotone[j] != 0)
            st__text_printf(t, " %zu:%s", j, m->monotone[j] > 0 ? "+1" : "-1");
    st__text_printf(t, "\n");
}

/* One "J:+1" or "J:-1" entry into m->monotone; prev is the previous index (-1 at first). */
static st_status read_entry(st__mreader *r, st_gbdt *m, const char *s, size_t len, long *prev)
{
    const char *colon = memchr(s, ':', len);
    if (colon == NULL || (size_t)(s + len - colon) != 3 || colon[2] != '1' ||
        (colon[1] != '+' && colon[1] != '-'))
        return st__mr_bad(r, "monotone: expected entries 'FEATURE:+1' or 'FEATURE:-1'");
    long j;
    st_status rc = st__mr_integer(r, "monotone feature", s, (size_t)(colon - s), 0,
                                  (long)m->n_features - 1, &j);
    if (rc != ST_OK)
        return rc;
    if (j <= *prev)
        return st__mr_bad(r, "monotone: feature %ld comes after %ld; expected increasing "
                          "feature indices", j, *prev);
    if (m->features[j].type == ST_FEATURE_CATEGORICAL)
        return st__mr_bad(r, "monotone: feature %ld is categorical; only numeric features "
                          "can be constrained", j);
    m->monotone[j] = colon[1] == '+' ? 1 : -1;
    *prev = j;
    return ST_OK;
}

st_status st__gbdt_monotone_read(st__mreader *r, st_gbdt *m)
{
    static const char key[] = "monotone ";
    const char *p = r->p;
    const long line = r->line;
    if (!st__mr_next(r) || r->len < sizeof key - 1 || memcmp(r->text, key, sizeof key - 1) != 0) {
        r->p = p; /* not a monotone line: leave it to the next reader */
        r->line = line;
        return ST_OK;
    }
    const char *s = r->text + sizeof key - 1, *f;
    size_t len = r->len - (sizeof key - 1), flen;
    if (len == 0)
        return st__mr_bad(r, "monotone: expected at least one 'FEATURE:+1' or 'FEATURE:-1'");
    if ((m->monotone = st__calloc(m->n_features ? m->n_features : 1, 1)) == NULL)
        return st__fail(r->err, ST_ERR_NOMEM, "out of memory reading %s", r->path);
    m->params.monotone = m->monotone;
    long prev = -1;
    st_status rc;
    while (st__mr_field(&s, &len, &f, &flen))
        if ((rc = read_entry(r, m, f, flen, &prev)) != ST_OK)
            return rc;
    return read_entry(r, m, s, len, &prev);
}
