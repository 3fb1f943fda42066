#!/usr/bin/python3
"""Default stratum against the peers' defaults: 5-fold CV ROC-AUC, PR-AUC and Brier score,
the same stratified folds for every method (scikit-learn's StratifiedKFold, shuffled,
--seed), on clinical CSV tables whose label column is `label`.

Methods, each with its defaults:
  stratum gbdt     `stratum train gbdt` (number of trees chosen by early stopping)
  stratum logreg   `stratum train logreg` (lambda chosen by inner 5-fold CV, lambda_min)
  xgboost          XGBClassifier() (python3-xgboost), one-hot categoricals, NaN kept
  sklearn hgb      HistGradientBoostingClassifier(), one-hot categoricals, NaN kept
  sklearn lrcv     LogisticRegressionCV() after mean imputation, one-hot and scaling
With --extra, also stratum's old defaults (logreg --lambda 1e-4, gbdt --num-trees 100) and
logreg --lambda-rule 1se, to show what the new defaults change.

The criterion (issue 21): default stratum (the better of its two families) reaches at
least the best peer default less --margin on ROC-AUC and on PR-AUC; --check makes the exit
status 1 when it fails on any dataset (the ctest defaults_vs_peers uses it).

usage: defaults_vs_peers.py --stratum PATH [--data NAME=CSV ...] [--shared DIR]
                            [--shipped DIR] [--max-rows N] [--extra] [--check]
                            [--variant LABEL:FAMILY:OPTIONS ...] [--no-peers]
                            [--skip NAMES] [--markdown OUT.md] [--seed S]
Writes a markdown table (stdout, or --markdown)."""
import os
os.environ.setdefault('OMP_NUM_THREADS', '1')  # one thread each: fair, and the machine is shared
import argparse
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

# Identifier and leaky columns left out of every method (../shared/datasets/INDEX.md).
DROP = {
    'diabetes130': ['encounter_id', 'patient_nbr'],
    'stroke': ['id'],
    'wdbc': ['id'],
    'cardio': ['id'],
    'cervical_cancer': ['Hinselmann', 'Schiller', 'Cytology', 'Citology'],
    'heart_failure': ['time'],
}
# Read options per dataset: diabetes130's 'None' is a category, not a missing value.
NA_EMPTY_ONLY = {'diabetes130'}
SKIP = {'medical_abstracts': 'free text, not a table of features'}


