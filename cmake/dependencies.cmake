# Dependencies, all from Debian packages:
#   libopenblas-dev  (CBLAS; Debian's default pthread build of OpenBLAS)
#   liblapacke-dev   (LAPACKE)
#   gcc's libgomp    (OpenMP)
#   libcmocka-dev    (tests only)
#
# OpenBLAS here is the pthread build: it runs its own thread pool, so BLAS is never
# called from inside an OpenMP region. src/linalg/linalg.c is the only file that includes
# cblas.h or lapacke.h; it runs each call on one OpenBLAS thread (see its comment), and
# opens the two libraries with dlopen on first use: they are found here for their headers
# (and the tests and benchmarks that link them), not linked into the library.

find_package(OpenMP REQUIRED COMPONENTS C)

set(BLA_VENDOR OpenBLAS)
find_package(BLAS REQUIRED)
find_path(STRATUM_CBLAS_INCLUDE_DIR cblas.h
          PATH_SUFFIXES openblas x86_64-linux-gnu/openblas-pthread x86_64-linux-gnu
          REQUIRED)
find_path(STRATUM_LAPACKE_INCLUDE_DIR lapacke.h REQUIRED)
find_library(STRATUM_LAPACKE_LIBRARY lapacke REQUIRED)

find_library(STRATUM_MATH_LIBRARY m REQUIRED)
