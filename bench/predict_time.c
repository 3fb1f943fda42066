/* Times batch prediction in stratum for bench/bench_predict.sh: loads MODEL (a stratum
 * model or an XGBoost JSON model) and DATA, then times st_gbdt_predict (probabilities) on
 * every row with THREADS threads, RUNS times. Loading is not timed. Prints one JSON
 * object: {"predict_seconds": [...], "cpu_seconds": [user CPU of each run],
 * "checksum": sum of the probabilities, "rows": n}; with OUT given, also writes the probabilities, one "%.17g" a line, there. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include <stratum.h>

static double user_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + 1e-6 * (double)ru.ru_utime.tv_usec;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc != 5 && argc != 6) {
        fprintf(stderr, "usage: predict_time MODEL DATA THREADS RUNS [OUT]\n");
        return 2;
    }
    const int threads = atoi(argv[3]), runs = atoi(argv[4]);
    st_error err;
    st_gbdt *m = NULL;
    st_dataset *ds = NULL;
    st_read_options ro = st_read_options_default();
    ro.label_required = 0;
    if (st_gbdt_load(argv[1], &m, &err) != ST_OK ||
        st_dataset_read(argv[2], &ro, &ds, &err) != ST_OK) {
        fprintf(stderr, "predict_time: %s\n", err.message);
        return 1;
    }
    const size_t n = st_dataset_n_rows(ds);
    double *p = malloc((n ? n : 1) * sizeof *p);
    double *cpu = malloc((runs > 0 ? (size_t)runs : 1) * sizeof *cpu);
    printf("{\"predict_seconds\": [");
    for (int r = 0; r < runs; r++) {
        double t0 = now(), c0 = user_cpu();
        if (st_gbdt_predict(m, ds, ST_GBDT_PROBABILITY, threads, p, n, &err) != ST_OK) {
            fprintf(stderr, "predict_time: %s\n", err.message);
            return 1;
        }
        printf("%s%.4f", r ? ", " : "", now() - t0);
        cpu[r] = user_cpu() - c0;
    }
    printf("], \"cpu_seconds\": [");
    for (int r = 0; r < runs; r++)
        printf("%s%.4f", r ? ", " : "", cpu[r]);
    free(cpu);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += p[i];
    printf("], \"checksum\": %.17g, \"rows\": %zu}\n", sum, n);
    if (argc == 6) {
        FILE *f = fopen(argv[5], "w");
        for (size_t i = 0; f != NULL && i < n; i++)
            fprintf(f, "%.17g\n", p[i]);
        if (f != NULL)
            fclose(f);
    }
    free(p);
    st_dataset_free(ds);
    st_gbdt_free(m);
    return 0;
}
