/* Partition independence of GBDT training (gbdt_train_core.h): the rows of one binned
 * dataset split into contiguous ranges, each trained by its own "rank" (a thread here)
 * through st__gbdt_train_core with a reducer that sums and maxes across the ranks, give
 * the byte-identical model file st_gbdt_train gives on all the rows in one process; with
 * bagging, feature sampling, balanced class weights, row weights, missing values and a
 * categorical feature. And the fixed-point histograms they rest on: exact subtraction,
 * the same on any thread count, and scales that cannot overflow. */
#define _POSIX_C_SOURCE 200809L /* pthread barriers */
#include "test_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gbdt/gbdt_rand.h"
#include "gbdt/gbdt_train_core.h"

enum { MAX_RANKS = 4 };

/* ---- an in-process reducer: ranks are threads meeting at a barrier ---- */

typedef struct world {
    int n_ranks;
    pthread_barrier_t barrier;
    int64_t *i64[MAX_RANKS]; /* each rank's vector during a call */
    double *f64[MAX_RANKS];
    size_t n[MAX_RANKS];
    int mismatch;           /* some call had ranks disagree on n */
    size_t calls[MAX_RANKS];
} world;

typedef struct rank_ctx {
    world *w;
    int rank;
} rank_ctx;

/* Every rank publishes its vector; after the barrier each computes the elementwise
 * result over all ranks in rank order into a copy, waits until all have read, then
 * writes it back into its own vector. */
static st_status sum_i64(void *ctx, int64_t *v, size_t n, st_error *err)
{
    (void)err;
    rank_ctx *c = ctx;
    world *w = c->w;
    w->i64[c->rank] = v;
    w->n[c->rank] = n;
    w->calls[c->rank]++;
    pthread_barrier_wait(&w->barrier);
    int64_t *out = malloc((n ? n : 1) * sizeof *out);
    assert_non_null(out);
    for (size_t k = 0; k < n; k++) {
        int64_t s = 0;
        for (int r = 0; r < w->n_ranks; r++) {
            if (w->n[r] != n)
                w->mismatch = 1;
            else
                s += w->i64[r][k];
        }
        out[k] = s;
    }
    pthread_barrier_wait(&w->barrier);
    memcpy(v, out, n * sizeof *v);
    free(out);
    pthread_barrier_wait(&w->barrier);
    return ST_OK;
}

static st_status max_f64(void *ctx, double *v, size_t n, st_error *err)
{
    (void)err;
    rank_ctx *c = ctx;
    world *w = c->w;
    w->f64[c->rank] = v;
    w->n[c->rank] = n;
    w->calls[c->rank]++;
    pthread_barrier_wait(&w->barrier);
    double *out = malloc((n ? n : 1) * sizeof *out);
    assert_non_null(out);
    for (size_t k = 0; k < n; k++) {
        double m = -INFINITY;
        for (int r = 0; r < w->n_ranks; r++) {
            if (w->n[r] != n)
                w->mismatch = 1;
            else if (w->f64[r][k] > m)
                m = w->f64[r][k];
        }
        out[k] = m;
    }
    pthread_barrier_wait(&w->barrier);
    memcpy(v, out, n * sizeof *v);
    free(out);
    pthread_barrier_wait(&w->barrier);
    return ST_OK;
}

/* ---- data ---- */

/* Numeric features (one with missing values, one with ties), a categorical one with a
 * missing level, a row weight column and an imbalanced noisy label. */
static st_dataset *clinical(size_t n, uint64_t seed)
{
    size_t cap = n * 96 + 64, len = 0;
    char *csv = malloc(cap);
    assert_non_null(csv);
    len += (size_t)snprintf(csv, cap, "age,marker,site,score,w,label\n");
    static const char *const sites[] = {"north", "south", "east", "west", "", "centre"};
    uint64_t rng = seed;
    for (size_t i = 0; i < n; i++) {
        double age = 20 + st__gbdt_rand_unit(&rng) * 60, marker = st__gbdt_rand_unit(&rng);
        int s = (int)(st__gbdt_rand_unit(&rng) * 6);
        double score = floor(st__gbdt_rand_unit(&rng) * 12);
        double z = (age - 60) * 0.08 + (s == 1 ? 1.2 : s == 3 ? -0.8 : 0) + 1.5 * marker +
                   0.1 * score + 1.5 * (st__gbdt_rand_unit(&rng) - 0.5) - 1.2;
        double w = 0.5 + st__gbdt_rand_unit(&rng) * 2;
        char mv[32];
        if (st__gbdt_rand_unit(&rng) < 0.15)
            snprintf(mv, sizeof mv, "NA");
        else
            snprintf(mv, sizeof mv, "%.5f", marker);
        len += (size_t)snprintf(csv + len, cap - len, "%.3f,%s,%s,%g,%.4f,%d\n", age, mv,
                                sites[s], score, w, z > 0.5);
    }
    st_read_options opt = st_read_options_default();
    opt.weight = "w";
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer(csv, len, "clinical", &opt, &ds, &err) != ST_OK)
        fail_msg("%s", err.message);
    free(csv);
    return ds;
}

