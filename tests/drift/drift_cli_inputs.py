#!/usr/bin/python3
"""`stratum drift` on the inputs monitoring meets: the review's cases (rv6), each against an
oracle computed here with pandas or against the same comparison on a file without the
quirk.

Usage: drift_cli_inputs.py STRATUM_BINARY

- NEW whose last rows have no outcome yet (blank label cells): the run succeeds, a note
  says so, and every column's numbers equal those of the same NEW with the labels filled
  in (every row compared; none dropped); the NEW prevalence is null, and the text shows
  '-' (never 'nan'); with --model the NEW metrics are null.
- --fail-on auc-drop / auc-p: a usage error (2) without --model, and with --model but NEW
  unlabelled a failure (1) naming the rule that cannot be checked (it used to exit 0).
- a categorical column blank in every NEW row: compared (exit 0), missing 1 in NEW, its
  PSI the one computed here from the level shares (only empty shares taken as 1e-4).
- --format csv / markdown: a column of 3,000 new levels lists every one, as JSON does;
  markdown escapes '|' in names and levels, so every row has the header's cells.
- numbers above 2^24 (epoch seconds) are warned about, as `stratum info` does.
- HTML reports with long column names: chart titles keep their PSI and band inside the
  chart, bar labels (drift's and explain's) start inside the picture, measured with the
  report's font (DejaVu Sans) through PIL.
Prints one line per failed check and "N passed, M failed"; exits 1 on failure."""
import html as htmlmod
import io
import json
import math
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

PASSED = 0
FAILED = 0


def check(name, ok, detail=""):
    global PASSED, FAILED
    if ok:
        PASSED += 1
    else:
        FAILED += 1
        print("FAIL %s %s" % (name, detail))


def drift(binary, *args):
    return subprocess.run([binary, 'drift', '--threads', '1', *map(str, args)],
                          capture_output=True, text=True, errors='replace')


def psi_levels(a, b, eps=1e-4):
    """PSI over the union of levels and a missing bin; only an empty share becomes eps."""
    keys = sorted(set(a.dropna()) | set(b.dropna()))
    p = [(a == k).mean() for k in keys] + [a.isna().mean()]
    q = [(b == k).mean() for k in keys] + [b.isna().mean()]
    s = 0.0
    for x, y in zip(p, q):
        if x == 0 and y == 0:
            continue
        x, y = x if x > 0 else eps, y if y > 0 else eps
        s += (y - x) * math.log(y / x)
    return s


def table(rng, n, shift):
    return pd.DataFrame({
        'age': np.round(rng.normal(50 + 5 * shift, 10, n), 1),
        'dose': np.round(rng.gamma(2 + shift, 1, n), 2),
        'unit': rng.choice(['mg', 'g', 'ml'], n, p=[0.5, 0.3, 0.2]),
        'payer': rng.choice(['MC', 'HM', 'SP'], n, p=[0.6 - 0.1 * shift, 0.3, 0.1 + 0.1 * shift]),
        'label': (rng.random(n) < 0.15 + 0.05 * shift).astype(int)})


def pending_labels(binary, d, ref, new):
    """NEW's last 400 of 1000 labels blank."""
    df = pd.read_csv(new)
    pend = df.astype(object)
    pend.loc[600:, 'label'] = ''
    pending = d / 'pending.csv'
    pend.to_csv(pending, index=False)
    full = json.loads(drift(binary, ref, new, '--format', 'json').stdout)
    r = drift(binary, ref, pending, '--format', 'json')
    check("pending labels: runs", r.returncode == 0, r.stderr)
    if r.returncode != 0:
        return pending
    out = json.loads(r.stdout)
    check("pending labels: note", "400 of its 1000 rows have no label" in r.stderr, r.stderr)
    check("pending labels: every row compared", out['n_new'] == 1000, str(out['n_new']))
    check("pending labels: prevalence null", out['prevalence_new'] is None and
          out['prevalence_reference'] is not None)
    for a, b in zip(full['columns'], out['columns']):
        same = a == b
        check("pending labels: column %s as with every label" % a['name'], same,
              "%r vs %r" % (a, b))
    text = drift(binary, ref, pending).stdout
    line = [s for s in text.splitlines() if s.startswith('label prevalence')]
    check("pending labels: text prevalence '-'", len(line) == 1 and 'nan' not in line[0] and
          line[0].endswith('- in NEW (unlabelled)'), repr(line))
    r = drift(binary, ref, pending, '--skip-missing-labels', '--format', 'json')
    check("--skip-missing-labels still drops them", r.returncode == 0 and
          json.loads(r.stdout)['n_new'] == 600, r.stderr)
    return pending


