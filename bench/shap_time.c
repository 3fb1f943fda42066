/* Times TreeSHAP in stratum for bench/bench_shap.sh: loads MODEL (a stratum model or an
 * XGBoost JSON model) and DATA, then times st_gbdt_contrib on every row and
 * st_gbdt_interactions on the first INTER_ROWS rows, with THREADS threads, RUNS times
 * each. Prints one JSON object: {"contrib_seconds": [...], "interactions_seconds": [...],
 * "checksum": sum of all contributions}. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <stratum.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: shap_time MODEL DATA THREADS RUNS INTER_ROWS\n");
        return 2;
    }
    const int threads = atoi(argv[3]), runs = atoi(argv[4]);
    const size_t inter_rows = (size_t)atol(argv[5]);
    st_error err;
    st_gbdt *m = NULL;
    st_dataset *ds = NULL, *head = NULL;
    st_read_options ro = st_read_options_default();
    ro.label_required = 0;
    if (st_gbdt_load(argv[1], &m, &err) != ST_OK || st_dataset_read(argv[2], &ro, &ds, &err) != ST_OK) {
        fprintf(stderr, "shap_time: %s\n", err.message);
        return 1;
    }
    const size_t n = st_dataset_n_rows(ds), side = st_gbdt_n_features(m) + 1;
    size_t *rows = malloc(inter_rows * sizeof *rows);
    for (size_t i = 0; i < inter_rows; i++)
        rows[i] = i;
    if (st_dataset_subset(ds, rows, inter_rows, &head, &err) != ST_OK) {
        fprintf(stderr, "shap_time: %s\n", err.message);
        return 1;
    }
    double *c = malloc(n * side * sizeof *c);
    double *I = malloc(inter_rows * side * side * sizeof *I);
    printf("{\"contrib_seconds\": [");
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        if (st_gbdt_contrib(m, ds, threads, c, n * side, &err) != ST_OK) {
            fprintf(stderr, "shap_time: %s\n", err.message);
            return 1;
        }
        printf("%s%.4f", r ? ", " : "", now() - t0);
    }
    printf("], \"interactions_seconds\": [");
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        if (st_gbdt_interactions(m, head, threads, I, inter_rows * side * side, &err) != ST_OK) {
            fprintf(stderr, "shap_time: %s\n", err.message);
            return 1;
        }
        printf("%s%.4f", r ? ", " : "", now() - t0);
    }
    double sum = 0;
    for (size_t k = 0; k < n * side; k++)
        sum += c[k];
    printf("], \"checksum\": %.10g}\n", sum);
    free(c);
    free(I);
    free(rows);
    st_dataset_free(head);
    st_dataset_free(ds);
    st_gbdt_free(m);
    return 0;
}
