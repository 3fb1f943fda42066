/* Internal: every allocation of the library goes through these, so that sizes are checked
 * for overflow in one place and tests can make the Nth allocation fail. */
#ifndef STRATUM_ALLOC_H
#define STRATUM_ALLOC_H

#include <stddef.h>

void *st__malloc(size_t size);
void *st__calloc(size_t count, size_t size);
void *st__realloc(void *ptr, size_t size);
void st__free(void *ptr);
char *st__strdup(const char *s);
char *st__strndup(const char *s, size_t len);

/* a * b, or 0 with *overflow set when it does not fit in size_t. */
static inline size_t st__mul_size(size_t a, size_t b, int *overflow)
{
    size_t r;
    if (__builtin_mul_overflow(a, b, &r)) {
        *overflow = 1;
        return 0;
    }
    return r;
}

/* malloc of count * size bytes; NULL on overflow as on exhaustion. */
void *st__malloc_array(size_t count, size_t size);
void *st__realloc_array(void *ptr, size_t count, size_t size);

/* count * size bytes starting on a 64-byte (cache line) boundary, zeroed; freed with
 * st__free. NULL on overflow as on exhaustion. */
void *st__calloc_aligned64(size_t count, size_t size);

/* Advises the kernel to back the 2 MB-aligned interior of a large, not yet touched buffer
 * with huge pages (fewer page faults when it is first written). No effect on the contents;
 * ignored where unsupported or for buffers under 4 MB (alloc_huge.c). */
void st__advise_huge_pages(void *p, size_t size);

#ifdef ST_FAULT_INJECTION
/* Test builds only: allocations after the next n succeed no more (n < 0: never fail), and
 * the number of blocks allocated and not yet freed. */
void st__fault_fail_after(long n);
long st__fault_live_blocks(void);
#endif

#endif
