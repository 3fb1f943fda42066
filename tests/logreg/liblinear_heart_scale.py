#!/usr/bin/env python3
"""stratum against liblinear on liblinear's own example file, heart_scale (Debian's
liblinear-tools ships it and the liblinear-train program), and against scikit-learn.

stratum minimises F(b0, b) = mean_i logloss(y_i, b0 + x_i.b) + lambda (alpha |b|_1 +
(1 - alpha)/2 |b|^2) with the intercept unpenalised; liblinear -s 0 (L2) / -s 6 (L1) with
-c C -B 1 minimises G(w) = C sum_i logloss + |w|^2/2 (or |w|_1), w including the bias, which
it penalises. With C = 1/(lambda n) the two differ only in the bias penalty, so:
  - F at stratum's solution <= F at liblinear's (stratum is optimal for F),
  - G at liblinear's solution <= G at stratum's (liblinear is optimal for G),
  - and with a bias column of 100 (-B 100) the penalty on the intercept b0 becomes
    (b0/100)^2/2 for L2, negligible: liblinear then solves F itself and the F values agree
    to 1e-8; for L1 it is |b0|/100, still lambda |b0| / 100 in F, so they agree to 2e-5.
For the ridge case, scikit-learn's lbfgs solves F itself (its intercept is unpenalised):
its F must equal stratum's to 1e-9 relative.

usage: liblinear_heart_scale.py STRATUM_CLI HEART_SCALE LIBLINEAR_TRAIN WORKDIR"""
import json
import os
import subprocess
import sys
import warnings

import numpy as np
from sklearn.datasets import load_svmlight_file
from sklearn.linear_model import LogisticRegression


def logloss(margin, y):
    return np.logaddexp(0.0, -np.where(y > 0, 1.0, -1.0) * margin)


def stratum_fit(cli, data, lam, alpha, work):
    out = subprocess.run([cli, 'train', 'logreg', data, '--lambda', repr(lam), '--alpha',
                          repr(alpha), '--no-standardize', '--tol', '1e-12', '--format', 'json',
                          '--all', '-q', '-o', os.path.join(work, 'm.model')],
                         capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit('stratum failed: ' + out.stderr)
    j = json.loads(out.stdout)
    coef = {c['name']: c['value'] for c in j['coefficients']}
    return j['intercept'], np.array([coef['f%d' % (k + 1)] for k in range(13)])


def liblinear_fit(train, data, solver, c, work, bias=1.0):
    """liblinear's intercept and coefficients; its bias column holds `bias`, so its
    intercept is bias * w_bias and the penalty on it (intercept / bias)^2 / 2."""
    model = os.path.join(work, 'liblinear.model')
    subprocess.run([train, '-s', str(solver), '-c', repr(c), '-B', repr(bias), '-e', '1e-10',
                    '-q', data, model], check=True)
    with open(model) as fh:
        lines = fh.read().split('\n')
    labels = next(l for l in lines if l.startswith('label ')).split()[1:]
    w = np.array([float(v) for v in lines[lines.index('w') + 1:] if v.strip()])
    if labels[0] != '1':  # liblinear's w scores the first label it saw
        w = -w
    return w[-1] * bias, w[:-1]


def main(cli, data, train, work):
    os.makedirs(work, exist_ok=True)
    x, y = load_svmlight_file(data, n_features=13)
    x = x.toarray()
    y = (y > 0).astype(float)
    n = len(y)
    failures = []
    for lam in (0.01, 0.1):
        for alpha, solver in ((0.0, 0), (1.0, 6)):
            def f(b0, b):
                pen = alpha * np.abs(b).sum() + (1 - alpha) / 2 * b @ b
                return logloss(x @ b + b0, y).mean() + lam * pen

            c = 1.0 / (lam * n)

            def g(b0, b):
                w = np.append(b, b0)
                pen = np.abs(w).sum() if alpha == 1 else w @ w / 2
                return c * logloss(x @ b + b0, y).sum() + pen

            s0, s = stratum_fit(cli, data, lam, alpha, work)
            l0, l = liblinear_fit(train, data, solver, c, work)
            fs, fl, gs, gl = f(s0, s), f(l0, l), g(s0, s), g(l0, l)
            gap = np.max(np.abs(np.append(s - l, s0 - l0)))
            print('lambda %g alpha %g: F stratum %.12g liblinear %.12g; G stratum %.12g '
                  'liblinear %.12g; max |coef difference| %.3g' % (lam, alpha, fs, fl, gs, gl,
                                                                   gap))
            if not fs <= fl + 1e-12 * abs(fl):
                failures.append('lambda %g alpha %g: stratum F %.15g above liblinear\'s %.15g'
                                % (lam, alpha, fs, fl))
            if not gl <= gs + 1e-9 * abs(gs):
                failures.append('lambda %g alpha %g: liblinear G %.15g above stratum\'s %.15g'
                                % (lam, alpha, gl, gs))
            b0, b = liblinear_fit(train, data, solver, c, work, bias=100.0)
            fb = f(b0, b)
            print('  liblinear -B 100: F %.12g (relative difference %.2g)'
                  % (fb, abs(fb - fs) / fs))
            if not fs <= fb + 1e-12 * abs(fb) or fb - fs > (2e-5 if alpha else 1e-8) * fs:
                failures.append('lambda %g alpha %g: stratum F %.15g, liblinear -B 100 %.15g'
                                % (lam, alpha, fs, fb))
            if alpha == 0:
                with warnings.catch_warnings():
                    warnings.simplefilter('ignore')
                    sk = LogisticRegression(C=c, tol=1e-12, max_iter=100000).fit(x, y)
                fk = f(sk.intercept_[0], sk.coef_[0])
                print('  scikit-learn lbfgs F %.12g (relative difference %.2g)'
                      % (fk, abs(fk - fs) / fs))
                if abs(fk - fs) > 1e-9 * fs:
                    failures.append('lambda %g: stratum F %.15g, scikit-learn %.15g'
                                    % (lam, fs, fk))
    for m in failures:
        print('FAIL: ' + m)
    checks = 14
    print('%d passed, %d failed' % (checks - len(failures), len(failures)))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:5]))
