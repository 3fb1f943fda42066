#!/usr/bin/env python3
"""Hostile and awkward inputs: every file in tests/hostile/ (plus a few generated ones too big
to ship) and bad command lines, each run through the stratum program. Each case states the
exit code it must give (0 ok, 1 failed, 2 usage) and a piece of the one stderr line (for
failures) or of stdout (for documented behaviour). Nothing may crash, hang or print more
than one error line.

usage: check_hostile.py STRATUM HOSTILE_DIR SMALL_CSV
"""
import os
import subprocess
import sys
import tempfile

TIMEOUT = 60


def cases(h, t, model, small):
    """(name, args, expected exit code, expected text, stream) for every case."""
    info = lambda f, *extra: ["info", f"{h}/{f}", *extra]
    train = lambda f, *extra: ["train", "logreg", f"{h}/{f}", "--lambda", "0.01",
                               "-o", f"{t}/out.model", "-q", *extra]
    predict = lambda m, d: ["predict", m, d]
    err, out = "stderr", "stdout"
    return [
        # CSV structure
        ("ragged row, too few", info("csv_ragged_short.csv"), 1, "csv_ragged_short.csv:3:4: found 2 fields; expected 3", err),
        ("ragged row, too many", info("csv_ragged_long.csv"), 1, ":3:7: found 4 fields; expected 3", err),
        ("unterminated quote", info("csv_unterminated_quote.csv"), 1, ":2:3: quoted field never closed", err),
        ("text after closing quote", info("csv_text_after_quote.csv"), 1, ":2:6: found 'y' after a closing quote", err),
        ("embedded NUL", info("csv_embedded_nul.csv"), 1, ":2:4: NUL byte in the data", err),
        ("invalid UTF-8 value", info("csv_invalid_utf8_value.csv"), 1, ":2:6: invalid UTF-8 byte 0xE9", err),
        ("invalid UTF-8 header", info("csv_invalid_utf8_header.csv"), 1, ":1:4: invalid UTF-8 byte 0xFF", err),
        ("empty file", info("csv_empty.csv"), 1, "the file is empty; expected a header line", err),
        ("byte-order mark only", info("csv_bom_only.csv"), 1, "the file is empty", err),
        ("blank lines only", info("csv_blank_lines_only.csv"), 1, "the file is empty", err),
        ("header only", info("csv_header_only.csv"), 1, "no data rows after the header", err),
        ("duplicate column names", info("csv_duplicate_columns.csv"), 1, ":1:3: duplicate column name 'a'", err),
        ("no label column, training", train("csv_no_label_column.csv"), 1, "no column named 'label'", err),
        ("no label column, info", info("csv_no_label_column.csv"), 0, "label     none", out),
        ("only delimiters", train("csv_only_delimiters.csv"), 1, "no column named 'label'", err),
        ("label index past the end", info("csv_ragged_short.csv", "--label", "#9"), 1, "label column index 9 is past the last column", err),
        ("wrong forced delimiter", train("csv_constant_column.csv", "--delimiter", ";"), 1, "no column named 'label'", err),
        ("a directory as data", ["info", h], 1, "is a directory", err),
        ("a file that does not exist", ["info", f"{h}/nope.csv"], 1, "cannot open: No such file or directory", err),
        # labels
        ("label neither class", info("csv_label_text.csv"), 1, ":3:3: field 2 (label): label 'maybe' is not a class", err),
        ("label 2", info("csv_label_two.csv"), 1, "label '2' is not a class", err),
        ("three label values", info("csv_label_three_values.csv", "--positive", "yes"), 1, "label 'unknown' is not a class: expected the positive class 'yes' or the negative class 'no'", err),
        ("missing label", info("csv_label_missing.csv"), 1, ":3:3: field 2 (label): the label is missing", err),
        ("missing label, skipped", info("csv_label_missing.csv", "--skip-missing-labels"), 0, "1 row with a missing label skipped", out),
        ("every label missing, skipped", info("csv_label_all_missing.csv", "--skip-missing-labels"), 1, "every row's label is missing", err),
        ("one class", train("csv_one_class.csv"), 1, "every row of label 'label' is positive (3 rows)", err),
        ("one row", train("csv_one_row.csv"), 1, "is positive (1 row); training a classifier needs rows of both classes", err),
        # weights
        ("negative weight", info("csv_weight_negative.csv", "--weight-col", "w"), 1, ":3:3: field 2 (w): weight '-1' is negative, infinite or NaN", err),
        ("NaN weight (a missing text)", info("csv_weight_nan.csv", "--weight-col", "w"), 1, "the weight is missing ('nan')", err),
        ("infinite weight", info("csv_weight_inf.csv", "--weight-col", "w"), 1, "weight 'inf' is negative, infinite or NaN", err),
        ("text weight", info("csv_weight_text.csv", "--weight-col", "w"), 1, "weight 'heavy' is not a number", err),
        ("missing weight", info("csv_weight_missing.csv", "--weight-col", "w"), 1, "the weight is missing", err),
        ("zero weight on a class", train("csv_weight_zero_class.csv", "--weight-col", "w"), 1, "the weights of one class sum to zero", err),
        ("unknown weight column", info("csv_constant_column.csv", "--weight-col", "wt"), 1, "no column named 'wt' (the weight column)", err),
        # awkward numbers: documented behaviour
        ("1e400 reads as infinity", info("csv_number_overflow.csv", "--format", "csv"), 0, "b,numeric,0,0,", out),
        ("1e400 cannot train", train("csv_number_overflow.csv"), 1, "feature 'b' is +infinity in data row 1", err),
        ("-0 is negative zero", info("csv_negative_zero.csv", "--format", "csv"), 0, "a,numeric,0,0,-0,0,-0,0,0", out),
        ("nan texts are missing", info("csv_nan_texts.csv", "--format", "csv"), 0, "a,numeric,3,0.75,2,2,2,,0", out),
        ("inf texts are numbers", info("csv_inf_texts.csv", "--format", "json"), 0, '"name": "a", "type": "numeric", "missing": 0', out),
        ("hex is text", info("csv_hex.csv", "--format", "csv"), 0, "a,categorical,0,0,,,,,2", out),
        ("thousands separators are text", info("csv_thousands.csv", "--format", "csv"), 0, "a,categorical,0,0,,,,,2", out),
        ("all-missing column trains", train("csv_all_missing_column.csv"), 0, "", out),
        ("constant column trains", train("csv_constant_column.csv"), 0, "", out),
        ("quote inside a field is kept", info("csv_quote_inside_unquoted.csv"), 0, 'ab"c', out),
        ("CR line ends", info("csv_crlf_and_lone_cr.csv"), 0, "rows      3", out),
        ("separable classes with a penalty", train("csv_separable.csv"), 0, "", out),
        ("separable classes without one", ["train", "logreg", f"{h}/csv_separable.csv", "--lambda", "0", "-o", f"{t}/sep.model"], 1, "linearly separable", err),
        ("1e30-scale feature", train("csv_huge_scale.csv"), 0, "", out),
        ("duplicate rows", train("csv_duplicate_rows.csv"), 0, "", out),
        ("10 MB single line", ["info", f"{t}/long_line.csv"], 0, "2: short (1), " + "x" * 40 + "... (1)", out),
        ("100,000 columns", ["info", f"{t}/wide.csv", "--format", "json"], 0, '"n_features": 100000', out),
        # LibSVM
        ("LibSVM bad pair", info("svm_bad_pair.svm"), 1, ":1:7: '3': expected index:value", err),
        ("LibSVM decreasing indices", info("svm_decreasing_index.svm"), 1, ":1:7: '2:1': feature indices must increase", err),
        ("LibSVM bad label", info("svm_bad_label.svm"), 1, ":2:1: 'maybe'", err),
        ("LibSVM NUL byte", info("svm_nul.svm"), 1, ":2:5: NUL byte", err),
        ("LibSVM empty", info("svm_empty.svm"), 1, "no data lines", err),
        ("LibSVM comments only", info("svm_comments_only.svm"), 1, "no data lines", err),
        ("LibSVM huge index", info("svm_huge_index.svm"), 1, ":2:3: '2000000000:1': feature index above 1000000", err),
        ("LibSVM labels only, training", train("svm_labels_only.svm"), 1, "2 rows and 0 features", err),
        ("LibSVM text value", info("svm_value_text.svm"), 1, ":1:3: '1:abc'", err),
        # model files
        ("empty model", predict(f"{h}/model_empty.model", small), 1, "model_empty.model:1: the file is empty", err),
        ("wrong magic", predict(f"{h}/model_wrong_magic.model", small), 1, ":1: not a model file: expected 'stratum-model 1 logreg' or 'stratum-model 1 gbdt'", err),
        ("future version", predict(f"{h}/model_future_version.model", small), 1, "model format version 2 is newer than this stratum (1)", err),
        ("unknown model kind", predict(f"{h}/model_unknown_kind.model", small), 1, "'forest' model", err),
        ("truncated model", predict(f"{h}/model_truncated.model", small), 1, "the file is truncated", err),
        ("corrupted model", predict(f"{h}/model_bad_checksum.model", small), 1, "checksum mismatch", err),
        ("hand-edited model", predict(f"{h}/model_bad_value.model", small), 1, "checksum mismatch", err),
        ("binary garbage as model", predict(f"{h}/model_binary.model", small), 1, "not a model file: expected", err),
        ("data as model", predict(small, small), 1, "not a model file: expected", err),
        ("boosted trees: child out of range", predict(f"{h}/model_gbdt_bad_child.model", small), 1, ":28: left '7': expected a whole number from -3 to 1", err),
        ("boosted trees: a cycle", predict(f"{h}/model_gbdt_cycle.model", small), 1, ":29: node 1: a child node must come after its parent", err),
        ("boosted trees: truncated", predict(f"{h}/model_gbdt_truncated.model", small), 1, "the file is truncated", err),
        ("LightGBM: a number past long's range", predict(f"{h}/model_lightgbm_huge_number.txt", small), 1, ":3: num_class: entry 0 is 1.6666666666666667e+45; expected a whole number in [1, 1000000000]", err),
        ("LightGBM: truncated", predict(f"{h}/model_lightgbm_truncated.txt", small), 1, ":20: the file ends inside tree 0: truncated?", err),
        ("data without a model column", predict(model, f"{h}/data_missing_column.csv"), 1, "data_missing_column.csv: feature 'sex' of the model is not in the dataset", err),
        ("data with a column's type changed", predict(model, f"{h}/data_type_changed.csv"), 1, "data_type_changed.csv: line 2, character 6 holds 'high', which is not a number (1 such cell); read the column as the model does with --numeric bp", err),
        ("unseen categorical level", predict(model, f"{h}/data_unseen_level.csv"), 0, "p\n", out),
        ("reordered and extra columns, no label", predict(model, f"{h}/data_reordered_extra.csv"), 0, "p\n", out),
        # command lines
        ("no command", [], 2, "Usage: stratum COMMAND", err),
        ("unknown command", ["fit"], 2, "unknown command 'fit'", err),
        ("unknown option", ["info", "--colour", small], 2, "", err),
        ("threads not a number", ["info", "--threads", "two", small], 2, "--threads 'two'", err),
        ("negative seed", ["info", "--seed", "-5", small], 2, "--seed '-5'", err),
        ("unknown format", ["info", "--format", "xml", small], 2, "--format 'xml'", err),
        ("bad delimiter", ["info", "--delimiter", "::", small], 2, "--delimiter '::'", err),
        ("negative lambda", ["train", "logreg", small, "--lambda", "-1", "-o", f"{t}/x.model"], 2, "", err),
        ("alpha above 1", ["train", "logreg", small, "--alpha", "2", "-o", f"{t}/x.model"], 2, "", err),
        ("bad class weight", ["train", "logreg", small, "--class-weight", "heavy", "-o", f"{t}/x.model"], 2, "", err),
        ("zero iterations", ["train", "logreg", small, "--max-iter", "0", "-o", f"{t}/x.model"], 2, "", err),
        ("train without -o", ["train", "logreg", small], 2, "", err),
        ("train an unknown family", ["train", "forest", small, "-o", f"{t}/x.model"], 2, "expected logreg or gbdt", err),
        ("gbdt: negative class weight", ["train", "gbdt", small, "--class-weight", "-1", "-o", f"{t}/x.model"], 2, "--class-weight '-1': expected none, balanced or a number > 0", err),
        ("gbdt: zero trees", ["train", "gbdt", small, "--num-trees", "0", "-o", f"{t}/x.model"], 2, "", err),
        ("gbdt: bagging fraction above 1", ["train", "gbdt", small, "--bagging-fraction", "1.5", "-o", f"{t}/x.model"], 2, "", err),
        ("cv with one fold", ["cv", "logreg", small, "--folds", "1"], 2, "--folds '1'", err),
        ("cv with more folds than rows", ["cv", "logreg", small, "--folds", "9"], 1, "5 rows cannot make 9 folds", err),
        ("cv grouped by a missing column", ["cv", "logreg", small, "--group-col", "nope"], 1, "no column named 'nope' (--group-col)", err),
        ("compare with an unknown weight", ["compare", small, "--weights", "heavy"], 2, "--weights 'heavy'", err),
        ("compare an unknown model family", ["compare", small, "--models", "forest"], 2, "--models 'forest'", err),
        ("model over its input", ["train", "logreg", small, "-o", small], 1, "is an input file", err),
        ("predictions over the model", ["predict", model, small, "-o", model], 1, "is an input file", err),
        ("predictions into a missing folder", ["predict", model, small, "-o", f"{t}/no/such/p.csv"], 1, "does not exist", err),
    ]


