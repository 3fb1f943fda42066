"""Ctrl-C during a long library call: the library's should_stop callbacks (st_should_stop_fn,
stratum/common.h, in st_gbdt_params, st_logreg_params and st_cv_params) wired to SIGINT.

ctypes releases the GIL during a library call, and Python runs its SIGINT handler only
between bytecodes of the main thread, so without this a KeyboardInterrupt comes only after
the whole fit. Within `interruptible()`, on the main thread, a handler of ours replaces the
current SIGINT handler; install(params) points the params' should_stop at a ctypes
callback. The library asks should_stop on the calling thread (here the main thread)
between units of work (before each tree, solver iteration, fold), so the callback runs
there, takes the GIL, and Python runs the pending handler at that point. Ours calls the
previous handler at once: when that raises (the default one raises KeyboardInterrupt),
the exception is kept, the callback answers "stop", the library fails with
ST_ERR_CANCELLED (producing nothing) and the kept exception is raised in place of that
error; a handler that does not raise (a program's own, noting a shutdown) lets the
computation go on. On leaving, the previous handler is restored.

Elsewhere (another thread, a SIGINT ignored or left to the system, or an interpreter whose
handlers cannot be set) nothing is installed and the params keep should_stop NULL: the
library's answer does not depend on it (a computation it lets finish is the same, byte for
byte)."""
import ctypes
import signal
import threading

ST_ERR_CANCELLED = 8  # st_status (stratum/common.h)

SHOULD_STOP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p)

_local = threading.local()


class interruptible:
    """A context in which install() wires should_stop to Ctrl-C (see the module's text).
    Nested ones (on one thread) leave it to the outermost."""

    def __init__(self, *params):
        self.params = params  # installed on entering, reset to NULL on leaving
        self.prev = None
        self.raised = None  # what the previous handler raised: the reason to stop
        self.fn = None

    def _handler(self, signum, frame):
        try:
            self.prev(signum, frame)
        except BaseException as e:  # noqa: BLE001 - raised on leaving, not in a callback
            if self.raised is None:
                self.raised = e

    def _ask(self, _data):
        return 0 if self.raised is None else 1

    def __enter__(self):
        if getattr(_local, "active", None) is not None:
            return self
        if threading.current_thread() is not threading.main_thread():
            return self
        try:
            prev = signal.getsignal(signal.SIGINT)
            if not callable(prev):  # SIG_IGN, SIG_DFL, or a handler not set from Python
                return self
            self.prev = prev  # before the handler that calls it
            signal.signal(signal.SIGINT, self._handler)
        except (ValueError, OSError):  # not the main interpreter's main thread
            self.prev = None
            return self
        self.fn = SHOULD_STOP(self._ask)
        _local.active = self
        for p in self.params:
            install(p)
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.prev is None:
            return False
        for p in self.params:
            p.should_stop = None
        _local.active = None
        signal.signal(signal.SIGINT, self.prev)
        self.fn = None  # the library call is over: nothing holds the pointer any more
        self.prev = None
        raised, self.raised = self.raised, None
        if raised is None:
            return False
        if getattr(exc, "status", None) == ST_ERR_CANCELLED:
            raise raised from None  # not "during handling of StratumError: stopped after"
        raise raised  # the signal came after the library's last question


def install(params):
    """Points params.should_stop (a st_gbdt_params, st_logreg_params or st_cv_params) at
    the active interruptible()'s callback on this thread; leaves it NULL without one."""
    s = getattr(_local, "active", None)
    if s is not None and s.fn is not None:
        params.should_stop = ctypes.cast(s.fn, ctypes.c_void_p).value
        params.should_stop_data = None
    return params
