/* The mergeable weighted quantile summary and its streaming sketch (see quantile_sketch.h
 * for the invariants and the error bound). */
#include "quantile_sketch.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "core/float_sort.h"

void st__qsummary_free(st__qsummary *s)
{
    st__free(s->e);
    memset(s, 0, sizeof *s);
}

double st__qsummary_weight(const st__qsummary *s)
{
    return s->n > 0 ? s->e[s->n - 1].rmax : 0.0;
}

static int reserve(st__qsummary *s, size_t n)
{
    if (n <= s->cap)
        return 1;
    st__qentry *e = st__realloc_array(s->e, n, sizeof *e);
    if (e == NULL)
        return 0;
    s->e = e;
    s->cap = n;
    return 1;
}

int st__qsummary_from_sorted(st__qsummary *out, const double *v, const double *w, size_t n)
{
    out->n = 0;
    if (!reserve(out, n ? n : 1))
        return 0;
    double below = 0;
    for (size_t i = 0; i < n;) {
        double wt = 0;
        size_t k = i;
        for (; k < n && v[k] == v[i]; k++)
            wt += w != NULL ? w[k] : 1.0;
        out->e[out->n++] = (st__qentry){v[i], below, below + wt, wt};
        below += wt;
        i = k;
    }
    return 1;
}

/* Bounds of the weight of s's data below v and at or below v, for a value v absent from
 * s, whose first entry above v is s->e[j] (j = n when none). */
static void bounds_around(const st__qsummary *s, size_t j, double *lo, double *hi)
{
    *lo = j > 0 ? s->e[j - 1].rmin + s->e[j - 1].wmin : 0.0;
    *hi = j < s->n ? s->e[j].rmax - s->e[j].wmin : st__qsummary_weight(s);
}

int st__qsummary_merge(st__qsummary *out, const st__qsummary *a, const st__qsummary *b)
{
    out->n = 0;
    if (!reserve(out, a->n + b->n ? a->n + b->n : 1))
        return 0;
    size_t i = 0, j = 0;
    while (i < a->n || j < b->n) {
        st__qentry e;
        double lo, hi;
        if (j == b->n || (i < a->n && a->e[i].value < b->e[j].value)) {
            bounds_around(b, j, &lo, &hi);
            e = a->e[i++];
            e.rmin += lo;
            e.rmax += hi;
        } else if (i == a->n || b->e[j].value < a->e[i].value) {
            bounds_around(a, i, &lo, &hi);
            e = b->e[j++];
            e.rmin += lo;
            e.rmax += hi;
        } else { /* the same value in both */
            e = a->e[i];
            e.rmin += b->e[j].rmin;
            e.rmax += b->e[j].rmax;
            e.wmin += b->e[j].wmin;
            i++;
            j++;
        }
        out->e[out->n++] = e;
    }
    return 1;
}

/* How far entry e's rank interval can be from rank r (see the header). */
static double entry_err(const st__qentry *e, double r)
{
    double lo = r - (e->rmin + e->wmin), hi = (e->rmax - e->wmin) - r;
    double m = lo > hi ? lo : hi;
    return m > 0 ? m : 0;
}

int st__qsummary_prune(st__qsummary *out, const st__qsummary *s, size_t b)
{
    out->n = 0;
    if (s->n <= b) {
        if (!reserve(out, s->n ? s->n : 1))
            return 0;
        if (s->n > 0)
            memcpy(out->e, s->e, s->n * sizeof *s->e);
        out->n = s->n;
        return 1;
    }
    if (b < 2)
        b = 2;
    if (!reserve(out, b))
        return 0;
    const double w = st__qsummary_weight(s);
    const size_t n = s->n;
    out->e[out->n++] = s->e[0];
    size_t last = 0, p = 0;
    for (size_t k = 1; k + 1 < b; k++) {
        const double d = (double)k * w / (double)(b - 1);
        /* p: the last entry whose rank interval's middle is at most d */
        while (p + 1 < n && s->e[p + 1].rmin + s->e[p + 1].rmax <= 2 * d)
            p++;
        size_t pick = p;
        if (p + 1 < n && entry_err(&s->e[p + 1], d) < entry_err(&s->e[p], d))
            pick = p + 1;
        if (pick > last && pick < n - 1) {
            out->e[out->n++] = s->e[pick];
            last = pick;
        }
    }
    out->e[out->n++] = s->e[n - 1];
    return 1;
}

