/* Embeds libstratum: reads a dataset, prints its size and class balance, and builds a
 * dataset from arrays. Used to prove the installed headers, libraries, pkg-config file and
 * CMake package work. */
#include <math.h>
#include <stdio.h>
#include <stratum.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: embed DATA.csv\n");
        return 2;
    }
    st_error err;
    st_dataset *ds = NULL;
    st_read_options opt = st_read_options_default();
    st_status rc = st_dataset_read(argv[1], &opt, &ds, &err);
    if (rc != ST_OK) {
        fprintf(stderr, "embed: %s: %s\n", st_status_str(rc), err.message);
        return 1;
    }
    st_label_summary ls;
    if (st_dataset_label_summary(ds, &ls, &err) != ST_OK)
        return 1;
    printf("rows=%zu features=%zu positives=%zu\n", st_dataset_n_rows(ds),
           st_dataset_n_features(ds), ls.n_positive);
    st_dataset_free(ds);

    const float x[6] = {1, 2, NAN, 4, 5, 6}; /* two features, three rows, column-major */
    const float y[3] = {0, 1, 1};
    if (st_dataset_from_arrays(3, 2, x, y, NULL, NULL, &ds, &err) != ST_OK) {
        fprintf(stderr, "embed: %s\n", err.message);
        return 1;
    }
    printf("arrays: rows=%zu second=%s version=%s\n", st_dataset_n_rows(ds),
           st_dataset_feature_name(ds, 1), st_version());
    st_dataset_free(ds);
    return 0;
}
