#!/usr/bin/env python3
"""Measures `remedy check` on the crash corpus.

Each program in `crash/` is run once (in a subprocess, with a timeout) to learn the real
exception and the line of the innermost frame in that file; each program in `clean/`
must run without an exception. Then `remedy check --format json` analyses every file:
a crash counts as found when a finding of the matching exception sits on the crash line
(or on any line of the traceback in that file); a clean program counts as flagged when
it gets any finding at the default threshold.

Usage: evaluate.py [--remedy PATH] [--corpus DIR] [--verbose]

--corpus names another folder with the same `crash/` and `clean/` layout
(e.g. ../crash-corpus-2); the default is the folder of this script.
"""

import argparse
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def run_program(path):
    """(exception name, [lines of frames in this file, innermost last]) or None."""
    try:
        result = subprocess.run(
            [sys.executable, path], capture_output=True, text=True, timeout=20, cwd=os.path.dirname(path)
        )
    except subprocess.TimeoutExpired:
        return ("Timeout", [])
    if result.returncode == 0:
        return None
    lines = []
    base = os.path.basename(path)
    for match in re.finditer(r'File "([^"]+)", line (\d+)', result.stderr):
        if os.path.basename(match.group(1)) == base:
            lines.append(int(match.group(2)))
    last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    exception = last.split(":")[0].strip().split(".")[-1]
    return (exception, lines)


def findings(remedy, folder):
    result = subprocess.run(
        [remedy, "check", "--format", "json", folder], capture_output=True, text=True
    )
    data = json.loads(result.stdout or "[]")
    items = data["findings"] if isinstance(data, dict) else data
    by_file = {}
    for item in items:
        path = os.path.basename(item.get("path") or item.get("file") or "")
        by_file.setdefault(path, []).append(item)
    return by_file


def line_of(item):
    return int(item["start"]["line"])


# Exceptions that are the same failure for our purpose.
SAME = {
    "UnboundLocalError": {"UnboundLocalError", "NameError"},
    "ModuleNotFoundError": {"ModuleNotFoundError", "ImportError"},
    "RecursionError": {"RecursionError"},
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--remedy", default=os.path.join(HERE, "..", "..", "target", "release", "remedy"))
    parser.add_argument("--corpus", default=HERE, type=os.path.abspath, help="folder holding crash/ and clean/")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    crash_dir = os.path.join(args.corpus, "crash")
    clean_dir = os.path.join(args.corpus, "clean")
    crash_findings = findings(args.remedy, crash_dir)
    clean_findings = findings(args.remedy, clean_dir)
    found = 0
    total = 0
    for name in sorted(os.listdir(crash_dir)):
        if not name.endswith(".py"):
            continue
        outcome = run_program(os.path.join(crash_dir, name))
        if outcome is None:
            print(f"  {name}: does not crash (corpus error)")
            continue
        total += 1
        exception, lines = outcome
        accepted = SAME.get(exception, {exception})
        hits = [
            item for item in crash_findings.get(name, [])
            if (item.get("exception") or "").split(".")[-1] in accepted and line_of(item) in lines
        ]
        if hits:
            found += 1
        if args.verbose or not hits:
            got = ", ".join(
                f"L{line_of(item)} {item.get('rule')}({item.get('exception')})"
                for item in crash_findings.get(name, [])
            )
            mark = "found" if hits else "MISSED"
            print(f"  {name}: {exception} at L{lines[-1] if lines else '?'} — {mark}; findings: {got or 'none'}")
    flagged = 0
    clean_total = 0
    for name in sorted(os.listdir(clean_dir)):
        if not name.endswith(".py"):
            continue
        clean_total += 1
        if run_program(os.path.join(clean_dir, name)) is not None:
            print(f"  {name}: clean program crashes (corpus error)")
        items = clean_findings.get(name, [])
        if items:
            flagged += 1
            got = ", ".join(f"L{line_of(item)} {item.get('rule')}" for item in items)
            print(f"  {name}: clean but flagged: {got}")
    print(f"crashes found: {found}/{total} ({100 * found / max(total, 1):.0f}%)")
    print(f"clean programs flagged: {flagged}/{clean_total}")


if __name__ == "__main__":
    main()
