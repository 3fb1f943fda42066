#!/usr/bin/env python3
"""What stratum's Python package takes: numpy arrays of either float width and order,
pandas frames (categorical columns native, checked against the CLI reading the same CSV),
scipy sparse matrices; and what it refuses, with StratumError and a clear message.

    test_inputs.py STRATUM_CLI DATASETS_DIR TMP_DIR"""
import filecmp
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import scipy.sparse as sp

import stratum
from stratum._data import as_dense_float32
from harness import case, finish, raises

CLI, DATASETS, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)
E = stratum.StratumError


def data(n=300, d=6, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)).astype(np.float32)
    X[rng.random((n, d)) < 0.4] = 0  # zeros, so the sparse forms hold fewer entries
    X[rng.random((n, d)) < 0.05] = np.nan
    y = (np.nan_to_num(X[:, 0]) + 0.5 * np.nan_to_num(X[:, 1]) + rng.normal(size=n) > 0)
    return X, y.astype(int)


X, Y = data()
FAMILIES = (lambda: stratum.LogisticRegression(), lambda: stratum.GBDTClassifier(num_trees=20))


@case
def float32_fortran_is_not_copied():
    Xf = np.asfortranarray(X)
    assert np.shares_memory(as_dense_float32(Xf), Xf)
    assert not np.shares_memory(as_dense_float32(np.ascontiguousarray(X)), X)


@case
def every_form_gives_the_same_model():
    """float32 C and F order, float64, a frame, CSR, CSC and COO (NaN an explicit entry):
    the same values, so byte for byte the same model file and predictions."""
    X64 = X.astype(np.float64)
    csr = sp.csr_matrix(np.nan_to_num(X, nan=1.0))  # structure of the non-zeros...
    csr.data[:] = X[csr.nonzero()]                   # ...then the true values, NaN kept
    forms = {"C32": np.ascontiguousarray(X), "F32": np.asfortranarray(X), "F64": X64,
             "frame": pd.DataFrame(X64, columns=[f"f{j}" for j in range(X.shape[1])]),
             "csr": csr, "csc": csr.tocsc(), "coo": csr.tocoo()}
    for make in FAMILIES:
        files = {}
        for name, Xk in forms.items():
            est = make().fit(Xk, Y)
            files[name] = est.model_.to_bytes()
            p = est.predict_proba(Xk)
            if name == "C32":
                want = p
            assert np.array_equal(p, want), name
        assert len(set(files.values())) == 1, [k for k in files if files[k] != files["C32"]]


@case
def xgboost_model_reads_absent_entries_as_missing():
    # XGBoost's DMatrix of a sparse matrix reads an entry not stored as missing, not 0: a
    # model it trained scores a CSR or CSC matrix through stratum.load as Booster.predict
    # does, and its contributions add up to that log-odds (absent read as 0 gave
    # differences up to 0.9 in probability)
    import xgboost as xgb
    rng = np.random.default_rng(3)
    n, d = 400, 12
    dense = np.where(rng.random((n, d)) < 0.3, rng.integers(1, 5, (n, d)), 0)
    y = (dense[:, 0] + dense[:, 3] + rng.normal(size=n) > 2.5).astype(int)
    csr = sp.csr_matrix(dense.astype(np.float32))
    booster = xgb.train({"objective": "binary:logistic", "tree_method": "hist", "max_depth": 4,
                         "nthread": 1}, xgb.DMatrix(csr, label=y), 20)
    path = os.path.join(TMP, "xgb_sparse.json")
    booster.save_model(path)
    want = booster.predict(xgb.DMatrix(csr))
    assert np.abs(want - booster.predict(xgb.DMatrix(dense.astype(np.float32)))).max() > 0.05
    model = stratum.load(path)
    for m in (csr, csr.tocsc()):
        got = np.asarray(model.predict_proba(m))
        got = got[:, 1] if got.ndim == 2 else got
        assert np.abs(got - want).max() < 2e-6, np.abs(got - want).max()
    contrib = np.asarray(model.explain(csr)).sum(axis=1)
    assert np.abs(contrib - np.log(want / (1 - want))).max() < 1e-4


