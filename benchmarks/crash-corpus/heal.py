#!/usr/bin/env python3
"""Measures healing on the crash corpus.

Every program is copied to a scratch folder and healed there with
`remedy fix --unsafe FILE` (for each finding, its preferred verified patch, in rounds).
A crashing program counts as healed when the patched program exits normally and its
output starts with everything the original printed before it crashed. A clean program
must come out unchanged in behaviour: same output, normal exit.

Usage: heal.py [--remedy PATH] [--corpus DIR] [--verbose]

--corpus names another folder with the same `crash/` and `clean/` layout
(e.g. ../crash-corpus-2); the default is the folder of this script.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(path):
    try:
        result = subprocess.run(
            [sys.executable, path], capture_output=True, text=True, timeout=20, cwd=os.path.dirname(path)
        )
    except subprocess.TimeoutExpired:
        return (None, "")
    return (result.returncode, result.stdout)


def heal(remedy, path):
    subprocess.run([remedy, "fix", "--unsafe", path], capture_output=True, text=True, timeout=120)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--remedy", default=os.path.join(HERE, "..", "..", "target", "release", "remedy"))
    parser.add_argument("--corpus", default=HERE, type=os.path.abspath, help="folder holding crash/ and clean/")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    remedy = os.path.abspath(args.remedy)
    healed = broken = crash_total = clean_total = 0
    with tempfile.TemporaryDirectory() as scratch:
        for kind in ("crash", "clean"):
            source = os.path.join(args.corpus, kind)
            for name in sorted(os.listdir(source)):
                if not name.endswith(".py"):
                    continue
                folder = os.path.join(scratch, kind, name[:-3])
                os.makedirs(folder)
                path = os.path.join(folder, name)
                shutil.copy(os.path.join(source, name), path)
                before_code, before_out = run(path)
                with open(path) as file:
                    original = file.read()
                heal(remedy, path)
                with open(path) as file:
                    patched = file.read()
                after_code, after_out = run(path)
                if kind == "crash":
                    crash_total += 1
                    ok = after_code == 0 and after_out.startswith(before_out)
                    healed += ok
                    if args.verbose or not ok:
                        state = "healed" if ok else ("unchanged" if patched == original else "NOT HEALED")
                        print(f"  crash/{name}: {state} (exit {before_code} -> {after_code})")
                else:
                    clean_total += 1
                    ok = after_code == before_code == 0 and after_out == before_out
                    broken += not ok
                    if args.verbose or not ok or patched != original:
                        print(f"  clean/{name}: {'kept' if ok else 'BROKEN'}{' (patched)' if patched != original else ''}")
    print(f"crashing programs healed: {healed}/{crash_total} ({100 * healed / max(crash_total, 1):.0f}%)")
    print(f"clean programs broken: {broken}/{clean_total}")


if __name__ == "__main__":
    main()
