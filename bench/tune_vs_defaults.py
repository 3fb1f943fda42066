#!/usr/bin/python3
"""`stratum tune` under a time budget against stratum's defaults, cohort by cohort (issue 21).

usage: tune_vs_defaults.py --stratum PATH [--shared DIR] [--data NAME=CSV ...]
                           [--family logreg,gbdt] [--budget 60] [--metric roc_auc]
                           [--nested K] [--max-rows N] [--markdown FILE]

For each cohort and family it runs, one at a time on one thread,

    stratum tune FAMILY CSV --label label [--ignore ID,LEAKY] --time-budget S --metric M -q

and reads from tune's own report the best candidate's 5-fold CV score (on all rows, or on
the rows of the last rung the budget let the search reach: "best on") and the defaults' score
on the same folds (tune cross-validates `stratum cv`'s own parameters beside the search: the
same folds, so the two are paired; when the budget ran out before the defaults were scored
on all rows, `stratum cv FAMILY CSV` with the same options, seed and folds gives them, marked
"(cv)"). "search s" is the time until tune starts refitting the best (its stderr line
"refitting candidate"), "refit s" the rest; "stopped" the candidates the budget stopped
(`--table` rows without scores). The table gives both, the difference in
the tuned metric and whether the tuned procedure loses by more than the defaults' interval
half-width. The tuned score is the best of the candidates on those folds and so flatters
the search; `--nested K` adds tune's nested estimate (K times the time), which does not.
The cohorts' identifier and leaky columns are those of defaults_vs_peers.py.
"""
import argparse
import csv as csvlib  # run_tune has a parameter named csv
import os
import re
import subprocess
import sys
import tempfile
import time

os.environ.setdefault('OMP_NUM_THREADS', '1')

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from defaults_vs_peers import DROP, NA_EMPTY_ONLY, SKIP  # noqa: E402

SCORE = r'([A-Za-z-]+) (-?[0-9.]+|nan) \[(-?[0-9.]+|nan), (-?[0-9.]+|nan)\]'


def parse_scores(line):
    """{'ROC-AUC': (mean, low, high), ...} from a line of tune's report."""
    return {m.group(1): tuple(float(x) for x in m.group(2, 3, 4))
            for m in re.finditer(SCORE, line)}


