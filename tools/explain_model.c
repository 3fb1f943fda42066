/* One interface over logistic regression and boosted-tree models for the explaining
 * commands, and streamed outputs that replace their file atomically. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_train_gbdt.h"
#include "explain.h"

int cli_model_load(const char *path, cli_model *m)
{
    memset(m, 0, sizeof *m);
    st_error err;
    st_status rc;
    if (cli_model_is_gbdt(path)) {
        rc = st_gbdt_load(path, &m->gb, &err);
        if (rc == ST_OK)
            m->n_features = st_gbdt_n_features(m->gb);
    } else {
        rc = st_logreg_load(path, &m->lr, &err);
        if (rc == ST_OK)
            m->n_features = st_logreg_n_features(m->lr);
    }
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

void cli_model_free(cli_model *m)
{
    st_logreg_free(m->lr);
    st_gbdt_free(m->gb);
    memset(m, 0, sizeof *m);
}

const char *cli_model_family(const cli_model *m) { return m->gb != NULL ? "gbdt" : "logreg"; }

const char *cli_model_feature_name(const cli_model *m, size_t j)
{
    return m->gb != NULL ? st_gbdt_feature_name(m->gb, j) : st_logreg_feature_name(m->lr, j);
}

st_status cli_model_predict(const cli_model *m, const st_dataset *ds, int threads, double *p,
                            st_error *err)
{
    size_t n = st_dataset_n_rows(ds);
    if (m->gb != NULL)
        return st_gbdt_predict(m->gb, ds, ST_GBDT_PROBABILITY, threads, p, n, err);
    return st_logreg_predict(m->lr, ds, p, n, err);
}

st_status cli_model_contrib(const cli_model *m, const st_dataset *ds, int threads, double *out,
                            st_error *err)
{
    size_t n = st_dataset_n_rows(ds) * (m->n_features + 1);
    if (m->gb != NULL)
        return st_gbdt_contrib(m->gb, ds, threads, out, n, err);
    return st_logreg_contrib(m->lr, ds, out, n, err);
}

int cli_model_has_interactions(const cli_model *m) { return m->gb != NULL; }

st_status cli_model_interactions(const cli_model *m, const st_dataset *ds, int threads,
                                 double *out, st_error *err)
{
    size_t n = st_dataset_n_rows(ds) * (m->n_features + 1) * (m->n_features + 1);
    return st_gbdt_interactions(m->gb, ds, threads, out, n, err);
}

int cli_read_data(const char *path, const cli_common *common, st_dataset **ds)
{
    st_read_options opt = cli_read_options(common);
    opt.label_required = 0; /* explaining new data: the outcome is usually unknown */
    st_error err;
    st_status rc = st_dataset_read(path, &opt, ds, &err);
    return rc == ST_OK ? EXIT_OK : cli_fail(&err, rc);
}

int cli_stream_open(cli_stream *s, const char *path)
{
    memset(s, 0, sizeof *s);
    s->path = path;
    if (path == NULL) {
        s->f = stdout;
        return EXIT_OK;
    }
    static const char suffix[] = ".tmp.XXXXXX";
    size_t len = strlen(path);
    if ((s->tmp = malloc(len + sizeof suffix)) == NULL) {
        fprintf(stderr, "stratum: out of memory for a file name\n");
        return EXIT_FAILED;
    }
    memcpy(s->tmp, path, len);
    memcpy(s->tmp + len, suffix, sizeof suffix);
    int fd = mkstemp(s->tmp);
    if (fd < 0 || (s->f = fdopen(fd, "wb")) == NULL) {
        fprintf(stderr, "stratum: %s: cannot create a temporary file next to it: %s\n", path,
                strerror(errno));
        if (fd >= 0) {
            close(fd);
            remove(s->tmp);
        }
        free(s->tmp);
        s->tmp = NULL;
        return EXIT_FAILED;
    }
    return EXIT_OK;
}

int cli_stream_commit(cli_stream *s)
{
    if (s->path == NULL) {
        int bad = fflush(stdout) != 0 || ferror(stdout);
        if (bad)
            fprintf(stderr, "stratum: cannot write to stdout: %s\n", strerror(errno));
        return bad ? EXIT_FAILED : EXIT_OK;
    }
    const char *what = NULL;
    int errnum = 0;
    if (ferror(s->f) || fflush(s->f) != 0)
        errnum = errno, what = "write";
    if (what == NULL && fsync(fileno(s->f)) != 0)
        errnum = errno, what = "sync";
    if (fclose(s->f) != 0 && what == NULL)
        errnum = errno, what = "close";
    s->f = NULL;
    if (what == NULL && rename(s->tmp, s->path) != 0)
        errnum = errno, what = "replace";
    if (what != NULL) {
        fprintf(stderr, "stratum: %s: cannot %s: %s\n", s->path, what, strerror(errnum));
        remove(s->tmp);
    }
    free(s->tmp);
    s->tmp = NULL;
    return what == NULL ? EXIT_OK : EXIT_FAILED;
}

void cli_stream_abort(cli_stream *s)
{
    if (s->path != NULL && s->f != NULL) {
        fclose(s->f);
        remove(s->tmp);
    }
    free(s->tmp);
    memset(s, 0, sizeof *s);
}

void csv_field(FILE *f, const char *s)
{
    if (strpbrk(s, ",\"\r\n;\t|") == NULL) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}
