//! `unsupported-syntax`: syntax newer than the configured `python_version`, which the
//! older interpreter refuses (SyntaxError), plus `X | Y` annotations evaluated at
//! definition time before 3.10 (TypeError). Silent without a configured version.
//!
//! ```python
//! # python_version = "3.9"
//! match command:            # match statements need 3.10
//!     case "quit": ...
//! type Point = tuple[float, float]   # 3.12
//! def first[T](xs: list[T]) -> T: ...  # 3.12
//! ```

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;
use tree_sitter::Node;

use super::Check;
use super::context::RuleContext;
use super::dotted::descendants;
use super::pitfalls::{range_of, report_syntactic};
use crate::config::Confidence;

pub(crate) const VERSION_CHECK: Check = Check {
    rules: &["unsupported-syntax"],
    run,
};

/// One use of newer syntax: where, what, and the first version that accepts it.
struct Feature {
    range: TextRange,
    what: &'static str,
    since: (u8, u8),
}

fn run(context: &mut RuleContext<'_>) {
    let Some(target) = context.db.settings().config(context.db).python_version else {
        return;
    };
    let root = context.root();
    let postponed_annotations = has_future_annotations(context, root);
    let is_stub = context
        .file
        .path(context.db)
        .extension()
        .is_some_and(|extension| extension == "pyi");
    let mut features = Vec::new();
    for &node in context.nodes().iter() {
        feature_at(
            context,
            node,
            postponed_annotations || is_stub,
            &mut features,
        );
    }
    for feature in features {
        if feature.since <= target {
            continue;
        }
        let (major, minor) = feature.since;
        let (target_major, target_minor) = target;
        let error = if feature.what.starts_with("`X | Y`") {
            "TypeError"
        } else {
            "SyntaxError"
        };
        report_syntactic(
            context,
            "unsupported-syntax",
            feature.range,
            Confidence::Definite,
            format!(
                "{} need Python {major}.{minor}, but the project targets Python {target_major}.{target_minor} ({error} there)",
                feature.what
            ),
            vec![
                ("feature", feature.what.to_owned()),
                ("since", format!("{major}.{minor}")),
                ("target", format!("{target_major}.{target_minor}")),
            ],
        );
    }
}

fn first_child_range(node: Node<'_>) -> TextRange {
    range_of(node.child(0).unwrap_or(node))
}

fn feature_at(
    context: &RuleContext<'_>,
    node: Node<'_>,
    annotations_postponed: bool,
    features: &mut Vec<Feature>,
) {
    let mut push = |range: TextRange, what: &'static str, since: (u8, u8)| {
        features.push(Feature { range, what, since });
    };
    match kind_of(node) {
        "match_statement" => push(first_child_range(node), "`match` statements", (3, 10)),
        "type_alias_statement" => push(first_child_range(node), "`type` aliases", (3, 12)),
        "function_definition" | "class_definition" => {
            if let Some(parameters) = child_by_field(node, "type_parameters") {
                push(range_of(parameters), "Type parameter lists", (3, 12));
            }
            if kind_of(node) == "function_definition" && !annotations_postponed {
                if let Some(parameters) = child_by_field(node, "parameters") {
                    for part in descendants(parameters) {
                        if kind_of(part) == "type" {
                            union_annotation(context, part, &mut push);
                        }
                    }
                }
                if let Some(returns) = child_by_field(node, "return_type") {
                    union_annotation(context, returns, &mut push);
                }
            }
        }
        "assignment" => {
            // Module and class annotations are evaluated; function-local ones are not.
            if let Some(annotation) = child_by_field(node, "type")
                && !annotations_postponed
                && !is_in_function(context, node)
            {
                union_annotation(context, annotation, &mut push);
            }
        }
        "except_clause" => {
            let mut cursor = node.walk();
            if let Some(star) = node
                .children(&mut cursor)
                .find(|child| kind_of(*child) == "*")
            {
                let range = TextRange::new(
                    (node.start_byte() as u32).into(),
                    (star.end_byte() as u32).into(),
                );
                push(range, "`except*` clauses", (3, 11));
            }
        }
        "with_clause" => {
            let opens_parenthesis = node.child(0).is_some_and(|first| kind_of(first) == "(");
            let binds = descendants(node).any(|part| kind_of(part) == "as_pattern");
            if opens_parenthesis && binds {
                push(range_of(node), "Parenthesised context managers", (3, 9));
            }
        }
        "named_expression" => {
            let mut cursor = node.walk();
            let operator = node
                .children(&mut cursor)
                .find(|child| kind_of(*child) == ":=")
                .unwrap_or(node);
            push(range_of(operator), "Assignment expressions (`:=`)", (3, 8));
        }
        "positional_separator" => push(range_of(node), "Positional-only parameters (`/`)", (3, 8)),
        "string" => fstring_features(context, node, &mut push),
        _ => {}
    }
}

