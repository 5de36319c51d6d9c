"""Builtins whose results follow their operands."""

import re
from datetime import timedelta

quotient, remainder = divmod(17, 5)  # hover[quotient]: int
halves = divmod(7.5, 2)  # hover[halves]: (float, float)
hours, rest = divmod(timedelta(hours=3), timedelta(hours=1))


def charset(buffer: bytes):
    match = re.search(rb"charset=(\S+)", buffer)
    if match is not None:
        return match.group(1).decode("ascii")
    return None


def word(text: str):
    match = re.search(r"(\w+)", text)
    if match is not None:
        return match.group(1).decode("ascii")  # expect: unknown-attribute
    return None


SCORES = {"math": [("ana", 14), ("cy", None)], "art": [("ben", None)]}


def graded(entries):
    return [grade for _, grade in entries if grade is not None]


def mean(values):
    return sum(values) / len(values)  # expect: division-by-zero


def mean_guarded(values):
    if not values:
        return 0.0
    return sum(values) / len(values)


for subject, entries in SCORES.items():
    print(subject, mean(graded(entries)), mean_guarded(graded(entries)))
