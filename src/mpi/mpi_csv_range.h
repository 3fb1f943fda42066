/* Internal: which records of a CSV file each rank reads (built with -DSTRATUM_MPI=ON). */
#ifndef STRATUM_MPI_CSV_RANGE_H
#define STRATUM_MPI_CSV_RANGE_H

#include "mpi_comm.h"

typedef struct st__csv_range {
    size_t header_end;   /* [0, header_end): the header record and any blank lines before it */
    size_t begin, end;   /* this rank's records, [begin, end): begin is a record start (or
                            end), and the ranks' ranges tile [header_end, size) in rank order */
    long header_lines;   /* line ends in [0, header_end) */
    long lines_before;   /* line ends in [0, begin): begin is on line lines_before + 1 */
} st__csv_range;

/* Splits the records of data[0, size) (a whole CSV file, the same bytes on every rank) into
 * one contiguous range per rank, of about equal bytes, each starting at a record start:
 * after a line end outside quotes. Collective; every rank scans only about its own share.
 * The file is cut into equal byte slices; each rank runs the quote state machine of RFC
 * 4180 (as the tokenizer reads it: a quote opens a field only at its start, "" inside
 * quotes is a quote) over its slice once from each of the four states it may start in,
 * the ranks exchange these transitions and their line-end counts, and each rank composes
 * those of the ranks before it to learn the state at its slice's start, so it can find the
 * first record start there. (The parallel scan of a finite automaton.) A file with lone CR
 * line ends has no record start after the header but at its end: rank 0 then reads it all.
 * delimiter: the field separator (0 = detect it from the header as the reader does). */
st_status st__mpi_csv_range(st__mpi_ctx *c, const char *data, size_t size, char delimiter,
                            st__csv_range *r, st_error *err);

#endif
