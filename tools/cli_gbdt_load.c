/* Loading a boosted-trees model to score with (predict, evaluate, explain): the
 * iterations of --iteration-range, and a note when an XGBoost file's early stopping chose
 * them (XGBClassifier.predict_proba's rule, which stratum follows by default). */
#include "cli.h"

st_status cli_gbdt_load(const char *path, const cli_common *c, st_gbdt **m, st_error *err)
{
    st_gbdt_load_options o = st_gbdt_load_options_default();
    o.iteration_begin = c->iter_begin;
    o.iteration_end = c->iter_end;
    st_status rc = st_gbdt_load_ex(path, &o, m, err);
    int end = 0, total = 0;
    if (rc == ST_OK && st_gbdt_loaded_iterations(*m, NULL, &end, &total) && !c->quiet)
        fprintf(stderr, "stratum: note: %s: XGBoost early stopping recorded best_iteration "
                "%d: scoring with iterations 0:%d of %d, as its predict_proba does "
                "(--iteration-range 0:%d uses all)\n", path, end - 1, end, total, total);
    return rc;
}

int cli_iteration_range_not_gbdt(const cli_common *c, const char *command, const char *path)
{
    if (c->iter_end == 0)
        return EXIT_OK;
    return cli_usage_error(command, "--iteration-range applies to boosted-trees models; %s "
                           "is not one", path);
}
