//! Rule tests: Python fixtures with inline `expect:` assertions (matched both ways), and
//! the agreement between the JSON metadata, the registered checks and `docs/rules.md`.

use super::{all_rule_metadata, implemented_rules, rules_markdown};
use crate::testing::check_fixture_expectations;

#[track_caller]
fn check(fixture: &str) {
    let result = check_fixture_expectations(fixture);
    assert!(result.passed(), "{}", result.report());
}

#[test]
fn metadata_ids_are_unique_kebab_case_with_known_parents() {
    let all = all_rule_metadata();
    for (at, rule) in all.iter().enumerate() {
        assert!(
            rule.id
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-'),
            "{} is not kebab-case",
            rule.id
        );
        assert!(
            all[..at].iter().all(|earlier| earlier.id != rule.id),
            "{} is described twice",
            rule.id
        );
        if let Some(parent) = &rule.parent {
            assert!(
                all.iter().any(|other| &other.id == parent),
                "{}: unknown parent {parent}",
                rule.id
            );
        }
        assert!(!rule.summary.is_empty() && !rule.docs.example.is_empty());
    }
}

#[test]
fn every_implemented_rule_has_metadata_and_every_described_rule_has_logic() {
    let described: Vec<&str> = all_rule_metadata()
        .iter()
        .map(|rule| rule.id.as_str())
        .collect();
    let implemented: Vec<&str> = implemented_rules().collect();
    for rule in &implemented {
        assert!(described.contains(rule), "{rule} has logic but no metadata");
    }
    for rule in &described {
        // `syntax-error` comes from the parser, `invalid-user-rule` from the user rule
        // loader and `analysis-limited` from the size limits, not from a check.
        assert!(
            matches!(
                *rule,
                "syntax-error" | "invalid-user-rule" | "analysis-limited"
            ) || implemented.contains(rule),
            "{rule} is described but has no logic"
        );
    }
}

#[test]
fn docs_rules_md_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let expected = rules_markdown();
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    if actual != expected {
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&path, &expected).expect("docs/rules.md is writable");
        } else {
            panic!(
                "docs/rules.md is stale: run `UPDATE_EXPECT=1 cargo test -p remedy-analysis docs_rules_md_is_current`"
            );
        }
    }
}

#[test]
fn key_error_on_known_keys() {
    check(
        r#"
def load_config():
    return {"host": "localhost", "debug": True}

cfg = load_config()
# expect: key-error confidence=definite
port = cfg["port"]
host = cfg["host"]
if "port" in cfg:
    other = cfg["port"]
try:
    again = cfg["port"]
except KeyError:
    again = 80
settings = {"a": 1} if input() else {"b": 2}
# expect: key-error confidence=likely
value = settings["a"]
mode = "fast" if input() else "safe"
speeds = {"fast": 10}
# The key is one of two; the one that is there succeeds on its path.
# expect: key-error confidence=likely
speed = speeds[mode]
"#,
    );
}

#[test]
fn platform_names_have_no_single_value() {
    check(
        r#"
#- /os.py
import sys
if "posix" in sys.builtin_module_names:
    name = "posix"
elif "nt" in sys.builtin_module_names:
    name = "nt"
else:
    raise ImportError("no os specific module found")
#- /main.py
import os
import sys

SCHEMES = {"unix_user": {}, "nt": {}, "nt_user": {}}

class Install:
    def finalize_options(self):
        if os.name == "posix":
            self.select_scheme("unix_user")
        else:
            self.finalize_other()

    def finalize_other(self):
        self.select_scheme(os.name + "_user")

    def select_scheme(self, name):
        # expect-not: key-error
        return SCHEMES[name]

LINE_ENDINGS = {"win32": "\r\n"}
# expect-not: key-error
ending = LINE_ENDINGS[sys.platform]
"#,
    );
}

