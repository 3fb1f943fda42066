/* The row file of out-of-core logistic regression written straight from a CSV file's text
 * (st_logreg_rowfile_write_text, stratum/logreg_rowfile.h): each row's ordinary columns
 * (from the dataset of the other columns) and term entries (st_text_rows_next) go into the
 * current block as the row is read, so the term columns are never in memory. What the
 * model needs of the term columns is gathered on the way, each column's sums in row
 * order, exactly as logreg_rowfile_write.c and st__lr_column_moments compute them from the
 * columns: the fill (mean), the solver's mean (and scale), the model's column mean, and
 * the fingerprint's row hashes; the two variances, which need those means, come from one
 * more pass over the file once it is written. So the model is the one st_logreg_rowfile_write
 * gives on the dataset st_text_read_csv reads, to the bit (test_text_rowfile). Memory: the
 * ordinary columns, about 40 bytes a row (labels, weights, hashes; the fit's vectors come
 * later), 120 a term column, and the block being written. */
#include "logreg_impl.h"
#include "logreg_rowfile.h"

#include <math.h>
#include <string.h>

#include "core/alloc.h"
#include "core/error.h"

/* What is summed for term column k, in row order (st__lr_sparse_moments and
 * logreg_contrib.c's sparse_moments name them): lo, hi, mu, cin and pos_in of the rows of
 * positive weight c; fill the sum of its values; sum and w_in with the dataset's weights;
 * then the variances of the second pass. */
typedef struct term_sums {
    double lo, hi, mu, cin, fill, sum, w_in, var_lr, var_cm;
    size_t pos_in;
} term_sums;

/* The block being written: whole rows, at most cap entries and max_rows rows. */
typedef struct block {
    uint32_t *len, *col;
    float *val;
    size_t rows, entries, cap, max_rows;
} block;

static st_status flush(st__lr_rowfile *rf, block *b, st_error *err)
{
    st_status rc = ST_OK;
    if (b->rows > 0)
        rc = st__lr_rowfile_append(rf, b->len, b->rows, b->col, b->val, b->entries, err);
    b->rows = b->entries = 0;
    return rc;
}

/* Room for a row of m entries: the block written first when the row does not fit, and
 * grown for a row longer than a block (that row is then a block of its own). */
static st_status make_room(st__lr_rowfile *rf, block *b, size_t m, st_error *err)
{
    st_status rc = ST_OK;
    if (b->rows == b->max_rows || b->entries + m > b->cap)
        rc = flush(rf, b, err);
    if (rc == ST_OK && m > b->cap) {
        uint32_t *col = st__realloc_array(b->col, m, sizeof *col);
        if (col != NULL)
            b->col = col;
        float *val = col != NULL ? st__realloc_array(b->val, m, sizeof *val) : NULL;
        if (val == NULL)
            return st__fail(err, ST_ERR_NOMEM, "out of memory for a row of %zu entries", m);
        b->val = val, b->cap = m;
    }
    return rc;
}

/* Row i: the ordinary columns' non-zero values (a missing one as its fill), then the term
 * entries; the sums of the term columns and the row's hash. */
static st_status write_row(struct st_logreg_rowfile *r, const st_dataset *others,
                           size_t n_o, size_t i, const uint32_t *tc, const float *tv,
                           size_t nt, const float *w, term_sums *ts, block *b, uint64_t *hash,
                           st_error *err)
{
    size_t row_len = 0; /* the row's entries: its values that are not 0 */
    for (size_t j = 0; j < n_o; j++) {
        float v = st_dataset_feature_values(others, j)[i];
        row_len += (isnan(v) ? (float)r->m->features[j].fill : v) != 0;
    }
    for (size_t q = 0; q < nt; q++)
        row_len += tv[q] != 0;
    st_status rc = make_room(&r->rf, b, row_len, err);
    if (rc != ST_OK)
        return rc;
    uint32_t *col = b->col + b->entries;
    float *val = b->val + b->entries;
    size_t e = 0;
    uint64_t h = 0;
    for (size_t j = 0; j < n_o; j++) {
        float v = st_dataset_feature_values(others, j)[i];
        float x = isnan(v) ? (float)r->m->features[j].fill : v;
        if (v != 0.0f)
            h += st__row_hash_numeric_cell(j, v);
        if (x != 0)
            col[e] = (uint32_t)j, val[e++] = x;
    }
    const double ci = r->c[i], wi = w != NULL ? w[i] : 1.0;
    for (size_t q = 0; q < nt; q++) {
        term_sums *s = &ts[tc[q]];
        const size_t j = n_o + tc[q];
        const double x = tv[q];
        s->fill += tv[q];
        if (ci != 0) {
            s->pos_in++;
            s->lo = x < s->lo ? x : s->lo;
            s->hi = x > s->hi ? x : s->hi;
            s->mu += ci * x;
            s->cin += ci;
        }
        s->sum += wi * x;
        s->w_in += wi;
        if (tv[q] != 0.0f) { /* never 0: a term's value is at least 1 / its row's norm */
            h += st__row_hash_numeric_cell(j, tv[q]);
            col[e] = (uint32_t)j, val[e++] = tv[q];
        }
    }
    hash[i] = st__row_hash_finish(h, r->p);
    b->len[b->rows++] = (uint32_t)e;
    b->entries += e;
    return ST_OK;
}

