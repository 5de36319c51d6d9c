//! Fixtures for the `types` family: each rule flags the crash and stays quiet on the
//! guarded or correct look-alike.

use crate::testing::check_fixture_expectations;

#[track_caller]
fn check(fixture: &str) {
    let result = check_fixture_expectations(fixture);
    assert!(result.passed(), "{}", result.report());
}

#[test]
fn call_arity_counts_positional_keyword_and_missing_arguments() {
    check(
        r#"
def area(width, height, *, unit="m"):
    return f"{width * height}{unit}"

# expect: call-arity confidence=definite
area(2)
# expect: call-arity confidence=definite
area(2, 3, "cm")
# expect: call-arity confidence=definite
area(2, 3, units="cm")
# expect: call-arity confidence=definite
area(2, width=3)
area(2, 3, unit="cm")
area(height=3, width=2)
sizes = (2, 3)
area(*sizes)

def pick(flag):
    return area if flag else max

# expect-not: call-arity
pick(input())(1)
shout = lambda text: text.upper()
# expect: call-arity confidence=definite
shout("a", "b")
try:
    area(1)
except TypeError:
    pass
# expect: call-arity confidence=definite
len([1], [2])
"#,
    );
}

#[test]
fn call_arity_follows_classes_and_methods() {
    check(
        r#"
from dataclasses import dataclass, field

class Base:
    def __init__(self, name, size=0):
        self.name = name

class Child(Base):
    def rename(self, name):
        self.name = name

    @staticmethod
    def parse(text):
        return Child(text)

    @classmethod
    def empty(cls):
        return cls("")

@dataclass
class Point:
    x: int
    y: int = 0
    tags: list = field(default_factory=list)

# expect: call-arity confidence=definite
Child()
Child("a", 1)
child = Child.parse("b")
Child.empty()
# expect: call-arity confidence=definite
Child.empty("x")
# expect: call-arity confidence=definite
child.rename()
Child.rename(child, "c")
Point(1)
Point(1, 2, [])
# expect: call-arity confidence=definite
Point(1, 2, [], 4)
# expect: call-arity confidence=definite
Point(y=2)
"#,
    );
}

