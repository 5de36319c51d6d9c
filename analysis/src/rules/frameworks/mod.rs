//! Framework rules: FastAPI, Flask, Django and SQLAlchemy patterns that fail at run time.
//!
//! A framework's rules run in a file when that file, or any file of the workspace (not of
//! the environment), imports the framework's top-level module, or when `frameworks` in
//! the configuration names it. The frameworks are usually not installed where Remedy runs,
//! so their values are unknown: the rules read the syntax (decorators, parameter names,
//! enclosing `try` statements) and the scopes, and use inference only for what the user's
//! own code decides (what a view returns).
//!
//! ```python
//! from flask import Flask, request
//! app = Flask(__name__)
//!
//! @app.route("/search")
//! def search():
//!     return request.args["q"]    # flask-request-key-error: 400 when `q` is missing
//! ```

mod django;
mod fastapi;
mod request_keys;
mod sqlalchemy;
mod views;

use crate::index::{child_by_field, kind_of};
use std::path::Path;

use line_index::{TextRange, TextSize};
use smol_str::SmolStr;
use tree_sitter::Node;

use super::Check;
use super::context::RuleContext;
use crate::db::Db;
pub(super) use crate::index::range_of;
use crate::index::{DefinitionKind, FileIndex, NameResolution, ParameterKind, ScopeId};
use crate::input::SourceFile;
use crate::resolve::SearchRootKind;

pub(crate) const FASTAPI_CHECK: Check = fastapi::CHECK;
pub(crate) const REQUEST_KEYS_CHECK: Check = request_keys::CHECK;
pub(crate) const VIEWS_CHECK: Check = views::CHECK;
pub(crate) const DJANGO_CHECK: Check = django::CHECK;
pub(crate) const SQLALCHEMY_CHECK: Check = sqlalchemy::CHECK;

/// A framework with a rule pack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framework {
    Django,
    Flask,
    FastApi,
    SqlAlchemy,
}

impl Framework {
    const ALL: [Framework; 4] = [
        Framework::Django,
        Framework::Flask,
        Framework::FastApi,
        Framework::SqlAlchemy,
    ];

    /// The top-level module name, which is also the configuration name.
    fn module(self) -> &'static str {
        match self {
            Framework::Django => "django",
            Framework::Flask => "flask",
            Framework::FastApi => "fastapi",
            Framework::SqlAlchemy => "sqlalchemy",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// Whether `framework`'s rules run in `file`: the file or the workspace imports it, or the
/// configuration forces it.
pub(crate) fn framework_enabled(db: &dyn Db, file: SourceFile, framework: Framework) -> bool {
    let config = db.settings().config(db);
    if config
        .frameworks
        .iter()
        .any(|name| name == framework.module())
    {
        return true;
    }
    file_frameworks(db, file) & framework.bit() != 0
        || workspace_frameworks(db) & framework.bit() != 0
}

/// [`framework_enabled`] by configuration name (`"fastapi"`); unknown names are off.
pub(crate) fn framework_enabled_by_name(db: &dyn Db, file: SourceFile, name: &str) -> bool {
    Framework::ALL
        .into_iter()
        .find(|framework| framework.module() == name)
        .is_some_and(|framework| framework_enabled(db, file, framework))
}

/// Whether `file` itself imports `framework`.
pub(crate) fn file_imports_framework(db: &dyn Db, file: SourceFile, framework: Framework) -> bool {
    file_frameworks(db, file) & framework.bit() != 0
}

/// Whether `file` imports any framework (computes the summary [`workspace_frameworks`]
/// merges).
pub(crate) fn file_imports_any_framework(db: &dyn Db, file: SourceFile) -> bool {
    *file_frameworks(db, file) != 0
}

/// The frameworks `file` imports, as a bit set (a cheap text test first: most files never
/// mention a framework).
#[salsa::tracked]
fn file_frameworks(db: &dyn Db, file: SourceFile) -> u8 {
    if !is_python_path(file.path(db)) {
        return 0;
    }
    let text = file.text(db);
    let mentioned: Vec<Framework> = Framework::ALL
        .into_iter()
        .filter(|framework| text.contains(framework.module()))
        .collect();
    if mentioned.is_empty() {
        return 0;
    }
    let syntax = crate::index::summary_syntax(db, file);
    let index = syntax.index();
    let mut bits = 0;
    for import in &index.imports {
        if import.level != 0 {
            continue;
        }
        let top = import.module.split('.').next().unwrap_or("");
        for framework in &mentioned {
            if top == framework.module() {
                bits |= framework.bit();
            }
        }
    }
    bits
}

/// The frameworks any workspace file imports (files of the environment do not count: every
/// installed package would switch everything on).
#[salsa::tracked]
fn workspace_frameworks(db: &dyn Db) -> u8 {
    let workspace = db.workspace();
    let environment: Vec<&Path> = workspace
        .search_roots(db)
        .iter()
        .filter(|root| {
            matches!(
                root.kind,
                SearchRootKind::SitePackages | SearchRootKind::Stdlib
            )
        })
        .map(|root| root.path.as_path())
        .collect();
    let mut bits = 0;
    for (path, file) in workspace.files(db).iter() {
        if environment.iter().any(|root| path.starts_with(root)) {
            continue;
        }
        bits |= file_frameworks(db, *file);
    }
    bits
}

/// Whether the analysis reads `path` as Python source.
pub(crate) fn is_python_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|extension| extension == "py" || extension == "pyi")
}