/* The variances from the written file: each term column's entries in row order, as the
 * second loops of st__lr_sparse_moments and sparse_moments run over the column. */
static st_status second_pass(struct st_logreg_rowfile *r, size_t n_o, const float *w,
                             double total, term_sums *ts, size_t nt, st_error *err)
{
    for (size_t k = 0; k < nt; k++) {
        double mu = total > 0 ? ts[k].sum / total : 0;
        ts[k].var_lr = 0;
        ts[k].var_cm = mu * mu * (total - ts[k].w_in);
    }
    st_status rc = st__lr_rowfile_rewind(&r->rf, err);
    size_t i = 0;
    int more = 1;
    while (rc == ST_OK && (rc = st__lr_rowfile_next(&r->rf, &more, err)) == ST_OK && more) {
        const st__lr_rowfile *rf = &r->rf;
        for (size_t row = 0, e = 0; row < rf->block_rows; row++, i++) {
            const double wi = w != NULL ? w[i] : 1.0;
            for (size_t end = e + rf->len[row]; e < end; e++) {
                if (rf->col[e] < n_o)
                    continue;
                term_sums *s = &ts[rf->col[e] - n_o];
                double mu_cm = total > 0 ? s->sum / total : 0;
                double x = rf->val[e] - s->mu, d = rf->val[e] - mu_cm;
                s->var_lr += r->c[i] * x * x;
                s->var_cm += wi * d * d;
            }
        }
    }
    if (rc == ST_OK)
        rc = st__lr_rowfile_rewind(&r->rf, err);
    return rc;
}

/* Term column k's fill, solver mean and scale, and the model's column mean and SD, from
 * its sums, as logreg_rowfile_write.c's plan_feature (st__lr_sparse_moments) and
 * st__lr_column_moments compute them. */
static void term_moments(struct st_logreg_rowfile *r, size_t j, const term_sums *s,
                         size_t n_pos, double total)
{
    st_logreg *m = r->m;
    m->features[j].fill = r->n > 0 ? s->fill / (double)r->n : 0;
    double lo = s->lo, hi = s->hi;
    if (s->pos_in < n_pos) { /* a row of positive weight holds an implicit 0 */
        lo = 0 < lo ? 0 : lo;
        hi = 0 > hi ? 0 : hi;
    }
    if (!(lo < hi)) {
        r->mean[j] = lo < INFINITY ? lo : 0;
        r->scale[j] = 0;
    } else {
        double var = s->var_lr + s->mu * s->mu * fmax(0, 1 - s->cin);
        double sd = r->prm.standardize ? sqrt(var) : 1.0;
        r->mean[j] = s->mu;
        r->scale[j] = sd > 0 ? sd : 1.0;
    }
    m->col_mean[j] = total > 0 ? s->sum / total : 0;
    m->col_sd[j] = total > 0 ? sqrt(fmax(s->var_cm, 0) / total) : 0;
}

/* The term columns' features (named by rows), and the ordinary columns' moments. */
static st_status plan(struct st_logreg_rowfile *r, const st_dataset *others,
                      const st_text_rows *rows, size_t n_o, st_error *err)
{
    st_status rc = st__lr_rowfile_plan(others, r, err);
    for (size_t j = n_o; rc == ST_OK && j < r->p; j++) {
        st__lr_feature *f = &r->m->features[j];
        f->type = ST_FEATURE_NUMERIC;
        f->col = j;
        f->indicator = -1;
        if ((f->name = st__strdup(st_text_rows_feature_name(rows, j - n_o))) == NULL ||
            (r->m->coef_names[j] = st__strdup(f->name)) == NULL)
            rc = st__fail(err, ST_ERR_NOMEM, "out of memory for the names of %zu columns",
                          r->p);
    }
    if (rc != ST_OK)
        return rc;
    /* the ordinary columns' moments as for any dataset (its features are the model's
     * first n_o); the term columns' come from their sums */
    st_logreg *m = r->m;
    const size_t all = m->n_features;
    m->n_features = n_o;
    rc = st__lr_column_moments(m, others, r->mean, NULL, 1, err);
    m->n_features = all;
    return rc != ST_OK ? rc : st__post_set_positive_class(&m->post, others, err);
}

