/* stratum compare's row names (--oof's columns) and the --reference row they choose. */
#include <string.h>

#include "compare.h"

/* MODEL_WEIGHT, or MODEL_WEIGHT_METHOD for a calibrated row (method not NULL). */
static void setting_name(cv_model model, const char *weight, const char *method, char *buf,
                         size_t size)
{
    snprintf(buf, size, "%s_%s%s%s", cv_model_name(model), weight, method != NULL ? "_" : "",
             method != NULL ? method : "");
}

void compare_row_name(const compare_row *row, char *buf, size_t size)
{
    if (row->file != NULL)
        snprintf(buf, size, "%s", compare_file_name(row->file));
    else
        setting_name(row->model, row->weight,
                     row->calibration != NULL && strcmp(row->calibration, "none") != 0
                         ? row->calibration : NULL, buf, size);
}

long compare_reference_index(const compare_opts *co, const char *method)
{
    if (co->reference == NULL)
        return -1;
    char names[2048] = "", name[512];
    size_t used = 0;
    long index = 0;
    /* the rows in st_compare_run's order, each name against --reference */
    for (int model = CV_LOGREG; model <= CV_GBDT; model++) {
        if (!co->use[model])
            continue;
        for (size_t w = 0; w < co->n_weights; w++)
            for (int cal = 0; cal <= (method != NULL); cal++, index++) {
                setting_name((cv_model)model, co->weight[w].text, cal ? method : NULL, name,
                             sizeof name);
                if (strcmp(name, co->reference) == 0)
                    return index;
                if (used < sizeof names)
                    used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                             used ? ", " : "", name);
            }
    }
    for (size_t k = 0; k < co->n_fixed; k++, index++) {
        if (strcmp(compare_file_name(co->fixed[k]), co->reference) == 0)
            return index;
        if (used < sizeof names)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
                                     used ? ", " : "", compare_file_name(co->fixed[k]));
    }
    cli_usage_error("compare", "--reference %s is not a row of the table; expected one of: "
                    "%s", co->reference, names);
    return -2;
}