/* The bins of rows [r0, r1) of b: the same bounds and level bins, those rows' codes. */
static st__gbdt_bins slice_bins(const st__gbdt_bins *b, size_t r0, size_t r1)
{
    st__gbdt_bins s = *b;
    const size_t n = r1 - r0, nf = b->n_features;
    s.n_rows = n;
    s.codes = malloc(n * nf + 1);
    s.cols = malloc(n * nf + 1);
    assert_true(s.codes != NULL && s.cols != NULL && !b->wide);
    memcpy(s.codes, b->codes + r0 * nf, n * nf);
    for (size_t j = 0; j < nf; j++)
        memcpy(s.cols + j * n, b->cols + j * b->n_rows + r0, n);
    return s;
}

/* The bytes of m's model file. */
static char *model_bytes(const st_gbdt *m, const char *tag, size_t *len)
{
    char path[256];
    snprintf(path, sizeof path, "test_gbdt_partition_%ld_%s.model", (long)getpid(), tag);
    st_error err;
    if (st_gbdt_save(m, path, &err) != ST_OK)
        fail_msg("%s", err.message);
    char *buf = read_all_n(path, len);
    remove(path);
    return buf;
}

/* ---- ranks ---- */

typedef struct rank_job {
    rank_ctx ctx;
    st__gbdt_reducer reducer;
    st__gbdt_train_data data;
    const st_gbdt_params *prm;
    st_gbdt *model;
    st_status rc;
    char message[ST_ERROR_MESSAGE_SIZE];
} rank_job;

static void *run_rank(void *arg)
{
    rank_job *job = arg;
    st_error err;
    job->rc = st__gbdt_train_core(&job->data, NULL, job->prm, NULL, &job->model, &err);
    if (job->rc != ST_OK)
        memcpy(job->message, err.message, sizeof job->message);
    return NULL;
}

/* Trains ds on n_ranks ranks holding the rows [cut[r], cut[r + 1]) and checks that every
 * rank's model file is ref's. */
static void check_ranks(const st_dataset *ds, const st_gbdt_params *prm, int n_ranks,
                        const size_t *cut, const char *ref, size_t ref_len)
{
    const size_t n = st_dataset_n_rows(ds);
    st__gbdt_schema schema;
    assert_int_equal(st__gbdt_schema_from_dataset(ds, &schema, NULL), ST_OK);
    st__gbdt_bins all;
    assert_int_equal(st__gbdt_bins_build(ds, prm, 1, &all, NULL), ST_OK);
    world w = {.n_ranks = n_ranks};
    pthread_barrier_init(&w.barrier, NULL, (unsigned)n_ranks);
    rank_job jobs[MAX_RANKS];
    st__gbdt_bins part[MAX_RANKS];
    pthread_t th[MAX_RANKS];
    const float *y = st_dataset_labels(ds), *wt = st_dataset_weights(ds);
    for (int r = 0; r < n_ranks; r++) {
        part[r] = slice_bins(&all, cut[r], cut[r + 1]);
        rank_job *job = &jobs[r];
        memset(job, 0, sizeof *job);
        job->ctx = (rank_ctx){&w, r};
        job->reducer = (st__gbdt_reducer){&job->ctx, sum_i64, max_f64};
        job->data = (st__gbdt_train_data){.schema = &schema, .bins = &part[r],
                                          .n_rows = cut[r + 1] - cut[r], .row0 = cut[r],
                                          .n_rows_global = n, .y = y + cut[r],
                                          .w = wt + cut[r], .reducer = &job->reducer};
        job->prm = prm;
    }
    for (int r = 0; r < n_ranks; r++)
        assert_int_equal(pthread_create(&th[r], NULL, run_rank, &jobs[r]), 0);
    for (int r = 0; r < n_ranks; r++)
        pthread_join(th[r], NULL);
    assert_int_equal(w.mismatch, 0);
    for (int r = 0; r < n_ranks; r++) {
        if (jobs[r].rc != ST_OK)
            fail_msg("rank %d: %s", r, jobs[r].message);
        assert_true(w.calls[r] == w.calls[0] && w.calls[r] > 0);
        char tag[16];
        snprintf(tag, sizeof tag, "rank%d", r);
        size_t len;
        char *bytes = model_bytes(jobs[r].model, tag, &len);
        assert_int_equal(len, ref_len);
        assert_memory_equal(bytes, ref, len);
        free(bytes);
        st_gbdt_free(jobs[r].model);
        free(part[r].codes);
        free(part[r].cols);
    }
    pthread_barrier_destroy(&w.barrier);
    st__gbdt_bins_free(&all);
    st__gbdt_schema_free(&schema);
}