#[test]
fn index_error_and_unpacking() {
    check(
        r#"
items = []
# expect: index-error confidence=definite
first = items[0]
pair = (1, 2)
second = pair[1]
# expect: index-error confidence=definite
third = pair[2]
# expect: unpack-mismatch confidence=definite
a, b, c = pair
head, *rest = pair
"#,
    );
}

#[test]
fn none_family_follows_returns_and_narrowing() {
    check(
        r#"
import re

def find_user(users, name):
    for user in users:
        if user == name:
            return user
    return None

def shout(text):
    m = re.match(r"(\w+)", text)
    # expect: none-attribute confidence=likely
    word = m.group(1)
    if m is not None:
        print(m.group(1))
    return word

def total(prices):
    price = prices.get("apple") if prices else None
    if price is None:
        return 0
    return price * 3
"#,
    );
}

#[test]
fn division_by_zero_through_a_call() {
    check(
        r#"
def mean(xs):
    # expect: division-by-zero confidence=definite
    return sum(xs) / len(xs)

print(mean([1, 2, 3]))
print(mean([]))

def safe_mean(xs):
    if not xs:
        return 0.0
    return sum(xs) / len(xs)

print(safe_mean([]))
"#,
    );
}

#[test]
fn unknown_attribute_on_closed_classes_and_builtins() {
    check(
        r#"
class User:
    def __init__(self, name):
        self.name = name

    def greet(self):
        return "hi " + self.name

user = User("ada")
print(user.name, user.greet())
# expect: unknown-attribute confidence=definite
print(user.nmae)
text = "hello"
# expect: unknown-attribute confidence=definite
print(text.uppercase())
print(text.upper())

class Dynamic:
    def __getattr__(self, name):
        return name

print(Dynamic().anything)
"#,
    );
}

#[test]
fn suppression_comments() {
    check(
        r#"
cfg = {"host": "localhost"}
port = cfg["port"]  # remedy: ignore[key-error]
other = cfg["other"]  # remedy: ignore
"#,
    );
}

#[test]
fn stop_iteration_on_exhausted_iterators() {
    check(
        r#"
def first_even(numbers):
    # expect: stop-iteration confidence=definite
    return next(n for n in numbers if n % 2 == 0)

print(first_even([1, 3, 5]))

def first_even_or_none(numbers):
    return next((n for n in numbers if n % 2 == 0), None)

print(first_even_or_none([1, 3, 5]))

def header_after_loop():
    lines = iter(["x", "y"])
    for line in lines:
        print(line)
    # expect: stop-iteration confidence=definite
    return next(lines)

header_after_loop()

words = iter(["a", "b"])
print(next(words))
print(next(words))
# expect: stop-iteration confidence=definite
print(next(words))
# The third `next` raised: nothing runs past it.
print(next(words))
"#,
    );
}

#[test]
fn list_value_missing() {
    check(
        r#"
queue = ["ada", "bob"]
queue.remove("bob")
# expect: list-value-missing confidence=definite
queue.remove("eve")
if "eve" in queue:
    queue.remove("eve")
position = ("x", "y").index("y")
"#,
    );
}

#[test]
fn unbounded_recursion_direct_and_indirect() {
    check(
        r#"
def countdown(n):
    print(n)
    # expect: unbounded-recursion confidence=definite
    countdown(n - 1)

def factorial(n):
    if n <= 1:
        return 1
    return n * factorial(n - 1)

def ping(n):
    # expect: unbounded-recursion confidence=definite
    return pong(n + 1)

def pong(n):
    # expect: unbounded-recursion confidence=definite
    return ping(n + 1)

def walk(node):
    if node is None:
        return 0
    return 1 + walk(node.next)

class Tree:
    def depth(self):
        # expect: unbounded-recursion confidence=definite
        return 1 + self.depth()
"#,
    );
}

#[test]
fn membership_tests_narrow_both_sides() {
    check(
        r#"
STOCK = {"apple": 12, "banana": 0}

def restock_needed(name):
    if name not in STOCK:
        return True
    return STOCK[name] < 5

for product in ["apple", "banana", "durian"]:
    print(product, restock_needed(product))

def price_of(name):
    # expect: key-error confidence=definite
    return STOCK[name]

price_of("durian")

queue = ["ada", "bob"]
def serve(person):
    if person in queue:
        queue.remove(person)

serve("dan")
"#,
    );
}

