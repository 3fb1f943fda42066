/* Text columns on the command line (cli_text.h). */
#include "cli_text.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <stratum/logreg_rowfile.h>

const char cli_text_help[] =
    "Text columns (docs/text.md):\n"
    "  --text-col COL         a column of free text, made sparse term columns named\n"
    "                         'COL:term' (repeat for more columns); the featurizer is\n"
    "                         learned on the training rows and saved in the model\n"
    "  --ngrams A-B           word n-grams from A to B words, 1 <= A <= B <= 8 (default: 1-1)\n"
    "  --tfidf                weigh terms by their smooth IDF, ln((1 + n) / (1 + df)) + 1,\n"
    "                         learned on the training rows (default: term frequency only)\n"
    "  --sublinear-tf         1 + ln(tf) for a term's count tf (the default);\n"
    "  --no-sublinear-tf      the count itself\n"
    "  --min-df N             keep terms found in at least N training texts (default: 2)\n"
    "  --hash-bits B          hash terms into 2^B signed buckets (MurmurHash3, as\n"
    "                         scikit-learn's HashingVectorizer), 1..24, instead of a\n"
    "                         vocabulary (default: a vocabulary)\n"
    "  --stop-words english   drop scikit-learn's 318 English stop words (default: none)\n"
    "  Rows are scaled to unit length. A logistic regression with text columns does not\n"
    "  standardise its columns (as --no-standardize).\n";

const char cli_text_out_of_core_help[] =
    "  --out-of-core          with --text-col: featurize each row straight into a temporary\n"
    "                         file ($TMPDIR, else the model's directory; removed at the\n"
    "                         end) and fit from it a block at a time, so that memory is\n"
    "                         about 70 bytes a row and a few hundred a column, not the\n"
    "                         terms; ridge (--alpha 0) at a given --lambda, numeric\n"
    "                         columns (docs/text.md, Out of core)\n";

void cli_text_init(cli_text *t)
{
    memset(t, 0, sizeof *t);
    t->opt = st_text_options_default();
    t->opt.min_df = 2;
    t->opt.sublinear_tf = 1;
}

int cli_text_option(const char *command, cli_text *t, int code, const char *arg)
{
    long v;
    switch (code) {
    case OPT_TEXT_COL:
        if (t->n_cols == CLI_TEXT_MAX_COLS)
            return cli_usage_error(command, "--text-col: at most %d text columns",
                                   CLI_TEXT_MAX_COLS), -1;
        for (size_t k = 0; k < t->n_cols; k++)
            if (strcmp(t->cols[k], arg) == 0)
                return cli_usage_error(command, "--text-col '%s' is given twice", arg), -1;
        t->cols[t->n_cols++] = arg;
        return 1;
    case OPT_NGRAMS: {
        int a, b, used = 0;
        if (sscanf(arg, "%d-%d%n", &a, &b, &used) != 2 || arg[used] != '\0' || a < 1 ||
            b < a || b > 8)
            return cli_usage_error(command, "--ngrams '%s': expected A-B with 1 <= A <= B "
                                   "<= 8, as 1-2", arg), -1;
        t->opt.ngram_min = a, t->opt.ngram_max = b;
        return 1;
    }
    case OPT_TFIDF: t->opt.tfidf = 1; return 1;
    case OPT_SUBLINEAR_TF: t->opt.sublinear_tf = 1; return 1;
    case OPT_NO_SUBLINEAR_TF: t->opt.sublinear_tf = 0; return 1;
    case OPT_MIN_DF:
        if (!cli_parse_int(arg, 1, 1000000000L, &v))
            return cli_usage_error(command, "--min-df '%s': expected a whole number >= 1",
                                   arg), -1;
        t->opt.min_df = (size_t)v;
        return 1;
    case OPT_HASH_BITS:
        if (!cli_parse_int(arg, 1, 24, &v))
            return cli_usage_error(command, "--hash-bits '%s': expected a whole number in "
                                   "[1, 24]", arg), -1;
        t->opt.hash_bits = (int)v;
        return 1;
    case OPT_STOP_WORDS:
        if (strcmp(arg, "english") == 0)
            t->opt.stop_words = ST_TEXT_STOP_ENGLISH;
        else if (strcmp(arg, "none") == 0)
            t->opt.stop_words = ST_TEXT_STOP_NONE;
        else
            return cli_usage_error(command, "--stop-words '%s': expected english or none",
                                   arg), -1;
        return 1;
    case OPT_OUT_OF_CORE: t->out_of_core = 1; return 1;
    default: return 0;
    }
}

