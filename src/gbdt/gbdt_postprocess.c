/* The post-processing accessors of boosted trees (stratum/gbdt.h): thin wrappers over the
 * calibration map, threshold and positive class every model carries (eval/calibration_impl.h). */
#include <math.h>

#include "gbdt_model.h"
#include "core/error.h"

st_status st_gbdt_set_calibration(st_gbdt *m, const st_calibration *c, st_error *err)
{
    return m == NULL ? st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_set_calibration: model is NULL")
                     : st__post_set_calibration(&m->post, c, err);
}

st_status st_gbdt_set_threshold(st_gbdt *m, const st_decision_threshold *t, st_error *err)
{
    return m == NULL ? st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_set_threshold: model is NULL")
                     : st__post_set_threshold(&m->post, t, err);
}

const st_calibration *st_gbdt_calibration(const st_gbdt *m)
{
    return m != NULL ? m->post.cal : NULL;
}

double st_gbdt_threshold(const st_gbdt *m)
{
    return m != NULL ? st__post_threshold(&m->post) : NAN;
}

int st_gbdt_threshold_info(const st_gbdt *m, st_decision_threshold *t)
{
    return m != NULL && st__post_threshold_info(&m->post, t);
}

const char *st_gbdt_positive_class(const st_gbdt *m)
{
    return m != NULL ? m->post.positive_class : NULL;
}

st_status st_gbdt_set_class_texts(st_gbdt *m, const char *positive, const char *negative,
                                 st_error *err)
{
    return m == NULL ? st__fail(err, ST_ERR_INVALID_ARG, "st_gbdt_set_class_texts: model is NULL")
                     : st__post_set_positive_texts(&m->post, positive, negative, err);
}
