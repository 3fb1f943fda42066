#!/bin/sh
# stratum train gbdt --distributed under mpirun with 3 ranks:
#  - the model file is byte-identical (cmp) to the one-process `stratum train gbdt` on the
#    same CSV: with bagging, feature fraction, balanced class weights, missing values and
#    categorical columns (the clinical table), and on the dense higgs table; and on a
#    binned file (stratum bin) to the one-process model on that file;
#  - failures: a bad row in the last rank's part, and a rank that cannot open its data, make
#    every rank exit non-zero within the timeout (no hang), with one clear line on stderr,
#    and no model file is written.
# usage: check_mpi_cli.sh MPIRUN STRATUM STRATUM_GEN WORK_DIR
set -eu
mpirun=$1 stratum=$2 gen=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
run() { timeout 120 "$mpirun" --allow-run-as-root --oversubscribe --bind-to none "$@"; }
"$gen" clinical --rows 6000 --seed 11 --positive-rate 0.1 -o "$work/clinical.csv"
"$gen" higgs --rows 5000 --seed 5 -o "$work/higgs.csv"

passed=0 failed=0
equal() { # name, data, options...
    name=$1 data=$2
    shift 2
    "$stratum" train gbdt "$data" "$@" -q -o "$work/one.model" > /dev/null
    rm -f "$work/dist.model"
    if ! run -np 3 "$stratum" train gbdt "$data" --distributed "$@" -q -o "$work/dist.model" \
            > "$work/dist.out" 2> "$work/dist.err"; then
        echo "FAILED: $name: the distributed run failed:"
        cat "$work/dist.err"
        failed=$((failed + 1))
    elif cmp "$work/one.model" "$work/dist.model"; then
        echo "ok: $name"
        passed=$((passed + 1))
    else
        echo "FAILED: $name: the 3-rank model differs from the one-process model"
        diff "$work/one.model" "$work/dist.model" | head -5
        failed=$((failed + 1))
    fi
}
equal "clinical, defaults" "$work/clinical.csv" --num-trees 10
equal "clinical, bagging + feature fraction + balanced" "$work/clinical.csv" --num-trees 12 \
    --bagging-fraction 0.7 --bagging-freq 1 --feature-fraction 0.6 --class-weight balanced \
    --seed 9 --threads 2
equal "higgs, depth and leaves, scale_pos_weight" "$work/higgs.csv" --num-trees 8 \
    --num-leaves 15 --max-depth 5 --scale-pos-weight 3 --max-bin 63
# a binned file (stratum bin): every rank maps it and trains on its range of rows
"$stratum" bin "$work/clinical.csv" -o "$work/clinical.stb" -q
equal "clinical.stb, bagging + feature fraction + balanced" "$work/clinical.stb" \
    --num-trees 12 --bagging-fraction 0.7 --bagging-freq 1 --feature-fraction 0.6 \
    --class-weight balanced --seed 4

fails() { # name, expected text on stderr, mpirun arguments...
    name=$1 expect=$2
    shift 2
    rm -f "$work/bad.model"
    start=$(date +%s)
    set +e
    run "$@" > "$work/bad.out" 2> "$work/bad.err"
    code=$?
    set -e
    took=$(( $(date +%s) - start ))
    lines=$(grep -c '^stratum' "$work/bad.err" || true)
    if [ "$code" -ne 0 ] && [ "$code" -ne 124 ] && [ ! -e "$work/bad.model" ] &&
       grep -q "$expect" "$work/bad.err" && [ "$lines" -eq 1 ]; then
        echo "ok: $name (exit $code after ${took}s)"
        passed=$((passed + 1))
    else
        echo "FAILED: $name: exit $code after ${took}s (124 = hung), model written:" \
             "$([ -e "$work/bad.model" ] && echo yes || echo no), stderr:"
        cat "$work/bad.err"
        failed=$((failed + 1))
    fi
}
# a label that is not a class near the end: in the last rank's part only
awk 'NR == 5990 { sub(/,[01]$/, ",7") } { print }' "$work/clinical.csv" > "$work/bad_row.csv"
line=$(awk -F, 'NR > 1 && $NF == "7" { print NR; exit }' "$work/bad_row.csv")
fails "a bad row in rank 2's part" "stratum: rank 2: .*bad_row.csv:$line:.*label '7'" \
    -np 3 "$stratum" train gbdt "$work/bad_row.csv" --distributed -q -o "$work/bad.model"
# rank 1 is given a file that does not exist
cat > "$work/rank1_missing.sh" <<SH
#!/bin/sh
data="$work/clinical.csv"
[ "\$OMPI_COMM_WORLD_RANK" = 1 ] && data="$work/missing.csv"
exec "$stratum" train gbdt "\$data" --distributed -q -o "$work/bad.model"
SH
fails "rank 1 cannot open its data" "stratum: rank 1: .*missing.csv: cannot open" \
    -np 3 sh "$work/rank1_missing.sh"
# a model path in a directory that does not exist: rank 0 cannot save, every rank fails
fails "rank 0 cannot write the model" "stratum: .*nodir" \
    -np 3 "$stratum" train gbdt "$work/clinical.csv" --distributed -q --num-trees 2 \
    -o "$work/nodir/bad.model"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
