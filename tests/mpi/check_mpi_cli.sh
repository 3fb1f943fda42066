#!/bin/sh
# stratum train gbdt --distributed under mpirun with 3 ranks:
#  - the model file is byte-identical (cmp) to the one-process `stratum train gbdt` on the
#    same CSV: with bagging, feature fraction, balanced class weights, missing values and
#    categorical columns (the clinical table), and on the dense higgs table; and on a
#    binned file (stratum bin) to the one-process model on that file, and with text labels
#    whose positive rows all fall in the last rank's part; where a --max-bin
#    the file was not made with is one warning on stderr, also under -q;
#  - failures: a bad row in the last rank's part, a rank that cannot open its data, a rank
#    whose copy of a binned file is missing, empty, a CSV or binned otherwise, and a model
#    path that cannot be written (refused before any work) make every rank exit non-zero
#    within the timeout (no hang), with one clear line on stderr, and no model file is
#    written;
#  - usage errors, found before MPI_Init or after (--bins-from, no --num-trees, an unknown
#    option, --valid-fraction, and on a CSV --weight-file, --no-header, --numeric,
#    --categorical) exit 2 with one line, rank 0's.
# usage: check_mpi_cli.sh MPIRUN STRATUM STRATUM_GEN WORK_DIR
set -eu
mpirun=$1 stratum=$2 gen=$3 work=$4
model=gbdt
. "$(dirname "$0")/mpi_cli_common.sh"
"$gen" clinical --rows 6000 --seed 11 --positive-rate 0.1 -o "$work/clinical.csv"
"$gen" higgs --rows 5000 --seed 5 -o "$work/higgs.csv"

equal "clinical, defaults" 3 "$work/clinical.csv" --num-trees 10
equal "clinical, bagging + feature fraction + balanced" 3 "$work/clinical.csv" \
    --num-trees 12 --bagging-fraction 0.7 --bagging-freq 1 --feature-fraction 0.6 \
    --class-weight balanced --seed 9 --threads 2
equal "higgs, depth and leaves, scale_pos_weight" 3 "$work/higgs.csv" --num-trees 8 \
    --num-leaves 15 --max-depth 5 --scale-pos-weight 3 --max-bin 63
# text labels, the positive ones only in the last rank's part: the model records 'died' as
# the positive class (positive_class) as one process does, though ranks 0 and 1 saw none
awk -F, 'NR == 1 { print; next } $NF == 0 { sub(/,0$/, ",alive"); print }' \
    "$work/clinical.csv" > "$work/words.csv"
awk -F, 'NR > 1 && $NF == 1 { sub(/,1$/, ",died"); print }' "$work/clinical.csv" \
    >> "$work/words.csv"
equal "text labels, positives in the last part only" 3 "$work/words.csv" --num-trees 5 \
    --positive died
if grep -q '^positive_class died$' "$work/dist.model"; then
    echo "ok: the distributed model records the positive class"
    passed=$((passed + 1))
else
    echo "FAILED: the distributed model lacks 'positive_class died'"
    failed=$((failed + 1))
fi
# a binned file (stratum bin): every rank maps it and trains on its range of rows
"$stratum" bin "$work/clinical.csv" -o "$work/clinical.stb" -q
equal "clinical.stb, bagging + feature fraction + balanced" 3 "$work/clinical.stb" \
    --num-trees 12 --bagging-fraction 0.7 --bagging-freq 1 --feature-fraction 0.6 \
    --class-weight balanced --seed 4
# a --max-bin the binned file was not made with: one warning (rank 0's), also under -q
if run -np 3 "$stratum" train gbdt "$work/clinical.stb" --distributed --num-trees 2 \
        --max-bin 63 -q -o "$work/warn.model" > /dev/null 2> "$work/warn.err" &&
   grep -q '^warning: --max-bin 63 is ignored' "$work/warn.err" &&
   [ "$(grep -c . "$work/warn.err")" -eq 1 ]; then
    echo "ok: --max-bin on a binned file warns under -q"
    passed=$((passed + 1))
else
    echo "FAILED: --max-bin on a binned file under -q: stderr:"
    cat "$work/warn.err"
    failed=$((failed + 1))
fi

# a label that is not a class near the end: in the last rank's part only
awk 'NR == 5990 { sub(/,[01]$/, ",7") } { print }' "$work/clinical.csv" > "$work/bad_row.csv"
line=$(awk -F, 'NR > 1 && $NF == "7" { print NR; exit }' "$work/bad_row.csv")
fails "a bad row in rank 2's part" "stratum: rank 2: .*bad_row.csv:$line:.*label '7'" \
    -np 3 "$stratum" train gbdt "$work/bad_row.csv" --distributed --num-trees 100 -q -o "$work/bad.model"
