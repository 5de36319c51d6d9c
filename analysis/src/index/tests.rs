//! Index snapshots: every definition with its scope and branch, for small programs
//! covering each binding form.

use std::fmt::Write as _;

use expect_test::{Expect, expect};
use line_index::LineIndex;

use super::builder::IndexBuilder;
use super::{FileIndex, NameContext, NameResolution};
use crate::parse::parse_text;

fn index_of(text: &str) -> FileIndex {
    let tree = parse_text(text, None);
    IndexBuilder::new(text).build(tree.root_node())
}

fn render(text: &str) -> String {
    let index = index_of(text);
    let lines = LineIndex::new(text);
    let mut out = String::new();
    for definition in &index.definitions {
        let scope = index.scope(definition.scope);
        let branch = index.branch(definition.branch);
        let line = lines.line_col(definition.name_range.start()).line + 1;
        let _ = writeln!(
            out,
            "L{line} {} {} in {} {} [{}]",
            definition.name,
            definition.kind.describe(),
            scope.kind,
            scope.name,
            branch.label()
        );
    }
    out
}

fn check(text: &str, expected: Expect) {
    expected.assert_eq(&render(text));
}

#[test]
fn branches_label_each_binding() {
    check(
        r#"
def label(exact, a, b):
    if exact:
        ratio = a / b
    elif a > 1:
        ratio = 0
    else:
        ratio = round(a / b)
    for item in range(3):
        last = item
    else:
        last = None
    while a:
        a -= 1
    try:
        value = int(b)
    except (ValueError, TypeError) as error:
        value = None
    finally:
        done = True
    return ratio
"#,
        expect![[r#"
            L2 label function in module <module> [body]
            L2 exact parameter in function label [body]
            L2 a parameter in function label [body]
            L2 b parameter in function label [body]
            L4 ratio variable in function label [`if exact:` true branch]
            L6 ratio variable in function label [`elif a > 1:` branch]
            L8 ratio variable in function label [`else` branch]
            L9 item loop variable in function label [`for item in range(3):` loop body]
            L10 last variable in function label [`for item in range(3):` loop body]
            L12 last variable in function label [`else` branch]
            L14 a variable in function label [`while a:` loop body]
            L16 value variable in function label [`try` body]
            L17 error exception variable in function label [`except (ValueError, TypeError) as error:` handler]
            L18 value variable in function label [`except (ValueError, TypeError) as error:` handler]
            L20 done variable in function label [`finally`]
        "#]],
    );
}

#[test]
fn every_binding_form_defines_a_name() {
    check(
        r#"
import os.path
import numpy as np
from . import sibling
from ..pkg.mod import thing as alias, other
from typing import *
a, (b, *c) = 1, (2, 3)
x: int
y: int = 5
with open(p) as fh, lock:
    pass
if (n := len(a)) > 1:
    pass
squares = [sq * sq for sq in range(n) if sq]
f = lambda u, v=1: u + v
match command:
    case [first, *rest]:
        pass
    case {"k": value, **others}:
        pass
    case Point(x=px, y=0) as point:
        pass
    case Color.RED | _:
        pass
type Alias = list[int]
class K(Base, metaclass=Meta):
    attr = 1
    def method(self, /, p, *args, key, **kwargs): ...
"#,
        expect![[r#"
            L2 os import in module <module> [body]
            L3 np import in module <module> [body]
            L4 sibling import in module <module> [body]
            L5 alias import in module <module> [body]
            L5 other import in module <module> [body]
            L7 a variable in module <module> [body]
            L7 b variable in module <module> [body]
            L7 c variable in module <module> [body]
            L8 x variable in module <module> [body]
            L9 y variable in module <module> [body]
            L10 fh context variable in module <module> [body]
            L12 n variable (walrus) in module <module> [body]
            L14 sq comprehension variable in comprehension <listcomp> [body]
            L14 squares variable in module <module> [body]
            L15 u parameter in lambda <lambda> [body]
            L15 v parameter in lambda <lambda> [body]
            L15 f variable in module <module> [body]
            L17 first match capture in module <module> [`case [first, *rest]:`]
            L17 rest match capture in module <module> [`case [first, *rest]:`]
            L19 value match capture in module <module> [`case {"k": value, **others}:`]
            L19 others match capture in module <module> [`case {"k": value, **others}:`]
            L21 point match capture in module <module> [`case Point(x=px, y=0) as point:`]
            L21 px match capture in module <module> [`case Point(x=px, y=0) as point:`]
            L25 Alias type alias in module <module> [body]
            L26 K class in module <module> [body]
            L27 attr variable in class K [body]
            L28 method function in class K [body]
            L28 self parameter in function method [body]
            L28 p parameter in function method [body]
            L28 args parameter in function method [body]
            L28 key parameter in function method [body]
            L28 kwargs parameter in function method [body]
        "#]],
    );
}

#[test]
fn parameter_kinds_follow_separators() {
    let index =
        index_of("def method(self, /, p, *args, key, **kwargs): ...\ndef g(a, *, b=1): ...\n");
    let kinds: Vec<String> = index
        .definitions
        .iter()
        .filter_map(|definition| match &definition.kind {
            super::DefinitionKind::Parameter { kind, default, .. } => Some(format!(
                "{}:{kind:?}{}",
                definition.name,
                if default.is_some() { "=" } else { "" }
            )),
            _ => None,
        })
        .collect();
    expect![[r#"
        [
            "self:PositionalOnly",
            "p:PositionalOrKeyword",
            "args:VarPositional",
            "key:KeywordOnly",
            "kwargs:VarKeyword",
            "a:PositionalOrKeyword",
            "b:KeywordOnly=",
        ]
    "#]]
    .assert_debug_eq(&kinds);
}

#[test]
fn names_resolve_by_legb_and_skip_class_scopes() {
    let text = "x = 1\nclass C:\n    x = 2\n    def m(self):\n        return x\n    y = x\ndef g():\n    global x\n    x = 3\n";
    let index = index_of(text);
    let lines = LineIndex::new(text);
    // Resolves the occurrence of `x` at the end of `needle` to "scope: definition lines".
    let resolve = |needle: &str| {
        let offset = (text.find(needle).expect("needle occurs") + needle.len() - 1) as u32;
        let name_ref = index.name_ref_at(offset.into()).expect("a name is there");
        match index.resolve_name(name_ref.scope, &name_ref.name, name_ref.range.start()) {
            NameResolution::Scope { scope, definitions } => {
                let lines: Vec<u32> = definitions
                    .iter()
                    .map(|&id| lines.line_col(index.definition(id).name_range.start()).line + 1)
                    .collect();
                format!("{}: {lines:?}", index.scope(scope).name)
            }
            NameResolution::Unbound => "unbound".to_owned(),
        }
    };
    // The method skips the class body: the module's `x` (L1, and L9 through `global`).
    assert_eq!(resolve("return x"), "<module>: [1]");
    // The class body sees its own `x`.
    assert_eq!(resolve("y = x"), "C: [3]");
    // `x = 3` after `global x` binds in the module scope.
    assert_eq!(
        resolve("global x\n    x").split(':').next(),
        Some("<module>")
    );
    let stores_in_g = index
        .name_refs
        .iter()
        .filter(|name_ref| {
            name_ref.context == NameContext::Store && index.scope(name_ref.scope).name == "g"
        })
        .count();
    assert_eq!(stores_in_g, 1);
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let depth = 5_000;
    let text = format!("x = {}1{}\n", "(".repeat(depth), ")".repeat(depth));
    let index = index_of(&text);
    assert_eq!(index.definitions.len(), 1);
    let nested_ifs: String = (0..200)
        .map(|level| format!("{}if x:\n", "    ".repeat(level)))
        .collect::<String>()
        + &format!("{}y = 1\n", "    ".repeat(200));
    let index = index_of(&nested_ifs);
    let y = index
        .definitions
        .iter()
        .find(|definition| definition.name == "y")
        .expect("y is defined");
    assert_eq!(index.branch_path(y.branch).count(), 201);
}

#[test]
fn docstrings_are_cleaned() {
    let text =
        "def f():\n    \"\"\"Summary line.\n\n    Details:\n        indented more.\n    \"\"\"\n";
    let index = index_of(text);
    let function = index
        .scopes
        .iter()
        .find(|scope| scope.name == "f")
        .expect("f has a scope");
    assert_eq!(
        function.docstring.as_deref(),
        Some("Summary line.\n\nDetails:\n    indented more.")
    );
}

/// The index built from the pieces of an earlier build equals the one built from
/// scratch, and the statements the edits left alone are taken from the earlier build.
#[test]
fn index_from_pieces_equals_a_build_from_scratch() {
    use super::pieces::Pieces;

    let before = r#"
"""Docs."""
import os
__all__ = ["Ledger"]

def total(items, /, *rest, key=None):
    global counter
    return sum(x for x in items if (y := x))

class Ledger(Base, metaclass=Meta):
    def add(self, item):
        self.items.append(item)
        match item:
            case {"k": v} | [v, *_]:
                return v

if os.name:
    counter = 0
else:
    def total(): ...
"#;
    // A statement inserted between two kept ones, one edited, one with a syntax error.
    let after = before
        .replace("\nclass Ledger", "\nx_0 = 0\nclass Ledger")
        .replace("counter = 0", "counter = 1")
        .replace("import os\n", "import os\ndef broken(:\n    pass\n");
    let build = |text: &str, previous: Option<&Pieces>| {
        let tree = parse_text(text, None);
        let mut next = Pieces::default();
        let index =
            IndexBuilder::new(text).build_reusing(tree.root_node(), &|| (), previous, &mut next);
        (index, next)
    };
    let (first, pieces) = build(before, None);
    assert_eq!(first, index_of(before));
    let (second, next) = build(&after, Some(&pieces));
    assert_eq!(second, index_of(&after));
    let reused: Vec<&str> = next
        .shared_with(&pieces)
        .into_iter()
        .map(|text| text.split_whitespace().next().unwrap_or(""))
        .collect();
    expect![[r#"["\"\"\"Docs.\"\"\"", "__all__", "class", "def", "import"]"#]]
        .assert_eq(&format!("{reused:?}"));
}