def make_big_inputs(t):
    with open(f"{t}/long_line.csv", "w") as f:  # one 10 MB categorical value
        f.write("note,label\n" + "x" * 10_000_000 + ",1\nshort,0\n")
    with open(f"{t}/wide.csv", "w") as f:  # 100,000 feature columns
        n = 100_000
        f.write(",".join(f"c{j}" for j in range(n)) + ",label\n")
        for r in range(3):
            f.write(",".join(str((j + r) % 7) for j in range(n)) + f",{r % 2}\n")


def run_case(stratum, case):
    name, args, want_code, want_text, stream = case
    try:
        p = subprocess.run([stratum, *args], capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"hung for more than {TIMEOUT} s"
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    if p.returncode < 0 or p.returncode >= 128:
        return f"crashed (exit {p.returncode}): {err[-300:]}"
    if p.returncode != want_code:
        return f"exit {p.returncode}, expected {want_code}; stderr: {err.strip()[:300]}"
    if want_code == 1 and (err.count("\n") != 1 or not err.startswith("stratum")):
        return f"expected one 'stratum: ...' line on stderr, got: {err[:300]!r}"
    text = err if stream == "stderr" else out
    if want_text not in text:
        return f"{stream} lacks {want_text!r}: {text[:300]!r}"
    return None


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    stratum, hostile, small = sys.argv[1:]
    failed = 0
    with tempfile.TemporaryDirectory() as t:
        model = f"{t}/good.model"
        subprocess.run([stratum, "train", "logreg", small, "--lambda", "0.1", "-o", model, "-q"],
                       check=True, capture_output=True)
        make_big_inputs(t)
        all_cases = cases(hostile, t, model, small)
        for case in all_cases:
            problem = run_case(stratum, case)
            print(f"{'FAILED' if problem else 'ok'}: {case[0]}{': ' + problem if problem else ''}")
            failed += problem is not None
        shipped = [f for f in os.listdir(hostile) if not f.startswith(".")]
        print(f"{len(shipped)} input files shipped in tests/hostile, 2 generated, "
              f"{len(all_cases)} cases")
    print(f"{len(all_cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
