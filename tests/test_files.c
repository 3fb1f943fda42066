/* st_file_write_atomic: a file is replaced whole or not at all, and no temporary is left. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stratum.h>

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

/* Writing over a directory fails at the rename and leaves the directory as it was. */
static void test_rename_failure_cleans_up(void **state)
{
    (void)state;
    char path[256];
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    int before = entries();
    st_error err;
    assert_int_equal(st_file_write_atomic(path, "x", 1, &err), ST_ERR_IO);
    assert_non_null(strstr(err.message, "cannot replace"));
    assert_int_equal(entries(), before);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_and_replace),
        cmocka_unit_test(test_missing_directory),
        cmocka_unit_test(test_rename_failure_cleans_up),
        cmocka_unit_test(test_modes),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
