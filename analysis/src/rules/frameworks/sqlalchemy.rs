//! SQLAlchemy sessions: `sqlalchemy-one-no-result` (`.one()`/`.scalar_one()` raise
//! `NoResultFound` when no row matches) and `sqlalchemy-commit-without-rollback` (a
//! `commit()` whose failure is swallowed by an `except` that neither rolls back nor
//! re-raises: the session stays in a failed transaction and its next use raises
//! `PendingRollbackError`).
//!
//! ```python
//! user = session.execute(select(User).where(User.id == uid)).scalar_one()  # one-no-result
//! try:
//!     session.commit()                 # commit-without-rollback
//! except IntegrityError:
//!     log.warning("duplicate")
//! ```
//!
//! Decisions for the commit rule: only handlers that catch database errors (bare,
//! `Exception`, `SQLAlchemyError` and its subclasses) matter; a handler that calls
//! `rollback()` or `close()`, or raises, is fine, as is a `finally` that does; a `try`
//! without `except` lets the error propagate (fine); `with session.begin():` and a session
//! bound by an enclosing `with` are closed by their context manager (fine).
//!
//! Confidence: both depend on the database at run time, so the findings are likely.

use crate::index::{child_by_field, kind_of};
use smol_str::SmolStr;
use tree_sitter::Node;

use super::{
    Framework, attach_parameters, framework_enabled, is_caught_any, nodes_of_kind, range_of,
};
use crate::config::Confidence;
use crate::index::NameResolution;
use crate::rules::context::RuleContext;
use crate::rules::{Check, Finding};

pub(super) const CHECK: Check = Check {
    rules: &[
        "sqlalchemy-one-no-result",
        "sqlalchemy-commit-without-rollback",
    ],
    run,
};

/// Exceptions a failed flush or commit raises, and their bases.
const DATABASE_ERRORS: &[&str] = &[
    "Exception",
    "BaseException",
    "SQLAlchemyError",
    "DBAPIError",
    "StatementError",
    "IntegrityError",
    "OperationalError",
    "DataError",
    "DatabaseError",
    "ProgrammingError",
    "InvalidRequestError",
    "PendingRollbackError",
];

fn run(context: &mut RuleContext<'_>) {
    if !framework_enabled(context.db, context.file, Framework::SqlAlchemy) {
        return;
    }
    for call in nodes_of_kind(context.root(), &["call"]) {
        let Some(function) = child_by_field(call, "function") else {
            continue;
        };
        if kind_of(function) != "attribute" {
            continue;
        }
        let (Some(receiver), Some(method)) = (
            child_by_field(function, "object"),
            child_by_field(function, "attribute"),
        ) else {
            continue;
        };
        let has_arguments = child_by_field(call, "arguments")
            .is_some_and(|arguments| arguments.named_child_count() > 0);
        if has_arguments {
            continue;
        }
        match context.node_text(method) {
            "one" | "scalar_one" => one_no_result(context, call, receiver),
            "commit" => commit_without_rollback(context, call, receiver),
            _ => {}
        }
    }
}

fn one_no_result(context: &mut RuleContext<'_>, call: Node<'_>, receiver: Node<'_>) {
    let range = range_of(call);
    if is_caught_any(
        context,
        range,
        &["NoResultFound", "InvalidRequestError", "SQLAlchemyError"],
    ) {
        return;
    }
    // Aggregates and `RETURNING` always produce a row.
    let mut query_text = context.node_text(receiver).to_owned();
    query_text.push_str(&assigned_texts(context, receiver));
    if ["count(", "func.", ".returning(", "exists("]
        .iter()
        .any(|always_a_row| query_text.contains(always_a_row))
    {
        return;
    }
    let method = if context.node_text(call).ends_with("scalar_one()") {
        "scalar_one"
    } else {
        "one"
    };
    context.report(Finding {
        rule: SmolStr::new_static("sqlalchemy-one-no-result"),
        range,
        message: format!("`.{method}()` raises `NoResultFound` when the query matches no row"),
        confidence: Confidence::Likely,
        score: 65,
        related: Vec::new(),
        fix_parameters: Vec::new(),
    });
    let replacement = if method == "one" {
        "one_or_none"
    } else {
        "scalar_one_or_none"
    };
    attach_parameters(
        context,
        "sqlalchemy-one-no-result",
        range,
        vec![
            ("method", method.to_owned()),
            ("replacement", replacement.to_owned()),
        ],
    );
}