def fail_on_auc(binary, d, ref, new, pending):
    for rule in ('auc-drop>0.01', 'auc-p<0.05'):
        r = drift(binary, ref, new, '--fail-on', rule)
        check("--fail-on %s without --model: usage error" % rule, r.returncode == 2 and
              "needs --model" in r.stderr, "%d %s" % (r.returncode, r.stderr))
    model = d / 'm.gbdt'
    subprocess.run([binary, 'train', 'gbdt', str(ref), '-o', str(model), '-q', '--num-trees',
                    '5', '--threads', '1'], check=True, capture_output=True)
    r = drift(binary, ref, pending, '--model', model, '--bootstrap', '0', '--fail-on',
              'auc-drop>0.01', '--format', 'json')
    check("--fail-on auc-drop, NEW unlabelled: exit 1", r.returncode == 1, str(r.returncode))
    check("--fail-on auc-drop, NEW unlabelled: says why",
          "--fail-on auc-drop>0.01 cannot be checked: NEW has no labels" in r.stderr, r.stderr)
    check("--fail-on auc-drop, NEW unlabelled: report written",
          json.loads(r.stdout)['model']['new'] is None if r.stdout else False)
    r = drift(binary, ref, new, '--model', model, '--bootstrap', '0', '--fail-on', 'auc-drop>-1')
    check("--fail-on auc-drop, both labelled: holds", r.returncode == 3, r.stderr)


def blank_categorical(binary, d, ref, new):
    df = pd.read_csv(new)
    df['payer'] = ''
    blank = d / 'blank_payer.csv'
    df.to_csv(blank, index=False)
    r = drift(binary, ref, blank, '--format', 'json')
    check("blank categorical column: runs", r.returncode == 0, r.stderr)
    if r.returncode != 0:
        return
    c = {c['name']: c for c in json.loads(r.stdout)['columns']}['payer']
    a = pd.read_csv(ref, dtype=str, keep_default_na=False)['payer'].replace('', np.nan)
    b = pd.Series([np.nan] * len(df), dtype=object)
    want = psi_levels(a, b)
    check("blank categorical column: categorical, all missing", c['type'] == 'categorical' and
          c['missing_new'] == 1 and c['chi2_pvalue'] is None, repr(c))
    check("blank categorical column: PSI", abs(c['psi'] - want) <= 1e-12 * want,
          "%r vs %r" % (c['psi'], want))
    text = drift(binary, ref, blank).stdout
    check("blank categorical column: a note", "payer: no value in NEW (every row missing" in text,
          text)


def many_levels(binary, d):
    """3,000 new levels of 12-byte texts: far past the old 1,023-byte field."""
    ref, new = d / 'lv_ref.csv', d / 'lv_new.csv'
    ref.write_text("code,x\n" + "".join("OLD%d,%d\n" % (k % 7, k) for k in range(200)))
    new.write_text("code,x\n" + "".join("ICD10_%05d,%d\n" % (k, k) for k in range(3000)))
    want = {"ICD10_%05d" % k: 1 for k in range(3000)}
    out = json.loads(drift(binary, ref, new, '--format', 'json').stdout)
    col = {c['name']: c for c in out['columns']}['code']
    check("new levels: JSON lists all", {lv['level']: lv['count'] for lv in col['new_levels']}
          == want)
    csv = pd.read_csv(io.StringIO(drift(binary, ref, new, '--format', 'csv').stdout),
                      keep_default_na=False)
    field = csv.set_index('column').loc['code', 'new_levels']
    entries = [e.rsplit(':', 1) for e in field.split(';')]
    got = {e[0]: int(e[1]) if len(e) == 2 and e[1].isdigit() else None for e in entries}
    check("new levels: CSV lists all", got == want, "%d entries, ends %r" % (len(got), field[-30:]))
    md = drift(binary, ref, new, '--format', 'markdown').stdout
    row = [s for s in md.splitlines() if s.startswith('| code ')]
    check("new levels: markdown lists all", len(row) == 1 and
          all(("%s:1" % t) in row[0] for t in want))


def markdown_pipes(binary, d):
    ref, new = d / 'md_ref.csv', d / 'md_new.csv'
    ref.write_text('"a|b",unit\n1,mg/dL\n2,mmol/L\n')
    new.write_text('"a|b",unit\n1,mg/dL\n3,umol|L\n')
    md = drift(binary, ref, new, '--format', 'markdown').stdout.splitlines()

    def cells(line):  # split on '|' not escaped
        return len(line.replace('\\|', '').split('|'))
    check("markdown: '|' escaped", len(md) == 4 and len({cells(s) for s in md}) == 1 and
          any('umol\\|L:1' in s for s in md) and any(s.startswith('| a\\|b ') for s in md),
          "\n".join(md))


