/* st_model_explain (stratum/explain.h): explain.c the entry point and the chosen rows,
 * explain_values.c a row's values and texts as text, explain_global.c the means over every
 * row and the model's own importance, explain_rank.c the orderings (also the report's:
 * src/report/report_explain*.c). */
#ifndef STRATUM_FIT_EXPLAIN_IMPL_H
#define STRATUM_FIT_EXPLAIN_IMPL_H

#include <stratum/explain.h>

/* Indices 0..n-1 ordered by decreasing key (NaN last, ties: lower index first) into order;
 * left in index order when out of memory. */
void st__explain_rank(const double *key, size_t n, size_t *order);

/* Feature j's value in row i of ds (the featurized data) as text, as st_explanation.values
 * holds it; a new string (st__free), NULL when out of memory. */
char *st__explain_value_text(const st_model *m, const st_dataset *ds, size_t j, size_t i);

/* Row i's text in the column featurizer f reads, as raw (the data before featurizing) holds
 * it: lent by raw, NULL when missing. */
const char *st__explain_row_text(const st_dataset *raw, const st_text_featurizer *f,
                                 size_t i);

/* The global part of ex: means over every row of ds (featurized) and the importance
 * (explain_global.c). */
st_status st__explain_global(const st_model *m, const st_dataset *ds,
                             const st_explain_params *prm, st_explanation *ex, st_error *err);

#endif
