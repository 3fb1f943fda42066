#!/usr/bin/python3
"""stratum drift --model with a text model, against independent computations: the words of
the notes by Python's regular expressions (scikit-learn's token_pattern r"[^\\W_]+"), the
model's vocabulary by scikit-learn's CountVectorizer(min_df=2), the 2 x 2 test by
scipy.stats.chi2_contingency, KS by scipy.stats.ks_2samp, PSI from its definition.

Planted: NEW's notes mention 'sepsis' twice as often as REFERENCE's (about 20% -> 40%),
100 of them are empty, and some use a word REFERENCE never has ('covid'). The model
(logistic regression on the words) learns that 'sepsis' raises the risk, so 'sepsis' must
come first among the terms that move the scores, with its counts, PSI and chi-square as
the oracles give them. An unchanged copy must show no drift; a NEW file without the text
column a clear error; the text column's name is escaped in the HTML report.

usage: text_drift_vs_scipy.py STRATUM"""
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile

import numpy as np
from scipy.stats import chi2_contingency, ks_2samp
from sklearn.feature_extraction.text import CountVectorizer

COL = 'note<&>'  # a name the HTML report must escape
FILLER = ('patient seen today reports pain stable vitals reviewed plan continue medication '
          'follow up in clinic no acute distress history of hypertension diabetes').split()


def notes(rng, n, p_sepsis, n_empty, p_covid):
    rows = []
    for i in range(n):
        sepsis = rng.random() < p_sepsis
        words = [rng.choice(FILLER) for _ in range(rng.randint(5, 40))]
        if sepsis:
            words.insert(rng.randint(0, len(words)), 'Sepsis')
        if rng.random() < p_covid:
            words.insert(rng.randint(0, len(words)), 'covid')
        text = ' '.join(words) + '.'
        risk = -1.5 + (2.5 if sepsis else 0)
        label = int(rng.random() < 1 / (1 + math.exp(-risk)))
        rows.append(('' if i < n_empty else text, label))
    return rows


def write(path, rows, with_text=True):
    with open(path, 'w') as f:
        f.write(('id,"%s",label\n' % COL) if with_text else 'id,label\n')
        for i, (text, label) in enumerate(rows):
            f.write('%d,"%s",%d\n' % (i, text, label) if with_text else '%d,%d\n' % (i, label))


def words(text):
    return re.findall(r'[^\W_]+', text.lower())


def psi(p, q, eps=1e-4):
    p, q = np.where(p > 0, p, eps), np.where(q > 0, q, eps)  # only an empty share
    return float(np.sum((q - p) * np.log(q / p)))