double st__qsummary_error(const st__qsummary *s)
{
    if (s->n == 0)
        return 0;
    const double w = st__qsummary_weight(s);
    double e = s->e[0].rmax - s->e[0].wmin;                       /* ranks below the first */
    const double end = w - (s->e[s->n - 1].rmin + s->e[s->n - 1].wmin); /* above the last */
    e = end > e ? end : e;
    for (size_t i = 0; i < s->n; i++) {
        const st__qentry *x = &s->e[i];
        const double own = (x->rmax - x->rmin - 2 * x->wmin) / 2;
        e = own > e ? own : e;
        if (i + 1 < s->n) {
            const st__qentry *y = &s->e[i + 1];
            const double gap = ((y->rmax - y->wmin) - (x->rmin + x->wmin)) / 2;
            e = gap > e ? gap : e;
        }
    }
    return e > 0 ? e : 0;
}

double st__qsummary_query(const st__qsummary *s, double r)
{
    if (s->n == 0)
        return NAN;
    size_t best = 0;
    double best_err = entry_err(&s->e[0], r);
    for (size_t i = 1; i < s->n; i++) {
        const double e = entry_err(&s->e[i], r);
        if (e < best_err) {
            best_err = e;
            best = i;
        }
    }
    return s->e[best].value;
}

/* ---- serialisation: "QSUM", u32 version 1, u64 n, then n x (value, rmin, rmax, wmin) as
 * little-endian IEEE doubles ---- */

#define QSUM_VERSION 1u

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int k = 0; k < 8; k++)
        p[k] = (unsigned char)(v >> (8 * k));
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int k = 0; k < 8; k++)
        v |= (uint64_t)p[k] << (8 * k);
    return v;
}

static void put_f64(unsigned char *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    put_u64(p, u);
}

static double get_f64(const unsigned char *p)
{
    uint64_t u = get_u64(p);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

size_t st__qsummary_bytes(const st__qsummary *s)
{
    return 16 + s->n * 32;
}

void st__qsummary_write(const st__qsummary *s, unsigned char *out)
{
    memcpy(out, "QSUM", 4);
    for (int k = 0; k < 4; k++)
        out[4 + k] = (unsigned char)(QSUM_VERSION >> (8 * k));
    put_u64(out + 8, (uint64_t)s->n);
    for (size_t i = 0; i < s->n; i++) {
        unsigned char *p = out + 16 + i * 32;
        put_f64(p, s->e[i].value);
        put_f64(p + 8, s->e[i].rmin);
        put_f64(p + 16, s->e[i].rmax);
        put_f64(p + 24, s->e[i].wmin);
    }
}

st_status st__qsummary_read(const unsigned char *in, size_t size, const char *what,
                            st__qsummary *out, st_error *err)
{
    memset(out, 0, sizeof *out);
    if (size < 16 || memcmp(in, "QSUM", 4) != 0)
        return st__fail(err, ST_ERR_DATA, "%s: not a quantile summary (bad magic or size %zu)",
                        what, size);
    const uint32_t version = (uint32_t)in[4] | (uint32_t)in[5] << 8 | (uint32_t)in[6] << 16 |
                             (uint32_t)in[7] << 24;
    if (version != QSUM_VERSION)
        return st__fail(err, ST_ERR_DATA, "%s: quantile summary version %u; expected %u", what,
                        version, QSUM_VERSION);
    const uint64_t n = get_u64(in + 8);
    if (n > (size - 16) / 32 || 16 + n * 32 != size)
        return st__fail(err, ST_ERR_DATA, "%s: quantile summary of %llu entries in %zu bytes",
                        what, (unsigned long long)n, size);
    if (!reserve(out, n ? (size_t)n : 1))
        return st__fail(err, ST_ERR_NOMEM, "%s: out of memory", what);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *p = in + 16 + i * 32;
        st__qentry e = {get_f64(p), get_f64(p + 8), get_f64(p + 16), get_f64(p + 24)};
        const int sorted = i == 0 || e.value > out->e[i - 1].value;
        if (!(e.value == e.value) || !sorted || !(e.rmin >= 0) || !(e.wmin >= 0) ||
            !(e.rmin + e.wmin <= e.rmax) || !isfinite(e.rmax)) {
            st__qsummary_free(out);
            return st__fail(err, ST_ERR_DATA, "%s: quantile summary entry %zu is invalid "
                            "(unsorted, NaN or inconsistent ranks)", what, i);
        }
        out->e[i] = e;
    }
    out->n = (size_t)n;
    return ST_OK;
}

/* ---- the streaming sketch ---- */

int st__qsketch_init(st__qsketch *sk, size_t limit)
{
    /* buffers grow with the values pushed, so that a sketch of a short column (or one of
       100,000 columns) stays small */
    memset(sk, 0, sizeof *sk);
    sk->limit = limit < 2 ? 2 : limit;
    return 1;
}

