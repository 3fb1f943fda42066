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
