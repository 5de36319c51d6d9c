//! Names read where nothing binds them: `undefined-name` (NameError), `unbound-local`
//! (UnboundLocalError) and `possibly-unbound` (either, on some paths only).
//!
//! ```python
//! def total(prices):
//!     for price in prices:
//!         if price > 0:
//!             last = price
//!     print(lenght)          # undefined-name: did you mean `length`?
//!     return last            # possibly-unbound: only bound in the `if` branch
//!
//! counter = 0
//! def bump():
//!     counter += 1           # unbound-local: add `global counter`
//! ```
//!
//! How each decides:
//! - `undefined-name` reads the index: a load whose name resolves in no scope of the
//!   LEGB chain (`FileIndex::resolve_name`), is no builtin and no implicit module
//!   global (`__file__`), and that no `global` declaration elsewhere binds. A file with
//!   a star import that cannot be followed, or with `globals()`/`exec`, binds names the
//!   index cannot see: it gets no finding. A module-level read before the module binds
//!   the name (`main()` above `def main`) is an undefined name at that point too.
//! - `unbound-local` and `possibly-unbound` read the interpreter's flow facts
//!   ([`UnboundLoad`]): the environment of every path remembers which names were bound
//!   on some incoming paths only, and why the others lacked them. A load of a local name
//!   that no path binds is `unbound-local` (definite); one that some paths bind is
//!   `possibly-unbound`: likely when a branch skipped the binding, possible when only a
//!   loop that may run zero times did. The correlated-condition idiom (`if verbose:
//!   start = …` … `if verbose: print(start)`) is safe while the test reads the same
//!   values: the interpreter marks the names bound under the same test again. Any other
//!   read guarded by a condition that does not also guard a binding is only possible.
//!
//! Guards: `try`/`except NameError` around the read, reads in annotations (not
//! evaluated, or evaluated lazily), bindings under `if TYPE_CHECKING:`.

use crate::index::kind_of;
use line_index::TextRange;
use rustc_hash::FxHashSet;
use smol_str::SmolStr;
use tree_sitter::Node;

use super::attributes::closest_name;
use super::context::RuleContext;
use super::removed_names::is_under_version_check;
use super::stdlib_modules::is_stdlib_module;
use super::{Check, Finding};
use crate::builtins::builtin;
use crate::config::Confidence;
use crate::index::{
    BranchKind, DefinitionId, DefinitionKind, FileIndex, NameContext, NameResolution, ScopeId,
    ScopeKind,
};
use crate::infer::{OperationKind, UnboundCause, UnboundLoad};
use crate::modules::{module_file, module_resolver};
use crate::values::Value;

pub(crate) const CHECK: Check = Check {
    rules: &["undefined-name", "possibly-unbound", "unbound-local"],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    run_undefined_name(context);
    run_unbound(context);
}

/// Module globals every module has without binding them.
const IMPLICIT_MODULE_NAMES: &[&str] = &[
    "__annotations__",
    "__builtins__",
    "__cached__",
    "__file__",
    "__path__",
    "WindowsError",
];

