/* The stratified hold-out split of --valid-fraction: the library's st_cv_holdout_split
 * (stratum/cv.h), the split cross-validation makes inside each training part. */
#include "cli_gbdt_options.h"

st_status cli_gbdt_valid_split(const st_dataset *ds, double fraction, unsigned long long seed,
                               st_dataset **train, st_dataset **valid, st_error *err)
{
    return st_cv_holdout_split(ds, fraction, seed, train, valid, err);
}
