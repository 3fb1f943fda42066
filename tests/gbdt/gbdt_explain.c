/* Test helper: loads a boosted-trees model (a stratum model file or a model XGBoost saved
 * as JSON) and writes its predictions, SHAP contributions and interaction values for a
 * CSV file, for tests/gbdt/shap_vs_xgboost.py.
 *
 *     gbdt_explain MODEL DATA OUT [resave=PATH] [threads=N]
 *
 * Writes OUT.prob (n_rows probabilities), OUT.raw (n_rows raw scores), OUT.contrib
 * (n_rows x (n_features + 1)) and OUT.inter (n_rows x (n_features + 1)^2), each as
 * native-endian doubles, and prints {"rows": n, "features": [names in model order]}.
 * With resave=PATH the model is first saved as a stratum model file and loaded back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

static int fail(const char *what, const st_error *err)
{
    fprintf(stderr, "gbdt_explain: %s: %s\n", what, err->message);
    return 1;
}

static int write_doubles(const char *prefix, const char *ext, const double *v, size_t n)
{
    char path[4096];
    snprintf(path, sizeof path, "%s.%s", prefix, ext);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(v, sizeof *v, n, f) != n || fclose(f) != 0) {
        fprintf(stderr, "gbdt_explain: cannot write %s\n", path);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: gbdt_explain MODEL DATA OUT [resave=PATH] [threads=N]\n");
        return 2;
    }
    const char *resave = NULL;
    int threads = 2;
    for (int a = 4; a < argc; a++) {
        if (strncmp(argv[a], "resave=", 7) == 0)
            resave = argv[a] + 7;
        else if (strncmp(argv[a], "threads=", 8) == 0)
            threads = atoi(argv[a] + 8);
        else {
            fprintf(stderr, "gbdt_explain: bad argument '%s'\n", argv[a]);
            return 2;
        }
    }
    st_error err;
    st_gbdt *m = NULL;
    if (st_gbdt_load(argv[1], &m, &err) != ST_OK)
        return fail(argv[1], &err);
    if (resave != NULL) {
        st_gbdt *back = NULL;
        if (st_gbdt_save(m, resave, &err) != ST_OK || st_gbdt_load(resave, &back, &err) != ST_OK)
            return fail(resave, &err);
        st_gbdt_free(m);
        m = back;
    }
    st_read_options ro = st_read_options_default();
    ro.label_required = 0;
    st_dataset *ds = NULL;
    if (st_dataset_read(argv[2], &ro, &ds, &err) != ST_OK)
        return fail(argv[2], &err);
    const size_t n = st_dataset_n_rows(ds), side = st_gbdt_n_features(m) + 1;
    double *prob = malloc((n + 1) * sizeof *prob), *raw = malloc((n + 1) * sizeof *raw);
    double *contrib = malloc((n * side + 1) * sizeof *contrib);
    double *inter = malloc((n * side * side + 1) * sizeof *inter);
    if (prob == NULL || raw == NULL || contrib == NULL || inter == NULL) {
        fprintf(stderr, "gbdt_explain: out of memory\n");
        return 1;
    }
    if (st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, threads, prob, n, &err) != ST_OK ||
        st_gbdt_predict(m, ds, ST_GBDT_RAW_SCORE, threads, raw, n, &err) != ST_OK)
        return fail("predict", &err);
    if (st_gbdt_contrib(m, ds, threads, contrib, n * side, &err) != ST_OK)
        return fail("contrib", &err);
    if (st_gbdt_interactions(m, ds, threads, inter, n * side * side, &err) != ST_OK)
        return fail("interactions", &err);
    if (write_doubles(argv[3], "prob", prob, n) || write_doubles(argv[3], "raw", raw, n) ||
        write_doubles(argv[3], "contrib", contrib, n * side) ||
        write_doubles(argv[3], "inter", inter, n * side * side))
        return 1;
    printf("{\"rows\": %zu, \"features\": [", n);
    for (size_t j = 0; j + 1 < side; j++) {
        printf("%s\"", j ? ", " : "");
        for (const char *c = st_gbdt_feature_name(m, j); *c; c++)
            printf(*c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
        printf("\"");
    }
    printf("]}\n");
    free(prob);
    free(raw);
    free(contrib);
    free(inter);
    st_dataset_free(ds);
    st_gbdt_free(m);
    return 0;
}
