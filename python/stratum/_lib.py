"""Finding libstratum and declaring the C functions the package calls (ctypes).

The library is looked up, in order, at:
  1. $STRATUM_LIBRARY, the path of a libstratum.so (an error if that file cannot be loaded);
  2. the build tree this package sits in: <repository>/build/src/libstratum.so, for a
     package used straight from a clone (PYTHONPATH=python);
  3. the places `cmake --install` puts it: the dynamic loader's search path
     (libstratum.so.0), then <prefix>/lib and <prefix>/lib/<multiarch> for the
     prefixes /usr/local and /usr and sys.prefix.

ctypes.CDLL releases the GIL around every call, so training and prediction run while other
Python threads go on; the library keeps no global mutable state and a trained model is
read-only, so many threads may predict with one model at once.
"""
import ctypes
import os
import sys
import sysconfig
from ctypes import POINTER, c_char, c_char_p, c_double, c_float, c_int, c_int32, c_int64
from ctypes import c_long, c_size_t, c_uint64, c_void_p
from pathlib import Path


class StratumError(ValueError):
    """An error reported by libstratum (its message, as the CLI prints it) or bad input
    found before calling it. A ValueError, as scikit-learn expects of estimators."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


ST_ERROR_MESSAGE_SIZE = 768


class StError(ctypes.Structure):
    _fields_ = [("code", c_int), ("line", c_long), ("column", c_long),
                ("message", c_char * ST_ERROR_MESSAGE_SIZE)]


def _candidates():
    env = os.environ.get("STRATUM_LIBRARY")
    if env:
        return [env], True
    here = Path(__file__).resolve().parent
    paths = [str(here.parent.parent / "build" / "src" / "libstratum.so")]
    paths.append("libstratum.so.0")
    multiarch = sysconfig.get_config_var("MULTIARCH") or ""
    for prefix in ("/usr/local", "/usr", sys.prefix):
        for libdir in ("lib", "lib/" + multiarch if multiarch else None, "lib64"):
            if libdir:
                paths.append(str(Path(prefix) / libdir / "libstratum.so"))
    return paths, False


def _load():
    paths, explicit = _candidates()
    errors = []
    for p in paths:
        if "/" in p and not os.path.exists(p):
            continue
        try:
            return ctypes.CDLL(p)
        except OSError as e:
            errors.append(f"{p}: {e}")
    if explicit:
        raise ImportError(f"STRATUM_LIBRARY={paths[0]} cannot be loaded: {'; '.join(errors)}")
    raise ImportError("libstratum not found: build it (cmake --build build), install it "
                      "(cmake --install build), or set STRATUM_LIBRARY to the path of "
                      "libstratum.so" + ("; tried " + "; ".join(errors) if errors else ""))


def _passive_openmp_threads():
    """As the CLI does (tools/stratum.c): OpenMP threads that spin at barriers collapse when
    another process holds a core (boosted trees on a loaded 2-core machine: 3.5 s instead
    of 1.3 s), so unless the user chose a policy, threads sleep at once. libgomp reads the
    variable when it is loaded: this works when stratum is imported before anything that
    loads libgomp (scikit-learn's OpenMP modules); otherwise set OMP_WAIT_POLICY=passive
    in the environment before starting Python."""
    if "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
        os.environ["OMP_WAIT_POLICY"] = "passive"


_passive_openmp_threads()
lib = _load()
LIBRARY_PATH = lib._name

_p = POINTER
_ds = c_void_p  # st_dataset *
_err = _p(StError)

# name: (restype, argtypes)
_SIGNATURES = {
    "st_version": (c_char_p, []),
    "st_status_str": (c_char_p, [c_int]),
    "st_blas_state": (c_int, []),
    "st_dataset_from_arrays": (c_int, [c_size_t, c_size_t, c_void_p, c_void_p, c_void_p,
                                       c_void_p, _p(c_void_p), _err]),
    "st_dataset_from_arrays_borrowed": (c_int, [c_size_t, c_size_t, c_void_p, c_void_p,
                                                c_void_p, c_void_p, _p(c_void_p), _err]),
    "st_dataset_from_arrays_categorical": (c_int, [c_size_t, c_size_t, c_void_p, c_void_p,
                                                   c_void_p, c_void_p, c_void_p, c_size_t,
                                                   _p(c_void_p), _err]),
    "st_dataset_from_csr": (c_int, [c_size_t, c_size_t, c_void_p, c_void_p, c_void_p,
                                    c_void_p, c_void_p, c_void_p, _p(c_void_p), _err]),
    "st_dataset_from_csc": (c_int, [c_size_t, c_size_t, c_void_p, c_void_p, c_void_p,
                                    c_void_p, c_void_p, c_void_p, _p(c_void_p), _err]),
    "st_dataset_free": (None, [_ds]),
    "st_dataset_n_rows": (c_size_t, [_ds]),
    "st_dataset_n_features": (c_size_t, [_ds]),
    # logistic regression
    "st_logreg_train": (c_int, [_ds, c_void_p, _p(c_void_p), _err]),
    "st_logreg_predict": (c_int, [c_void_p, _ds, c_void_p, c_size_t, _err]),
    "st_logreg_contrib": (c_int, [c_void_p, _ds, c_void_p, c_size_t, _err]),
    "st_logreg_n_coefs": (c_size_t, [c_void_p]),
    "st_logreg_coefs": (_p(c_double), [c_void_p]),
    "st_logreg_coef_name": (c_char_p, [c_void_p, c_size_t]),
    "st_logreg_coef_feature": (c_long, [c_void_p, c_size_t]),
    "st_logreg_intercept": (c_double, [c_void_p]),
    "st_logreg_n_features": (c_size_t, [c_void_p]),
    "st_logreg_feature_name": (c_char_p, [c_void_p, c_size_t]),
    "st_logreg_iterations": (c_int, [c_void_p]),
    "st_logreg_converged": (c_int, [c_void_p]),
    "st_logreg_threshold": (c_double, [c_void_p]),
    "st_logreg_calibration": (c_void_p, [c_void_p]),
    "st_logreg_bias": (c_double, [c_void_p]),
    "st_logreg_save": (c_int, [c_void_p, c_char_p, _err]),
    "st_logreg_load": (c_int, [c_char_p, _p(c_void_p), _err]),
    "st_logreg_free": (None, [c_void_p]),
    "st_logreg_lambda_choice_of": (c_int, [c_void_p, c_void_p]),
    # out of core (stratum/logreg_rowfile.h)
    "st_logreg_rowfile_unsupported": (c_char_p, [c_void_p]),
    "st_logreg_rowfile_write": (c_int, [_ds, c_void_p, c_char_p, _p(c_void_p), _err]),
    "st_logreg_rowfile_train": (c_int, [c_void_p, _p(c_void_p), _err]),
    "st_logreg_rowfile_bytes": (c_uint64, [c_void_p]),
    "st_logreg_rowfile_free": (None, [c_void_p]),
    "st_logreg_set_threshold": (c_int, [c_void_p, c_void_p, _err]),
    "st_logreg_set_class_texts": (c_int, [c_void_p, c_char_p, c_char_p, _err]),
    "st_model_positive_class": (c_char_p, [c_void_p]),
    "st_label_is_positive": (c_int, [c_char_p, c_char_p]),
    # boosted trees
    "st_gbdt_train_ex": (c_int, [_ds, _ds, c_void_p, c_void_p, _p(c_void_p), _err]),
    "st_gbdt_predict": (c_int, [c_void_p, _ds, c_int, c_int, c_void_p, c_size_t, _err]),
    "st_gbdt_predict_row": (c_int, [c_void_p, c_void_p, c_size_t, c_int, _p(c_double), _err]),
    "st_gbdt_contrib": (c_int, [c_void_p, _ds, c_int, c_void_p, c_size_t, _err]),
    "st_gbdt_n_features": (c_size_t, [c_void_p]),
    "st_gbdt_feature_name": (c_char_p, [c_void_p, c_size_t]),
    "st_gbdt_n_levels": (c_size_t, [c_void_p, c_size_t]),
    "st_gbdt_level": (c_char_p, [c_void_p, c_size_t, c_size_t]),
    "st_gbdt_n_trees": (c_size_t, [c_void_p]),
    "st_gbdt_best_iteration": (c_int, [c_void_p]),
    "st_gbdt_best_score": (c_double, [c_void_p, c_void_p]),
    "st_gbdt_feature_importance": (c_int, [c_void_p, c_int, c_void_p, c_size_t, _err]),
    "st_gbdt_threshold": (c_double, [c_void_p]),
    "st_gbdt_calibration": (c_void_p, [c_void_p]),
    "st_gbdt_auto_trees": (c_int, [c_void_p, c_void_p]),
    "st_gbdt_save": (c_int, [c_void_p, c_char_p, _err]),
    "st_gbdt_load": (c_int, [c_char_p, _p(c_void_p), _err]),
    "st_gbdt_free": (None, [c_void_p]),
    "st_gbdt_set_threshold": (c_int, [c_void_p, c_void_p, _err]),
    "st_gbdt_set_class_texts": (c_int, [c_void_p, c_char_p, c_char_p, _err]),
    # one handle for either family (stratum/model.h)
    "st_model_load": (c_int, [c_char_p, _p(c_void_p), _err]),
    "st_model_from_logreg": (c_int, [c_void_p, _p(c_void_p), _err]),
    "st_model_from_gbdt": (c_int, [c_void_p, _p(c_void_p), _err]),
    "st_model_family_of": (c_int, [c_void_p]),
    "st_model_logreg_mut": (c_void_p, [c_void_p]),
    "st_model_gbdt_mut": (c_void_p, [c_void_p]),
    "st_model_n_features": (c_size_t, [c_void_p]),
    "st_model_feature_name": (c_char_p, [c_void_p, c_size_t]),
    "st_model_n_levels": (c_size_t, [c_void_p, c_size_t]),
    "st_model_predict": (c_int, [c_void_p, _ds, c_void_p, c_size_t, _err]),
    # addresses as integers: the one-row fast path (_model.py) passes numpy buffers' own
    "st_model_predict_row": (c_int, [c_void_p, c_void_p, c_size_t, c_void_p, c_void_p]),
    "st_model_threshold": (c_double, [c_void_p]),
    "st_model_save": (c_int, [c_void_p, c_char_p, _err]),
    "st_model_free": (None, [c_void_p]),
    # metrics
    "st_evaluate": (c_int, [c_void_p, c_void_p, c_void_p, c_size_t, c_void_p, c_void_p,
                            _err]),
    "st_metric_name": (c_char_p, [c_int]),
}

for _name, (_res, _args) in _SIGNATURES.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args


# The library names a parameter as its C API spells it; the package's users know the
# argument that sets it (the CLI maps the same fields to its options: tools/cli_common.c).
_C_FIELDS = (("(st_cv_post_params.folds = ", "(calibration_folds="),
             ("(st_cv_params.threshold_folds = ", "(threshold_folds="))


def check(status, err):
    """Raises StratumError with the library's message when status is not ST_OK."""
    if status != 0:
        msg = err.message.decode("utf-8", "replace")
        if not msg:
            msg = lib.st_status_str(status).decode()
        for field, argument in _C_FIELDS:
            msg = msg.replace(field, argument)
        raise StratumError(msg, status)


def version():
    """The loaded libstratum's version, "MAJOR.MINOR.PATCH" (st_version,
    stratum/common.h; `stratum --version` prints it after the program's name);
    stratum.LIBRARY_PATH says which file was loaded."""
    return lib.st_version().decode()


def label_is_positive(label, positive=None):
    """Whether the CLI reads the label text `label` as the positive class
    (st_label_is_positive, stratum/dataset.h): with positive None, its default rule (1,
    true, yes: texts in any case, numbers by value, "1.0" is 1); else the same value as
    `positive` (numbers by value, texts exactly). Blanks around the label are ignored.
    E.g. whether a model's positive_class and a file's labels agree."""
    enc = (lambda t: None if t is None else str(t).encode())
    return bool(lib.st_label_is_positive(enc(label), enc(positive)))


# ST_DEFAULT_SEED (stratum/common.h): the seed of every default, the C params structs', the
# CLI's --seed and the package's random_state and seed arguments
DEFAULT_SEED = 42

# st_class_weight (stratum/common.h), both families
CLASS_WEIGHT_NONE, CLASS_WEIGHT_BALANCED, CLASS_WEIGHT_POSITIVE = 0, 1, 2

_BLAS_STATES = {0: "not needed", 1: "loaded", 2: "missing"}


def blas_info():
    """What st_blas_state (stratum/common.h) says of OpenBLAS and LAPACKE in this process:
    "not needed" (nothing has needed them yet: they are opened the first time an
    exact-Newton logistic regression of 151 or more coefficients, or its standard errors,
    needs them), "loaded" (opened: LAPACK ran) or "missing" (they could not be opened, or
    STRATUM_NO_BLAS was set: stratum's own Cholesky kernels ran instead, the same model to
    rounding). Loads nothing."""
    return _BLAS_STATES.get(lib.st_blas_state(), "unknown")


# Parameter structs, field for field as include/stratum/*.h declares them.
class StCategoricalColumn(ctypes.Structure):
    _fields_ = [("feature", c_size_t), ("codes", c_void_p), ("levels", _p(c_char_p)),
                ("n_levels", c_size_t)]


class StLogregParams(ctypes.Structure):
    _fields_ = [("lambda_", c_double), ("alpha", c_double), ("standardize", c_int),
                ("impute", c_int), ("missing_indicators", c_int), ("class_weight", c_int),
                ("positive_weight", c_double), ("tol", c_double), ("max_iter", c_int),
                ("n_threads", c_int), ("progress", c_void_p), ("progress_data", c_void_p),
                ("cv_folds", c_size_t), ("cv_seed", ctypes.c_ulonglong), ("lambda_rule", c_int),
                ("should_stop", c_void_p), ("should_stop_data", c_void_p)]


class StLogregLambdaChoice(ctypes.Structure):
    _fields_ = [("lambda_", c_double), ("rule", c_int), ("lambda_min", c_double),
                ("lambda_1se", c_double), ("cv_deviance", c_double), ("cv_se", c_double),
                ("index", c_size_t), ("n_lambda", c_size_t), ("n_folds", c_size_t)]


ST_GBDT_AUTO_FOLDS = 5


class StGbdtAutoTreesInfo(ctypes.Structure):
    _fields_ = [("num_trees", c_int), ("n_validations", c_int),
                ("best", c_int * ST_GBDT_AUTO_FOLDS)]


class StGbdtParams(ctypes.Structure):
    _fields_ = [("num_trees", c_int), ("num_leaves", c_int), ("max_depth", c_int),
                ("learning_rate", c_double), ("max_bin", c_int), ("min_data_in_leaf", c_int),
                ("min_sum_hessian_in_leaf", c_double), ("lambda_l1", c_double),
                ("lambda_l2", c_double), ("min_gain_to_split", c_double),
                ("feature_fraction", c_double), ("bagging_fraction", c_double),
                ("bagging_freq", c_int), ("scale_pos_weight", c_double),
                ("class_weight", c_int), ("positive_weight", c_double),
                ("bin_sample_rows", c_int), ("seed", c_uint64),
                ("n_threads", c_int), ("early_stopping_rounds", c_int), ("metric", c_int),
                ("monotone", c_void_p), ("max_cat_to_onehot", c_int),
                ("max_cat_threshold", c_int), ("cat_l2", c_double), ("cat_smooth", c_double),
                ("min_data_per_group", c_int), ("max_cat_levels", c_int),
                ("quantized_grad", c_int), ("num_grad_quant_bins", c_int),
                ("should_stop", c_void_p), ("should_stop_data", c_void_p)]


class StDecisionThreshold(ctypes.Structure):
    _fields_ = [("value", c_double), ("rule", c_int), ("rule_param", c_double)]


ST_METRIC_COUNT = 17
ST_CALIBRATION_BINS = 10


class StEvalParams(ctypes.Structure):
    _fields_ = [("rule", c_int), ("threshold", c_double), ("beta", c_double),
                ("min_recall", c_double), ("min_precision", c_double),
                ("n_bootstrap", c_int), ("seed", ctypes.c_ulonglong), ("n_threads", c_int),
                ("stratified", c_int)]


class StConfusion(ctypes.Structure):
    _fields_ = [("tp", c_double), ("fp", c_double), ("tn", c_double), ("fn", c_double)]


class StCalibrationBin(ctypes.Structure):
    _fields_ = [("n_rows", c_size_t), ("weight", c_double), ("score_min", c_double),
                ("score_max", c_double), ("mean_predicted", c_double),
                ("observed", c_double)]


class StEval(ctypes.Structure):
    _fields_ = [("n_rows", c_size_t), ("n_positive", c_size_t), ("n_negative", c_size_t),
                ("weight_positive", c_double), ("weight_negative", c_double),
                ("threshold", c_double), ("confusion", StConfusion),
                ("value", c_double * ST_METRIC_COUNT), ("undefined", ctypes.c_uint),
                ("n_bootstrap", c_int), ("ci_low", c_double * ST_METRIC_COUNT),
                ("ci_high", c_double * ST_METRIC_COUNT),
                ("ci_resamples", c_int * ST_METRIC_COUNT),
                ("delong_variance", c_double), ("delong_low", c_double),
                ("delong_high", c_double),
                ("calibration", StCalibrationBin * ST_CALIBRATION_BINS)]


for _name, _res in (("st_logreg_params_default", StLogregParams),
                    ("st_gbdt_params_default", StGbdtParams),
                    ("st_eval_params_default", StEvalParams)):
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = []
for _name, _t in (("st_logreg_params_check", StLogregParams),
                  ("st_gbdt_params_check", StGbdtParams),
                  ("st_eval_params_check", StEvalParams)):
    _f = getattr(lib, _name)
    _f.restype = c_char_p
    _f.argtypes = [_p(_t)]

# keep the names used by other modules importable from here
__all__ = ["lib", "StratumError", "StError", "check", "version", "blas_info", "DEFAULT_SEED",
           "StLogregParams", "StGbdtParams", "StDecisionThreshold", "StEvalParams",
           "StEval", "ST_METRIC_COUNT", "c_float", "c_int32", "c_int64"]
