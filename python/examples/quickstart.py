"""docs/python.md's example, run by its docs test from the repository root:
    PYTHONPATH=python python3 python/examples/quickstart.py"""
import pandas as pd
from sklearn.model_selection import cross_val_predict

import stratum

df = pd.read_csv("datasets/thyroid_sick.csv")
y = df.pop("label")
for c in df.select_dtypes("object"):
    df[c] = df[c].astype("category")  # native categorical columns

gbdt = stratum.GBDTClassifier(num_trees=200, class_weight="balanced")
oof = cross_val_predict(gbdt, df, y, cv=5, method="predict_proba")[:, 1]
print(stratum.evaluate(y, oof, n_bootstrap=200).loc[["roc_auc", "pr_auc", "brier"]].round(3))

gbdt.fit(df, y)
gbdt.save("thyroid_gbdt.model")              # `stratum predict` reads it
shap = stratum.explain(gbdt, df.head(3))     # 3 x (29 features + bias), log-odds
print("row 0: largest contribution from", df.columns[abs(shap[0, :-1]).argmax()])
