#!/usr/bin/env bash
# Logistic regression streamed from a binned file against in-memory training: a generated
# clinical-like CSV of ROWS rows (numeric, 0/1, categorical columns, missing values) is
# binned with `stratum bin --values`; then `stratum train logreg big.stb` (raw values
# streamed from the mapping, block by block) and `stratum train logreg big.csv` (the whole
# design in memory) fit the same model. Reports peak RSS and time of each and the largest
# relative difference between their coefficients.
#
#   bench/bench_logreg_stb.sh                # uses ./build; Markdown table on stdout
#   ROWS=500000 bench/bench_logreg_stb.sh
#
# Environment: BUILD_DIR (default build), ROWS (1000000), SEED (42), LAMBDA (0.001),
# TOL (1e-15: both fits to their convergence, so the coefficients can be compared),
# WORK (default bench/out/logreg_stb, removed at the end unless KEEP=1). Needs GNU time.
set -euo pipefail

NAME=bench_logreg_stb
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
ROWS=${ROWS:-1000000}
SEED=${SEED:-42}
LAMBDA=${LAMBDA:-0.001}
TOL=${TOL:-1e-15}
WORK=${WORK:-$REPO/bench/out/logreg_stb}
need_gnu_time
mkdir -p "$WORK"
cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"; }
trap cleanup EXIT

say "$(date -u +%H:%M:%S) generating $ROWS rows"
"$GEN" clinical --rows "$ROWS" --seed "$SEED" -o "$WORK/big.csv"
say "$(date -u +%H:%M:%S) binning with --values"
"$STRATUM" bin "$WORK/big.csv" -o "$WORK/big.stb" --values -q
for kind in stb csv; do
    say "$(date -u +%H:%M:%S) train logreg big.$kind"
    "$TIME" -v -o "$WORK/$kind.log" "$STRATUM" train logreg "$WORK/big.$kind" \
        -o "$WORK/$kind.model" --lambda "$LAMBDA" --tol "$TOL" --format csv -q > "$WORK/$kind.coefs"
done
diff=$(paste -d, "$WORK/stb.coefs" "$WORK/csv.coefs" | awk -F, 'NR > 1 {
    a = $2; b = $4; d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a); if (-b > m) m = -b
    if (b > m) m = b; r = m > 0 ? d / m : 0; if (r > worst) worst = r } END { printf "%.1e", worst }')
echo "| input | file MB | peak RSS MB | wall s |"
echo "|---|---:|---:|---:|"
echo "| train logreg big.stb (streamed) | $(file_mb "$WORK/big.stb") | $(peak_rss_mb "$WORK/stb.log") | $(wall_seconds "$WORK/stb.log") |"
echo "| train logreg big.csv (in memory) | $(file_mb "$WORK/big.csv") | $(peak_rss_mb "$WORK/csv.log") | $(wall_seconds "$WORK/csv.log") |"
echo
echo "$ROWS rows of stratum-gen clinical (seed $SEED), --lambda $LAMBDA --tol $TOL; largest relative difference between the two models' coefficients: $diff."
