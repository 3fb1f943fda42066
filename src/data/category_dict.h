/* Internal: the string levels of one categorical column. */
#ifndef STRATUM_CATEGORY_DICT_H
#define STRATUM_CATEGORY_DICT_H

#include <stddef.h>
#include <stdint.h>

/* Levels are kept in one text arena; a hash table maps text to level code. */
typedef struct st__category_dict {
    char *text;          /* NUL-terminated level texts, back to back */
    size_t text_size, text_cap;
    size_t *offset;      /* offset[k]: start of level k in text */
    size_t n_levels, levels_cap;
    uint32_t *slots;     /* open addressing: level code + 1, 0 = empty */
    size_t n_slots;      /* power of two */
} st__category_dict;

/* Largest level count: codes are stored in float, exact up to 2^24. */
#define ST__MAX_LEVELS (1u << 24)

void st__category_dict_init(st__category_dict *d);
void st__category_dict_free(st__category_dict *d);

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
