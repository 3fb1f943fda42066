/* One column of st_drift_compare: a numeric column's bins, PSI and KS test; a categorical
 * column's levels matched by text, PSI and chi-square test; missing shares; levels the
 * reference never has. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drift_impl.h"

#include "core/alloc.h"
#include "core/error.h"
#include "core/float_sort.h"

/* The present values of column j of ds, sorted, into v (room for n_rows); returns how
 * many. k and t: radix-sort scratch of n_rows keys. */
static size_t present_sorted(const st_dataset *ds, size_t j, float *v, uint32_t *k, uint32_t *t,
                             double *sum)
{
    const float *x = st_dataset_feature_values(ds, j);
    size_t n = st_dataset_n_rows(ds), np = 0, zeros = 0;
    double s = 0;
    if (x == NULL) { /* sparse: the entries, in row order as a dense column's are summed */
        const uint32_t *rows;
        zeros = n;
        st_dataset_feature_entries(ds, j, &rows, &x, &n, NULL);
        zeros -= n;
    }
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            v[np++] = x[i], s += x[i];
    for (size_t i = 0; i < zeros; i++) /* a sparse column's implicit zeros */
        v[np++] = 0.0f;
    st__sort_floats(v, np, k, t);
    *sum = s;
    return np;
}

/* Counts of the sorted values v[0..n) in bins (e_{i-1}, e_i], i = 0..n_edges. */
static void bin_sorted(const float *v, size_t n, const double *e, size_t n_edges, size_t *c)
{
    size_t b = 0;
    for (size_t i = 0; i < n; i++) {
        while (b < n_edges && (double)v[i] > e[b])
            b++;
        c[b]++;
    }
}

/* The shares of the k bins of the two count vectors into f (owned by f). */
static st_status keep_shares(st_drift_feature *f, const size_t *ref, const size_t *cur, size_t k,
                             st_error *err)
{
    f->share_reference = st__malloc_array(k, sizeof(double));
    f->share_new = st__malloc_array(k, sizeof(double));
    if (f->share_reference == NULL || f->share_new == NULL)
        return st__fail(err, ST_ERR_NOMEM, "drift: out of memory for column '%s'", f->name);
    double nr = 0, nc = 0;
    for (size_t i = 0; i < k; i++)
        nr += (double)ref[i], nc += (double)cur[i];
    for (size_t i = 0; i < k; i++) {
        f->share_reference[i] = (double)ref[i] / nr;
        f->share_new[i] = (double)cur[i] / nc;
    }
    f->n_shares = k;
    return ST_OK;
}

static st_status numeric(const st_dataset *ref, size_t jr, const st_dataset *cur, size_t jc,
                         const st_drift_options *opt, st_drift_feature *f, st_error *err)
{
    const size_t nr = st_dataset_n_rows(ref), nc = st_dataset_n_rows(cur);
    const size_t n = nr > nc ? nr : nc;
    float *a = st__malloc_array(nr, sizeof *a), *b = st__malloc_array(nc, sizeof *b);
    uint32_t *k = st__malloc_array(n, sizeof *k), *t = st__malloc_array(n, sizeof *t);
    double *e = NULL;
    size_t *counts = NULL;
    st_status rc = ST_OK;
    if (a == NULL || b == NULL || k == NULL || t == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "drift: out of memory for column '%s'", f->name);
        goto done;
    }
    double sa, sb;
    const size_t na = present_sorted(ref, jr, a, k, t, &sa);
    const size_t nb = present_sorted(cur, jc, b, k, t, &sb);
    f->missing_reference = (double)(nr - na) / (double)nr;
    f->missing_new = (double)(nc - nb) / (double)nc;
    f->mean_reference = na > 0 ? sa / (double)na : NAN;
    f->mean_new = nb > 0 ? sb / (double)nb : NAN;
    size_t ne;
    if ((rc = st__drift_edges(opt, f->name, a, na, &e, &ne, &f->model_bins, err)) != ST_OK)
        goto done;
    const size_t nbins = ne + 2; /* the value bins, then the missing bin */
    if ((counts = st__calloc(2 * nbins, sizeof *counts)) == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "drift: out of memory for column '%s'", f->name);
        goto done;
    }
    bin_sorted(a, na, e, ne, counts);
    bin_sorted(b, nb, e, ne, counts + nbins);
    counts[nbins - 1] = nr - na;
    counts[2 * nbins - 1] = nc - nb;
    f->n_bins = 0;
    for (size_t i = 0; i < nbins; i++)
        f->n_bins += counts[i] + counts[nbins + i] > 0;
    if ((rc = st_drift_psi_counts(counts, counts + nbins, nbins, opt->epsilon, &f->psi, err))
        != ST_OK || (rc = keep_shares(f, counts, counts + nbins, nbins, err)) != ST_OK)
        goto done;
    f->edges = e; /* the result keeps them */
    e = NULL;
    if (na > 0 && nb > 0) /* else no test: NaN */
        rc = st_drift_ks_sorted(a, na, b, nb, &f->ks_statistic, &f->ks_pvalue, err);
done:
    st__free(a), st__free(b), st__free(k), st__free(t), st__free(e), st__free(counts);
    return rc;
}

static int cmp_level(const void *x, const void *y)
{
    const st_drift_level *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->text, b->text);
}

/* Row counts of each level of column j, into c (room for its levels). */
static void level_counts(const st_dataset *ds, size_t j, size_t *c, size_t *missing)
{
    const float *x = st_dataset_feature_values(ds, j);
    const size_t n = st_dataset_n_rows(ds);
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]))
            (*missing)++;
        else
            c[(size_t)x[i]]++;
    }
}

