/* Test helper: a downstream reader of a FIFO, for the tests that write outputs into one
 * (the library's st_file_write_atomic, the CLI's -o). */
#ifndef STRATUM_TEST_FIFO_READER_H
#define STRATUM_TEST_FIFO_READER_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Starts a child that copies everything written into the FIFO at fifo to the file at copy,
 * as a downstream reader of `stratum ... -o FIFO` would. It gives up after 20 s (so a
 * writer that never opens the FIFO fails the test instead of hanging it). */
static inline pid_t fifo_reader_start(const char *fifo, const char *copy)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(20);
        FILE *in = fopen(fifo, "rb"), *out = fopen(copy, "wb");
        if (in == NULL || out == NULL)
            _exit(1);
        char buf[4096];
        for (size_t k; (k = fread(buf, 1, sizeof buf, in)) > 0;)
            if (fwrite(buf, 1, k, out) != k)
                _exit(1);
        _exit(fclose(out) == 0 && fclose(in) == 0 ? 0 : 1);
    }
    return pid;
}

/* Waits for the reader: 1 when it copied the FIFO to its end. */
static inline int fifo_reader_done(pid_t pid)
{
    int status = 0;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

#endif
