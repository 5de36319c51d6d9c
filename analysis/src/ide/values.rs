//! The value part of hovers: the union a name holds at a point, each member with the
//! line and branch that produced it; function summaries (signature, returns, raises,
//! recursion) and class shapes (attributes along the MRO, `self` after `__init__`).

use std::fmt::Write as _;

use crate::db::Db;
use crate::index::{
    BranchKind, DefinitionId, DefinitionKind, FileIndex, NameContext, NameRef, ParameterKind,
    ScopeId, ScopeKind, call_sites, file_index,
};
use crate::infer::infer_scope;
use crate::input::SourceFile;
use crate::values::{ClassRef, Origin, Union, render_union, render_value};

use super::line_index;

/// The scope whose inference records values for names used in `scope` (comprehensions
/// are evaluated inline by the scope around them).
pub(crate) fn evaluating_scope(index: &FileIndex, scope: ScopeId) -> ScopeId {
    let mut current = scope;
    while index.scope(current).kind == ScopeKind::Comprehension {
        match index.scope(current).parent {
            Some(parent) => current = parent,
            None => break,
        }
    }
    current
}

/// The union at a name occurrence: the load's value, or the value a store binds.
pub(crate) fn value_at(db: &dyn Db, file: SourceFile, name_ref: &NameRef) -> Option<Union> {
    let index = file_index(db, file);
    match name_ref.context {
        NameContext::Load => {
            let scope = evaluating_scope(index, name_ref.scope);
            infer_scope(db, file, scope)
                .load_at(name_ref.range.start())
                .cloned()
        }
        NameContext::Store => {
            let definition = name_ref.definition?;
            let scope = evaluating_scope(index, index.definition(definition).scope);
            infer_scope(db, file, scope).binding(definition).cloned()
        }
        NameContext::Del => None,
    }
}

/// "L12, `if exact:` true branch" (with the file name when it is another file).
pub(crate) fn render_origin(db: &dyn Db, from: SourceFile, origin: &Origin) -> String {
    let index = file_index(db, origin.file);
    let lines = line_index(db, origin.file);
    let line = lines.line_col(origin.range.start()).line + 1;
    let mut out = String::new();
    if origin.file != from {
        let path = origin.file.path(db);
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = write!(out, "{name} ");
    }
    let _ = write!(out, "L{line}");
    if let Some(branch) = index.branches.get(origin.branch.index()) {
        if branch.kind != BranchKind::ScopeBody {
            let _ = write!(out, ", {}", branch.label());
        }
    }
    out
}

/// `- 4 (int) — L2, \`if flag:\` true branch` lines, one per member.
pub(crate) fn render_members(db: &dyn Db, file: SourceFile, union: &Union, out: &mut String) {
    for member in union.members() {
        let _ = write!(out, "- `{}`", render_value(&member.value));
        let origins: Vec<String> = member
            .origins
            .iter()
            .take(3)
            .map(|origin| render_origin(db, file, origin))
            .collect();
        if !origins.is_empty() {
            let _ = write!(out, " — {}", origins.join("; "));
        }
        out.push('\n');
    }
    if union.pruned() {
        out.push_str("- (pruned: too many combinations; literals were widened)\n");
    }
}

/// The call whose callee starts at this name (`f` in `f(x)` or `obj` in `obj.m(x)`),
/// rendered with its result.
pub(crate) fn call_section(db: &dyn Db, file: SourceFile, name_ref: &NameRef) -> Option<String> {
    let index = file_index(db, file);
    let scope = evaluating_scope(index, name_ref.scope);
    let inference = infer_scope(db, file, scope);
    let call = inference.call_at(name_ref.range.start())?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "**Call** `{}` → `{}`\n",
        render_union(&call.callee),
        render_union(&call.result)
    );
    render_members(db, file, &call.result, &mut out);
    Some(out)
}