#[test]
fn call_arity_skips_unknown_decorators_and_redefinitions() {
    check(
        r#"
import functools

def retry(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        # The static rule skips the unknown decorator; running the file fails here (the replay).
        # expect: call-arity confidence=definite
        return function(*args, **kwargs)
    return wrapper

@retry
def fetch(url):
    return url

fetch()

try:
    from fast import parse
except ImportError:
    def parse(text):
        return text

parse("a", "b")

class Record:
    @property
    def size(self):
        return 3

print(Record().size)
"#,
    );
}

#[test]
fn bad_operand_judges_each_pair() {
    check(
        r#"
def label(flag, count):
    prefix = "n=" if flag else 3
    # expect: bad-operand confidence=likely
    return prefix + "!"

print(label(len(input()) > 3, 1))

def join(count):
    # expect: bad-operand confidence=definite
    return "total: " + count

join(3)
join_ok = "total: " + str(3)
# expect: bad-operand confidence=definite
pairs = [1] + (2,)
items = [1]
items += (2,)
counts = [0]
# expect: bad-operand confidence=definite
counts *= "3"
fmt = "%s and %d" % ("a", 2)
# expect-not: bad-operand
half = None
bits = 6 & 3
# expect: bad-operand confidence=definite
wrong_bits = 6.0 & 3

class Vector:
    def __init__(self, x):
        self.x = x

    def __add__(self, other):
        return Vector(self.x + other.x)

    def __rmul__(self, factor):
        return Vector(self.x * factor)

v = Vector(1) + Vector(2)
w = 3 * Vector(1)
# expect: bad-operand confidence=definite
u = Vector(1) - Vector(2)
# expect: bad-operand confidence=definite
t = "v" + Vector(1)

def unknown(value):
    # expect-not: bad-operand
    return value + "!"
"#,
    );
}

#[test]
fn capabilities_of_values_and_instances() {
    check(
        r#"
class Grid:
    def __init__(self):
        self.cells = [[0]]

    def __getitem__(self, at):
        return self.cells[at]

class Bag:
    pass

def load():
    return [1, 2]

grid = Grid()
print(grid[0])
# expect: not-subscriptable confidence=definite
print(load[0])
print(load()[0])
# expect: not-subscriptable confidence=definite
print(Bag()[0])
names = {"a", "b"}
# expect: not-subscriptable confidence=definite
first = names[0]
# expect: not-iterable confidence=definite
for cell in Bag():
    print(cell)
# expect: not-iterable confidence=definite
a, b = 5
count = len(names)
# expect: not-callable confidence=definite
count()
import os
# expect: not-callable confidence=definite
os()
hint = list[int]
try:
    count()
except TypeError:
    pass

def maybe(flag, other):
    value = 3 if flag else other
    # `other` is unknown: a possible finding, below the default threshold.
    # expect-not: not-callable
    value()
"#,
    );
}

#[test]
fn unhashable_keys_in_displays_stores_and_methods() {
    check(
        r#"
from dataclasses import dataclass

@dataclass
class Cell:
    row: int

@dataclass(frozen=True)
class Key:
    row: int

class Token:
    def __eq__(self, other):
        return True

coords = [1, 2]
# expect: unhashable-key confidence=definite
grid = {coords: "a"}
ok = {tuple(coords): "a"}
# expect: unhashable-key confidence=definite
members = {coords, 3}
lookup = {}
# expect: unhashable-key confidence=definite
lookup[coords] = 1
lookup[(1, 2)] = 1
# expect: unhashable-key confidence=definite
lookup[(1, [2])] = 1
# expect: unhashable-key confidence=definite
print(lookup.get(coords))
seen = set()
# expect: unhashable-key confidence=definite
seen.add({"a": 1})
# expect: unhashable-key confidence=definite
seen.add(Cell(1))
seen.add(Key(1))
# expect: unhashable-key confidence=definite
seen.add(Token())
# expect: unhashable-key confidence=definite
unique = set([[1], [2]])
frozen = {frozenset(coords): 1}
# expect: unhashable-key confidence=definite
if coords in lookup:
    print("cached")
# expect: unhashable-key confidence=definite
print(["a"] not in seen)
print(coords in [[1, 2]], "a" in "abc", (1, 2) in lookup)

class SearchCache:
    def __init__(self):
        self.entries = {}

    def lookup(self, key, compute):
        # expect: unhashable-key confidence=definite
        if key in self.entries:
            # expect: unhashable-key confidence=definite
            return self.entries[key]
        value = compute()
        # expect: unhashable-key confidence=definite
        self.entries[key] = value
        return value

cache = SearchCache()
cache.lookup(("kim", ["python", "async"]), lambda: 1)
"#,
    );
}

#[test]
fn bad_builtin_arguments_with_known_values() {
    check(
        r#"
import math

# expect: bad-builtin-arg confidence=definite
a = int("abc")
b = int(" 42 ")
c = int("1_000")
# expect: bad-builtin-arg confidence=definite
d = int(None)
# expect: bad-builtin-arg confidence=definite
e = float("x")
f = float("1e3")
g = float("nan")
# expect: bad-builtin-arg confidence=definite
h = len(5)
# expect: bad-builtin-arg confidence=definite
i = ", ".join([1, 2])
j = ", ".join(str(n) for n in [1, 2])
# expect: bad-builtin-arg confidence=definite
k = math.sqrt(-1)
# expect: bad-builtin-arg confidence=definite
l = range("3")
# expect: bad-builtin-arg confidence=definite
m = sum(["a"])
# expect: bad-builtin-arg confidence=definite
n = abs("x")
o = int(input())
raw = "7" if input() else "seven"
# expect: bad-builtin-arg confidence=likely
p = int(raw)
try:
    q = int("x")
except ValueError:
    q = 0
"#,
    );
}

#[test]
fn abstract_classes_need_every_method() {
    check(
        r#"
import abc
from abc import ABC, abstractmethod

class Shape(ABC):
    @abstractmethod
    def area(self):
        ...

    @abstractmethod
    def name(self):
        ...

    def describe(self):
        return self.name() + ": " + str(self.area())

    @classmethod
    def create(cls):
        return cls()

class Square(Shape):
    def area(self):
        return 4

    def name(self):
        return "square"

class Half(Shape):
    def area(self):
        return 1

class Legacy(metaclass=abc.ABCMeta):
    @abc.abstractmethod
    def run(self):
        pass

class NotAbc:
    @abstractmethod
    def run(self):
        pass

print(Square().describe())
print(Square.create().describe())
# expect: abstract-instantiation confidence=definite
Half()
# expect: abstract-instantiation confidence=definite
Shape()
# expect: abstract-instantiation confidence=definite
Legacy()
NotAbc()
"#,
    );
}

#[test]
fn builtin_shadowing_names_the_binding() {
    check(
        r#"
def report(rows):
    max = 10
    # expect: builtin-shadowed-call confidence=definite
    limit = max(len(rows), 3)
    return limit

def fine(rows):
    total = sum(rows)
    return max(total, 1)

type = "admin"
# expect: builtin-shadowed-call confidence=definite
print(type(3))

def local_list():
    list = list_of()
    # expect: builtin-shadowed-call confidence=definite
    return list(1)

def list_of():
    return [1]
"#,
    );
}

#[test]
fn unknown_beside_bad_is_possible() {
    check(
        r#"
#- /remedy.toml
min_confidence = "possible"
#- /main.py
def maybe(flag, other):
    value = 3 if flag else other
    # expect: not-callable confidence=possible
    value()
    # expect: bad-operand confidence=possible
    return value + "!"
"#,
    );
}
