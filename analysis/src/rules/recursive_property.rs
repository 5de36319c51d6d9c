//! `recursive-property`: a property that reads itself (`self.name` inside the getter of
//! `name`) or a setter that assigns itself (`self.name = value` inside the setter of
//! `name`). A property is a data descriptor, so the instance dictionary never answers
//! first: each access calls the same function again until Python raises RecursionError.
//!
//! ```python
//! class Profile:
//!     @property
//!     def display_name(self):
//!         if self.full_name:
//!             return self.full_name
//!         return self.display_name or self.login   # recursive-property, likely
//!
//!     @display_name.setter
//!     def display_name(self, value):
//!         self.display_name = value                # recursive-property, definite
//! ```
//!
//! Confidence: definite when the access runs on every call (a statement straight in the
//! body, after no statement that may return, raise or branch), likely when it sits on a
//! branch. `functools.cached_property` counts too: it stores its value only after the
//! getter returns.

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;
use smol_str::SmolStr;
use tree_sitter::Node;

use super::context::RuleContext;
use super::dotted::descendants;
use super::{Check, Finding};
use crate::config::Confidence;
use crate::index::range_of;

pub(crate) const CHECK: Check = Check {
    rules: &["recursive-property"],
    run,
};

/// Which accessor a decorated method is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Accessor {
    Getter,
    Setter,
}

fn run(context: &mut RuleContext<'_>) {
    let definitions: Vec<Node<'_>> = context
        .nodes()
        .iter()
        .copied()
        .filter(|node| kind_of(*node) == "decorated_definition")
        .filter(|node| {
            context
                .parent(*node)
                .and_then(|block| context.parent(block))
                .is_some_and(|owner| kind_of(owner) == "class_definition")
        })
        .collect();
    for definition in definitions {
        let Some(function) = child_by_field(definition, "definition")
            .filter(|function| kind_of(*function) == "function_definition")
        else {
            continue;
        };
        let Some(name) = child_by_field(function, "name").map(|name| context.node_text(name))
        else {
            continue;
        };
        let Some(accessor) = accessor_of(context, definition, name) else {
            continue;
        };
        let Some(receiver) = first_parameter(context, function) else {
            continue;
        };
        let Some(body) = child_by_field(function, "body") else {
            continue;
        };
        for (access, definite) in self_accesses(context, body, receiver, name, accessor) {
            report(context, access, name, accessor, definite);
        }
    }
}

/// `@property` / `@cached_property` make a getter, `@name.setter` a setter of `name`.
fn accessor_of(context: &RuleContext<'_>, definition: Node<'_>, name: &str) -> Option<Accessor> {
    let mut cursor = definition.walk();
    let decorators: Vec<Node<'_>> = definition
        .named_children(&mut cursor)
        .filter(|child| kind_of(*child) == "decorator")
        .collect();
    decorators.iter().find_map(|decorator| {
        let text = context.node_text(*decorator).trim_start_matches('@').trim();
        match text {
            "property" | "cached_property" | "functools.cached_property" => Some(Accessor::Getter),
            _ => match text.split_once('.') {
                Some((owner, "setter")) if owner == name => Some(Accessor::Setter),
                Some((owner, "getter")) if owner == name => Some(Accessor::Getter),
                _ => None,
            },
        }
    })
}

fn first_parameter<'t>(context: &RuleContext<'t>, function: Node<'_>) -> Option<&'t str> {
    let parameters = child_by_field(function, "parameters")?;
    let first = parameters.named_child(0)?;
    (kind_of(first) == "identifier").then(|| context.node_text(first))
}

/// The `receiver.name` reads (getter) or stores (setter) in `body` outside nested
/// functions, lambdas and classes, each with whether it runs on every call.
fn self_accesses(
    context: &RuleContext<'_>,
    body: Node<'_>,
    receiver: &str,
    name: &str,
    accessor: Accessor,
) -> Vec<(TextRange, bool)> {
    let mut found = Vec::new();
    for node in descendants(body) {
        if kind_of(node) != "attribute" {
            continue;
        }
        let object = child_by_field(node, "object");
        let attribute = child_by_field(node, "attribute");
        if object.map(|object| context.node_text(object)) != Some(receiver)
            || attribute.map(|attribute| context.node_text(attribute)) != Some(name)
        {
            continue;
        }
        if is_nested_scope(context, node, body) {
            continue;
        }
        let stored = is_store_target(context, node);
        let recurses = match accessor {
            Accessor::Getter => !stored,
            Accessor::Setter => stored,
        };
        if recurses {
            found.push((range_of(node), runs_on_every_call(context, node, body)));
        }
    }
    found
}

