/* st_dataset_read_csv_mpi against st_dataset_read_csv: for CSV files made to be awkward
 * (quoted fields holding newlines, delimiters and "" escapes, CRLF line ends, blank lines,
 * a BOM, a categorical column, a column whose only text is in the last rank's part), the
 * ranks' rows, in rank order, must be the rows of the whole file read by one process, value
 * for value and type for type; and an error in one rank's part must be
 * reported by every rank, with the line number one process reports.
 * Run: mpirun -np N mpi_read_check SCRATCH_DIR. Exit 0 when every check passes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_check.h"

static unsigned long long state;
static unsigned next(unsigned n)
{
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)((state >> 33) % n);
}

/* A file of n rows: id (numeric), note (quoted text with newlines, commas, "" quotes),
 * colour (categorical), x (numeric with missing values), label. */
static void write_file(const char *path, int n, unsigned long long seed, int crlf, int bom,
                       int bad_row, int text_row)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    state = seed;
    const char *eol = crlf ? "\r\n" : "\n";
    static const char *colours[] = {"red", "green", "blue", "\"sky\" blue", "a,b"};
    if (bom)
        fputs("\xEF\xBB\xBF", f);
    fprintf(f, "%sid,\"note\nwith a newline\",colour,x,label%s", eol, eol); /* blank line first */
    for (int i = 0; i < n; i++) {
        if (next(10) == 0)
            fputs(eol, f); /* a blank line */
        fprintf(f, "%d,", i);
        switch (next(4)) {
        case 0:
            fprintf(f, "plain text %u", next(1000));
            break;
        case 1:
            fprintf(f, "\"line one%sline two, with a comma%s\"\"quoted\"\"%s\"", eol, eol, eol);
            break;
        case 2:
            fprintf(f, "\"%s\"", next(2) ? "" : "\"\"");
            break;
        default: {
            fputc('"', f);
            for (unsigned k = next(200); k > 0; k--)
                fputc(next(8) == 0 ? '\n' : 'a' + (int)next(26), f);
            fputc('"', f);
        }
        }
        fputc(',', f);
        const char *c = colours[next(5)];
        if (c[0] == '"' || strchr(c, ','))
            fputc('"', f);
        for (const char *p = c; *p; p++)
            fprintf(f, *p == '"' ? "\"\"" : "%c", *p);
        if (c[0] == '"' || strchr(c, ','))
            fputc('"', f);
        if (i == text_row) /* x: numbers in every other row, so categorical in the file */
            fprintf(f, ",high,%u%s", next(2), eol);
        else if (i == bad_row)
            fprintf(f, ",%s,%d%s", "1.5", 7, eol); /* label 7: not a class */
        else if (next(7) == 0)
            fprintf(f, ",NA,%u%s", next(2), eol);
        else
            fprintf(f, ",%.3f,%u%s", (double)next(100000) / 7.0, next(2), eol);
    }
    fclose(f);
}

/* Row i as one text line: the label, then each value (exact float bits, or the level text
 * of a categorical value), '|'-separated. Returns its length. */
static int row_text(const st_dataset *d, size_t i, char *line, size_t cap)
{
    int k = snprintf(line, cap, "%g", st_dataset_labels(d)[i]);
    for (size_t j = 0; j < st_dataset_n_features(d); j++) {
        float v = st_dataset_feature_values(d, j)[i];
        if (st_dataset_feature_type(d, j) == ST_FEATURE_CATEGORICAL && v == v)
            k += snprintf(line + k, cap - (size_t)k, "|%s", st_dataset_level(d, j, (size_t)v));
        else
            k += snprintf(line + k, cap - (size_t)k, "|%a", v);
    }
    return k + snprintf(line + k, cap - (size_t)k, "\n");
}

/* This rank's rows, as row_text lines, gathered on rank 0 in rank order and compared there
 * with the whole file's. */
