/* Categorical levels: interning and sorting. */
#include "category_dict.h"

#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

void st__category_dict_init(st__category_dict *d) { memset(d, 0, sizeof *d); }

void st__category_dict_free(st__category_dict *d)
{
    st__free(d->text);
    st__free(d->offset);
    st__free(d->slots);
    memset(d, 0, sizeof *d);
}

/* The key of [s, s+len) in a slot: its first 8 bytes, zero-padded, and its length. */
static uint64_t head_of(const char *s, size_t len)
{
    uint64_t h = 0;
    memcpy(&h, s, len < 8 ? len : 8);
    return h;
}

static uint32_t len_of(size_t len)
{
    return len < UINT32_MAX ? (uint32_t)len : UINT32_MAX;
}

/* A multiply-xorshift hash of the head, then of each further 8 bytes, and a finaliser: a few cycles for a
 * short level (the whole cost of FNV-1a byte by byte was most of a one-hot CSV's reading).
 * The input is not adversarial to a hash that only costs probe length, and no output
 * depends on it: codes follow first appearance. */
static uint64_t hash_text(const char *s, size_t len, uint64_t head)
{
    const uint64_t k = UINT64_C(0x9E3779B97F4A7C15);
    uint64_t h = (head ^ (uint64_t)len) * k;
    for (size_t i = 8; i < len; i += 8) {
        uint64_t w = 0;
        memcpy(&w, s + i, len - i < 8 ? len - i : 8);
        h = ((h ^ (h >> 29)) ^ w) * k;
    }
    h ^= h >> 33; /* MurmurHash3's finaliser: the table takes the low bits */
    h *= UINT64_C(0xFF51AFD7ED558CCD);
    return h ^ (h >> 33);
}

/* Does the slot hold [s, s+len)? Head and length decide a level of up to 8 bytes; a
 * longer one is compared with its text in the arena. */
static int slot_holds(const st__category_dict *d, const st__category_slot *sl, const char *s,
                      size_t len, uint64_t head)
{
    if (sl->head != head || sl->len != len_of(len))
        return 0;
    if (len <= 8)
        return 1;
    const char *t = d->text + d->offset[sl->code1 - 1];
    return memcmp(t + 8, s + 8, len - 8) == 0 && t[len] == '\0';
}

static int grow_slots(st__category_dict *d)
{
    size_t n = d->n_slots == 0 ? 64 : d->n_slots * 2;
    while (n < 2 * (d->n_levels + 1))
        n *= 2;
    st__category_slot *slots = st__calloc(n, sizeof *slots);
    if (slots == NULL)
        return 0;
    for (size_t k = 0; k < d->n_levels; k++) {
        const char *t = st__category_dict_level(d, k);
        const size_t len = (k + 1 < d->n_levels ? d->offset[k + 1] : d->text_size) -
                           d->offset[k] - 1;
        const uint64_t head = head_of(t, len);
        size_t i = hash_text(t, len, head) & (n - 1);
        while (slots[i].code1 != 0)
            i = (i + 1) & (n - 1);
        slots[i].head = head;
        slots[i].len = len_of(len);
        slots[i].code1 = (uint32_t)k + 1;
    }
    st__free(d->slots);
    d->slots = slots;
    d->n_slots = n;
    return 1;
}

static long add_level(st__category_dict *d, const char *s, size_t len)
{
    if (d->n_levels >= ST__MAX_LEVELS)
        return -2;
    if (d->n_levels == d->levels_cap) {
        size_t cap = d->levels_cap == 0 ? 16 : d->levels_cap * 2;
        size_t *offset = st__realloc_array(d->offset, cap, sizeof *offset);
        if (offset == NULL)
            return -1;
        d->offset = offset;
        d->levels_cap = cap;
    }
    if (d->text_size + len + 1 > d->text_cap) {
        size_t cap = d->text_cap == 0 ? 256 : d->text_cap;
        while (cap < d->text_size + len + 1)
            cap *= 2;
        char *text = st__realloc(d->text, cap);
        if (text == NULL)
            return -1;
        d->text = text;
        d->text_cap = cap;
    }
    memcpy(d->text + d->text_size, s, len);
    d->text[d->text_size + len] = '\0';
    d->offset[d->n_levels] = d->text_size;
    d->text_size += len + 1;
    return (long)d->n_levels++;
}

