"""stratum compare's paired differences against scikit-learn and scipy: from the --oof
file (every setting's out-of-fold probabilities and each row's fold), each fold's ROC-AUC,
Brier score and log loss of two settings (sklearn.metrics), their differences, and the
corrected resampled t interval of Nadeau and Bengio computed here with scipy's t quantile:
mean +- t(0.975, d - 1) sd sqrt(1/d + n_test/n_train). The JSON's "difference" of each row
must equal them; --reference makes one row the reference of all.

usage: compare_difference_vs_sklearn.py STRATUM DATA.csv WORKDIR"""
import json
import math
import os
import subprocess
import sys

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

stratum, data, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
oof_path = os.path.join(work, "oof.csv")
METRICS = {"roc_auc": roc_auc_score, "brier": brier_score_loss,
           "log_loss": lambda y, p: log_loss(y, p, labels=[0, 1])}


def run(*extra):
    out = subprocess.run([stratum, "compare", data, "--models", "logreg,gbdt", "--weights",
                          "none,balanced,4", "--lambda", "0.02", "--num-trees", "20",
                          "--folds", "4", "--repeats", "2", "--threads", "1", "-q",
                          "--format", "json", "--oof", oof_path, *extra],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def expected(oof, a, b, metric):
    diffs, n_test, n_train = [], 0, 0
    n = int((oof["repeat"] == 1).sum())
    for (_, _), part in oof.groupby(["repeat", "fold"]):
        y = part["label"].to_numpy()
        diffs.append(METRICS[metric](y, part[a]) - METRICS[metric](y, part[b]))
        n_test += len(part)
        n_train += n - len(part)
    d = np.array(diffs)
    mean, sd = d.mean(), d.std(ddof=1)
    half = stats.t.ppf(0.975, len(d) - 1) * sd * math.sqrt(1 / len(d) + n_test / n_train)
    return mean, mean - half, mean + half


def name(s):
    return f"{s['model']}_{s['weight']}"


def check(res, reference=None):
    oof = pd.read_csv(oof_path)
    checked = 0
    for s in res["settings"]:
        own = name(s)
        ref = reference or f"{s['model']}_none"
        if own == ref:
            assert s["difference"] is None, (own, s["difference"])
            continue
        diff = s["difference"]
        assert diff["from"] == ref, (own, diff["from"], ref)
        for metric in METRICS:
            want = expected(oof, own, ref, metric)
            got = (diff[metric]["mean"], diff[metric]["ci_low"], diff[metric]["ci_high"])
            for w, g, what in zip(want, got, ("mean", "ci_low", "ci_high")):
                if not abs(w - g) <= 1e-6 * max(1, abs(w)):
                    sys.exit(f"{own} - {ref}, {metric} {what}: stratum {g!r}, "
                             f"sklearn/scipy {w!r}")
            checked += 1
    return checked


n = check(run())  # each setting against its family's first weight
n += check(run("--reference", "gbdt_balanced"), "gbdt_balanced")
os.remove(oof_path)
print(f"ok: {n} paired differences equal sklearn's per-fold metrics and scipy's corrected t")
