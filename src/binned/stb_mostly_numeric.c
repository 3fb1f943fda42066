/* A column stratum bin made categorical though most of its cells are numbers: told in the
 * report (st_bin_report.mostly_numeric), by the in-memory reader's rule
 * (st_column_cells.mostly_numeric), from the column's level counts. */
#include "stb_impl.h"

#include <string.h>

#include "data/csv_cells.h"

/* Copies text into dst of size n, cut at a whole UTF-8 character. */
static void copy_cut(char *dst, size_t n, const char *text)
{
    size_t len = strlen(text);
    if (len >= n) {
        len = n - 1;
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--; /* not inside a multi-byte character */
    }
    memcpy(dst, text, len);
    dst[len] = '\0';
}

void st__stb_note_mostly_numeric(st_bin_report *rep, const char *name,
                                 const st__category_dict *d, const size_t *counts,
                                 long first_line, char delimiter)
{
    size_t numbers = 0, commas = 0, numberish = 0, present = 0;
    size_t top[3] = {0}, n_top = 0; /* the most frequent texts' codes, by count */
    for (size_t c = 0; c < d->n_levels; c++) {
        const char *text = st__category_dict_level(d, c);
        const size_t len = strlen(text);
        double v;
        present += counts[c];
        if (st__cell_number(text, len, '.', &v)) {
            numbers += counts[c];
            numberish += counts[c];
            continue;
        }
        const int kind = st__cell_kind(text, len, '.', delimiter, &v);
        if (kind == ST__CELL_DECIMAL_COMMA)
            commas += counts[c];
        if (kind != ST__CELL_TEXT)
            numberish += counts[c];
        size_t at = n_top < 3 ? n_top++ : 3; /* insertion into the top three */
        while (at > 0 && counts[top[at - 1]] < counts[c]) {
            if (at < 3)
                top[at] = top[at - 1];
            at--;
        }
        if (at < 3)
            top[at] = c;
    }
    /* the in-memory rule: some numbers, and more than half the cells number-like (censored
       values and decimal commas included) */
    if (numbers + commas == 0 || 2 * numberish <= present)
        return;
    const size_t k = rep->n_mostly_numeric++;
    if (k >= ST_BIN_MOSTLY_NUMERIC_MAX)
        return;
    st_bin_mostly_numeric *m = &rep->mostly_numeric[k];
    memset(m, 0, sizeof *m);
    copy_cut(m->name, sizeof m->name, name);
    m->n_not_numbers = present - numbers;
    m->n_present = present;
    m->n_levels = d->n_levels;
    m->first_line = first_line;
    m->n_examples = n_top;
    for (size_t e = 0; e < n_top; e++)
        copy_cut(m->examples[e], sizeof m->examples[e], st__category_dict_level(d, top[e]));
}