# rank 1 is given a file that does not exist
cat > "$work/rank1_missing.sh" <<SH
#!/bin/sh
data="$work/clinical.csv"
[ "\$OMPI_COMM_WORLD_RANK" = 1 ] && data="$work/missing.csv"
exec "$stratum" train gbdt "\$data" --distributed --num-trees 100 -q -o "$work/bad.model"
SH
fails "rank 1 cannot open its data" "stratum: rank 1: .*missing.csv: cannot open" \
    -np 3 sh "$work/rank1_missing.sh"
# a model path in a directory that does not exist: refused before any work, as one process
# does (the data's bad row in rank 2's part is never reached)
fails "rank 0 cannot write the model" \
    "^stratum: -o .*nodir/bad.model cannot be written: directory .*nodir does not exist" \
    -np 3 "$stratum" train gbdt "$work/bad_row.csv" --distributed -q --num-trees 2 \
    -o "$work/nodir/bad.model"
fails "rank 0 cannot write the model (binned file)" \
    "^stratum: -o .*nodir/bad.model cannot be written" \
    -np 3 "$stratum" train gbdt "$work/clinical.stb" --distributed -q --num-trees 2 \
    -o "$work/nodir/bad.model"

# the ranks decide together whether DATA is a binned file: rank 1's copy missing, empty,
# or a CSV fails in every rank (it used to take the CSV path alone, and the ranks waited
# for each other forever)
on_rank1 "$work/missing.stb" "$work/clinical.stb" --distributed --num-trees 2 -q \
    -o "$work/bad.model"
fails "rank 1 has no copy of the binned file" "^stratum: rank 1: .*missing.stb: cannot open" \
    -np 3 sh "$work/on_rank1.sh"
: > "$work/empty.stb"
on_rank1 "$work/empty.stb" "$work/clinical.stb" --distributed --num-trees 2 -q \
    -o "$work/bad.model"
fails "rank 1's copy of the binned file is empty" "^stratum: rank 1: .*empty.stb: not a binned" \
    -np 3 sh "$work/on_rank1.sh"
on_rank1 "$work/clinical.csv" "$work/clinical.stb" --distributed --num-trees 2 -q \
    -o "$work/bad.model"
fails "rank 1 is given the CSV" "^stratum: rank 1: .*clinical.csv: not a binned file" \
    -np 3 sh "$work/on_rank1.sh"
# rank 1's binned file has the same rows and features but other bins (it crashed)
"$stratum" bin "$work/clinical.csv" --max-bin 63 -o "$work/clinical63.stb" -q
on_rank1 "$work/clinical63.stb" "$work/clinical.stb" --distributed --num-trees 2 -q \
    -o "$work/bad.model"
fails "rank 1's binned file has other bins" "^stratum: rank 1: the ranks' binned files differ" \
    -np 3 sh "$work/on_rank1.sh"

# usage errors (exit 2) are one line, rank 0's, whether found before MPI_Init or after
refused "--bins-from" "^stratum train: --bins-from is not supported with --distributed" \
    -np 3 "$stratum" train gbdt "$work/clinical.csv" --distributed --num-trees 2 -q \
    --bins-from "$work/clinical.stb" -o "$work/bad.model"
refused "no --num-trees" "^stratum train: --distributed needs --num-trees" \
    -np 3 "$stratum" train gbdt "$work/clinical.csv" --distributed -q -o "$work/bad.model"
refused "an unknown option" "^stratum train: unknown option '--bogus'" \
    -np 3 "$stratum" train gbdt "$work/clinical.csv" --distributed --bogus -o "$work/bad.model"
refused "--valid-fraction" "^stratum train: --valid-fraction" \
    -np 3 "$stratum" train gbdt "$work/clinical.csv" --distributed --num-trees 2 -q \
    --valid-fraction 0.2 -o "$work/bad.model"
# what distributed reading of a CSV does not support: known from the command line
awk 'NR > 1 { print 1 }' "$work/clinical.csv" > "$work/weights.txt"
refused "--weight-file" "^stratum train: --weight-file is not supported with --distributed" \
    -np 3 "$stratum" train gbdt "$work/clinical.csv" --distributed --num-trees 2 -q \
    --weight-file "$work/weights.txt" -o "$work/bad.model"
refused "--no-header" "^stratum train: --no-header is not supported with --distributed" \
    -np 3 "$stratum" train gbdt "$work/clinical.csv" --distributed --num-trees 2 -q \
    --no-header --label '#30' -o "$work/bad.model"
refused "--numeric" "^stratum train: --numeric is not supported with --distributed" \
    -np 3 "$stratum" train gbdt "$work/clinical.csv" --distributed --num-trees 2 -q \
    --numeric age -o "$work/bad.model"
refused "--categorical" "^stratum train: --categorical is not supported with --distributed" \
    -np 3 "$stratum" train gbdt "$work/clinical.csv" --distributed --num-trees 2 -q \
    --categorical sex -o "$work/bad.model"

finish