def decile_psi(ref, new, bins=10):
    """stratum/drift.h: edges at sorted positions floor(k (n - 1) / bins), duplicates
    dropped, bin i holds e_{i-1} < v <= e_i."""
    s = np.sort(ref)
    edges = np.unique([s[(k * (len(s) - 1)) // bins] for k in range(1, bins)])
    count = lambda v: np.bincount(np.searchsorted(edges, v, side='left'),
                                  minlength=len(edges) + 1)
    return psi(count(ref) / len(ref), count(new) / len(new))


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def main():
    stratum = sys.argv[1]
    rng = random.Random(16)
    ref, new = notes(rng, 1500, 0.2, 0, 0.0), notes(rng, 1500, 0.4, 100, 0.1)
    d = tempfile.mkdtemp()
    p_ref, p_new, p_gone = (os.path.join(d, x) for x in ('ref.csv', 'new.csv', 'gone.csv'))
    write(p_ref, ref), write(p_new, new), write(p_gone, new, with_text=False)
    model = os.path.join(d, 'lr.model')
    run([stratum, 'train', 'logreg', p_ref, '--ignore', 'id', '--text-col', COL, '-q', '-o',
         model], check=True)
    report = os.path.join(d, 'drift.html')
    out = run([stratum, 'drift', p_ref, p_new, '--ignore', 'id', '--model', model,
               '--bootstrap', '0', '--contrib-rows', '0', '--terms', '5', '--format', 'json',
               '--report', report], check=True).stdout
    t = json.loads(out)['text'][0]
    assert t['column'] == COL, t['column']

    # the texts as a whole
    wr = np.array([len(words(x)) for x, _ in ref], float)
    wn = np.array([len(words(x)) for x, _ in new], float)
    assert abs(t['words_mean_reference'] - wr.mean()) < 1e-9
    assert abs(t['words_mean_new'] - wn.mean()) < 1e-9
    ks = ks_2samp(wr, wn)
    assert abs(t['words_ks_statistic'] - ks.statistic) < 1e-9, (t, ks)
    assert abs(t['words_ks_pvalue'] - ks.pvalue) < 1e-6, (t, ks)
    assert abs(t['words_psi'] - decile_psi(wr, wn)) < 1e-9, (t['words_psi'], decile_psi(wr, wn))
    assert t['empty_reference'] == 0 and abs(t['empty_new'] - 100 / 1500) < 1e-12
    # out of vocabulary: the words of NEW without a column in the model (its defaults:
    # words only, min-df 2 on REFERENCE's texts)
    vocab = CountVectorizer(token_pattern=r'[^\W_]+', min_df=2).fit([x for x, _ in ref])
    all_new = [w for x, _ in new for w in words(x)]
    unseen = sum(w not in vocab.vocabulary_ for w in all_new) / len(all_new)
    assert abs(t['unseen_new'] - unseen) < 1e-12 and unseen > 0.002, (t['unseen_new'], unseen)
    assert t['unseen_reference'] == 0, t['unseen_reference']

    # the planted term: first, its counts and tests as the oracles give them
    top = t['terms'][0]
    assert top['term'] == COL + ':sepsis', t['terms']
    a = sum('sepsis' in words(x) for x, _ in ref)
    b = sum('sepsis' in words(x) for x, _ in new)
    assert (top['texts_reference'], top['texts_new']) == (a, b), (top, a, b)
    assert b > 1.6 * a
    chi2, p, _, _ = chi2_contingency([[a, 1500 - a], [b, 1500 - b]])
    assert abs(top['chi2'] - chi2) < 1e-9 * chi2 and abs(top['chi2_pvalue'] - p) < 1e-9 * p + 1e-300
    expect = psi(np.array([a, 1500 - a]) / 1500, np.array([b, 1500 - b]) / 1500)
    assert abs(top['psi'] - expect) < 1e-12 and top['psi'] > 0.1, (top, expect)
    assert top['contribution_shift'] > 0 and top['importance'] > 0, top

    # the report: the text column's name escaped, the planted term named
    html = open(report).read()
    assert 'note&lt;&amp;&gt;:sepsis' in html and COL not in html

    # an unchanged copy: no drift anywhere in the text
    same = json.loads(run([stratum, 'drift', p_ref, p_ref, '--ignore', 'id', '--model', model,
                           '--bootstrap', '0', '--format', 'json'], check=True).stdout)['text'][0]
    assert same['words_psi'] == 0 and same['words_ks_statistic'] == 0
    assert same['contribution_shift'] == 0 and same['empty_new'] == same['empty_reference']
    for term in same['terms']:
        assert term['psi'] == 0 and term['contribution_shift'] == 0, term
        assert term['texts_reference'] == term['texts_new']
        assert term['chi2_pvalue'] == 1, term

    # the header says what was compared: no ordinary column, one text column
    head = run([stratum, 'drift', p_ref, p_new, '--ignore', 'id', '--model', model,
                '--bootstrap', '0', '--contrib-rows', '0'], check=True).stdout.splitlines()[0]
    want = 'Drift of %s (NEW, %d rows) against %s (REFERENCE, %d rows), 0 ordinary columns, ' \
           '1 text column' % (p_new, len(new), p_ref, len(ref))
    assert head == want, (head, want)

    # NEW without the text column: one clear line, exit code 1
    r = run([stratum, 'drift', p_ref, p_gone, '--ignore', 'id', '--model', model])
    assert r.returncode == 1 and r.stdout == '', r
    want = "stratum: %s: no text column '%s', which the model %s reads its text from\n" % (
        p_gone, COL, model)
    assert r.stderr == want, r.stderr

    # boosted trees on hashed terms: the term is named by its words, not '#bucket'
    gb = os.path.join(d, 'gb.model')
    run([stratum, 'train', 'gbdt', p_ref, '--ignore', 'id', '--text-col', COL, '--hash-bits',
         '10', '--num-trees', '20', '-q', '-o', gb], check=True)
    g = json.loads(run([stratum, 'drift', p_ref, p_new, '--ignore', 'id', '--model', gb,
                        '--bootstrap', '0', '--terms', '3', '--format', 'json'],
                       check=True).stdout)['text'][0]
    first = g['terms'][0]['term']
    assert first.startswith(COL + ':') and 'sepsis' in first.split(':', 1)[1].split(' | '), g
    assert '#' not in first
    print('drift on text: sepsis in %d -> %d texts, PSI %.4f, chi2 p %.3g; words KS p %.3g; '
          'out of vocabulary %.4f; gbdt first term %s' % (a, b, top['psi'], top['chi2_pvalue'],
                                                         t['words_ks_pvalue'], unseen, first))


if __name__ == '__main__':
    main()
