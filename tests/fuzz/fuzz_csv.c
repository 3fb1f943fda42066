/* libFuzzer harness for the CSV reader. The first byte picks reader options (delimiter,
 * label rule, missing texts), so they are fuzzed along with the text. */
#include <stddef.h>
#include <stdint.h>
#include <stratum.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const char delimiters[] = {0, ',', ';', '\t'};
    static const char *const na[] = {"", "NA", "-999"};
    st_read_options opt = st_read_options_default();
    opt.delimiter = delimiters[data[0] & 3];
    opt.positive = (data[0] & 4) ? "yes" : NULL;
    opt.label_required = !(data[0] & 8);
    opt.skip_missing_labels = (data[0] & 16) != 0;
    if (data[0] & 32) {
        opt.na_values = na;
        opt.n_na_values = 3;
    }
    st_dataset *ds = NULL;
    st_error err;
    if (st_dataset_read_csv_buffer((const char *)data + 1, size - 1, "fuzz.csv", &opt, &ds,
                                   &err) == ST_OK) {
        st_column_summary s;
        for (size_t j = 0; j < st_dataset_n_features(ds); j++)
            st_dataset_column_summary(ds, j, &s, NULL);
    }
    st_dataset_free(ds);
    return 0;
}