fn run_undefined_name(context: &mut RuleContext<'_>) {
    if has_dynamic_globals(context) {
        return;
    }
    let index = context.index;
    let mut reported: FxHashSet<(ScopeId, SmolStr)> = FxHashSet::default();
    let type_parameters = type_parameter_names(context);
    let imported_implicitly = implicitly_imported_names(context);
    for name_ref in &index.name_refs {
        if name_ref.context != NameContext::Load {
            continue;
        }
        let name = name_ref.name.as_str();
        // PEP 695 parameters (`def first[T](…) -> T`) live in annotation scopes the index
        // does not model: a name declared as one anywhere in the file is not reported.
        if type_parameters.contains(name) || imported_implicitly.contains(name) {
            continue;
        }
        if builtin(name).is_some()
            || IMPLICIT_MODULE_NAMES.contains(&name)
            || is_implicit_in_scope(index, name_ref.scope, name)
        {
            continue;
        }
        let resolution = index.resolve_name(name_ref.scope, name, name_ref.range.start());
        if resolution != NameResolution::Unbound || is_bound_through_global(index, name) {
            continue;
        }
        if context.is_caught(name_ref.range, "NameError")
            || is_in_broken_syntax(context, name_ref.range)
            || context
                .node(name_ref.range)
                .is_some_and(|node| is_under_version_check(context, node))
            || !is_evaluated_annotation_or_code(context, name_ref.range, name_ref.scope)
        {
            continue;
        }
        // One finding per name and scope: the first read fails.
        if !reported.insert((name_ref.scope, name_ref.name.clone())) {
            continue;
        }
        let candidates = visible_names(index, name_ref.scope);
        let suggestion = closest_name(name, &candidates);
        let import =
            (suggestion.is_none() && is_stdlib_module(name)).then(|| format!("import {name}"));
        let message = match (&suggestion, &import) {
            (Some(suggestion), _) => {
                format!("`{name}` is not defined (did you mean `{suggestion}`?)")
            }
            (None, Some(import)) => format!("`{name}` is not defined; the module needs `{import}`"),
            (None, None) => format!("`{name}` is not defined"),
        };
        let mut fix_parameters = vec![(SmolStr::new_static("name"), name.to_owned())];
        if let Some(suggestion) = suggestion {
            fix_parameters.push((SmolStr::new_static("suggestion"), suggestion));
        }
        if let Some(import) = import {
            fix_parameters.push((SmolStr::new_static("import"), import));
        }
        context.report(Finding {
            rule: SmolStr::new_static("undefined-name"),
            range: name_ref.range,
            message,
            confidence: Confidence::Definite,
            score: 95,
            related: Vec::new(),
            fix_parameters,
        });
    }
}

fn run_unbound(context: &mut RuleContext<'_>) {
    let index = context.index;
    let loads: Vec<(ScopeId, UnboundLoad)> = context
        .runs()
        .iter()
        .filter(|run| run.call.is_none())
        .flat_map(|run| {
            run.inference
                .unbound_loads
                .iter()
                .map(move |load| (run.scope, *load))
        })
        .collect();
    // Loads some run with known inputs reaches unbound on a path of its own (not only
    // through a loop that may not run): the skipping branch is known to be reachable.
    let evidenced: FxHashSet<(ScopeId, u32)> = context
        .runs()
        .iter()
        .filter(|run| run.known_inputs)
        .flat_map(|run| {
            run.inference
                .unbound_loads
                .iter()
                .filter(|load| load.maybe != Some(UnboundCause::Loop))
                .map(move |load| (run.scope, load.offset))
        })
        .collect();
    // A star import that cannot be followed (`from _locale import *` in a `try`) may bind
    // any module name: one only the fallback binds is not known to be missing.
    let dynamic_globals = has_dynamic_globals(context);
    let mut reported: FxHashSet<(ScopeId, SmolStr)> = FxHashSet::default();
    for (scope, load) in loads {
        // `x += 1` reads `x` at its own (store) occurrence.
        let Some(name_ref) = index
            .name_ref_at(load.offset.into())
            .filter(|name_ref| u32::from(name_ref.range.start()) == load.offset)
            .filter(|name_ref| match name_ref.context {
                NameContext::Load => true,
                NameContext::Store => name_ref.definition.is_some_and(|id| {
                    index.definition(id).kind == DefinitionKind::AugmentedAssignment
                }),
                NameContext::Del => false,
            })
        else {
            continue;
        };
        let name = name_ref.name.clone();
        let range = name_ref.range;
        // `nonlocal x` / `global x`: the binding lives in another scope, bound or not
        // before this function runs (the statement may come after an early return).
        if index.scope(name_ref.scope).nonlocals.contains(&name) {
            continue;
        }
        if context.is_caught(range, "UnboundLocalError")
            || is_in_annotation(context, range)
            || is_implicit_in_scope(index, name_ref.scope, &name)
        {
            continue;
        }
        let definitions: Vec<DefinitionId> = index
            .definitions_in_scope(scope, &name)
            .filter(|&id| index.definition(id).kind.binds())
            .collect();
        if definitions.is_empty()
            || definitions
                .iter()
                .all(|&id| is_under_type_checking(context, index, id))
        {
            continue;
        }
        // Outside functions, a name not bound yet falls back to the builtin of that name
        // (`if jython: from java.lang import Exception`).
        if index.scope(scope).kind != ScopeKind::Function && builtin(&name).is_some() {
            continue;
        }
        match load.maybe {
            None => report_unbound(context, scope, &name, range, &definitions, &mut reported),
            Some(_) if dynamic_globals && index.scope(scope).kind == ScopeKind::Module => {}
            Some(cause) => {
                let evidenced = evidenced.contains(&(scope, load.offset));
                report_possibly_unbound(
                    context,
                    scope,
                    &name,
                    range,
                    &definitions,
                    cause,
                    evidenced,
                )
            }
        }
    }
}

