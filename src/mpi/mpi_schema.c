/* The features of a distributed training: the same columns on every rank, and categorical
 * dictionaries merged so that level codes mean what they mean to one process reading the
 * whole file (its dictionary holds every level of the file, in byte order). */
#include "mpi_schema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "data/dataset_impl.h"
#include "core/error.h"

void st__mpi_schema_free(st__mpi_schema *s)
{
    if (s->remap != NULL)
        for (size_t j = 0; j < s->n_features; j++)
            st__free(s->remap[j]);
    st__free(s->remap);
    st_dataset_free(s->global);
    memset(s, 0, sizeof *s);
}

/* Rank 0's columns as text: "w" when weighted, then per feature its type ('n' or 'c') and
 * name, NUL-terminated. */
static char *describe(const st_dataset *ds, size_t *len)
{
    size_t n = 2;
    for (size_t j = 0; j < st_dataset_n_features(ds); j++)
        n += 2 + strlen(st_dataset_feature_name(ds, j));
    char *t = st__malloc(n);
    if (t == NULL)
        return NULL;
    size_t at = 0;
    t[at++] = st_dataset_weights(ds) != NULL ? 'w' : '-';
    for (size_t j = 0; j < st_dataset_n_features(ds); j++) {
        t[at++] = st_dataset_feature_type(ds, j) == ST_FEATURE_CATEGORICAL ? 'c' : 'n';
        const size_t k = strlen(st_dataset_feature_name(ds, j)) + 1;
        memcpy(t + at, st_dataset_feature_name(ds, j), k);
        at += k;
    }
    *len = at;
    return t;
}

/* Does the local dataset have the columns rank 0 described? */
static st_status same_columns(const st_dataset *ds, const char *t, size_t len, st_error *err)
{
    const char *end = t + len;
    if ((st_dataset_weights(ds) != NULL) != (*t == 'w'))
        return st__fail(err, ST_ERR_DATA, "this rank's rows %s row weights and rank 0's %s",
                        st_dataset_weights(ds) != NULL ? "have" : "have no",
                        *t == 'w' ? "do" : "do not");
    t++;
    size_t j = 0;
    for (; t < end; j++) {
        const char type = *t++;
        const char *name = t;
        t += strlen(t) + 1;
        if (j >= st_dataset_n_features(ds))
            break;
        if (strcmp(name, st_dataset_feature_name(ds, j)) != 0)
            return st__fail(err, ST_ERR_DATA, "feature %zu is '%s' in this rank's rows and "
                            "'%s' in rank 0's; every rank needs the same columns", j + 1,
                            st_dataset_feature_name(ds, j), name);
        const int cat = st_dataset_feature_type(ds, j) == ST_FEATURE_CATEGORICAL;
        if (cat != (type == 'c'))
            return st__fail(err, ST_ERR_DATA, "column '%s' holds %s in this rank's rows but "
                            "%s in rank 0's, so one process would read it as categorical and "
                            "this rank cannot tell which numbers it wrote how; give the "
                            "column a non-number level in each rank's part, or use fewer "
                            "ranks", name, cat ? "text" : "only numbers",
                            cat ? "only numbers" : "text");
    }
    if (j != st_dataset_n_features(ds))
        return st__fail(err, ST_ERR_DATA, "this rank's rows have %zu features and rank 0's "
                        "%zu; every rank needs the same columns", st_dataset_n_features(ds), j);
    return ST_OK;
}

