/* Internal: the string levels of one categorical column. */
#ifndef STRATUM_CATEGORY_DICT_H
#define STRATUM_CATEGORY_DICT_H

#include <stddef.h>
#include <stdint.h>

/* One slot of the hash table: a level's length and first 8 bytes (zero-padded) beside its
 * code, so that a lookup of a level of up to 8 bytes (most codes: "250.83", "v0123")
 * touches one cache line, and a longer one compares the text only when length and head
 * agree. */
typedef struct st__category_slot {
    uint64_t head;  /* the first min(len, 8) bytes, zero-padded */
    uint32_t len;   /* the text's length; UINT32_MAX: 2^32 - 1 bytes or more */
    uint32_t code1; /* level code + 1; 0 = empty */
} st__category_slot;

/* Levels are kept in one text arena; a hash table maps text to level code. */
typedef struct st__category_dict {
    char *text;          /* NUL-terminated level texts, back to back */
    size_t text_size, text_cap;
    size_t *offset;      /* offset[k]: start of level k in text */
    size_t n_levels, levels_cap;
    st__category_slot *slots; /* open addressing, linear probing, at most half full */
    size_t n_slots;      /* power of two */
} st__category_dict;

/* Largest level count: codes are stored in float, exact up to 2^24. */
#define ST__MAX_LEVELS (1u << 24)

void st__category_dict_init(st__category_dict *d);
void st__category_dict_free(st__category_dict *d);

/* Asks the processor to fetch the slot where a lookup of [s, s+len) starts, so that a
 * reader interning one row's cells of many columns (each column's table too large for the
 * core's cache together) waits for their slots at once rather than one after another. */
void st__category_dict_prefetch(const st__category_dict *d, const char *s, size_t len);

/* Code of [s, s+len), or -1 when it is not a level (yet). */
long st__category_dict_find(const st__category_dict *d, const char *s, size_t len);

/* Code of [s, s+len), adding it as a new level if unseen. Returns -1 when out of memory,
 * -2 when the column already has ST__MAX_LEVELS levels. */
long st__category_dict_intern(st__category_dict *d, const char *s, size_t len);

static inline const char *st__category_dict_level(const st__category_dict *d, size_t k)
{
    return d->text + d->offset[k];
}

/* Renumbers the levels in byte order of their text. On success remap[old] = new for every
 * old code (remap has n_levels entries, allocated here, freed by the caller). */
int st__category_dict_sort(st__category_dict *d, uint32_t **remap);

size_t st__category_dict_bytes(const st__category_dict *d);

/* Index of text among n levels sorted in byte order (a model's level list), or -1: how
 * prediction and explanation match a dataset's level texts to a model's levels. */
long st__level_index(char *const *levels, size_t n, const char *text);

#endif
