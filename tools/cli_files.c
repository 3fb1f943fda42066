/* Output files of the CLI: refusing to overwrite an input, and replacing a file
 * atomically (temporary file next to it, fsync, rename) so that an interrupted run never
 * leaves a half-written result where a good one was. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0; /* a file that does not exist yet cannot be the input */
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

FILE *cli_atomic_open(const char *path, char *tmp, size_t tmp_size)
{
    int n = snprintf(tmp, tmp_size, "%s.tmp.XXXXXX", path);
    if (n < 0 || (size_t)n >= tmp_size) {
        fprintf(stderr, "stratum: %s: path too long\n", path);
        return NULL;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "stratum: %s: cannot create a temporary file next to it: %s\n", path,
                strerror(errno));
        return NULL;
    }
    FILE *f = fdopen(fd, "wb");
    if (f == NULL) {
        fprintf(stderr, "stratum: %s: cannot open: %s\n", tmp, strerror(errno));
        close(fd);
        remove(tmp);
    }
    return f;
}

int cli_atomic_commit(FILE *f, const char *tmp, const char *path)
{
    int failed = ferror(f) || fflush(f) != 0 || fsync(fileno(f)) != 0;
    int errnum = errno;
    if (fclose(f) != 0 && !failed)
        failed = 1, errnum = errno;
    if (!failed && rename(tmp, path) != 0)
        failed = 1, errnum = errno;
    if (!failed)
        return EXIT_OK;
    fprintf(stderr, "stratum: %s: cannot write: %s\n", path, strerror(errnum));
    remove(tmp);
    return EXIT_FAILED;
}