/// A read that no path binds: UnboundLocalError in a function, NameError at module or
/// class level.
fn report_unbound(
    context: &mut RuleContext<'_>,
    scope: ScopeId,
    name: &SmolStr,
    range: TextRange,
    definitions: &[DefinitionId],
    reported: &mut FxHashSet<(ScopeId, SmolStr)>,
) {
    if !reported.insert((scope, name.clone())) {
        return;
    }
    let index = context.index;
    let scope_data = index.scope(scope);
    let first = index.definition(definitions[0]);
    let line = context.line_of(first.name_range.start());
    let related = vec![super::Related {
        file: context.file,
        range: first.name_range,
        message: format!("`{name}` is assigned here (L{line})"),
    }];
    let (rule, message, fix_parameters) = match scope_data.kind {
        ScopeKind::Function | ScopeKind::Lambda => {
            let declaration = outer_declaration(index, scope, name);
            let message = match declaration {
                Some(keyword) => format!(
                    "`{name}` is local to `{}` (it is assigned at L{line}) and read before that assignment; add `{keyword} {name}` to use the outer one",
                    scope_data.name
                ),
                None => format!(
                    "`{name}` is read before it is assigned in `{}` (L{line})",
                    scope_data.name
                ),
            };
            let mut parameters = vec![(SmolStr::new_static("name"), name.to_string())];
            if let Some(keyword) = declaration {
                parameters.push((
                    SmolStr::new_static("declaration"),
                    format!("{keyword} {name}"),
                ));
            }
            ("unbound-local", message, parameters)
        }
        // Module and class bodies raise NameError: the name is not defined yet.
        _ => (
            "undefined-name",
            format!("`{name}` is not defined yet here: it is first bound at L{line}"),
            vec![(SmolStr::new_static("name"), name.to_string())],
        ),
    };
    context.report(Finding {
        rule: SmolStr::new_static(rule),
        range,
        message,
        confidence: Confidence::Definite,
        score: 95,
        related,
        fix_parameters,
    });
}

/// Whether the `for` loop whose header is at `header` iterates over something known to be
/// empty on some path (an empty list among its values).
fn loop_may_be_empty(context: &RuleContext<'_>, header: TextRange) -> bool {
    let is_empty = |value: &Value| match value {
        Value::List(items) | Value::Tuple(items) | Value::Set(items) | Value::Iterator(items) => {
            items.exact && items.items.is_empty()
        }
        Value::Dict(dict) => !dict.open && dict.entries.is_empty(),
        Value::Str(Some(text)) => text.is_empty(),
        _ => false,
    };
    context
        .operations()
        .any(|(_, operation)| match &operation.kind {
            OperationKind::Iterate { iterable } if operation.range.start() == header.start() => {
                iterable.values().any(is_empty)
            }

            _ => false,
        })
}

