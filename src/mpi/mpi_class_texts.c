/* The classes' label texts of a dataset read in parts: a rank whose part lacks a class has
 * no text for it, so each class takes the text of the lowest rank that saw it, and every
 * rank's model records the positive class as one process reading the whole file would. */
#include "mpi_class_texts.h"

#include <string.h>

#include "core/alloc.h"
#include "core/error.h"
#include "eval/calibration_impl.h"

/* Class cls's text as the lowest rank that has one holds it, in a new string (NULL when
 * no rank has one). */
static st_status shared_text(st__mpi_ctx *c, const st_dataset *local, int cls, char **out,
                             st_error *err)
{
    *out = NULL;
    const char *mine = st_dataset_class_name(local, cls);
    const int has = mine != NULL && *mine != '\0';
    int owner = has ? c->rank : c->size;
    int rc = MPI_Allreduce(MPI_IN_PLACE, &owner, 1, MPI_INT, MPI_MIN, c->comm);
    if (rc != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Allreduce (class texts)", rc);
    if (owner == c->size)
        return ST_OK;
    unsigned long long len = c->rank == owner ? strlen(mine) : 0;
    if ((rc = MPI_Bcast(&len, 1, MPI_UNSIGNED_LONG_LONG, owner, c->comm)) != MPI_SUCCESS)
        return st__mpi_fail(err, "MPI_Bcast (class texts)", rc);
    char *text = st__malloc((size_t)len + 1);
    /* every rank has its buffer, or none goes on to the broadcast (one waiting in it for
       a rank that returned would wait forever) */
    st_status ok = st__mpi_agree(c, text != NULL ? ST_OK : st__fail(err, ST_ERR_NOMEM,
                                                                   "out of memory for a "
                                                                   "class's text"), err);
    if (ok != ST_OK) {
        st__free(text);
        return ok;
    }
    if (c->rank == owner)
        memcpy(text, mine, (size_t)len + 1);
    if ((rc = MPI_Bcast(text, (int)len + 1, MPI_CHAR, owner, c->comm)) != MPI_SUCCESS) {
        st__free(text);
        return st__mpi_fail(err, "MPI_Bcast (class texts)", rc);
    }
    *out = text;
    return ST_OK;
}

st_status st__mpi_record_positive_class(st__mpi_ctx *c, const st_dataset *local,
                                        st__post *post, st_error *err)
{
    char *pos = NULL, *neg = NULL;
    st_status rc = shared_text(c, local, 1, &pos, err);
    if (rc == ST_OK)
        rc = shared_text(c, local, 0, &neg, err);
    if (rc == ST_OK)
        rc = st__post_set_positive_texts(post, pos, neg, err);
    st__free(pos);
    st__free(neg);
    return rc;
}