static st_gbdt_params sampled_params(int n_threads)
{
    st_gbdt_params p = st_gbdt_params_default();
    p.num_trees = 25;
    p.num_leaves = 15;
    p.min_data_in_leaf = 10;
    p.learning_rate = 0.2;
    p.bagging_fraction = 0.7;
    p.bagging_freq = 2;
    p.feature_fraction = 0.6;
    p.class_weight = ST_CLASS_WEIGHT_BALANCED;
    p.max_cat_to_onehot = 2; /* the six site levels take the gradient-sorted split */
    p.min_data_per_group = 20;
    p.seed = 11;
    p.n_threads = n_threads;
    return p;
}

/* Three (and four, one of them empty) contiguous ranks give st_gbdt_train's model. */
static void test_ranks_equal_one_process(void **state)
{
    (void)state;
    enum { N = 3000 };
    st_dataset *ds = clinical(N, 5);
    const st_gbdt_params prm = sampled_params(1);
    st_gbdt *m = NULL;
    st_error err;
    if (st_gbdt_train(ds, &prm, &m, &err) != ST_OK)
        fail_msg("%s", err.message);
    /* the model does split on the categorical feature, and out-of-bag rows exist */
    int cat_split = 0;
    for (size_t k = 0; k < m->node_start[m->n_trees]; k++)
        cat_split |= m->nodes[k].cat_set != 0;
    assert_true(cat_split);
    assert_int_equal(m->n_trees, 25);
    /* the ranks run the training core alone, which keeps no training-rows fingerprint
       (st_gbdt_train adds it): compare without it */
    st__row_sketch_free(&m->sketch);
    size_t ref_len;
    char *ref = model_bytes(m, "one", &ref_len);
    const size_t three[4] = {0, 1100, 1101, N}; /* uneven, one rank of a single row */
    check_ranks(ds, &prm, 3, three, ref, ref_len);
    const size_t four[5] = {0, 700, 700, 2400, N}; /* an empty rank */
    check_ranks(ds, &prm, 4, four, ref, ref_len);
    /* and with two threads per rank */
    const st_gbdt_params two = sampled_params(2);
    check_ranks(ds, &two, 3, three, ref, ref_len);
    free(ref);
    st_gbdt_free(m);
    st_dataset_free(ds);
}

/* A big leaf (enough (row, feature) pairs for two threads): the histogram built on one
 * thread, on two, and the parent's minus a child's are the same integers. */
