#!/bin/sh
# Reproducibility: the same data, options and seed give a byte-identical model file, whatever
# the thread count (--threads 1 or 2, OMP_NUM_THREADS=1 or 2; OPENBLAS_NUM_THREADS for the
# BLAS path), for every solver and both
# model families.
# usage: check_reproducible.sh STRATUM STRATUM_GEN DATASETS_DIR WORK_DIR
set -eu
stratum=$1 gen=$2 datasets=$3 work=$4
rm -rf "$work"
mkdir -p "$work"
# more rows than one 4096-row block, with categorical columns and missing values
"$gen" clinical --rows 12000 --seed 7 -o "$work/clinical.csv"

passed=0 failed=0
check() { # name, family, data, train options...
    name=$1 family=$2 data=$3
    shift 3
    OMP_NUM_THREADS=1 "$stratum" train "$family" "$data" "$@" -o "$work/a.model" -q > /dev/null
    OMP_NUM_THREADS=2 "$stratum" train "$family" "$data" "$@" -o "$work/b.model" -q > /dev/null
    "$stratum" train "$family" "$data" "$@" --threads 1 -o "$work/c.model" -q > /dev/null
    "$stratum" train "$family" "$data" "$@" --threads 2 -o "$work/d.model" -q > /dev/null
    if cmp -s "$work/a.model" "$work/b.model" && cmp -s "$work/a.model" "$work/c.model" &&
       cmp -s "$work/a.model" "$work/d.model"; then
        echo "ok: $name"
        passed=$((passed + 1))
    else
        echo "FAILED: $name: model files differ between thread counts"
        failed=$((failed + 1))
    fi
}

check "logreg ridge (Newton), sepsis_survival" logreg "$datasets/sepsis_survival.csv" --lambda 1e-4
check "logreg elastic net (CD), sepsis_survival" logreg "$datasets/sepsis_survival.csv" --lambda 1e-4 --alpha 0.5
check "logreg ridge, clinical with categoricals" logreg "$work/clinical.csv" --lambda 1e-3 --missing-indicators
check "logreg lasso, clinical with categoricals" logreg "$work/clinical.csv" --lambda 1e-3 --alpha 1 --impute median
check "gbdt, sepsis_survival" gbdt "$datasets/sepsis_survival.csv" --num-trees 30
check "gbdt with bagging and feature sampling, clinical" gbdt "$work/clinical.csv" --num-trees 50 \
    --bagging-fraction 0.7 --bagging-freq 1 --feature-fraction 0.8 --seed 9
check "gbdt with two-byte bins (max_bin 1000) and bagging, clinical" gbdt "$work/clinical.csv" \
    --num-trees 30 --max-bin 1000 --bagging-fraction 0.7 --bagging-freq 1 --seed 3
check "gbdt, categorical sets with two-byte numeric bins, diabetes130" gbdt \
    "$datasets/diabetes130.csv" --ignore encounter_id,patient_nbr --na-values "" --num-trees 5 \
    --max-bin 1000 --max-cat-levels 0
check "gbdt early stopping on a held-out fraction, clinical" gbdt "$work/clinical.csv" \
    --num-trees 200 --learning-rate 0.3 --valid-fraction 0.2 --early-stopping-rounds 5 --metric auc
# recalibration and a threshold fitted on the inner cross-validation (train --recalibrate)
check "logreg, platt recalibration and min-recall threshold, sepsis_survival" logreg \
    "$datasets/sepsis_survival.csv" --lambda 1e-4 --class-weight balanced --recalibrate platt \
    --threshold-rule min-recall
# the defaults: lambda chosen by an inner cross-validation, trees by early stopping on folds
check "logreg default (lambda by inner 5-fold CV), thyroid_sick" logreg \
    "$datasets/thyroid_sick.csv"
check "gbdt default (trees by early stopping on 5 folds), thyroid_sick" gbdt \
    "$datasets/thyroid_sick.csv"
check "gbdt, isotonic recalibration and f1 threshold, clinical" gbdt "$work/clinical.csv" \
    --num-trees 20 --class-weight balanced --recalibrate isotonic --threshold-rule f1

# the shared --class-weight W means --scale-pos-weight W for boosted trees: same model bytes
"$stratum" train gbdt "$work/clinical.csv" --num-trees 10 --class-weight 5 -o "$work/e.model" -q > /dev/null
"$stratum" train gbdt "$work/clinical.csv" --num-trees 10 --scale-pos-weight 5 -o "$work/f.model" -q > /dev/null
if cmp -s "$work/e.model" "$work/f.model"; then
    echo "ok: gbdt --class-weight 5 is --scale-pos-weight 5"
    passed=$((passed + 1))
else
    echo "FAILED: gbdt --class-weight 5 and --scale-pos-weight 5 give different models"
    failed=$((failed + 1))
fi
# more threads than the grower has row segments (64): the same model as one thread (the
# root histogram once asked for a scratch histogram per thread and overran the 63 it had)
"$gen" higgs --rows 20000 --seed 5 -o "$work/higgs.csv"
"$stratum" train gbdt "$work/higgs.csv" --num-trees 5 --threads 1 -o "$work/g.model" -q > /dev/null
"$stratum" train gbdt "$work/higgs.csv" --num-trees 5 --threads 70 -o "$work/h.model" -q > /dev/null
if cmp -s "$work/g.model" "$work/h.model"; then
    echo "ok: gbdt on 70 threads (more than the 64 row segments) = 1 thread"
    passed=$((passed + 1))
else
    echo "FAILED: gbdt on 70 threads differs from 1 thread"
    failed=$((failed + 1))
fi
# a design wide enough for the LAPACK Cholesky (src/linalg; 200 columns):
# the same model whatever OPENBLAS_NUM_THREADS and --threads say
awk 'BEGIN { srand(11); printf "label"; for (j = 1; j <= 200; j++) printf ",x%d", j; print ""
             for (i = 0; i < 2000; i++) { eta = -1; line = ""
                 for (j = 1; j <= 200; j++) { v = 2 * rand() - 1; line = line sprintf(",%.6f", v)
                                              if (j <= 5) eta += v }
                 printf "%d%s\n", rand() < 1 / (1 + exp(-eta)), line } }' > "$work/wide.csv"
wide() { "$stratum" train logreg "$work/wide.csv" --lambda 1e-3 "$@" -q > /dev/null; }
OPENBLAS_NUM_THREADS=1 wide --threads 1 -o "$work/w1.model"
OPENBLAS_NUM_THREADS=2 wide --threads 2 -o "$work/w2.model"
OPENBLAS_NUM_THREADS=1 wide --threads 3 -o "$work/w3.model"
OPENBLAS_NUM_THREADS=2 wide --threads 1 -o "$work/w4.model"
if cmp -s "$work/w1.model" "$work/w2.model" && cmp -s "$work/w1.model" "$work/w3.model" &&
   cmp -s "$work/w1.model" "$work/w4.model"; then
    echo "ok: logreg ridge on 200 columns (LAPACK path), OPENBLAS_NUM_THREADS 1 or 2, --threads 1 to 3"
    passed=$((passed + 1))
else
    echo "FAILED: logreg ridge on 200 columns differs between OPENBLAS_NUM_THREADS or --threads"
    failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
