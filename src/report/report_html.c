/* The HTML of a report (stratum/report.h): document skeleton and style sheet, escaping,
 * sections, facts and tables. The charts are in report_svg.c. */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stratum/files.h>

#include "core/alloc.h"
#include "core/error.h"
#include "report_impl.h"

/* Screen and print styles. Numbers use tabular figures so columns of them align. A cell
 * keeps its number on one line, but a header may wrap, so that a table of many columns
 * (drift's ten) fits the page at 1280 px instead of hiding its last columns behind a
 * scroll bar (a wide table's intervals may break at their spaces, "(-0.081 to" above
 * "-0.009)"); in print, where a scroll bar would cut them off, tables are set smaller. */
static const char style_sheet[] =
    ":root{--ink:#1b1f24;--muted:#57606a;--rule:#d0d7de;--head:#f3f5f7;--best:#fff4d6}\n"
    "body{font-family:\"DejaVu Sans\",\"Liberation Sans\",Arial,Helvetica,sans-serif;"
    "color:var(--ink);background:#fff;margin:0 auto;padding:24px 32px 40px;max-width:1160px;"
    "line-height:1.45;font-size:15px}\n"
    "h1{font-size:26px;margin:0 0 2px}\n"
    "h2{font-size:19px;margin:30px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--rule)}\n"
    "header p.sub{color:var(--muted);margin:0 0 8px;font-size:15px;word-break:break-all}\n"
    "p.note,figcaption,.tnote{color:var(--muted);font-size:13px}\n"
    "p.warn{font-weight:bold}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;margin:0}\n"
    "dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;word-break:break-word}\n"
    "table{border-collapse:collapse;margin:6px 0 4px;font-variant-numeric:tabular-nums}\n"
    "caption{text-align:left;font-weight:bold;padding:4px 0 6px}\n"
    "th,td{padding:4px 10px;border-bottom:1px solid var(--rule);text-align:right;"
    "white-space:nowrap}\n"
    "th{background:var(--head);border-bottom:2px solid var(--rule);font-weight:600}\n"
    "thead th{white-space:normal;vertical-align:bottom}\n"
    "th.label,td.label{text-align:left;white-space:normal;min-width:5em;max-width:320px;"
    "overflow-wrap:break-word}\n"
    "td.best{background:var(--best);font-weight:bold}\n"
    "td.best::before{content:\"\\2605  \";color:#b07d00}\n"
    "td.undef{color:var(--muted);font-style:italic}\n"
    "tbody th{font-weight:normal;border-bottom:1px solid var(--rule)}\n"
    ".ci{color:var(--muted)}td.best .ci{font-weight:normal}\n"
    "table.wide .ci{display:block;font-size:12px;white-space:normal}\n"
    ".scroll{overflow-x:auto}\n"
    ".figures{display:flex;flex-wrap:wrap;gap:12px 28px}\n"
    "figure{margin:8px 0;max-width:540px;break-inside:avoid;page-break-inside:avoid}\n"
    "figure svg{width:100%;max-width:540px;height:auto;display:block}\n"
    "figure.bars,figure.bars svg{max-width:760px}\n"
    "svg text{font-family:\"DejaVu Sans\",\"Liberation Sans\",Arial,sans-serif;fill:#1b1f24}\n"
    "svg .title{font-size:15px;font-weight:bold}svg .axis{font-size:13px}\n"
    "svg .tick{font-size:11px;fill:#57606a}svg .legend{font-size:12px}\n"
    "blockquote.text{margin:8px 0 4px;padding:8px 14px;border-left:4px solid var(--rule);"
    "background:#fafbfc;white-space:pre-wrap;overflow-wrap:break-word;line-height:1.7}\n"
    "mark.up{background:#ffd2cc;color:#7a1200;border-radius:3px;padding:0 1px}\n"
    "mark.down{background:#cfe3ff;color:#0b3d91;border-radius:3px;padding:0 1px}\n"
    "footer{margin-top:36px;color:var(--muted);font-size:12px;border-top:1px solid var(--rule);"
    "padding-top:8px}\n"
    "@media print{body{padding:0;max-width:none;font-size:12px}h2{break-after:avoid}"
    "table,figure{break-inside:avoid}table{font-size:10px}th,td{padding:3px 4px}"
    "table.wide .ci{font-size:9px}}\n";

void st__report_escape(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
        }
    }
}

