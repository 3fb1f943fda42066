/* Allocation wrappers. In a fault-injection build (ST_FAULT_INJECTION, used only by the
 * out-of-memory tests) they can be told to fail from the Nth allocation on, and they count
 * live blocks so a test can prove that every failure path frees what it took. That state is
 * process-global, which is why it exists only in that test build. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

#ifdef ST_FAULT_INJECTION
/* Atomic: independent fits run side by side on threads (st__run_tasks) and allocate. */
static long allocations_left = -1; /* < 0: never fail */
static long live_blocks = 0;

void st__fault_fail_after(long n) { __atomic_store_n(&allocations_left, n, __ATOMIC_SEQ_CST); }
long st__fault_live_blocks(void) { return __atomic_load_n(&live_blocks, __ATOMIC_SEQ_CST); }

static int injected_failure(void)
{
    long left = __atomic_load_n(&allocations_left, __ATOMIC_SEQ_CST);
    while (left > 0 && !__atomic_compare_exchange_n(&allocations_left, &left, left - 1, 0,
                                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        ;
    return left == 0;
}
#define FAIL_NOW() injected_failure()
#define COUNT(delta) __atomic_add_fetch(&live_blocks, (delta), __ATOMIC_SEQ_CST)
#else
#define FAIL_NOW() 0
#define COUNT(delta) ((void)0)
#endif

void *st__malloc(size_t size)
{
    if (FAIL_NOW())
        return NULL;
    void *p = malloc(size == 0 ? 1 : size);
    if (p != NULL)
        COUNT(1);
    return p;
}

void *st__calloc(size_t count, size_t size)
{
    if (FAIL_NOW())
        return NULL;
    void *p = (count == 0 || size == 0) ? calloc(1, 1) : calloc(count, size);
    if (p != NULL)
        COUNT(1);
    return p;
}

void *st__realloc(void *ptr, size_t size)
{
    if (FAIL_NOW())
        return NULL;
    void *p = realloc(ptr, size == 0 ? 1 : size);
    if (p != NULL && ptr == NULL)
        COUNT(1);
    return p;
}

void st__free(void *ptr)
{
    if (ptr != NULL)
        COUNT(-1);
    free(ptr);
}

void *st__malloc_array(size_t count, size_t size)
{
    int overflow = 0;
    size_t bytes = st__mul_size(count, size, &overflow);
    return overflow ? NULL : st__malloc(bytes);
}

void *st__realloc_array(void *ptr, size_t count, size_t size)
{
    int overflow = 0;
    size_t bytes = st__mul_size(count, size, &overflow);
    return overflow ? NULL : st__realloc(ptr, bytes);
}

void *st__calloc_aligned64(size_t count, size_t size)
{
    int overflow = 0;
    size_t bytes = st__mul_size(count, size, &overflow);
    if (overflow || bytes > (size_t)-1 - 64 || FAIL_NOW())
        return NULL;
    bytes = (bytes + 63) / 64 * 64; /* aligned_alloc wants a multiple of the alignment */
    void *p = aligned_alloc(64, bytes == 0 ? 64 : bytes);
    if (p != NULL) {
        COUNT(1);
        memset(p, 0, bytes == 0 ? 64 : bytes);
    }
    return p;
}

char *st__strndup(const char *s, size_t len)
{
    char *copy = st__malloc(len + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *st__strdup(const char *s) { return st__strndup(s, strlen(s)); }