void st__qsketch_free(st__qsketch *sk)
{
    st__free(sk->buf);
    for (int l = 0; l < ST__QSKETCH_MAX_LEVELS; l++)
        st__qsummary_free(&sk->level[l]);
    memset(sk, 0, sizeof *sk);
}

/* Adds summary s (taken over) at level l, carrying merges upward. */
static int carry(st__qsketch *sk, st__qsummary s, int l)
{
    for (; l < ST__QSKETCH_MAX_LEVELS - 1 && sk->level[l].n > 0; l++) {
        st__qsummary m = {0}, p = {0};
        int ok = st__qsummary_merge(&m, &sk->level[l], &s) && st__qsummary_prune(&p, &m, sk->limit);
        st__qsummary_free(&m);
        st__qsummary_free(&s);
        st__qsummary_free(&sk->level[l]);
        if (!ok) {
            st__qsummary_free(&p);
            return 0;
        }
        s = p;
    }
    if (sk->level[l].n > 0) { /* the top level: 2^63 buffers, never reached in practice */
        st__qsummary m = {0};
        int ok = st__qsummary_merge(&m, &sk->level[l], &s);
        st__qsummary_free(&s);
        st__qsummary_free(&sk->level[l]);
        if (!ok)
            return 0;
        s = m;
    }
    sk->level[l] = s;
    if (l + 1 > sk->n_levels)
        sk->n_levels = l + 1;
    return 1;
}

static int flush(st__qsketch *sk)
{
    const size_t n = sk->n_buf;
    if (n == 0)
        return 1;
    /* sort scratch, only for the time of the flush */
    uint32_t *keys = st__malloc_array(n, sizeof *keys), *tmp = st__malloc_array(n, sizeof *tmp);
    double *dv = st__malloc_array(n, sizeof *dv), *dw = st__malloc_array(n, sizeof *dw);
    st__qsummary s = {0};
    int ok = keys != NULL && tmp != NULL && dv != NULL && dw != NULL;
    if (ok) {
        st__sort_floats(sk->buf, n, keys, tmp);
        size_t k = 0;
        for (size_t i = 0; i < n; i++) {
            if (k > 0 && (double)sk->buf[i] == dv[k - 1]) {
                dw[k - 1] += 1;
            } else {
                dv[k] = sk->buf[i];
                dw[k++] = 1;
            }
        }
        sk->n_buf = 0;
        ok = st__qsummary_from_sorted(&s, dv, dw, k);
    }
    st__free(keys);
    st__free(tmp);
    st__free(dv);
    st__free(dw);
    if (!ok) {
        st__qsummary_free(&s);
        return 0;
    }
    return carry(sk, s, 0);
}

int st__qsketch_push(st__qsketch *sk, float v)
{
    if (sk->nomem)
        return 0;
    if (v != v)
        return 1;
    if (sk->n_buf == sk->buf_cap) { /* grows to limit values, doubling */
        size_t cap = sk->buf_cap ? sk->buf_cap * 2 : 64;
        cap = cap < sk->limit ? cap : sk->limit;
        float *p = st__realloc_array(sk->buf, cap, sizeof *p);
        if (p == NULL)
            return sk->nomem = 1, 0;
        sk->buf = p;
        sk->buf_cap = cap;
    }
    sk->buf[sk->n_buf++] = v;
    sk->n_values += 1;
    if (sk->n_buf == sk->limit && !flush(sk))
        sk->nomem = 1;
    return !sk->nomem;
}

int st__qsketch_finish(st__qsketch *sk, st__qsummary *out)
{
    memset(out, 0, sizeof *out);
    if (sk->nomem || !flush(sk))
        return sk->nomem = 1, 0;
    st__qsummary acc = {0};
    for (int l = 0; l < sk->n_levels; l++) {
        if (sk->level[l].n == 0)
            continue;
        st__qsummary m = {0};
        int ok = st__qsummary_merge(&m, &acc, &sk->level[l]);
        st__qsummary_free(&acc);
        st__qsummary_free(&sk->level[l]);
        if (!ok) {
            st__qsummary_free(&m);
            return sk->nomem = 1, 0;
        }
        acc = m;
    }
    sk->n_levels = 0;
    int ok = st__qsummary_prune(out, &acc, sk->limit);
    st__qsummary_free(&acc);
    if (!ok) {
        st__qsummary_free(out);
        sk->nomem = 1;
    }
    return ok;
}

double st__qsketch_error_bound(const st__qsketch *sk)
{
    const double buffers = ceil(sk->n_values / (double)sk->limit);
    const double levels = buffers > 1 ? ceil(log2(buffers)) + 1 : 1;
    return (levels + 2) / (double)(sk->limit - 1);
}
