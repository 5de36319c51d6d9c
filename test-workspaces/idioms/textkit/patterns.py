"""Regular expressions: some cannot fail, some fail on the text they are given."""

import re

INDENT = re.compile(r"^([ \t]*)")
VERSION = re.compile(r"(\d+)\.(\d+)")


def indent_of(line):
    return INDENT.match(line).group(1)


def leading_space(line):
    return re.match(r"^([ \t]*)", line).group()


def words_before_colon(line):
    return re.search(r"[^:]*", line).group(0).split()


def version_parts(text):
    found = VERSION.match(text)
    # expect: none-attribute confidence=likely
    return found.groups()


RELEASE = VERSION.match("3.11")
MAJOR = RELEASE.group(1)  # hover[RELEASE]: re.Match instance

NIGHTLY = re.match(r"(\d+)\.(\d+)", "nightly")
# expect: none-attribute confidence=definite
MINOR = NIGHTLY.group(2)