#[test]
fn lengths_of_unions_reach_divisions() {
    check(
        r#"
def average(scores):
    # The loop over the two known students runs once each: `average([])` is one of
    # its calls (and the replay reaches it too).
    # expect: division-by-zero confidence=definite
    return sum(scores) / len(scores)

def report(students):
    for name, scores in students.items():
        print(name, average(scores))

report({"ada": [90, 85], "bob": []})
"#,
    );
}

#[test]
fn stubs_type_checking_blocks_and_type_unions_are_not_runtime_failures() {
    check(
        r#"
from typing import TYPE_CHECKING, Mapping

class Transport:
    def send(self, request) -> str: ...

    def fetch(self, request):
        reply = self.send(request)
        return reply.upper()

class Plain:
    def send(self, request):
        pass

    def fetch(self, request):
        reply = self.send(request)
        # expect: none-attribute confidence=definite
        return reply.upper()

if TYPE_CHECKING:
    Headers = Mapping[str, str] | None
    Missing = None + 1

Port = int | None
# expect: none-operand confidence=definite
total = None | 3
"#,
    );
}

#[test]
fn the_right_operand_of_and_or_runs_narrowed_by_the_left() {
    check(
        r#"
import os

class Ctx:
    flag = True

def pick():
    if os.environ.get("X"):
        return Ctx()
    return None

ctx = pick()
skip = ctx is None or ctx.flag
ready = ctx is not None and ctx.flag
# expect: none-attribute confidence=definite
broken = ctx is not None or ctx.flag
if (found := pick()) and found.flag:
    print(found)
"#,
    );
}

#[test]
fn guards_on_attribute_paths_silence_the_none_rules() {
    check(
        r#"
from __future__ import annotations

class Node:
    def __init__(self, parent: Node | None = None, help: str | None = None):
        self.parent = parent
        self.help = help
        self.label = self.parent.help if self.parent else None

    def path(self):
        if self.parent is not None:
            return self.parent.path()
        return ""

    def text(self):
        if self.help is None:
            return ""
        return self.help.strip()

    def both(self):
        return self.help is not None and self.help.strip()

    def asserted(self):
        assert self.parent
        return self.parent.help

    def unguarded(self):
        # expect: none-attribute confidence=definite
        return self.parent.help

root = Node()
child = Node(root, "x")
print(child.path(), child.text(), child.both(), child.asserted(), child.unguarded())
print(root.unguarded())
"#,
    );
}

#[test]
fn none_placeholders_set_from_outside_the_class_are_not_definite() {
    check(
        r#"
#- /models.py
class Response:
    def __init__(self):
        self.raw = None
        self.body = None

    def close(self):
        self.raw.close()

    def size(self):
        # expect: none-attribute confidence=definite
        return self.body.size
#- /adapters.py
from models import Response

def build(connection):
    response = Response()
    response.raw = connection
    return response
#- /server.py
class ForkServer:
    def __init__(self):
        self.alive_fd = None
        self.inherited_fds = None

    def first_inherited(self):
        # expect-not: none-subscript
        return self.inherited_fds[0]

    def alive(self):
        # expect-not: none-attribute
        return self.alive_fd.fileno()

    def inherited(self):
        return self.inherited_fds

_forkserver = ForkServer()
inherited = _forkserver.inherited

def serve_one(fds):
    (_forkserver.alive_fd, first) = fds[:2]
    (first,
     *_forkserver.inherited_fds) = fds
#- /popen.py
import server

class DupFd:
    def __init__(self, ind):
        self.ind = ind

    def detach(self):
        # expect-not: none-subscript
        return server.inherited()[self.ind]

    def first(self):
        # expect-not: none-subscript
        return server._forkserver.inherited()[0]
"#,
    );
}

