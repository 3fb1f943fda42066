/* The small cohort the cv and compare CLI suites share: rows of two informative numeric
 * columns (x1, x2), a categorical site (north/south), a patient id (30 patients, rows in
 * scattered order), optionally a given fold id 1..4 (given_fold) and a label with about 30%
 * positives, from a fixed linear congruential generator. */
#ifndef STRATUM_TEST_COHORT_CSV_H
#define STRATUM_TEST_COHORT_CSV_H

#include <stdio.h>

/* Patient (group) of row i: 30 patients, each on every 30th row. */
static inline int cohort_patient(int i) { return (i * 7) % 30; }

/* Writes n_rows rows to path; with_fold adds the given_fold column. Returns 0, or -1 when
 * the file cannot be written. */
static inline int write_cohort_csv(const char *path, int n_rows, int with_fold)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "x1,x2,site,patient,%slabel\n", with_fold ? "given_fold," : "");
    unsigned long long s = 12345;
    for (int i = 0; i < n_rows; i++) {
        double u[3];
        for (int k = 0; k < 3; k++) {
            s = s * 6364136223846793005ULL + 1442695040888963407ULL;
            u[k] = (double)(s >> 11) * 0x1p-53;
        }
        int y = u[0] < 0.3;
        fprintf(f, "%.4f,%.4f,%s,P%02d,", u[1] + 0.8 * y, u[2] - 0.5 * y,
                i % 3 == 0 ? "north" : "south", cohort_patient(i));
        if (with_fold)
            fprintf(f, "%d,", i % 4 + 1);
        fprintf(f, "%d\n", y);
    }
    return fclose(f) == 0 ? 0 : -1;
}

#endif /* STRATUM_TEST_COHORT_CSV_H */
