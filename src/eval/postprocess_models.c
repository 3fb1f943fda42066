/* The post-processing accessors of both model families (stratum/logreg.h, stratum/gbdt.h):
 * thin wrappers over st__post. */
#include <math.h>

#include "core/error.h"
#include "gbdt/gbdt_model.h"
#include "logreg/logreg_impl.h"

static st_status null_model(const char *fn, st_error *err)
{
    return st__fail(err, ST_ERR_INVALID_ARG, "%s: model is NULL", fn);
}

static double threshold_of(const st__post *p)
{
    return p->has_threshold ? p->threshold.value : NAN;
}

static int threshold_info(const st__post *p, st_decision_threshold *t)
{
    if (!p->has_threshold)
        return 0;
    if (t != NULL)
        *t = p->threshold;
    return 1;
}

st_status st_logreg_set_calibration(st_logreg *m, const st_calibration *c, st_error *err)
{
    return m == NULL ? null_model("st_logreg_set_calibration", err)
                     : st__post_set_calibration(&m->post, c, err);
}

st_status st_logreg_set_threshold(st_logreg *m, const st_decision_threshold *t, st_error *err)
{
    return m == NULL ? null_model("st_logreg_set_threshold", err)
                     : st__post_set_threshold(&m->post, t, err);
}

const st_calibration *st_logreg_calibration(const st_logreg *m)
{
    return m != NULL ? m->post.cal : NULL;
}

double st_logreg_threshold(const st_logreg *m)
{
    return m != NULL ? threshold_of(&m->post) : NAN;
}

int st_logreg_threshold_info(const st_logreg *m, st_decision_threshold *t)
{
    return m != NULL && threshold_info(&m->post, t);
}

st_status st_gbdt_set_calibration(st_gbdt *m, const st_calibration *c, st_error *err)
{
    return m == NULL ? null_model("st_gbdt_set_calibration", err)
                     : st__post_set_calibration(&m->post, c, err);
}

st_status st_gbdt_set_threshold(st_gbdt *m, const st_decision_threshold *t, st_error *err)
{
    return m == NULL ? null_model("st_gbdt_set_threshold", err)
                     : st__post_set_threshold(&m->post, t, err);
}

const st_calibration *st_gbdt_calibration(const st_gbdt *m)
{
    return m != NULL ? m->post.cal : NULL;
}

double st_gbdt_threshold(const st_gbdt *m)
{
    return m != NULL ? threshold_of(&m->post) : NAN;
}

int st_gbdt_threshold_info(const st_gbdt *m, st_decision_threshold *t)
{
    return m != NULL && threshold_info(&m->post, t);
}