def run_tune(stratum, family, csv, name, args, tmp):
    header = open(csv, encoding='utf-8').readline().rstrip('\n').split(',')
    drop = [c for c in DROP.get(name, []) if c in header]
    data = csv
    if args.max_rows:
        with open(csv, encoding='utf-8') as f:
            lines = f.readlines()
        if len(lines) - 1 > args.max_rows:  # a seeded stratified-enough sample: every k-th row
            step = (len(lines) - 1) / args.max_rows
            keep = [lines[0]] + [lines[1 + int(i * step)] for i in range(args.max_rows)]
            data = os.path.join(tmp, name + '.csv')
            with open(data, 'w', encoding='utf-8') as f:
                f.writelines(keep)
    common = ['--label', 'label', '--threads', '1']
    if drop:
        common += ['--ignore', ','.join(drop)]
    if name in NA_EMPTY_ONLY:
        common += ['--na-values', '']
    table = os.path.join(tmp, 'table.csv')
    cmd = [stratum, 'tune', family, data, '--time-budget', str(args.budget), '--metric',
           args.metric, '--table', table] + common
    if args.nested:
        cmd += ['--nested', str(args.nested)]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t_refit = None
    err_lines = []
    for line in proc.stderr:  # the rung lines as they come; the refit's start timed
        err_lines.append(line)
        if t_refit is None and line.startswith('tune: refitting candidate'):
            t_refit = time.monotonic()
    stdout = proc.stdout.read()
    proc.wait()
    secs = time.monotonic() - t0
    if proc.returncode != 0 and any('spent before any candidate finished' in l
                                    for l in err_lines):
        return {'failed': err_lines[-1].strip(), 'rows': 0, 'seconds': secs}
    if proc.returncode != 0:
        raise RuntimeError('%s: %s' % (' '.join(cmd), ''.join(err_lines).strip()))
    lines = stdout.splitlines()
    head = next(l for l in lines if l.startswith('Tuned '))
    best_i = next(i for i, l in enumerate(lines) if l.startswith('Best: candidate'))
    nested = next((l for l in lines if l.startswith('Nested ')), '')
    cands = re.search(r'; (\d+) candidates?(?: in each of (\d+) brackets)?, (\d+) of (\d+) '
                      r'rungs', head)
    on = re.search(r'CV on (all )?(\d+) rows', lines[best_i + 1])
    defaults_line = next(l for l in lines if l.strip().startswith('defaults:'))
    defaults, defaults_from = parse_scores(defaults_line), ''
    if 'not cross-validated' in defaults_line:  # the budget ran out first: stratum cv's
        cv = subprocess.run([stratum, 'cv', family, data, '--seed', '42', '--folds', '5']
                            + common, capture_output=True, text=True, check=True).stdout
        defaults = {m.group(1): tuple(float(x) for x in m.group(2, 3, 4))
                    for m in re.finditer(r'^(ROC-AUC|PR-AUC) +([0-9.]+) +[0-9.]+ +([0-9.]+) +'
                                         r'([0-9.]+)', cv, re.M)}
        defaults_from = ' (cv)'
    with open(table, encoding='utf-8') as f:
        stopped = sum(int(r['stopped']) for r in csvlib.DictReader(f))
    return {
        'rows': int(re.search(r': (\d+) rows', head).group(1)),
        'best': lines[best_i].split(':', 2)[1].strip(),
        'best_rows': 'all' if on.group(1) else on.group(2),
        'tuned': parse_scores(lines[best_i + 1]),
        'defaults': defaults,
        'defaults_from': defaults_from,
        'stopped': stopped,
        'search_seconds': (t_refit if t_refit is not None else t0 + secs) - t0,
        'nested': parse_scores(nested),
        'spent': 'time budget spent' in head,
        'brackets': int(cands.group(2) or 1),
        'candidates': int(cands.group(1)) * int(cands.group(2) or 1),
        'seconds': secs,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--stratum', required=True)
    ap.add_argument('--shared', help='a folder of NAME/clean.csv cohorts')
    ap.add_argument('--data', action='append', default=[], help='NAME=CSV (repeatable)')
    ap.add_argument('--only', help='comma-separated cohort names to keep')
    ap.add_argument('--family', default='logreg,gbdt')
    ap.add_argument('--budget', type=float, default=60)
    ap.add_argument('--metric', default='roc_auc', choices=['roc_auc', 'pr_auc'])
    ap.add_argument('--nested', type=int, default=0)
    ap.add_argument('--max-rows', type=int, default=0, help='every k-th row of larger cohorts')
    ap.add_argument('--markdown', help='append the table to this file')
    args = ap.parse_args()
    cohorts = []
    if args.shared:
        for name in sorted(os.listdir(args.shared)):
            path = os.path.join(args.shared, name, 'clean.csv')
            if os.path.exists(path) and name not in SKIP:
                cohorts.append((name, path))
    for d in args.data:
        name, path = d.split('=', 1)
        cohorts.append((name, path))
    if args.only:
        keep = args.only.split(',')
        cohorts = sorted((c for c in cohorts if c[0] in keep), key=lambda c: keep.index(c[0]))
    label = {'roc_auc': 'ROC-AUC', 'pr_auc': 'PR-AUC'}[args.metric]
    other = 'PR-AUC' if label == 'ROC-AUC' else 'ROC-AUC'
    rows = ['| dataset | rows | family | defaults %s [95%% CI] | tuned %s [95%% CI] | '
            'difference | defaults / tuned %s | candidates (brackets) | stopped | search s | '
            'refit s | best candidate | best on |%s'
            % (label, label, other, ' nested ROC / PR |' if args.nested else ''),
            '|---|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|---|--:|%s'
            % ('--:|' if args.nested else '')]
    print('\n'.join(rows), flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in cohorts:
            for fam in args.family.split(','):
                r = run_tune(args.stratum, fam, path, name, args, tmp)
                if 'failed' in r:
                    line = '| %s | | %s | %s (%.1f s) | | | | | | | | | |' % (
                        name, fam, r['failed'], r['seconds'])
                    rows.append(line)
                    print(line, flush=True)
                    continue
                d, t = r['defaults'][label], r['tuned'][label]
                diff = t[0] - d[0]
                flag = ' (loses by more than the interval)' if diff < -(d[2] - d[0]) else ''
                line = ('| %s | %d | %s | %.4f [%.4f, %.4f]%s | %.4f [%.4f, %.4f] | %+.4f%s | '
                        '%.4f / %.4f | %d (%d)%s | %d | %.1f | %.1f | %s | %s |'
                        % (name, r['rows'], fam, d[0], d[1], d[2], r['defaults_from'], t[0],
                           t[1], t[2], diff, flag, r['defaults'][other][0],
                           r['tuned'][other][0], r['candidates'], r['brackets'],
                           ' (budget spent)' if r['spent'] else '', r['stopped'],
                           r['search_seconds'], r['seconds'] - r['search_seconds'],
                           r['best'], r['best_rows']))
                if args.nested:
                    line += ' %.4f / %.4f |' % (r['nested']['ROC-AUC'][0],
                                                 r['nested']['PR-AUC'][0])
                rows.append(line)
                print(line, flush=True)
    if args.markdown:
        with open(args.markdown, 'a', encoding='utf-8') as f:
            f.write('\n'.join(rows) + '\n')


if __name__ == '__main__':
    main()