fn report_possibly_unbound(
    context: &mut RuleContext<'_>,
    scope: ScopeId,
    name: &SmolStr,
    range: TextRange,
    definitions: &[DefinitionId],
    cause: UnboundCause,
    evidenced: bool,
) {
    let index = context.index;
    let load_branch = index
        .name_ref_at(range.start())
        .map(|name_ref| name_ref.branch)
        .unwrap_or(index.scope(scope).body_branch);
    // The bindings before the read (in source order); all of them for a loop-carried read.
    let before: Vec<DefinitionId> = definitions
        .iter()
        .copied()
        .filter(|&id| index.definition(id).name_range.end() <= range.start())
        .collect();
    let shown = if before.is_empty() {
        definitions.to_vec()
    } else {
        before
    };
    let guarded = is_guarded_apart(index, load_branch, &shown);
    // Bound only by running a loop over something not known to be empty: unbound only
    // if the iterable turns out empty, which nothing here says it may be.
    let only_by_unknown_loops = shown.iter().all(|&id| {
        let branch = index.branch(index.definition(id).branch);
        branch.kind == BranchKind::ForBody && !loop_may_be_empty(context, branch.header_range)
    });
    let (confidence, score) = match cause {
        // Only a run with known inputs shows the skipping branch is taken; otherwise it
        // depends on values from the callers (do they ever take it?).
        UnboundCause::Branch if !guarded && !only_by_unknown_loops && evidenced => {
            (Confidence::Likely, 75)
        }
        _ => (Confidence::Possible, 40),
    };
    let first = index.definition(shown[0]);
    let line = context.line_of(first.name_range.start());
    let branch = index.branch(first.branch);
    let exception = if index.scope(scope).kind == ScopeKind::Function {
        "UnboundLocalError"
    } else {
        "NameError"
    };
    let message = if branch.kind == BranchKind::ScopeBody {
        format!(
            "`{name}` may be unbound here (assigned at L{line} on some paths only), which raises {exception}"
        )
    } else {
        format!(
            "`{name}` may be unbound here: it is only assigned in the {} (L{line}), which raises {exception} otherwise",
            branch.label()
        )
    };
    let related = shown
        .iter()
        .take(3)
        .map(|&id| {
            let definition = index.definition(id);
            let line = context.line_of(definition.name_range.start());
            let branch = index.branch(definition.branch);
            super::Related {
                file: context.file,
                range: definition.name_range,
                message: if branch.kind == BranchKind::ScopeBody {
                    format!("assigned here (L{line})")
                } else {
                    format!("assigned here (L{line}, {})", branch.label())
                },
            }
        })
        .collect();
    // The statement to initialise before: the outermost branch holding the binding.
    let outermost = index
        .branch_path(first.branch)
        .filter(|(_, branch)| branch.kind != BranchKind::ScopeBody)
        .last()
        .map(|(_, branch)| context.line_of(branch.header_range.start()));
    let mut fix_parameters = vec![(SmolStr::new_static("name"), name.to_string())];
    if let Some(line) = outermost {
        fix_parameters.push((SmolStr::new_static("branch_line"), line.to_string()));
    }
    context.report(Finding {
        rule: SmolStr::new_static("possibly-unbound"),
        range,
        message,
        confidence,
        score,
        related,
        fix_parameters,
    });
}

/// Whether the read sits under a condition that guards none of the bindings: the
/// programmer may know the two conditions go together (`if verbose:` twice, a flag set
/// beside the binding).
fn is_guarded_apart(
    index: &FileIndex,
    load_branch: crate::index::BranchId,
    definitions: &[DefinitionId],
) -> bool {
    let is_conditional = |kind: BranchKind| {
        matches!(
            kind,
            BranchKind::IfTrue
                | BranchKind::Elif
                | BranchKind::Else
                | BranchKind::ConditionalTrue
                | BranchKind::ConditionalFalse
                | BranchKind::MatchCase
        )
    };
    let definition_branches: FxHashSet<crate::index::BranchId> = definitions
        .iter()
        .flat_map(|&id| {
            index
                .branch_path(index.definition(id).branch)
                .map(|(id, _)| id)
        })
        .collect();
    index
        .branch_path(load_branch)
        .any(|(id, branch)| is_conditional(branch.kind) && !definition_branches.contains(&id))
}