void st__category_dict_prefetch(const st__category_dict *d, const char *s, size_t len)
{
    if (d->n_slots != 0)
        __builtin_prefetch(&d->slots[hash_text(s, len, head_of(s, len)) & (d->n_slots - 1)]);
}

long st__category_dict_find(const st__category_dict *d, const char *s, size_t len)
{
    if (d->n_slots == 0)
        return -1;
    const size_t mask = d->n_slots - 1;
    const uint64_t head = head_of(s, len);
    size_t i = hash_text(s, len, head) & mask;
    while (d->slots[i].code1 != 0) {
        if (slot_holds(d, &d->slots[i], s, len, head))
            return (long)(d->slots[i].code1 - 1);
        i = (i + 1) & mask;
    }
    return -1;
}

long st__category_dict_intern(st__category_dict *d, const char *s, size_t len)
{
    /* keep the table at most half full */
    if ((d->n_levels + 1) * 2 > d->n_slots && !grow_slots(d))
        return -1;
    const size_t mask = d->n_slots - 1;
    const uint64_t head = head_of(s, len);
    size_t i = hash_text(s, len, head) & mask;
    while (d->slots[i].code1 != 0) {
        if (slot_holds(d, &d->slots[i], s, len, head))
            return (long)(d->slots[i].code1 - 1);
        i = (i + 1) & mask;
    }
    long code = add_level(d, s, len);
    if (code >= 0) {
        d->slots[i].head = head;
        d->slots[i].len = len_of(len);
        d->slots[i].code1 = (uint32_t)code + 1;
    }
    return code;
}

/* A level to sort: its first 8 bytes as a big-endian number (zeros after its end), so
 * that most comparisons are one of integers, in strcmp's order (unsigned bytes), and the
 * text only when those bytes tie. */
typedef struct level_ref {
    uint64_t head;
    const char *text;
    uint32_t old_code;
} level_ref;

static uint64_t sort_key(const char *s)
{
    uint64_t h = 0;
    int k = 0;
    for (; k < 8 && s[k] != '\0'; k++)
        h = h << 8 | (unsigned char)s[k];
    return k > 0 && k < 8 ? h << (8 * (8 - k)) : h; /* k = 0: h is 0 */
}

static int compare_levels(const void *a, const void *b)
{
    const level_ref *x = a, *y = b;
    if (x->head != y->head)
        return x->head < y->head ? -1 : 1;
    return strcmp(x->text, y->text);
}

int st__category_dict_sort(st__category_dict *d, uint32_t **remap_out)
{
    size_t n = d->n_levels;
    level_ref *refs = st__malloc_array(n, sizeof *refs);
    uint32_t *remap = st__malloc_array(n, sizeof *remap);
    size_t *offset = st__malloc_array(n, sizeof *offset);
    char *text = st__malloc(d->text_size);
    if (refs == NULL || remap == NULL || offset == NULL || text == NULL) {
        st__free(refs);
        st__free(remap);
        st__free(offset);
        st__free(text);
        return 0;
    }
    for (size_t k = 0; k < n; k++) {
        refs[k].text = st__category_dict_level(d, k);
        refs[k].head = sort_key(refs[k].text);
        refs[k].old_code = (uint32_t)k;
    }
    qsort(refs, n, sizeof *refs, compare_levels);
    size_t pos = 0;
    for (size_t k = 0; k < n; k++) {
        size_t len = strlen(refs[k].text);
        memcpy(text + pos, refs[k].text, len + 1);
        offset[k] = pos;
        pos += len + 1;
        remap[refs[k].old_code] = (uint32_t)k;
    }
    st__free(refs);
    st__free(d->text);
    st__free(d->offset);
    d->text = text;
    d->text_cap = d->text_size;
    d->offset = offset;
    d->levels_cap = n;
    /* codes changed: rebuild the table so later lookups stay right */
    st__free(d->slots);
    d->slots = NULL;
    d->n_slots = 0;
    if (n > 0 && !grow_slots(d)) {
        st__free(remap);
        return 0;
    }
    *remap_out = remap;
    return 1;
}

size_t st__category_dict_bytes(const st__category_dict *d)
{
    return d->text_cap + d->levels_cap * sizeof(size_t) + d->n_slots * sizeof(st__category_slot);
}

long st__level_index(char *const *levels, size_t n, const char *text)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        const size_t mid = lo + (hi - lo) / 2;
        const int c = strcmp(levels[mid], text);
        if (c == 0)
            return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}
