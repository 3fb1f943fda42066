/* The post-processing accessors of logistic regression (stratum/logreg.h): thin wrappers
 * over the calibration map, threshold and positive class every model carries (eval/calibration_impl.h). */
#include <math.h>

#include "logreg_impl.h"
#include "core/error.h"

st_status st_logreg_set_calibration(st_logreg *m, const st_calibration *c, st_error *err)
{
    return m == NULL ? st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_set_calibration: model is NULL")
                     : st__post_set_calibration(&m->post, c, err);
}

st_status st_logreg_set_threshold(st_logreg *m, const st_decision_threshold *t, st_error *err)
{
    return m == NULL ? st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_set_threshold: model is NULL")
                     : st__post_set_threshold(&m->post, t, err);
}

const st_calibration *st_logreg_calibration(const st_logreg *m)
{
    return m != NULL ? m->post.cal : NULL;
}

double st_logreg_threshold(const st_logreg *m)
{
    return m != NULL ? st__post_threshold(&m->post) : NAN;
}

int st_logreg_threshold_info(const st_logreg *m, st_decision_threshold *t)
{
    return m != NULL && st__post_threshold_info(&m->post, t);
}

const char *st_logreg_positive_class(const st_logreg *m)
{
    return m != NULL ? m->post.positive_class : NULL;
}

st_status st_logreg_set_class_texts(st_logreg *m, const char *positive, const char *negative,
                                 st_error *err)
{
    return m == NULL ? st__fail(err, ST_ERR_INVALID_ARG, "st_logreg_set_class_texts: model is NULL")
                     : st__post_set_positive_texts(&m->post, positive, negative, err);
}
