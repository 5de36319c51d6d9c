//! Guards on attribute paths (`self.parent`, `item.help`): the interpreter narrows names,
//! not attribute chains, so the None rules ask here whether the code around a read of
//! `a.b.c` rules out None for that path.
//!
//! ```python
//! if self.parent is not None:
//!     self.parent.command_path          # guarded by the enclosing `if`
//! self.cmd = self.ctx.command if self.ctx else None     # guarded by the condition
//! if self.param is None:
//!     return
//! self.param.name                       # guarded by the early return
//! ```
//!
//! Recognised: enclosing `if`/`elif`/`else`/`while` bodies, the right operand of
//! `and`/`or`, both sides of a conditional expression, and earlier statements of the same
//! block that leave when the path is None (`return`, `raise`, `continue`, `break`) or
//! `assert` it. Conditions: the path itself (truthy), `is not None`, `!= None`,
//! `isinstance(path, …)`, `not`, `and`, `or`, parentheses, and any condition that starts
//! by reading an attribute of the path (`while node.parent is not None:` — it would have
//! raised already).

use crate::index::{child_by_field, kind_of};
use tree_sitter::Node;

use super::context::RuleContext;

/// Whether the code around `node` ensures that the attribute path `path` (source text,
/// such as `self.parent`) is not None where `node` runs.
pub(super) fn is_path_guarded(context: &RuleContext<'_>, node: Node<'_>, path: &str) -> bool {
    let mut child = node;
    for parent in context.ancestors(node) {
        let is_field = |field: &str| {
            child_by_field(parent, field).is_some_and(|found| found.id() == child.id())
        };
        let condition = child_by_field(parent, "condition");
        let guarded = match kind_of(parent) {
            "function_definition" | "lambda" | "class_definition" | "module" => return false,
            "if_statement" | "elif_clause" | "while_statement"
                if is_field("consequence") || is_field("body") =>
            {
                condition.is_some_and(|condition| ensures(context, condition, path, true))
            }
            "if_statement"
                if kind_of(child) == "else_clause" || kind_of(child) == "elif_clause" =>
            {
                condition.is_some_and(|condition| ensures(context, condition, path, false))
            }
            "boolean_operator" if is_field("right") => {
                let is_and = child_by_field(parent, "operator")
                    .is_some_and(|operator| context.node_text(operator) == "and");
                child_by_field(parent, "left")
                    .is_some_and(|left| ensures(context, left, path, is_and))
            }
            "conditional_expression" => conditional_guard(context, parent, child, path),
            "block" => earlier_exit_guard(context, parent, child, path),
            _ => false,
        };
        if guarded {
            return true;
        }
        child = parent;
    }
    false
}

/// `a if cond else b`: `a` runs when `cond` holds, `b` when it does not.
fn conditional_guard(
    context: &RuleContext<'_>,
    parent: Node<'_>,
    child: Node<'_>,
    path: &str,
) -> bool {
    let mut cursor = parent.walk();
    let parts: Vec<Node<'_>> = parent.named_children(&mut cursor).collect();
    let [when_true, condition, when_false, ..] = parts[..] else {
        return false;
    };
    if child.id() == when_true.id() {
        ensures(context, condition, path, true)
    } else if child.id() == when_false.id() {
        ensures(context, condition, path, false)
    } else {
        false
    }
}

