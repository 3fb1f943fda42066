#!/usr/bin/python3
"""Compares `stratum drift REFERENCE NEW --format json` with SciPy and a PSI computed here.

Usage: drift_vs_scipy.py STRATUM_BINARY [DIABETES130_CSV [THYROID_SICK_CSV]]

Writes seeded random reference/new CSV pairs to a temporary directory: numeric columns
shifted by amounts from none to large (p-values from 1 down to underflow), integer-valued
columns with heavy ties, missing values, categorical columns with levels the reference
never has, a two-level column (1 degree of freedom: Yates's correction) and a one-level
one. For each column, stratum's output is checked against:
- the KS statistic and p-value: scipy.stats.ks_2samp on the present values (as float32,
  which stratum stores) with SciPy's default method (exact when neither sample has more
  than 10000 values, asymptotic above); statistic to 1e-12, p-value to 1e-6 relative
  (however small; 1e-300 absolute);
- chi-square, degrees of freedom and p-value: scipy.stats.chi2_contingency on the 2 x L
  table of level counts (rows with the column missing left out), to 1e-9 relative;
- PSI: computed here from its definition (reference deciles at sorted positions
  k (n - 1) // 10, bins (e_{k-1}, e_k], missing values a bin, an empty share counted as
  1e-4 and a non-empty one as it is, however small), to 1e-12;
- missing shares and the new levels with their counts, exactly.
With the diabetes130 file, the same checks on its first and second half (split by
encounter order, as docs/drift.md shows). Also checks --fail-on's exit code 3 and its
usage errors, and that errors name the file and column. With thyroid_sick, --model (a
gbdt trained at test time): the model's split thresholds as PSI bins, the score PSI, the
predicted prevalence, importance and contribution shift against `stratum predict
--contrib`, the AUCs and DeLong's unpaired test against a direct DeLong variance. And
--time-col on diabetes130 with made-up months: each period's PSI and KS p-value against
the first period's rows, computed here. Prints one line per check and
"N passed, M failed"; exits 1 on failure. Run with Debian's /usr/bin/python3 (python3-scipy).
"""
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

PASSED = 0
FAILED = 0


def check(name, ok, detail=""):
    global PASSED, FAILED
    if ok:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL %s %s" % (name, detail))


def close(a, b, rel, abs_=0.0):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= abs_ + rel * max(abs(a), abs(b))


