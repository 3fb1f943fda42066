"""stratum --report: the HTML is well formed (tags balance, every inline SVG parses as
XML), holds no script or external resource, draws one curve and one marked operating
point per setting in each chart, shows in its tables exactly the numbers of --format json
(evaluate, compare) or csv (cv) for the same run, names the text columns and their
options in cv's and compare's settings, escapes hostile names from the data,
simplifies a long curve without moving it, is byte-identical when run twice, and refuses
to overwrite an input.

usage: report_check.py STRATUM DATASETS WORKDIR"""
import csv
import io
import json
import math
import os
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report_make  # noqa: E402

VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "wbr", "source"}
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


class Page(HTMLParser):
    """Checks nesting and collects tables (rows of (tag, attrs, text) cells) and SVG marks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags = [], [], {}
        self.tables, self.cell, self.charts = [], None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k in a:
            if k.startswith("on"):
                self.errors.append("event handler attribute %s on <%s>" % (k, tag))
        for k in ("src", "href"):
            if k in a:
                self.errors.append("<%s %s=...>: an external resource" % (tag, k))
        if tag == "svg":
            self.charts.append({"curves": 0, "marks": 0})
        if tag == "polyline" and a.get("class") == "curve":
            self.charts[-1]["curves"] += 1
        if tag == "circle" and a.get("class") == "mark":
            self.charts[-1]["marks"] += 1
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        if tag == "tr":
            self.tables[-1]["rows"].append([])
        if tag in ("td", "th"):
            self.cell = [tag, a, ""]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        # <line .../> in SVG: start and end at once
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else ""))
            return
        self.stack.pop()
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1]["rows"][-1].append(tuple(self.cell))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data


def parse(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    page = Page()
    page.feed(text)
    page.close()
    check(not page.errors, "%s: %s" % (path, page.errors[:3]))
    check(not page.stack, "%s: unclosed %s" % (path, page.stack))
    check(text.startswith("<!DOCTYPE html>"), path + ": no doctype")
    check(page.tags.get("script", 0) == 0, path + ": a <script> element")
    # the only URL is the SVG namespace name, which is never fetched
    urls = set(re.findall(r"https?://[^\"'\s<>]*", text))
    check(urls <= {"http://www.w3.org/2000/svg"}, "%s: URLs %s" % (path, urls))
    for svg in re.findall(r"<svg.*?</svg>", text, re.S):
        try:
            ET.fromstring(svg)
        except ET.ParseError as e:
            check(False, "%s: an SVG is not well-formed XML: %s" % (path, e))
    return text, page


def table(page, first_headers):
    for t in page.tables:
        head = [c[2] for c in t["rows"][0]]
        if head[:len(first_headers)] == first_headers:
            return t
    check(False, "no table with headers %s" % first_headers)
    return {"rows": [[]]}


def num(cell, key):
    v = cell[1].get("data-" + key)
    return None if v is None else float(v)


def same(a, b):
    """An exact number from the page equals one from JSON/CSV (None/NaN: undefined)."""
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return a is None and (b is None or math.isnan(b))
    return a == b


compared = [0]


def check_value_cell(cell, value, low, high, what):
    compared[0] += 1
    check(same(num(cell, "value"), value), "%s value %s != %s" % (what, num(cell, "value"), value))
    check(same(num(cell, "low"), low), "%s low %s != %s" % (what, num(cell, "low"), low))
    check(same(num(cell, "high"), high), "%s high %s != %s" % (what, num(cell, "high"), high))
    shown = cell[2].split(" (")[0].strip()
    fmt = lambda v: ("%.3f" % v).replace("-", "\u2212")  # noqa: E731 (a minus sign)
    if value is None:
        check(shown == "undefined", "%s shows %r, expected undefined" % (what, shown))
    else:
        check(shown == fmt(value), "%s shows %r for %r" % (what, shown, value))
        if low is not None:
            dash = " to " if low < 0 or high < 0 else "\u2013"  # "(−0.2 to 0.1)"
            check("(%s%s%s)" % (fmt(low), dash, fmt(high)) in cell[2], "%s interval shown as %r"
                  % (what, cell[2]))


METRICS = ["roc_auc", "pr_auc", "log_loss", "brier", "prevalence", "precision", "recall",
           "specificity", "npv", "accuracy", "f1", "fbeta", "balanced_accuracy", "mcc",
           "calibration_intercept", "calibration_slope", "calibration_in_the_large"]


def check_evaluate(stratum, html, args, n_series):
    text, page = parse(html)
    js = json.loads(report_make.run(stratum, args + ["--format", "json"]).stdout)
    check(len(page.charts) == 3, "%s: %d charts, expected ROC, PR, calibration"
          % (html, len(page.charts)))
    for i, c in enumerate(page.charts):
        check(c["curves"] == n_series, "%s chart %d: %d curves" % (html, i, c["curves"]))
        check(c["marks"] == (n_series if i < 2 else 0), "%s chart %d: %d marks"
              % (html, i, c["marks"]))
    rows = table(page, ["metric", "value (95% interval)"])["rows"][1:]
    check(len(rows) == len(METRICS) + 1, "%s: %d metric rows" % (html, len(rows)))
    names = [m for m in METRICS]
    names.insert(1, "delong")
    for name, row in zip(names, rows):
        if name == "delong":
            d = js["delong"]
            check_value_cell(row[1], js["metrics"]["roc_auc"]["value"] if d["ci_low"] is not None
                             else None, d["ci_low"], d["ci_high"], html + " DeLong")
            continue
        m = js["metrics"][name]
        check_value_cell(row[1], m["value"], m["ci_low"], m["ci_high"], "%s %s" % (html, name))
    conf = table(page, ["", "predicted positive", "predicted negative"])["rows"]
    c = js["confusion"]
    check([num(conf[1][1], "value"), num(conf[1][2], "value"), num(conf[2][1], "value"),
           num(conf[2][2], "value")] == [c["tp"], c["fn"], c["fp"], c["tn"]],
          html + ": confusion matrix")
    groups = table(page, ["group", "rows", "positive"])["rows"][1:]
    jg = js["subgroups"]["groups"]
    check([g[0][2] for g in groups] == [g["value"] for g in jg],
          "%s: groups %s != %s" % (html, [g[0][2] for g in groups], [g["value"] for g in jg]))
    cols = ["roc_auc", "pr_auc", "recall", "specificity", "precision", "brier"]
    for g, j in zip(groups, jg):
        check(num(g[1], "value") == j["rows"] and num(g[2], "value") == j["n_positive"],
              html + ": group counts")
        for k, name in enumerate(cols):
            m = j["metrics"][name]
            check_value_cell(g[3 + k], m["value"], m["ci_low"], m["ci_high"],
                             "%s group %s %s" % (html, j["value"], name))
    return text, page


def check_hostile(text, page, html):
    """Names from the data appear as text, never as markup."""
    check("<script" not in text.lower(), html + ": an unescaped <script")
    check("&lt;script&gt;alert(1)&lt;/script&gt;" in text, html + ": hostile column not shown")
    check("<b>" not in text, html + ": an unescaped hostile level")
    shown = [r[0][2] for r in table(page, ["group", "rows", "positive"])["rows"][1:]]
    check(sorted(shown) == sorted(report_make.HOSTILE_LEVELS),
          "%s: levels shown as %s" % (html, shown))
    check(report_make.HOSTILE_COLUMN in "".join(t["caption"] for t in page.tables) or
          "By " + report_make.HOSTILE_COLUMN.replace("<", "&lt;").replace(">", "&gt;") in text,
          html + ": hostile column name missing from the caption")
    check("scores &lt;&amp;&gt;.csv" in text, html + ": hostile file name not escaped")


def check_cv(stratum, html, args, n_series):
    text, page = parse(html)
    for i, c in enumerate(page.charts):
        check(c["curves"] == n_series, "%s chart %d: %d curves" % (html, i, c["curves"]))
        check(c["marks"] == (n_series if i < 2 else 0), "%s chart %d: marks" % (html, i))
    out = report_make.run(stratum, args + ["--format", "csv"]).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    t = table(page, ["metric", "mean (95% interval)", "SD", "folds"])["rows"][1:]
    check(len(t) == len(rows), "%s: %d summary rows, csv has %d" % (html, len(t), len(rows)))
    for r, c in zip(rows, t):
        f = lambda k: float(r[k]) if r[k] != "" else None  # noqa: E731
        check_value_cell(c[1], f("mean"), f("ci_low"), f("ci_high"), html + " " + r["metric"])
        check(same(num(c[2], "value"), f("sd")), html + " sd of " + r["metric"])
        check(num(c[3], "value") == float(r["folds_defined"]), html + " folds of " + r["metric"])
    folds = table(page, ["repeat", "fold", "threshold"])["rows"][1:]
    check(len(folds) == 10, "%s: %d fold rows, expected 5 folds x 2 repeats" % (html, len(folds)))


def check_compare(stratum, html, args, n_series):
    text, page = parse(html)
    for i, c in enumerate(page.charts):
        check(c["curves"] == n_series, "%s chart %d: %d curves, expected %d"
              % (html, i, c["curves"], n_series))
        check(c["marks"] == (n_series if i < 2 else 0), "%s chart %d: marks" % (html, i))
    js = json.loads(report_make.run(stratum, args + ["--format", "json"]).stdout)
    t = table(page, ["model", "weight", "mean threshold"])
    cols = ["roc_auc", "pr_auc", "precision", "recall", "f1", "brier", "log_loss"]
    rows = t["rows"][1:]
    check(len(rows) == len(js["settings"]), html + ": setting rows")
    for r, s in zip(rows, js["settings"]):
        check([r[0][2], r[1][2]] == [s["model"], s["weight"]], html + ": setting names")
        for k, name in enumerate(cols):
            m = s[name]
            what = "%s %s/%s %s" % (html, s["model"], s["weight"], name)
            check_value_cell(r[3 + k], m["mean"], m["ci_low"], m["ci_high"], what)
            check((r[3 + k][1].get("class") == "best") == m["best"], what + ": best mark")
    # the paired differences: a row per row compared with another, as --format json has them
    d = table(page, ["setting", "minus"])
    diffs = [s for s in js["settings"] if s["difference"] is not None]
    check(len(diffs) > 0 and len(d["rows"]) - 1 == len(diffs), "%s: %d difference rows, "
          "expected %d" % (html, len(d["rows"]) - 1, len(diffs)))
    for r, s in zip(d["rows"][1:], diffs):
        own = "%s_%s" % (s["model"], s["weight"])  # as --oof names it (no --recalibrate)
        check([r[0][2], r[1][2]] == [own, s["difference"]["from"]],
              html + ": difference row names %r" % [c[2] for c in r[:2]])
        for k, name in enumerate(cols):
            m = s["difference"][name]
            what = "%s %s minus %s, %s" % (html, own, s["difference"]["from"], name)
            check_value_cell(r[2 + k], m["mean"], m["ci_low"], m["ci_high"], what)
            excludes_0 = m["ci_low"] is not None and (m["ci_low"] > 0 or m["ci_high"] < 0)
            check((r[2 + k][1].get("class") == "best") == excludes_0, what + ": marker")


def facts(text):
    """The "Data and settings" facts of a report: {term: value as shown}."""
    import html as html_mod
    return {html_mod.unescape(t): html_mod.unescape(v)
            for t, v in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", text)}


def check_text_settings(stratum, datasets, work, reports):
    """cv and compare with --text-col: the settings name the text columns and every option
    of their featurizer, so the run can be told apart from one without text and rerun."""
    # the abstracts with a second text column, each abstract's title (its first sentence)
    data = os.path.join(work, "titled_abstracts.csv")
    with open(os.path.join(datasets, "medical_abstracts.csv"), encoding="utf-8") as f, \
            open(data, "w", encoding="utf-8", newline="") as out:
        w = csv.writer(out)
        w.writerow(["id", "title", "abstract", "label"])
        for r in csv.DictReader(f):
            w.writerow([r["id"], r["abstract"].split(". ")[0], r["abstract"], r["label"]])
    runs = {
        "cv": (["cv", "logreg", data, "--ignore", "id", "--folds", "3"], "text columns",
               ["--text-col", "title", "--text-col", "abstract", "--ngrams", "1-2",
                "--tfidf", "--min-df", "3", "--hash-bits", "12", "--stop-words", "english"],
               "title, abstract; n-grams 1-2, tf-idf, sublinear tf, min-df 3, hash bits 12 "
               "(4096 buckets), English stop words dropped, rows L2-normalised; fitted on each "
               "training part"),
        "compare": (["compare", data, "--ignore", "id,title", "--folds", "3", "--models",
                     "logreg", "--weights", "none"], "text column",
                    ["--text-col", "abstract", "--no-sublinear-tf"],
                    "abstract; n-grams 1-1, tf (no idf), raw tf, min-df 2, a vocabulary (no "
                    "hashing), no stop words, rows L2-normalised; fitted on each training part"),
    }
    for name, (args, term, text_args, want) in runs.items():
        html = os.path.join(work, "text_%s.html" % name)
        report_make.run(stratum, args + text_args + ["-q", "--report", html])
        shown = facts(parse(html)[0])
        check(shown.get(term) == want, "%s --text-col: settings %r, expected %s: %r"
              % (name, {k: v for k, v in shown.items() if k.startswith("text")}, term, want))
    for name in ("cv", "compare"):  # report_make's, without text columns
        plain = open(reports[name][0], encoding="utf-8").read()
        check(not any(k.startswith("text") for k in facts(plain)),
              "%s without --text-col: a text fact in the settings" % name)


def check_simplified(stratum, work):
    """A 30,000-row ROC curve is drawn with far fewer points, none of the original points
    farther than half a unit (of a 400-unit plot) from the drawn line."""
    import random
    rng = random.Random(3)
    path = os.path.join(work, "many.csv")
    with open(path, "w") as f:
        f.write("label,p\n")
        for _ in range(30000):
            y = 1 if rng.random() < 0.1 else 0
            f.write("%d,%.9f\n" % (y, 1 / (1 + math.exp(-(rng.gauss(0, 1) + 1.5 * y)))))
    html, roc = os.path.join(work, "many.html"), os.path.join(work, "many_roc.csv")
    report_make.run(stratum, ["evaluate", "--scores", path, "--bootstrap", "0", "--report",
                              html, "--roc-curve", roc])
    text = open(html, encoding="utf-8").read()
    pts = re.search(r'<polyline class="curve"[^>]* points="([^"]*)"', text).group(1)
    drawn = [tuple(map(float, p.split(","))) for p in pts.split()]
    full = [(float(r["fpr"]), float(r["tpr"])) for r in csv.DictReader(open(roc))]
    check(len(full) > 20000 and len(drawn) < len(full) / 5,
          "simplification: %d points drawn of %d" % (len(drawn), len(full)))
    # the map from the unit square to the plot, from the ends (0,0) and (1,1) of the curve
    (x0, y0), (x1, y1) = drawn[0], drawn[-1]
    to_px = lambda p: (x0 + p[0] * (x1 - x0), y0 + p[1] * (y1 - y0))  # noqa: E731
    worst, j = 0.0, 0
    for p in full:
        q = to_px(p)
        # drawn points are a subsequence of the curve: advance to the segment holding q
        while j + 1 < len(drawn) - 1 and abs(drawn[j + 1][0] - q[0]) < 0.006 and \
                abs(drawn[j + 1][1] - q[1]) < 0.006:
            j += 1
        a, b = drawn[j], drawn[min(j + 1, len(drawn) - 1)]
        dx, dy = b[0] - a[0], b[1] - a[1]
        t = 0 if dx == dy == 0 else max(0, min(1, ((q[0] - a[0]) * dx + (q[1] - a[1]) * dy)
                                             / (dx * dx + dy * dy)))
        d = min(math.hypot(a[0] + t * dx - q[0], a[1] + t * dy - q[1]),
                math.hypot(b[0] - q[0], b[1] - q[1]))
        worst = max(worst, d)
    check(worst <= 0.5, "simplified curve is %.3f units from the true one" % worst)
    print("simplified ROC: %d of %d points drawn, at most %.3f units off"
          % (len(drawn), len(full), worst))


def check_errors(stratum, work, reports):
    thyroid_args = reports["cv"][1]
    data = thyroid_args[2]
    p = report_make.run(stratum, thyroid_args + ["--report", data], check=False)
    check(p.returncode == 1 and "input" in p.stderr and p.stdout == "",
          "cv --report over the data file: %d %r" % (p.returncode, p.stderr))
    args = reports["evaluate_model"][1]
    p = report_make.run(stratum, args + ["--report", args[1]], check=False)
    check(p.returncode == 1 and "input" in p.stderr, "evaluate --report over the model: %r"
          % p.stderr)
    p = report_make.run(stratum, args + ["--report", os.path.join(work, "no/such/dir/r.html")],
                        check=False)
    check(p.returncode == 1 and p.stderr.startswith("stratum: ") and p.stdout == "",
          "evaluate --report into a missing directory: %d %r" % (p.returncode, p.stderr))
    p = report_make.run(stratum, ["cv", "logreg", data, "--lambda-path", "--report",
                                  os.path.join(work, "x.html")], check=False)
    check(p.returncode == 2, "cv --lambda-path --report: exit %d" % p.returncode)
    # the same command writes the same bytes (no date in the report)
    html = reports["evaluate_model"][0]
    again = os.path.join(work, "again.html")
    report_make.run(stratum, args + ["--report", again])
    check(open(html, "rb").read() == open(again, "rb").read(), "two runs differ")


def check_drift(stratum, html, args, n_series):
    """The drift report: its distribution charts, and every column's PSI, KS p and missing
    shares in the table equal to --format json's, to the last digit; --report over an
    input is refused."""
    text, page = parse(html)
    check(sum(c["curves"] for c in page.charts) == n_series,
          "%s: %d curves" % (html, sum(c["curves"] for c in page.charts)))
    out = json.loads(report_make.run(stratum, args + ["--format", "json"]).stdout)
    cols = {c["name"]: c for c in out["columns"]}
    t = table(page, ["column", "type", "PSI"])
    for row in t["rows"][1:]:
        c = cols.get(row[0][2])
        check(c is not None, "%s: column %r not in json" % (html, row[0][2]))
        if c is None:
            continue
        for k, key in ((2, "psi"), (7, "missing_reference"), (8, "missing_new")):
            check(same(num(row[k], "value"), c[key]), "%s %s %s: %r vs %r"
                  % (html, c["name"], key, num(row[k], "value"), c[key]))
            compared[0] += 1
    check(len(t["rows"]) - 1 == len(cols), "%s: %d rows" % (html, len(t["rows"]) - 1))
    p = report_make.run(stratum, args + ["--report", args[1]], check=False)
    check(p.returncode == 1 and "input" in p.stderr, "drift --report over REFERENCE: %r"
          % p.stderr)


def check_explain(stratum, work, model, data):
    """stratum explain --report: well formed; for rows, one bar per listed feature and the
    table's contributions equal to --format json's, in its order (up, then down); for the
    ranking, two bar charts and the table's mean |contribution| equal to json's."""
    args = ["explain", model, data, "--rows", "1,17", "--top", "4"]
    html = os.path.join(work, "explain_rows.html")
    report_make.run(stratum, args + ["--report", html])
    text, page = parse(html)
    js = json.loads(report_make.run(stratum, args + ["--format", "json"]).stdout)
    tables = [t for t in page.tables if [c[2] for c in t["rows"][0]] ==
              ["feature", "value", "contribution"]]
    check(len(tables) == 2, "explain rows: %d tables" % len(tables))
    for row, t in zip(js["rows"], tables):
        listed = row["up"] + row["down"]
        check(len(t["rows"]) - 1 == len(listed), "explain row %d: %d table rows, json %d"
              % (row["row"], len(t["rows"]) - 1, len(listed)))
        for cells, item in zip(t["rows"][1:], listed):
            compared[0] += 1
            check(cells[0][2] == item["feature"] and cells[1][2] == item["value"],
                  "explain row %d: %s" % (row["row"], [c[2] for c in cells]))
            check(same(num(cells[2], "value"), item["contribution"]),
                  "explain row %d %s: %s != %s" % (row["row"], item["feature"],
                                                   num(cells[2], "value"), item["contribution"]))
    bars = text.count('<rect class="bar"')
    want = sum(len(r["up"]) + len(r["down"]) for r in js["rows"])
    check(bars == want, "explain rows: %d bars, expected %d" % (bars, want))

    args = ["explain", model, data, "--top", "12"]
    html = os.path.join(work, "explain_global.html")
    report_make.run(stratum, args + ["--report", html])
    text, page = parse(html)
    js = json.loads(report_make.run(stratum, args + ["--format", "json"]).stdout)
    t = table(page, ["feature", "mean |contribution|"])
    check(len(t["rows"]) - 1 == 12, "explain ranking: %d table rows" % (len(t["rows"]) - 1))
    for cells, item in zip(t["rows"][1:], js["features"]):
        compared[0] += 1
        check(cells[0][2] == item["feature"], "explain ranking: %s != %s"
              % (cells[0][2], item["feature"]))
        check(same(num(cells[1], "value"), item["mean_abs_contrib"]),
              "explain ranking %s: %s != %s" % (item["feature"], num(cells[1], "value"),
                                                item["mean_abs_contrib"]))
    check(text.count('<rect class="bar"') == 2 * 12, "explain ranking: %d bars"
          % text.count('<rect class="bar"'))


def main():
    stratum, datasets, work = sys.argv[1:4]
    reports = report_make.make_reports(stratum, datasets, work)
    check_evaluate(stratum, *reports["evaluate_model"])
    text, page = check_evaluate(stratum, *reports["evaluate_scores"])
    check_hostile(text, page, reports["evaluate_scores"][0])
    check_cv(stratum, *reports["cv"])
    check_compare(stratum, *reports["compare"])
    check_drift(stratum, *reports["drift"])
    check_text_settings(stratum, datasets, work, reports)
    check_simplified(stratum, work)
    check_errors(stratum, work, reports)
    check_explain(stratum, work, reports["evaluate_model"][1][1], reports["evaluate_model"][1][2])
    if failures:
        print("%d failures" % len(failures))
        return 1
    check(compared[0] > 150, "only %d table cells compared" % compared[0])
    print("all report checks passed (%d table cells equal to --format json/csv)" % compared[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