/// `global x` when the module binds `x`, `nonlocal x` when an enclosing function does.
fn outer_declaration(index: &FileIndex, scope: ScopeId, name: &str) -> Option<&'static str> {
    let mut current = index.scope(scope).parent;
    while let Some(outer) = current {
        let data = index.scope(outer);
        let binds = index
            .definitions_in_scope(outer, name)
            .any(|id| index.definition(id).kind.binds());
        match data.kind {
            ScopeKind::Function | ScopeKind::Lambda if binds => return Some("nonlocal"),
            ScopeKind::Module if binds => return Some("global"),
            _ => {}
        }
        current = data.parent;
    }
    None
}

/// Names Python provides in some scopes: `__module__`/`__qualname__` in class bodies,
/// `__class__` in methods.
fn is_implicit_in_scope(index: &FileIndex, scope: ScopeId, name: &str) -> bool {
    match name {
        "__module__" | "__qualname__" => index.scope(scope).kind == ScopeKind::Class,
        "__class__" => std::iter::successors(Some(scope), |&scope| index.scope(scope).parent)
            .any(|scope| index.scope(scope).kind == ScopeKind::Class),
        _ => false,
    }
}

/// Whether some function binds `name` in the module through `global name`.
fn is_bound_through_global(index: &FileIndex, name: &str) -> bool {
    index.scopes.iter().enumerate().any(|(id, scope)| {
        scope.globals.iter().any(|global| global == name)
            && index
                .definitions_in_scope(ScopeId(id as u32), name)
                .next()
                .is_some()
    })
}

/// Names visible from `scope`: its own, its enclosing functions', the module's and the
/// builtins (for suggestions).
fn visible_names(index: &FileIndex, scope: ScopeId) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut current = Some(scope);
    let mut first = true;
    while let Some(id) = current {
        let data = index.scope(id);
        if first || data.kind != ScopeKind::Class {
            names.extend(
                data.definitions
                    .iter()
                    .map(|&definition| index.definition(definition).name.to_string()),
            );
        }
        first = false;
        current = data.parent;
    }
    names.extend(
        crate::builtins::BUILTINS
            .iter()
            .map(|(name, _)| (*name).to_owned()),
    );
    names.sort();
    names.dedup();
    names
}

/// Names bound without a binding the index records: what `from m import *` brings in
/// (`__all__`, else the public names of `m`), and in a package's `__init__`, the
/// submodules its relative imports load (`from .events import *` binds `events`).
fn implicitly_imported_names(context: &RuleContext<'_>) -> FxHashSet<SmolStr> {
    let path = context.file.path(context.db);
    let is_package_init = path.file_stem().is_some_and(|stem| stem == "__init__");
    let mut names: FxHashSet<SmolStr> = context
        .index
        .imports
        .iter()
        .filter(|import| is_package_init && import.level == 1 && !import.module.is_empty())
        .map(|import| SmolStr::new(import.module.split('.').next().unwrap_or_default()))
        .collect();
    for source in crate::modules::star_import_sources(context.db, context.file) {
        names.extend(crate::index::module_exports(context.db, source).star_names());
    }
    names
}

/// Star imports the index cannot follow or whose module binds names dynamically, and
/// this module's own dynamic bindings (`globals()` updates, `exec`): undefined names are
/// not judged in such a file.
fn has_dynamic_globals(context: &RuleContext<'_>) -> bool {
    if crate::index::module_exports(context.db, context.file).dynamic {
        return true;
    }
    let resolver = module_resolver(context.db);
    let path = context.file.path(context.db);
    context
        .index
        .imports
        .iter()
        .filter(|import| import.name.as_deref() == Some("*"))
        .any(|import| {
            let Some(module) = resolver.resolve(path, import.level, &import.module) else {
                return true;
            };
            let Some(target) = module_file(context.db, &module) else {
                return true;
            };
            let exports = crate::index::module_exports(context.db, target);
            // A star import of a module that star-imports in turn: not followed further.
            exports.dynamic || !exports.star_imports.is_empty()
        })
}

