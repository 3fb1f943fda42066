/* Internal: a file of row weights, one number per line (LightGBM's DATA.weight), read line
 * by line so that the streamed binner keeps its bounded memory. */
#ifndef STRATUM_WEIGHT_FILE_H
#define STRATUM_WEIGHT_FILE_H

#include <stdio.h>
#include <stratum/common.h>

typedef struct st__weight_file {
    FILE *f;
    const char *path;  /* borrowed */
    long line;         /* lines read so far */
    long blank_line;   /* first of a run of blank lines just read (0: none) */
} st__weight_file;

/* Opens path. On failure (ST_ERR_IO naming the file) nothing needs closing. */
st_status st__weight_file_open(st__weight_file *w, const char *path, st_error *err);

/* The next weight into *out: 1, or 0 at the end of the file, or -1 with err filled (a line
 * that is not a finite number >= 0, a blank line before more weights, a read error); every
 * message names the file and the line. Blank lines at the end are ignored. */
int st__weight_file_next(st__weight_file *w, float *out, st_error *err);

/* Checks that no weight is left after n_rows rows of data_name: ST_OK, or an error saying
 * the file has more lines than the data has rows. */
st_status st__weight_file_finish(st__weight_file *w, size_t n_rows, const char *data_name,
                                 st_error *err);

/* The error for a file that ended after `got` of n_rows weights. */
st_status st__weight_file_short(const st__weight_file *w, size_t got, size_t n_rows,
                                const char *data_name, st_error *err);

void st__weight_file_close(st__weight_file *w);

#endif