/// Whether `node` sits in a function, lambda or class nested in `body`.
fn is_nested_scope(context: &RuleContext<'_>, node: Node<'_>, body: Node<'_>) -> bool {
    let mut current = context.parent(node);
    while let Some(parent) = current {
        if parent.id() == body.id() {
            return false;
        }
        if matches!(
            kind_of(parent),
            "function_definition" | "lambda" | "class_definition"
        ) {
            return true;
        }
        current = context.parent(parent);
    }
    false
}

/// `self.name = …` (also `self.name += …`, which reads first and so recurses either way in
/// a getter, and is a store in a setter).
fn is_store_target(context: &RuleContext<'_>, node: Node<'_>) -> bool {
    context.parent(node).is_some_and(|parent| {
        matches!(kind_of(parent), "assignment" | "augmented_assignment")
            && child_by_field(parent, "left").is_some_and(|left| left.id() == node.id())
    })
}

/// The access runs on every call: its statement is straight in the body, not in a
/// conditional part of an expression, and no earlier statement may leave or branch.
fn runs_on_every_call(context: &RuleContext<'_>, node: Node<'_>, body: Node<'_>) -> bool {
    let mut current = node;
    while let Some(parent) = context.parent(current) {
        if parent.id() == body.id() {
            break;
        }
        match kind_of(parent) {
            // The right side of `and` / `or` runs only sometimes.
            "boolean_operator"
                if child_by_field(parent, "right")
                    .is_some_and(|right| right.id() == current.id()) =>
            {
                return false;
            }
            "conditional_expression" => return false,
            "if_statement" | "elif_clause" | "else_clause" | "try_statement" | "except_clause"
            | "for_statement" | "while_statement" | "with_statement" | "match_statement"
            | "block" => return false,
            _ => {}
        }
        current = parent;
    }
    let mut earlier = current.prev_named_sibling();
    while let Some(statement) = earlier {
        if matches!(
            kind_of(statement),
            "return_statement"
                | "raise_statement"
                | "if_statement"
                | "try_statement"
                | "for_statement"
                | "while_statement"
                | "with_statement"
                | "match_statement"
        ) {
            return false;
        }
        earlier = statement.prev_named_sibling();
    }
    true
}

fn report(
    context: &mut RuleContext<'_>,
    range: TextRange,
    name: &str,
    accessor: Accessor,
    definite: bool,
) {
    if context.is_caught(range, "RecursionError") {
        return;
    }
    let message = match accessor {
        Accessor::Getter => format!(
            "The property `{name}` reads itself here, so each read calls the getter again until RecursionError"
        ),
        Accessor::Setter => format!(
            "The setter of `{name}` assigns `{name}` again here, so it calls itself until RecursionError"
        ),
    };
    let (confidence, score) = if definite {
        (Confidence::Definite, 95)
    } else {
        (Confidence::Likely, 75)
    };
    context.report(Finding {
        rule: SmolStr::new_static("recursive-property"),
        range,
        message,
        confidence,
        score,
        related: Vec::new(),
        fix_parameters: Vec::new(),
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
    fn properties_that_read_or_assign_themselves() {
        check(
            r#"
class Temperature:
    def __init__(self, celsius):
        self._celsius = celsius
        self.unit = "C"

    @property
    def celsius(self):
        return self._celsius

    @celsius.setter
    def celsius(self, value):
        # expect: recursive-property confidence=definite
        self.celsius = float(value)

    @property
    def label(self):
        if self.unit == "K":
            return f"{self._celsius + 273.15} K"
        # expect: recursive-property confidence=likely
        return self.label.upper()

    @property
    def fahrenheit(self):
        # expect: recursive-property confidence=definite
        return self.fahrenheit * 9 / 5 + 32

    @property
    def kelvin(self):
        # Other properties are fine, and so is a nested function's read.
        def later():
            return self.kelvin

        return self.celsius + 273.15, later

    def describe(self):
        return self.describe
"#,
        );
    }
}
