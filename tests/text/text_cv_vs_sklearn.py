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
import statistics
import sys
import tempfile

from sklearn.linear_model import LogisticRegression

from abstracts_folds import abstracts_with_folds, stratum_cv, tfidf_cv


def sklearn_cv(texts, y, fold):
    def fit_predict(x_train, y_train, x_test):
        model = LogisticRegression(C=10, max_iter=1000).fit(x_train, y_train)
        return model.predict_proba(x_test)[:, 1]
    return tfidf_cv(texts, y, fold, fit_predict, ngram_range=(1, 2), min_df=2,
                    sublinear_tf=True)


def main():
    stratum, abstracts = sys.argv[1:3]
    runs = int(sys.argv[sys.argv.index('--runs') + 1]) if '--runs' in sys.argv else 1
    with tempfile.TemporaryDirectory() as tmp:
        d, fold, path = abstracts_with_folds(abstracts, tmp)
        y = d.label.values
        sk, st = [], []
        for _ in range(runs):  # interleaved, so that a change in load hits both
            sk.append(sklearn_cv(d.abstract.values, y, fold))
            st.append(stratum_cv(stratum, path, 'logreg', '--ngrams', '1-2', '--tfidf'))
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
