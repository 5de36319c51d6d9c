//! `removed-stdlib-name`: `from m import n` where the standard library module `m` no
//! longer has `n` (ImportError when the import runs). Old code moved to a new Python
//! fails this way: the abstract collections left `collections` in 3.10, the `i`-prefixed
//! iterator helpers left `itertools` in 3.0.
//!
//! ```python
//! from collections import Mapping          # ImportError since 3.10: collections.abc
//! from itertools import izip_longest       # ImportError since 3.0: zip_longest
//! try:
//!     from itertools import izip
//! except ImportError:                      # guarded: no finding
//!     izip = zip
//! ```
//!
//! The names are data ([`REMOVED_NAMES`]): module, name, the version that removed it and
//! the replacement, when there is one that behaves the same. With `python_version`
//! configured a name counts when that version lacks it; without, only names removed by
//! 3.10 (the oldest Python still supported) count. Imports under a `try` that catches
//! ImportError, in an `except` clause (the fallback of a newer import) or under an `if`
//! on the Python version (`sys.version_info`, `PY2`) are left alone. Confidence is definite: the import
//! fails whenever it runs. Healing rewrites a one-name import to the replacement
//! (`from collections.abc import Mapping`, `from itertools import zip_longest as
//! izip_longest`, `izip = zip`).

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;
use smol_str::SmolStr;
use tree_sitter::Node;

use super::context::RuleContext;
use super::{Check, Finding};
use crate::config::Confidence;
use crate::index::range_of;

pub(crate) const CHECK: Check = Check {
    rules: &["removed-stdlib-name"],
    run,
};

