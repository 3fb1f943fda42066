/* stratum train logreg --lambda-path: the path table (lambda, df, dev_ratio, intercept and
 * every coefficient, one row per lambda) to stdout, or to a file written atomically. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_progress.h"

static void csv_name(FILE *f, const char *name)
{
    fputc('"', f); /* quoted, since a feature name may hold a comma */
    for (const char *c = name; *c; c++)
        fprintf(f, *c == '"' ? "\"\"" : "%c", *c);
    fputc('"', f);
}

/* JSON carries "fit_seconds": the wall time of fitting the path (not reading the data). */
static void write_json(FILE *f, const st_logreg_path *path, double fit_seconds)
{
    size_t nl = st_logreg_path_n_lambda(path), p = st_logreg_path_n_coefs(path);
    fprintf(f, "{\"fit_seconds\": %.6f, \"lambda_max\": ", fit_seconds);
    json_number(f, st_logreg_path_lambda_max(path));
    fprintf(f, ", \"names\": [");
    for (size_t k = 0; k < p; k++) {
        fprintf(f, "%s", k ? ", " : "");
        json_string(f, st_logreg_path_coef_name(path, k));
    }
    fprintf(f, "], \"fits\": [");
    for (size_t l = 0; l < nl; l++) {
        fprintf(f, "%s{\"lambda\": ", l ? ", " : "");
        json_number(f, st_logreg_path_lambdas(path)[l]);
        fprintf(f, ", \"df\": %zu, \"dev_ratio\": ", st_logreg_path_df(path)[l]);
        json_number(f, st_logreg_path_dev_ratios(path)[l]);
        fprintf(f, ", \"converged\": %s, \"intercept\": ",
                st_logreg_path_converged(path, l) ? "true" : "false");
        json_number(f, st_logreg_path_intercepts(path)[l]);
        fprintf(f, ", \"coefficients\": [");
        for (size_t k = 0; k < p; k++) {
            fprintf(f, "%s", k ? ", " : "");
            json_number(f, st_logreg_path_coefs(path, l)[k]);
        }
        fprintf(f, "]}");
    }
    fprintf(f, "]}\n");
}

/* CSV, Markdown or aligned text: a header, then one row per lambda. */
static void write_table(FILE *f, const st_logreg_path *path, cli_format format)
{
    size_t nl = st_logreg_path_n_lambda(path), p = st_logreg_path_n_coefs(path);
    const char *sep = format == FORMAT_CSV ? "," : format == FORMAT_MARKDOWN ? " | " : " ";
    const char *open = format == FORMAT_MARKDOWN ? "| " : "";
    const char *close = format == FORMAT_MARKDOWN ? " |\n" : "\n";
    const int text = format == FORMAT_TEXT;
    fprintf(f, text ? "%s%12s%s%4s%s%9s%s%12s" : "%s%s%s%s%s%s%s%s", open, "lambda", sep,
            "df", sep, "dev_ratio", sep, "(intercept)");
    for (size_t k = 0; k < p; k++) {
        const char *name = st_logreg_path_coef_name(path, k);
        fprintf(f, "%s", sep);
        if (format == FORMAT_CSV)
            csv_name(f, name);
        else
            fprintf(f, text ? "%12s" : "%s", name);
    }
    fprintf(f, "%s", close);
    if (format == FORMAT_MARKDOWN) {
        fprintf(f, "|--:|--:|--:|--:|");
        for (size_t k = 0; k < p; k++)
            fprintf(f, "--:|");
        fprintf(f, "\n");
    }
    const char *num = format == FORMAT_CSV ? "%.17g" : text ? "%12.5g" : "%.6g";
    for (size_t l = 0; l < nl; l++) {
        fprintf(f, "%s", open);
        fprintf(f, num, st_logreg_path_lambdas(path)[l]);
        fprintf(f, text ? "%s%4zu%s%9.5f%s" : "%s%zu%s%.6g%s", sep, st_logreg_path_df(path)[l],
                sep, st_logreg_path_dev_ratios(path)[l], sep);
        fprintf(f, num, st_logreg_path_intercepts(path)[l]);
        for (size_t k = 0; k < p; k++) {
            const char *name = st_logreg_path_coef_name(path, k);
            int w = text && strlen(name) > 12 ? (int)strlen(name) : 12;
            fprintf(f, "%s", sep);
            if (text)
                fprintf(f, "%*.5g", w, st_logreg_path_coefs(path, l)[k]);
            else
                fprintf(f, num, st_logreg_path_coefs(path, l)[k]);
        }
        fprintf(f, "%s", close);
    }
}

static void write_path(FILE *f, const st_logreg_path *path, cli_format format,
                       double fit_seconds)
{
    if (format == FORMAT_JSON)
        write_json(f, path, fit_seconds);
    else
        write_table(f, path, format);
}

int cli_train_path(const st_dataset *ds, const st_logreg_params *prm,
                   const st_logreg_path_options *opt, const char *out_path, cli_format format,
                   int quiet)
{
    st_error err;
    st_logreg_path *path = NULL;
    st_logreg_params shown = *prm;
    cli_progress_logreg_params(&shown); /* the path is the same either way */
    cli_progress_begin("train", opt->n_lambda, "lambdas");
    double fit_seconds = cli_seconds(); /* the fit alone: not reading, not writing */
    st_status rc = st_logreg_path_fit(ds, &shown, opt, &path, &err);
    fit_seconds = cli_seconds() - fit_seconds;
    cli_progress_end();
    if (rc != ST_OK)
        return cli_fail(&err, rc);
    size_t nl = st_logreg_path_n_lambda(path), unconverged = 0;
    for (size_t l = 0; l < nl; l++)
        unconverged += !st_logreg_path_converged(path, l);
    if (out_path == NULL) {
        write_path(stdout, path, format, fit_seconds);
    } else {
        /* a file gets CSV unless another machine format was asked for */
        char *buf = NULL;
        size_t size = 0;
        FILE *mem = open_memstream(&buf, &size);
        if (mem == NULL) {
            st_logreg_path_free(path);
            fprintf(stderr, "stratum: out of memory for the path table\n");
            return EXIT_FAILED;
        }
        write_path(mem, path, format == FORMAT_TEXT ? FORMAT_CSV : format, fit_seconds);
        const int code = cli_write_memstream(mem, &buf, &size, out_path, "the path table");
        if (code != EXIT_OK) {
            st_logreg_path_free(path);
            return code;
        }
    }
    if (!quiet)
        fprintf(stderr, "lambda path on %zu rows: %zu lambdas from %.6g down to %.6g "
                "(lambda_max %.6g) in %.3f s, %zu not converged%s%s\n", st_dataset_n_rows(ds),
                nl, st_logreg_path_lambdas(path)[0], st_logreg_path_lambdas(path)[nl - 1],
                st_logreg_path_lambda_max(path), fit_seconds, unconverged,
                out_path ? "; wrote " : "", out_path ? out_path : "");
    st_logreg_path_free(path);
    return EXIT_OK;
}
