/* Internal: constants of the binned file format (documented in stb_write.c). */
#ifndef STRATUM_STB_FORMAT_H
#define STRATUM_STB_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define ST__STB_MAGIC "STRATSTB"
#define ST__STB_VERSION 1u
#define ST__STB_SUM_AT 104   /* the checksum's offset; it covers the bytes before it */
#define ST__STB_META_AT 128  /* the metadata block's offset */
#define ST__STB_ALIGN(x) (((x) + 63) & ~(uint64_t)63)
#define ST__STB_FNV_SEED 0xcbf29ce484222325ULL

/* Where each section starts (0 = absent) and the file's size. */
typedef struct st__stb_layout {
    uint64_t labels, weights, codes, cols, values, file_size;
} st__stb_layout;

/* The layout of a file of n_rows x nf with a metadata block of meta_size bytes. Sizes
 * must have been checked not to overflow (the reader does). */
void st__stb_layout_of(st__stb_layout *l, uint64_t n_rows, uint64_t nf, uint64_t meta_size,
                       int wide, int weights, int values);

/* FNV-1a 64 of p[0..n) continuing from h. */
uint64_t st__stb_fnv1a(uint64_t h, const unsigned char *p, size_t n);

#endif