/// Whether the name sits in a statement the parser could not read: its role is a guess.
fn is_in_broken_syntax(context: &RuleContext<'_>, range: TextRange) -> bool {
    let Some(node) = context.node(range) else {
        return true;
    };
    std::iter::once(node)
        .chain(context.ancestors(node))
        .take_while(|node| !matches!(kind_of(*node), "block" | "module"))
        .any(|node| node.is_error() || node.has_error())
}

/// Names declared in `[T, *Ts, **P]` type parameter lists of the file.
fn type_parameter_names<'t>(context: &RuleContext<'t>) -> rustc_hash::FxHashSet<&'t str> {
    let mut names = rustc_hash::FxHashSet::default();
    if !context.text.contains('[') {
        return names;
    }
    for &node in context.nodes().iter() {
        if kind_of(node) == "type_parameter" {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                let identifier = if kind_of(child) == "identifier" {
                    Some(child)
                } else {
                    child
                        .named_child(0)
                        .filter(|inner| kind_of(*inner) == "identifier")
                };
                if let Some(identifier) = identifier {
                    names.insert(context.node_text(identifier));
                }
            }
        }
    }
    names
}

/// Whether the node at `range` is part of an annotation (`x: T`, `-> T`, `a: T = 1`).
fn annotation_node<'t>(context: &RuleContext<'t>, range: TextRange) -> Option<Node<'t>> {
    let node = context.node(range)?;
    for parent in context.ancestors(node) {
        if kind_of(parent) == "type" {
            return Some(parent);
        }
        if matches!(
            kind_of(parent),
            "block" | "module" | "function_definition" | "class_definition" | "lambda"
        ) {
            return None;
        }
    }
    None
}

fn is_in_annotation(context: &RuleContext<'_>, range: TextRange) -> bool {
    annotation_node(context, range).is_some()
}

/// Code runs; annotations run only without `from __future__ import annotations`, and
/// never for a variable annotated inside a function body.
fn is_evaluated_annotation_or_code(
    context: &RuleContext<'_>,
    range: TextRange,
    scope: ScopeId,
) -> bool {
    let Some(annotation) = annotation_node(context, range) else {
        return true;
    };
    if context.text.contains("from __future__ import annotations") {
        return false;
    }
    let is_variable_annotation = context
        .parent(annotation)
        .is_some_and(|parent| kind_of(parent) == "assignment");
    !(is_variable_annotation && context.index.scope(scope).kind == ScopeKind::Function)
}

