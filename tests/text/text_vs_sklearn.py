#!/usr/bin/python3
"""The text featurizer (include/stratum/text.h) against scikit-learn 1.2's TfidfVectorizer,
HashingVectorizer and TfidfTransformer on shared settings: each row's terms, the columns
(vocabulary or buckets) and their IDF, and every value of the tf-idf matrix, to 1e-6.

Shared settings: stratum's words are runs of Unicode letters and digits, lower-cased by the
simple mapping, which is token_pattern r"[^\\W_]+" (Python's \\w minus '_' is str.isalnum(),
the general categories L and N) after a preprocessor doing str.lower(), with the two
documented exceptions applied first (U+0130 -> "i", capital sigma -> small sigma).

usage: text_vs_sklearn.py TEXT_DUMP HOSTILE_CSV [MEDICAL_ABSTRACTS_CSV]
(the abstracts take about 40 s: ctest runs them as text_vs_sklearn_abstracts, label long)"""
import csv
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import (HashingVectorizer, TfidfTransformer,
                                             TfidfVectorizer)

NA = {"", "NA", "N/A", "n/a", "NaN", "nan", "-nan", "NULL", "null", "None", "?", "#N/A",
      "<NA>"}
PATTERN = r"[^\W_]+"
FAILED = []


def pre(s):
    return s.replace('\u0130', 'i').replace('\u03a3', '\u03c3').lower()


def read_texts(path, col):
    with open(path, newline='', encoding='utf-8') as f:
        return ['' if r[col] in NA else r[col] for r in csv.DictReader(f)]


def run_dump(dump, path, col, args):
    out = subprocess.run([dump, path, '--col', col] + args, check=True, capture_output=True,
                         text=True).stdout
    terms, names, idf, entries = {}, [], [], []
    for line in out.split('\n'):
        if not line:
            continue
        kind, rest = line.split(' ', 1)
        parts = rest.split('\t')
        if kind == 'terms':
            terms[int(parts[0])] = parts[1:]
        elif kind == 'column':
            names.append(parts[0])
            idf.append(float(parts[1]))
        else:
            entries.append((int(parts[0]), int(parts[1]), float(parts[2])))
    return terms, names, np.array(idf), entries


def check(what, ok, detail=''):
    if not ok:
        FAILED.append(what)
        print('FAIL %s %s' % (what, detail))


def matrix(entries, n_rows, n_cols):
    if not entries:
        return sp.csr_matrix((n_rows, n_cols))
    r, c, v = zip(*entries)
    return sp.csr_matrix((v, (r, c)), shape=(n_rows, n_cols))


def close(a, b, rel):
    """Largest |a - b| and whether every one is within 1e-6 (relative to max(1, |b|) with
    rel, for values that are not normalised)."""
    d = abs(a - b).tocoo()
    if d.nnz == 0:
        return 0.0, True
    scale = np.maximum(1.0, np.asarray(abs(b.tocsr()[d.row, d.col])).ravel()) if rel else 1.0
    return d.data.max(), bool((d.data <= 1e-6 * scale).all())


def vocab_case(dump, path, col, ngram, min_df, tfidf, sublinear, stop, norm, fit_rows,
               save):
    texts = read_texts(path, col)
    fit = texts[:fit_rows] if fit_rows else texts
    args = ['--ngrams', str(ngram[0]), str(ngram[1]), '--min-df', str(min_df), '--terms']
    args += ['--tfidf'] * tfidf + ['--sublinear'] * sublinear + ['--stop-words'] * stop
    args += ['--no-norm'] * (not norm) + (['--fit-rows', str(fit_rows)] if fit_rows else [])
    args += ['--save', save] if save else []
    terms, names, idf, entries = run_dump(dump, path, col, args)
    vec = TfidfVectorizer(preprocessor=pre, token_pattern=PATTERN, ngram_range=ngram,
                          min_df=min_df, use_idf=bool(tfidf), sublinear_tf=bool(sublinear),
                          smooth_idf=True, norm='l2' if norm else None,
                          stop_words='english' if stop else None, dtype=np.float64)
    vec.fit(fit)
    tag = '%s ngram=%s min_df=%d tfidf=%d sublinear=%d stop=%d norm=%d fit_rows=%s' % (
        os.path.basename(path), ngram, min_df, tfidf, sublinear, stop, norm, fit_rows)
    analyze = vec.build_analyzer()
    bad = [i for i, t in enumerate(texts) if analyze(t) != terms.get(i)]
    check('terms ' + tag, not bad, 'first differing row %s: %r vs %r' % (
        bad[0], analyze(texts[bad[0]]), terms.get(bad[0])) if bad else '')
    want = [col + ':' + t for t in vec.get_feature_names_out()]
    check('vocabulary ' + tag, names == want,
          '%d vs %d terms; first difference %s' % (len(names), len(want), next(
              ((a, b) for a, b in zip(names, want) if a != b), None)))
    if names != want:
        return
    if tfidf:
        check('idf ' + tag, np.allclose(idf, vec.idf_, rtol=0, atol=1e-12),
              'max diff %g' % abs(idf - vec.idf_).max())
    X = vec.transform(texts).tocsr()
    mine = matrix(entries, len(texts), len(names))
    worst, ok = close(mine, X, not norm)
    check('matrix ' + tag, ok and mine.nnz == X.nnz - (X.data == 0).sum(),
          'max diff %g, nnz %d vs %d' % (worst, mine.nnz, X.nnz))
    print('ok' if not FAILED else '..', tag, '%d columns, %d entries, max diff %.2g' % (
        len(names), mine.nnz, worst))