static st_status check_columns(st__mpi_ctx *c, const st_dataset *ds, st_error *err)
{
    size_t len = 0;
    char *t = c->rank == 0 ? describe(ds, &len) : NULL;
    unsigned long long n = len;
    st_status rc = c->rank == 0 && t == NULL
                       ? st__fail(err, ST_ERR_NOMEM, "out of memory describing the columns")
                       : ST_OK;
    if ((rc = st__mpi_agree(c, rc, err)) != ST_OK)
        return rc;
    int mrc = MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, c->comm);
    if (mrc != MPI_SUCCESS) {
        st__free(t);
        return st__mpi_fail(err, "MPI_Bcast (columns)", mrc);
    }
    if (c->rank != 0 && (t = st__malloc(n ? n : 1)) == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for rank 0's columns");
    if ((rc = st__mpi_agree(c, rc, err)) != ST_OK) {
        st__free(t);
        return rc;
    }
    if (n > (unsigned long long)INT32_MAX) {
        st__free(t);
        return st__fail(err, ST_ERR_DATA, "the column names take %llu bytes; at most 2 GB "
                        "are supported", n);
    }
    mrc = MPI_Bcast(t, (int)n, MPI_CHAR, 0, c->comm);
    if (mrc != MPI_SUCCESS) {
        st__free(t);
        return st__mpi_fail(err, "MPI_Bcast (columns)", mrc);
    }
    rc = c->rank == 0 ? ST_OK : same_columns(ds, t, (size_t)n, err);
    st__free(t);
    return st__mpi_agree(c, rc, err);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every rank's levels of every categorical feature, gathered: texts[] points into the
 * gathered buffer, feature by feature within each rank. */
typedef struct gathered {
    char *buf;
    int *n_levels;   /* size x n_cat: rank r's level count of its k-th categorical feature */
} gathered;

static st_status gather_levels(st__mpi_ctx *c, const st_dataset *ds, const size_t *cat,
                               size_t n_cat, gathered *g, int **bytes_out, st_error *err)
{
    size_t len = 0;
    for (size_t k = 0; k < n_cat; k++)
        for (size_t l = 0; l < st_dataset_n_levels(ds, cat[k]); l++)
            len += strlen(st_dataset_level(ds, cat[k], l)) + 1;
    char *mine = st__malloc(len ? len : 1);
    int *counts = st__malloc_array(n_cat ? n_cat : 1, sizeof *counts);
    int *bytes = st__malloc_array((size_t)c->size, sizeof *bytes);
    int *displs = st__malloc_array((size_t)c->size, sizeof *displs);
    g->n_levels = st__malloc_array((size_t)c->size * (n_cat ? n_cat : 1), sizeof *g->n_levels);
    st_status rc = ST_OK;
    if (mine == NULL || counts == NULL || bytes == NULL || displs == NULL ||
        g->n_levels == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory gathering the categorical levels");
    else if (len > (size_t)INT32_MAX)
        rc = st__fail(err, ST_ERR_DATA, "this rank's categorical levels take %zu bytes; at "
                      "most 2 GB are supported", len);
    if (rc == ST_OK) {
        size_t at = 0;
        for (size_t k = 0; k < n_cat; k++) {
            counts[k] = (int)st_dataset_n_levels(ds, cat[k]);
            for (size_t l = 0; l < (size_t)counts[k]; l++) {
                const char *text = st_dataset_level(ds, cat[k], l);
                memcpy(mine + at, text, strlen(text) + 1);
                at += strlen(text) + 1;
            }
        }
    }
    if ((rc = st__mpi_agree(c, rc, err)) != ST_OK)
        goto done;
    int mlen = (int)len, mrc;
    if ((mrc = MPI_Allgather(&mlen, 1, MPI_INT, bytes, 1, MPI_INT, c->comm)) != MPI_SUCCESS ||
        (mrc = MPI_Allgather(counts, (int)n_cat, MPI_INT, g->n_levels, (int)n_cat, MPI_INT,
                             c->comm)) != MPI_SUCCESS) {
        rc = st__mpi_fail(err, "MPI_Allgather (levels)", mrc);
        goto done;
    }
    size_t total = 0;
    for (int r = 0; r < c->size; r++) {
        displs[r] = (int)total;
        total += (size_t)bytes[r];
    }
    if (total > (size_t)INT32_MAX)
        rc = st__fail(err, ST_ERR_DATA, "the categorical levels of all ranks take %zu bytes; "
                      "at most 2 GB are supported", total);
    else if ((g->buf = st__malloc(total ? total : 1)) == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for %zu bytes of categorical levels",
                      total);
    if ((rc = st__mpi_agree(c, rc, err)) != ST_OK)
        goto done;
    if ((mrc = MPI_Allgatherv(mine, mlen, MPI_CHAR, g->buf, bytes, displs, MPI_CHAR,
                              c->comm)) != MPI_SUCCESS)
        rc = st__mpi_fail(err, "MPI_Allgatherv (levels)", mrc);
done:
    st__free(mine);
    st__free(counts);
    st__free(displs);
    *bytes_out = bytes;
    return rc;
}

/* The union of every rank's levels of categorical feature k, sorted and distinct, into
 * the global dataset's feature j; and the local codes' global codes. */
static st_status merge_feature(const st__mpi_ctx *c, const gathered *g, const int *bytes,
                               size_t n_cat, size_t k, const st_dataset *ds, size_t j,
                               st__mpi_schema *s, st_error *err)
{
    size_t n = 0;
    for (int r = 0; r < c->size; r++)
        n += (size_t)g->n_levels[(size_t)r * n_cat + k];
    const char **all = st__malloc_array(n ? n : 1, sizeof *all);
    if (all == NULL)
        return st__fail(err, ST_ERR_NOMEM, "out of memory merging %zu levels", n);
    size_t at = 0, base = 0;
    for (int r = 0; r < c->size; r++) {
        const char *p = g->buf + base;
        for (size_t kk = 0; kk < n_cat; kk++)
            for (int l = 0; l < g->n_levels[(size_t)r * n_cat + kk]; l++) {
                if (kk == k)
                    all[at++] = p;
                p += strlen(p) + 1;
            }
        base += (size_t)bytes[r];
    }
    qsort(all, n, sizeof *all, by_text);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (u == 0 || strcmp(all[u - 1], all[i]) != 0)
            all[u++] = all[i];
    st__feature *f = &s->global->features[j];
    f->type = ST_FEATURE_CATEGORICAL;
    st_status rc = ST_OK;
    for (size_t i = 0; i < u && rc == ST_OK; i++)
        if (st__category_dict_intern(&f->levels, all[i], strlen(all[i])) < 0)
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory merging %zu levels", u);
    const size_t k_local = st_dataset_n_levels(ds, j);
    if (rc == ST_OK &&
        (s->remap[j] = st__malloc_array(k_local ? k_local : 1, sizeof *s->remap[j])) == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory merging %zu levels", u);
    for (size_t l = 0; rc == ST_OK && l < k_local; l++)
        s->remap[j][l] =
            (uint32_t)st__level_index((char *const *)all, u, st_dataset_level(ds, j, l));
    st__free(all);
    return rc;
}

st_status st__mpi_schema_build(st__mpi_ctx *c, const st_dataset *ds, size_t n_sample,
                               st__mpi_schema *s, st_error *err)
{
    memset(s, 0, sizeof *s);
    st_status rc = check_columns(c, ds, err);
    if (rc != ST_OK)
        return rc;
    const size_t nf = st_dataset_n_features(ds);
    s->n_features = nf;
    s->global = st__dataset_new(nf, n_sample, 0, 0);
    s->remap = st__calloc(nf ? nf : 1, sizeof *s->remap);
    size_t *cat = st__malloc_array(nf ? nf : 1, sizeof *cat), n_cat = 0;
    if (s->global == NULL || s->remap == NULL || cat == NULL)
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the features of %zu columns", nf);
    for (size_t j = 0; rc == ST_OK && j < nf; j++) {
        const char *name = st_dataset_feature_name(ds, j);
        if (!st__dataset_set_name(s->global, j, name, strlen(name)))
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the features of %zu columns",
                          nf);
        if (st_dataset_feature_type(ds, j) == ST_FEATURE_CATEGORICAL)
            cat[n_cat++] = j;
    }
    if ((rc = st__mpi_agree(c, rc, err)) != ST_OK)
        goto done;
    gathered g = {0};
    int *bytes = NULL;
    rc = gather_levels(c, ds, cat, n_cat, &g, &bytes, err);
    for (size_t k = 0; rc == ST_OK && k < n_cat; k++)
        rc = merge_feature(c, &g, bytes, n_cat, k, ds, cat[k], s, err);
    st__free(g.buf);
    st__free(g.n_levels);
    st__free(bytes);
    rc = st__mpi_agree(c, rc, err);
done:
    st__free(cat);
    if (rc != ST_OK)
        st__mpi_schema_free(s);
    return rc;
}
