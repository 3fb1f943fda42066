/* The helpers of mpi_check.h that need no allocation-failure injection. */
#include "mpi_check.h"

#include <stdlib.h>
#include <string.h>

int rank, size, failures;

int mpi_check_start(int *argc, char ***argv, int n_args, const char *usage)
{
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (*argc == n_args)
        return 1;
    if (rank == 0)
        fprintf(stderr, "usage: %s\n", usage);
    MPI_Finalize();
    return 0;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = len >= 0 ? malloc((size_t)len + 1) : NULL;
    *n = buf != NULL ? fread(buf, 1, (size_t)len, f) : 0;
    fclose(f);
    return buf;
}

/* Drops the lines starting with "row_sketch " or "checksum " from t[0..*n), in place. */
static void drop_sketch(char *t, size_t *n)
{
    size_t out = 0;
    for (size_t i = 0; i < *n;) {
        const char *nl = memchr(t + i, '\n', *n - i);
        const size_t len = nl != NULL ? (size_t)(nl - (t + i)) + 1 : *n - i;
        if (!(len >= 11 && memcmp(t + i, "row_sketch ", 11) == 0) &&
            !(len >= 9 && memcmp(t + i, "checksum ", 9) == 0))
            memmove(t + out, t + i, len), out += len;
        i += len;
    }
    *n = out;
}

int mpi_check_same_file(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *ta = slurp(a, &na), *tb = slurp(b, &nb);
    if (ta != NULL && tb != NULL)
        drop_sketch(ta, &na), drop_sketch(tb, &nb);
    const int same = ta != NULL && tb != NULL && na == nb && memcmp(ta, tb, na) == 0;
    free(ta);
    free(tb);
    return same;
}

st_status mpi_check_binned(const char *csv, const st_read_options *opt,
                           const st_bin_options *bopt, const char *stb, st_binned **b,
                           st_error *err)
{
    *b = NULL;
    st_status rc = rank == 0 ? st_bin_file(csv, opt, bopt, stb, NULL, err) : ST_OK;
    rc = st_mpi_agree(MPI_COMM_WORLD, rc, err);
    if (rc == ST_OK)
        rc = st_binned_open(stb, b, err);
    return st_mpi_agree(MPI_COMM_WORLD, rc, err);
}