static void compare(const char *path, const st_dataset *whole, const st_dataset *mine)
{
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    for (size_t i = 0; i < st_dataset_n_rows(mine); i++) {
        char line[4096];
        const int k = row_text(mine, i, line, sizeof line);
        while (len + (size_t)k + 1 > cap)
            out = realloc(out, cap *= 2);
        memcpy(out + len, line, (size_t)k);
        len += (size_t)k;
    }
    int n = (int)len, *counts = NULL, *displs = NULL;
    char *all = NULL;
    if (rank == 0) {
        counts = malloc((size_t)size * sizeof *counts);
        displs = malloc((size_t)size * sizeof *displs);
    }
    MPI_Gather(&n, 1, MPI_INT, counts, 1, MPI_INT, 0, MPI_COMM_WORLD);
    int total = 0;
    if (rank == 0) {
        for (int r = 0; r < size; r++) {
            displs[r] = total;
            total += counts[r];
        }
        all = malloc((size_t)total + 1);
    }
    MPI_Gatherv(out, n, MPI_CHAR, all, counts, displs, MPI_CHAR, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        all[total] = '\0';
        /* the same serialisation of the whole file */
        char *p = all;
        size_t rows = 0;
        for (size_t i = 0; i < st_dataset_n_rows(whole); i++) {
            char line[4096];
            const int k = row_text(whole, i, line, sizeof line);
            if (strncmp(p, line, (size_t)k) != 0) {
                CHECK(0, "%s: row %zu differs: distributed '%.80s', whole '%.80s'", path, i, p,
                      line);
                break;
            }
            p += k;
            rows++;
        }
        CHECK(*p == '\0', "%s: the ranks read more rows than the file has (%zu)", path, rows);
        free(all);
        free(counts);
        free(displs);
    }
    free(out);
}

int main(int argc, char **argv)
{
    if (!mpi_check_start(&argc, &argv, 2, "mpirun -np N mpi_read_check SCRATCH_DIR"))
        return 2;
    char path[4096];
    const int rows[] = {9, 40, 333, 2000};
    for (int v = 0; v < 16; v++) {
        snprintf(path, sizeof path, "%s/awkward_%d.csv", argv[1], v);
        if (rank == 0)
            write_file(path, rows[v % 4], 1000 + (unsigned long long)v, v % 2, v % 3 == 0, -1,
                       v >= 8 ? rows[v % 4] - 2 : -1);
        MPI_Barrier(MPI_COMM_WORLD);
        st_read_options opt = st_read_options_default();
        st_dataset *mine = NULL, *whole = NULL;
        st_error err;
        st_status rc = st_dataset_read_csv_mpi(MPI_COMM_WORLD, path, &opt, &mine, &err);
        CHECK(rc == ST_OK, "%s: %s", path, err.message);
        if (rank == 0) {
            rc = st_dataset_read_csv(path, &opt, &whole, &err);
            CHECK(rc == ST_OK, "%s: %s", path, err.message);
        }
        if (mine != NULL)
            compare(path, whole, mine);
        st_dataset_free(mine);
        st_dataset_free(whole);
    }
    /* a bad label in the last rank's part: every rank fails, with the whole-file line */
    snprintf(path, sizeof path, "%s/bad_label.csv", argv[1]);
    if (rank == 0)
        write_file(path, 3000, 77, 0, 0, 2990, -1);
    MPI_Barrier(MPI_COMM_WORLD);
    st_read_options opt = st_read_options_default();
    st_dataset *mine = NULL;
    st_error err, whole_err;
    st_status rc = st_dataset_read_csv_mpi(MPI_COMM_WORLD, path, &opt, &mine, &err);
    CHECK(rc == ST_ERR_DATA && mine == NULL, "bad label: status %d, dataset %p", (int)rc,
          (void *)mine);
    st_dataset *whole = NULL;
    rc = st_dataset_read_csv(path, &opt, &whole, &whole_err);
    CHECK(rc == ST_ERR_DATA, "whole file: status %d", (int)rc);
    const char *tail = strstr(err.message, whole_err.message);
    CHECK(tail != NULL && err.line == whole_err.line,
          "bad label: distributed '%s' (line %ld), whole '%s' (line %ld)", err.message, err.line,
          whole_err.message, whole_err.line);
    if (size > 1) {
        char prefix[32];
        snprintf(prefix, sizeof prefix, "rank %d: ", size - 1);
        CHECK(rank == size - 1 || strncmp(err.message, prefix, strlen(prefix)) == 0,
              "bad label: '%s' does not name rank %d", err.message, size - 1);
    }
    /* a file one rank cannot open: each rank names its own file */
    char own[4096];
    snprintf(own, sizeof own, "%s/%s", argv[1], rank == 1 % size ? "missing.csv" : "awkward_0.csv");
    rc = st_dataset_read_csv_mpi(MPI_COMM_WORLD, own, &opt, &mine, &err);
    CHECK(rc == ST_ERR_IO && mine == NULL && strstr(err.message, "missing.csv") != NULL,
          "missing file: status %d '%s'", (int)rc, err.message);
    if (rank == 0 && failures == 0)
        printf("mpi_read_check: %d ranks, all checks passed\n", size);
    MPI_Finalize();
    return failures ? 1 : 0;
}
