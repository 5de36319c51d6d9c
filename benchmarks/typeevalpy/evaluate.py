#!/usr/bin/env python3
"""Scores `remedy types` against a folder of TypeEvalPy-style cases.

A case is a folder holding Python files and `<module>_gt.json` ground truths: lists of
entries naming a file, a line, and a function (its return), a function and a
parameter, or a variable (optionally inside a function), with the expected type names.

    python3 evaluate.py --remedy target/release/remedy --cases path/to/python_features

For every entry the script finds the fact Remedy reports for the same name on the same
line and compares type-name sets exactly (TypeEvalPy's convention). Entries expecting
`any` are counted apart, not scored. Entries whose name does not occur on their line in
the source at hand (the ground truth and the source disagree) are counted as
misaligned and not scored. Remedy's `type(x).__name__` names are mapped to the
benchmark's vocabulary: functions, methods and builtins are `callable`; the benchmark's
own `function` is read as `callable` too. Where a ground truth writes a container with
its item type (`list[str]`), Remedy's parameterized name for that member is compared.

Precision is correct / answered (entries with at least one inferred type); recall is
correct / scored entries.
"""

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

CALLABLE_NAMES = {"function", "method", "builtin_function_or_method", "callable"}


def benchmark_name(name):
    return "callable" if name in CALLABLE_NAMES else name


def find_cases(root):
    """Folders holding at least one `*_gt.json`, by category (first path part)."""
    cases = []
    for gt in sorted(root.rglob("*_gt.json")):
        case = gt.parent
        # A module's ground truth may sit in a package folder of the case; the case is
        # the top folder under the category.
        relative = case.relative_to(root)
        if len(relative.parts) < 2:
            continue
        case_root = root / relative.parts[0] / relative.parts[1]
        cases.append((relative.parts[0], case_root, gt))
    grouped = defaultdict(list)
    for category, case_root, gt in cases:
        grouped[(category, case_root)].append(gt)
    return grouped


def run_remedy(remedy, files):
    result = subprocess.run(
        [remedy, "types", *map(str, files), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        sys.stderr.write(f"remedy failed on {files[0].parent}: {result.stderr}\n")
        return {}
    document = json.loads(result.stdout)
    return {Path(entry["file"]).resolve(): entry["facts"] for entry in document["files"]}


def last_part(name):
    return name.rsplit(".", 1)[-1] if name else name


def name_on_line(lines, line_number, name):
    """Whether `name` (its last dotted part, before any subscript) is on the line."""
    if not 1 <= line_number <= len(lines):
        return False
    base = last_part(re.split(r"\[", name)[0])
    if base == "lambda":
        return "lambda" in lines[line_number - 1]
    return re.search(rf"\b{re.escape(base)}\b", lines[line_number - 1]) is not None


def same_function(fact_function, expected):
    if expected is None:
        return True
    if fact_function is None:
        return False
    return fact_function == expected or last_part(fact_function) == last_part(expected)


def find_fact(facts, entry):
    line = entry["line_number"]
    column = entry.get("col_offset")
    if "parameter" in entry:
        candidates = [
            fact
            for fact in facts
            if fact["kind"] == "parameter"
            and fact["name"] == entry["parameter"]
            and same_function(fact["function"], entry.get("function"))
        ]
        on_line = [fact for fact in candidates if fact["line"] == line]
        return (on_line or candidates or [None])[0]
    if "variable" in entry:
        name = entry["variable"]
        candidates = [
            fact
            for fact in facts
            if fact["kind"] in ("variable", "parameter")
            and fact["name"] == name
            and fact["line"] == line
            and same_function(fact["function"], entry.get("function"))
        ]
        if not candidates and "." in name and "[" not in name:
            # An attribute store: the benchmark names it `self.n` or `Cls.n`.
            candidates = [
                fact
                for fact in facts
                if fact["kind"] == "variable"
                and "." in fact["name"]
                and last_part(fact["name"]) == last_part(name)
                and fact["line"] == line
            ]
        if column is not None:
            exact = [fact for fact in candidates if fact["column"] == column]
            candidates = exact or candidates
        return (candidates or [None])[0]
    if "function" in entry:
        name = entry["function"]
        candidates = [
            fact for fact in facts if fact["kind"] == "function" and fact["line"] == line
        ]
        exact = [fact for fact in candidates if fact["name"] == name]
        loose = [fact for fact in candidates if last_part(fact["name"]) == last_part(name)]
        return (exact or loose or [None])[0]
    return None


def evaluate(remedy, root, verbose):
    totals = defaultdict(lambda: defaultdict(int))
    mismatches = []
    for (category, case_root), gts in sorted(find_cases(root).items()):
        sources = sorted(case_root.rglob("*.py"))
        if not sources:
            continue
        facts_by_file = run_remedy(remedy, sources)
        for gt in gts:
            for entry in json.loads(gt.read_text()):
                counts = totals[category]
                source = (gt.parent / entry["file"]).resolve()
                expected = {benchmark_name(name) for name in entry["type"]}
                if "any" in expected:
                    counts["any"] += 1
                    continue
                subject = entry.get("parameter") or entry.get("variable") or entry.get("function")
                if not source.exists():
                    counts["misaligned"] += 1
                    continue
                lines = source.read_text().splitlines()
                if not name_on_line(lines, entry["line_number"], subject or ""):
                    counts["misaligned"] += 1
                    continue
                counts["scored"] += 1
                fact = find_fact(facts_by_file.get(source, []), entry)
                predicted = predicted_names(fact, expected)
                if predicted:
                    counts["answered"] += 1
                if predicted == expected:
                    counts["correct"] += 1
                elif verbose:
                    where = f"{source.relative_to(root)}:{entry['line_number']}"
                    mismatches.append(
                        f"{where} {subject}: expected {sorted(expected)}, got {sorted(predicted)}"
                    )
    return totals, mismatches


def predicted_names(fact, expected):
    """The fact's type names; a member is written `list[str]` where the ground truth
    spells its type with parameters (`list[int]`), plain (`list`) otherwise."""
    if fact is None:
        return set()
    parameterized_bases = {name.split("[", 1)[0] for name in expected if "[" in name}
    predicted = set()
    for detailed in fact["parameterized"]:
        base = detailed.split("[", 1)[0]
        predicted.add(benchmark_name(detailed if base in parameterized_bases else base))
    return predicted


def ratio(numerator, denominator):
    return f"{100 * numerator / denominator:.1f}%" if denominator else "-"


def print_table(totals):
    header = ("category", "scored", "answered", "correct", "precision", "recall", "any", "misaligned")
    rows = []
    overall = defaultdict(int)
    for category in sorted(totals):
        counts = totals[category]
        for key, value in counts.items():
            overall[key] += value
        rows.append((category, counts))
    rows.append(("overall", overall))
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for category, counts in rows:
        cells = (
            category,
            counts["scored"],
            counts["answered"],
            counts["correct"],
            ratio(counts["correct"], counts["answered"]),
            ratio(counts["correct"], counts["scored"]),
            counts["any"],
            counts["misaligned"],
        )
        print("| " + " | ".join(str(cell) for cell in cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--remedy", required=True, help="the remedy binary")
    parser.add_argument("--cases", required=True, type=Path, help="a TypeEvalPy-format folder")
    parser.add_argument("--verbose", action="store_true", help="list every wrong or missing entry")
    args = parser.parse_args()
    totals, mismatches = evaluate(args.remedy, args.cases.resolve(), args.verbose)
    print_table(totals)
    for line in mismatches:
        print(line)


if __name__ == "__main__":
    main()
