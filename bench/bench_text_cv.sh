#!/usr/bin/env bash
# Free-text classification benchmark (issue 16): 5-fold cross-validation on
# datasets/medical_abstracts.csv of `stratum cv logreg --text-col abstract --ngrams 1-2
# --tfidf` against scikit-learn's TfidfVectorizer(ngram_range=(1, 2), min_df=2,
# sublinear_tf=True) + LogisticRegression(C=10), refitted on each training part, on the
# same folds (scikit-learn's StratifiedKFold(5, shuffle=True, random_state=0), given to
# stratum as --fold-col). Each tool is timed whole (stratum: the process, reading the CSV
# included; scikit-learn: the five fits and predictions, in one process, data already
# read), RUNS times interleaved. Prints a Markdown table of ROC-AUC, PR-AUC and median wall
# times, and the ratio stratum / scikit-learn (below 1: stratum faster). The comparison of
# the two is tests/text/text_cv_vs_sklearn.py, which ctest runs once (text_cv_vs_sklearn).
#
#   bench/bench_text_cv.sh                      # uses ./build (Release)
#
# Environment: BUILD_DIR (default build), RUNS (5), PYTHON (/usr/bin/python3).
set -euo pipefail

NAME=bench_text_cv
# shellcheck source=bench/bench_common.sh
source "$(dirname "$0")/bench_common.sh"
RUNS=${RUNS:-5}
say "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$PYTHON" "$REPO/tests/text/text_cv_vs_sklearn.py" "$STRATUM" "$REPO/datasets/medical_abstracts.csv" \
    --runs "$RUNS"
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