static void test_hist_exact_any_threads(void **state)
{
    (void)state;
    enum { N = 120000, NF = 3 };
    float *x = malloc(NF * N * sizeof *x), *y = malloc(N * sizeof *y);
    st__gbdt_gh *gh = malloc(N * sizeof *gh);
    uint32_t *rows = malloc(N * sizeof *rows), *scratch = malloc(N * sizeof *scratch);
    assert_true(x && y && gh && rows && scratch);
    uint64_t rng = 3;
    const int s = st__gbdt_fixed_scale(1.0, N);
    for (int i = 0; i < N; i++) {
        for (int j = 0; j < NF; j++) {
            const double u = st__gbdt_rand_unit(&rng);
            x[j * N + i] = u < 0.1 ? NAN : (float)(u * 100);
        }
        y[i] = (float)(i % 2);
        gh[i].g = st__gbdt_to_fixed(2 * st__gbdt_rand_unit(&rng) - 1, s);
        gh[i].h = st__gbdt_to_fixed(st__gbdt_rand_unit(&rng), s);
        rows[i] = (uint32_t)i;
    }
    st_dataset *ds = NULL;
    const char *names[NF] = {"a", "b", "c"};
    assert_int_equal(st_dataset_from_arrays(N, NF, x, y, NULL, names, &ds, NULL), ST_OK);
    st_gbdt_params p = st_gbdt_params_default();
    st__gbdt_bins b;
    assert_int_equal(st__gbdt_bins_build(ds, &p, 2, &b, NULL), ST_OK);
    const size_t tb = b.total_bins;
    st__gbdt_hist_cell *one = calloc(tb, sizeof *one), *two = calloc(tb, sizeof *two);
    st__gbdt_hist_cell *left = calloc(tb, sizeof *left), *right = calloc(tb, sizeof *right);
    st__gbdt_hist_cell *work = calloc(tb, sizeof *work);
    const uint32_t feats[NF] = {0, 1, 2};
    st__gbdt_hist_build(&b, feats, NF, NULL, N, gh, one, NULL, 1);
    st__gbdt_hist_build(&b, feats, NF, NULL, N, gh, two, work, 2);
    assert_memory_equal(one, two, tb * sizeof *one);
    const size_t nl = st__gbdt_partition(rows, N, &b, 0, 100, 0, scratch);
    assert_true(nl > N / 4 && nl < 3 * N / 4);
    /* the grower's entry point follows the split's kind: a threshold as above, and a set
       of bins (every third bin left, the missing one too) as st__gbdt_partition_set */
    uint32_t *rows2 = malloc(N * sizeof *rows2);
    assert_true(rows2 != NULL);
    for (int i = 0; i < N; i++)
        rows2[i] = (uint32_t)i;
    st__gbdt_split sp = {.feature = 0, .bin = 100, .default_left = 0};
    assert_int_equal(st__gbdt_partition_split(rows2, N, &b, &sp, scratch), nl);
    assert_memory_equal(rows2, rows, N * sizeof *rows);
    st__gbdt_split set = {.feature = 1, .categorical = 1};
    for (int k = 0; k < 256; k += 3)
        set.left_bins[k / 32] |= 1u << (k % 32);
    uint32_t *rows3 = malloc(N * sizeof *rows3);
    assert_non_null(rows3);
    for (int i = 0; i < N; i++)
        rows2[i] = rows3[i] = (uint32_t)(N - 1 - i) / 2 * 2; /* repeats, not sorted */
    const size_t n_set = st__gbdt_partition_set(rows3, N, &b, 1, set.left_bins, scratch);
    assert_true(n_set > N / 5 && n_set < N / 2);
    assert_int_equal(st__gbdt_partition_split(rows2, N, &b, &set, scratch), n_set);
    assert_memory_equal(rows2, rows3, N * sizeof *rows3);
    free(rows2);
    free(rows3);
    st__gbdt_hist_build(&b, feats, NF, rows, nl, gh, left, work, 2);
    st__gbdt_hist_build(&b, feats, NF, rows + nl, N - nl, gh, right, NULL, 1);
    st__gbdt_hist_subtract(&b, feats, NF, one, left);
    assert_memory_equal(one, right, tb * sizeof *one);
    free(one);
    free(two);
    free(left);
    free(right);
    free(work);
    st__gbdt_bins_free(&b);
    st_dataset_free(ds);
    free(x);
    free(y);
    free(gh);
    free(rows);
    free(scratch);
}

/* Hand-derived scales: max < 2^e and n <= 2^k give 62 - e - k, so n values of the
 * largest magnitude sum to at most 2^62; and a million values are kept to 2^-41 of max
 * or better. */
static void test_fixed_scale(void **state)
{
    (void)state;
    assert_int_equal(st__gbdt_fixed_scale(1.0, 1u << 20), 62 - 1 - 20);
    assert_int_equal(st__gbdt_fixed_scale(0.75, 3), 62 - 0 - 2);
    assert_int_equal(st__gbdt_fixed_scale(0.25, 1000000), 62 + 1 - 20);
    assert_int_equal(st__gbdt_fixed_scale(0, 10), 0);
    const double maxes[] = {1e-9, 0.25, 0.999999, 1.0, 3.5, 1e6};
    const uint64_t ns[] = {1, 2, 3, 1000, 1000000, (uint64_t)1 << 33};
    for (size_t a = 0; a < sizeof maxes / sizeof *maxes; a++)
        for (size_t c = 0; c < sizeof ns / sizeof *ns; c++) {
            const int s = st__gbdt_fixed_scale(maxes[a], ns[c]);
            const int64_t q = st__gbdt_to_fixed(maxes[a], s);
            /* n copies of the largest value stay within 2^62, and 2 max would not */
            assert_true((double)q * (double)ns[c] <= 0x1p62);
            assert_true(2 * maxes[a] * ldexp(1, s) * (double)ns[c] > 0x1p61);
            assert_true(st__gbdt_to_fixed(-maxes[a], s) == -q);
            assert_true(fabs(st__gbdt_from_fixed(q, s) - maxes[a]) <= ldexp(0.5, -s));
        }
    /* a million rows: the resolution 2^-s is 2^-41 of a max of 1 or better */
    assert_true(st__gbdt_fixed_scale(1.0, 1000000) >= 41);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_scale),
        cmocka_unit_test(test_hist_exact_any_threads),
        cmocka_unit_test(test_ranks_equal_one_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