/// The values assigned to the names the receiver chain starts from (`stmt` in
/// `session.execute(stmt).scalar_one()`), joined.
fn assigned_texts(context: &RuleContext<'_>, receiver: Node<'_>) -> String {
    let index = context.index;
    let mut texts = String::new();
    for identifier in nodes_of_kind(receiver, &["identifier"]) {
        let at = range_of(identifier).start();
        let name = context.node_text(identifier);
        if let NameResolution::Scope { definitions, .. } =
            index.resolve_name(index.scope_at(at), name, at)
        {
            for id in definitions {
                if let Some(value) = index.definition(id).value_range {
                    texts.push(' ');
                    texts.push_str(context.slice(value));
                }
            }
        }
    }
    texts
}

/// Whether the receiver of `.commit()` looks like a session (`session`, `db.session`, `db`).
fn is_session_text(text: &str) -> bool {
    let last = text.rsplit('.').next().unwrap_or(text);
    text.to_lowercase().contains("session") || last == "db"
}

fn commit_without_rollback(context: &mut RuleContext<'_>, call: Node<'_>, receiver: Node<'_>) {
    let session = context.node_text(receiver);
    if !is_session_text(session) {
        return;
    }
    let Some(try_node) = enclosing_try_body(context, call) else {
        return;
    };
    if is_managed_by_with(context, try_node, session) {
        return;
    }
    let mut cursor = try_node.walk();
    let mut swallowing = None;
    for clause in try_node.named_children(&mut cursor) {
        match kind_of(clause) {
            "finally_clause" if cleans_up(context, clause) => return,
            "except_clause" | "except_group_clause"
                if catches_database_errors(context, clause) && !cleans_up(context, clause) =>
            {
                swallowing.get_or_insert(clause);
            }
            _ => {}
        }
    }
    let Some(handler) = swallowing else {
        return;
    };
    let header = context
        .node_text(handler)
        .lines()
        .next()
        .unwrap_or("except")
        .trim()
        .trim_end_matches(':');
    let handler_line = context.line_of(range_of(handler).start());
    let range = range_of(call);
    context.report(Finding {
        rule: SmolStr::new_static("sqlalchemy-commit-without-rollback"),
        range,
        message: format!(
            "`{session}.commit()` can fail and `{header}` (L{handler_line}) neither rolls back nor re-raises: the next use of `{session}` raises `PendingRollbackError`"
        ),
        confidence: Confidence::Likely,
        score: 60,
        related: vec![crate::rules::Related {
            file: context.file,
            range: range_of(handler),
            message: format!("handler without `{session}.rollback()` (L{handler_line})"),
        }],
        fix_parameters: Vec::new(),
    });
    attach_parameters(
        context,
        "sqlalchemy-commit-without-rollback",
        range,
        vec![
            ("session", session.to_owned()),
            ("handler_line", handler_line.to_string()),
        ],
    );
}

/// The innermost `try` (in the same function) whose body holds `node`.
fn enclosing_try_body<'t>(context: &RuleContext<'t>, node: Node<'t>) -> Option<Node<'t>> {
    let mut current = node;
    for parent in context.ancestors(node) {
        match kind_of(parent) {
            "function_definition" | "lambda" | "class_definition" | "module" => return None,
            "try_statement"
                if child_by_field(parent, "body").is_some_and(|body| body.id() == current.id()) =>
            {
                return Some(parent);
            }
            _ => {}
        }
        current = parent;
    }
    None
}

/// A `with session.begin():` around the `try`, or a `with … as session:` that binds it.
fn is_managed_by_with<'t>(context: &RuleContext<'t>, try_node: Node<'t>, session: &str) -> bool {
    for parent in context.ancestors(try_node) {
        match kind_of(parent) {
            "function_definition" | "lambda" | "class_definition" | "module" => return false,
            "with_statement" => {
                let header: String = context
                    .node_text(parent)
                    .lines()
                    .next()
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                if header.contains(".begin(") || header.contains(&format!("as {session}")) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether an `except` clause catches what a failed commit raises.
fn catches_database_errors(context: &RuleContext<'_>, clause: Node<'_>) -> bool {
    let mut cursor = clause.walk();
    let mut has_type = false;
    for child in clause.named_children(&mut cursor) {
        if kind_of(child) == "block" {
            break;
        }
        has_type = true;
        let text = context.node_text(child);
        let caught = text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'));
        for name in caught {
            let last = name.rsplit('.').next().unwrap_or(name);
            if DATABASE_ERRORS.contains(&last) {
                return true;
            }
        }
    }
    !has_type
}

/// A clause that rolls back, closes the session, or raises.
fn cleans_up(context: &RuleContext<'_>, clause: Node<'_>) -> bool {
    let text = context.node_text(clause);
    text.contains("rollback(")
        || text.contains(".close(")
        || !nodes_of_kind(clause, &["raise_statement"]).is_empty()
}
