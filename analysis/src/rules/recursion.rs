//! `unbounded-recursion`: a function (or a cycle of functions) that calls itself on every
//! path before it can return, so no call ever finishes and Python raises RecursionError.
//!
//! ```python
//! def countdown(n):
//!     print(n)
//!     countdown(n - 1)     # unbounded-recursion: there is no base case
//! ```
//!
//! For each function of the file we collect the calls it *definitely* makes before any
//! way out (`return`, `raise`, `break`, `yield`, or a branch that skips them): a call in an
//! `if` counts only when every branch (with an `else`) makes it; calls in lambdas, nested
//! definitions, comprehensions, the right side of `and`/`or` and conditional expressions
//! are not definite. Those calls give a graph between the file's functions; every cycle
//! in it recurses without end.
//!
//! Functions that have a base case their recursive steps miss (`n - 2` jumping over
//! `n == 1`, a bisection that stops shrinking) are the other half, in
//! [`super::recursion_progress`].

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;
use rustc_hash::{FxHashMap, FxHashSet};
use tree_sitter::Node;

use super::context::RuleContext;
use super::{Check, Finding};
use crate::config::Confidence;
use crate::index::{DefinitionKind, ScopeId, ScopeKind};
use crate::infer::infer_scope;
use crate::values::{FunctionRef, Value};

pub(crate) const CHECK: Check = Check {
    rules: &["unbounded-recursion"],
    run,
};

/// A function of the file and the calls it definitely makes: (call range, callee scope).
struct FunctionCalls {
    scope: ScopeId,
    name: String,
    calls: Vec<(TextRange, ScopeId)>,
}

fn run(context: &mut RuleContext<'_>) {
    let index = context.index;
    let mut functions: Vec<FunctionCalls> = Vec::new();
    for (id, scope) in index.scopes.iter().enumerate() {
        let scope_id = ScopeId(id as u32);
        if scope.kind != ScopeKind::Function || scope.is_generator || scope.is_async {
            continue;
        }
        let Some(node) = context.node(scope.range) else {
            continue;
        };
        let Some(body) = child_by_field(node, "body") else {
            continue;
        };
        let mut definite = Vec::new();
        block_calls(body, &mut definite);
        let inference = infer_scope(context.db, context.file, scope_id);
        let mut calls = Vec::new();
        for range in definite {
            let Some(call) = inference.call_at(range.start()) else {
                continue;
            };
            let callees: Vec<ScopeId> = call
                .callee
                .values()
                .filter_map(|value| match value {
                    Value::Function(function) | Value::BoundMethod { function, .. } => {
                        callee_scope(context, function)
                    }
                    _ => None,
                })
                .collect();
            // Only a callee the call surely reaches makes the edge.
            if let [callee] = callees.as_slice() {
                if call.callee.members().len() == 1 {
                    calls.push((range, *callee));
                }
            }
        }
        functions.push(FunctionCalls {
            scope: scope_id,
            name: scope.name.to_string(),
            calls,
        });
    }
    let by_scope: FxHashMap<ScopeId, usize> = functions
        .iter()
        .enumerate()
        .map(|(at, function)| (function.scope, at))
        .collect();
    for function in &functions {
        // Follow definite calls; reaching the start again closes a cycle.
        let Some(path) = cycle_from(function.scope, &functions, &by_scope) else {
            continue;
        };
        let Some(&(range, _)) = function
            .calls
            .iter()
            .find(|(_, callee)| Some(callee) == path.get(1).or(path.first()))
        else {
            continue;
        };
        if context.is_caught(range, "RecursionError") {
            continue;
        }
        let message = if path.len() <= 1 {
            format!(
                "`{}` calls itself on every path before it can return, so it never stops (RecursionError)",
                function.name
            )
        } else {
            let names: Vec<&str> = path
                .iter()
                .chain(std::iter::once(&function.scope))
                .filter_map(|scope| by_scope.get(scope).map(|at| functions[*at].name.as_str()))
                .collect();
            format!(
                "`{}` recurses without a base case through {} (RecursionError)",
                function.name,
                names.join(" → ")
            )
        };
        context.report(Finding {
            rule: "unbounded-recursion".into(),
            range,
            message,
            confidence: Confidence::Definite,
            score: 90,
            related: Vec::new(),
            fix_parameters: vec![("function".into(), function.name.clone())],
        });
    }
    // Recursions that do have a base case, which their steps miss.
    super::recursion_progress::run(context);
}

/// The cycle of definite calls starting and ending at `start` (its scopes, `start`
/// first), if there is one.
fn cycle_from(
    start: ScopeId,
    functions: &[FunctionCalls],
    by_scope: &FxHashMap<ScopeId, usize>,
) -> Option<Vec<ScopeId>> {
    let mut stack: Vec<(ScopeId, Vec<ScopeId>)> = vec![(start, vec![start])];
    let mut seen: FxHashSet<ScopeId> = FxHashSet::default();
    while let Some((scope, path)) = stack.pop() {
        let Some(&at) = by_scope.get(&scope) else {
            continue;
        };
        for (_, callee) in &functions[at].calls {
            if *callee == start {
                return Some(path.clone());
            }
            if path.len() < 8 && seen.insert(*callee) {
                let mut longer = path.clone();
                longer.push(*callee);
                stack.push((*callee, longer));
            }
        }
    }
    None
}

