#!/usr/bin/python3
"""The progress line of long commands: drawn on a terminal, absent from a pipe, and the
outputs the same either way.

Usage: progress_tty.py STRATUM_BINARY DATASETS_DIR WORK_DIR

Runs each command twice: once with stderr on a pseudo-terminal (Python's pty module, 200
columns, no output post-processing so the bytes are stratum's own) and once with stderr
on a pipe, and checks:
- on the terminal, stderr holds the progress line ("\\r\\033[K" then "stratum COMMAND: ..."
  with the fold, setting or trees and the units done), and the line is erased at the end
  (the last progress drawing is followed by an erase);
- on the pipe, stderr holds no carriage return, no escape and no "stratum COMMAND:" line,
  and equals the terminal run's stderr under --no-progress (nothing extra either way);
- -q on a terminal draws nothing; --progress on a pipe draws the line;
- stdout and every output file (models, out-of-fold predictions, the lambda path) are
  byte-identical between the two runs: the progress callbacks do not change the model.
Exits 1 on failure.
"""
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

FAILURES = []


def check(ok, what):
    if not ok:
        FAILURES.append(what)
        print(f"FAIL: {what}")


def run_tty(args):
    """stdout (bytes, from a pipe) and stderr (bytes, from a pseudo-terminal)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    attrs = termios.tcgetattr(slave)
    attrs[1] &= ~termios.OPOST  # no "\n" -> "\r\n": read the bytes as written
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    p = subprocess.Popen([str(a) for a in args], stdout=subprocess.PIPE, stderr=slave,
                         stdin=subprocess.DEVNULL)
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the program closed its end
            break
        if not chunk:
            break
        err += chunk
    out = p.stdout.read()
    p.wait()
    os.close(master)
    return p.returncode, out, err


def run_pipe(args):
    r = subprocess.run([str(a) for a in args], capture_output=True)
    return r.returncode, r.stdout, r.stderr


def files(work, names):
    return {n: (work / n).read_bytes() for n in names}


def compare(name, stratum, work, args, outputs, expect):
    """Runs args (after the binary) on a terminal and on a pipe; outputs: files written
    into work; expect: texts the terminal's progress line must show."""
    command = args[0]
    code_t, out_t, err_t = run_tty([stratum] + args)
    files_t = files(work, outputs)
    code_p, out_p, err_p = run_pipe([stratum] + args)
    files_p = files(work, outputs)
    code_n, _, err_n = run_tty([stratum] + args + ["--no-progress"])
    check(code_t == 0 and code_p == 0 and code_n == 0,
          f"{name}: exit codes {code_t}, {code_p}, {code_n}: {err_p[-300:]!r}")
    text = err_t.decode()
    check(f"\r\033[Kstratum {command}:" in text, f"{name}: no progress line on a terminal")
    for e in expect:
        check(e in text, f"{name}: the progress line lacks {e!r}")
    last = text.rfind(f"stratum {command}:")
    check(text.find("\r\033[K", last) > last, f"{name}: the progress line is not erased")
    check(b"\r" not in err_p and b"\033" not in err_p, f"{name}: escapes on a pipe")
    check(f"stratum {command}:".encode() not in err_p, f"{name}: progress on a pipe")
    # the summary's wall time ("in 0.512 s") is the one text allowed to differ
    err_p, err_n = (re.sub(rb" in [0-9.]+ s", b" in T s", e) for e in (err_p, err_n))
    check(err_p == err_n, f"{name}: the pipe's stderr {err_p[-300:]!r} differs from "
                          f"--no-progress on a terminal {err_n[-300:]!r}")
    check(out_t == out_p, f"{name}: stdout differs between a terminal and a pipe")
    for n in outputs:
        check(files_t[n] == files_p[n], f"{name}: {n} differs between a terminal and a pipe")