@case
def unsorted_sparse_indices_are_sorted():
    csr = sp.csr_matrix(np.nan_to_num(X))
    perm = csr.copy()
    for i in range(perm.shape[0]):  # reverse each row's entries
        a, b = perm.indptr[i], perm.indptr[i + 1]
        perm.indices[a:b] = perm.indices[a:b][::-1].copy()
        perm.data[a:b] = perm.data[a:b][::-1].copy()
    perm.has_sorted_indices = False
    m1 = stratum.LogisticRegression().fit(csr, Y)
    m2 = stratum.LogisticRegression().fit(perm, Y)
    assert m1.model_.to_bytes() == m2.model_.to_bytes()


NA = ["", "NA", "N/A", "n/a", "NaN", "nan", "-nan", "NULL", "null", "None", "?", "#N/A",
      "<NA>"]  # the library's default missing texts (stratum/dataset.h)


@case
def categorical_frame_matches_cli():
    """thyroid_sick.csv has text columns (sex, t/f flags, referral_source): the CLI reads
    them as categorical; pandas columns of dtype category must give the same model file."""
    path = os.path.join(DATASETS, "thyroid_sick.csv")
    df = pd.read_csv(path, keep_default_na=False, na_values=NA, float_precision="round_trip")
    y = df.pop("label").to_numpy()
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].astype("category")
    assert sum(df[c].dtype == "category" for c in df.columns) > 10
    for kind, est, opts in (("logreg", stratum.LogisticRegression(lam=0.001), ["--lambda", "0.001"]),
                            ("gbdt", stratum.GBDTClassifier(num_trees=30), ["--num-trees", "30"])):
        cli_model = os.path.join(TMP, f"thyroid_cli_{kind}.model")
        subprocess.run([CLI, "train", kind, path, "-o", cli_model, "-q"] + opts, check=True,
                       stdout=subprocess.DEVNULL)
        py_model = os.path.join(TMP, f"thyroid_py_{kind}.model")
        est.fit(df, y).save(py_model)
        assert filecmp.cmp(cli_model, py_model, shallow=False), kind
        # and the frame scores as the CLI's model does, with columns in any order
        loaded = stratum.load(cli_model)
        shuffled = df[df.columns[::-1]]
        assert np.array_equal(loaded.predict_proba(shuffled), est.predict_proba(df)[:, 1])


@case
def unseen_level_and_missing_category():
    df = pd.DataFrame({"x": np.arange(200) % 7 * 1.0,
                       "c": pd.Categorical(np.where(np.arange(200) % 3 == 0, "a", "b"))})
    y = (np.arange(200) % 3 == 0).astype(int)
    g = stratum.GBDTClassifier(min_data_in_leaf=5, num_trees=10).fit(df, y)
    new = pd.DataFrame({"x": [1.0, 1.0, 1.0], "c": pd.Categorical(["a", "zzz", None])})
    p = g.predict_proba(new)[:, 1]
    assert p[0] > 0.7 and p[1] < 0.3 and p[1] == p[2]  # an unseen level goes where missing values go


@case
def numeric_categories_match_by_value():
    """Categories 2 and 2.0 are one level, as pandas compares them: a column of codes fitted
    as floats (NaN made it float) and predicted as ints (or the other way) reads the same
    levels; not one level that any level of the model would count as unseen."""
    rng = np.random.default_rng(3)
    g = rng.integers(1, 4, 400).astype(float)
    g[:10] = np.nan
    x = rng.normal(size=400)
    y = ((g == 2) | (x > 1)).astype(int)
    floats = pd.DataFrame({"grp": pd.Categorical(g), "x": x})
    ints = pd.DataFrame({"grp": pd.Categorical(g, categories=[1, 2, 3]), "x": x})
    assert list(floats.grp.cat.categories) == [1.0, 2.0, 3.0]
    assert list(ints.grp.cat.categories) == [1, 2, 3]
    for make in FAMILIES:
        a, b = make().fit(floats, y), make().fit(ints, y)
        assert a.model_.to_bytes() == b.model_.to_bytes()
        p = a.predict_proba(floats)[:, 1]
        assert np.array_equal(a.predict_proba(ints)[:, 1], p)
        assert np.array_equal(b.predict_proba(floats)[:, 1], p)
        # the level matters: as unseen (missing), level 2's rows would score otherwise
        unseen = floats.assign(grp=pd.Categorical(g, categories=[1.5, 2.5, 3.5]))
        assert not np.allclose(a.predict_proba(unseen)[:, 1], p)


