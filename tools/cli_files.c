/* Output files of the CLI: refusing to overwrite an input, and outputs gathered in memory
 * and written with st_file_write_atomic, so an interrupted run never leaves a half-written
 * file.
 * stat follows symbolic links, as the writers do: an output that is a link to an input is
 * that input. */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <errno.h>
#include <stdio.h>
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

/* The directory of path (".": none named) into dir, and where its last name starts. */
static const char *split_dir(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (slash == NULL) {
        snprintf(dir, size, ".");
        return path;
    }
    snprintf(dir, size, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    return slash + 1;
}

/* A device, FIFO or socket (/dev/null, /dev/stdout, a pipe): written through, never
 * replaced, so sharing one is no loss. */
static int is_stream(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) ||
                                    S_ISSOCK(st.st_mode));
}

/* Whether two output paths name one file: the same file when both exist, else the same
 * name in the same directory. */
static int same_output(const char *a, const char *b)
{
    struct stat sa, sb;
    const int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea || eb)
        return ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    char da[4096], db[4096];
    const char *na = split_dir(a, da, sizeof da), *nb = split_dir(b, db, sizeof db);
    return strcmp(na, nb) == 0 && cli_same_file(da, db);
}

/* Why path cannot be written (its directory missing or not writable, or a directory of
 * that name), or NULL. */
static const char *unwritable(const char *path, char *why, size_t size)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return "is a directory";
    char dir[4096];
    const char *name = split_dir(path, dir, sizeof dir);
    if (*name == '\0')
        return "names a directory, not a file";
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(why, size, "directory %s does not exist", dir);
        return why;
    }
    if (access(dir, W_OK) != 0) {
        snprintf(why, size, "directory %s is not writable (%s)", dir, strerror(errno));
        return why;
    }
    return NULL;
}

int cli_is_dash(const char *path) { return path != NULL && strcmp(path, "-") == 0; }

const char *cli_data_path(const char *path)
{
    return cli_is_dash(path) ? "/dev/stdin" : path;
}

void cli_data_args(char **argv, int first, int n)
{
    for (int i = first; i < first + n; i++)
        if (cli_is_dash(argv[i]))
            argv[i] = (char *)"/dev/stdin";
}

int cli_check_reread(const char *command, const char *why, const char *path)
{
    if (path == NULL || !is_stream(path))
        return EXIT_OK;
    return cli_usage_error(command, "%s, and %s is %s, which can be read only once: save it "
                           "to a file first", why, path, strcmp(path, "/dev/stdin") == 0
                           ? "standard input (a pipe or terminal)" : "a pipe or device");
}

/* "-" left in the list after the commands took the ones they read or write as standard
 * input or output; two inputs that are one pipe or device (standard input twice). */
static int check_dashes(const cli_file *in, size_t n_in, const cli_file *out, size_t n_out)
{
    for (size_t k = 0; k < n_in; k++) {
        if (cli_is_dash(in[k].path)) {
            fprintf(stderr, "stratum: %s -: only data is read from standard input; name the "
                    "file (./- for a file named '-')\n", in[k].option);
            return EXIT_USAGE;
        }
        for (size_t i = 0; i < k; i++)
            if (in[i].path != NULL && in[k].path != NULL && is_stream(in[k].path) &&
                cli_same_file(in[i].path, in[k].path)) {
                fprintf(stderr, "stratum: %s %s and %s %s are the same %s, which can be read "
                        "only once: save it to a file and name that file\n", in[i].option,
                        in[i].path, in[k].option, in[k].path,
                        strcmp(in[k].path, "/dev/stdin") == 0 ? "standard input" : "stream");
                return EXIT_USAGE;
            }
    }
    for (size_t i = 0; i < n_out; i++)
        if (cli_is_dash(out[i].path)) {
            fprintf(stderr, "stratum: %s -: this output is written to a file, not to standard "
                    "output (which carries the command's own results); name the file (./- "
                    "for a file named '-')\n", out[i].option);
            return EXIT_USAGE;
        }
    return EXIT_OK;
}

static int check_files(const cli_file *in, size_t n_in, const cli_file *out, size_t n_out,
                       int writable)
{
    const int dashes = check_dashes(in, n_in, out, n_out);
    if (dashes != EXIT_OK)
        return dashes;
    for (size_t i = 0; i < n_out; i++) {
        if (out[i].path == NULL || is_stream(out[i].path))
            continue;
        for (size_t k = 0; k < n_in; k++)
            if (in[k].path != NULL && cli_same_file(out[i].path, in[k].path)) {
                fprintf(stderr, "stratum: %s %s is an input file (%s %s); choose another "
                        "output path\n", out[i].option, out[i].path, in[k].option, in[k].path);
                return EXIT_FAILED;
            }
        for (size_t k = 0; k < i; k++)
            if (out[k].path != NULL && same_output(out[i].path, out[k].path)) {
                fprintf(stderr, "stratum: %s %s and %s %s are the same file; one would "
                        "replace the other\n", out[k].option, out[k].path, out[i].option,
                        out[i].path);
                return EXIT_FAILED;
            }
        char why[4200];
        const char *bad = writable ? unwritable(out[i].path, why, sizeof why) : NULL;
        if (bad != NULL) {
            fprintf(stderr, "stratum: %s %s cannot be written: %s\n", out[i].option,
                    out[i].path, bad);
            return EXIT_FAILED;
        }
    }
    return EXIT_OK;
}

int cli_check_files(const cli_file *in, size_t n_in, const cli_file *out, size_t n_out)
{
    return check_files(in, n_in, out, n_out, 1);
}

int cli_check_file_names(const cli_file *in, size_t n_in, const cli_file *out, size_t n_out)
{
    return check_files(in, n_in, out, n_out, 0);
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
