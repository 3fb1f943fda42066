#!/usr/bin/python3
"""stratum-gen notes (tools/gen_notes.c): seeded, streamed, and its planted signal is there
and learnable.

- The same seed gives the same bytes, another seed other bytes.
- 20,000 notes of 200 words (25 MB) are written within a 24 MB address-space limit (not
  checked in the sanitizer build, whose shadow memory takes more).
- Every note has exactly --words words; the columns are id, age, lab1..labK, note, label;
  the positive rate is near the one asked for.
- The planted signal, read back from the text by this script (the findings the generator's
  comment lists, a mention counting only when no negation cue is right before it: "no",
  "denies", "negative for", "without"), with the stated effects of age and lab1, ranks the
  labels with ROC-AUC above 0.85: the notes say what the generator says they say.
- stratum cv logreg --text-col note on 2,000 notes learns it: ROC-AUC at least 0.75, and
  at least 0.15 above the same cv without the text.
- Usage errors name the option.

usage: gen_notes_check.py STRATUM STRATUM_GEN WORKDIR"""
import os
import re
import resource
import subprocess
import sys

import pandas as pd
from sklearn.metrics import roc_auc_score

FINDINGS = {'chest pain': 2.4, 'shortness of breath': 1.6, 'troponin elevated': 3.0,
            'st elevation': 2.8, 'diaphoresis': 1.4, 'syncope': 1.2, 'hypotension': 1.8,
            'tachycardia': 1.0, 'sepsis': 2.2, 'lactate elevated': 2.0,
            'ambulating independently': -1.6, 'tolerating diet': -1.2, 'afebrile': -1.0,
            'vital signs stable': -1.4, 'discharged home': -1.8, 'pain controlled': -0.8}
NEGATED = re.compile(r'(?:\bno|\bdenies|\bnegative for|\bwithout) $')


def gen(stratum_gen, path, *args, limit=None):
    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    subprocess.run([stratum_gen, 'notes', *args, '-o', path], check=True,
                   preexec_fn=limited if limit else None)
    with open(path, 'rb') as f:
        return f.read()


def planted_score(row, n_labs):
    note = row.note.lower()
    score = 0.02 * (row.age - 55) + (0.4 * row.lab1 if n_labs else 0.0)
    for phrase, effect in FINDINGS.items():
        for m in re.finditer(r'\b' + phrase + r'\b', note):
            if not NEGATED.search(note[:m.start()]):
                score += effect
                break
    return score


def cv_auc(stratum, path, *args):
    out = subprocess.run([stratum, 'cv', 'logreg', path, *args, '-q', '--format', 'csv'],
                         check=True, capture_output=True, text=True).stdout
    return float(next(l for l in out.splitlines() if l.startswith('roc_auc,')).split(',')[1])


def main():
    stratum, stratum_gen, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    a, b, c = (os.path.join(work, n) for n in ('a.csv', 'b.csv', 'c.csv'))

    with open(stratum_gen, 'rb') as f:  # AddressSanitizer reserves terabytes of shadow
        sanitized = b'__asan_init' in f.read()
    big = gen(stratum_gen, c, '--rows', '20000', '--words', '200', '--seed', '1',
              limit=None if sanitized else 24 << 20)
    assert len(big) > 20000 * 200 * 4, len(big)
    os.remove(c)

    same1 = gen(stratum_gen, a, '--rows', '2000', '--seed', '7', '--numeric', '1')
    other = gen(stratum_gen, b, '--rows', '2000', '--seed', '8', '--numeric', '1')
    same2 = gen(stratum_gen, b, '--rows', '2000', '--seed', '7', '--numeric', '1')
    assert same1 == same2, 'same seed, other bytes'
    assert same1 != other, 'other seed, same bytes'

    d = pd.read_csv(a)
    assert list(d.columns) == ['id', 'age', 'lab1', 'note', 'label'], list(d.columns)
    assert len(d) == 2000 and list(d.id) == list(range(1, 2001))
    words = d.note.str.split().str.len()
    assert (words == 60).all(), words.describe()
    assert 0.16 <= d.label.mean() <= 0.24, d.label.mean()

    oracle = roc_auc_score(d.label, d.apply(planted_score, axis=1, n_labs=1))
    with_text = cv_auc(stratum, a, '--ignore', 'id', '--text-col', 'note', '--ngrams', '1-2')
    without = cv_auc(stratum, a, '--ignore', 'id,note')
    print(f'ROC-AUC: planted score {oracle:.4f}, stratum cv with the text {with_text:.4f}, '
          f'without {without:.4f}')
    assert oracle > 0.85, oracle
    assert with_text >= 0.75 and with_text >= without + 0.15, (with_text, without)

    for args, message in [
            (['--format', 'libsvm'], 'the notes data set is written as CSV only'),
            (['--words', '0'], '--words 0: a note has at least 1 word'),
            (['--numeric', '101'], '--numeric 101: at most 100')]:
        r = subprocess.run([stratum_gen, 'notes', '--rows', '5', *args], capture_output=True,
                           text=True)
        assert r.returncode == 2 and r.stderr == f'stratum-gen: {message} (see stratum-gen ' \
            '--help)\n', (args, r.returncode, r.stderr)
    r = subprocess.run([stratum_gen, 'sparse', '--rows', '5', '--words', '3'],
                       capture_output=True, text=True)
    assert r.returncode == 2 and '--words and --numeric are for the notes data set' in r.stderr
    print('ok')


if __name__ == '__main__':
    main()
