/* Running the stratum program from a cmocka test: exit code, stdout and stderr. Shared by
 * the CLI suites. Needs _POSIX_C_SOURCE 200809L and STRATUM_CLI (the program's path). A
 * suite whose commands print more may define CLI_RUN_OUT_SIZE (or CLI_RUN_ERR_SIZE), the
 * bytes kept of stdout (stderr), before including this header; the rest is cut off. */
#ifndef STRATUM_TEST_CLI_RUN_H
#define STRATUM_TEST_CLI_RUN_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/fifo_reader.h"

#ifndef CLI_RUN_OUT_SIZE
#define CLI_RUN_OUT_SIZE 65536
#endif
#ifndef CLI_RUN_ERR_SIZE
#define CLI_RUN_ERR_SIZE 65536
#endif

typedef struct run_result {
    int exit_code;
    char out[CLI_RUN_OUT_SIZE];
    char err[CLI_RUN_ERR_SIZE];
} run_result;

static inline void slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n = f != NULL ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f != NULL)
        fclose(f);
}

/* Runs the CLI with the given arguments (NULL-terminated), capturing stdout and stderr. */
static inline run_result *run(const char *first, ...)
{
    const char *argv[32];
    int argc = 0;
    argv[argc++] = STRATUM_CLI;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a != NULL && argc < 31; a = va_arg(ap, const char *))
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;

    char out_path[] = "/tmp/stratum_cli_out_XXXXXX", err_path[] = "/tmp/stratum_cli_err_XXXXXX";
    int out_fd = mkstemp(out_path), err_fd = mkstemp(err_path);
    assert_true(out_fd >= 0 && err_fd >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out_fd, 1);
        dup2(err_fd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    close(out_fd);
    close(err_fd);
    run_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    slurp(out_path, r->out, sizeof r->out);
    slurp(err_path, r->err, sizeof r->err);
    unlink(out_path);
    unlink(err_path);
    return r;
}

/* A failure is one line on stderr starting "stratum" and naming what was wrong. */
/* For a fixture's setup: 1 when every run in r[0..n) exited 0 (each failure's stderr is
 * printed), 0 otherwise; frees the results either way. */
static inline int all_succeeded(run_result **r, size_t n)
{
    int ok = 1;
    for (size_t k = 0; k < n; k++) {
        if (r[k]->exit_code != 0) {
            fprintf(stderr, "setup run failed: %s", r[k]->err);
            ok = 0;
        }
        free(r[k]);
    }
    return ok;
}

static inline void assert_one_error_line(const run_result *r, const char *must_contain)
{
    assert_int_equal(strncmp(r->err, "stratum", 7), 0);
    const char *nl = strchr(r->err, '\n');
    assert_non_null(nl);
    assert_int_equal(nl[1], '\0');
    if (strstr(r->err, must_contain) == NULL)
        fail_msg("stderr '%s' lacks '%s'", r->err, must_contain);
}

#endif