/// Where a removed name went.
#[derive(Clone, Copy)]
enum Replacement {
    /// The same object under `name` in `module`.
    Import {
        module: &'static str,
        name: &'static str,
    },
    /// A builtin (or an attribute of one) that does the same job: `izip` → `zip`.
    Builtin(&'static str),
    /// No drop-in replacement.
    Nothing,
}

struct RemovedName {
    module: &'static str,
    name: &'static str,
    removed_in: (u8, u8),
    replacement: Replacement,
}

const fn moved(
    module: &'static str,
    name: &'static str,
    removed_in: (u8, u8),
    to_module: &'static str,
    to_name: &'static str,
) -> RemovedName {
    RemovedName {
        module,
        name,
        removed_in,
        replacement: Replacement::Import {
            module: to_module,
            name: to_name,
        },
    }
}

const fn builtin(
    module: &'static str,
    name: &'static str,
    removed_in: (u8, u8),
    to: &'static str,
) -> RemovedName {
    RemovedName {
        module,
        name,
        removed_in,
        replacement: Replacement::Builtin(to),
    }
}

const fn gone(module: &'static str, name: &'static str, removed_in: (u8, u8)) -> RemovedName {
    RemovedName {
        module,
        name,
        removed_in,
        replacement: Replacement::Nothing,
    }
}

/// Names the standard library dropped, with their replacements.
const REMOVED_NAMES: &[RemovedName] = &[
    moved(
        "collections",
        "AsyncGenerator",
        (3, 10),
        "collections.abc",
        "AsyncGenerator",
    ),
    moved(
        "collections",
        "AsyncIterable",
        (3, 10),
        "collections.abc",
        "AsyncIterable",
    ),
    moved(
        "collections",
        "AsyncIterator",
        (3, 10),
        "collections.abc",
        "AsyncIterator",
    ),
    moved(
        "collections",
        "Awaitable",
        (3, 10),
        "collections.abc",
        "Awaitable",
    ),
    moved(
        "collections",
        "ByteString",
        (3, 10),
        "collections.abc",
        "ByteString",
    ),
    moved(
        "collections",
        "Callable",
        (3, 10),
        "collections.abc",
        "Callable",
    ),
    moved(
        "collections",
        "Collection",
        (3, 10),
        "collections.abc",
        "Collection",
    ),
    moved(
        "collections",
        "Container",
        (3, 10),
        "collections.abc",
        "Container",
    ),
    moved(
        "collections",
        "Coroutine",
        (3, 10),
        "collections.abc",
        "Coroutine",
    ),
    moved(
        "collections",
        "Generator",
        (3, 10),
        "collections.abc",
        "Generator",
    ),
    moved(
        "collections",
        "Hashable",
        (3, 10),
        "collections.abc",
        "Hashable",
    ),
    moved(
        "collections",
        "ItemsView",
        (3, 10),
        "collections.abc",
        "ItemsView",
    ),
    moved(
        "collections",
        "Iterable",
        (3, 10),
        "collections.abc",
        "Iterable",
    ),
    moved(
        "collections",
        "Iterator",
        (3, 10),
        "collections.abc",
        "Iterator",
    ),
    moved(
        "collections",
        "KeysView",
        (3, 10),
        "collections.abc",
        "KeysView",
    ),
    moved(
        "collections",
        "Mapping",
        (3, 10),
        "collections.abc",
        "Mapping",
    ),
    moved(
        "collections",
        "MappingView",
        (3, 10),
        "collections.abc",
        "MappingView",
    ),
    moved(
        "collections",
        "MutableMapping",
        (3, 10),
        "collections.abc",
        "MutableMapping",
    ),
    moved(
        "collections",
        "MutableSequence",
        (3, 10),
        "collections.abc",
        "MutableSequence",
    ),
    moved(
        "collections",
        "MutableSet",
        (3, 10),
        "collections.abc",
        "MutableSet",
    ),
    moved(
        "collections",
        "Reversible",
        (3, 10),
        "collections.abc",
        "Reversible",
    ),
    moved(
        "collections",
        "Sequence",
        (3, 10),
        "collections.abc",
        "Sequence",
    ),
    moved("collections", "Set", (3, 10), "collections.abc", "Set"),
    moved("collections", "Sized", (3, 10), "collections.abc", "Sized"),
    moved(
        "collections",
        "ValuesView",
        (3, 10),
        "collections.abc",
        "ValuesView",
    ),
    builtin("itertools", "izip", (3, 0), "zip"),
    builtin("itertools", "imap", (3, 0), "map"),
    builtin("itertools", "ifilter", (3, 0), "filter"),
    moved(
        "itertools",
        "ifilterfalse",
        (3, 0),
        "itertools",
        "filterfalse",
    ),
    moved(
        "itertools",
        "izip_longest",
        (3, 0),
        "itertools",
        "zip_longest",
    ),
    builtin("string", "maketrans", (3, 0), "str.maketrans"),
    moved("string", "letters", (3, 0), "string", "ascii_letters"),
    moved("string", "lowercase", (3, 0), "string", "ascii_lowercase"),
    moved("string", "uppercase", (3, 0), "string", "ascii_uppercase"),
    moved("os", "getcwdu", (3, 0), "os", "getcwd"),
    moved("sys", "maxint", (3, 0), "sys", "maxsize"),
    moved("urllib", "urlencode", (3, 0), "urllib.parse", "urlencode"),
    moved("urllib", "quote", (3, 0), "urllib.parse", "quote"),
    moved("urllib", "unquote", (3, 0), "urllib.parse", "unquote"),
    moved("urllib", "urlopen", (3, 0), "urllib.request", "urlopen"),
    moved("cgi", "escape", (3, 8), "html", "escape"),
    moved("time", "clock", (3, 8), "time", "perf_counter"),
    gone("platform", "linux_distribution", (3, 8)),
    gone("platform", "dist", (3, 8)),
    moved("fractions", "gcd", (3, 9), "math", "gcd"),
    moved("base64", "encodestring", (3, 9), "base64", "encodebytes"),
    moved("base64", "decodestring", (3, 9), "base64", "decodebytes"),
    gone("inspect", "getargspec", (3, 11)),
    gone("asyncio", "coroutine", (3, 11)),
    gone("unittest", "makeSuite", (3, 13)),
];

/// Without a configured `python_version`, the oldest Python still supported.
const OLDEST_SUPPORTED: (u8, u8) = (3, 10);

fn run(context: &mut RuleContext<'_>) {
    let target = context
        .db
        .settings()
        .config(context.db)
        .python_version
        .unwrap_or(OLDEST_SUPPORTED);
    let statements: Vec<Node<'_>> = context
        .nodes()
        .iter()
        .copied()
        .filter(|node| kind_of(*node) == "import_from_statement")
        .collect();
    for statement in statements {
        let Some(module) = child_by_field(statement, "module_name") else {
            continue;
        };
        // `from .collections import Mapping` is the workspace's own module.
        if kind_of(module) != "dotted_name" {
            continue;
        }
        let module = context.node_text(module);
        let mut cursor = statement.walk();
        let imported: Vec<Node<'_>> = statement
            .children_by_field_name("name", &mut cursor)
            .collect();
        for name_node in &imported {
            let (name, alias) = imported_name(context, *name_node);
            let Some(removed) = REMOVED_NAMES
                .iter()
                .find(|removed| removed.module == module && removed.name == name)
            else {
                continue;
            };
            if target < removed.removed_in {
                continue;
            }
            let range = range_of(*name_node);
            if context.is_caught(range, "ImportError")
                || is_compatibility_fallback(context, statement)
                || is_shadowed_by_workspace(context, module)
            {
                continue;
            }
            report(context, removed, range, statement, imported.len(), alias);
        }
    }
}

/// `name` or `name as alias`: the imported name and the alias.
fn imported_name<'t>(context: &RuleContext<'t>, node: Node<'_>) -> (&'t str, Option<&'t str>) {
    if kind_of(node) == "aliased_import" {
        let name = child_by_field(node, "name")
            .map(|name| context.node_text(name))
            .unwrap_or("");
        let alias = child_by_field(node, "alias").map(|alias| context.node_text(alias));
        (name, alias)
    } else {
        (context.node_text(node), None)
    }
}

