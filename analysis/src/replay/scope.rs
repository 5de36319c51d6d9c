//! Which names a function binds: Python decides at compile time that a name assigned
//! anywhere in a function body is local to the whole body (reading it first raises
//! `UnboundLocalError`), unless declared `global` or `nonlocal`.
//!
//! ```python
//! count = 0
//! def bump():
//!     count += 1      # UnboundLocalError: `count` is local to `bump`
//! ```

use crate::index::{child_by_field, kind_of};
use std::rc::Rc;

use tree_sitter::Node;

use super::interp::ScopeInfo;

/// The scope of a `function_definition` or `lambda` node.
pub(crate) fn scope_info(text: &str, function: Node<'_>) -> ScopeInfo {
    let mut info = ScopeInfo::default();
    let name_of =
        |node: Node<'_>| -> Rc<str> { Rc::from(text.get(node.byte_range()).unwrap_or("")) };
    if let Some(parameters) = child_by_field(function, "parameters") {
        let mut cursor = parameters.walk();
        for parameter in parameters.named_children(&mut cursor) {
            if let Some(name) = parameter_name(parameter) {
                info.locals.insert(name_of(name));
            }
        }
    }
    if let Some(body) = child_by_field(function, "body") {
        collect(text, body, &mut info, false);
    }
    for name in info.globals.iter().chain(info.nonlocals.iter()) {
        info.locals.remove(name);
    }
    info
}

/// The identifier a parameter binds.
pub(crate) fn parameter_name(parameter: Node<'_>) -> Option<Node<'_>> {
    match kind_of(parameter) {
        "identifier" => Some(parameter),
        "default_parameter" | "typed_default_parameter" => child_by_field(parameter, "name"),
        "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
            let first = parameter.named_child(0)?;
            if kind_of(first) == "identifier" {
                Some(first)
            } else {
                parameter_name(first)
            }
        }
        _ => None,
    }
}

fn collect(text: &str, node: Node<'_>, info: &mut ScopeInfo, in_comprehension: bool) {
    let name_of =
        |node: Node<'_>| -> Rc<str> { Rc::from(text.get(node.byte_range()).unwrap_or("")) };
    match kind_of(node) {
        "function_definition" | "class_definition" => {
            if let Some(name) = child_by_field(node, "name") {
                info.locals.insert(name_of(name));
            }
            // Decorators, defaults and bases run in this scope; the body does not.
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                match kind_of(child) {
                    "block" | "identifier" => {}
                    _ => collect(text, child, info, in_comprehension),
                }
            }
            return;
        }
        "lambda" => return,
        "list_comprehension"
        | "set_comprehension"
        | "dictionary_comprehension"
        | "generator_expression" => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                collect(text, child, info, true);
            }
            return;
        }
        "for_in_clause" if in_comprehension => {
            if let Some(right) = child_by_field(node, "right") {
                collect(text, right, info, true);
            }
            return;
        }
        "global_statement" | "nonlocal_statement" => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                if kind_of(child) == "identifier" {
                    if kind_of(node) == "global_statement" {
                        info.globals.insert(name_of(child));
                    } else {
                        info.nonlocals.insert(name_of(child));
                    }
                }
            }
            return;
        }
        "yield" => info.is_generator = true,
        "assignment" | "augmented_assignment" => {
            if let Some(left) = child_by_field(node, "left") {
                targets(text, left, info);
            }
        }
        "named_expression" => {
            if let Some(name) = child_by_field(node, "name") {
                info.locals.insert(name_of(name));
            }
        }
        "for_statement" => {
            if let Some(left) = child_by_field(node, "left") {
                targets(text, left, info);
            }
        }
        "with_item" => {
            if let Some(value) = child_by_field(node, "value")
                && kind_of(value) == "as_pattern"
                && let Some(alias) = child_by_field(value, "alias")
            {
                targets(text, alias, info);
            }
        }
        "except_clause" => {
            if let Some(alias) = child_by_field(node, "alias") {
                targets(text, alias, info);
            }
            if let Some(value) =
                child_by_field(node, "value").filter(|value| kind_of(*value) == "as_pattern")
                && let Some(alias) = child_by_field(value, "alias")
            {
                targets(text, alias, info);
            }
        }
        "import_statement" | "import_from_statement" => {
            let mut cursor = node.walk();
            for child in node.children_by_field_name("name", &mut cursor) {
                match kind_of(child) {
                    "aliased_import" => {
                        if let Some(alias) = child_by_field(child, "alias") {
                            info.locals.insert(name_of(alias));
                        }
                    }
                    "dotted_name" => {
                        let first = if kind_of(node) == "import_statement" {
                            child.named_child(0)
                        } else {
                            child.named_child(child.named_child_count().saturating_sub(1))
                        };
                        if let Some(first) = first {
                            info.locals.insert(name_of(first));
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
        "delete_statement" => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                targets(text, child, info);
            }
        }
        _ => {}
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        collect(text, child, info, in_comprehension);
    }
}

/// The names bound by an assignment target.
fn targets(text: &str, node: Node<'_>, info: &mut ScopeInfo) {
    match kind_of(node) {
        "identifier" => {
            info.locals
                .insert(Rc::from(text.get(node.byte_range()).unwrap_or("")));
        }
        "pattern_list"
        | "tuple_pattern"
        | "list_pattern"
        | "tuple"
        | "list"
        | "expression_list"
        | "list_splat_pattern"
        | "parenthesized_expression"
        | "as_pattern_target" => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                targets(text, child, info);
            }
        }
        _ => {}
    }
}
