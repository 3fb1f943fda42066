#!/usr/bin/env python3
"""A seeded table of numbers and codes for timing logistic regression's design choice
(bench/RESULTS.md, "a code of a few hundred levels beside a few dozen numbers"):

    gen_coded_table.py ROWS NUMBERS LEVELS CODES OUT.csv

NUMBERS standard normal columns x0.., CODES columns c0.. of LEVELS uniform levels each
(L0, L1, ...), and a label from a logistic model of the first five numbers and each code's
level effects (about 5% positive)."""
import sys

import numpy as np


def main(n, k, levels, n_codes, out):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(n, k))
    codes = [rng.integers(0, levels, size=n) for _ in range(n_codes)]
    effects = [rng.normal(scale=0.5, size=levels) for _ in range(n_codes)]
    eta = -3.5 + 0.4 * x[:, :5].sum(axis=1) + sum(e[c] for e, c in zip(effects, codes))
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    with open(out, "w") as f:
        f.write(",".join([f"x{j}" for j in range(k)] + [f"c{j}" for j in range(n_codes)] +
                         ["label"]) + "\n")
        for i in range(n):
            f.write(",".join([f"{v:.4g}" for v in x[i]] + [f"L{c[i]}" for c in codes] +
                             [str(y[i])]) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
