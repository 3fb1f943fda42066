/* The term map (text_impl.h): open addressing with linear probing on a 64-bit FNV-1a hash,
 * the table kept at most half full. A slot holds the key's index and 32 bits of its hash,
 * so a probe touches a key's bytes only when the hashes agree (a term map of a few hundred
 * thousand n-grams does not fit in cache: each key read is a miss). */
#include "text_impl.h"

#include <string.h>

#include "core/alloc.h"

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

void st__tmap_free(st__tmap *m)
{
    if (m == NULL)
        return;
    for (size_t k = 0; k < m->n; k++)
        st__free(m->keys[k]);
    st__free(m->keys);
    st__free(m->lens);
    st__free(m->slots);
    memset(m, 0, sizeof *m);
}

/* Slot i is slots[2 i] (key index + 1, 0 when empty) and slots[2 i + 1] (hash bits). */
static size_t probe_hashed(const st__tmap *m, const char *s, size_t len, uint64_t h)
{
    size_t mask = m->cap - 1, i = (size_t)h & mask;
    const uint32_t tag = (uint32_t)(h >> 32);
    for (;;) {
        uint32_t v = m->slots[2 * i];
        if (v == 0)
            return i;
        if (m->slots[2 * i + 1] == tag && m->lens[v - 1] == len &&
            memcmp(m->keys[v - 1], s, len) == 0)
            return i;
        i = (i + 1) & mask;
    }
}

static size_t probe(const st__tmap *m, const char *s, size_t len)
{
    return probe_hashed(m, s, len, hash_bytes(s, len));
}

long st__tmap_find(const st__tmap *m, const char *s, size_t len)
{
    if (m->cap == 0)
        return -1;
    uint32_t v = m->slots[2 * probe(m, s, len)];
    return v == 0 ? -1 : (long)v - 1;
}

static int grow(st__tmap *m)
{
    size_t cap = m->cap == 0 ? 1024 : m->cap * 2;
    uint32_t *slots = st__calloc(cap, 2 * sizeof *slots);
    if (slots == NULL)
        return 0;
    st__tmap old = *m;
    m->slots = slots;
    m->cap = cap;
    for (size_t k = 0; k < m->n; k++) {
        uint64_t h = hash_bytes(m->keys[k], m->lens[k]);
        size_t i = probe_hashed(m, m->keys[k], m->lens[k], h);
        m->slots[2 * i] = (uint32_t)(k + 1);
        m->slots[2 * i + 1] = (uint32_t)(h >> 32);
    }
    st__free(old.slots);
    return 1;
}

long st__tmap_intern(st__tmap *m, const char *s, size_t len)
{
    if (m->cap == 0 && !grow(m))
        return -1;
    uint64_t h = hash_bytes(s, len);
    size_t i = probe_hashed(m, s, len, h);
    if (m->slots[2 * i] != 0)
        return (long)m->slots[2 * i] - 1;
    if (m->n >= UINT32_MAX - 1)
        return -1;
    if (m->n == m->key_cap) {
        size_t kc = m->key_cap == 0 ? 256 : m->key_cap * 2;
        char **keys = st__realloc_array(m->keys, kc, sizeof *keys);
        if (keys == NULL)
            return -1;
        m->keys = keys;
        size_t *lens = st__realloc_array(m->lens, kc, sizeof *lens);
        if (lens == NULL)
            return -1;
        m->lens = lens;
        m->key_cap = kc;
    }
    char *copy = st__strndup(s, len);
    if (copy == NULL)
        return -1;
    m->keys[m->n] = copy;
    m->lens[m->n] = len;
    m->slots[2 * i] = (uint32_t)(m->n + 1);
    m->slots[2 * i + 1] = (uint32_t)(h >> 32);
    m->n++;
    if (2 * m->n > m->cap && !grow(m)) {
        /* the key is in; the table is only fuller than planned, still correct */
    }
    return (long)m->n - 1;
}