@case
def category_frame_same_as_written_out():
    """A frame of category columns becomes a dataset from the codes themselves
    (st_dataset_from_arrays_categorical); the same frame written out as CSV and trained on
    by the CLI gives the same model bytes and scores: thousands of levels, missing values,
    unused categories (an empty one among them), numeric categories, categories of equal
    text."""
    rng = np.random.default_rng(5)
    n = 3000
    code = pd.Categorical(np.char.add("D", rng.integers(0, 2500, n).astype(str)))
    code[rng.random(n) < 0.1] = np.nan
    df = pd.DataFrame({
        "code": code,
        "x": rng.normal(size=n),
        "dose": pd.Categorical(np.where(rng.random(n) < 0.2, np.nan,
                                        rng.integers(0, 9, n) * 2.5)),
        "ward": pd.Categorical(rng.choice(["a", "b", "c"], n)).add_categories(["", "unused"]),
        "mixed": pd.Categorical(rng.choice(np.array([1, "1", "one"], dtype=object), n)),
    })
    assert df["code"].cat.categories.size > 1000
    y = (df["x"] + (df["ward"] == "a") + rng.normal(size=n) > 0.5).astype(int)
    path = os.path.join(TMP, "categories.csv")
    # a whole number's level text is the integer's ("5", where pandas writes 5.0 as "5.0"):
    # the CSV spells dose's levels so
    df.assign(label=y, dose=[f"{v:g}" if v == v else "" for v in df["dose"].astype(float)]) \
        .to_csv(path, index=False)
    for kind, est, opts in (("gbdt", stratum.GBDTClassifier(num_trees=20, min_data_in_leaf=5),
                             ["--num-trees", "20", "--min-data-in-leaf", "5"]),
                            ("logreg", stratum.LogisticRegression(lam=0.01),
                             ["--lambda", "0.01"])):
        cli_model = os.path.join(TMP, f"categories_cli_{kind}.model")
        subprocess.run([CLI, "train", kind, path, "-o", cli_model, "-q", "--na-values", "",
                        "--categorical", "dose"] + opts, check=True, stdout=subprocess.DEVNULL)
        est.fit(df, y)
        with open(cli_model, "rb") as f:
            assert f.read() == est.model_.to_bytes(), kind
        assert np.array_equal(stratum.load(cli_model).predict_proba(df),
                              est.predict_proba(df)[:, 1]), kind
    used_empty = df.copy()
    used_empty.loc[3, "ward"] = ""
    raises(lambda: stratum.GBDTClassifier().fit(used_empty, y), E,
           "column 'ward' has the empty string as a level")
    nul = df.copy()
    nul["ward"] = nul["ward"].cat.add_categories(["a\0b"])
    stratum.GBDTClassifier(num_trees=2).fit(nul, y)  # unused: no level at all
    nul.loc[4, "ward"] = "a\0b"
    raises(lambda: stratum.GBDTClassifier().fit(nul, y), E,
           "column 'ward' holds a NUL character in row 4")


# ---- hostile inputs ----
@case
def labels_nan_three_values_one_class():
    y = Y.astype(float)
    y[7] = np.nan
    for make in FAMILIES:
        raises(lambda: make().fit(X, y), E, "y has a missing label (NaN) at row 7")
        raises(lambda: make().fit(X, np.arange(len(Y)) % 3), E,
               "y has 3 classes (0, 1, 2): stratum trains binary classifiers and needs "
               "exactly 2")
        raises(lambda: make().fit(X, np.zeros(len(Y))), E, "y has 1 class (0.0)")
        raises(lambda: make().fit(X, np.linspace(0, 1, len(Y))), E,
               "Unknown label type: 'continuous'")
        raises(lambda: make().fit(X, None), E, "requires y to be passed")