#[test]
fn properties_read_as_values_not_methods() {
    check(
        r#"
class Response:
    def __init__(self):
        self._content = b""

    @property
    def content(self):
        return self._content

    def text(self):
        return len(self.content)

    def size(self):
        # expect: bad-builtin-arg confidence=definite
        return len(self.text)
"#,
    );
}

#[test]
fn object_model_dunders_are_attributes_of_every_object() {
    check(
        r#"
class Loader:
    def __init__(self):
        self.path = "x"

loader = Loader()
print(sorted(loader.__dict__.items()), loader.__class__.__name__, Loader.__module__)
# expect: unknown-attribute confidence=definite
print(loader.paht)
"#,
    );
}

#[test]
fn cooperative_mixins_read_what_the_class_they_are_combined_with_provides() {
    check(
        r#"
class BaseHeader(str):
    def init(self, name):
        self._name = name

    @property
    def name(self):
        return self._name

class AddressHeader:
    def init(self, *args, **kw):
        self._addresses = kw.pop("addresses")
        super().init(*args, **kw)

class SingleAddressHeader(AddressHeader):
    @property
    def address(self):
        if len(self._addresses) != 1:
            # expect-not: unknown-attribute
            raise ValueError("header {} has several addresses".format(self.name))
        return self._addresses[0]

def header_class(cls):
    return type("_" + cls.__name__, (cls, BaseHeader), {})

class Style:
    def __init__(self, options):
        self.options = options

    def config(self, **kw):
        # A plain class without the method: still reported.
        # expect: unknown-attribute confidence=definite
        return self._configure(kw)

Style({}).config(color="red")
"#,
    );
}

#[test]
fn the_key_of_getitem_may_be_a_slice() {
    check(
        r#"
def short(format):
    return format[:3]

def long(format):
    return format

class LocalizedMonths:
    _months = [short, long]

    def __init__(self, format):
        self.format = format

    def __getitem__(self, i):
        funcs = self._months[i]
        if isinstance(i, slice):
            # expect-not: not-iterable
            return [f(self.format) for f in funcs]
        # expect-not: not-callable
        return funcs(self.format)

def month_names(indexes):
    names = []
    for i in indexes:
        funcs = LocalizedMonths._months[i]
        # Outside the item protocol an unknown index is an index.
        # expect: not-iterable
        names.extend(f("%b") for f in funcs)
    return names

month_names([0, 1])
"#,
    );
}

#[test]
fn self_in_a_base_class_may_be_a_subclass_that_overrides_the_attribute() {
    check(
        r#"
import collections

class Transport:
    buffer_factory = bytearray

    def __init__(self):
        self.buffer = self.buffer_factory()

class DatagramTransport(Transport):
    buffer_factory = collections.deque

    def send_ready(self):
        while self.buffer:
            # expect-not: unknown-attribute
            data, addr = self.buffer.popleft()
            print(data, addr)

class Loader:
    def path_stats(self, path):
        return {"mtime": 0}

    def get_code(self, path):
        st = self.path_stats(path)
        # expect-not: key-error
        return st["mtime"], st["size"]

class FileLoader(Loader):
    def path_stats(self, path):
        return {"mtime": 1, "size": 2}

class PlainLoader:
    def path_stats(self, path):
        return {"mtime": 0}

    def get_code(self, path):
        st = self.path_stats(path)
        # No subclass overrides `path_stats`: still reported.
        # expect: key-error
        return st["size"]

print(FileLoader().get_code("a.py"), PlainLoader().get_code("b.py"))
"#,
    );
}

#[test]
fn a_call_that_mutates_a_default_fills_the_name_the_default_is() {
    check(
        r#"
LC_CTYPE = 0
LC_ALL = 6

def print_locale():
    categories = {}
    def init_categories(categories=categories):
        for name, value in globals().items():
            if name[:3] == "LC_":
                categories[name] = value
    init_categories()
    # expect-not: key-error
    del categories["LC_ALL"]
    return categories

def print_empty():
    categories = {}
    def describe(categories=categories):
        return len(categories)
    describe()
    # The callee only reads its default: still empty.
    # expect: key-error
    del categories["LC_ALL"]

print_locale()
print_empty()
"#,
    );
}