fn is_in_function<'t>(context: &RuleContext<'t>, node: Node<'t>) -> bool {
    for parent in context.ancestors(node) {
        match kind_of(parent) {
            "function_definition" | "lambda" => return true,
            "class_definition" | "module" => return false,
            _ => {}
        }
    }
    false
}

/// `from __future__ import annotations` turns annotations into strings.
fn has_future_annotations(context: &RuleContext<'_>, root: Node<'_>) -> bool {
    let mut cursor = root.walk();
    root.named_children(&mut cursor).any(|statement| {
        kind_of(statement) == "future_import_statement"
            && context.node_text(statement).contains("annotations")
    })
}

/// `int | None` in an evaluated annotation.
fn union_annotation(
    context: &RuleContext<'_>,
    annotation: Node<'_>,
    push: &mut impl FnMut(TextRange, &'static str, (u8, u8)),
) {
    for part in descendants(annotation) {
        // Parameter annotations parse as `union_type`, variable annotations as `|`.
        let is_union = match kind_of(part) {
            "union_type" => true,
            "binary_operator" => child_by_field(part, "operator")
                .is_some_and(|operator| context.node_text(operator) == "|"),
            _ => false,
        };
        let has_string_side = ["left", "right"].iter().any(|side| {
            child_by_field(part, side)
                .is_some_and(|operand| matches!(kind_of(operand), "string" | "concatenated_string"))
        });
        if is_union && !has_string_side {
            push(
                range_of(part),
                "`X | Y` unions in evaluated annotations",
                (3, 10),
            );
            // One finding per annotation is enough.
            return;
        }
    }
}

/// PEP 701 f-strings: the outer quote reused inside a replacement field, or a backslash
/// in a replacement field's expression.
fn fstring_features(
    context: &RuleContext<'_>,
    string: Node<'_>,
    push: &mut impl FnMut(TextRange, &'static str, (u8, u8)),
) {
    let Some(start) = string
        .child(0)
        .filter(|start| kind_of(*start) == "string_start")
    else {
        return;
    };
    let start_text = context.node_text(start);
    if !start_text.to_ascii_lowercase().contains('f') {
        return;
    }
    let quote = start_text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    let mut cursor = string.walk();
    for interpolation in string.named_children(&mut cursor) {
        if kind_of(interpolation) != "interpolation" {
            continue;
        }
        let Some(expression) = child_by_field(interpolation, "expression") else {
            continue;
        };
        if context.node_text(expression).contains('\\') {
            push(
                range_of(interpolation),
                "Backslashes inside f-string replacement fields",
                (3, 12),
            );
            continue;
        }
        let reuses_quote = descendants(expression).any(|inner| {
            kind_of(inner) == "string_start"
                && context
                    .node_text(inner)
                    .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                    .starts_with(quote)
                && quote.len() <= 3
                && (quote.len() == 1
                    || context
                        .node_text(inner)
                        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                        == quote)
        });
        if reuses_quote {
            push(
                range_of(interpolation),
                "F-strings reusing their quote inside a replacement field",
                (3, 12),
            );
        }
    }
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
    fn newer_syntax_than_the_target() {
        check(
            r#"
#- /remedy.toml
python_version = "3.9"
#- /app.py
def describe(command, items):
    # expect: unsupported-syntax confidence=definite
    match command:
        case "quit":
            return "bye"
        case _:
            pass
    # expect-not: unsupported-syntax
    if (count := len(items)) > 3:
        return count
    # expect: unsupported-syntax confidence=definite
    label = f"{", ".join(items)}"
    other = f"{', '.join(items)}"
    return label + other

# expect: unsupported-syntax confidence=definite
def first(items: list[int] | None) -> int:
    return items[0] if items else 0

with (open("a") as source, open("b") as target):
    target.write(source.read())
"#,
        );
    }

    #[test]
    fn walrus_and_positional_only_before_3_8() {
        check(
            r#"
#- /remedy.toml
python_version = "3.7"
#- /app.py
# expect: unsupported-syntax confidence=definite
def clamp(value, /, low=0, high=10):
    return max(low, min(value, high))

def first_long(words):
    for word in words:
        # expect: unsupported-syntax confidence=definite
        if (size := len(word)) > 5:
            return word, size
    return None

try:
    clamp(3)
# expect: unsupported-syntax confidence=definite
except* ValueError:
    pass
"#,
        );
    }

    #[test]
    fn silent_without_a_version() {
        check(
            r#"
type Point = tuple[float, float]

def first[T](items: list[T]) -> T:
    return items[0]
"#,
        );
    }

    #[test]
    fn postponed_annotations_are_not_evaluated() {
        check(
            r#"
#- /remedy.toml
python_version = "3.8"
#- /app.py
from __future__ import annotations

def first(items: list[int] | None) -> int | None:
    return items[0] if items else None

# expect: unsupported-syntax confidence=definite
type Point = tuple[float, float]
"#,
        );
    }
}