st_status st_report_begin(const char *title, const char *subtitle, st_report **out,
                          st_error *err)
{
    if (out == NULL || title == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_begin: %s is NULL",
                        out == NULL ? "out" : "title");
    *out = NULL;
    st_report *r = st__calloc(1, sizeof *r);
    if (r == NULL || (r->f = open_memstream(&r->buf, &r->size)) == NULL) {
        st__free(r);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the report");
    }
    FILE *f = r->f;
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          /* no scripts, no fetches: the file is all there is */
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n", f);
    fprintf(f, "<meta name=\"generator\" content=\"stratum %s\">\n<title>", st_version());
    st__report_escape(f, title);
    if (subtitle != NULL) {
        fputs(": ", f);
        st__report_escape(f, subtitle);
    }
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", style_sheet);
    st__report_escape(f, title);
    fputs("</h1>\n", f);
    if (subtitle != NULL) {
        fputs("<p class=\"sub\">", f);
        st__report_escape(f, subtitle);
        fputs("</p>\n", f);
    }
    fputs("</header>\n<main>\n", f);
    *out = r;
    return ST_OK;
}

static void close_section(st_report *r)
{
    if (r->in_section)
        fputs("</section>\n", r->f);
    r->in_section = 0;
}

/* st__report_escape of the len bytes at s (which may hold no NUL). */
static void escape_bytes(FILE *f, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char one[2] = {s[i], '\0'};
        if (s[i] == '\n' || s[i] == '\t')
            fputc(s[i], f); /* kept: the block shows the text's own lines */
        else if (s[i] != '\0')
            st__report_escape(f, one);
    }
}

void st_report_marked_text(st_report *r, const char *caption, const char *text, size_t len,
                           const st_report_mark *marks, size_t n_marks)
{
    if (caption != NULL)
        st_report_paragraph(r, caption, "note");
    fputs("<blockquote class=\"text\">", r->f);
    size_t at = 0;
    for (size_t k = 0; k < n_marks; k++) {
        const st_report_mark *m = &marks[k];
        if (m->begin < at || m->end > len || m->end <= m->begin)
            continue; /* overlapping or outside: the caller's mistake, shown unmarked */
        escape_bytes(r->f, text + at, m->begin - at);
        fprintf(r->f, "<mark class=\"%s\"", m->up ? "up" : "down");
        if (m->title != NULL) {
            fputs(" title=\"", r->f);
            st__report_escape(r->f, m->title);
            fputc('"', r->f);
        }
        fputc('>', r->f);
        escape_bytes(r->f, text + m->begin, m->end - m->begin);
        fputs("</mark>", r->f);
        at = m->end;
    }
    escape_bytes(r->f, text + at, len - at);
    fputs("</blockquote>\n", r->f);
}

void st_report_discard(st_report *r)
{
    if (r == NULL)
        return;
    if (r->f != NULL)
        fclose(r->f);
    free(r->buf); /* open_memstream's, from malloc */
    st__free(r);
}