/// A `def` of the file: its definition, body scope and decorators.
pub(super) struct FunctionDef<'a> {
    pub name: &'a str,
    pub name_range: TextRange,
    pub body: ScopeId,
    pub is_async: bool,
    pub decorators: &'a [TextRange],
}

pub(super) fn functions(index: &FileIndex) -> impl Iterator<Item = FunctionDef<'_>> {
    index
        .definitions
        .iter()
        .filter_map(|definition| match &definition.kind {
            DefinitionKind::Function {
                is_async,
                body,
                decorators,
            } => Some(FunctionDef {
                name: definition.name.as_str(),
                name_range: definition.name_range,
                body: *body,
                is_async: *is_async,
                decorators,
            }),
            _ => None,
        })
}

/// The parameters of a function body scope, in order: name, kind and default range.
pub(super) fn parameters(
    index: &FileIndex,
    body: ScopeId,
) -> Vec<(SmolStr, ParameterKind, Option<TextRange>)> {
    index
        .scope(body)
        .definitions
        .iter()
        .filter_map(|&id| {
            let definition = index.definition(id);
            match &definition.kind {
                DefinitionKind::Parameter { kind, default, .. } => {
                    Some((definition.name.clone(), *kind, *default))
                }
                _ => None,
            }
        })
        .collect()
}

/// A decorator of the form `@object.method(arguments…)`: the method name and the call's
/// argument list.
pub(super) struct DecoratorCall<'tree> {
    pub method: &'tree str,
    pub arguments: Node<'tree>,
}

pub(super) fn decorator_call<'db>(
    context: &RuleContext<'db>,
    decorator: TextRange,
) -> Option<DecoratorCall<'db>> {
    let node = context.node(decorator)?;
    let expression = node.named_child(0)?;
    if kind_of(expression) != "call" {
        return None;
    }
    let function = child_by_field(expression, "function")?;
    if kind_of(function) != "attribute" {
        return None;
    }
    Some(DecoratorCall {
        method: context.node_text(child_by_field(function, "attribute")?),
        arguments: child_by_field(expression, "arguments")?,
    })
}

/// The route path of a decorator call: its first positional string, or `path=`/`rule=`.
pub(super) fn route_path<'db>(
    context: &RuleContext<'db>,
    arguments: Node<'db>,
) -> Option<(TextRange, &'db str)> {
    let mut cursor = arguments.walk();
    let mut path = None;
    for (position, argument) in arguments.named_children(&mut cursor).enumerate() {
        let candidate = match kind_of(argument) {
            "string" if position == 0 => Some(argument),
            "keyword_argument" => {
                let name = child_by_field(argument, "name")?;
                match context.node_text(name) {
                    "path" | "rule" => child_by_field(argument, "value"),
                    _ => None,
                }
            }
            _ => None,
        };
        if let Some(candidate) = candidate.filter(|node| kind_of(*node) == "string") {
            path = Some(candidate);
            break;
        }
    }
    let path = path?;
    let text = string_content(context.node_text(path))?;
    Some((range_of(path), text))
}

/// The content of a plain string literal (`"abc"` → `abc`); `None` for f-strings and
/// concatenations.
pub(super) fn string_content(literal: &str) -> Option<&str> {
    let body = literal.trim_start_matches(['r', 'R', 'u', 'U', 'b', 'B']);
    if body.len() != literal.len() && literal.starts_with(['f', 'F']) {
        return None;
    }
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if let Some(inner) = body
            .strip_prefix(quote)
            .and_then(|rest| rest.strip_suffix(quote))
        {
            return Some(inner);
        }
    }
    None
}

/// Where `name`, used at `offset` in `scope`, was imported from: (`module`, imported name).
/// `import flask` gives ("flask", None), `from flask import request` ("flask", Some("request")).
pub(super) fn imported_from(
    index: &FileIndex,
    scope: ScopeId,
    name: &str,
    offset: TextSize,
) -> Option<(String, Option<SmolStr>)> {
    let NameResolution::Scope { definitions, .. } = index.resolve_name(scope, name, offset) else {
        return None;
    };
    // Every reaching binding must be the same import.
    let mut found: Option<(String, Option<SmolStr>)> = None;
    for id in definitions {
        let current = match &index.definition(id).kind {
            DefinitionKind::Import { module, .. } => (module.clone(), None),
            DefinitionKind::ImportFrom {
                level: 0,
                module,
                name,
            } => (module.clone(), Some(name.clone())),
            _ => return None,
        };
        match &found {
            Some(previous) if *previous != current => return None,
            _ => found = Some(current),
        }
    }
    found
}