#[test]
fn an_empty_registry_of_another_scope_is_filled_at_run_time() {
    check(
        r#"
#- /rpc.py
objecttable = {}

class Server:
    def __init__(self):
        self.objtable = objecttable

    def register(self, oid, obj):
        self.objtable[oid] = obj

#- /run.py
import rpc

HANDLERS = {}
CONFIG = {}

def register(name, handler):
    HANDLERS[name] = handler

def handle():
    # expect-not: key-error
    executive = rpc.objecttable["exec"]
    # expect-not: key-error
    return executive, HANDLERS["default"]

def port():
    # Nothing ever stores into `CONFIG`.
    # expect: key-error
    return CONFIG["port"]

def local():
    table = {}
    # expect: key-error confidence=definite
    return table["exec"]

handle()
local()
port()
"#,
    );
}

#[test]
fn a_second_definition_of_the_same_name_is_not_a_recursive_call() {
    check(
        r#"
try:
    from _locale import localeconv
except ImportError:
    def localeconv():
        return {"decimal_point": "."}

_localeconv = localeconv

def localeconv():
    # expect-not: unbounded-recursion
    conv = _localeconv()
    return conv

def countdown(n):
    print(n)
    # expect: unbounded-recursion confidence=definite
    countdown(n - 1)

print(localeconv())
"#,
    );
}

#[test]
fn an_open_dict_read_with_an_unknown_key_may_give_values_stored_elsewhere() {
    check(
        r#"
class Server:
    def __init__(self):
        self.id_to_obj = {"0": (None, ())}

    def register(self, ident, obj, exposed, typeid):
        self.id_to_obj[ident] = (obj, exposed, typeid)

    def incref(self, ident):
        # expect-not: unpack-mismatch
        obj, exposed, gettypeid = self.id_to_obj[ident]
        return obj, exposed, gettypeid

def pairs(ident):
    table = {"a": (1, 2), "b": (3, 4)}
    # expect: unpack-mismatch
    first, second, third = table[ident]
    return first, second, third

pairs("a")
"#,
    );
}

#[test]
fn attributes_of_a_metaclass_instance_are_the_class_s_own_first() {
    check(
        r#"
class EnumType(type):
    def __new__(metacls, cls, bases, classdict, *, boundary=None):
        return super().__new__(metacls, cls, bases, classdict)

    def __call__(cls, value, names=None):
        if names is None:
            # expect-not: call-arity
            return cls.__new__(cls, value)
        return None
"#,
    );
}

#[test]
fn attributes_set_from_outside_an_instance_are_not_unknown() {
    check(
        r#"
#- /window.py
class ListedToplevel:
    def __init__(self, root):
        self.root = root

    def update_windowlist(self):
        # expect-not: unknown-attribute
        return sorted(self.instance_dict)

#- /editor.py
from window import ListedToplevel

class EditorWindow:
    def __init__(self, root):
        self.top = ListedToplevel(root)
        self.top.instance_dict = {}
        self.top.update_windowlist()
"#,
    );
}

#[test]
fn a_repeated_regex_match_is_guarded_by_the_same_match() {
    check(
        r#"
import re

bad_header_value_re = re.compile(r"[\000-\037]")

def check_header(value):
    if bad_header_value_re.search(value):
        # expect-not: none-attribute
        raise ValueError("bad char: %r" % bad_header_value_re.search(value).group(0))
    return value

def first_digit(value):
    if bad_header_value_re.search(value):
        print("control character")
    # Outside the guarded block the match may be None.
    # expect: none-attribute confidence=likely
    return re.search(r"\d", value).group(0)

check_header("a")
first_digit("a1")
"#,
    );
}

