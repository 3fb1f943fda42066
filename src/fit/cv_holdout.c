/* The stratified hold-out split of a validation set (stratum/cv.h: st_cv_holdout_split):
 * each class's rows are shuffled (Fisher-Yates with splitmix64 seeded by the seed,
 * positives first, then negatives on the same stream) and the first round(fraction * n_c)
 * of them are held out. Both parts keep the row order, so training on the rest is training
 * on a subset in order. */
#include <math.h>
#include <stdint.h>

#include "core/alloc.h"
#include "core/error.h"
#include "cv_impl.h"

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Marks round(fraction * k) of the k rows idx[0..k) (at least 1, at most k - 1 when
 * k >= 2) as held out in hold. */
static void hold_out(size_t *idx, size_t k, double fraction, uint64_t *state,
                     unsigned char *hold)
{
    for (size_t i = k; i > 1; i--) {
        size_t j = (size_t)(splitmix64(state) % i);
        size_t t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
    size_t h = (size_t)floor(fraction * (double)k + 0.5);
    if (k >= 2)
        h = h < 1 ? 1 : h > k - 1 ? k - 1 : h;
    else
        h = 0;
    for (size_t i = 0; i < h; i++)
        hold[idx[i]] = 1;
}

st_status st_cv_holdout_split(const st_dataset *ds, double fraction, unsigned long long seed,
                              st_dataset **train, st_dataset **valid, st_error *err)
{
    if (train != NULL)
        *train = NULL;
    if (valid != NULL)
        *valid = NULL;
    if (train == NULL || valid == NULL || ds == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_holdout_split: %s is NULL",
                        ds == NULL ? "the dataset" : train == NULL ? "train" : "valid");
    if (!(fraction > 0 && fraction < 1))
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_holdout_split: fraction %g: expected "
                        "a number in (0, 1)", fraction);
    const size_t n = st_dataset_n_rows(ds);
    const float *y = st_dataset_labels(ds);
    if (y == NULL)
        return st__fail(err, ST_ERR_INVALID_ARG, "st_cv_holdout_split: the dataset has no "
                        "labels");
    size_t *idx = st__malloc_array(n ? n : 1, sizeof *idx);
    size_t *rows = st__malloc_array(n ? n : 1, sizeof *rows);
    unsigned char *hold = st__calloc(n ? n : 1, 1);
    st_status rc = ST_OK;
    if (idx == NULL || rows == NULL || hold == NULL) {
        rc = st__fail(err, ST_ERR_NOMEM, "out of memory splitting %zu rows", n);
        goto done;
    }
    uint64_t state = (uint64_t)seed ^ 0x7a1d5eedULL;
    for (int cls = 1; cls >= 0; cls--) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if ((y[i] != 0) == cls)
                idx[k++] = i;
        hold_out(idx, k, fraction, &state, hold);
    }
    size_t n_train = 0, n_valid = 0;
    for (size_t i = 0; i < n; i++)
        if (!hold[i])
            rows[n_train++] = i;
    for (size_t i = 0; i < n; i++)
        if (hold[i])
            idx[n_valid++] = i;
    if (n_train == 0 || n_valid == 0) {
        rc = st__fail(err, ST_ERR_DATA, "--valid-fraction %g of %zu rows leaves no %s rows",
                      fraction, n, n_valid == 0 ? "validation" : "training");
        goto done;
    }
    if ((rc = st_dataset_subset(ds, rows, n_train, train, err)) == ST_OK)
        rc = st_dataset_subset(ds, idx, n_valid, valid, err);
done:
    if (rc != ST_OK) {
        st_dataset_free(*train);
        st_dataset_free(*valid);
        *train = *valid = NULL;
    }
    st__free(idx);
    st__free(rows);
    st__free(hold);
    return rc;
}