@case
def wrong_shapes():
    for make in FAMILIES:
        raises(lambda: make().fit(X, Y[:-1]), E, "X has 300 rows but y has 299")
        raises(lambda: make().fit(X[:, 0], Y), E, "Expected 2D array, got 1D array")
        est = make().fit(X, Y)
        raises(lambda: est.predict(X[:, :3]), E,
               "X has 3 features, but " + type(est).__name__ + " is expecting 6 features")
        raises(lambda: est.predict_proba(X[0]), E, "Reshape your data")


@case
def infinity_and_out_of_range():
    Xi = X.copy()
    Xi[3, 2] = np.inf
    for make in FAMILIES:
        raises(lambda: make().fit(Xi, Y), E,
               "X contains infinity at row 3, column 2: stratum takes NaN as a missing "
               "value, but an infinite value is not a number it can use")
        raises(lambda: make().fit(X.astype(np.float64) * 1e300, Y), E,
               "beyond float32's range")
        raises(lambda: make().fit(sp.csr_matrix(np.where(np.isnan(Xi), 0, Xi)), Y), E,
               "X contains infinity")
        est = make().fit(X, Y)
        raises(lambda: est.predict(Xi), E, "X contains infinity at row 3, column 2")
    # a frame's values as an array's: a finite 1e39 is out of float32's range, not an
    # infinity (float32 would make it one), in a frame of numbers or with a category column
    df = pd.DataFrame(X.astype(np.float64), columns=[f"c{j}" for j in range(6)])
    df.loc[3, "c2"] = 1e39
    with_levels = df.assign(ward=pd.Categorical(np.arange(len(df)) % 3))
    for make in FAMILIES:
        raises(lambda: make().fit(df, Y), E, "X has a value beyond float32's range (about "
               "3.4e38): stratum stores features as 32-bit floats")
        raises(lambda: make().fit(with_levels, Y), E,
               "column 'c2' has a value beyond float32's range (about 3.4e38)")
        df.loc[3, "c2"] = -np.inf  # still named as an infinity
        raises(lambda: make().fit(df, Y), E, "X contains infinity at row 3, column 2")
        raises(lambda: make().fit(df.assign(ward=with_levels.ward), Y), E,
               "column 'c2' contains infinity")
        df.loc[3, "c2"] = 1e39
    # logistic regression leaves the check to its design build (one fit, the lambda path,
    # the inner folds of recalibrate) and names the value as numpy's check did
    message = "X contains infinity at row 3, column 2: stratum takes NaN"
    for est in (stratum.LogisticRegression(lam=0.01), stratum.LogisticRegression(),
                stratum.LogisticRegression(lam=0.01, recalibrate="isotonic")):
        for A in (Xi, Xi.astype(np.float64), -np.asfortranarray(Xi)):
            raises(lambda: est.fit(A, Y), E, message)


@case
def out_of_range_raises_without_a_warning():
    # a float64 value beyond float32's range is refused with StratumError alone: numpy's
    # "overflow encountered in cast" is not shown first (an array, its one-row path, a
    # sparse matrix, a frame; as errors here, so that one would fail the case)
    import warnings
    big = X.astype(np.float64)
    big[3, 2] = 1e39
    for make in FAMILIES:
        est = make().fit(X, Y)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for fn in (lambda: make().fit(big, Y), lambda: est.predict_proba(big),
                       lambda: est.predict_proba(big[3:4]),
                       lambda: est.model_.predict_proba(big[3:4]),
                       lambda: make().fit(sp.csr_matrix(np.nan_to_num(big)), Y),
                       lambda: est.predict_proba(sp.csc_matrix(np.nan_to_num(big))),
                       lambda: est.predict_proba(pd.DataFrame(big))):
                raises(fn, E, "beyond float32's range (about 3.4e38)")


