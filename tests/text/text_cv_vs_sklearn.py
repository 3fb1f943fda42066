#!/usr/bin/python3
"""stratum cv logreg --text-col against scikit-learn on the same folds (issue 16's done-when):
TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True) + LogisticRegression(C=10)
fitted on each training part, scored on its test part, on datasets/medical_abstracts.csv
with scikit-learn's StratifiedKFold(5, shuffle=True, random_state=0) folds given to stratum
as --fold-col. stratum runs with its defaults: `--text-col abstract --ngrams 1-2 --tfidf`.

Checks that stratum's mean ROC-AUC and PR-AUC (average precision) over the folds are at
least scikit-learn's less 0.005, and prints both tools' wall times and their ratio (the
timing is reported, not asserted: bench/bench_text_cv.py measures it, several runs).

usage: text_cv_vs_sklearn.py STRATUM ABSTRACTS_CSV [--runs N]
With --runs N (the benchmark) each tool runs N times, interleaved, and medians are printed
as a Markdown table."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold


def folds_of(y):
    fold = np.zeros(len(y), int)
    for k, (_, te) in enumerate(StratifiedKFold(5, shuffle=True, random_state=0).split(y, y)):
        fold[te] = k
    return fold


def sklearn_cv(texts, y, fold):
    t0 = time.time()
    roc, pr = [], []
    for k in range(fold.max() + 1):
        tr, te = fold != k, fold == k
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        model = LogisticRegression(C=10, max_iter=1000)
        model.fit(vec.fit_transform(texts[tr]), y[tr])
        p = model.predict_proba(vec.transform(texts[te]))[:, 1]
        roc.append(roc_auc_score(y[te], p))
        pr.append(average_precision_score(y[te], p))
    return np.mean(roc), np.mean(pr), time.time() - t0


def stratum_cv(stratum, path):
    t0 = time.time()
    out = subprocess.run([stratum, 'cv', 'logreg', path, '--ignore', 'id', '--fold-col',
                          'fold', '--text-col', 'abstract', '--ngrams', '1-2', '--tfidf',
                          '-q', '--format', 'csv', '--threads', '2'], check=True,
                         capture_output=True, text=True).stdout
    seconds = time.time() - t0
    rows = {line.split(',')[0]: float(line.split(',')[1]) for line in out.strip().split('\n')[1:]}
    return rows['roc_auc'], rows['pr_auc'], seconds


def main():
    stratum, abstracts = sys.argv[1:3]
    runs = int(sys.argv[sys.argv.index('--runs') + 1]) if '--runs' in sys.argv else 1
    d = pd.read_csv(abstracts)
    y = d.label.values
    fold = folds_of(y)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, 'abstracts_folds.csv')
        d.assign(fold=fold).to_csv(path, index=False)
        sk, st = [], []
        for _ in range(runs):  # interleaved, so that a change in load hits both
            sk.append(sklearn_cv(d.abstract.values, y, fold))
            st.append(stratum_cv(stratum, path))
    sk_roc, sk_pr, _ = sk[0]
    st_roc, st_pr, _ = st[0]
    sk_t = statistics.median(r[2] for r in sk)
    st_t = statistics.median(r[2] for r in st)
    print('| tool | ROC-AUC | PR-AUC | wall time (s, median of %d) |' % runs)
    print('|---|--:|--:|--:|')
    print('| scikit-learn 1.2 (TfidfVectorizer + LogisticRegression C=10) | %.4f | %.4f | %.2f |'
          % (sk_roc, sk_pr, sk_t))
    print('| stratum cv logreg --text-col abstract --ngrams 1-2 --tfidf | %.4f | %.4f | %.2f |'
          % (st_roc, st_pr, st_t))
    print('\nstratum / scikit-learn time: %.2f' % (st_t / sk_t))
    ok = st_roc >= sk_roc - 0.005 and st_pr >= sk_pr - 0.005
    if not ok:
        print('FAIL: stratum below scikit-learn less 0.005')
        sys.exit(1)


main()