/// An earlier statement of the block leaves when `path` is None, or asserts it is not.
fn earlier_exit_guard(
    context: &RuleContext<'_>,
    block: Node<'_>,
    child: Node<'_>,
    path: &str,
) -> bool {
    let mut cursor = block.walk();
    for statement in block.named_children(&mut cursor) {
        if statement.id() == child.id() || statement.start_byte() >= child.start_byte() {
            return false;
        }
        match kind_of(statement) {
            "assert_statement"
                if statement
                    .named_child(0)
                    .is_some_and(|condition| ensures(context, condition, path, true)) =>
            {
                return true;
            }
            "if_statement" => {
                let has_else = child_by_field(statement, "alternative").is_some();
                let leaves = child_by_field(statement, "consequence")
                    .is_some_and(|body| always_leaves(body));
                if !has_else
                    && leaves
                    && child_by_field(statement, "condition")
                        .is_some_and(|condition| ensures(context, condition, path, false))
                {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// The block's last statement leaves it (`return`, `raise`, `continue`, `break`).
fn always_leaves(body: Node<'_>) -> bool {
    let mut cursor = body.walk();
    let last = body
        .named_children(&mut cursor)
        .filter(|statement| kind_of(*statement) != "comment")
        .last();
    last.is_some_and(|statement| {
        matches!(
            kind_of(statement),
            "return_statement" | "raise_statement" | "continue_statement" | "break_statement"
        )
    })
}

/// Whether `condition` evaluating to `truthy` implies that `path` is not None.
fn ensures(context: &RuleContext<'_>, condition: Node<'_>, path: &str, truthy: bool) -> bool {
    let text = |node: Node<'_>| context.node_text(node);
    // `path.attr …` evaluated first: had `path` been None, the condition would have
    // raised before any body ran.
    if reads_attribute_of(context, condition, path) {
        return true;
    }
    match kind_of(condition) {
        "parenthesized_expression" => condition
            .named_child(0)
            .is_some_and(|inner| ensures(context, inner, path, truthy)),
        "identifier" | "attribute" => truthy && text(condition) == path,
        "not_operator" => child_by_field(condition, "argument")
            .is_some_and(|argument| ensures(context, argument, path, !truthy)),
        "boolean_operator" => {
            let is_and = child_by_field(condition, "operator")
                .is_some_and(|operator| text(operator) == "and");
            let sides = [
                child_by_field(condition, "left"),
                child_by_field(condition, "right"),
            ];
            let side_ensures = |side: Option<Node<'_>>| {
                side.is_some_and(|side| ensures(context, side, path, truthy))
            };
            match (is_and, truthy) {
                // `a and b` true: both hold; `a or b` false: both are false.
                (true, true) | (false, false) => sides.into_iter().any(side_ensures),
                // `a and b` false / `a or b` true: either side may be the reason.
                _ => sides.into_iter().all(side_ensures),
            }
        }
        "comparison_operator" => {
            let mut cursor = condition.walk();
            let operands: Vec<Node<'_>> = condition.named_children(&mut cursor).collect();
            let operators: Vec<&str> = {
                let mut cursor = condition.walk();
                condition
                    .children(&mut cursor)
                    .filter(|child| !child.is_named())
                    .map(text)
                    .collect()
            };
            let [left, right] = operands[..] else {
                return false;
            };
            let operator = operators.join(" ");
            let names_path = (text(left) == path && kind_of(right) == "none")
                || (text(right) == path && kind_of(left) == "none");
            if !names_path {
                // `path.attr == x` and friends also need `path` to be an object, but
                // they raise on None rather than guard: no conclusion.
                return false;
            }
            match operator.as_str() {
                "is not" | "!=" => truthy,
                "is" | "==" => !truthy,
                _ => false,
            }
        }
        // The path itself when it is a repeatable call (`if R.search(v):`).
        "call" if text(condition) == path => truthy,
        "call" => {
            truthy
                && child_by_field(condition, "function")
                    .is_some_and(|function| text(function) == "isinstance")
                && child_by_field(condition, "arguments")
                    .and_then(|arguments| arguments.named_child(0))
                    .is_some_and(|first| text(first) == path)
        }
        _ => false,
    }
}

/// Whether evaluating `expression` first reads an attribute of `path` (its leftmost
/// operand is `path.attr`, possibly called or compared).
fn reads_attribute_of(context: &RuleContext<'_>, expression: Node<'_>, path: &str) -> bool {
    let mut current = expression;
    for _ in 0..16 {
        match kind_of(current) {
            "attribute" => {
                return child_by_field(current, "object")
                    .is_some_and(|object| context.node_text(object) == path);
            }
            "comparison_operator"
            | "call"
            | "subscript"
            | "parenthesized_expression"
            | "not_operator" => {
                let Some(first) = current.named_child(0) else {
                    return false;
                };
                current = first;
            }
            _ => return false,
        }
    }
    false
}