int cli_text_out_of_core_check(const cli_text *t, const st_logreg_params *prm)
{
    if (!t->out_of_core)
        return EXIT_OK;
    if (t->n_cols == 0)
        return cli_usage_error("train", "--out-of-core trains on text columns: name them "
                               "with --text-col");
    const char *why = st_logreg_rowfile_unsupported(prm);
    if (why != NULL)
        return cli_usage_error("train", "%s", why);
    return EXIT_OK;
}

/* The directory of path ("." for a bare name), into buf. */
static const char *dir_of(const char *path, char *buf, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        return ".";
    size_t len = (size_t)(slash - path);
    if (len == 0)
        return "/";
    if (len >= size)
        return NULL; /* $TMPDIR or /tmp */
    memcpy(buf, path, len);
    buf[len] = '\0';
    return buf;
}

st_status cli_text_train_out_of_core(cli_text *t, st_dataset **ds, const st_logreg_params *prm,
                                     const char *model_path, int quiet, st_logreg **m,
                                     st_error *err)
{
    char buf[4096];
    const char *tmp = getenv("TMPDIR");
    const char *dir = tmp != NULL && tmp[0] != '\0' ? tmp : dir_of(model_path, buf, sizeof buf);
    st_logreg_rowfile *rf = NULL;
    st_status rc;
    if (t->rows != NULL) { /* featurized as written: *ds has the other columns only */
        rc = st_logreg_rowfile_write_text(*ds, t->rows, prm, dir, &rf, err);
        st_text_rows_free(t->rows);
        t->rows = NULL;
    } else {
        rc = st_logreg_rowfile_write(*ds, prm, dir, &rf, err);
    }
    if (rc != ST_OK)
        return rc;
    if (!quiet)
        fprintf(stderr, "stratum: note: out of core: %llu entries in a %.1f MB temporary "
                "row file in %s (removed at the end)\n",
                (unsigned long long)st_logreg_rowfile_entries(rf),
                (double)st_logreg_rowfile_bytes(rf) / 1e6, dir != NULL ? dir : "/tmp");
    /* the term columns are in the file now: keep the labels and the ordinary columns */
    size_t nf = st_dataset_n_features(*ds), n_keep = 0, n_sparse = 0;
    for (size_t j = 0; j < nf; j++)
        n_sparse += st_dataset_feature_is_sparse(*ds, j) != 0;
    if (n_sparse == 0) { /* nothing to give back */
        rc = st_logreg_rowfile_train(rf, m, err);
        st_logreg_rowfile_free(rf);
        return rc;
    }
    size_t *keep = malloc((nf + 1) * sizeof *keep);
    if (keep == NULL) {
        st_logreg_rowfile_free(rf);
        snprintf(err->message, sizeof err->message, "out of memory");
        return err->code = ST_ERR_NOMEM;
    }
    for (size_t j = 0; j < nf; j++)
        if (!st_dataset_feature_is_sparse(*ds, j))
            keep[n_keep++] = j;
    if (n_keep == 0 && nf > 0) /* text alone: a dataset has a column; one term column's */
        keep[n_keep++] = 0;    /* entries hold the labels' dataset at little cost */
    st_dataset *rest = NULL;
    rc = st_dataset_select(*ds, NULL, 0, keep, n_keep, &rest, err);
    free(keep);
    if (rc == ST_OK) {
        st_dataset_free(*ds);
        *ds = rest;
        rc = st_logreg_rowfile_train(rf, m, err);
    }
    st_logreg_rowfile_free(rf);
    return rc;
}