@case
def class_weight_dict_names_the_classes():
    # a dict whose keys are not y's labels ({1: 10} for 'no'/'yes') weighed nothing before,
    # without a word; it is refused, naming the keys and the classes
    labels = np.where(Y == 1, "yes", "no")
    for make in FAMILIES:
        plain = make().fit(X, labels).predict_proba(X)
        for cw, unknown in (({1: 10}, "1 is"), ({"Yes": 10}, "'Yes' is"),
                            ({"yes": 2, 0: 1, 1: 3}, "0, 1 are")):
            est = make().set_params(class_weight=cw)
            raises(lambda: est.fit(X, labels), E,
                   f"class_weight={cw!r}: {unknown} not among the classes ['no', 'yes']")
            assert getattr(est, "model_", None) is None
        weighted = make().set_params(class_weight={"yes": 10}).fit(X, labels)
        assert np.abs(weighted.predict_proba(X) - plain).max() > 0.05
        both = make().set_params(class_weight={"no": 2, "yes": 10}).fit(X, labels)
        assert np.abs(both.predict_proba(X) - weighted.predict_proba(X)).max() > 0.01
        # 0/1 labels of another type name the same classes (numpy ints, floats, bools)
        make().set_params(class_weight={np.int64(1): 10, 0.0: 1}).fit(X, Y)
        # stratum.cv takes the estimator's class_weight through the same check
        raises(lambda: stratum.cv(X, labels, make().set_params(class_weight={1: 10}),
                                  folds=2), E, "1 is not among the classes ['no', 'yes']")
    # compare: each family's estimator is checked against y's own labels
    t = stratum.compare(X, labels, weights=["none"], folds=2, rule="fixed",
                        logreg=stratum.LogisticRegression(lam=0.1, class_weight={"yes": 3}),
                        gbdt=stratum.GBDTClassifier(num_trees=5, class_weight={"yes": 3}))
    assert len(t) == 2
    raises(lambda: stratum.compare(X, labels, weights=["none"], folds=2, family="gbdt",
                                   gbdt=stratum.GBDTClassifier(num_trees=5,
                                                               class_weight={1: 3})),
           E, "1 is not among the classes ['no', 'yes']")


@case
def failed_fit_leaves_the_estimator_as_it_was():
    # a fit that fails changes nothing: model_, threshold_ and the other fitted attributes
    # stay those of the last fit that succeeded (or the estimator stays unfitted)
    from sklearn.utils.validation import check_is_fitted
    for make in FAMILIES:
        est = make().set_params(threshold=0.3).fit(X, Y)
        before = dict(est.__dict__)
        model = est.model_
        X2 = np.hstack([X, X[:, :1]])
        for threshold, text in ((1.5, "threshold=1.5: expected a number from 0 to 1"),
                                ("x", "threshold='x': expected a number from 0 to 1"),
                                (True, "threshold=True")):
            est.set_params(threshold=threshold)
            raises(lambda: est.fit(X2, Y), E, text)
            assert est.model_ is model and est.threshold_ == 0.3
            assert est.n_features_in_ == X.shape[1]
            assert est.__dict__.keys() == before.keys()
            assert all(est.__dict__[k] is v for k, v in before.items() if k != "threshold")
        # the threshold is checked before any training
        est = make().set_params(threshold=2.0)

        def no_training(*args, **kwargs):
            raise AssertionError("trained before checking the threshold")
        est._train_post = no_training
        raises(lambda: est.fit(X, Y), E, "threshold=2.0")
        # a failure later in the fit (here the labels of the frame's refit) as well
        est = make().set_params(threshold=0.3).fit(X, Y)
        model = est.model_
        df = pd.DataFrame(X2, columns=[f"c{j}" for j in range(X2.shape[1])])
        raises(lambda: est.fit(df, np.where(Y == 1, 1, 2) * (np.arange(len(Y)) % 3 > 0)), E,
               "y has 3 classes")
        assert est.model_ is model and not hasattr(est, "feature_names_in_")
        assert est.n_features_in_ == X.shape[1] and list(est.classes_) == [0, 1]
        check_is_fitted(est)
        assert np.array_equal(est.predict(X), (est.predict_proba(X)[:, 1] >= 0.3).astype(int))
        # never fitted: still not fitted
        fresh = make().set_params(threshold=-1)
        raises(lambda: fresh.fit(X, Y), E, "threshold=-1")
        assert not hasattr(fresh, "model_") and not hasattr(fresh, "classes_")
    # the library's own refusal, after the labels and the features were read
    g = stratum.GBDTClassifier(num_trees=5).fit(X, Y)
    model = g.model_
    raises(lambda: g.fit(X2, Y, eval_set=(X2, np.full(len(Y), 7))), E,
           "eval_set's y has labels that are not among y's classes")
    assert g.model_ is model and g.n_features_in_ == X.shape[1]


