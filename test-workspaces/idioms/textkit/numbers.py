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
