"""Objects whose attributes and entries are set in ways a class body does not show."""

import argparse
import sys

from . import toolkit

if sys.platform.startswith("java"):
    try:
        from java.lang import Exception
    except ImportError:
        pass


class WidgetError(Exception):
    pass


class Zone:
    def __init__(self, offset):
        self.offset = offset

    def __repr__(self):
        if self is self.utc:
            return "Zone.utc"
        return f"Zone({self.offset})"


UTC = Zone.utc = Zone(0)


class Form:
    """Mixed into every toolkit widget below; it relies on the widget's attributes."""

    def place(self, row, column):
        return f"grid {self.handle} -row {row} -column {column}"


toolkit.Widget.__bases__ = toolkit.Widget.__bases__ + (Form,)


class Dialog(toolkit.Widget):
    def create(self):
        self.buttons = {}
        for text, order in (("Ok", 1), ("Apply", 2), ("Cancel", 3)):
            self.buttons[text] = [text, order]
            self.buttons[text].append(order * 10)
        return self.buttons


class Program:
    def __init__(self, argv):
        parser = argparse.ArgumentParser()
        parser.add_argument("tests", nargs="*")
        parser.parse_args(argv, self)

    def run(self):
        return len(self.tests)


def kind_of(value):
    found = None
    if value:
        found = value
    return found.__class__.__name__


def build_getter(field):
    source = f"lambda record: record[{field!r}]"
    # `!r` writes the field as a Python literal: nothing to inject.
    # expect-not: eval-injection
    return eval(source)


class Headers:
    """A header list: `keys()` returns a new list, not a view."""

    def __init__(self):
        self._items = []

    def keys(self):
        return [key for key, _ in self._items]

    def __delitem__(self, key):
        self._items = [item for item in self._items if item[0] != key]


class Mailbox:
    def __init__(self):
        self.visible = Headers()
        self.cache = {"a": 1}

    def prune(self, keep):
        for header in self.visible.keys():
            if header not in keep:
                del self.visible[header]

    def clear_cache(self):
        for key in self.cache.keys():
            # expect: mutate-while-iterating
            del self.cache[key]


def drop_first(word):
    text = str(word)
    # expect: not-subscriptable
    del text[0]
    return text