def hash_case(dump, path, col, bits, ngram, tfidf):
    texts = read_texts(path, col)
    args = ['--ngrams', str(ngram[0]), str(ngram[1]), '--hash-bits', str(bits)]
    args += ['--tfidf'] * tfidf
    _, names, idf, entries = run_dump(dump, path, col, args)
    n = 2 ** bits
    hv = HashingVectorizer(preprocessor=pre, token_pattern=PATTERN, ngram_range=ngram,
                           n_features=n, alternate_sign=True, norm=None if tfidf else 'l2')
    X = hv.transform(texts).tocsr()
    tag = '%s hash_bits=%d ngram=%s tfidf=%d' % (os.path.basename(path), bits, ngram, tfidf)
    X.sum_duplicates()
    reached = sorted(set(X.indices))  # with buckets whose terms cancelled (explicit zeros)
    if tfidf:
        tt = TfidfTransformer(smooth_idf=True, sublinear_tf=False, norm='l2').fit(X)
        X = tt.transform(X).tocsr()
    buckets = [int(s.split(':#')[1]) for s in names]
    check('buckets ' + tag, buckets == reached, '%d vs %d' % (len(buckets), len(reached)))
    if buckets != reached:
        return
    if tfidf:
        check('hash idf ' + tag, np.allclose(idf, tt.idf_[buckets], rtol=0, atol=1e-12))
    mine = matrix([(r, buckets[c], v) for r, c, v in entries], len(texts), n)
    worst, ok = close(mine, X, False)
    check('hash matrix ' + tag, ok, 'max diff %g' % worst)
    print('ok' if not FAILED else '..', tag, '%d buckets, max diff %.2g' % (len(buckets), worst))


def main():
    dump, hostile = sys.argv[1:3]
    medical = sys.argv[3] if len(sys.argv) > 3 else None
    with tempfile.TemporaryDirectory() as tmp:
        save = os.path.join(tmp, 'f.txt')
        for ngram in [(1, 1), (1, 2), (2, 3)]:
            for stop in (0, 1):
                vocab_case(dump, hostile, 'text', ngram, 1, 1, stop, stop, 1, 0, None)
        vocab_case(dump, hostile, 'text', (1, 2), 2, 0, 0, 0, 0, 0, save)
        vocab_case(dump, hostile, 'text', (1, 1), 1, 1, 1, 0, 1, 8, None)
        hash_case(dump, hostile, 'text', 6, (1, 2), 0)
        hash_case(dump, hostile, 'text', 18, (1, 1), 1)
        if medical:
            vocab_case(dump, medical, 'abstract', (1, 2), 2, 1, 1, 0, 1, 0, save)
            vocab_case(dump, medical, 'abstract', (1, 1), 1, 1, 0, 1, 0, 2000, None)
            vocab_case(dump, medical, 'abstract', (1, 3), 3, 0, 1, 0, 1, 0, None)
            hash_case(dump, medical, 'abstract', 12, (1, 2), 0)
            hash_case(dump, medical, 'abstract', 20, (1, 2), 1)
    if FAILED:
        print('%d checks failed' % len(FAILED))
        sys.exit(1)
    print('all checks passed')


main()
