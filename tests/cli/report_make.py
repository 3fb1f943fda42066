"""Makes the --report files of stratum evaluate (a model with --by, and --scores with a
hostile file name, group column and levels), cv, compare and drift (thyroid_sick's two
halves, with a model) from shipped data, for
report_check.py and report_chromium.py. Each report comes with the arguments that made
it, so a check can run the same command with --format json or csv."""
import os
import random
import subprocess

HOSTILE_COLUMN = "<script>alert(1)</script>"
HOSTILE_LEVELS = ["<b>&\"x'</b>", "plain", "caf\u00e9 & co"]


def run(stratum, args, check=True):
    p = subprocess.run([stratum] + args, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise SystemExit("stratum %s failed (%d): %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def hostile_scores(path, n=600, seed=7):
    """A scores file whose group column is named <script>... and whose levels hold markup."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as f:
        f.write('label,p,"%s"\n' % HOSTILE_COLUMN.replace('"', '""'))
        for _ in range(n):
            y = 1 if rng.random() < 0.15 else 0
            p = min(1.0, max(0.0, rng.gauss(0.55 if y else 0.3, 0.18)))
            g = HOSTILE_LEVELS[rng.randrange(3)]
            f.write('%d,%.6f,"%s"\n' % (y, p, g.replace('"', '""')))


def make_reports(stratum, datasets, work):
    """Returns {name: (html path, argv without --report, expected series per chart)}."""
    os.makedirs(work, exist_ok=True)
    thyroid = os.path.join(datasets, "thyroid_sick.csv")
    model = os.path.join(work, "thyroid.model")
    run(stratum, ["train", "logreg", thyroid, "--lambda", "0.01", "-o", model, "-q"])
    lines = open(thyroid, encoding="utf-8").read().splitlines(keepends=True)
    halves = [os.path.join(work, "thyroid_%s.csv" % h) for h in ("early", "late")]
    with open(halves[0], "w", encoding="utf-8") as f:
        f.write("".join(lines[:1 + len(lines) // 2]))
    with open(halves[1], "w", encoding="utf-8") as f:
        f.write("".join(lines[:1] + lines[1 + len(lines) // 2:]))
    scores = os.path.join(work, "scores <&>.csv")
    hostile_scores(scores)
    jobs = {
        "evaluate_model": (["evaluate", model, thyroid, "--threshold-rule", "f1",
                            "--bootstrap", "200", "--by", "sex"], 1),
        "evaluate_scores": (["evaluate", "--scores", scores, "--bootstrap", "200",
                             "--threshold", "0.4", "--by", HOSTILE_COLUMN], 1),
        "cv": (["cv", "gbdt", thyroid, "--num-trees", "30", "--threshold-rule", "f1",
                "--repeats", "2", "-q"], 1),
        # (a fixed lambda: choosing it by inner folds in each of 15 training parts made this
        # compare, run three times by the report tests, 6x slower under the sanitizers)
        "compare": (["compare", thyroid, "--weights", "none,balanced,5", "--num-trees", "30",
                     "--lambda", "0.001", "-q"], 6),
        # drift: six distribution charts of two curves each
        "drift": (["drift", halves[0], halves[1], "--model", model, "--bootstrap", "100"], 12),
    }
    out = {}
    for name, (args, n_series) in jobs.items():
        html = os.path.join(work, name + ".html")
        run(stratum, args + ["--report", html])
        out[name] = (html, args, n_series)
    return out