def lossy_numbers(binary, d):
    ref, new = d / 'ep_ref.csv', d / 'ep_new.csv'
    rng = np.random.default_rng(3)
    for p, shift in ((ref, 0), (new, 60)):
        t = 1_700_000_000 + rng.integers(0, 600, 500) + shift
        pd.DataFrame({'adm_epoch': t}).to_csv(p, index=False)
    r = drift(binary, ref, new)
    check("numbers above 2^24 warned", r.returncode == 0 and
          "whole numbers above 16,777,216 are stored rounded" in r.stderr, r.stderr)


def svg_texts(html, cls):
    """(x, anchor, text) of each SVG <text class=cls> in html, entities decoded."""
    out = []
    for m in re.finditer(r'<text class="%s" x="([0-9.]+)"([^>]*)>(.*?)</text>' % cls, html):
        anchor = re.search(r'text-anchor="(\w+)"', m.group(2))
        out.append((float(m.group(1)), anchor.group(1) if anchor else 'start',
                    htmlmod.unescape(m.group(3))))
    return out


def long_names(binary, d):
    """rv7 #8: long column names. Measured with the report's own first font (DejaVu Sans,
    PIL's FreeType metrics): every chart title stays inside its 492-unit chart with its PSI
    and band, and every bar label's start stays inside the picture (anchored at its end),
    in drift's report and in explain's row charts (the same bar chart)."""
    try:
        from PIL import ImageFont
        regular = ImageFont.truetype('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', 12)
        bold = ImageFont.truetype('/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf', 15)
    except (ImportError, OSError) as e:
        print("skipped: long names (no DejaVu Sans / PIL: %s)" % e)
        return
    names = ['serum_thyroid_stimulating_hormone_concentration_at_admission',
             'WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW',
             'Körpertemperatur_gemessen_bei_der_Aufnahme_in_Grad_Celsius',
             '血清甲状腺刺激ホルモン濃度入院時の測定値です']
    rng = np.random.default_rng(2)
    ref, new = d / 'ln_ref.csv', d / 'ln_new.csv'
    for p, shift in ((ref, 0), (new, 1)):
        df = pd.DataFrame({n: np.round(rng.normal(shift * (k + 1), 1, 400), 2)
                           for k, n in enumerate(names)})
        df['label'] = (rng.random(400) < 1 / (1 + np.exp(-df[names[0]]))).astype(int)
        df.to_csv(p, index=False)
    model, html_path = d / 'ln.gbdt', d / 'ln_drift.html'
    subprocess.run([binary, 'train', 'gbdt', str(ref), '-o', str(model), '-q', '--num-trees',
                    '5', '--threads', '1'], check=True, capture_output=True)
    r = drift(binary, ref, new, '--model', model, '--bootstrap', '0', '--report', html_path)
    check("long names: report written", r.returncode == 0, r.stderr)
    text = subprocess.run([binary, 'drift', str(ref), str(new)], capture_output=True).stdout
    try:
        text.decode('utf-8')
        valid = True
    except UnicodeDecodeError:
        valid = False
    check("long names: text output cuts names at a character, valid UTF-8", valid)
    explain_path = d / 'ln_explain.html'
    e = subprocess.run([binary, 'explain', str(model), str(new), '--rows', '1,2', '--threads',
                        '1', '--report', str(explain_path)], capture_output=True, text=True)
    check("long names: explain report written", e.returncode == 0, e.stderr)
    if r.returncode != 0 or e.returncode != 0:
        return
    html = html_path.read_text()
    titles = [t for t in svg_texts(html, 'title') if ': PSI ' in t[2]]
    check("long names: a title per distribution", len(titles) == len(names), repr(titles))
    for x, _, t in titles:
        width = bold.getlength(t)
        check("long names: title fits %r" % t, x + width <= 492 - 2 and
              re.search(r': PSI [0-9.]+ \((stable|moderate|major)\)$', t) is not None,
              "%g + %g" % (x, width))
    for tag, text in (('drift', html), ('explain', explain_path.read_text())):
        bars = [b for b in svg_texts(text, 'legend') if b[1] == 'end']
        check("long names: %s has bar labels" % tag, len(bars) >= len(names), repr(bars))
        for x, _, t in bars:
            width = regular.getlength(t)
            check("long names: %s bar label %r starts inside" % (tag, t), x - width >= 0,
                  "%g - %g" % (x, width))


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        rng = np.random.default_rng(11)
        ref, new = d / 'ref.csv', d / 'new.csv'
        table(rng, 1500, 0).to_csv(ref, index=False)
        table(rng, 1000, 1).to_csv(new, index=False)
        pending = pending_labels(binary, d, ref, new)
        fail_on_auc(binary, d, ref, new, pending)
        blank_categorical(binary, d, ref, new)
        many_levels(binary, d)
        markdown_pipes(binary, d)
        lossy_numbers(binary, d)
        long_names(binary, d)
    print("%d passed, %d failed" % (PASSED, FAILED))
    sys.exit(1 if FAILED else 0)


if __name__ == '__main__':
    main()
