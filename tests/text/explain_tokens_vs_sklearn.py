#!/usr/bin/python3
"""stratum explain and predict --contrib on a hashing text model name the tokens behind a
prediction (issue 16, "Explanations"), checked against scikit-learn:

- the model file's surface forms: for each bucket column, scikit-learn's murmurhash3_32
  puts every form in that bucket, and the forms are the bucket's terms in the most
  training texts (scikit-learn's analyzer, r"[^\\W_]+" words, 1-2 grams), at most 3,
  ties in byte order; the count seen is the bucket's distinct terms;
- predict --contrib names its columns contrib_<label>, the label "abstract:a | b" built
  from those forms, and its contributions plus the bias give the log-odds of p;
- explain --rows names features by those labels;
- explain --rows --report: the text of the row with its marks, HTML-escaped (a row holding
  markup stays text), each mark's words words of a form of the term its title names.

usage: explain_tokens_vs_sklearn.py STRATUM ABSTRACTS_CSV WORKDIR"""
import html
import math
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict

import pandas as pd
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils import murmurhash3_32

stratum, abstracts, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
BITS = 10  # 1,024 buckets: many collisions

data = pd.read_csv(abstracts).head(300)
hostile = "<script>alert(1)</script> Tumor & \"cancer\" in <b>bold</b> carcinoma"
data.loc[len(data)] = [999999, hostile, 1]
csv = os.path.join(work, "abstracts300.csv")
data.to_csv(csv, index=False)
model = os.path.join(work, "hash.model")


def run(*args):
    r = subprocess.run([stratum, *args], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"stratum {' '.join(args)} failed: {r.stderr}")
    return r.stdout


run("train", "logreg", "-q", csv, "--ignore", "id", "--text-col", "abstract", "--ngrams",
    "1-2", "--tfidf", "--hash-bits", str(BITS), "-o", model)

# the model's buckets and forms
buckets, forms, seen = [], defaultdict(list), {}
for line in open(model, encoding="utf-8"):
    if line.startswith("bucket "):
        buckets.append(int(line.split()[2]))
    elif line.startswith("form "):
        _, k, s, term = line.rstrip("\n").split(" ", 3)
        forms[int(k)].append(term)
        seen[int(k)] = int(s)
assert buckets and forms, "no buckets or forms in the model"

# scikit-learn: each term's training texts (min_df 2 keeps buckets; forms come from all)
analyze = CountVectorizer(token_pattern=r"[^\W_]+", ngram_range=(1, 2)).build_analyzer()
df = Counter()
for text in data["abstract"]:
    df.update(set(analyze(text)))


def bucket(term):
    return abs(murmurhash3_32(term, seed=0)) % (1 << BITS)


in_bucket = defaultdict(list)
for term, n in df.items():
    in_bucket[bucket(term)].append((-n, term.encode("utf-8"), term))
bad = 0
for k, b in enumerate(buckets):
    want = [t for _, _, t in sorted(in_bucket[b])]
    if forms[k] != want[:3] or seen[k] != len(want):
        bad += 1
        if bad < 5:
            print(f"column {k} bucket {b}: forms {forms[k]} seen {seen[k]}, scikit-learn "
                  f"{want[:3]} of {len(want)}")
print(f"{len(buckets)} buckets, {sum(map(len, forms.values()))} forms, {bad} differ")
assert bad == 0


def label(k):
    more = " | ..." if seen[k] > len(forms[k]) else ""
    return "abstract:" + " | ".join(forms[k]) + more


labels = {label(k) for k in range(len(buckets))}

# train's coefficient table names each bucket by scikit-learn's terms in it, as explain
# does (text; the CSV keeps the column names, '#bucket', in the same order)
train = ["train", "logreg", csv, "--ignore", "id", "--text-col", "abstract", "--ngrams", "1-2",
         "--tfidf", "--hash-bits", str(BITS), "--all", "-o", model]
text_rows = run(*train).split("\n")
csv_rows = run(*train, "--format", "csv").strip().split("\n")
start = next(i for i, line in enumerate(text_rows) if line.startswith("(intercept)"))
names = [line.rsplit(None, 1)[0].rstrip() for line in text_rows[start + 1:] if line.strip()]
keys = [line.rsplit(",", 1)[0].strip('"') for line in csv_rows[2:]]
assert len(names) == len(keys) == len(buckets), (len(names), len(keys), len(buckets))
for name, key in zip(names, keys):
    want = [t for _, _, t in sorted(in_bucket[int(key.split(":#")[1])])]
    assert name == "abstract:" + " | ".join(want[:3]) + (" | ..." if len(want) > 3 else ""), \
        (name, key, want[:4])
print(f"train's table: {len(names)} buckets named by their terms, e.g. {names[0]!r}")

# predict --contrib: columns named by the labels; contributions + bias = log-odds of p
out = run("predict", model, csv, "--contrib", "--ignore", "id")
table = pd.read_csv(pd.io.common.StringIO(out))
contrib_cols = [c for c in table.columns if c.startswith("contrib_")]
assert set(c[len("contrib_"):] for c in contrib_cols) == labels, "contrib columns"
z = table[contrib_cols].sum(axis=1) + table["bias"]
p = 1 / (1 + (-z).map(math.exp))
assert (abs(p - table["p"]) < 1e-9).all(), "contributions do not add up to p"
print(f"predict --contrib: {len(contrib_cols)} columns named by their tokens")

# explain --rows: the features named by labels
last = len(data)
text = run("explain", model, csv, "--ignore", "id", "--rows", f"1,{last}", "--top", "6")
named = re.findall(r"^    (abstract:.*) = \S+ (?:raises|lowers)", text, re.M)
assert named and all(n in labels for n in named), text
print(f"explain --rows: {len(named)} features, all named by their tokens")

# the report: the hostile row's text escaped, marks on words of their terms
report = os.path.join(work, "row.html")
run("explain", model, csv, "--ignore", "id", "--rows", str(last), "--report", report)
page = open(report, encoding="utf-8").read()
assert "<script>" not in page and "<b>bold" not in page, "markup of the data not escaped"
quote = re.search(r'<blockquote class="text">(.*?)</blockquote>', page, re.S).group(1)
assert html.unescape(re.sub(r"<[^>]*>", "", quote)) == hostile, "the text is not shown whole"
marks = re.findall(r'<mark class="(up|down)" title="([^"]*)">(.*?)</mark>', quote)
assert marks, "no mark"
for cls, title, words in marks:
    m = re.fullmatch(r"(.*): ([-+][0-9.]+) \((abstract:.*)\)", html.unescape(title), re.S)
    assert m, title
    term, value, name = m.groups()
    assert name in labels, name
    assert (float(value) > 0) == (cls == "up"), (title, cls)
    # the term as written, whose words are the mark's: in the column's bucket
    term_words = re.findall(r"[^\W_]+", term.lower())
    assert bucket(" ".join(term_words)) == buckets[[label(k) for k in
                                                     range(len(buckets))].index(name)], title
    for w in re.findall(r"[^\W_]+", html.unescape(words).lower()):
        assert w in term_words, (w, term)
print(f"report: {len(marks)} marks on the hostile row, escaped, each on words of its term")
