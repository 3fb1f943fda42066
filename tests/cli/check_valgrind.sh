#!/bin/sh
# valgrind memcheck of the CLI's info / train / predict / evaluate / drift on a shipped dataset and
# on a malformed file: no invalid access, no use of uninitialised values, no definite or
# indirect leak. ("Possibly lost" blocks are libgomp's thread pool, alive until exit.)
# usage: check_valgrind.sh STRATUM PROJECT_DIR WORK_DIR
set -eu
stratum=$1 project=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
# both settings are given, so stratum does not re-execute itself (valgrind would not follow
# the exec; under valgrind the C library's malloc settings do not apply anyway)
export OMP_WAIT_POLICY=passive GLIBC_TUNABLES=
passed=0 failed=0
step() { # name, expected exit code, arguments...
    name=$1 want=$2
    shift 2
    set +e
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect "$stratum" "$@" > "$work/out.txt" 2> "$work/err.txt"
    got=$?
    set -e
    if [ "$got" -eq "$want" ]; then
        echo "ok: $name"
        passed=$((passed + 1))
    else
        echo "FAILED: $name (exit $got, expected $want)"
        cat "$work/err.txt"
        failed=$((failed + 1))
    fi
}
data="$project/datasets/thyroid_sick.csv" # categoricals, missing values, 6% positives
step "info" 0 info "$data"
step "train logreg, ridge with statistics" 0 train logreg "$data" --lambda 0.01 -o "$work/ridge.model" -q
step "train logreg, lasso" 0 train logreg "$data" --lambda 0.001 --alpha 1 -o "$work/lasso.model" -q
step "train logreg, lambda path" 0 train logreg "$data" --lambda-path --n-lambda 10 -o "$work/path.csv" -q
step "predict" 0 predict "$work/ridge.model" "$data" -o "$work/p.csv"
step "evaluate" 0 evaluate "$work/lasso.model" "$data" --bootstrap 50 --threshold-rule f1
step "cv logreg, grouped, with out-of-fold file" 0 cv logreg "$data" --lambda 0.01 --folds 3 \
    --group-col referral_source --oof "$work/oof.csv"
step "cv logreg, lambda path" 0 cv logreg "$data" --alpha 1 --lambda-path --folds 3 --seed 3
step "compare" 0 compare "$data" --weights none,5 --folds 3 --num-trees 10
step "train gbdt" 0 train gbdt "$data" --num-trees 20 -o "$work/gbdt.model" -q
step "predict gbdt" 0 predict "$work/gbdt.model" "$data" -o "$work/pg.csv"
step "evaluate gbdt" 0 evaluate "$work/gbdt.model" "$data" --bootstrap 20
step "predict --contrib" 0 predict --contrib "$work/ridge.model" "$data" -o "$work/c.csv"
step "explain logreg, ranking with report" 0 explain "$work/ridge.model" "$data" --report "$work/r.html"
step "explain gbdt, rows by --where" 0 explain "$work/gbdt.model" "$data" --where age=41 --format json
step "explain, no matching row" 1 explain "$work/ridge.model" "$data" --where age=-5
step "drift with a gbdt model, report, a --fail-on rule that holds" 3 drift "$data" \
    "$data" --model "$work/gbdt.model" --bootstrap 20 --contrib-rows 300 \
    --report "$work/d.html" --fail-on 'psi>=0'
step "a malformed data file" 1 info "$project/tests/hostile/csv_unterminated_quote.csv"
step "a corrupt model file" 1 predict "$project/tests/hostile/model_bad_checksum.model" "$data"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
