/* Test-only helper for tests/text/text_vs_sklearn.py: reads a CSV, fits a text featurizer
 * on the column named by --col (on the first --fit-rows rows, or all), transforms every
 * row, and prints what scikit-learn is compared with:
 *     terms ROW<TAB>TERM<TAB>TERM...      (with --terms: each row's analyzed terms)
 *     column NAME<TAB>IDF                 the columns in order
 *     entry ROW<TAB>COLUMN<TAB>VALUE      the sparse matrix, column by column
 * Settings: --ngrams MIN MAX, --min-df N, --tfidf, --sublinear, --hash-bits B,
 * --stop-words, --no-norm. Also round-trips the featurizer through --save PATH (when given)
 * and transforms with the loaded copy. */
#include <stratum.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const st_error *e)
{
    fprintf(stderr, "text_dump: %s\n", e->message);
    return 1;
}

int main(int argc, char **argv)
{
    const char *path = NULL, *col = "text", *save = NULL;
    size_t fit_rows = 0;
    int terms = 0;
    st_text_options o = st_text_options_default();
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--col") && i + 1 < argc)
            col = argv[++i];
        else if (!strcmp(argv[i], "--ngrams") && i + 2 < argc)
            o.ngram_min = atoi(argv[i + 1]), o.ngram_max = atoi(argv[i + 2]), i += 2;
        else if (!strcmp(argv[i], "--min-df") && i + 1 < argc)
            o.min_df = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--hash-bits") && i + 1 < argc)
            o.hash_bits = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--fit-rows") && i + 1 < argc)
            fit_rows = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--save") && i + 1 < argc)
            save = argv[++i];
        else if (!strcmp(argv[i], "--tfidf"))
            o.tfidf = 1;
        else if (!strcmp(argv[i], "--sublinear"))
            o.sublinear_tf = 1;
        else if (!strcmp(argv[i], "--stop-words"))
            o.stop_words = ST_TEXT_STOP_ENGLISH;
        else if (!strcmp(argv[i], "--no-norm"))
            o.l2_norm = 0;
        else if (!strcmp(argv[i], "--terms"))
            terms = 1;
        else
            path = argv[i];
    }
    st_error e;
    st_read_options ro = st_read_options_default();
    ro.categorical = &col;
    ro.n_categorical = 1;
    st_dataset *ds = NULL, *fit_ds = NULL, *out = NULL;
    if (st_dataset_read_csv(path, &ro, &ds, &e) != ST_OK)
        return fail(&e);
    size_t n = st_dataset_n_rows(ds);
    if (fit_rows == 0 || fit_rows > n)
        fit_rows = n;
    size_t *rows = malloc(fit_rows * sizeof *rows);
    for (size_t i = 0; i < fit_rows; i++)
        rows[i] = i;
    st_text_featurizer *f = NULL;
    if (st_dataset_subset(ds, rows, fit_rows, &fit_ds, &e) != ST_OK ||
        st_text_fit_dataset(fit_ds, col, &o, &f, &e) != ST_OK)
        return fail(&e);
    free(rows);
    if (save != NULL) {
        st_text_featurizer *g = NULL;
        if (st_text_featurizer_save(f, save, &e) != ST_OK ||
            st_text_featurizer_load(save, &g, &e) != ST_OK)
            return fail(&e);
        st_text_featurizer_free(f);
        f = g;
    }
    if (terms) {
        long j = st_dataset_find_feature(ds, col);
        const float *codes = st_dataset_feature_values(ds, (size_t)j);
        for (size_t i = 0; i < n; i++) {
            const char *t = codes[i] == codes[i] ? st_dataset_level(ds, (size_t)j,
                                                                    (size_t)codes[i]) : "";
            char **tt;
            size_t nt;
            if (st_text_terms(t, strlen(t), &o, &tt, &nt, &e) != ST_OK)
                return fail(&e);
            printf("terms %zu", i);
            for (size_t k = 0; k < nt; k++)
                printf("\t%s", tt[k]);
            printf("\n");
            st_text_terms_free(tt, nt);
        }
    }
    const st_text_featurizer *fs[1] = {f};
    if (st_text_transform(fs, 1, ds, &out, &e) != ST_OK)
        return fail(&e);
    size_t base = st_dataset_n_features(out) - st_text_featurizer_n_terms(f);
    for (size_t k = 0; k < st_text_featurizer_n_terms(f); k++) {
        if (strcmp(st_dataset_feature_name(out, base + k), st_text_featurizer_feature_name(f, k)))
            return fprintf(stderr, "text_dump: column %zu misnamed\n", k), 1;
        printf("column %s\t%.17g\n", st_text_featurizer_feature_name(f, k),
               st_text_featurizer_idf(f, k));
    }
    for (size_t k = 0; k < st_text_featurizer_n_terms(f); k++) {
        const uint32_t *r;
        const float *v;
        size_t ne;
        if (st_dataset_feature_entries(out, base + k, &r, &v, &ne, &e) != ST_OK)
            return fail(&e);
        for (size_t q = 0; q < ne; q++)
            printf("entry %u\t%zu\t%.9g\n", r[q], k, (double)v[q]);
    }
    st_dataset_free(out);
    st_dataset_free(fit_ds);
    st_dataset_free(ds);
    st_text_featurizer_free(f);
    return 0;
}