def psi_here(ref, new, eps=1e-4, bins=10):
    """PSI of two float arrays (NaN = missing) from its definition."""
    present = np.sort(ref[~np.isnan(ref)])
    n = len(present)
    edges = np.unique([present[k * (n - 1) // bins] for k in range(1, bins)])

    def shares(v):
        miss = np.isnan(v)
        idx = np.searchsorted(edges, v[~miss], side='left')
        c = np.bincount(idx, minlength=len(edges) + 1).astype(float)
        return np.append(c, miss.sum()) / len(v)
    p, q = shares(ref), shares(new)
    s = 0.0
    for a, b in zip(p, q):
        if a == 0 and b == 0:
            continue
        a, b = a if a > 0 else eps, b if b > 0 else eps  # only an empty share
        s += (b - a) * math.log(b / a)
    return s


def psi_levels(ref, new, eps=1e-4):
    """PSI of two text Series (NaN = missing) over the union of levels and missing."""
    keys = sorted(set(ref.dropna()) | set(new.dropna()))
    rc, nc = ref.value_counts(), new.value_counts()
    p = [rc.get(k, 0) / len(ref) for k in keys] + [ref.isna().sum() / len(ref)]
    q = [nc.get(k, 0) / len(new) for k in keys] + [new.isna().sum() / len(new)]
    s = 0.0
    for a, b in zip(p, q):
        if a == 0 and b == 0:
            continue
        a, b = a if a > 0 else eps, b if b > 0 else eps  # only an empty share
        s += (b - a) * math.log(b / a)
    return s


def run(binary, args, expect=0):
    r = subprocess.run([binary, 'drift'] + args, capture_output=True, text=True)
    if r.returncode != expect:
        print("stratum drift %s: exit %d, expected %d\n%s" % (' '.join(args), r.returncode,
                                                            expect, r.stderr))
    return r


def compare_files(binary, ref_path, new_path, tag, extra=()):
    r = run(binary, [str(ref_path), str(new_path), '--format', 'json'] + list(extra))
    check(tag + " runs", r.returncode == 0, r.stderr)
    if r.returncode != 0:
        return
    out = json.loads(r.stdout)
    ignore = set()
    for k, a in enumerate(extra):
        if a == '--ignore':
            ignore |= set(extra[k + 1].split(','))
    label = 'label'
    for k, a in enumerate(extra):
        if a == '--label':
            label = extra[k + 1]
    ref = pd.read_csv(ref_path, dtype=str, keep_default_na=False)
    new = pd.read_csv(new_path, dtype=str, keep_default_na=False)
    na = {"", "NA", "N/A", "n/a", "NaN", "nan", "-nan", "NULL", "null", "None", "?", "#N/A",
          "<NA>"}
    ref = ref.apply(lambda s: s.where(~s.isin(na)))
    new = new.apply(lambda s: s.where(~s.isin(na)))
    cols = {c['name']: c for c in out['columns']}
    expected_cols = [c for c in ref.columns if c not in ignore and c != label]
    check(tag + " columns", sorted(cols) == sorted(expected_cols), str(sorted(cols)))
    for name in expected_cols:
        c = cols.get(name)
        if c is None:
            continue
        t = tag + " " + name
        a, b = ref[name], new[name]
        check(t + " missing", c['missing_reference'] == a.isna().mean() and
              c['missing_new'] == b.isna().mean())
        numeric = pd.to_numeric(pd.concat([a, b]).dropna(), errors='coerce').notna().all()
        if numeric:
            check(t + " type", c['type'] == 'numeric', c['type'])
            x = pd.to_numeric(a).to_numpy(dtype=np.float32).astype(np.float64)
            y = pd.to_numeric(b).to_numpy(dtype=np.float32).astype(np.float64)
            check(t + " psi", close(c['psi'], psi_here(x, y), 1e-12, 1e-15),
                  "%r vs %r" % (c['psi'], psi_here(x, y)))
            xp, yp = x[~np.isnan(x)], y[~np.isnan(y)]
            if len(yp) == 0:
                continue
            ks = stats.ks_2samp(xp, yp)  # SciPy's default: exact up to 10000 values
            check(t + " ks statistic", close(c['ks_statistic'], ks.statistic, 1e-12),
                  "%r vs %r" % (c['ks_statistic'], ks.statistic))
            # relative, however small: an exact p computed as 1 - P(inside) was 0 below 1e-16
            p_ok = close(c['ks_pvalue'], ks.pvalue, 1e-6, 1e-300)
            method = "exact" if max(len(xp), len(yp)) <= 10000 else "asymp"
            check(t + " ks p-value (%s)" % method, p_ok,
                  "%r vs %r (D %g, n %d %d)" % (c['ks_pvalue'], ks.pvalue, ks.statistic,
                                               len(xp), len(yp)))
        else:
            check(t + " type", c['type'] == 'categorical', c['type'])
            check(t + " psi", close(c['psi'], psi_levels(a, b), 1e-12, 1e-15),
                  "%r vs %r" % (c['psi'], psi_levels(a, b)))
            keys = sorted(set(a.dropna()) | set(b.dropna()))
            ra, rb = a.value_counts(), b.value_counts()
            table = np.array([[ra.get(k, 0) for k in keys], [rb.get(k, 0) for k in keys]])
            if table[0].sum() > 0 and table[1].sum() > 0:
                if len(keys) > 1:
                    chi2, p, dof, _ = stats.chi2_contingency(table)
                else:
                    chi2, p, dof = 0.0, 1.0, 0
                check(t + " chi2", close(c['chi2'], chi2, 1e-9, 1e-12) and c['chi2_dof'] == dof,
                      "%r vs %r, dof %r vs %r" % (c['chi2'], chi2, c['chi2_dof'], dof))
                check(t + " chi2 p-value", close(c['chi2_pvalue'], p, 1e-9,
                                                 1e-300 if p < 1e-290 else 1e-15),
                      "%r vs %r" % (c['chi2_pvalue'], p))
            unseen = {k: int(rb[k]) for k in rb.index if k not in ra.index}
            got = {lv['level']: lv['count'] for lv in c['new_levels']}
            check(t + " new levels", got == unseen and c['new_level_rows'] == sum(unseen.values()),
                  "%r vs %r" % (got, unseen))


def write_pair(d, tag, n_ref, n_new, seed):
    rng = np.random.default_rng(seed)
    frames = []
    for n, shifted in ((n_ref, 0), (n_new, 1)):
        cols = {}
        for k, shift in enumerate([0, 0.003, 0.01, 0.02, 0.04, 0.08, 0.3, 1.0]):
            cols['x%d' % k] = rng.normal(shift * shifted, 1, n).astype(np.float32)
        cols['ties'] = rng.poisson(3 + shifted * 0.2, n).astype(np.float32)
        m = rng.normal(0, 1, n).astype(np.float32)
        m[rng.random(n) < (0.05 + 0.1 * shifted)] = np.nan
        cols['with_missing'] = m
        levels = ['A', 'B', 'C', 'D'] + (['E', 'F'] if shifted else [])
        w = np.array([0.4, 0.3, 0.2, 0.1] + ([0.02, 0.01] if shifted else []))
        cat = rng.choice(levels, n, p=w / w.sum()).astype(object)
        cat[rng.random(n) < 0.03] = None
        cols['code'] = cat
        cols['two'] = rng.choice(['yes', 'no'], n, p=[0.5 + 0.02 * shifted, 0.5 - 0.02 * shifted])
        cols['one'] = np.array(['same'] * n, dtype=object)
        cols['label'] = (rng.random(n) < 0.1).astype(int)
        frames.append(pd.DataFrame(cols))
    paths = []
    for f, side in zip(frames, ('ref', 'new')):
        p = Path(d) / ('%s_%s.csv' % (tag, side))
        f.to_csv(p, index=False, na_rep='', float_format='%.9g')
        paths.append(p)
    return paths


def delong_variance(p, y):
    """DeLong's variance of ROC-AUC from its definition (O(n_pos n_neg))."""
    x, z = p[y == 1], p[y == 0]
    psi = (x[:, None] > z[None, :]) + 0.5 * (x[:, None] == z[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    return psi.mean(), np.var(v10, ddof=1) / len(x) + np.var(v01, ddof=1) / len(z)


def model_thresholds(path):
    """The numeric split thresholds per feature name of a stratum gbdt model file."""
    names, types, cuts = [], [], {}
    for line in Path(path).read_text().splitlines():
        f = line.split()
        if f and f[0] == 'feature' and len(f) == 4:
            names.append(f[3])
            types.append(f[1])
        elif f and f[0] == 'node' and f[2] != 'cats' and types[int(f[1])] == 'numeric':
            cuts.setdefault(names[int(f[1])], set()).add(float(f[2]))
    return {k: np.array(sorted(v)) for k, v in cuts.items()}


def psi_edges(ref, new, edges, eps=1e-4):
    def shares(v):
        miss = np.isnan(v)
        c = np.bincount(np.searchsorted(edges, v[~miss], side='left'),
                        minlength=len(edges) + 1).astype(float)
        return np.append(c, miss.sum()) / len(v)
    s = 0.0
    for a, b in zip(shares(ref), shares(new)):
        if a == 0 and b == 0:
            continue
        a, b = a if a > 0 else eps, b if b > 0 else eps  # only an empty share
        s += (b - a) * math.log(b / a)
    return s


def model_checks(binary, d, thyroid):
    """A gbdt model trained on the first half of thyroid_sick, the second half as NEW:
    its bins, score PSI, predicted prevalence, importance and contribution shift against
    `stratum predict --contrib`, ROC-AUC against scikit-learn's definition and DeLong's
    unpaired test against a direct DeLong variance."""
    lines = Path(thyroid).read_text().splitlines(keepends=True)
    half = (len(lines) - 1) // 2
    ref, new = Path(d) / 't_ref.csv', Path(d) / 't_new.csv'
    ref.write_text(''.join(lines[:1 + half]))
    new.write_text(''.join(lines[:1] + lines[1 + half:]))
    model = Path(d) / 't.gbdt'
    subprocess.run([binary, 'train', 'gbdt', str(ref), '-o', str(model), '-q',
                    '--num-trees', '30'], check=True, capture_output=True)
    r = run(binary, [str(ref), str(new), '--model', str(model), '--format', 'json',
                     '--bootstrap', '0'])
    check("model runs", r.returncode == 0, r.stderr)
    if r.returncode != 0:
        return
    out = json.loads(r.stdout)
    pred = {}
    for tag, path in (('ref', ref), ('new', new)):
        o = Path(d) / ('t_pred_%s.csv' % tag)
        subprocess.run([binary, 'predict', str(model), str(path), '--contrib', '-o', str(o)],
                       check=True, capture_output=True)
        pred[tag] = pd.read_csv(o, float_precision='round_trip')
    m = out['model']
    pr, pn = pred['ref']['p'].to_numpy(), pred['new']['p'].to_numpy()
    check("model score psi", close(m['score_psi'], psi_here(pr, pn), 1e-12, 1e-15),
          "%r vs %r" % (m['score_psi'], psi_here(pr, pn)))
    check("model predicted prevalence", close(m['predicted_prevalence_reference'], pr.mean(), 1e-12)
          and close(m['predicted_prevalence_new'], pn.mean(), 1e-12))
    ds = {'ref': pd.read_csv(ref, na_values=['?']), 'new': pd.read_csv(new, na_values=['?'])}
    cuts = model_thresholds(model)
    n_model_bins = 0
    for c in out['columns']:
        name = c['name']
        ci = 'contrib_' + name
        imp = pred['ref'][ci].abs().mean()
        shift = pred['new'][ci].mean() - pred['ref'][ci].mean()
        check("model importance " + name, close(c['importance'], imp, 1e-9, 1e-12),
              "%r vs %r" % (c['importance'], imp))
        check("model shift " + name, close(c['contribution_shift'], shift, 1e-9, 1e-12),
              "%r vs %r" % (c['contribution_shift'], shift))
        if name in cuts and c['type'] == 'numeric':
            n_model_bins += 1
            x = ds['ref'][name].to_numpy(dtype=np.float32).astype(np.float64)
            y = ds['new'][name].to_numpy(dtype=np.float32).astype(np.float64)
            want = psi_edges(x, y, cuts[name])
            check("model bins psi " + name, c['model_bins'] and close(c['psi'], want, 1e-12, 1e-15),
                  "%r vs %r" % (c['psi'], want))
    check("model bins used", n_model_bins >= 3, str(n_model_bins))
    yr, yn = ds['ref']['label'].to_numpy(), ds['new']['label'].to_numpy()
    ar, vr = delong_variance(pr, yr)
    an, vn = delong_variance(pn, yn)
    check("model auc", close(m['reference']['roc_auc']['value'], ar, 1e-9) and
          close(m['new']['roc_auc']['value'], an, 1e-9))
    z = (an - ar) / math.sqrt(vr + vn)
    check("model delong z", close(m['auc_change_z'], z, 1e-6), "%r vs %r" % (m['auc_change_z'], z))
    check("model delong p", close(m['auc_change_pvalue'], math.erfc(abs(z) / math.sqrt(2)), 1e-6))
    # a model whose feature NEW lacks
    cut = Path(d) / 't_cut.csv'
    pd.read_csv(new, dtype=str, keep_default_na=False).drop(columns=['TSH']).to_csv(cut, index=False)
    r = run(binary, [str(ref), str(cut), '--model', str(model)], expect=1)
    check("model feature missing", r.stderr.strip() == "stratum: %s: no column 'TSH', which the "
          "model %s uses" % (cut, model), repr(r.stderr))


def time_checks(binary, d, diabetes):
    """--time-col: diabetes130's first 30,000 encounters given made-up months by their order
    (10,000 a month); every column of every later month against the first, from scratch."""
    lines = Path(diabetes).read_text().splitlines(keepends=True)[:30001]
    dated = Path(d) / 'dated.csv'
    dated.write_text('month,' + lines[0] + ''.join(
        '2008-%02d-01,%s' % (1 + (i // 10000), line) for i, line in enumerate(lines[1:])))
    r = run(binary, [str(dated), '--time-col', 'month', '--ignore', 'encounter_id,patient_nbr',
                     '--format', 'json'])
    check("time runs", r.returncode == 0, r.stderr)
    if r.returncode != 0:
        return
    out = json.loads(r.stdout)
    df = pd.read_csv(dated, dtype=str, keep_default_na=False)
    df = df.apply(lambda c: c.where(~c.isin({"", "?"})))
    ref = df.iloc[:10000]
    check("time periods", [p['period'] for p in out['periods']] == ['2008-02', '2008-03'] and
          out['reference_period'] == '2008-01' and out['reference_rows'] == 10000)
    for k, per in enumerate(out['periods']):
        new = df.iloc[10000 * (k + 1):10000 * (k + 2)]
        check("time rows " + per['period'], per['rows'] == len(new))
        for c in per['columns']:
            a, b = ref[c['name']], new[c['name']]
            if c['type'] == 'numeric':
                x = pd.to_numeric(a).to_numpy(dtype=np.float32).astype(np.float64)
                y = pd.to_numeric(b).to_numpy(dtype=np.float32).astype(np.float64)
                want = psi_here(x, y)
                ks = stats.ks_2samp(x[~np.isnan(x)], y[~np.isnan(y)])
                check("time %s %s ks" % (per['period'], c['name']),
                      close(c['ks_pvalue'], ks.pvalue, 1e-6, 1e-6))
            else:
                want = psi_levels(a, b)
            check("time %s %s psi" % (per['period'], c['name']), close(c['psi'], want, 1e-12, 1e-15),
                  "%r vs %r" % (c['psi'], want))
    bad = Path(d) / 'baddate.csv'
    bad.write_text("when,x\n2008-01-02,1\n2008-13-01,2\n")
    r = run(binary, [str(bad), '--time-col', 'when'], expect=1)
    check("time bad date", r.stderr.strip() == "stratum: %s: data row 2: '2008-13-01' in column "
          "'when' is not a date YYYY-MM-DD (or YYYY-MM)" % bad, repr(r.stderr))


def errors(binary, d):
    ref = Path(d) / 'e_ref.csv'
    ref.write_text("a,b,label\n1,x,0\n2,y,1\n3,x,0\n")
    cases = [
        ("a,label\n1,0\n", "e_missing.csv: no column 'b', which %s has: the two files must "
         "have the same columns" % ref),
        ("a,b,c,label\n1,x,5,0\n", "e_extra.csv: column 'c' is not in %s: the two files must "
         "have the same columns (leave it out with ignore)" % ref),
        ("a,b,label\nq,x,0\n", "e_type.csv: column 'a' is categorical (text), but numeric in "
         "%s (a value that is not a number makes a column categorical)" % ref),
        ("a,b,label\n", "e_empty.csv:1: no data rows after the header; expected at least one row"),
    ]
    for text, msg in cases:
        name = msg.split(':')[0]
        p = Path(d) / name
        p.write_text(text)
        r = run(binary, [str(ref), str(p)], expect=1)
        check("error " + name, r.returncode == 1 and r.stderr.strip() == "stratum: " + str(Path(d) / msg),
              repr(r.stderr))
    r = run(binary, [str(ref), str(ref), '--fail-on', 'psi>>1'], expect=2)
    check("--fail-on malformed is a usage error", r.returncode == 2 and "--fail-on 'psi>>1'" in r.stderr,
          r.stderr)
    r = run(binary, [str(ref), str(ref), '--fail-on', 'score-psi>0.1'], expect=2)
    check("--fail-on score-psi needs --model", r.returncode == 2 and "needs --model" in r.stderr,
          r.stderr)


def noise_line(binary, ref, new, tag):
    """The text output states the PSI two samples of one population average, (B - 1)
    (1/n_ref + 1/n_new) for B bins (the chi-square approximation; a simulation of 2,000
    normal splits of 455 and 114 rows gives 0.105 against its 0.099)."""
    j = json.loads(run(binary, [str(ref), str(new), '--format', 'json']).stdout)
    bins = max(c['n_bins'] for c in j['columns'] if c['type'] == 'numeric')
    n_ref = sum(1 for _ in open(ref)) - 1
    n_new = sum(1 for _ in open(new)) - 1
    noise = (bins - 1) * (1 / n_ref + 1 / n_new)
    text = run(binary, [str(ref), str(new)]).stdout
    want = ("PSI from sampling alone (no drift): about %.2g for a numeric column's %d bins at "
            "these row counts" % (noise, bins))
    check(tag + " states the PSI of sampling alone", want in text, text[:400])
    check(tag + " says whether the bands mean much",
          ("too few rows for the bands" in text) == (noise >= 0.05), text[:400])


def many_levels(binary, d):
    """Two random halves of one table with a code of hundreds of rare levels: its PSI passes
    the 0.25 band from sampling alone, and a line says so, with the chi-square p-value that
    tests it; a column that did drift gets no such line."""
    rng = np.random.default_rng(5)
    n = 5000
    codes = np.minimum(rng.zipf(1.3, n), 900)
    shift = np.where(np.arange(n) % 2 == 0, 0, rng.integers(0, 3, n))  # drifts in the 2nd half
    lines = ["code,shifted,label"] + ["C%04d,L%d,%d" % (c, s, i % 5 == 0)
                                      for i, (c, s) in enumerate(zip(codes, shift))]
    ref, new = Path(d) / 'lv_ref.csv', Path(d) / 'lv_new.csv'
    ref.write_text("\n".join(lines[:1] + lines[1::2]) + "\n")
    new.write_text("\n".join(lines[:1] + lines[2::2]) + "\n")
    j = json.loads(run(binary, [str(ref), str(new), '--format', 'json']).stdout)
    col = {c['name']: c for c in j['columns']}
    noise = (col['code']['n_bins'] - 1) * (1 / 2500 + 1 / 2500)
    text = run(binary, [str(ref), str(new)]).stdout
    check("many levels: PSI past 0.1 from sampling alone", 0.1 <= col['code']['psi'] < 2 * noise,
          str(col['code']['psi']))
    check("many levels: the line says the band is no evidence",
          "code: its PSI %.3g is within what sampling alone gives its %d bins" %
          (col['code']['psi'], col['code']['n_bins']) in text, text[:1200])
    check("a drifted column gets no such line", "shifted: its PSI" not in text, text[:1200])


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        pairs = {}
        for tag, nr, nn, seed in (('large', 15000, 12000, 1), ('unbalanced', 30000, 10100, 2),
                                  ('small', 300, 200, 3), ('tiny', 40, 25, 4)):
            pairs[tag] = write_pair(d, tag, nr, nn, seed)
            compare_files(binary, *pairs[tag], tag)
        noise_line(binary, *pairs['tiny'], 'tiny')
        noise_line(binary, *pairs['large'], 'large')
        ref, new = pairs['large']
        r = run(binary, [str(ref), str(new), '--fail-on', 'psi>0.25'], expect=3)
        check("--fail-on psi>0.25 exits 3", r.returncode == 3 and
              "psi>0.25 holds for column 'x7'" in r.stderr, r.stderr)
        r = run(binary, [str(ref), str(new), '--fail-on', 'psi > 5, ks-p<0'], expect=0)
        check("--fail-on that does not hold exits 0", r.returncode == 0, r.stderr)
        errors(binary, d)
        many_levels(binary, d)
        if len(sys.argv) > 3:
            model_checks(binary, d, sys.argv[3])
        if len(sys.argv) > 2:
            time_checks(binary, d, sys.argv[2])
        if len(sys.argv) > 2:
            lines = Path(sys.argv[2]).read_text().splitlines(keepends=True)
            half = (len(lines) - 1) // 2
            early, late = Path(d) / 'early.csv', Path(d) / 'late.csv'
            early.write_text(''.join(lines[:1 + half]))
            late.write_text(''.join(lines[:1] + lines[1 + half:]))
            compare_files(binary, early, late, 'diabetes130',
                          ['--ignore', 'encounter_id,patient_nbr'])
    print("%d passed, %d failed" % (PASSED, FAILED))
    sys.exit(1 if FAILED else 0)


if __name__ == '__main__':
    main()
