#!/usr/bin/env python3
"""Checks the server crate's layout rules (ARCHITECTURE.md), which rustc and clippy do not.

1. No import cycle between modules: a module never `use`s (or names by path) a module that
   uses it back, directly or through others. Parents count too: a `mod.rs` that re-exports
   from a child is imported by the children that name it, so a `mod.rs` holds declarations,
   re-exports and docs, and the items its children share live in a named sibling file.
2. No non-test source file is over 400 lines.

Inline `mod … { … }` blocks (the unit tests) and comments are ignored; a file whose name is
`tests.rs` or ends in `_tests.rs`, or that lies in a `tests/` folder, is a test file.

Usage: scripts/check-layout.py [SRC_DIR ...]   (default: server/src)
Exit status 1 with one line per violation; 0 and a summary line otherwise.
"""

import os
import re
import sys

MAX_LINES = 400


def module_of(root, path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] in ("mod", "lib", "main"):
        rel = rel[:-1]
    return tuple(rel)


def is_test_file(root, path):
    rel = os.path.relpath(path, root).split(os.sep)
    name = rel[-1]
    return name == "tests.rs" or name.endswith("_tests.rs") or "tests" in rel[:-1]


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    # String literals may hold `crate::` (e.g. in messages); blank them out.
    return re.sub(r'"(?:\\.|[^"\\])*"', '""', text)


def strip_inline_mods(text):
    """Removes `mod name { … }` blocks (brace-matched)."""
    out, i = [], 0
    for m in re.finditer(r"\bmod\s+\w+\s*\{", text):
        if m.start() < i:
            continue
        out.append(text[i : m.start()])
        depth, j = 0, m.end() - 1
        while j < len(text):
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        i = j + 1
    out.append(text[i:])
    return "".join(out)


def expand_use_tree(tree):
    """`a::{b, c::{d, e}}` -> ['a::b', 'a::c::d', 'a::c::e']."""
    tree = re.sub(r"\s+", "", tree)
    m = re.match(r"^(.*?)\{(.*)\}$", tree)
    if not m:
        return [re.sub(r"as\w+$", "", tree)]
    prefix, inner = m.group(1), m.group(2)
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    return [p for part in parts if part for p in expand_use_tree(prefix + part)]


def paths_in(text):
    for m in re.finditer(r"\buse\s+([^;]+);", text):
        yield from expand_use_tree(m.group(1))
    body = re.sub(r"\buse\s+[^;]+;", "", text)
    for m in re.finditer(r"\b((?:crate|super|self)(?:::\w+)+)", body):
        yield m.group(1)


def resolve(path, current, is_dir_module, modules):
    segs = path.split("::")
    if segs[0] == "crate":
        base, segs = (), segs[1:]
    elif segs[0] in ("super", "self"):
        # A file module `a/b.rs` is `a::b`; its `self` is itself, `super` is `a`.
        base = current
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super":
                base = base[:-1]
            segs = segs[1:]
    elif current + (segs[0],) in modules:
        base = current  # a path relative to this module: `use child::Item;`
    else:
        return None
    target = base
    for s in segs:
        if target + (s,) in modules:
            target = target + (s,)
        else:
            break
    return target


def check(root):
    files = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            if n.endswith(".rs"):
                p = os.path.join(dirpath, n)
                files[module_of(root, p)] = p
    modules = set(files)
    edges = {m: set() for m in modules}
    problems = []
    for mod, path in sorted(files.items()):
        with open(path, encoding="utf-8") as f:
            raw = f.read()
        lines = raw.count("\n")
        if lines > MAX_LINES and not is_test_file(root, path):
            problems.append(f"{path}: {lines} lines (at most {MAX_LINES} outside tests)")
        if is_test_file(root, path):
            continue
        text = strip_inline_mods(strip_comments(raw))
        is_dir = os.path.basename(path) in ("mod.rs", "lib.rs", "main.rs")
        for p in paths_in(text):
            t = resolve(p, mod, is_dir, modules)
            if t is not None and t != mod and t != () and t in modules:
                edges[mod].add(t)
    for cycle in cycles(edges):
        names = " -> ".join("::".join(m) or "crate" for m in cycle + [cycle[0]])
        problems.append(f"{root}: import cycle: {names}")
    return problems, len(files)


def cycles(edges):
    """One representative cycle per strongly connected component of more than one module."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(shortest_cycle(sorted(comp), edges))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            strong(v)
    return out


def shortest_cycle(comp, edges):
    members = set(comp)
    start = comp[0]
    prev, frontier, seen = {start: None}, [start], {start}
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(edges[v] & members):
                if w == start:
                    path = [v]
                    while prev[path[-1]] is not None:
                        path.append(prev[path[-1]])
                    return list(reversed(path))
                if w not in seen:
                    seen.add(w)
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return comp


def main():
    roots = sys.argv[1:] or ["server/src"]
    problems, total = [], 0
    for r in roots:
        p, n = check(r)
        problems += p
        total += n
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"layout ok: {total} files, no import cycle, none over {MAX_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