def stratum_fit_predict(stratum, family, train_csv, test_csv, drop, na_empty, extra_args, tmp):
    model = os.path.join(tmp, 'model')
    common = ['--label', 'label', '-q']
    if drop:
        common += ['--ignore', ','.join(drop)]
    if na_empty:
        common += ['--na-values', '']
    subprocess.run([stratum, 'train', family, train_csv, '-o', model] + common + extra_args,
                   check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run([stratum, 'predict', model, test_csv] + common[:0] +
                         (['--na-values', ''] if na_empty else []),
                         check=True, capture_output=True, text=True).stdout
    return np.array([float(v) for v in out.split()[1:]])


def peer_frames(train, test):
    """One-hot categoricals (levels of the training part), NaN kept."""
    cats = [c for c in train.columns if train[c].dtype == object]
    both = pd.get_dummies(pd.concat([train, test], keys=['tr', 'te']), columns=cats,
                          dummy_na=False, dtype=float)
    return both.loc['tr'].astype(float), both.loc['te'].astype(float)


def peer_models():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from xgboost import XGBClassifier
    return {
        'xgboost': lambda seed: XGBClassifier(random_state=seed, n_jobs=1),
        'sklearn hgb': lambda seed: HistGradientBoostingClassifier(random_state=seed),
        'sklearn lrcv': lambda seed: make_pipeline(SimpleImputer(), StandardScaler(),
                                                   LogisticRegressionCV(n_jobs=1)),
    }


def scores(y, p):
    return (roc_auc_score(y, p), average_precision_score(y, p),
            brier_score_loss(y, np.clip(p, 0, 1)))


def run_dataset(name, path, args, tmp):
    na_empty = name in NA_EMPTY_ONLY
    df = pd.read_csv(path, keep_default_na=not na_empty, na_values=[''] if na_empty else None,
                     low_memory=False)
    drop = [c for c in DROP.get(name, []) if c in df.columns]
    if args.max_rows and len(df) > args.max_rows:
        return None, 'more than --max-rows rows (%d)' % len(df)
    y = df['label'].to_numpy().astype(int)
    X = df.drop(columns=['label'] + drop)
    folds = list(StratifiedKFold(5, shuffle=True, random_state=args.seed).split(X, y))
    methods = {'stratum gbdt': ('gbdt', []), 'stratum logreg': ('logreg', [])}
    if args.extra:
        methods['stratum logreg 1se'] = ('logreg', ['--lambda-rule', '1se'])
        methods['stratum logreg old (lambda 1e-4)'] = ('logreg', ['--lambda', '1e-4'])
        methods['stratum gbdt old (100 trees)'] = ('gbdt', ['--num-trees', '100'])
    for v in args.variant:
        label, family, extra = v.split(':', 2)
        methods[label] = (family, extra.split())
    peers = peer_models() if not args.no_peers else {}
    res = {m: [] for m in list(methods) + list(peers)}
    secs = {m: 0.0 for m in res}
    for k, (tr, te) in enumerate(folds):
        train_csv, test_csv = os.path.join(tmp, 'train.csv'), os.path.join(tmp, 'test.csv')
        df.iloc[tr].to_csv(train_csv, index=False)
        df.iloc[te].to_csv(test_csv, index=False)
        for m, (family, extra) in methods.items():
            t0 = time.time()
            p = stratum_fit_predict(args.stratum, family, train_csv, test_csv, drop, na_empty,
                                    extra, tmp)
            secs[m] += time.time() - t0
            res[m].append(scores(y[te], p))
        Xtr, Xte = peer_frames(X.iloc[tr], X.iloc[te])
        for m, make in peers.items():
            t0 = time.time()
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                model = make(args.seed).fit(Xtr.to_numpy(), y[tr])
                p = model.predict_proba(Xte.to_numpy())[:, 1]
            secs[m] += time.time() - t0
            res[m].append(scores(y[te], p))
    return {m: (np.mean(v, axis=0), secs[m]) for m, v in res.items()}, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--stratum', required=True)
    ap.add_argument('--data', action='append', default=[], help='NAME=CSV')
    ap.add_argument('--shared', help='a folder of NAME/clean.csv (../shared/datasets)')
    ap.add_argument('--shipped', help='a folder of NAME.csv (datasets/)')
    ap.add_argument('--max-rows', type=int, default=0)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--margin', type=float, default=0.005)
    ap.add_argument('--extra', action='store_true')
    ap.add_argument('--check', action='store_true')
    ap.add_argument('--variant', action='append', default=[],
                    help='LABEL:FAMILY:OPTIONS, another stratum setting to measure')
    ap.add_argument('--no-peers', action='store_true', help='stratum only (no criterion)')
    ap.add_argument('--skip', default='', help='comma-separated datasets to leave out')
    ap.add_argument('--markdown')
    args = ap.parse_args()
    data = [tuple(d.split('=', 1)) for d in args.data]
    if args.shipped:
        data += [(f[:-4], os.path.join(args.shipped, f)) for f in sorted(os.listdir(args.shipped))
                 if f.endswith('.csv')]
    if args.shared:
        shipped = {n for n, _ in data}
        data += [(d, os.path.join(args.shared, d, 'clean.csv'))
                 for d in sorted(os.listdir(args.shared))
                 if os.path.exists(os.path.join(args.shared, d, 'clean.csv')) and d not in shipped]
    out = open(args.markdown, 'w') if args.markdown else sys.stdout
    print('| dataset | rows | method | ROC-AUC | PR-AUC | Brier | seconds (5 folds) |', file=out)
    print('|---|--:|---|--:|--:|--:|--:|', file=out)
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in data:
            if name in args.skip.split(','):
                continue
            if name in SKIP:
                print('| %s | | skipped: %s | | | | |' % (name, SKIP[name]), file=out)
                continue
            res, why = run_dataset(name, path, args, tmp)
            if res is None:
                print('| %s | | skipped: %s | | | | |' % (name, why), file=out)
                continue
            rows = sum(1 for _ in open(path)) - 1
            for m, (v, s) in res.items():
                print('| %s | %d | %s | %.4f | %.4f | %.4f | %.1f |' % (name, rows, m, v[0], v[1],
                      v[2], s), file=out)
            if args.no_peers:
                continue
            ours = [res[m][0] for m in ('stratum gbdt', 'stratum logreg')]
            theirs = [res[m][0] for m in ('xgboost', 'sklearn hgb', 'sklearn lrcv')]
            gaps = []
            for i, metric in ((0, 'ROC-AUC'), (1, 'PR-AUC')):
                gap = max(v[i] for v in ours) - max(v[i] for v in theirs)
                gaps.append('%s %+.4f' % (metric, gap))
                if gap < -args.margin:
                    failures.append('%s: %s %+.4f (best stratum %.4f, best peer %.4f)' % (
                        name, metric, gap, max(v[i] for v in ours), max(v[i] for v in theirs)))
            print('| %s | | **best stratum - best peer** | %s | %s | | |' % (
                name, gaps[0].split()[1], gaps[1].split()[1]), file=out)
            out.flush()
    if args.no_peers:
        return 0
    print('\ncriterion (best default stratum >= best peer default - %g on ROC-AUC and PR-AUC): '
          '%s' % (args.margin, 'met on every dataset' if not failures else
                  'not met on ' + '; '.join(failures)), file=out)
    if out is not sys.stdout:
        out.close()
    for f in failures:
        print('defaults_vs_peers: criterion not met: ' + f, file=sys.stderr)
    return 1 if args.check and failures else 0


if __name__ == '__main__':
    sys.exit(main())