fn callee_scope(context: &RuleContext<'_>, function: &FunctionRef) -> Option<ScopeId> {
    let FunctionRef::Defined { file, path } = function else {
        return None;
    };
    if *file != context.file {
        return None;
    }
    let definition = context.index.definition_at_path(path)?;
    let data = context.index.definition(definition);
    // `def localeconv(): …` under `except ImportError:`, `_localeconv = localeconv`, then a
    // second `def localeconv(): return _localeconv()`: both share the path, so which one a
    // call reaches is not known here.
    let same_name = context
        .index
        .definitions_in_scope(data.scope, data.name.as_str())
        .filter(|&id| {
            matches!(
                context.index.definition(id).kind,
                DefinitionKind::Function { .. }
            )
        })
        .count();
    match data.kind {
        DefinitionKind::Function { body, .. } if same_name == 1 => Some(body),
        _ => None,
    }
}

/// Collects the calls a block definitely makes; returns whether the block may leave
/// early (so later statements may not run).
fn block_calls(block: Node<'_>, out: &mut Vec<TextRange>) -> bool {
    let mut cursor = block.walk();
    let statements: Vec<Node<'_>> = block.named_children(&mut cursor).collect();
    for statement in statements {
        if statement_calls(statement, out) {
            return true;
        }
    }
    false
}

/// Collects the calls a statement definitely makes; returns whether it may leave early.
fn statement_calls(statement: Node<'_>, out: &mut Vec<TextRange>) -> bool {
    match kind_of(statement) {
        "if_statement" => {
            if let Some(condition) = child_by_field(statement, "condition") {
                expression_calls(condition, out);
            }
            let mut branches: Vec<Node<'_>> = Vec::new();
            if let Some(consequence) = child_by_field(statement, "consequence") {
                branches.push(consequence);
            }
            let mut has_else = false;
            let mut cursor = statement.walk();
            let alternatives: Vec<Node<'_>> = statement
                .children_by_field_name("alternative", &mut cursor)
                .collect();
            let mut conditions_after_first = Vec::new();
            for alternative in alternatives {
                if kind_of(alternative) == "else_clause" {
                    has_else = true;
                }
                if kind_of(alternative) == "elif_clause" {
                    if let Some(condition) = child_by_field(alternative, "condition") {
                        conditions_after_first.push(condition);
                    }
                }
                if let Some(body) = child_by_field(alternative, "body") {
                    branches.push(body);
                }
            }
            let mut may_leave = false;
            let mut common: Option<Vec<TextRange>> = None;
            for branch in branches {
                let mut calls = Vec::new();
                may_leave |= block_calls(branch, &mut calls);
                common = Some(match common {
                    None => calls,
                    Some(previous) => previous
                        .into_iter()
                        .filter(|call| calls.contains(call))
                        .collect(),
                });
            }
            if has_else {
                out.extend(common.unwrap_or_default());
            } else {
                may_leave = true;
            }
            may_leave
        }
        "return_statement" | "raise_statement" => {
            expression_calls(statement, out);
            true
        }
        "break_statement" | "continue_statement" => true,
        "for_statement" | "while_statement" => {
            let header = child_by_field(statement, "right")
                .or_else(|| child_by_field(statement, "condition"));
            if let Some(header) = header {
                expression_calls(header, out);
            }
            // The body may not run; a `return` inside still leaves early.
            contains_exit(statement)
        }
        "try_statement" => {
            let mut may_leave = false;
            if let Some(body) = child_by_field(statement, "body") {
                may_leave |= block_calls(body, out);
            }
            may_leave || contains_exit(statement)
        }
        "with_statement" => {
            let mut cursor = statement.walk();
            for child in statement.named_children(&mut cursor) {
                if kind_of(child) == "with_clause" {
                    expression_calls(child, out);
                }
            }
            match child_by_field(statement, "body") {
                Some(body) => block_calls(body, out),
                None => false,
            }
        }
        "function_definition" | "class_definition" | "decorated_definition" => false,
        "match_statement" => contains_exit(statement),
        _ => {
            expression_calls(statement, out);
            contains_exit(statement)
        }
    }
}

/// Calls evaluated whenever `node` is: lazy and conditional parts are skipped.
fn expression_calls(node: Node<'_>, out: &mut Vec<TextRange>) {
    let mut stack = vec![node];
    // One cursor for the whole walk: a fresh one per node allocates.
    let mut cursor = node.walk();
    while let Some(node) = stack.pop() {
        match kind_of(node) {
            "lambda"
            | "function_definition"
            | "class_definition"
            | "list_comprehension"
            | "set_comprehension"
            | "dictionary_comprehension"
            | "generator_expression" => {
                continue;
            }
            "conditional_expression" => {
                // Only the condition (the middle part) always runs.
                if let Some(condition) = node.named_child(1) {
                    stack.push(condition);
                }
                continue;
            }
            "boolean_operator" => {
                if let Some(left) = child_by_field(node, "left") {
                    stack.push(left);
                }
                continue;
            }
            "call" => out.push(crate::index::range_of(node)),
            _ => {}
        }
        for child in node.named_children(&mut cursor) {
            stack.push(child);
        }
    }
}

/// Whether a statement contains a way out of the function or loop (`return`, `raise`,
/// `break`, `continue`, `yield`), outside nested definitions.
fn contains_exit(node: Node<'_>) -> bool {
    let mut stack = vec![node];
    // One cursor for the whole walk: a fresh one per node allocates.
    let mut cursor = node.walk();
    while let Some(node) = stack.pop() {
        match kind_of(node) {
            "return_statement" | "raise_statement" | "break_statement" | "continue_statement"
            | "yield" => return true,
            "lambda" | "function_definition" | "class_definition" => continue,
            _ => {}
        }
        for child in node.named_children(&mut cursor) {
            stack.push(child);
        }
    }
    false
}
