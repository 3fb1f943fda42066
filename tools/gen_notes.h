/* stratum-gen notes: seeded clinical-note-like text with a planted signal (gen_notes.c). */
#ifndef STRATUM_GEN_NOTES_H
#define STRATUM_GEN_NOTES_H

#include <stdint.h>
#include <stdio.h>

typedef struct notes_spec {
    unsigned long long rows;
    unsigned long words;    /* words per note, >= 1 */
    unsigned long numeric;  /* lab columns lab1..labK beside age (lab1 carries signal) */
    double positive_rate;
    uint64_t seed;
} notes_spec;

/* Writes a CSV header and spec->rows rows (id, age, lab1..labK, note, label) to f, one row
 * at a time: memory does not grow with rows or words. Returns 0 (write errors are left in
 * ferror(f)). */
int generate_notes(FILE *f, const notes_spec *spec);

#endif
