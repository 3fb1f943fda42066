/* Internal: ST__VECTOR_CLONES marks a hot numeric kernel to be compiled twice with GCC on
 * x86-64: for x86-64-v3 (AVX2 and FMA) and for the baseline the build targets. The
 * dynamic loader picks the clone once per process from what the CPU offers, so a run
 * on one machine always takes the same one, whatever the thread count (results are
 * then reproducible on that machine; on a CPU without AVX2 the last bits may differ).
 * fp-contract=fast lets the AVX2 clone fuse multiply-adds (ISO C mode turns it off). */
#ifndef STRATUM_VECTOR_CLONES_H
#define STRATUM_VECTOR_CLONES_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define ST__VECTOR_CLONES \
    __attribute__((target_clones("arch=x86-64-v3", "default"), optimize("fp-contract=fast")))
/* For kernels of integer arithmetic only, whose results are exact on every clone: also an
 * x86-64-v4 clone, whose AVX-512 multiplies 64-bit integers in vectors (the row hashes). */
#define ST__INTEGER_CLONES \
    __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define ST__VECTOR_CLONES
#define ST__INTEGER_CLONES
#endif

#endif