/// The value section of a hover on a name occurrence.
pub(crate) fn value_section(db: &dyn Db, file: SourceFile, name_ref: &NameRef) -> Option<String> {
    let union = value_at(db, file, name_ref)?;
    if union.is_unknown()
        && union
            .members()
            .iter()
            .all(|member| member.origins.is_empty())
    {
        return None;
    }
    let mut out = String::new();
    let _ = writeln!(out, "**Value**: `{}`\n", render_union(&union));
    render_members(db, file, &union, &mut out);
    Some(out)
}

/// Signature facts, inferred returns, generator/async, raises and recursion of a `def`.
pub(crate) fn function_section(
    db: &dyn Db,
    file: SourceFile,
    definition: DefinitionId,
) -> Option<String> {
    let index = file_index(db, file);
    let DefinitionKind::Function { body, .. } = index.definition(definition).kind else {
        return None;
    };
    let text = file.text(db);
    let mut out = String::new();
    let mut min_positional = 0;
    let mut max_positional: Option<usize> = Some(0);
    let mut required_keywords = Vec::new();
    let mut keywords = Vec::new();
    let mut defaults = Vec::new();
    let mut first = index.scope(index.definition(definition).scope).kind == ScopeKind::Class;
    for &id in &index.scope(body).definitions {
        let data = index.definition(id);
        let DefinitionKind::Parameter { kind, default, .. } = &data.kind else {
            continue;
        };
        if first {
            // `self` / `cls` is bound by the call.
            first = false;
            continue;
        }
        if let Some(default) = default {
            let source = text
                .get(u32::from(default.start()) as usize..u32::from(default.end()) as usize)
                .unwrap_or("");
            defaults.push(format!("{}={}", data.name, source));
        }
        match kind {
            ParameterKind::PositionalOnly | ParameterKind::PositionalOrKeyword => {
                if default.is_none() {
                    min_positional += 1;
                }
                max_positional = max_positional.map(|count| count + 1);
                if *kind == ParameterKind::PositionalOrKeyword {
                    keywords.push(data.name.to_string());
                }
            }
            ParameterKind::VarPositional => max_positional = None,
            ParameterKind::KeywordOnly => {
                if default.is_none() {
                    required_keywords.push(data.name.to_string());
                }
                keywords.push(data.name.to_string());
            }
            ParameterKind::VarKeyword => keywords.push(format!("**{}", data.name)),
        }
    }
    let max = max_positional
        .map(|count| count.to_string())
        .unwrap_or_else(|| "∞".to_owned());
    let _ = writeln!(
        out,
        "**Signature**: {min_positional}–{max} positional arguments; keywords: {}",
        if keywords.is_empty() {
            "none".to_owned()
        } else {
            keywords.join(", ")
        }
    );
    if !required_keywords.is_empty() {
        let _ = writeln!(
            out,
            "; required keyword-only: {}",
            required_keywords.join(", ")
        );
    }
    if !defaults.is_empty() {
        let _ = writeln!(out, "\n**Defaults**: `{}`", defaults.join("`, `"));
    }
    let inference = infer_scope(db, file, body);
    let scope = index.scope(body);
    let kind = match (scope.is_async, scope.is_generator) {
        (true, true) => "async generator",
        (false, true) => "generator",
        (true, false) => "coroutine function",
        (false, false) => "",
    };
    if !kind.is_empty() {
        let _ = writeln!(out, "\n**Kind**: {kind}");
    }
    if scope.is_generator {
        if let Some(yields) = &inference.yields {
            let _ = writeln!(out, "\n**Yields**: `{}`", render_union(yields));
        }
    }
    match &inference.returns {
        Some(returns) => {
            let _ = writeln!(out, "\n**Returns**: `{}`\n", render_union(returns));
            render_members(db, file, returns, &mut out);
            // What the calls of this file get back when the context-free summary
            // depends on the arguments.
            if returns
                .values()
                .any(|value| *value == crate::values::Value::Unknown)
            {
                out.push_str(&call_results(db, file, definition));
            }
        }
        None => {
            let _ = writeln!(out, "\n**Returns**: never returns normally");
        }
    }
    if !inference.raises.is_empty() {
        let _ = writeln!(
            out,
            "\n**May raise**: {}",
            inference
                .raises
                .iter()
                .map(|name| format!("`{name}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let listed = |names: &[crate::index::Name]| {
        names
            .iter()
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !inference.mutated_parameters.is_empty() {
        let _ = writeln!(
            out,
            "\n**Mutates arguments**: {}",
            listed(&inference.mutated_parameters)
        );
    }
    if !inference.returned_parameters.is_empty() {
        let _ = writeln!(
            out,
            "\n**Returns arguments**: {}",
            listed(&inference.returned_parameters)
        );
    }
    if inference.is_recursive {
        let _ = writeln!(
            out,
            "\n**Recursive**: yes (directly or through other functions)"
        );
    }
    Some(out)
}

/// "**At its calls**": the result of each call of the function `definition` in `file`
/// (specialised with the call's arguments), with the call's line; empty without calls.
fn call_results(db: &dyn Db, file: SourceFile, definition: DefinitionId) -> String {
    use crate::values::{FunctionRef, Value};

    let index = file_index(db, file);
    let path = index.path_of(definition);
    let mut results: Vec<(u32, Union)> = Vec::new();
    let name = index.definition(definition).name.clone();
    let calls_it = |call: &crate::infer::CallSite| {
        call.callee.values().any(|value| match value {
            Value::Function(FunctionRef::Defined {
                file: target,
                path: target_path,
            })
            | Value::BoundMethod {
                function:
                    FunctionRef::Defined {
                        file: target,
                        path: target_path,
                    },
                ..
            } => *target == file && *target_path == path,
            _ => false,
        })
    };
    for scope in scopes_that_may_call(db, file, &[name.as_str()], &[]) {
        for call in crate::infer::resolved_calls(db, file, scope, &mut |call| calls_it(call)) {
            results.push((call.offset, call.result));
        }
    }
    if results.is_empty() {
        return String::new();
    }
    results.sort_by_key(|(offset, _)| *offset);
    let lines = line_index(db, file);
    let mut out = String::from("\n**At its calls**\n");
    for (offset, result) in results.iter().take(10) {
        let line = lines.line_col((*offset).into()).line + 1;
        let _ = writeln!(out, "- `{}` — call at L{line}", render_union(result));
    }
    if results.len() > 10 {
        let _ = writeln!(out, "- … {} more calls", results.len() - 10);
    }
    out
}

/// Attributes of a class along its MRO, and the shape of `self` after `__init__`.
pub(crate) fn class_section(
    db: &dyn Db,
    file: SourceFile,
    definition: DefinitionId,
) -> Option<String> {
    let index = file_index(db, file);
    let DefinitionKind::Class { .. } = index.definition(definition).kind else {
        return None;
    };
    let class = ClassRef::Defined {
        file,
        path: index.path_of(definition),
    };
    let mro = crate::infer::class_mro(db, &class);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "**MRO**: {}",
        mro.iter()
            .map(|class| format!("`{}`", class.name()))
            .chain(std::iter::once("`object`".to_owned()))
            .collect::<Vec<_>>()
            .join(" → ")
    );
    let mut seen: Vec<String> = Vec::new();
    let mut attributes = String::new();
    let mut instance = String::new();
    for ancestor in &mro {
        let ClassRef::Defined {
            file: ancestor_file,
            path,
        } = ancestor
        else {
            continue;
        };
        let ancestor_index = file_index(db, *ancestor_file);
        let Some(ancestor_definition) = ancestor_index.definition_at_path(path) else {
            continue;
        };
        let DefinitionKind::Class { body, .. } =
            ancestor_index.definition(ancestor_definition).kind
        else {
            continue;
        };
        let body_inference = infer_scope(db, *ancestor_file, body);
        for (name, union) in &body_inference.exit {
            if seen.contains(&name.to_string()) {
                continue;
            }
            seen.push(name.to_string());
            let inherited = if ancestor == &class {
                String::new()
            } else {
                format!(" (from `{}`)", ancestor.name())
            };
            let _ = writeln!(
                attributes,
                "- `{name}`: `{}`{inherited}",
                render_union(union)
            );
        }
        for &member in &ancestor_index.scope(body).definitions {
            let DefinitionKind::Function { body: method, .. } =
                ancestor_index.definition(member).kind
            else {
                continue;
            };
            if ancestor_index.definition(member).name != "__init__" || !instance.is_empty() {
                continue;
            }
            for (name, union) in &infer_scope(db, *ancestor_file, method).self_attributes {
                let _ = writeln!(instance, "- `self.{name}`: `{}`", render_union(union));
            }
        }
    }
    if !attributes.is_empty() {
        let _ = write!(out, "\n**Attributes**\n{attributes}");
    }
    if !instance.is_empty() {
        let _ = write!(out, "\n**`self` after `__init__`**\n{instance}");
    }
    Some(out)
}

/// "Callers pass": the argument values each call of the parameter's function passes
/// for it, with the calls as provenance (calls in the same file).
pub(crate) fn parameter_section(
    db: &dyn Db,
    file: SourceFile,
    definition: DefinitionId,
) -> Option<String> {
    use crate::values::{FunctionRef, Value};

    let index = file_index(db, file);
    let parameter = index.definition(definition);
    let DefinitionKind::Parameter { kind, .. } = parameter.kind else {
        return None;
    };
    let function_scope = parameter.scope;
    let function_definition = index.scope(function_scope).definition?;
    let path = index.path_of(function_definition);
    let is_method = index
        .scope(index.definition(function_definition).scope)
        .kind
        == ScopeKind::Class;
    let parameters: Vec<DefinitionId> = index
        .scope(function_scope)
        .definitions
        .iter()
        .copied()
        .filter(|&id| matches!(index.definition(id).kind, DefinitionKind::Parameter { .. }))
        .collect();
    let position = parameters.iter().position(|&id| id == definition)?;
    let mut passed: Vec<(u32, Union)> = Vec::new();
    let function_name = index.definition(function_definition).name.clone();
    let mut values = vec![function_name.as_str()];
    let mut results = Vec::new();
    // The receiver of `__init__` (`self`) gets values only from calls of the function
    // itself (`Base.__init__(self, …)`): a call of the class binds it implicitly, so below
    // it takes a value there only by a keyword of its name, which no call may pass.
    let is_receiver_only_passed_by_function_calls = || {
        position == 0
            && crate::infer::is_unbound_method(db, file, function_scope)
            && !passes_keyword(db, file, &parameter.name)
    };
    if is_method && function_name == "__init__" && !is_receiver_only_passed_by_function_calls() {
        // Calls of the class: by its name, `self.__class__(…)`, `type(self)(…)`, and the
        // first parameter of a classmethod (`cls(…)`, whatever its name).
        let class_scope = index.definition(function_definition).scope;
        values.extend([index.scope(class_scope).name.as_str(), "__class__"]);
        values.extend(decorated_methods_first_parameters(index));
        results.push("type");
    }
    // How many leading parameters a call of the function binds implicitly (`self`).
    let implicit_of = |call: &crate::infer::CallSite| {
        call.callee.values().find_map(|value| match value {
            Value::Function(FunctionRef::Defined {
                file: target,
                path: target_path,
            }) if *target == file && *target_path == path => Some(0),
            Value::BoundMethod {
                function:
                    FunctionRef::Defined {
                        file: target,
                        path: target_path,
                    },
                ..
            } if *target == file && *target_path == path => Some(1),
            Value::Class(ClassRef::Defined {
                file: target,
                path: class_path,
            }) if *target == file
                && is_method
                && format!("{class_path}.__init__") == path.as_str() =>
            {
                Some(1)
            }
            _ => None,
        })
    };
    for scope in scopes_that_may_call(db, file, &values, &results) {
        let calls =
            crate::infer::resolved_calls(db, file, scope, &mut |call| implicit_of(call).is_some());
        for call in &calls {
            let Some(implicit) = implicit_of(call) else {
                continue;
            };
            let value = match kind {
                ParameterKind::PositionalOnly | ParameterKind::PositionalOrKeyword => {
                    let by_position = position
                        .checked_sub(implicit)
                        .and_then(|at| call.positional.get(at))
                        .cloned();
                    by_position.or_else(|| {
                        call.keywords
                            .iter()
                            .find(|(name, _)| *name == parameter.name)
                            .map(|(_, value)| value.clone())
                    })
                }
                ParameterKind::KeywordOnly => call
                    .keywords
                    .iter()
                    .find(|(name, _)| *name == parameter.name)
                    .map(|(_, value)| value.clone()),
                ParameterKind::VarPositional | ParameterKind::VarKeyword => None,
            };
            if let Some(value) = value {
                passed.push((call.offset, value));
            }
        }
    }
    if passed.is_empty() {
        return None;
    }
    passed.sort_by_key(|(offset, _)| *offset);
    let lines = line_index(db, file);
    let mut out = String::from("**Callers pass**\n");
    for (offset, value) in passed.iter().take(10) {
        let line = lines.line_col((*offset).into()).line + 1;
        let _ = writeln!(out, "- `{}` — call at L{line}", render_union(value));
    }
    if passed.len() > 10 {
        let _ = writeln!(out, "- … {} more calls", passed.len() - 10);
    }
    Some(out)
}

/// Whether a call of `file` passes a keyword argument named `name` (`f(name=…)`): the
/// interpreter records keywords only as written.
fn passes_keyword(db: &dyn Db, file: SourceFile, name: &str) -> bool {
    let parsed = crate::parse::parse(db, file);
    let text = file.text(db);
    let mut cursor = parsed.root().walk();
    loop {
        let node = cursor.node();
        if node.kind() == "keyword_argument"
            && node
                .child_by_field_name("name")
                .is_some_and(|keyword| text.get(keyword.byte_range()) == Some(name))
        {
            return true;
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return false;
            }
        }
    }
}

/// The scopes whose inference may record a call of a value named by `seeds` (see
/// [`crate::index::CallSites`]), in id order; every scope but the comprehensions when
/// the syntactic summary cannot place a call.
fn scopes_that_may_call(
    db: &dyn Db,
    file: SourceFile,
    values: &[&str],
    results: &[&str],
) -> Vec<ScopeId> {
    let index = file_index(db, file);
    call_sites(db, file)
        .scopes_that_may_call(index, values, results)
        .filter(|_| !tests_scan_every_scope())
        .unwrap_or_else(|| {
            (0..index.scopes.len() as u32)
                .map(ScopeId)
                .filter(|&scope| index.scope(scope).kind != ScopeKind::Comprehension)
                .collect()
        })
}

#[cfg(test)]
thread_local! {
    static SCAN_EVERY_SCOPE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with the callers sections looking at every scope of the file, as they did
/// before [`crate::index::CallSites`] (tests compare both).
#[cfg(test)]
pub(crate) fn with_every_scope_scanned<T>(f: impl FnOnce() -> T) -> T {
    SCAN_EVERY_SCOPE.with(|flag| flag.set(true));
    let result = f();
    SCAN_EVERY_SCOPE.with(|flag| flag.set(false));
    result
}

fn tests_scan_every_scope() -> bool {
    #[cfg(test)]
    return SCAN_EVERY_SCOPE.with(std::cell::Cell::get);
    #[cfg(not(test))]
    false
}

/// The first parameter of every decorated method of the file (`cls` of classmethods).
fn decorated_methods_first_parameters(index: &FileIndex) -> Vec<&str> {
    index
        .definitions
        .iter()
        .filter_map(|definition| match &definition.kind {
            DefinitionKind::Function {
                body, decorators, ..
            } if !decorators.is_empty()
                && index.scope(definition.scope).kind == ScopeKind::Class =>
            {
                index.scope(*body).definitions.first().copied()
            }
            _ => None,
        })
        .map(|first| index.definition(first))
        .filter(|first| matches!(first.kind, DefinitionKind::Parameter { .. }))
        .map(|first| first.name.as_str())
        .collect()
}
