#!/bin/sh
# `pip install ./python` offline, as docs/python.md shows it, against a library installed by
# `cmake --install`: both into a scratch directory, then a model trained from the installed
# package. Needs Debian's python3-pip, python3-setuptools and python3-wheel; without pip
# the test is skipped (exit 77), saying so.
#   check_install.sh BUILD_DIR SOURCE_DIR SCRATCH
set -eu
build=$1 src=$2 scratch=$3
py=/usr/bin/python3
if ! $py -m pip --version >/dev/null 2>&1; then
    echo "skipped: python3 -m pip is not installed (apt-get install python3-pip python3-setuptools python3-wheel)"
    exit 77
fi
rm -rf "$scratch"
mkdir -p "$scratch/src"
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
cp -r "$src/python/pyproject.toml" "$src/python/stratum" "$scratch/src/"
rm -rf "$scratch/src/stratum/__pycache__"
$py -m pip install --quiet --no-build-isolation --no-index --no-deps --prefix "$scratch/site" \
    "$scratch/src" 2>&1 | grep -v "Running pip as the 'root' user" || true
site=$(dirname "$(find "$scratch/site" -name __init__.py -path '*/stratum/*')")
site=$(dirname "$site")
lib=$(find "$scratch/prefix" -name libstratum.so | head -n 1)
cd "$scratch"
PYTHONPATH="$site" STRATUM_LIBRARY="$lib" PYTHONDONTWRITEBYTECODE=1 $py - "$src/datasets/wdbc.csv" "$site" "$lib" <<'PY'
import sys
import numpy as np
import pandas as pd
import stratum
data, site, lib = sys.argv[1:4]
assert stratum.__file__.startswith(site), stratum.__file__
assert stratum.LIBRARY_PATH == lib, stratum.LIBRARY_PATH
df = pd.read_csv(data)
y = df.pop("label")
m = stratum.GBDTClassifier(num_trees=10).fit(df.drop(columns=["id"]), y)
p = m.predict_proba(df.drop(columns=["id"]))[:, 1]
assert p.shape == (len(df),) and ((p > 0.5) == (y == 1)).mean() > 0.9
print(f"installed stratum {stratum.__version__} (library {stratum.version()}) from {site}")
PY
# a STRATUM_LIBRARY that is not a library is a clear ImportError
if PYTHONPATH="$site" STRATUM_LIBRARY="$scratch/none.so" $py -c "import stratum" 2> err.txt; then
    echo "import succeeded with STRATUM_LIBRARY pointing at nothing"; exit 1
fi
grep -q "STRATUM_LIBRARY=$scratch/none.so cannot be loaded" err.txt || { cat err.txt; exit 1; }
echo "1 passed, 0 failed"
