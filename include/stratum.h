/* stratum.h: the public API of libstratum. Anything not declared under include/ is not API.
 *
 * stratum trains and evaluates regularised logistic regression and histogram gradient-boosted
 * trees for binary classification on imbalanced clinical data.
 *
 * A first program:
 *
 *     #include <stratum.h>
 *     #include <stdio.h>
 *
 *     int main(void) {
 *         st_error err;
 *         st_dataset *ds = NULL;
 *         st_read_options opt = st_read_options_default();   // label column "label"
 *         if (st_dataset_read("stroke.csv", &opt, &ds, &err) != ST_OK) {
 *             fprintf(stderr, "%s\n", err.message);          // "stroke.csv:12:7: ..."
 *             return 1;
 *         }
 *         st_label_summary ls;
 *         st_dataset_label_summary(ds, &ls, NULL);
 *         printf("%zu rows, %.1f%% positive\n", st_dataset_n_rows(ds), 100 * ls.positive_rate);
 *         st_dataset_free(ds);
 *         return 0;
 *     }
 *
 * Build it with `cc prog.c $(pkg-config --cflags --libs stratum)`, or in CMake with
 * `find_package(stratum)` and `target_link_libraries(prog stratum::stratum)`.
 *
 * Conventions, true of every function:
 * - Fallible calls return st_status and fill an optional `st_error *err` (last argument)
 *   with a message naming the file, line and column and what was expected. The library
 *   never prints, never exits and never aborts on bad input.
 * - Objects come back through OUT parameters; on failure the OUT pointer is set to NULL
 *   and nothing leaks. Each object has one destructor, which accepts NULL.
 * - Input arrays and strings stay the caller's; the library copies what it keeps.
 * - There is no global mutable state. Read-only objects (datasets, trained models) may be
 *   used from many threads at once.
 * - Predict functions take their arguments in one order: model, data (a dataset, or a row
 *   and its width), options, output, its size, error (st_logreg_predict, st_gbdt_predict,
 *   st_model_predict, st_logreg_path_predict, st_gbdt_predict_row, st_model_predict_row).
 * - Both families weigh classes with one type, st_class_weight, and every seed defaults
 *   to ST_DEFAULT_SEED (stratum/common.h), as the CLI's --seed does.
 */
#ifndef STRATUM_H
#define STRATUM_H

#include "stratum/common.h"
#include "stratum/calibration.h"
#include "stratum/dataset.h"
#include "stratum/files.h"
#include "stratum/folds.h"
#include "stratum/gbdt.h"
#include "stratum/binned.h"
#include "stratum/logreg_path.h"
#include "stratum/metrics.h"
#include "stratum/logreg.h"
#include "stratum/fit.h"
#include "stratum/model.h"
#include "stratum/explain.h"
#include "stratum/drift.h"
#include "stratum/text.h"
#include "stratum/logreg_rowfile.h"
#include "stratum/cv.h"
#include "stratum/tune.h"
#include "stratum/compare.h"
#include "stratum/report.h"

#endif /* STRATUM_H */
