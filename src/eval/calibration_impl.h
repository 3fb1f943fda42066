/* Internal: the calibration map's layout, and the post-processing (calibration map and
 * decision threshold) that both model families carry, saved as the same optional lines
 * at the end of both model files (postprocess.c). */
#ifndef STRATUM_CALIBRATION_IMPL_H
#define STRATUM_CALIBRATION_IMPL_H

#include <stratum/calibration.h>
#include <stratum/dataset.h>

#include "io/model_reader.h"
#include "io/model_text.h"

struct st_calibration {
    st_calibration_method method;
    double a, b;      /* Platt */
    size_t n;         /* isotonic breakpoints */
    double *x, *y;
};

/* What a model applies after its own probability. Zero (a calloc'ed model) is nothing. */
typedef struct st__post {
    st_calibration *cal;          /* NULL: none; owned */
    int has_threshold;
    st_decision_threshold threshold;
    char *positive_class; /* the label text of the positive class, when reading labels by
                             the default rule would not give the training's classes (see
                             st_model_positive_class); NULL otherwise; owned */
} st__post;

void st__post_free(st__post *p);

/* Records in p the positive class text of the data a model was trained on, when the
 * default label rule (1/true/yes positive, 0/false/no/-1 negative) would read those
 * texts otherwise: "died", or "0" after --positive 0. ST_ERR_NOMEM or ST_OK. */
st_status st__post_set_positive_class(st__post *p, const st_dataset *ds, st_error *err);
/* The same from the two classes' texts (a binned file's). */
st_status st__post_set_positive_texts(st__post *p, const char *pos, const char *neg,
                                      st_error *err);

/* Replaces p's map by a copy of c (NULL removes it). */
st_status st__post_set_calibration(st__post *p, const st_calibration *c, st_error *err);
/* Sets (t valid) or removes (t NULL) the threshold. */
st_status st__post_set_threshold(st__post *p, const st_decision_threshold *t, st_error *err);
/* The stored threshold's value, NaN when there is none. */
double st__post_threshold(const st__post *p);
/* 1 and *t (when t is not NULL) = the stored threshold; 0 when there is none. */
int st__post_threshold_info(const st__post *p, st_decision_threshold *t);

/* The model file lines, written only when set, after everything else (before the
 * checksum line):
 *
 *     calibration platt A B
 *     calibration isotonic N          then N lines "calibration_point X Y"
 *     threshold VALUE
 *     threshold_rule fixed|f1|fbeta|youden|min-recall|min-precision [PARAM]
 *
 * PARAM (beta or the minimum) follows fbeta, min-recall and min-precision only. */
void st__post_write(st__text *t, const st__post *p, int *exact);

/* Reads those lines if they come next; leaves r before the first line that is not one. */
st_status st__post_read(st__mreader *r, st__post *p);

#endif
