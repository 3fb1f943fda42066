#!/usr/bin/env python3
"""stratum's XGBoost JSON import and TreeSHAP against XGBoost itself, run by ctest with
Debian's python3 (python3-xgboost, python3-pandas, python3-numpy).

    shap_vs_xgboost.py GBDT_EXPLAIN STRATUM_CLI DATASETS_DIR

For each case below XGBoost trains a binary:logistic model on the numeric columns of a
shipped dataset (some with missing values) and saves it with Booster.save_model as JSON.
stratum loads that file (through the test helper gbdt_explain) and must give, row by row:

    probabilities         equal to XGBoost's predict                      within 1e-6
    SHAP contributions    equal to predict(pred_contribs=True)            within 1e-5
    interaction values    equal to predict(pred_interactions=True)        within 1e-5

XGBoost computes in float32 and stratum in double, hence the tolerances. Each model is
also re-saved as a stratum model file and loaded back, which must give bit-identical
results, and `stratum predict` on the JSON file must print XGBoost's probabilities.
One case trains on a bare numpy array, so the model has no feature names and stratum
names the features as XGBoost does, f0, f1, ...
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd
import xgboost as xgb

NA = ["", "NA", "?"]
# name, columns left out, XGBoost parameters, boosting rounds, named features
CASES = [
    ("wdbc", ["id"], {"max_depth": 4, "eta": 0.3}, 30, True),
    ("wdbc", ["id"], {"tree_method": "hist", "grow_policy": "lossguide", "max_leaves": 31,
                      "max_depth": 0, "eta": 0.1, "base_score": 0.2}, 40, False),
    ("cervical_cancer", ["Hinselmann", "Schiller", "Cytology"],
     {"max_depth": 6, "eta": 0.2, "subsample": 0.8, "colsample_bytree": 0.7,
      "min_child_weight": 0.5, "lambda": 2.0}, 40, True),
    ("hepatitis", [], {"tree_method": "exact", "max_depth": 5, "eta": 0.3, "gamma": 0.5},
     25, True),
]


def numeric_frame(path, ignore):
    df = pd.read_csv(path, na_values=NA, keep_default_na=False)
    y = df.pop("label").to_numpy(np.float64)
    cols = [c for c in df.columns if c not in ignore and pd.api.types.is_numeric_dtype(df[c])]
    return df[cols].to_numpy(np.float64).astype(np.float32), y, cols


def check(name, what, got, want, tol):
    err = float(np.max(np.abs(got - want))) if got.size else 0.0
    ok = got.shape == want.shape and err <= tol
    print(f"{'ok' if ok else 'FAILED'}: {name}: {what}: max |stratum - xgboost| = {err:.3g} "
          f"(tolerance {tol:g})")
    return ok


def read(prefix, ext, shape):
    return np.fromfile(f"{prefix}.{ext}", dtype=np.float64).reshape(shape)


def main():
    explain_bin, cli, datasets = sys.argv[1], sys.argv[2], sys.argv[3]
    ok = True
    for k, (name, ignore, params, rounds, named) in enumerate(CASES):
        label = f"{name} #{k}"
        x, y, cols = numeric_frame(os.path.join(datasets, f"{name}.csv"), ignore)
        names = cols if named else [f"f{j}" for j in range(len(cols))]
        prm = {"objective": "binary:logistic", "nthread": 1, "seed": 7, **params}
        dm = xgb.DMatrix(x, label=y, feature_names=cols if named else None)
        bst = xgb.train(prm, dm, num_boost_round=rounds)
        with tempfile.TemporaryDirectory() as tmp:
            model = os.path.join(tmp, "m.json")
            bst.save_model(model)
            data = os.path.join(tmp, "data.csv")
            frame = pd.DataFrame(x.astype(np.float64), columns=names)
            frame["label"] = y
            frame.to_csv(data, index=False, na_rep="", float_format="%.9g")
            p_x = bst.predict(dm).astype(np.float64)
            c_x = bst.predict(dm, pred_contribs=True).astype(np.float64)
            i_x = bst.predict(dm, pred_interactions=True).astype(np.float64)
            n, side = x.shape[0], x.shape[1] + 1
            outs = []
            for resave in (None, os.path.join(tmp, "m.model")):
                prefix = os.path.join(tmp, "out" if resave is None else "out2")
                args = [explain_bin, model, data, prefix] + ([f"resave={resave}"] if resave else [])
                r = subprocess.run(args, capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"FAILED: {label}: {' '.join(args)}: {r.stderr.strip()}")
                    ok = False
                    break
                meta = json.loads(r.stdout)
                if meta["features"] != names:
                    print(f"FAILED: {label}: feature names {meta['features'][:3]}..., "
                          f"expected {names[:3]}...")
                    ok = False
                outs.append((read(prefix, "prob", (n,)), read(prefix, "contrib", (n, side)),
                             read(prefix, "inter", (n, side, side))))
            if len(outs) != 2:
                continue
            prob, contrib, inter = outs[0]
            ok &= check(label, "probabilities", prob, p_x, 1e-6)
            ok &= check(label, "contributions", contrib, c_x, 1e-5)
            ok &= check(label, "interactions", inter, i_x, 1e-5)
            same = all(np.array_equal(a, b) for a, b in zip(outs[0], outs[1]))
            print(f"{'ok' if same else 'FAILED'}: {label}: re-saved as a stratum model, "
                  "identical results")
            ok &= same
            r = subprocess.run([cli, "predict", model, data], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAILED: {label}: stratum predict {model}: {r.stderr.strip()}")
                ok = False
            else:
                p_cli = np.array([float(v) for v in r.stdout.split()[1:]])
                ok &= check(label, "stratum predict on the JSON file", p_cli, p_x, 1e-6)
    print("all passed" if ok else "some checks FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