int cli_text_check(const char *command, const cli_text *t, const cli_common *c,
                   const char *why)
{
    for (size_t k = 0; k < t->n_cols; k++) {
        const char *col = t->cols[k];
        if (c->label_index < 0 && c->label != NULL && strcmp(col, c->label) == 0)
            return cli_usage_error(command, "--text-col %s is the label column", col);
        if (c->weight_col != NULL && strcmp(col, c->weight_col) == 0)
            return cli_usage_error(command, "--text-col %s is the weight column", col);
        if (cli_name_listed(c->ignore, c->n_ignore, col))
            return cli_usage_error(command, "--text-col %s is also in --ignore: a column is "
                                   "left out or read as text, not both", col);
        if (cli_name_listed(c->numeric, c->n_numeric, col))
            return cli_usage_error(command, "--text-col %s is also in --numeric: a text "
                                   "column is read as text", col);
    }
    cli_text d;
    cli_text_init(&d);
    if (t->n_cols == 0 && memcmp(&t->opt, &d.opt, sizeof d.opt) != 0)
        return cli_usage_error(command, "--ngrams, --tfidf, --min-df, --hash-bits and "
                               "--stop-words apply to text columns: name them with "
                               "--text-col");
    if (t->n_cols > 0 && why != NULL)
        return cli_usage_error(command, "--text-col: %s", why);
    return EXIT_OK;
}

/* Term columns are on one scale already (unit rows, IDF): standardising them gives the
 * rarest terms, whose columns have the smallest SD, the largest weights. On
 * datasets/medical_abstracts.csv (5-fold CV, 1-2 grams, tf-idf) ROC-AUC falls from 0.912
 * to 0.873 and PR-AUC from 0.719 to 0.618 with standardisation (docs/text.md). */
void cli_text_params(const cli_text *t, st_logreg_params *p)
{
    if (t->n_cols > 0)
        p->standardize = 0;
}

void cli_text_free(st_text_featurizer **f, size_t n)
{
    if (f == NULL)
        return;
    for (size_t k = 0; k < n; k++)
        st_text_featurizer_free(f[k]);
    free(f);
}

st_status cli_text_apply(const st_text_featurizer *const *f, size_t n, st_dataset **ds,
                         st_error *err)
{
    if (n == 0)
        return ST_OK;
    st_dataset *out = NULL;
    st_status rc = st_text_transform(f, n, *ds, &out, err);
    if (rc != ST_OK)
        return rc;
    st_dataset_free(*ds);
    *ds = out;
    return ST_OK;
}

st_status cli_text_fit(const cli_text *t, st_dataset **ds, st_text_featurizer ***f,
                       st_error *err)
{
    *f = NULL;
    if (t->n_cols == 0)
        return ST_OK;
    st_text_featurizer **fs = calloc(t->n_cols, sizeof *fs);
    if (fs == NULL) {
        snprintf(err->message, sizeof err->message, "out of memory");
        return err->code = ST_ERR_NOMEM;
    }
    st_status rc = ST_OK;
    for (size_t k = 0; k < t->n_cols && rc == ST_OK; k++)
        rc = st_text_fit_dataset(*ds, t->cols[k], &t->opt, &fs[k], err);
    if (rc == ST_OK)
        rc = cli_text_apply((const st_text_featurizer *const *)fs, t->n_cols, ds, err);
    if (rc != ST_OK) {
        cli_text_free(fs, t->n_cols);
        return rc;
    }
    *f = fs;
    return ST_OK;
}

/* Text can be featurized while it is read (st_text_read_csv) from a CSV that is a regular
 * file: it is read twice. A pipe, standard input or a LibSVM file is read whole first. */
