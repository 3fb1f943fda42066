"""stratum: logistic regression and gradient-boosted trees for imbalanced clinical data,
from Python, over libstratum (ctypes). See docs/python.md."""
from ._lib import (DEFAULT_SEED, LIBRARY_PATH, StratumError, blas_info, label_is_positive,
                   version)
from ._model import Model, load
from ._estimators import GBDTClassifier, LogisticRegression
from ._eval import evaluate
from ._explain import explain
from ._drift import drift
from ._cv import CVResult, cv, cv_path
from ._compare import compare
from ._tune import TuneResult, tune

__version__ = "0.1.0"
__all__ = ["LogisticRegression", "GBDTClassifier", "Model", "load", "evaluate", "explain", "drift",
           "cv", "cv_path", "CVResult", "compare", "tune", "TuneResult", "StratumError",
           "version", "blas_info", "label_is_positive", "DEFAULT_SEED", "LIBRARY_PATH"]
