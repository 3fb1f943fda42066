/* Output files of the CLI: refusing to overwrite an input. (Outputs themselves are written
 * with st_file_write_atomic, so an interrupted run never leaves a half-written file.)
 * stat follows symbolic links, as the writers do: an output that is a link to an input is
 * that input. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <sys/stat.h>

int cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0; /* a file that does not exist yet cannot be the input */
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