/// Under `if sys.version_info < (3,):`, `if PY2:` or their `else`, or in an `except`
/// clause (`try: from collections.abc import Mapping` / `except ImportError: from
/// collections import Mapping`): the import runs only on the Python it was written for.
fn is_compatibility_fallback<'db>(context: &RuleContext<'db>, statement: Node<'db>) -> bool {
    context
        .ancestors(statement)
        .any(|node| kind_of(node) == "except_clause")
        || is_under_version_check(context, statement)
}

/// Under `if sys.version_info < (3,):`, `if PY2:`, `if six.PY3:` or their `else`: code
/// written for one version of Python only.
pub(super) fn is_under_version_check<'db>(context: &RuleContext<'db>, node: Node<'db>) -> bool {
    context.ancestors(node).any(|ancestor| {
        kind_of(ancestor) == "if_statement"
            && child_by_field(ancestor, "condition")
                .map(|condition| context.node_text(condition))
                .is_some_and(|condition| {
                    ["version", "PY2", "PY3", "PY_2", "PY_3"]
                        .iter()
                        .any(|marker| condition.contains(marker))
                })
    })
}

/// A workspace file named like the stdlib module (`collections.py` beside the script)
/// is what the import finds first.
fn is_shadowed_by_workspace(context: &RuleContext<'_>, module: &str) -> bool {
    let resolver = crate::modules::module_resolver(context.db);
    let importing = context.file.path(context.db);
    let Some(resolved) = resolver.resolve(importing, 0, module) else {
        return false;
    };
    resolved
        .file_path()
        .is_some_and(|path| super::imports::is_workspace_path(resolver, path))
}

fn report(
    context: &mut RuleContext<'_>,
    removed: &RemovedName,
    range: TextRange,
    statement: Node<'_>,
    names_in_statement: usize,
    alias: Option<&str>,
) {
    let version = format!("{}.{}", removed.removed_in.0, removed.removed_in.1);
    let local = alias.unwrap_or(removed.name);
    let (hint, replacement) = match removed.replacement {
        Replacement::Import { module, name } => {
            let statement_text = if name == local {
                format!("from {module} import {name}")
            } else {
                format!("from {module} import {name} as {local}")
            };
            (format!("use `{module}.{name}`"), Some(statement_text))
        }
        Replacement::Builtin(builtin) => (
            format!("use the builtin `{builtin}`"),
            Some(format!("{local} = {builtin}")),
        ),
        Replacement::Nothing => ("it has no drop-in replacement".to_owned(), None),
    };
    let message = format!(
        "`{}` has no `{}` since Python {version}, so the import raises ImportError: {hint}",
        removed.module, removed.name
    );
    let mut fix_parameters = Vec::new();
    // Only a statement importing this one name is rewritten whole.
    let single_line = !context.node_text(statement).contains('\n');
    if let Some(replacement) =
        replacement.filter(|text| names_in_statement == 1 && single_line && !text.contains('\n'))
    {
        fix_parameters.push((SmolStr::new_static("replacement"), replacement));
    }
    context.report(Finding {
        rule: SmolStr::new_static("removed-stdlib-name"),
        range,
        message,
        confidence: Confidence::Definite,
        score: 95,
        related: Vec::new(),
        fix_parameters,
    });
}

#[cfg(test)]
mod tests {
    use crate::testing::check_fixture_expectations;

    #[track_caller]
    fn check(fixture: &str) {
        let result = check_fixture_expectations(fixture);
        assert!(result.passed(), "{}", result.report());
    }

    #[test]
    fn removed_names_are_flagged_unless_guarded() {
        check(
            r#"
import sys
from collections import OrderedDict  # a name that stayed
from collections.abc import Mapping  # the new home
# expect: removed-stdlib-name confidence=definite
from itertools import imap

try:
    from itertools import izip_longest
except ImportError:
    from itertools import zip_longest as izip_longest


if sys.version_info[0] == 2:
    from itertools import izip
else:
    izip = zip

try:
    from collections.abc import Sequence
except ImportError:
    from collections import Sequence


def pairs(left, right):
    # expect: removed-stdlib-name confidence=definite
    from string import maketrans as make_table
    return list(izip_longest(left, right)), make_table, OrderedDict, Mapping, imap, izip, Sequence
"#,
        );
    }

    #[test]
    fn table_names_are_unique() {
        let table = super::REMOVED_NAMES;
        for (at, removed) in table.iter().enumerate() {
            assert!(
                table[..at]
                    .iter()
                    .all(|earlier| (earlier.module, earlier.name) != (removed.module, removed.name)),
                "{}.{} twice",
                removed.module,
                removed.name
            );
        }
    }
}