#[test]
fn protocol_methods_do_not_fix_the_arity_of_implementations() {
    check(
        r#"
from typing import Protocol

class SimplePath(Protocol):
    def joinpath(self) -> "SimplePath":
        ...

class PathDistribution:
    def __init__(self, path: SimplePath):
        self._path = path

    def read_text(self, filename):
        # expect-not: call-arity
        return self._path.joinpath(filename)
"#,
    );
}

#[test]
fn a_key_drawn_from_the_dict_s_own_keys_is_there() {
    check(
        r#"
def expand(lines):
    done = {}
    notdone = {}
    for line in lines:
        name, _, value = line.partition("=")
        if "$" in value:
            notdone[name] = value
        else:
            done[name] = value
    variables = list(notdone.keys())
    while len(variables) > 0:
        for name in tuple(variables):
            # expect-not: key-error
            value = notdone[name]
            done[name] = value.replace("$", "")
            variables.remove(name)
    return done

def lookup(lines, wanted):
    table = {}
    for line in lines:
        table[line] = len(line)
    for name in wanted:
        # expect: key-error confidence=definite
        print(table[name])

expand(["a=1", "b=$a"])
lookup([], ["x"])
"#,
    );
}

#[test]
fn a_regex_match_of_a_library_s_output_is_only_possibly_none() {
    check(
        r#"
#- /remedy.toml
min_confidence = "possible"
#- /main.py
import re

def get_window_geometry(top):
    geom = top.wm_geometry()
    m = re.match(r"(\d+)x(\d+)\+(-?\d+)\+(-?\d+)", geom)
    # expect: none-attribute confidence=possible
    return tuple(map(int, m.groups()))

def parse_entry(value):
    match = re.match(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+))?", value)
    # A parameter of unknown text: the match failing stays likely.
    # expect: none-attribute confidence=likely
    return match.group("module")

def first_line(path):
    with open(path) as f:
        line = f.readline()
    m = re.match(r"key=(.*)", line)
    # File contents come from outside: likely.
    # expect: none-attribute confidence=likely
    return m.group(1)

def _parse_version(version):
    m = re.fullmatch(r"(\d+)\.(\d+)([ab.])(\d+)", version)
    # Every call of this file passes a library method's output.
    # expect: none-attribute confidence=possible
    major, minor, level, serial = m.groups()
    return int(major), int(minor), level, int(serial)

class Interpreter:
    def __init__(self, tk):
        self.tk = tk

    def patchlevel(self):
        level = self.tk.call("info", "patchlevel")
        return _parse_version(level)

def _parse_setting(text):
    m = re.fullmatch(r"(\w+)=(\w+)", text)
    # One call passes a parameter of unknown text: likely.
    # expect: none-attribute confidence=likely
    return m.groups()

def settings(top, text):
    return _parse_setting(top.cget("x")), _parse_setting(text)

def _date_from_string(s):
    gd = re.match(r"(?P<year>\d\d\d\d)-(?P<month>\d\d)", s)
    # The caller passes what a method of this program returns: its own data.
    # expect: none-attribute confidence=likely
    return gd.groupdict()

class PlistParser:
    def __init__(self):
        self.data = []

    def get_data(self):
        return "".join(self.data)

    def end_date(self):
        return _date_from_string(self.get_data())

class Window:
    def __init__(self, top):
        self.top = top

    def wm_geometry(self):
        return self.top.call("wm", "geometry")

class Editor:
    def __init__(self, top):
        self.window = Window(top)

    def get_geometry(self):
        geom = self.window.wm_geometry()
        m = re.match(r"(\d+)x(\d+)\+(-?\d+)\+(-?\d+)", geom)
        # A method of the workspace passing on a library's answer.
        # expect: none-attribute confidence=possible
        return list(map(int, m.groups()))
"#,
    );
}

