/* mpi_check_oom_sweep (mpi_check.h): needs stratum_fault's allocation-failure injection. */
#include "mpi_check.h"

#include <string.h>

#include "core/alloc.h"

int mpi_check_oom_sweep(mpi_check_train_fn train, const void *ctx)
{
    int done = 0, tried = 0;
    for (long n = 0; !done && n < 100000; n++) {
        const long live = st__fault_live_blocks();
        int made = 0;
        st_error err;
        if (rank == 1 % size)
            st__fault_fail_after(n);
        st_status rc = train(ctx, &made, &err);
        st__fault_fail_after(-1);
        tried++;
        int codes[2] = {(int)rc, -(int)rc}, agreed[2];
        MPI_Allreduce(codes, agreed, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        CHECK(agreed[0] == -agreed[1], "fail after %ld: the ranks returned different statuses",
              n);
        if (rc == ST_OK) {
            done = 1;
        } else {
            CHECK(rc == ST_ERR_NOMEM && !made, "fail after %ld: status %d (%s)", n, (int)rc,
                  err.message);
            CHECK(rank == 1 % size || strncmp(err.message, "rank 1: ", 8) == 0,
                  "fail after %ld: '%s' does not name rank 1", n, err.message);
        }
        CHECK(st__fault_live_blocks() == live, "fail after %ld: %ld blocks leaked", n,
              st__fault_live_blocks() - live);
        int all_done = 0;
        MPI_Allreduce(&done, &all_done, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
        done = all_done;
    }
    CHECK(done, "training never succeeded in the out-of-memory sweep");
    return tried - 1;
}