def main(argv):
    stratum, datasets, work = argv[1], Path(argv[2]), Path(argv[3])
    work.mkdir(parents=True, exist_ok=True)
    thyroid, wdbc = datasets / "thyroid_sick.csv", datasets / "wdbc.csv"
    # (a fixed lambda: the inner lambda choice's progress is checked by "cv logreg, lambda
    # chosen" below, and choosing it in 2 settings x 3 folds, three runs over, took a minute
    # and a half under the sanitizers)
    compare("compare", stratum, work,
            ["compare", thyroid, "--weights", "none,5", "--folds", "3", "--num-trees", "20",
             "--lambda", "0.001", "--oof", work / "compare_oof.csv"], ["compare_oof.csv"],
            ["setting 1/4: logreg, weight none, fold 1/3", "setting 4/4: gbdt, weight 5, fold 3/3",
             "/12 folds", "ETA", "tree "])
    # the default lambda: each inner fold's path is shown as it starts
    compare("cv logreg, lambda chosen", stratum, work,
            ["cv", "logreg", wdbc, "--ignore", "id", "--folds", "2", "--threshold-folds", "0"],
            [], ["fold 2/2, choosing lambda, inner fold 1/5, lambda 1/100",
                 "choosing lambda, inner fold 5/5, lambda "])
    compare("cv gbdt", stratum, work,
            ["cv", "gbdt", thyroid, "--folds", "3", "--num-trees", "30", "--oof",
             work / "cv_oof.csv"], ["cv_oof.csv"], ["fold 2/3", "/3 folds", "tree "])
    compare("cv logreg path", stratum, work,
            ["cv", "logreg", wdbc, "--ignore", "id", "--lambda-path", "--n-lambda", "8",
             "--folds", "3"], [], ["all rows", "fold 3/3", "/4 paths", "lambda "])
    compare("train gbdt", stratum, work,
            ["train", "gbdt", wdbc, "--ignore", "id", "--num-trees", "40", "-o",
             work / "g.model"], ["g.model"], ["/40 trees"])
    compare("train gbdt, validation", stratum, work,
            ["train", "gbdt", thyroid, "--num-trees", "30", "--valid-fraction", "0.2",
             "--metric-freq", "10", "-o", work / "gv.model"], ["gv.model"],
            ["/30 trees", "valid "])
    compare("train logreg", stratum, work,
            ["train", "logreg", thyroid, "--lambda", "0.001", "-o", work / "l.model"],
            ["l.model"], ["iteration "])
    compare("train logreg path", stratum, work,
            ["train", "logreg", wdbc, "--ignore", "id", "--lambda-path", "--n-lambda", "10",
             "-o", work / "path.csv"], ["path.csv"], ["/10 lambdas", "lambda "])
    compare("explain", stratum, work,
            ["explain", work / "g.model", wdbc, "--ignore", "id"], [], ["/569 rows"])
    # bin reports after each 8 MiB read: a file of about 20 MB, two passes
    big = work / "big.csv"
    subprocess.run([str(Path(stratum).parent / "stratum-gen"), "higgs", "--rows", "70000",
                    "-o", big], check=True)
    compare("bin", stratum, work, ["bin", big, "-o", work / "big.stb"], ["big.stb"],
            ["pass 1, ", "pass 2, ", " MiB", "/32 MiB"])
    compare("predict --contrib", stratum, work,
            ["predict", "--contrib", work / "g.model", wdbc, "--ignore", "id", "-o",
             work / "contrib.csv"], ["contrib.csv"], ["/569 rows"])

    # -q on a terminal: nothing; --progress on a pipe: the line
    code, _, err = run_tty([stratum, "train", "gbdt", wdbc, "--ignore", "id", "--num-trees",
                            "20", "-o", work / "q.model", "-q"])
    check(code == 0 and err == b"", f"-q on a terminal: exit {code}, stderr {err[:300]!r}")
    code, _, err = run_pipe([stratum, "train", "gbdt", wdbc, "--ignore", "id",
                             "--num-trees", "20", "-o", work / "q.model", "--progress"])
    check(code == 0 and b"\r\033[Kstratum train:" in err and b"/20 trees" in err,
          f"--progress on a pipe: exit {code}, stderr {err[:300]!r}")
    if FAILURES:
        sys.exit(1)
    print("progress: all checks passed")


if __name__ == "__main__":
    main(sys.argv)