/* Training needs labels of both classes and a feature (as st_dataset_check_trainable,
 * the term columns counted). */
static st_status check_trainable(const st_dataset *others, size_t p, st_error *err)
{
    if (st_dataset_n_features(others) > 0 || p == 0)
        return st_dataset_check_trainable(others, err);
    st_label_summary s;
    st_status rc = st_dataset_label_summary(others, &s, err);
    if (rc == ST_OK && (s.n_positive == 0 || s.n_negative == 0))
        rc = st__fail(err, ST_ERR_DATA, "every row of label '%s' is %s (%zu rows); training "
                      "a classifier needs rows of both classes", st_dataset_label_name(others),
                      s.n_positive == 0 ? "negative" : "positive", st_dataset_n_rows(others));
    else if (rc == ST_OK && !(s.weighted_positive_rate > 0.0 && s.weighted_positive_rate < 1.0))
        rc = st__fail(err, ST_ERR_DATA, "the weights of one class sum to zero; training needs "
                      "positive weight on both classes");
    return rc;
}

st_status st_logreg_rowfile_write_text(const st_dataset *others, st_text_rows *rows,
                                       const st_logreg_params *params, const char *temp_dir,
                                       st_logreg_rowfile **out, st_error *err)
{
    if (out != NULL)
        *out = NULL;
    if (others == NULL || rows == NULL || out == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_rowfile_write_text: NULL argument");
    st_logreg_params prm = params != NULL ? *params : st_logreg_params_default();
    const size_t n = st_dataset_n_rows(others), n_o = st_dataset_n_features(others);
    const size_t nt = st_text_rows_n_terms(rows), p = n_o + nt;
    st_status rc = st__lr_rowfile_check(&prm, n, p, err);
    if (rc == ST_OK)
        rc = check_trainable(others, p, err);
    if (rc != ST_OK)
        return rc;
    st_logreg_rowfile *r = st__lr_rowfile_new(n, p, &prm);
    term_sums *ts = st__malloc_array(nt ? nt : 1, sizeof *ts);
    uint64_t *hash = st__malloc_array(n ? n : 1, sizeof *hash);
    block b = {.cap = ST__LR_ROWFILE_BLOCK_ENTRIES};
    b.max_rows = b.cap < n ? b.cap : n;
    b.len = st__malloc_array(b.max_rows + 1, sizeof *b.len);
    b.col = st__malloc_array(b.cap, sizeof *b.col);
    b.val = st__malloc_array(b.cap, sizeof *b.val);
    if (r == NULL || ts == NULL || hash == NULL || b.len == NULL || b.col == NULL ||
        b.val == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory for %zu rows and %zu columns", n, p);
        goto done;
    }
    for (size_t k = 0; k < nt; k++)
        ts[k] = (term_sums){.lo = INFINITY, .hi = -INFINITY};
    const float *w = st_dataset_weights(others);
    double total = 0; /* the rows' weight, as st__lr_column_moments sums it */
    size_t n_pos = 0;  /* rows of positive weight in the fit */
    for (size_t i = 0; i < n; i++)
        total += w != NULL ? w[i] : 1.0;
    if ((rc = st__lr_row_weights(others, &r->prm, r->y, r->c, &r->total, err)) != ST_OK ||
        (rc = plan(r, others, rows, n_o, err)) != ST_OK ||
        (rc = st__lr_rowfile_create(&r->rf, temp_dir, n, p, err)) != ST_OK)
        goto done;
    for (size_t i = 0; i < n; i++)
        n_pos += r->c[i] > 0;
    for (size_t i = 0; i < n && rc == ST_OK; i++) {
        const uint32_t *tc;
        const float *tv;
        size_t m;
        if ((rc = st_text_rows_next(rows, &tc, &tv, &m, err)) == ST_OK)
            rc = write_row(r, others, n_o, i, tc, tv, m, w, ts, &b, hash, err);
    }
    if (rc == ST_OK && (rc = flush(&r->rf, &b, err)) == ST_OK &&
        (rc = st__lr_rowfile_finish(&r->rf, err)) == ST_OK &&
        (rc = second_pass(r, n_o, w, total, ts, nt, err)) == ST_OK)
        rc = st__row_sketch_from_hashes(hash, n, &r->m->sketch, err);
    for (size_t k = 0; rc == ST_OK && k < nt; k++)
        term_moments(r, n_o + k, &ts[k], n_pos, total);
done:
    st__free(ts), st__free(hash), st__free(b.len), st__free(b.col), st__free(b.val);
    if (rc != ST_OK) {
        st_logreg_rowfile_free(r);
        return rc;
    }
    *out = r;
    return ST_OK;
}
