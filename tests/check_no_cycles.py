#!/usr/bin/env python3
"""No circles between files: fails when file A uses a function or variable defined in file B
while B, directly or through other files, uses one defined in A.

Reads the symbols of the object files given (nm: defined T/D/B/R symbols and undefined U
ones), builds the graph "A uses a symbol defined in B", and prints every strongly connected
component of more than one file with the symbols behind each edge. Static inline helpers in
headers define no symbol, so they never make a circle; a helper shared by several files
lives in a file of its own.

With --layers SRC, also checks the folder order of the library from its includes: a file in
src/F may include headers of its own folder and of the folders before F in LAYERS, never of
one after it (README, "Code map").

usage: check_no_cycles.py [--self-test CC] [--layers SRC] OBJECT_OR_DIR...
A directory stands for every .o below it. --self-test compiles two files that call each
other and checks that the circle is found (so that this check can fail)."""
import os
import re
import subprocess
import sys
import tempfile


LAYERS = ['core', 'io', 'data', 'text', 'eval', 'linalg', 'logreg', 'gbdt', 'binned', 'fit', 'drift', 'report', 'mpi']


def layer_violations(src):
    """Includes of a later folder's header: (file, line number, included path)."""
    bad = []
    include = re.compile(r'#include "([a-z_]+)/[^"]+"')
    for folder in sorted(os.listdir(src)):
        path = os.path.join(src, folder)
        if not os.path.isdir(path) or folder == 'cmake':
            continue
        if folder not in LAYERS:
            bad.append((path, 0, 'a folder not in LAYERS'))
            continue
        for f in sorted(os.listdir(path)):
            if not f.endswith(('.c', '.h')):
                continue
            with open(os.path.join(path, f), encoding='utf-8') as fh:
                for n, line in enumerate(fh, 1):
                    m = include.match(line.strip())
                    if m and m.group(1) in LAYERS and \
                            LAYERS.index(m.group(1)) > LAYERS.index(folder):
                        bad.append(('%s/%s' % (folder, f), n, m.group(0)))
    return bad


def objects(args):
    out = []
    for a in args:
        if os.path.isdir(a):
            for root, _, files in os.walk(a):
                out += [os.path.join(root, f) for f in files if f.endswith('.o')]
        else:
            out.append(a)
    return sorted(out)


def file_name(obj, base):
    """src/gbdt/gbdt_split.c.o -> gbdt/gbdt_split.c (the part after the target's .dir)."""
    parts = obj.split(os.sep)
    for i, p in enumerate(parts):
        if p.endswith('.dir'):
            return '/'.join(parts[i + 1:])[:-2]
    return os.path.relpath(obj, base)[:-2]


def graph(objs):
    defs, uses = {}, {}
    base = os.path.commonpath(objs) if objs else '.'
    names = {o: file_name(o, base) for o in objs}
    for name in names.values():
        uses[name] = set()
    # one nm for all the files: each line is "object:[address] type symbol"
    nm = subprocess.run(['nm', '-A'] + objs, capture_output=True, text=True, check=True).stdout
    for line in nm.splitlines():
        obj, _, rest = line.rpartition('.o:')
        name = names.get(obj + '.o')
        f = rest.split()
        if name is None:
            continue
        if len(f) == 3 and f[1] in 'TDBRV':
            defs[f[2]] = name
        elif len(f) == 2 and f[0] == 'U':
            uses[name].add(f[1])
    edges = {}
    for a, syms in uses.items():
        for s in syms:
            b = defs.get(s)
            if b is not None and b != a:
                edges.setdefault(a, {}).setdefault(b, []).append(s)
    return uses.keys(), edges


def components(nodes, edges):
    """Tarjan's strongly connected components, iteratively."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, {}))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(edges.get(w, {})))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def check(objs, quiet=False):
    nodes, edges = graph(objs)
    circles = components(sorted(nodes), edges)
    for comp in ([] if quiet else circles):
        print('circle: ' + ' <-> '.join(comp))
        for a in comp:
            for b, syms in sorted(edges.get(a, {}).items()):
                if b in comp:
                    print('  %s uses %s from %s' % (a, ', '.join(sorted(syms)[:4]), b))
    return circles


def self_test(cc):
    with tempfile.TemporaryDirectory() as d:
        src = {'a.c': 'int b(int);\nint a(int x) { return x ? b(x - 1) : 0; }\n',
               'b.c': 'int a(int);\nint b(int x) { return a(x); }\n',
               'c.c': 'int a(int);\nint c(void) { return a(1); }\n'}
        for f, text in src.items():
            with open(os.path.join(d, f), 'w') as fh:
                fh.write(text)
            subprocess.run([cc, '-c', os.path.join(d, f), '-o', os.path.join(d, f + '.o')],
                           check=True)
        found = check([os.path.join(d, f + '.o') for f in src], quiet=True)
        names = [[os.path.basename(x) for x in c] for c in found]
        if names != [['a.c', 'b.c']]:
            print('self-test: expected the circle a.c <-> b.c only, found %s' % names)
            return False
    return True


def main(argv):
    if len(argv) >= 2 and argv[0] == '--self-test':
        if not self_test(argv[1]):
            return 1
        argv = argv[2:]
    layer_bad = []
    if len(argv) >= 2 and argv[0] == '--layers':
        layer_bad = layer_violations(argv[1])
        for f, n, what in layer_bad:
            print('folder order: %s:%d: %s (order: %s)' % (f, n, what, ' < '.join(LAYERS)))
        argv = argv[2:]
    objs = objects(argv)
    if not objs:
        print('check_no_cycles: no object files in %s' % ' '.join(argv))
        return 1
    circles = check(objs)
    print('%d files, %d circles, %d includes against the folder order' %
          (len(objs), len(circles), len(layer_bad)))
    return 1 if circles or layer_bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