@case
def empty_inputs():
    for make in FAMILIES:
        raises(lambda: make().fit(np.empty((0, 3)), np.empty(0)), E,
               "Found array with 0 sample(s) (shape=(0, 3)) while a minimum of 1 is "
               "required: stratum needs at least one row")
        raises(lambda: make().fit(np.empty((5, 0)), [0, 1, 0, 1, 0]), E,
               "Found array with 0 feature(s) (shape=(5, 0)) while a minimum of 1 is "
               "required: stratum needs at least one feature")
        raises(lambda: make().fit(sp.csr_matrix((0, 3)), np.empty(0)), E,
               "Found array with 0 sample(s) (shape=(0, 3))")


@case
def object_and_text_columns():
    df = pd.DataFrame(X, columns=[f"c{j}" for j in range(6)])
    df["note"] = ["x"] * len(df)
    for make in FAMILIES:
        raises(lambda: make().fit(df, Y), E,
               "column 'note' has dtype object: stratum takes numbers (NaN missing) and "
               "categorical columns; convert it with df['note'].astype('category') or "
               "pd.to_numeric")
        raises(lambda: make().fit(np.array([["a", "b"]] * 4), [0, 1, 0, 1]), E,
               "X of dtype <U1: expected numbers")
        raises(lambda: make().fit(X.astype(np.complex128), Y), E,
               "Complex data not supported")


@case
def model_reads_only_its_columns_by_name():
    # as the CLI ignores a table's other columns, a model reads its own from a frame, in any
    # order, whatever the other columns hold
    df = pd.DataFrame(X, columns=[f"c{j}" for j in range(6)])
    extra = df[df.columns[::-1]].assign(
        patient=[f"P{i}" for i in range(len(df))], admitted=pd.Timestamp("2020-01-01"),
        note=pd.Series(["a"] * len(df), dtype="string"), z=1 + 2j)
    for make in FAMILIES:
        m = make().fit(df, Y).model_
        assert np.array_equal(m.predict_proba(extra), m.predict_proba(df))
        assert np.array_equal(m.explain(extra), m.explain(df))
        raises(lambda: m.predict_proba(extra.drop(columns="c4")), E,
               "feature 'c4' of the model is not in the dataset")
        # but its own columns must still be numbers or categories
        raises(lambda: m.predict_proba(df.assign(c1="x")), E, "column 'c1' has dtype object")


@case
def duplicated_column_names():
    df = pd.DataFrame(X, columns=[f"c{j}" for j in range(6)])
    twice = pd.concat([df, df[["c1", "c3"]], df[["c1"]]], axis=1)
    message = ("X has more than one column named 'c1', 'c3': stratum reads columns by "
               "name; drop or rename the copies")
    for make in FAMILIES:
        raises(lambda: make().fit(twice, Y), E, message)
        est = make().fit(df, Y)
        raises(lambda: est.model_.predict_proba(twice), E, message)
        # a copy of a column the model does not read is no ambiguity
        other = pd.concat([df, pd.DataFrame({"x": np.zeros(len(df)), "y": 1.0}),
                           pd.DataFrame({"x": ["a"] * len(df)})], axis=1)
        assert np.array_equal(est.model_.predict_proba(other), est.model_.predict_proba(df))


