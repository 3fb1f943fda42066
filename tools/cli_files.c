/* Output files of the CLI: refusing to overwrite an input, and outputs gathered in memory
 * and written with st_file_write_atomic, so an interrupted run never leaves a half-written
 * file.
 * stat follows symbolic links, as the writers do: an output that is a link to an input is
 * that input. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0; /* a file that does not exist yet cannot be the input */
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

FILE *cli_open_memstream(char **buf, size_t *size, const char *what)
{
    *buf = NULL;
    *size = 0;
    FILE *mem = open_memstream(buf, size);
    if (mem == NULL)
        fprintf(stderr, "stratum: out of memory for %s\n", what);
    return mem;
}

int cli_write_memstream(FILE *mem, char **buf, size_t *size, const char *path,
                        const char *what)
{
    const int bad = ferror(mem);
    fclose(mem);
    st_error err;
    memset(&err, 0, sizeof err);
    const st_status rc = bad ? ST_ERR_NOMEM : st_file_write_atomic(path, *buf, *size, &err);
    free(*buf);
    *buf = NULL;
    if (bad) {
        fprintf(stderr, "stratum: out of memory for %s\n", what);
        return EXIT_FAILED;
    }
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}
