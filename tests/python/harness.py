"""The few lines every tests/python script shares: named cases, a count, the closing
"N passed, N failed" line and the exit code. Run by ctest with Debian's python3,
PYTHONPATH=python/ and STRATUM_LIBRARY pointing at the build's libstratum.so."""
import sys
import traceback

_passed, _failed = [], []


def case(fn):
    """Runs fn() now as a named case; an exception fails it (and is printed)."""
    try:
        fn()
        _passed.append(fn.__name__)
        print(f"ok   {fn.__name__}")
    except Exception:  # noqa: BLE001 - a test harness reports every failure
        _failed.append(fn.__name__)
        print(f"FAIL {fn.__name__}")
        traceback.print_exc(file=sys.stdout)
    return fn


def same_report(py_path, cli, marker):
    """The HTML file Python wrote at py_path must equal the CLI's report byte for byte (cli:
    its bytes, or the path of its file), and hold a chart and marker (a report, not an
    empty page); a difference is shown at its first byte."""
    with open(py_path, "rb") as f:
        py = f.read()
    if isinstance(cli, str):
        with open(cli, "rb") as f:
            cli = f.read()
    if py != cli:
        at = next((i for i, (a, b) in enumerate(zip(py, cli)) if a != b),
                  min(len(py), len(cli)))
        raise AssertionError(f"{py_path}: {len(py)} bytes, the CLI's {len(cli)}; first "
                             f"difference at byte {at}: {py[at - 40:at + 40]!r} vs "
                             f"{cli[at - 40:at + 40]!r}")
    assert b"<svg" in py and marker in py, f"{py_path}: no chart or no {marker!r}"


def same_drift_table(df, csv_bytes, numbers, texts=("band",)):
    """stratum.drift's DataFrame against the CLI's --format csv of the same comparison: the
    same columns in the same order, the columns `numbers` equal bit for bit (NaN for NaN,
    missing integers as NaN) and the columns `texts` equal as lists."""
    import io
    import numpy as np
    import pandas as pd
    cli_df = pd.read_csv(io.BytesIO(csv_bytes), float_precision="round_trip",
                         keep_default_na=False, na_values=[""])
    assert list(df.index) == list(cli_df["column"]), (list(df.index), list(cli_df["column"]))
    for col in numbers:
        np.testing.assert_array_equal(df[col].to_numpy(float, na_value=np.nan),
                                      cli_df[col].to_numpy(float), err_msg=col)
    for col in texts:
        assert list(df[col]) == list(cli_df[col]), col


def raises(fn, exc_type, text):
    """fn() must raise exc_type with text in its message; returns the message."""
    try:
        fn()
    except exc_type as e:
        msg = str(e)
        assert text in msg, f"expected {text!r} in the message, got {msg!r}"
        return msg
    raise AssertionError(f"expected {exc_type.__name__} containing {text!r}; nothing raised")


def finish():
    print(f"{len(_passed)} passed, {len(_failed)} failed")
    sys.exit(1 if _failed else 0)
