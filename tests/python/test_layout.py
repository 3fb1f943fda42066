#!/usr/bin/env python3
"""The package's ctypes mirrors of the library's structs against the C headers: every
ctypes.Structure in stratum (StExplanation mirrors st_explanation, and so on) must have the
C struct's size, and each of its fields the C member's offset. A field added to a public
struct in C and not in Python (or in the wrong place) would otherwise shift every field
after it: the library would write past a params struct Python allocated, or Python would
read the wrong pointer, silently. The C side is compiled here from the headers.

    test_layout.py INCLUDE_DIR C_COMPILER TMP_DIR"""
import ctypes
import importlib
import os
import pkgutil
import re
import subprocess
import sys

import stratum
from harness import case, finish

INCLUDE, CC, TMP = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(TMP, exist_ok=True)

# Python names that differ from the C members' (keywords and builtins there)
RENAMED = {"global_": "global", "lambda_": "lambda"}


def mirrors():
    """Every ctypes.Structure subclass the package defines, by class, once."""
    found = {}
    for info in pkgutil.iter_modules(stratum.__path__):
        module = importlib.import_module(f"stratum.{info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, ctypes.Structure)
                    and value.__module__ == module.__name__):
                found[value.__name__] = value
    return [found[k] for k in sorted(found)]


def c_name(cls):
    """StGbdtAutoTreesInfo -> st_gbdt_auto_trees_info."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", cls.__name__).lower()


def c_layout(classes):
    """{C struct: (sizeof, {member: offsetof})} from a program built against INCLUDE."""
    lines = ["#include <stddef.h>", "#include <stdio.h>", "#include <stratum.h>",
             "int main(void)", "{"]
    for cls in classes:
        name = c_name(cls)
        lines.append(f'    printf("{name} %zu\\n", sizeof({name}));')
        for field in cls._fields_:
            member = RENAMED.get(field[0], field[0])
            lines.append(f'    printf("{name}.{member} %zu\\n", offsetof({name}, {member}));')
    lines += ["    return 0;", "}"]
    src, exe = os.path.join(TMP, "layout.c"), os.path.join(TMP, "layout")
    with open(src, "w") as f:
        f.write("\n".join(lines) + "\n")
    built = subprocess.run([CC, "-std=c11", "-I", INCLUDE, src, "-o", exe],
                           capture_output=True, text=True)
    # a member Python names that C does not have fails here, naming it
    assert built.returncode == 0, built.stderr
    out = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
    sizes, offsets = {}, {}
    for line in out.splitlines():
        key, value = line.split()
        (offsets if "." in key else sizes)[key] = int(value)
    return sizes, offsets


CLASSES = mirrors()
SIZES, OFFSETS = c_layout(CLASSES)


@case
def every_mirror_is_found():
    # the package mirrors dozens of structs; finding few would mean the walk is broken
    assert len(CLASSES) >= 40, [c.__name__ for c in CLASSES]
    assert "StExplanation" in [c.__name__ for c in CLASSES]


@case
def sizes_match():
    wrong = [f"{c.__name__}: ctypes {ctypes.sizeof(c)} bytes, {c_name(c)} {SIZES[c_name(c)]}"
             for c in CLASSES if ctypes.sizeof(c) != SIZES[c_name(c)]]
    assert not wrong, "\n".join(wrong)


@case
def offsets_match():
    wrong = []
    for c in CLASSES:
        for field in c._fields_:
            member = RENAMED.get(field[0], field[0])
            mine, theirs = getattr(c, field[0]).offset, OFFSETS[f"{c_name(c)}.{member}"]
            if mine != theirs:
                wrong.append(f"{c.__name__}.{field[0]}: ctypes offset {mine}, C {theirs}")
    assert not wrong, "\n".join(wrong)


@case
def a_missing_field_is_caught():
    # the check itself can fail: a mirror without st_explanation's p_uncalibrated
    from stratum._explain import StExplanation

    class Short(ctypes.Structure):
        _fields_ = [f for f in StExplanation._fields_ if f[0] != "p_uncalibrated"]
    assert ctypes.sizeof(Short) != SIZES["st_explanation"]


finish()
