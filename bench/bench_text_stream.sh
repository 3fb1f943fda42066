#!/usr/bin/env bash
# Text read as a stream (issue 16): peak RSS and time of `stratum train logreg --text-col
# note` on `stratum-gen notes --words 200 --seed 1` files of ROWS notes (docs/text.md,
# "Memory"), for each option set below: hashing (2^20 buckets), the same trained out of
# core (--out-of-core: its row file in $TMPDIR, else bench/out), hashing with tf-idf, and a
# vocabulary (ROWS_VOCAB notes only: its first pass keeps every distinct term). Each run is
# the whole process under GNU time; the featurizing is one thread, the training as usual.
# Prints a Markdown table. The files (1.3 GB for 1,000,000 notes) are cached in bench/out.
#
#   bench/bench_text_stream.sh                  # 100,000 notes
#   ROWS=1000000 bench/bench_text_stream.sh     # needs about 4 GB of memory
#
# Environment: BUILD_DIR (default build), ROWS (100000), ROWS_VOCAB (100000).
set -euo pipefail

NAME=bench_text_stream
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
need_gnu_time
ROWS=${ROWS:-100000}
ROWS_VOCAB=${ROWS_VOCAB:-100000}
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| notes | options | peak RSS (MB) | wall (s) |"
echo "|---|---|--:|--:|"
for opts in "--hash-bits 20" "--hash-bits 20 --out-of-core" "--hash-bits 20 --tfidf" "vocabulary"; do
    rows=$ROWS
    [ "$opts" = vocabulary ] && rows=$ROWS_VOCAB
    csv=$OUT/notes_${rows}_200.csv
    if [ ! -s "$csv" ]; then
        say "generating $csv"
        "$GEN" notes --rows "$rows" --words 200 --seed 1 -o "$csv.tmp"
        mv "$csv.tmp" "$csv"
    fi
    args=()
    [ "$opts" != vocabulary ] && read -r -a args <<<"$opts"
    "$TIME" -v -o "$OUT/text_stream.time" "$STRATUM" train logreg "$csv" --ignore id \
        --text-col note "${args[@]}" -q -o "$OUT/text_stream.model" >/dev/null
    echo "| $rows ($(file_mb "$csv") MB) | $opts | $(peak_rss_mb "$OUT/text_stream.time") |" \
         "$(wall_seconds "$OUT/text_stream.time") |"
done
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
