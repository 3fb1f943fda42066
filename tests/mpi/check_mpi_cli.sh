#!/bin/sh
# stratum train gbdt --distributed under mpirun with 3 ranks:
#  - the model file is byte-identical (cmp) to the one-process `stratum train gbdt` on the
#    same CSV: with bagging, feature fraction, balanced class weights, missing values and
#    categorical columns (the clinical table), and on the dense higgs table; and on a
#    binned file (stratum bin) to the one-process model on that file, and with text labels
#    whose positive rows all fall in the last rank's part; where a --max-bin
#    the file was not made with is one warning on stderr, also under -q;
#  - failures: a bad row in the last rank's part, and a rank that cannot open its data, make
#    every rank exit non-zero within the timeout (no hang), with one clear line on stderr,
#    and no model file is written.
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
# a model path in a directory that does not exist: rank 0 cannot save, every rank fails
fails "rank 0 cannot write the model" "stratum: .*nodir" \
    -np 3 "$stratum" train gbdt "$work/clinical.csv" --distributed -q --num-trees 2 \
    -o "$work/nodir/bad.model"

finish
