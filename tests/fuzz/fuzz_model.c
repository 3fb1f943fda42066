/* libFuzzer harness for the model loaders (logistic regression, boosted trees and the
 * XGBoost JSON and LightGBM text imports). A random mutation almost never keeps the
 * checksum right, so each input is also loaded with a correct checksum line appended: that
 * is what lets the fuzzer reach the parser behind the checksum. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stratum.h>

#include "gbdt/gbdt_model.h"
#include "logreg/logreg_model_load.h"
#include "io/model_text.h"

static void load(const char *data, size_t size)
{
    st_logreg *m = NULL;
    st_error err;
    st__logreg_load_buffer(data, size, "fuzz.model", &m, &err);
    st_logreg_free(m);
    st_gbdt *g = NULL;
    st__gbdt_load_buffer(data, size, "fuzz.model", &g, &err);
    st_gbdt_free(g);
    g = NULL; /* and as a model XGBoost saved as JSON */
    st__gbdt_import_xgboost(data, size, "fuzz.json", &g, &err);
    st_gbdt_free(g);
    g = NULL; /* and as a model LightGBM saved as text */
    st__gbdt_import_lightgbm(data, size, "fuzz.txt", &g, &err);
    st_gbdt_free(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    load((const char *)data, size);
    char *sealed = malloc(size + 32);
    if (sealed == NULL)
        return 0;
    memcpy(sealed, data, size);
    int n = snprintf(sealed + size, 32, "checksum %016llx\n",
                     (unsigned long long)st__fnv1a64((const char *)data, size));
    load(sealed, size + (size_t)n);
    free(sealed);
    return 0;
}
