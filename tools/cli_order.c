/* Arguments in the wrong order: 'stratum predict data.csv model' is an easy slip, and
 * reading a model file as data (or data as a model) gives a confusing parse error deep in
 * the file. So when the first argument is not a model file but the second is, the usage
 * error says so. */
#include <string.h>

#include "cli.h"
#include "cmd_train_gbdt.h"

/* A model stratum can load: its own ("stratum-model N KIND" on line 1), or an XGBoost or
 * LightGBM model (cli_model_is_gbdt). */
static int looks_like_model(const char *path)
{
    if (cli_model_is_gbdt(path))
        return 1;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    char line[16] = {0};
    int ok = fgets(line, sizeof line, f) != NULL && strncmp(line, "stratum-model ", 14) == 0;
    fclose(f);
    return ok;
}

int cli_check_model_first(const char *command, const char *model_path, const char *data_path)
{
    if (looks_like_model(model_path) || !looks_like_model(data_path))
        return EXIT_OK;
    return cli_usage_error(command, "the first argument is a data file, not a model: "
                           "stratum %s MODEL DATA", command);
}
