/* libFuzzer harness for the LibSVM reader; the first byte picks index base and label rule. */
#include <stddef.h>
#include <stdint.h>
#include <stratum.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    st_read_options opt = st_read_options_default();
    opt.libsvm_zero_based = (int)(data[0] % 3) - 1;
    opt.positive = (data[0] & 4) ? "+1" : NULL;
    st_dataset *ds = NULL;
    st_error err;
    st_dataset_read_libsvm_buffer((const char *)data + 1, size - 1, "fuzz.svm", &opt, &ds, &err);
    st_dataset_free(ds);
    return 0;
}