static st_status categorical(const st_dataset *ref, size_t jr, const st_dataset *cur,
                             size_t jc, const st_drift_options *opt, st_drift_feature *f,
                             st_error *err)
{
    const size_t lr = st_dataset_n_levels(ref, jr), lc = st_dataset_n_levels(cur, jc);
    const size_t nr = st_dataset_n_rows(ref), nc = st_dataset_n_rows(cur);
    /* both dictionaries are sorted in byte order: merge them into the union, u levels */
    size_t *cr = st__calloc(lr + 1, sizeof *cr), *cc = st__calloc(lc + 1, sizeof *cc);
    size_t *ur = st__calloc(lr + lc + 1, sizeof *ur), *uc = st__calloc(lr + lc + 1, sizeof *uc);
    st_status rc = ST_OK;
    if (cr == NULL || cc == NULL || ur == NULL || uc == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "drift: out of memory for column '%s'", f->name);
        goto done;
    }
    size_t mr = 0, mc = 0;
    level_counts(ref, jr, cr, &mr);
    level_counts(cur, jc, cc, &mc);
    f->missing_reference = (double)mr / (double)nr;
    f->missing_new = (double)mc / (double)nc;
    size_t u = 0, i = 0, j = 0, n_new = 0;
    while (i < lr || j < lc) {
        int c = i == lr ? 1 : j == lc ? -1
                : strcmp(st_dataset_level(ref, jr, i), st_dataset_level(cur, jc, j));
        ur[u] = c <= 0 ? cr[i] : 0;
        uc[u] = c >= 0 ? cc[j] : 0;
        n_new += c >= 0 && ur[u] == 0 && uc[u] > 0;
        i += c <= 0, j += c >= 0, u++;
    }
    if ((f->levels = st__calloc(u + 1, sizeof *f->levels)) == NULL ||
        (n_new > 0 && (f->new_levels = st__calloc(n_new, sizeof *f->new_levels)) == NULL)) {
        rc = st__fail(err, ST_ERR_NOMEM, "drift: out of memory for column '%s'", f->name);
        goto done;
    }
    /* again, to take the levels' texts */
    i = j = 0;
    for (size_t b = 0; i < lr || j < lc; b++) {
        int c = i == lr ? 1 : j == lc ? -1
                : strcmp(st_dataset_level(ref, jr, i), st_dataset_level(cur, jc, j));
        f->levels[b] = st__strdup(c <= 0 ? st_dataset_level(ref, jr, i) : st_dataset_level(cur, jc, j));
        f->n_shares = b + 2; /* so that the destructor frees the texts taken so far */
        if (f->levels[b] == NULL) {
            rc = st__fail(err, ST_ERR_NOMEM, "drift: out of memory for column '%s'", f->name);
            goto done;
        }
        if (c >= 0 && (c > 0 || cr[i] == 0) && cc[j] > 0) {
            st_drift_level *lv = &f->new_levels[f->n_new_levels];
            if ((lv->text = st__strdup(st_dataset_level(cur, jc, j))) == NULL) {
                rc = st__fail(err, ST_ERR_NOMEM, "drift: out of memory for column '%s'",
                              f->name);
                goto done;
            }
            lv->count = cc[j];
            f->new_level_rows += cc[j];
            f->n_new_levels++;
        }
        i += c <= 0, j += c >= 0;
    }
    if (f->n_new_levels > 1)
        qsort(f->new_levels, f->n_new_levels, sizeof *f->new_levels, cmp_level);
    /* chi-square over the levels only, when both have a level (else NaN: no test) */
    if (nr > mr && nc > mc &&
        (rc = st_drift_chi2_counts(ur, uc, u, &f->chi2, &f->chi2_dof, &f->chi2_pvalue, err))
            != ST_OK)
        goto done;
    ur[u] = mr, uc[u] = mc; /* the missing bin */
    f->n_bins = 0;
    for (size_t b = 0; b <= u; b++)
        f->n_bins += ur[b] + uc[b] > 0;
    rc = st_drift_psi_counts(ur, uc, u + 1, opt->epsilon, &f->psi, err);
    if (rc == ST_OK)
        rc = keep_shares(f, ur, uc, u + 1, err);
done:
    st__free(cr), st__free(cc), st__free(ur), st__free(uc);
    return rc;
}

int st__drift_column_empty(const st_dataset *ds, size_t j)
{
    const float *x = st_dataset_feature_values(ds, j);
    const size_t n = st_dataset_n_rows(ds);
    if (x == NULL)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            return 0;
    return 1;
}

st_status st__drift_column(const st_dataset *ref, size_t jr, const st_dataset *cur, size_t jc,
                           const st_drift_options *opt, st_drift_feature *f, st_error *err)
{
    /* an empty side (all NaN whatever its type) reads as no value in either function */
    f->type = st_dataset_feature_type(ref, jr);
    if (f->type != st_dataset_feature_type(cur, jc) && st__drift_column_empty(ref, jr))
        f->type = st_dataset_feature_type(cur, jc);
    f->psi = f->ks_statistic = f->ks_pvalue = f->chi2 = f->chi2_pvalue = NAN;
    f->mean_reference = f->mean_new = NAN;
    if (f->type == ST_FEATURE_NUMERIC)
        return numeric(ref, jr, cur, jc, opt, f, err);
    return categorical(ref, jr, cur, jc, opt, f, err);
}
