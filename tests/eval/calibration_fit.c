/* Test helper for calibration_vs_sklearn.py: fits a calibration map with the C API and
 * prints it, then applies it to a grid.
 *
 *     calibration_fit platt|isotonic DATA GRID
 *
 * DATA: one row a line, "p label weight" (weight -1 for unit weights, which must then be
 * the case for every row). GRID: one probability a line. Output: "platt A B" or
 * "isotonic N" and N lines "X Y", then one applied value a line; all with %.17g. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <stratum.h>

int main(int argc, char **argv)
{
    if (argc != 4)
        return fprintf(stderr, "usage: calibration_fit platt|isotonic DATA GRID\n"), 2;
    FILE *f = fopen(argv[2], "r");
    if (f == NULL)
        return perror(argv[2]), 1;
    size_t n = 0, cap = 1024;
    double *p = malloc(cap * sizeof *p), pi, yi, wi;
    float *y = malloc(cap * sizeof *y), *w = malloc(cap * sizeof *w);
    int unit = 1;
    while (fscanf(f, "%lf %lf %lf", &pi, &yi, &wi) == 3) {
        if (n == cap) {
            cap *= 2;
            p = realloc(p, cap * sizeof *p), y = realloc(y, cap * sizeof *y);
            w = realloc(w, cap * sizeof *w);
        }
        p[n] = pi, y[n] = (float)yi, w[n] = (float)wi;
        unit &= wi < 0;
        n++;
    }
    fclose(f);
    st_error err;
    st_calibration *c = NULL;
    st_status rc = strcmp(argv[1], "platt") == 0
                       ? st_calibration_fit_platt(p, y, unit ? NULL : w, n, &c, &err)
                       : st_calibration_fit_isotonic(p, y, unit ? NULL : w, n, &c, &err);
    if (rc != ST_OK)
        return fprintf(stderr, "%s\n", err.message), 1;
    if (st_calibration_method_of(c) == ST_CALIBRATION_PLATT) {
        printf("platt %.17g %.17g\n", st_calibration_platt_a(c), st_calibration_platt_b(c));
    } else {
        size_t k = st_calibration_n_points(c);
        printf("isotonic %zu\n", k);
        for (size_t i = 0; i < k; i++)
            printf("%.17g %.17g\n", st_calibration_points_x(c)[i], st_calibration_points_y(c)[i]);
    }
    if ((f = fopen(argv[3], "r")) == NULL)
        return perror(argv[3]), 1;
    while (fscanf(f, "%lf", &pi) == 1)
        printf("%.17g\n", st_calibration_apply(c, pi));
    fclose(f);
    st_calibration_free(c);
    free(p), free(y), free(w);
    return 0;
}