@case
def bad_weights_and_options():
    w = np.ones(len(Y))
    w[4] = -1
    raises(lambda: stratum.LogisticRegression().fit(X, Y, sample_weight=w), E,
           "sample_weight must be finite and >= 0")
    raises(lambda: stratum.LogisticRegression().fit(X, Y, sample_weight=w[:5]), E,
           "sample_weight")
    raises(lambda: stratum.LogisticRegression(alpha=2).fit(X, Y), E,
           "alpha must be in [0, 1]")
    raises(lambda: stratum.GBDTClassifier(num_leaves=1).fit(X, Y), E,
           "num_leaves must be in [2, 131072]")
    raises(lambda: stratum.GBDTClassifier(class_weight="heavy").fit(X, Y), E,
           "class_weight='heavy': expected None, 'balanced', a number")
    raises(lambda: stratum.GBDTClassifier(early_stopping_rounds=5).fit(X, Y), E,
           "early_stopping_rounds needs a validation set")
    raises(lambda: stratum.GBDTClassifier(metric="f1").fit(X, Y), E,
           "metric='f1': expected 'logloss', 'auc' or 'pr-auc'")


@case
def automatic_is_none_only():
    """None asks for lambda or the number of trees to be chosen; no number does (not the
    library's sentinels -1 and 0), and what the CLI's --lambda and --num-trees refuse
    is refused, a count that is not whole too (never truncated)."""
    for lam in (-1, -1.0, -0.5, np.nan, np.inf, True, "0.1"):
        raises(lambda: stratum.LogisticRegression(lam=lam).fit(X, Y), E,
               f"lam={lam!r}: expected a number >= 0 (the CLI's --lambda), or None to "
               "choose it by cross-validation")
    for lam in (0, np.float32(0.01), np.int64(1)):  # as --lambda 0, 0.01, 1
        assert stratum.LogisticRegression(lam=lam).fit(X, Y).lambda_choice_ is None
    for n in (0, -1, 10.7, 10.0, True, 100000001, "10"):
        raises(lambda: stratum.GBDTClassifier(num_trees=n).fit(X, Y), E,
               f"num_trees={n!r}: expected a whole number from 1 to 100000000 (the CLI's "
               "--num-trees), or None to choose it by early stopping")
    g = stratum.GBDTClassifier(num_trees=np.int64(7)).fit(X, Y)
    assert g.n_trees_ == 7 and g.auto_trees_ is None
    raises(lambda: stratum.GBDTClassifier(num_leaves=8.5).fit(X, Y), E,
           "num_leaves=8.5: expected a whole number")
    raises(lambda: stratum.LogisticRegression(max_iter=True).fit(X, Y), E,
           "max_iter=True: expected a whole number")


@case
def model_files_that_are_not_models():
    bad = os.path.join(TMP, "not_a.model")
    with open(bad, "w") as f:
        f.write("hello\n")
    raises(lambda: stratum.load(bad), E,
           f"{bad}:1: not a model file: expected 'stratum-model 1 logreg' or "
           "'stratum-model 1 gbdt' on the first line, or an XGBoost JSON or LightGBM text "
           "model")
    raises(lambda: stratum.load(os.path.join(TMP, "absent.model")), E,
           "absent.model: cannot open: No such file or directory")
    good = os.path.join(TMP, "good.model")
    stratum.LogisticRegression().fit(X, Y).save(good)
    with open(good) as f:
        text = f.read()
    cut = os.path.join(TMP, "cut.model")
    with open(cut, "w") as f:
        f.write(text[: len(text) // 2])
    msg = raises(lambda: stratum.load(cut), E, cut)
    assert "truncated" in msg or "checksum" in msg or "expected" in msg, msg


@case
def predict_before_fit():
    from sklearn.exceptions import NotFittedError
    for make in FAMILIES:
        raises(lambda: make().predict(X), NotFittedError, "is not fitted yet")


finish()
