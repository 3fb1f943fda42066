/* Status names and error reports. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *st_version(void) { return "0.1.0"; }

const char *st_status_str(st_status status)
{
    switch (status) {
    case ST_OK: return "ok";
    case ST_ERR_NOMEM: return "out of memory";
    case ST_ERR_INVALID_ARG: return "invalid argument";
    case ST_ERR_IO: return "input/output error";
    case ST_ERR_PARSE: return "parse error";
    case ST_ERR_DATA: return "unusable data";
    case ST_ERR_FORMAT: return "bad model file";
    case ST_ERR_NUMERIC: return "numerical failure";
    case ST_ERR_CANCELLED: return "cancelled";
    }
    return "unknown status";
}

void st_error_clear(st_error *err)
{
    if (err == NULL)
        return;
    err->code = ST_OK;
    err->line = 0;
    err->column = 0;
    err->message[0] = '\0';
}

static void set_code(st_error *err, st_status code, long line, long column)
{
    err->code = code;
    err->line = line;
    err->column = column;
}

st_status st__fail(st_error *err, st_status code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    set_code(err, code, 0, 0);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

st_status st__fail_at(st_error *err, st_status code, const char *source, long line, long column,
                      const char *fmt, ...)
{
    if (err == NULL)
        return code;
    set_code(err, code, line, column);
    const char *name = source != NULL ? source : "<input>";
    int n;
    if (column > 0)
        n = snprintf(err->message, sizeof err->message, "%s:%ld:%ld: ", name, line, column);
    else
        n = snprintf(err->message, sizeof err->message, "%s:%ld: ", name, line);
    if (n < 0 || (size_t)n >= sizeof err->message)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message + n, sizeof err->message - (size_t)n, fmt, ap);
    va_end(ap);
    return code;
}

void st__quote_text(const char *s, size_t len, char *out, size_t out_size)
{
    const size_t max_shown = 40;
    size_t o = 0;
    if (out_size == 0)
        return;
    for (size_t i = 0; i < len && i < max_shown; i++) {
        unsigned char c = (unsigned char)s[i];
        char piece[8];
        int n;
        if (c < 0x20 || c >= 0x7f)
            n = snprintf(piece, sizeof piece, "\\x%02X", c);
        else
            n = snprintf(piece, sizeof piece, "%c", c);
        if (o + (size_t)n + 1 > out_size)
            break;
        memcpy(out + o, piece, (size_t)n);
        o += (size_t)n;
    }
    if (len > max_shown && o + 4 <= out_size) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}