st_status st_report_end(st_report *r, const char *path, char **html, size_t *size,
                        st_error *err)
{
    if (html != NULL)
        *html = NULL;
    if (size != NULL)
        *size = 0;
    if (r == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_end: the report is NULL");
    if (html != NULL && size == NULL) {
        st_report_discard(r);
        return st__fail(err, ST_ERR_INVALID_ARG, "st_report_end: html without size");
    }
    close_section(r);
    fprintf(r->f, "</main>\n<footer>Written by stratum %s. The report records no date or "
            "time, so the same command on the same data writes the same file.</footer>\n"
            "</body>\n</html>\n", st_version());
    int failed = ferror(r->f);
    int closed = fclose(r->f);
    r->f = NULL;
    if (closed != 0 || failed) {
        st_report_discard(r);
        return st__fail(err, ST_ERR_NOMEM, "out of memory for the report");
    }
    st_status rc = ST_OK;
    if (path != NULL)
        rc = st_file_write_atomic(path, r->buf, r->size, err);
    if (rc == ST_OK && html != NULL) {
        *html = r->buf, *size = r->size; /* open_memstream's buffer ends with a NUL */
        r->buf = NULL;
    }
    st_report_discard(r);
    return rc;
}

void st_report_html_free(char *html)
{
    free(html);
}

void st_report_section(st_report *r, const char *title)
{
    close_section(r);
    fputs("<section>\n<h2>", r->f);
    st__report_escape(r->f, title);
    fputs("</h2>\n", r->f);
    r->in_section = 1;
}

void st_report_paragraph(st_report *r, const char *text, const char *css_class)
{
    if (css_class != NULL)
        fprintf(r->f, "<p class=\"%s\">", css_class);
    else
        fputs("<p>", r->f);
    st__report_escape(r->f, text);
    fputs("</p>\n", r->f);
}

void st_report_facts(st_report *r, const char *const *terms, const char *const *values, size_t n)
{
    fputs("<dl class=\"facts\">\n", r->f);
    for (size_t i = 0; i < n; i++) {
        fputs("<dt>", r->f);
        st__report_escape(r->f, terms[i]);
        fputs("</dt><dd>", r->f);
        st__report_escape(r->f, values[i]);
        fputs("</dd>\n", r->f);
    }
    fputs("</dl>\n", r->f);
}

void st_report_figures_begin(st_report *r)
{
    fputs("<div class=\"figures\">\n", r->f);
}

void st_report_figures_end(st_report *r)
{
    fputs("</div>\n", r->f);
}

char *st_report_format_ci(char *buf, size_t size, double v, double lo, double hi, int digits)
{
    if (isnan(v))
        snprintf(buf, size, "undefined");
    else if (isnan(lo) || isnan(hi))
        snprintf(buf, size, "%.*f", digits, v);
    else /* U+2013 EN DASH between the bounds, " to " when one is negative */
        snprintf(buf, size, "%.*f (%.*f%s%.*f)", digits, v, digits, lo,
                 lo < 0 || hi < 0 ? " to " : "\xe2\x80\x93", digits, hi);
    return buf;
}

st_report_cell st_report_text_cell(const char *text)
{
    st_report_cell c = {text != NULL ? text : "", NAN, NAN, NAN, 0, 0, NULL};
    return c;
}

st_report_cell st_report_number_cell(double value, double low, double high, int digits)
{
    st_report_cell c = {NULL, value, low, high, digits, 0, NULL};
    return c;
}

static void number_attribute(FILE *f, const char *name, double v)
{
    if (!isnan(v))
        fprintf(f, " data-%s=\"%.17g\"", name, v);
}

/* A number cell's text: the value, then the interval in a <span class="ci"> that wide
 * tables put on a line of its own. */
/* A number with `digits` decimals (%.6g when < 0), negative with U+2212 MINUS SIGN, which
 * reads apart from the en dash between an interval's bounds. */
static void put_number(FILE *f, double v, int digits)
{
    char text[64];
    if (digits < 0)
        snprintf(text, sizeof text, "%.6g", v);
    else
        snprintf(text, sizeof text, "%.*f", digits, v);
    fputs(text[0] == '-' ? "\xe2\x88\x92" : "", f);
    fputs(text[0] == '-' ? text + 1 : text, f);
}

static void number_text(FILE *f, const st_report_cell *c)
{
    put_number(f, c->value, c->digits);
    if (isnan(c->low) || isnan(c->high) || c->digits < 0)
        return;
    fputs(" <span class=\"ci\">(", f);
    put_number(f, c->low, c->digits);
    /* U+2013 EN DASH, or " to " when a bound is negative: "(\xe2\x88\x92" "0.214 to
       \xe2\x88\x92" "0.006)" reads better than an en dash beside a minus sign */
    fputs(c->low < 0 || c->high < 0 ? " to " : "\xe2\x80\x93", f);
    put_number(f, c->high, c->digits);
    fputs(")</span>", f);
}

static void write_cell(FILE *f, const st_report_cell *c, int label)
{
    int number = c->text == NULL, undefined = number && isnan(c->value);
    const char *cls = label ? "label" : c->best ? "best" : undefined ? "undef" : NULL;
    fputs(label ? "<th scope=\"row\"" : "<td", f);
    if (cls != NULL)
        fprintf(f, " class=\"%s\"", cls);
    if (number && !undefined) { /* an undefined value has no interval to carry */
        number_attribute(f, "value", c->value);
        number_attribute(f, "low", c->low);
        number_attribute(f, "high", c->high);
    }
    if (c->best) {
        fputs(" title=\"", f);
        st__report_escape(f, c->title != NULL ? c->title : "best in its column");
        fputc('"', f);
    }
    fputc('>', f);
    if (!number)
        st__report_escape(f, c->text);
    else if (undefined)
        fputs("undefined", f);
    else
        number_text(f, c);
    fputs(label ? "</th>" : "</td>", f);
}

void st_report_table_write(st_report *r, const st_report_table *t)
{
    FILE *f = r->f;
    /* more than four columns of values with intervals: each interval under its value */
    size_t n_ci = 0;
    for (size_t j = t->n_label_cols; t->n_rows > 0 && j < t->n_cols; j++)
        n_ci += t->cells[j].text == NULL && !isnan(t->cells[j].low);
    fprintf(f, "<div class=\"scroll\"><table%s>\n", n_ci > 4 ? " class=\"wide\"" : "");
    if (t->caption != NULL) {
        fputs("<caption>", f);
        st__report_escape(f, t->caption);
        fputs("</caption>\n", f);
    }
    fputs("<thead><tr>", f);
    for (size_t j = 0; j < t->n_cols; j++) {
        fputs(j < t->n_label_cols ? "<th scope=\"col\" class=\"label\">" : "<th scope=\"col\">",
              f);
        st__report_escape(f, t->header[j]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (size_t i = 0; i < t->n_rows; i++) {
        fputs("<tr>", f);
        for (size_t j = 0; j < t->n_cols; j++)
            write_cell(f, &t->cells[i * t->n_cols + j], j < t->n_label_cols);
        fputs("</tr>\n", f);
    }
    fputs("</tbody>\n</table></div>\n", f);
    if (t->note != NULL) {
        fputs("<p class=\"tnote\">", f);
        st__report_escape(f, t->note);
        fputs("</p>\n", f);
    }
}
