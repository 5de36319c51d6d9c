//! Inference tests, written as Python with inline hover expectations: each `hover[name]`
//! text must appear in the hover of that name on the target line.

use crate::testing::check_fixture_expectations;

#[track_caller]
fn check(fixture: &str) {
    let result = check_fixture_expectations(fixture);
    assert!(result.passed(), "{}", result.report());
}

#[test]
fn branches_give_unions_with_provenance() {
    check(
        r#"
flag = input() == "y"
if flag:
    a = 4
else:
    a = 4.1
print(a)  # hover[a]: `4 (int) | 4.1 (float)`
# hover[a]: `4 (int)` — L3, `if flag:` true branch
# hover[a]: `4.1 (float)` — L5, `else` branch
b = a
"#,
    );
}

#[test]
fn elif_chains_and_conditional_expressions() {
    check(
        r#"
def pick(n):
    if n > 10:
        size = "big"
    elif n > 5:
        size = "medium"
    else:
        size = None
    return size  # hover[size]: `'big' (str) | 'medium' (str) | None`

label = "yes" if input() else "no"  # hover[label]: `'yes' (str) | 'no' (str)`
"#,
    );
}

#[test]
fn narrowing_removes_members() {
    check(
        r#"
import os
value = os.environ.get("X") if input() else None
if input():
    value = "set"
if value is not None:
    print(value)  # hover[value]: **Value**: `str`
else:
    print(value)  # hover[value]: `None`
item = 3 if input() else "three"
if isinstance(item, int):
    print(item)  # hover[item]: `3 (int)`
"#,
    );
}

#[test]
fn containers_track_keys_lengths_and_mutation() {
    check(
        r#"
cfg = {"host": "localhost"}
cfg["port"] = 8080
print(cfg)  # hover[cfg]: `{'host': 'localhost', 'port': 8080} (dict)`
items = [1, 2]
items.append("three")
print(items)  # hover[items]: `[1, 2, 'three'] (list, len 3)`
first, *rest = items
print(rest)  # hover[rest]: `[2, 'three'] (list, len 2)`
port = cfg.get("port")  # hover[port]: `8080 (int)`
missing = cfg.get("user")  # hover[missing]: `None`
"#,
    );
}

#[test]
fn loops_widen_and_join_with_the_path_that_skips_them() {
    check(
        r#"
total = 0
for number in [1, 2, 3]:
    total = total + number
print(total)  # hover[total]: `6 (int)`
grand = 0
for number in range(100):
    grand = grand + number
print(grand)  # hover[grand]: `int`
count = 0
while count < 10:
    count += 1
print(count)  # hover[count]: `int`
"#,
    );
}

#[test]
fn functions_return_unions_including_implicit_none() {
    check(
        r#"
def find(items, wanted):
    for item in items:
        if item == wanted:
            return item
# hover[find]: **Returns**: `unknown | None`
result = find([1], 1)

def always():
    raise ValueError("no")
# hover[always]: never returns normally
# hover[always]: **May raise**: `ValueError`
x = always
"#,
    );
}

#[test]
fn recursion_reaches_a_fixpoint() {
    check(
        r#"
def countdown(n):
    if n <= 0:
        return "done"
    return countdown(n - 1)
# hover[countdown]: **Recursive**: yes
# hover[countdown]: **Returns**: `'done' (str)`
result = countdown(3)  # hover[result]: `'done' (str)`

def ping(n):
    return pong(n) if n else 0
def pong(n):
    return ping(n - 1)
value = ping(2)  # hover[value]: `0 (int)`
"#,
    );
}

#[test]
fn classes_have_attributes_along_the_mro_and_self_shape() {
    check(
        r#"
class Base:
    kind = "base"
    def __init__(self, name):
        self.name = name
        self.count = 0

class Mixin:
    def describe(self):
        return "mixin"

class Child(Base, Mixin):
    def bump(self):
        self.count += 1
        return self.count

# hover[Child]: **MRO**: `Child` → `Base` → `Mixin` → `object`
# hover[Child]: `kind`: `'base' (str)` (from `Base`)
# hover[Child]: `self.count`: `0 (int)`
c = Child("n")
text = c.describe()  # hover[text]: `'mixin' (str)`
kind = c.kind  # hover[kind]: `'base' (str)`
"#,
    );
}

#[test]
fn imports_carry_values_across_files() {
    check(
        r#"
#- /pkg/__init__.py
#- /pkg/settings.py
DEFAULTS = {"debug": False}
def load():
    return DEFAULTS
#- /main.py
from pkg.settings import DEFAULTS, load
from pkg import settings
print(DEFAULTS)  # hover[DEFAULTS]: `{'debug': False} (dict)`
loaded = load()  # hover[loaded]: `{'debug': False} (dict)`
again = settings.load()  # hover[again]: `{'debug': False} (dict)`
"#,
    );
}

#[test]
fn try_except_and_match() {
    check(
        r#"
try:
    number = int(input())
except ValueError as error:
    number = None
print(number)  # hover[number]: `int | None`

command = input()
match command:
    case "go":
        speed = 1
    case "run":
        speed = 2
    case _:
        speed = 0
print(speed)  # hover[speed]: `1 (int) | 2 (int) | 0 (int)`
"#,
    );
}

#[test]
fn comprehensions_and_walrus() {
    check(
        r#"
squares = [n * n for n in range(4)]  # hover[squares]: `list[int] (list)`
if (size := len(squares)) > 2:
    print(size)  # hover[size]: `int`
"#,
    );
}