/// The innermost function scope containing `offset`, skipping lambdas and comprehensions.
pub(super) fn enclosing_function(index: &FileIndex, offset: TextSize) -> Option<ScopeId> {
    let mut scope = index.scope_at(offset);
    loop {
        let data = index.scope(scope);
        match data.kind {
            crate::index::ScopeKind::Function => return Some(scope),
            crate::index::ScopeKind::Module | crate::index::ScopeKind::Class => return None,
            _ => scope = data.parent?,
        }
    }
}

/// Whether `node` sits under a guard that tests `key in container` (the access in the
/// true branch), or after an early exit on `key not in container` in an enclosing block.
/// Texts are compared with whitespace removed.
pub(super) fn is_key_guarded(
    context: &RuleContext<'_>,
    node: Node<'_>,
    key: &str,
    container: &str,
) -> bool {
    let squeeze = |text: &str| text.split_whitespace().collect::<String>();
    let key = squeeze(key);
    let container = squeeze(container);
    let positive = format!("{key}in{container}");
    let negative = format!("{key}notin{container}");
    let mut current = node;
    for parent in context.ancestors(node) {
        match kind_of(parent) {
            "function_definition" | "lambda" | "class_definition" | "module" => break,
            "conditional_expression" => {
                // `value if condition else other`: guarded on the true side only.
                let is_true_side = parent
                    .named_child(0)
                    .is_some_and(|side| side.id() == current.id());
                let condition = parent
                    .named_child(1)
                    .map(|condition| squeeze(context.node_text(condition)))
                    .unwrap_or_default();
                if is_true_side && condition.contains(&positive) && !condition.contains(&negative) {
                    return true;
                }
            }
            "if_statement" | "elif_clause" | "while_statement" => {
                let condition = child_by_field(parent, "condition")
                    .map(|condition| squeeze(context.node_text(condition)))
                    .unwrap_or_default();
                if condition.contains(&positive) && !condition.contains(&negative) {
                    return true;
                }
            }
            "block" => {
                // An earlier `if key not in container: return/abort(...)` in this block.
                let mut sibling = current.prev_named_sibling();
                while let Some(statement) = sibling {
                    if kind_of(statement) == "if_statement" {
                        let condition = child_by_field(statement, "condition")
                            .map(|condition| squeeze(context.node_text(condition)))
                            .unwrap_or_default();
                        if condition.contains(&negative) {
                            return true;
                        }
                    }
                    sibling = statement.prev_named_sibling();
                }
            }
            _ => {}
        }
        current = parent;
    }
    false
}

/// Every node of the file's tree of one of `kinds`, in source order.
pub(super) fn nodes_of_kind<'tree>(root: Node<'tree>, kinds: &[&str]) -> Vec<Node<'tree>> {
    let mut found = Vec::new();
    let mut cursor = root.walk();
    'walk: loop {
        let node = cursor.node();
        if kinds.contains(&node.kind()) {
            found.push(node);
        }
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    found
}

/// Whether the file is a Django views module (`views.py`, or a module of a `views` package).
pub(super) fn is_views_module(path: &Path) -> bool {
    let stem = path
        .file_stem()
        .and_then(|stem| stem.to_str())
        .unwrap_or("");
    let parent = path
        .parent()
        .and_then(|parent| parent.file_name())
        .and_then(|name| name.to_str())
        .unwrap_or("");
    stem == "views" || stem.ends_with("_views") || parent == "views"
}

/// A Django view of the file: a function of a views module whose first parameter is
/// `request`, or a handler method (`get`, `post`, …) of a class there whose second is.
pub(super) fn is_django_view(context: &RuleContext<'_>, function: &FunctionDef<'_>) -> bool {
    if !is_views_module(context.file.path(context.db)) {
        return false;
    }
    let index = context.index;
    let parameters = parameters(index, function.body);
    let scope = index.scope(function.body);
    let parent_kind = scope.parent.map(|parent| index.scope(parent).kind);
    match parent_kind {
        Some(crate::index::ScopeKind::Module) => parameters
            .first()
            .is_some_and(|(name, ..)| name == "request"),
        Some(crate::index::ScopeKind::Class) => {
            matches!(
                function.name,
                "get" | "post" | "put" | "patch" | "delete" | "head" | "options"
            ) && parameters
                .get(1)
                .is_some_and(|(name, ..)| name == "request")
        }
        _ => false,
    }
}

/// Whether one of the names is caught by a `try` around `range`.
pub(super) fn is_caught_any(context: &RuleContext<'_>, range: TextRange, names: &[&str]) -> bool {
    names.iter().any(|name| context.is_caught(range, name))
}

/// Adds fix-template parameters to the finding of `rule` just reported at `range`.
pub(super) fn attach_parameters(
    context: &mut RuleContext<'_>,
    rule: &str,
    range: TextRange,
    parameters: Vec<(&str, String)>,
) {
    context.with_finding(rule, range, |finding| {
        finding.fix_parameters = parameters
            .into_iter()
            .map(|(name, value)| (SmolStr::new(name), value))
            .collect();
    });
}

#[cfg(test)]
mod tests;
