#!/usr/bin/env python3
"""Runs every shell command the manual shows, so the manual cannot drift from the program.

usage: run_docs.py PAGE.md --repo DIR --tools DIR [--mpi-tools DIR] [--list]

Conventions the pages follow (docs/README.md repeats them for writers):
  * every line of a ```sh block is a command, run in order, in one scratch directory per
    page (so a page's later commands use the models its earlier ones wrote); a line ending
    in a backslash continues on the next; `#` lines are comments;
  * `./build/tools/` is the Release build's program directory and `./build-mpi/tools/`
    the MPI build's; the scratch directory holds links to the repository's `datasets/`,
    `tests/` and `python/`, so paths read as they do from a checkout;
  * a command is expected to exit 0, unless it ends with a comment `# exit N`;
  * an `apt-get ... && cmake ... && ./build/tools/stratum ...` line (the README's set-up
    command; CI runs those lines whole) runs from its first `./build/tools/` command on;
  * a block preceded by `<!-- docs-test: mpi -->` runs only when --mpi-tools is given
    (ctest `mpi_docs` in the MPI build); one preceded by `<!-- docs-test: not run: WHY -->`
    is skipped and WHY printed, so every skip is visible in the test log.
Only ```sh blocks run: output shown as ```text is illustration. Every relative link
of the page must name a file of the repository (anchors are not checked).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

MARKER = re.compile(r"<!--\s*docs-test:\s*(mpi|not run:\s*(.*?))\s*-->")
EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")


def blocks(text):
    """Yields (line number, marker, commands) for each ```sh block; the marker is a
    docs-test comment on the last non-blank line before the block, if any."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if lines[i].strip() != "```sh":
            if lines[i].startswith("```"):  # skip other fenced blocks whole
                i += 1
                while i < len(lines) and not lines[i].startswith("```"):
                    i += 1
            i += 1
            continue
        k = i - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        marker = MARKER.search(lines[k]) if k >= 0 else None
        start = i + 1
        body = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append(lines[i])
            i += 1
        yield start, marker, commands(body)
        i += 1


def commands(body):
    out, cur = [], ""
    for line in body:
        if not cur and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        out.append(cur + line)
        cur = ""
    if cur:
        out.append(cur)
    return out


LINK = re.compile(r"\]\(([^)\s]+)\)")


def broken_links(page, text):
    """Relative link targets of the page that do not exist."""
    out = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = os.path.join(os.path.dirname(page), target.split("#")[0])
        if not os.path.exists(path):
            out.append(target)
    return out


def prepare(cmd, tools, mpi_tools):
    expect = 0
    m = EXIT.search(cmd)
    if m:
        expect = int(m.group(1))
        cmd = cmd[: m.start()]
    if cmd.lstrip().startswith("apt-get"):
        k = cmd.find("./build/tools/")
        if k < 0:
            return None, expect
        cmd = cmd[k:]
    cmd = cmd.replace("./build-mpi/tools/", mpi_tools + "/" if mpi_tools else "./build-mpi/tools/")
    cmd = cmd.replace("./build/tools/", tools + "/")
    return cmd, expect


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("--repo", required=True)
    ap.add_argument("--tools", required=True)
    ap.add_argument("--mpi-tools")
    ap.add_argument("--list", action="store_true", help="print the commands, run nothing")
    a = ap.parse_args()
    text = open(a.page, encoding="utf-8").read()
    name = os.path.relpath(a.page, a.repo)
    broken = broken_links(a.page, text)
    if broken and not a.list:
        print(f"{name}: links to nothing: {', '.join(broken)}")
        return 1
    work = tempfile.mkdtemp(prefix="stratum-docs-")
    for d in ("datasets", "tests", "python"):
        os.symlink(os.path.join(os.path.abspath(a.repo), d), os.path.join(work, d))
    # Debian's python3 (with its pandas and XGBoost) is the one the pages mean, whatever
    # interpreter a developer's PATH finds first.
    env = dict(os.environ, PATH="/usr/bin:" + os.environ.get("PATH", ""))
    if a.mpi_tools:
        # The pages' mpirun lines as a user types them; CI runs as root on 2 cores.
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
                   OMPI_MCA_rmaps_base_oversubscribe="1")
    ran = skipped = 0
    for line, marker, cmds in blocks(text):
        if marker and marker.group(1) == "mpi" and not a.mpi_tools:
            print(f"{name}:{line}: MPI block, run by mpi_docs in the MPI build")
            skipped += 1
            continue
        if a.mpi_tools and not (marker and marker.group(1) == "mpi"):
            continue
        if marker and marker.group(2) is not None:
            print(f"{name}:{line}: not run: {marker.group(2)}")
            skipped += 1
            continue
        for cmd in cmds:
            run, expect = prepare(cmd, os.path.abspath(a.tools),
                                  a.mpi_tools and os.path.abspath(a.mpi_tools))
            if run is None:
                continue
            if a.list:
                print(run)
                continue
            t0 = time.monotonic()
            p = subprocess.run(["bash", "-o", "pipefail", "-c", run], cwd=work, env=env,
                               capture_output=True, text=True, timeout=600)
            ran += 1
            print(f"{time.monotonic() - t0:7.1f} s  {cmd}" if len(cmd) < 150 else
                  f"{time.monotonic() - t0:7.1f} s  {cmd[:147]}...")
            if p.returncode != expect:
                print(f"{name}:{line}: exit {p.returncode}, expected {expect}: {cmd}")
                print("--- stdout (tail)\n" + p.stdout[-2000:])
                print("--- stderr (tail)\n" + p.stderr[-2000:])
                return 1
    if not a.list:
        print(f"{name}: {ran} commands ran as documented, {skipped} blocks skipped")
        if ran == 0 and not a.mpi_tools and skipped == 0:
            print(f"{name}: no command to run; its links were checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
