#!/usr/bin/python3
"""stratum cv gbdt --text-col against XGBoost on the same TF-IDF features and folds (issue
16, text with boosted trees): on datasets/medical_abstracts.csv, scikit-learn's
StratifiedKFold(5, shuffle=True, random_state=0) folds (given to stratum as --fold-col), each
training part's TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True) features
(which stratum's featurizer equals to 1e-6: text_vs_sklearn) for XGBoost 1.7's hist trees
grown leaf-wise as stratum's (lossguide, 31 leaves, learning rate 0.1, 100 trees, L2 0, at
least 20 rows a leaf read as min_child_weight 20 x 0.25 of the Hessian at p 0.5) against
`stratum cv gbdt --text-col abstract --ngrams 1-2 --tfidf --num-trees 100`.

Checks that stratum's mean ROC-AUC over the folds is at least XGBoost's less 0.01 and its
PR-AUC at least XGBoost's less 0.02 (the two grow different trees: XGBoost has no minimum
row count per leaf, only a Hessian sum; measured on a loaded machine: ROC-AUC 0.8889 against
0.8850, PR-AUC 0.6850 against 0.6956), and prints both with the wall times.

usage: text_gbdt_vs_xgboost.py STRATUM ABSTRACTS_CSV"""
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

TREES = 100


def folds_of(y):
    fold = np.zeros(len(y), int)
    for k, (_, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=0).split(y, y)):
        fold[te] = k
    return fold


def xgboost_cv(texts, y, fold):
    t0 = time.time()
    roc, pr = [], []
    for k in range(fold.max() + 1):
        tr, te = fold != k, fold == k
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                              token_pattern=r"[^\W_]+")
        model = xgb.XGBClassifier(n_estimators=TREES, learning_rate=0.1, tree_method="hist",
                                  grow_policy="lossguide", max_leaves=31, max_depth=0,
                                  reg_lambda=0.0, min_child_weight=20 * 0.25, max_bin=255,
                                  n_jobs=2, random_state=0)
        model.fit(vec.fit_transform(texts[tr]), y[tr])
        p = model.predict_proba(vec.transform(texts[te]))[:, 1]
        roc.append(roc_auc_score(y[te], p))
        pr.append(average_precision_score(y[te], p))
    return np.mean(roc), np.mean(pr), time.time() - t0


def stratum_cv(stratum, path):
    t0 = time.time()
    out = subprocess.run([stratum, "cv", "gbdt", path, "--ignore", "id", "--fold-col", "fold",
                          "--text-col", "abstract", "--ngrams", "1-2", "--tfidf",
                          "--num-trees", str(TREES), "-q", "--format", "csv", "--threads",
                          "2"], check=True, capture_output=True, text=True).stdout
    seconds = time.time() - t0
    rows = {line.split(",")[0]: float(line.split(",")[1]) for line in out.strip().split("\n")[1:]}
    return rows["roc_auc"], rows["pr_auc"], seconds


def main():
    stratum, abstracts = sys.argv[1:3]
    d = pd.read_csv(abstracts)
    y = d.label.values
    fold = folds_of(y)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "abstracts_folds.csv")
        d.assign(fold=fold).to_csv(path, index=False)
        st_roc, st_pr, st_t = stratum_cv(stratum, path)
        xg_roc, xg_pr, xg_t = xgboost_cv(d.abstract.values, y, fold)
    print("| tool | ROC-AUC | PR-AUC | wall time (s) |")
    print("|---|--:|--:|--:|")
    print("| XGBoost %s hist lossguide on TfidfVectorizer features | %.4f | %.4f | %.1f |"
          % (xgb.__version__, xg_roc, xg_pr, xg_t))
    print("| stratum cv gbdt --text-col abstract --ngrams 1-2 --tfidf | %.4f | %.4f | %.1f |"
          % (st_roc, st_pr, st_t))
    if not (st_roc >= xg_roc - 0.01 and st_pr >= xg_pr - 0.02):
        print("FAIL: stratum below XGBoost less 0.01 (ROC-AUC) or 0.02 (PR-AUC)")
        sys.exit(1)


main()