/// Whether a definition sits under `if TYPE_CHECKING:` (never runs).
fn is_under_type_checking(context: &RuleContext<'_>, index: &FileIndex, id: DefinitionId) -> bool {
    index
        .branch_path(index.definition(id).branch)
        .any(|(_, branch)| {
            branch.kind == BranchKind::IfTrue
                && branch.condition.is_some_and(|condition| {
                    let text = context.slice(condition);
                    text == "TYPE_CHECKING" || text.ends_with(".TYPE_CHECKING")
                })
        })
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
    fn undefined_names_typos_and_stdlib_modules() {
        check(
            r#"
def area(width, height):
    return widht * height  # expect: undefined-name confidence=definite

def stamp():
    return time.time()  # expect: undefined-name confidence=definite

def guarded():
    try:
        return unicode("x")
    except NameError:
        return str("x")

class Config:
    name = __qualname__
    path = __file__

main()  # expect: undefined-name confidence=definite

def main():
    return area(2, 3)

main()
"#,
        );
    }

    #[test]
    fn handlers_see_the_bindings_made_before_any_statement_of_the_try_body() {
        check(
            r#"
#- /remedy.toml
min_confidence = "possible"
#- /app.py
def reraise_with_context(exc):
    try:
        saved = exc.__context__
        raise exc
    except BaseException:
        # Reading an attribute of a name and binding it cannot raise: `saved` is bound
        # before `raise exc`, the only statement that can.
        # expect-not: unbound-local
        # expect-not: possibly-unbound
        exc.__context__ = saved
        raise

def encode(chars, detect):
    try:
        encoding = detect(chars)
        return chars.encode(encoding)
    except LookupError:
        # expect: possibly-unbound confidence=possible
        failed = "unknown encoding %s" % encoding
    return failed

def tokenize_main(args, tokenize, report):
    try:
        if args.filename:
            filename = args.filename
            tokens = tokenize(open(filename).readline)
        else:
            filename = "<stdin>"
            tokens = tokenize(None)
        for token in tokens:
            print(token)
    except SyntaxError as err:
        # expect-not: possibly-unbound
        report(err, filename)

def first_failure(items, check):
    try:
        index = -1
        for index, item in enumerate(items):
            check(item)
    except ValueError:
        # expect-not: possibly-unbound
        return index
    return None

def parse_port(text):
    try:
        if int(text) > 0:
            port = int(text)
        else:
            port = 0
    except ValueError:
        # The condition itself may raise before `port` is bound.
        # expect: possibly-unbound confidence=possible
        print(port)
"#,
        );
    }

    #[test]
    fn names_a_star_import_may_bind_are_not_possibly_unbound() {
        check(
            r#"
try:
    from _speedups import *
except ImportError:
    def checksum(data):
        return sum(data) % 255

# expect-not: possibly-unbound
CHECK = checksum
"#,
        );
    }

    #[test]
    fn module_names_fall_back_to_builtins() {
        check(
            r#"
import sys

if sys.platform.startswith("java"):
    from java.lang import Exception

class ParseError(Exception):
    pass

if sys.version_info < (3, 0):
    input = raw_input

def ask(prompt):
    return input(prompt)

def local_shadow(flag):
    if flag:
        len = 3
    # expect: possibly-unbound
    return len

print(local_shadow(False))
"#,
        );
    }

    #[test]
    fn undefined_name_suggestions_in_messages() {
        let fixture = "#- /app.py\ndef f(length):\n    return lenght + json.dumps(length)$0\n";
        let fixture = crate::testing::Fixture::parse(fixture);
        let messages: Vec<String> = fixture
            .analysis()
            .diagnostics(fixture.position.file)
            .unwrap()
            .into_iter()
            .map(|diagnostic| diagnostic.message)
            .collect();
        assert_eq!(
            messages,
            vec![
                "`lenght` is not defined (did you mean `length`?)".to_owned(),
                "`json` is not defined; the module needs `import json`".to_owned(),
            ]
        );
    }

    #[test]
    fn star_imports_and_dynamic_globals_silence_undefined_names() {
        check(
            r#"
#- /a.py
from somewhere_unknown import *
print(mystery)  # expect-not: undefined-name
#- /b.py
globals()["late"] = 1
print(late)  # expect-not: undefined-name
#- /c.py
def setup():
    global registry
    registry = {}
# The static rule stays silent; running c.py reaches this before `setup()` (the replay).
print(registry)  # expect: undefined-name confidence=definite
#- /d.py
from __future__ import annotations
def f(x: Missing) -> Missing:  # expect-not: undefined-name
    y: AlsoMissing = x  # expect-not: undefined-name
    return y
#- /pkg/__init__.py
from .compat import *
from .plain import *
print(Listed, Public)  # expect-not: undefined-name
print(compat.__all__)  # expect-not: undefined-name
print(_private)  # expect: undefined-name
print(Unlisted)  # expect: undefined-name
#- /pkg/compat.py
__all__ = ["Listed"]
Listed = 1
Unlisted = 2
#- /pkg/plain.py
Public = 1
_private = 2
"#,
        );
    }

    #[test]
    fn unbound_local_on_globals_and_reads_before_assignment() {
        check(
            r#"
counter = 0

def bump():
    counter += 1  # expect: unbound-local confidence=definite

def bump_declared():
    global counter
    counter += 1

def outer():
    total = 0
    def add(x):
        total = total + x  # expect: unbound-local confidence=definite
        return total
    return add

def shadow():
    print(len)  # expect: unbound-local confidence=definite
    len = 3
    return len
"#,
        );
    }

    #[test]
    fn nonlocal_names_declared_after_an_early_return_are_not_locals() {
        check(
            r#"
def option(version=None):
    def callback(flag):
        if not flag:
            return
        nonlocal version
        if version is None:
            try:
                version = compute()
            except KeyError:
                raise RuntimeError("unknown") from None
        print(version)
    return callback

def compute():
    return "1.0"
"#,
        );
    }

    #[test]
    fn possibly_unbound_branches_try_and_loops() {
        check(
            r#"
#- /remedy.toml
min_confidence = "possible"
#- /app.py
import sys

def parse(text):
    if text:
        value = int(text)
    return value  # expect: possibly-unbound confidence=possible

def count_words(text):
    if text:
        words = text.split()
    return len(words)  # expect: possibly-unbound confidence=likely

print(count_words(""))

def parse_or_fail(text):
    if text:
        value = int(text)
    else:
        raise ValueError("empty")
    return value

def early_return(text):
    if not text:
        return None
    value = int(text)
    return value

def after_exit(text):
    if text:
        value = int(text)
    else:
        sys.exit("no text")
    return value

def last_of(lines):
    for line in lines:
        final = line
    return final  # expect: possibly-unbound confidence=possible

def last_of_known():
    for line in ["a", "b"]:
        final = line
    return final

def retry():
    while True:
        try:
            answer = int(input())
            break
        except ValueError:
            continue
    return answer

def verbose_timing(verbose):
    if verbose:
        start = 1
    work = 2
    if verbose:
        print(start)
    return work

def verbose_changed(verbose):
    if verbose:
        start = 1
    verbose = not verbose
    if verbose:
        print(start)  # expect: possibly-unbound confidence=possible

def deleted(flag):
    item = 1
    if flag:
        del item
    return item  # expect: possibly-unbound confidence=possible

def caught(flag):
    if flag:
        x = 1
    try:
        return x
    except UnboundLocalError:
        return 0

def match_all(command):
    match command:
        case "go":
            step = 1
        case _:
            step = 0
    return step
"#,
        );
    }

    #[test]
    fn clean_look_alikes_get_no_finding() {
        check(
            r#"
import argparse
import os
import sys

def choose_mode(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--safe", action="store_true")
    args = parser.parse_args(argv)
    if args.fast:
        mode = "fast"
    elif args.safe:
        mode = "safe"
    else:
        parser.error("pick --fast or --safe")
    return mode

def fail(message):
    raise SystemExit(message)

def read_port(text):
    if text.isdigit():
        port = int(text)
    else:
        fail(f"bad port {text}")
    return port

def first_existing(paths):
    for path in paths:
        if os.path.exists(path):
            chosen = path
            break
    else:
        chosen = None
    return chosen

def load(path):
    try:
        handle = open(path)
    except OSError:
        return None
    else:
        data = handle.read()
    finally:
        print("done")
    return data

def classify(n):
    if n < 0:
        kind = "negative"
    elif n == 0:
        kind = "zero"
    else:
        kind = "positive"
    return kind

def main():
    if len(sys.argv) < 2:
        print("usage: tool PATH")
        sys.exit(1)
    else:
        target = sys.argv[1]
    return target
"#,
        );
    }

    #[test]
    fn type_checking_imports_are_not_unbound() {
        check(
            r#"
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from collections import OrderedDict

def f(x: "OrderedDict") -> int:
    return len(x)
"#,
        );
    }
}