#[test]
fn deep_expressions_degrade_instead_of_overflowing() {
    let depth = 3_000;
    let fixture = format!(
        "x = {}1{}\ny = x  # hover[y]: (variable) y\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    check(&fixture);
    let chain = format!(
        "s = {}\ntotal = s  # hover[total]: (variable) total\n",
        vec!["1"; 20_000].join(" + ")
    );
    check(&chain);
}

#[test]
fn parameters_show_what_callers_pass() {
    check(
        r#"
def scale(value, factor=2):
    return value * factor  # hover[value]: `3 (int)` — call at L4

result = scale(3)
other = scale(value="x", factor=3)  # hover[other]: (variable) other

class Box:
    def __init__(self, size):
        self.width = size  # hover[size]: `10 (int)` — call at L11

box = Box(10)
"#,
    );
}

#[test]
fn calls_show_the_callee_and_the_result() {
    check(
        r#"
def double(x):
    return x * 2

value = double(21)
# hover[double]: **Call** `function double` → `42 (int)`
print(double(21))
"#,
    );
}

#[test]
fn circular_imports_reach_a_fixpoint() {
    check(
        r#"
#- /pkg/__init__.py
#- /pkg/a.py
from pkg.b import B_VALUE  # expect: circular-import confidence=likely
A_VALUE = 1
#- /pkg/b.py
from pkg.a import A_VALUE  # expect: circular-import confidence=likely
B_VALUE = 2
copy = A_VALUE  # hover[copy]: (variable) copy
"#,
    );
}

#[test]
fn inferred_names_list_every_occurrence_with_members_and_branches() {
    let fixture = crate::testing::Fixture::parse(
        r#"
#- /m.py
import random
if random.random() > 0.5:
    a = 4
else:
    a = 4.1
print($0a)
"#,
    );
    let names = fixture
        .analysis()
        .inferred_names(fixture.position.file)
        .unwrap();
    let read = names
        .iter()
        .find(|name| name.name == "a" && !name.binds)
        .expect("the read of `a` is listed");
    let rendered: Vec<(&str, &str, &str)> = read
        .members
        .iter()
        .map(|member| {
            (
                member.value.as_str(),
                member.type_name.as_str(),
                member.origins[0].as_str(),
            )
        })
        .collect();
    assert_eq!(
        rendered,
        [
            (
                "4 (int)",
                "int",
                "L3, `if random.random() > 0.5:` true branch"
            ),
            ("4.1 (float)", "float", "L5, `else` branch"),
        ]
    );
    let binding = names
        .iter()
        .find(|name| name.name == "a" && name.binds)
        .expect("the bindings of `a` are listed");
    assert_eq!(binding.qualified_name.as_deref(), Some("m.a"));
}

#[test]
fn super_reads_the_next_class_along_the_mro() {
    check(
        r#"
class Base:
    def greet(self):
        return "hello"

    def size(self):
        return 3


class Child(Base):
    def greet(self):
        return super().greet()

    def size(self):
        return super(Child, self).size()


child = Child()
word = child.greet()  # hover[word]: `'hello' (str)`
count = child.size()  # hover[count]: `3 (int)`
"#,
    );
}

#[test]
fn iterating_instances_follows_iter_and_next() {
    check(
        r#"
class Countdown:
    def __init__(self, start):
        self.start = start

    def __iter__(self):
        return self

    def __next__(self):
        if input():
            raise StopIteration
        return "tick"


class Pair:
    def __iter__(self):
        yield 1
        yield "two"


for tick in Countdown(3):
    print(tick)  # hover[tick]: `'tick' (str)`

for item in Pair():
    print(item)  # hover[item]: `1 (int) | 'two' (str)`
"#,
    );
}

#[test]
fn slices_of_known_sequences_keep_their_items() {
    check(
        r#"
request = ["GET", "/index", 200]
route = request[1:][0]  # hover[route]: `'/index' (str)`
status = request[::-1][0]  # hover[status]: `200 (int)`
pair = ("a", 1.5, None)[-2:]
last = pair[1]  # hover[last]: `None`
"#,
    );
}

#[test]
fn nested_item_stores_update_the_inner_container() {
    check(
        r#"
settings = {"db": {"port": 5432}, "hosts": ["a", "b"]}
settings["db"]["port"] = "5433"
settings["hosts"][1] = None
port = settings["db"]["port"]  # hover[port]: `'5433' (str)`
second = settings["hosts"][1]  # hover[second]: `None`
"#,
    );
}

#[test]
fn attribute_stores_show_the_stored_value() {
    check(
        r#"
class Job:
    def __init__(self, name):
        self.label = f"job-{name}"  # hover[label]: `str`
        self.retries = 3  # hover[retries]: `3 (int)`
"#,
    );
}

#[test]
fn unpacking_skips_sequences_whose_length_cannot_fit() {
    check(
        r#"
def shape_parts(flag):
    data = (10, -10) if flag else ("outline", "red", "blue")
    kind, fill, outline = data
    return kind  # hover[kind]: **Value**: `'outline' (str)`

pairs = [(1, 2), ("a", "b", "c")]
for first, *rest in pairs:
    print(first)  # hover[first]: `1 (int) | 'a' (str)`
"#,
    );
}

#[test]
fn type_comparisons_fold_when_both_types_are_known() {
    check(
        r#"
def listing(*args):
    func = None
    if args[-1:] and type(args[-1]) != type(''):
        args, func = args[:-1], args[-1]
    return func

chosen = listing("dir")  # hover[chosen]: **Value**: `None`
kind = type(3) == type(4)  # hover[kind]: `True (bool)`
other = type(3) is type("") # hover[other]: `False (bool)`
"#,
    );
}
