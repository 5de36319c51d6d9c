"""Warehouse stock: look-alikes that must stay quiet, and a few real mistakes."""
import functools
from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

import requests_cache_unknown


class Location(NamedTuple):
    aisle: str
    shelf: int
    bin: int = 0


@dataclass(frozen=True)
class Part:
    number: str
    revision: int = 1


@dataclass
class Batch:
    part: Part
    count: int


class Shelf:
    def __init__(self, slots):
        self.slots = list(slots)

    def __getitem__(self, position):
        return self.slots[position]

    def __len__(self):
        return len(self.slots)

    def __iter__(self):
        return iter(self.slots)


class Counter:
    def __init__(self):
        self.value = 0

    def __call__(self, step=1):
        self.value += step
        return self.value


class Plain:
    pass


class Repository:
    registry = {}

    @classmethod
    def create(cls, name, *, strict=False):
        return cls()

    @staticmethod
    def normalise(code):
        return code.strip().upper()

    def lookup(self, code, default=None):
        return self.registry.get(self.normalise(code), default)

    def log(self, *messages, **fields):
        print(messages, fields)


def traced(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


@traced
def reserve(part, count):
    return part, count


def clean_calls():
    here = Location("A", 3)
    there = Location("B", 1, bin=4)
    part = Part("X-1")
    batch = Batch(part, 10)
    repo = Repository.create("main", strict=True)
    print(Repository.normalise(" ab "), repo.lookup("ab"), repo.lookup("ab", 0))
    repo.log("one", "two", level="info")
    options = {"strict": True}
    print(Repository.create("other", **options))
    arguments = ("X-2", 3)
    print(reserve(*arguments))
    print(reserve("X-3"))
    counter = Counter()
    counter()
    counter(step=2)
    shelf = Shelf(["a", "b"])
    print(shelf[0], len(shelf))
    for slot in shelf:
        print(slot)
    square = lambda value: value * value
    print(square(3))
    print(requests_cache_unknown.install("cache", 1, 2, 3))
    print(max(1, 2, 3), min([4, 5]), sorted([3, 1], key=abs, reverse=True))
    return here, there, batch


def clean_operands(values, label):
    total = 0
    for value in values:
        total += value
    ratio = total / 2
    text = "%s: %d" % (label, total)
    joined = label + "!" if isinstance(label, str) else str(label)
    repeated = [0] * 3
    combined = (1, 2) + (3,)
    merged = {1, 2} | {3}
    keys = {"a": 1}.keys() - {"a"}
    scaled = 2 * "ab"
    return ratio, text, joined, repeated, combined, merged, keys, scaled


def clean_keys(parts):
    by_part = {}
    for part in parts:
        by_part[part] = True
    frozen = Part("Y-1")
    by_part[frozen] = False
    positions = {Location("A", 1): "front"}
    pair_keys = {("a", 1): 1}
    frozen_tags = {frozenset(["a", "b"]): 1}
    cache = OrderedDict()
    cache[("k", 2)] = 1
    return by_part, positions, pair_keys, frozen_tags, cache


def guarded(raw):
    try:
        quantity = int("ten")
    except (TypeError, ValueError):
        quantity = 0
    try:
        broken = "Qty: " + quantity
    except TypeError:
        broken = ""
    amount = int(raw) if raw.isdigit() else 0
    return quantity, broken, amount


def mistakes():
    plain = Plain()
    # expect: not-callable confidence=definite
    plain()
    # expect: not-subscriptable confidence=definite
    print(plain[0])
    # expect: not-iterable confidence=definite
    for item in plain:
        print(item)
    # expect: call-arity confidence=definite
    Location("A")
    # expect: call-arity confidence=definite
    Part("X-1", 2, "extra")
    # expect: call-arity confidence=definite
    Repository.create("main", True)
    # expect: unhashable-key confidence=definite
    index = {Batch(Part("Z"), 1): "z"}
    # expect: bad-builtin-arg confidence=definite
    print(sum(["a", "b"]))
    # expect: bad-builtin-arg confidence=definite
    print(range("3"))
    return index


def maybe(flag):
    code = 5 if flag else "5"
    # expect: bad-operand confidence=likely
    return code + "!"


def caller(values):
    # expect: not-iterable confidence=definite
    for value in len(values):
        print(value)


def shadows(raw):
    # expect-not: builtin-shadowed-call
    text = str(raw)
    input = "yes"
    # expect: builtin-shadowed-call confidence=definite
    answer = input("Continue? ")
    return text, answer


if __name__ == "__main__":
    print(maybe(flag=bool(input("flag? "))))
