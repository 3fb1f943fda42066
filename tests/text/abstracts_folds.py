"""Shared by the tests that hold stratum against another tool on the abstracts' folds
(text_cv_vs_sklearn.py, text_gbdt_vs_xgboost.py): scikit-learn's
StratifiedKFold(5 or n_folds, shuffle=True, random_state=0) folds, the abstracts written with them as a
fold column for `stratum cv --fold-col fold`, each training part's TF-IDF features for the
other tool, and stratum cv's mean ROC-AUC and PR-AUC read from its CSV output."""
import os
import subprocess
import time

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold


def folds_of(y, n_folds=5):
    fold = np.zeros(len(y), int)
    for k, (_, te) in enumerate(StratifiedKFold(n_folds, shuffle=True,
                                                random_state=0).split(y, y)):
        fold[te] = k
    return fold


def abstracts_with_folds(abstracts, tmp, n_folds=5):
    """The abstracts (a DataFrame), their n_folds folds, and the path of their copy with a
    'fold' column in directory tmp."""
    d = pd.read_csv(abstracts)
    fold = folds_of(d.label.values, n_folds)
    path = os.path.join(tmp, 'abstracts_folds.csv')
    d.assign(fold=fold).to_csv(path, index=False)
    return d, fold, path


def tfidf_cv(texts, y, fold, fit_predict, **tfidf):
    """Mean ROC-AUC and PR-AUC (average precision) over the folds, and the seconds taken:
    on each fold a TfidfVectorizer(**tfidf) fitted on the training part, and
    fit_predict(X_train, y_train, X_test) the other tool's P(y = 1) on the test part."""
    t0 = time.time()
    roc, pr = [], []
    for k in range(fold.max() + 1):
        tr, te = fold != k, fold == k
        vec = TfidfVectorizer(**tfidf)
        p = fit_predict(vec.fit_transform(texts[tr]), y[tr], vec.transform(texts[te]))
        roc.append(roc_auc_score(y[te], p))
        pr.append(average_precision_score(y[te], p))
    return np.mean(roc), np.mean(pr), time.time() - t0


def stratum_cv(stratum, path, family, *options):
    """`stratum cv FAMILY path --ignore id --fold-col fold --text-col abstract OPTIONS`:
    its mean ROC-AUC and PR-AUC and the seconds taken."""
    t0 = time.time()
    out = subprocess.run([stratum, 'cv', family, path, '--ignore', 'id', '--fold-col', 'fold',
                          '--text-col', 'abstract', *options, '-q', '--format', 'csv',
                          '--threads', '2'], check=True, capture_output=True, text=True).stdout
    seconds = time.time() - t0
    rows = {line.split(',')[0]: float(line.split(',')[1]) for line in out.strip().split('\n')[1:]}
    return rows['roc_auc'], rows['pr_auc'], seconds
