/* Allocation wrappers. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

void *st__malloc(size_t size) { return malloc(size == 0 ? 1 : size); }

void *st__calloc(size_t count, size_t size)
{
    if (count == 0 || size == 0)
        return calloc(1, 1);
    return calloc(count, size);
}

void *st__realloc(void *ptr, size_t size) { return realloc(ptr, size == 0 ? 1 : size); }

void st__free(void *ptr) { free(ptr); }

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
