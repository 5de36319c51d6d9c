"""Conditions kept in names, tests repeated, and globals set by an init function."""

import sys

_policy = None


def _init_policy():
    global _policy
    _policy = {"mode": "strict"}


def get_policy():
    if _policy is None:
        _init_policy()
    return _policy.get("mode")


def describe(path=None):
    has_path = path is not None
    if has_path:
        return path.upper()
    return "stdin"


def checked_total(values):
    empty = len(values) == 0
    if empty:
        return 0
    return values[0]


def report(argv):
    verbose = "-v" in argv
    if verbose:
        started = len(argv)
    print("working")
    if verbose:
        print(started)


def careless(argv):
    if argv:
        first = argv[0]
    print(first)  # expect: possibly-unbound


def stale_alias(path=None):
    has_path = path is not None
    path = None
    if has_path:
        return path.upper()  # expect: none-attribute
    return ""


def prepare_hooks(hooks=None):
    hooks = hooks or {}
    names = []
    for event in hooks:
        names.append(hooks[event])
    return names


print(get_policy(), describe(), checked_total([]), report(sys.argv), prepare_hooks(None))