static int streamable(const char *path)
{
    struct stat st;
    size_t n = strlen(path);
    static const char *const libsvm[] = {".svm", ".libsvm", ".svmlight"};
    for (size_t k = 0; k < 3; k++)
        if (n >= strlen(libsvm[k]) && strcmp(path + n - strlen(libsvm[k]), libsvm[k]) == 0)
            return 0;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

st_status cli_text_read(cli_text *t, const char *path, const st_read_options *opt,
                        st_dataset **ds, st_text_featurizer ***f, st_error *err)
{
    *ds = NULL;
    *f = NULL;
    if (t->n_cols == 0 || !streamable(path)) {
        st_status rc = st_dataset_read(path, opt, ds, err);
        return rc == ST_OK ? cli_text_fit(t, ds, f, err) : rc;
    }
    st_text_featurizer **fs = calloc(t->n_cols, sizeof *fs);
    if (fs == NULL) {
        snprintf(err->message, sizeof err->message, "out of memory");
        return err->code = ST_ERR_NOMEM;
    }
    st_status rc = t->out_of_core
                       ? st_text_rows_open(path, opt, t->cols, t->n_cols, &t->opt, ds, fs,
                                           &t->rows, err)
                       : st_text_read_csv(path, opt, t->cols, t->n_cols, &t->opt, ds, fs, err);
    if (rc != ST_OK) {
        free(fs);
        return rc;
    }
    *f = fs;
    return ST_OK;
}

st_status cli_text_attach(st_logreg *m, st_text_featurizer ***f, size_t n, st_error *err)
{
    st_status rc = ST_OK;
    size_t k = 0;
    for (; k < n && rc == ST_OK; k++)
        if ((rc = st_logreg_add_text_featurizer(m, (*f)[k], err)) == ST_OK)
            (*f)[k] = NULL;
    cli_text_free(*f, n); /* those the model did not take */
    *f = NULL;
    return rc;
}

st_status cli_text_for_model(const st_logreg *m, const st_dataset *ds, st_dataset **out,
                             st_error *err)
{
    *out = NULL;
    size_t n = st_logreg_n_text_featurizers(m);
    if (n == 0)
        return ST_OK;
    const st_text_featurizer *f[CLI_TEXT_MAX_COLS];
    for (size_t k = 0; k < n && k < CLI_TEXT_MAX_COLS; k++)
        f[k] = st_logreg_text_featurizer(m, k);
    return st_text_transform(f, n < CLI_TEXT_MAX_COLS ? n : CLI_TEXT_MAX_COLS, ds, out, err);
}

st_status cli_text_featurize(const st_logreg *m, st_dataset **ds, st_error *err)
{
    st_dataset *out = NULL;
    st_status rc = cli_text_for_model(m, *ds, &out, err);
    if (rc == ST_OK && out != NULL) {
        st_dataset_free(*ds);
        *ds = out;
    }
    return rc;
}

int cli_text_warn_identifiers(const st_dataset *ds, const char *path, const char *const *cols,
                              size_t n)
{
    if (n == 0)
        return cli_warn_identifiers(ds, path);
    size_t nf = st_dataset_n_features(ds), n_keep = 0;
    size_t *keep = malloc((nf + 1) * sizeof *keep);
    if (keep == NULL) {
        fprintf(stderr, "stratum: out of memory\n");
        return EXIT_FAILED;
    }
    for (size_t j = 0; j < nf; j++) {
        int text = 0;
        for (size_t k = 0; k < n && !text; k++)
            text = strcmp(st_dataset_feature_name(ds, j), cols[k]) == 0;
        if (!text)
            keep[n_keep++] = j;
    }
    int status = EXIT_OK;
    if (n_keep > 0) {
        st_dataset *rest = NULL;
        st_error err;
        st_status rc = st_dataset_select(ds, NULL, 0, keep, n_keep, &rest, &err);
        status = rc == ST_OK ? cli_warn_identifiers(rest, path) : cli_fail(&err, rc);
        st_dataset_free(rest);
    }
    free(keep);
    return status;
}

/* Term t of hashing featurizer f whose bucket is b (buckets ascend), or -1. */
static long bucket_term(const st_text_featurizer *f, long b)
{
    size_t lo = 0, hi = st_text_featurizer_n_terms(f);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        long x = st_text_featurizer_bucket(f, mid);
        if (x == b)
            return (long)mid;
        if (x < b)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

const char *cli_text_coef_label(const st_logreg *m, size_t k)
{
    const char *name = st_logreg_coef_name(m, k);
    for (size_t q = 0; name != NULL && q < st_logreg_n_text_featurizers(m); q++) {
        const st_text_featurizer *f = st_logreg_text_featurizer(m, q);
        const char *col = st_text_featurizer_column(f);
        size_t len = strlen(col);
        char *end;
        if (strncmp(name, col, len) != 0 || name[len] != ':' || name[len + 1] != '#')
            continue;
        long b = strtol(name + len + 2, &end, 10);
        long t = *end == '\0' ? bucket_term(f, b) : -1;
        if (t >= 0)
            return st_text_featurizer_label(f, (size_t)t);
    }
    return name;
}
