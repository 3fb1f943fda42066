/* st_file_write_atomic and st_file_out: a file is replaced whole or not at all, and no
 * temporary is left, even by a process killed mid-write; links, FIFOs and devices are
 * written through, never replaced; a directory is an error. */
#define _POSIX_C_SOURCE 200809L
#define _XOPEN_SOURCE 700 /* mknod */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stratum.h>

#include "fifo_reader.h"

static char dir[] = "/tmp/stratum_files_XXXXXX";

static int make_dir(void **state)
{
    (void)state;
    strcpy(dir + strlen(dir) - 6, "XXXXXX");
    return mkdtemp(dir) != NULL ? 0 : -1;
}

/* Number of entries in the test directory, "." and ".." aside. */
static int entries(void)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    if (d != NULL)
        closedir(d);
    return n;
}

static void read_back(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writing creates the file; writing again replaces it; only the file remains. */
static void test_write_and_replace(void **state)
{
    (void)state;
    char path[256], text[64];
    snprintf(path, sizeof path, "%s/out.csv", dir);
    st_error err;
    assert_int_equal(st_file_write_atomic(path, "p\n0.5\n", 6, &err), ST_OK);
    read_back(path, text, sizeof text);
    assert_string_equal(text, "p\n0.5\n");
    assert_int_equal(st_file_write_atomic(path, "p\n", 2, &err), ST_OK);
    read_back(path, text, sizeof text);
    assert_string_equal(text, "p\n");
    assert_int_equal(st_file_write_atomic(path, NULL, 0, &err), ST_OK);
    read_back(path, text, sizeof text);
    assert_string_equal(text, "");
    assert_int_equal(entries(), 1);
}

/* A directory that does not exist is an I/O error naming the path; nothing is created. */
static void test_missing_directory(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/no/such/out.csv", dir);
    st_error err;
    assert_int_equal(st_file_write_atomic(path, "x", 1, &err), ST_ERR_IO);
    assert_int_equal(err.code, ST_ERR_IO);
    assert_non_null(strstr(err.message, path));
    assert_non_null(strstr(err.message, "cannot create a temporary file next to it"));
}

/* Writing over a directory is an error naming it; nothing is created and the directory
 * stays as it was (it used to fail only at the rename, after writing a temporary). */
static void test_directory_destination(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    int before = entries();
    st_error err;
    assert_int_equal(st_file_write_atomic(path, "x", 1, &err), ST_ERR_IO);
    assert_non_null(strstr(err.message, path));
    assert_non_null(strstr(err.message, "is a directory"));
    assert_int_equal(entries(), before);
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(rmdir(path), 0);
}

/* A FIFO is written into, not replaced by a regular file: a child process reading it
 * receives exactly the bytes, and the FIFO is still a FIFO afterwards. The data are larger
 * than a pipe's buffer (64 KiB), so the writer must wait for the reader and loop. */
static void test_fifo_destination(void **state)
{
    (void)state;
    char fifo[256], got[256];
    snprintf(fifo, sizeof fifo, "%s/out.fifo", dir);
    snprintf(got, sizeof got, "%s/got.bin", dir);
    const int before = entries();
    assert_int_equal(mkfifo(fifo, 0600), 0);
    const size_t n = 200000;
    unsigned char *data = malloc(n);
    assert_non_null(data);
    for (size_t i = 0; i < n; i++)
        data[i] = (unsigned char)(i * 131 + i / 256);
    /* the reader copies the FIFO into got.bin; a writer that never opens the FIFO (it
       replaced it) fails the test instead of hanging it */
    const pid_t pid = fifo_reader_start(fifo, got);
    st_error err;
    assert_int_equal(st_file_write_atomic(fifo, data, n, &err), ST_OK);
    assert_true(fifo_reader_done(pid));
    FILE *f = fopen(got, "rb");
    assert_non_null(f);
    unsigned char *back = malloc(n + 1);
    assert_non_null(back);
    assert_int_equal(fread(back, 1, n + 1, f), n);
    fclose(f);
    assert_memory_equal(back, data, n);
    struct stat st;
    assert_int_equal(lstat(fifo, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(entries(), before + 2); /* the FIFO and got.bin: no temporary */
    free(back);
    free(data);
    remove(fifo);
    remove(got);
}

/* A symbolic link (here relative, to a file with its own mode) stays a link: the file it
 * names gets the new content, atomically, with its mode kept, and no temporary is left. */
static void test_symlink_destination(void **state)
{
    (void)state;
    char target[256], link[256], text[64], via[256];
    snprintf(target, sizeof target, "%s/v3.txt", dir);
    snprintf(link, sizeof link, "%s/model.txt", dir);
    const int before = entries();
    st_error err;
    assert_int_equal(st_file_write_atomic(target, "old\n", 4, &err), ST_OK);
    assert_int_equal(chmod(target, 0604), 0);
    assert_int_equal(symlink("v3.txt", link), 0);
    assert_int_equal(st_file_write_atomic(link, "new model\n", 10, &err), ST_OK);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    ssize_t k = readlink(link, via, sizeof via - 1);
    assert_true(k > 0);
    via[k] = '\0';
    assert_string_equal(via, "v3.txt");
    read_back(target, text, sizeof text);
    assert_string_equal(text, "new model\n");
    assert_int_equal(lstat(target, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0604);
    assert_int_equal(entries(), before + 2);
    remove(link);
    remove(target);
}

/* A link to nothing is an error naming it: neither its target nor a file in place of the
 * link is created. */
static void test_dangling_symlink(void **state)
{
    (void)state;
    char link[256];
    snprintf(link, sizeof link, "%s/dangling.txt", dir);
    const int before = entries();
    assert_int_equal(symlink("no-such-target.txt", link), 0);
    st_error err;
    assert_int_equal(st_file_write_atomic(link, "x", 1, &err), ST_ERR_IO);
    assert_non_null(strstr(err.message, link));
    assert_non_null(strstr(err.message, "symbolic link to a file that does not exist"));
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(entries(), before + 1);
    remove(link);
}

/* Character devices made in the test directory (root only; never the real /dev nodes):
 * a null device takes the bytes and stays a device; a full device (writes fail with
 * ENOSPC) gives an I/O error and stays a device too. Writing into a device means no
 * temporary, no rename and no fsync (which fails with EINVAL on these). */
static void test_char_device_destination(void **state)
{
    (void)state;
    if (geteuid() != 0) {
        skip();
        return;
    }
    char null_dev[256], full_dev[256];
    snprintf(null_dev, sizeof null_dev, "%s/null", dir);
    snprintf(full_dev, sizeof full_dev, "%s/full", dir);
    const int before = entries();
    if (mknod(null_dev, S_IFCHR | 0666, makedev(1, 3)) != 0) {
        skip(); /* a container without CAP_MKNOD */
        return;
    }
    assert_int_equal(mknod(full_dev, S_IFCHR | 0666, makedev(1, 7)), 0);
    st_error err;
    assert_int_equal(st_file_write_atomic(null_dev, "discarded\n", 10, &err), ST_OK);
    assert_int_equal(st_file_write_atomic(full_dev, "no room\n", 8, &err), ST_ERR_IO);
    assert_non_null(strstr(err.message, full_dev));
    assert_non_null(strstr(err.message, "cannot write"));
    struct stat st;
    assert_int_equal(lstat(null_dev, &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(lstat(full_dev, &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    assert_int_equal(entries(), before + 2);
    remove(null_dev);
    remove(full_dev);
}

/* NULL path, or NULL data with a size, is an invalid argument. */
/* A new file gets 0666 less the umask, as fopen would give it; a replaced file keeps its
 * mode (mkstemp alone would leave every output readable by its owner only). */
static void test_modes(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/mode.txt", dir);
    st_error err;
    mode_t old = umask(027);
    assert_int_equal(st_file_write_atomic(path, "a", 1, &err), ST_OK);
    umask(old);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
    assert_int_equal(chmod(path, 0604), 0);
    assert_int_equal(st_file_write_atomic(path, "b", 1, &err), ST_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0604);
    remove(path);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    st_error err;
    assert_int_equal(st_file_write_atomic(NULL, "x", 1, &err), ST_ERR_INVALID_ARG);
    assert_int_equal(st_file_write_atomic("/tmp/x", NULL, 3, NULL), ST_ERR_INVALID_ARG);
}

/* st_file_out: bytes written piece by piece replace the file at the commit only; a
 * discarded output leaves the old file as it was and nothing beside it. */
static void test_file_out_commit_and_discard(void **state)
{
    (void)state;
    char path[256], text[64];
    snprintf(path, sizeof path, "%s/streamed.csv", dir);
    st_error err;
    assert_int_equal(st_file_write_atomic(path, "old\n", 4, &err), ST_OK);
    const int before = entries();
    st_file_out *f = NULL;
    assert_int_equal(st_file_out_open(path, &f, &err), ST_OK);
    assert_true(write(st_file_out_fd(f), "new", 3) == 3);
    read_back(path, text, sizeof text);
    assert_string_equal(text, "old\n"); /* not yet */
    assert_int_equal(entries(), before);
    st_file_out_discard(f);
    read_back(path, text, sizeof text);
    assert_string_equal(text, "old\n");
    assert_int_equal(entries(), before);

    assert_int_equal(st_file_out_open(path, &f, &err), ST_OK);
    FILE *stream = fdopen(dup(st_file_out_fd(f)), "wb");
    assert_non_null(stream);
    fputs("p\n0.25\n", stream);
    assert_int_equal(fclose(stream), 0);
    assert_int_equal(st_file_out_commit(f, &err), ST_OK);
    read_back(path, text, sizeof text);
    assert_string_equal(text, "p\n0.25\n");
    assert_int_equal(entries(), before);

    assert_int_equal(st_file_out_open("/dev/null", &f, &err), ST_OK); /* written into */
    assert_true(write(st_file_out_fd(f), "x", 1) == 1);
    assert_int_equal(st_file_out_commit(f, &err), ST_OK);
    assert_int_equal(st_file_out_open(NULL, &f, &err), ST_ERR_INVALID_ARG);
    assert_null(f);
    snprintf(path, sizeof path, "%s/no/such/out.csv", dir);
    assert_int_equal(st_file_out_open(path, &f, &err), ST_ERR_IO);
    assert_null(f);
    st_file_out_discard(NULL);
}

/* A process killed by SIGKILL while writing (no handler can run) leaves the old file as
 * it was and no partial temporary beside it: the temporary has no name until the commit
 * (a "path.tmp.XXXXXX" used to stay behind, a partial copy, after every such kill). */
static void test_killed_mid_write(void **state)
{
    (void)state;
    char path[256], text[64];
    snprintf(path, sizeof path, "%s/killed.csv", dir);
    st_error err;
    assert_int_equal(st_file_write_atomic(path, "old\n", 4, &err), ST_OK);
    const int before = entries();
    pid_t child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        st_file_out *f = NULL;
        if (st_file_out_open(path, &f, &err) == ST_OK &&
            write(st_file_out_fd(f), "partial", 7) == 7)
            raise(SIGKILL);
        _exit(1);
    }
    int status = 0;
    assert_int_equal(waitpid(child, &status, 0), child);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    read_back(path, text, sizeof text);
    assert_string_equal(text, "old\n");
    assert_int_equal(entries(), before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_and_replace),
        cmocka_unit_test(test_missing_directory),
        cmocka_unit_test(test_directory_destination),
        cmocka_unit_test(test_fifo_destination),
        cmocka_unit_test(test_symlink_destination),
        cmocka_unit_test(test_dangling_symlink),
        cmocka_unit_test(test_char_device_destination),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_file_out_commit_and_discard),
        cmocka_unit_test(test_killed_mid_write),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