#[test]
fn a_bound_contains_method_guards_like_in() {
    check(
        r#"
def matching(a, b):
    avail = {}
    availhas, matches = avail.__contains__, 0
    for elt in a:
        if availhas(elt):
            # expect-not: key-error
            numb = avail[elt]
        else:
            numb = b.count(elt)
        avail[elt] = numb - 1
        if numb > 0:
            matches = matches + 1
    return matches

def unguarded(a):
    avail = {}
    other = {}
    seen = other.__contains__
    for elt in a:
        if seen(elt):
            # expect: key-error
            print(avail[elt])

matching("abc", "cab")
unguarded("ab")
"#,
    );
}

#[test]
fn global_names_and_conditions_reading_the_object_guard_too() {
    check(
        r#"
from __future__ import annotations
import os

try:
    import chardet
except ImportError:
    chardet = None

def info():
    if chardet:
        return chardet.__version__
    return None

class Node:
    def __init__(self, parent: Node | None = None):
        self.parent = parent

def root(node: Node):
    while node.parent is not None:  # expect-not: none-attribute
        node = node.parent
    return node
"#,
    );
}

#[test]
fn unknown_items_of_an_unpacking_survive_a_join_with_none() {
    check(
        r#"
import _winapi

def start_read(handle):
    try:
        overlapped, error = _winapi.ReadFile(handle, 0, True)
    except OSError as exc:
        overlapped, error = None, exc.winerror
    # expect-not: none-attribute
    return overlapped.event

def first_pair(rows):
    for key, value in rows:
        break
    else:
        key, value = None, None
    # expect-not: none-attribute
    return key.strip()
"#,
    );
}

#[test]
fn recursion_steps_that_miss_the_base_case_from_the_callers_arguments() {
    check(
        r#"
def pairs(n):
    if n == 0:
        return 1
    # Running the file reaches `pairs(5)` (the replay): definite.
    # expect: unbounded-recursion confidence=definite
    return pairs(n - 2) * n

def pairs_from_unknown(n):
    if n == 0:
        return 1
    return pairs_from_unknown(n - 2) * n

def climb(n, memo):
    if n in memo:
        return memo[n]
    if n == 1:
        return 1
    return climb(n - 1, memo) + climb(n - 2, memo)

def halve(low, high):
    if low >= high:
        return low
    middle = (low + high) // 2
    # expect: unbounded-recursion confidence=likely
    return halve(middle, high)

print(pairs(4))
print(pairs(5))
print(pairs_from_unknown(int(input())))
print(climb(6, {0: 1, 1: 1}))
print(halve(0, 3))
"#,
    );
}

#[test]
fn a_none_reported_once_per_path() {
    check(
        r#"
import re

ENTRY = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+))?")

def load(value):
    match = ENTRY.match(value)
    # expect: none-attribute confidence=likely
    module = match.group("module")
    # expect-not: none-attribute
    attrs = match.group("attr")
    return module, attrs
"#,
    );
}

#[test]
fn loops_over_known_items_pop_and_fill_round_by_round() {
    check(
        r#"
def drain(items, rounds):
    pending = list(items)
    for _ in range(rounds):
        # The third round, which `drain(…, 3)` runs, pops from an empty list.
        # expect: index-error confidence=definite
        pending.pop()

def drain_exactly(items):
    pending = list(items)
    for _ in items:
        pending.pop()
    return pending

drain(["a", "b"], 3)
left = drain_exactly(["a", "b"])
# expect: index-error confidence=definite
left[0]
"#,
    );
}

#[test]
fn a_membership_test_guards_a_read_of_an_unknown_key_in_an_empty_dict() {
    check(
        r#"
class Memo:
    def __init__(self):
        self.table = {}

    def get(self, key, make):
        if key in self.table:
            # expect-not: key-error
            return self.table[key]
        self.table[key] = make()
        return self.table[key]

    def peek(self, key):
        # expect: key-error confidence=definite
        return self.table[key]

memo = Memo()
print(memo.get(("a", 1), lambda: 3), memo.get(("a", 1), lambda: 4))
print(memo.peek(("b", 2)))
"#,
    );
}
