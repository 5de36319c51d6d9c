//! Python's classic traps, read from the syntax tree: `mutable-default` (a default list
//! or dict that the function mutates or hands out), `late-binding-closure` (a closure made
//! in a loop that outlives the iteration), `bare-except`, `swallowed-exception`,
//! `raise-without-from` (the last three opt-in) and `is-literal`.
//!
//! ```python
//! def add(item, bucket=[]):
//!     bucket.append(item)          # mutable-default: one list shared by every call
//! handlers = []
//! for name in names:
//!     handlers.append(lambda: name)  # late-binding-closure: every handler sees the last name
//! if code is 200: ...              # is-literal: identity, not equality
//! ```
//!
//! These are syntactic: the finding holds whatever the values, so confidence is definite
//! where the pattern always misbehaves and likely where it usually does.

use crate::index::{child_by_field, kind_of};
use line_index::TextRange;
use smol_str::SmolStr;
use tree_sitter::Node;

use super::context::RuleContext;
use super::dotted::{descendants, dotted_path};
use super::{Check, Finding};
use crate::config::Confidence;
pub(super) use crate::index::range_of;

pub(crate) const PITFALLS_CHECK: Check = Check {
    rules: &[
        "mutable-default",
        "late-binding-closure",
        "bare-except",
        "swallowed-exception",
        "raise-without-from",
        "is-literal",
    ],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    for &node in context.nodes().iter() {
        match kind_of(node) {
            "function_definition" => mutable_default(context, node),
            "for_statement" => late_binding_in_loop(context, node),
            "list_comprehension" | "set_comprehension" | "dictionary_comprehension" => {
                late_binding_in_comprehension(context, node)
            }
            "except_clause" => {
                bare_except(context, node);
                swallowed_exception(context, node);
                raise_without_from(context, node);
            }
            "comparison_operator" => is_literal(context, node),
            _ => {}
        }
    }
}

/// Records a syntactic finding (no provenance to weigh: the score follows the confidence).
pub(super) fn report_syntactic(
    context: &mut RuleContext<'_>,
    rule: &'static str,
    range: TextRange,
    confidence: Confidence,
    message: String,
    fix_parameters: Vec<(&'static str, String)>,
) {
    let score = match confidence {
        Confidence::Definite => 95,
        Confidence::Likely => 70,
        Confidence::Possible => 40,
    };
    context.report(Finding {
        rule: SmolStr::new_static(rule),
        range,
        message,
        confidence,
        score,
        related: Vec::new(),
        fix_parameters: fix_parameters
            .into_iter()
            .map(|(name, value)| (SmolStr::new_static(name), value))
            .collect(),
    });
}

/// Whether `node` opens a scope of its own (its insides are another function's business).
fn is_scope(node: Node<'_>) -> bool {
    matches!(
        kind_of(node),
        "function_definition" | "lambda" | "class_definition"
    )
}

/// The nodes of `root`'s subtree that run in the same scope: nested `def`, `lambda` and
/// `class` nodes are included, their insides are not. Source order, root first.
pub(super) fn same_scope_nodes<'t>(context: &RuleContext<'t>, root: Node<'t>) -> Vec<Node<'t>> {
    let Some(subtree) = context.subtree(root) else {
        return same_scope_nodes_by_cursor(root);
    };
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(&node) = subtree.get(index) {
        out.push(node);
        index += 1;
        if index > 1 && is_scope(node) {
            // Skip the nested scope's insides: its subtree is contiguous in preorder.
            index += context
                .subtree(node)
                .map_or(1, |nested| nested.len())
                .saturating_sub(1);
        }
    }
    out
}

/// [`same_scope_nodes`] for a node the navigator does not know, by walking the tree.
fn same_scope_nodes_by_cursor(root: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    // One cursor for the whole walk: a fresh one per node allocates.
    let mut cursor = root.walk();
    while let Some(node) = stack.pop() {
        out.push(node);
        if node.id() != root.id() && is_scope(node) {
            continue;
        }
        cursor.reset(node);
        if cursor.goto_first_child() {
            let first = stack.len();
            loop {
                stack.push(cursor.node());
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            stack[first..].reverse();
        }
    }
    out
}

/// Whether an identifier node is read as a variable (not an attribute name, a keyword
/// argument's name or a parameter name).
pub(super) fn is_variable_read<'t>(context: &RuleContext<'t>, node: Node<'t>) -> bool {
    let Some(parent) = context.parent(node) else {
        return true;
    };
    let is_field =
        |field: &str| child_by_field(parent, field).is_some_and(|child| child.id() == node.id());
    match kind_of(parent) {
        "attribute" => !is_field("attribute"),
        "keyword_argument" | "default_parameter" | "typed_default_parameter" => !is_field("name"),
        "parameters"
        | "lambda_parameters"
        | "typed_parameter"
        | "list_splat_pattern"
        | "dictionary_splat_pattern" => false,
        "function_definition" | "class_definition" => !is_field("name"),
        _ => true,
    }
}

// ---------------------------------------------------------------------------------------
// mutable-default

/// Methods that change a list, dict, set or bytearray in place.
const MUTATING_METHODS: &[&str] = &[
    "append",
    "extend",
    "insert",
    "update",
    "add",
    "setdefault",
    "pop",
    "popitem",
    "remove",
    "discard",
    "clear",
    "sort",
    "reverse",
    "appendleft",
    "extendleft",
];

/// Whether a default value builds a fresh mutable container.
fn is_mutable_default(context: &RuleContext<'_>, value: Node<'_>) -> bool {
    match kind_of(value) {
        "list"
        | "dictionary"
        | "set"
        | "list_comprehension"
        | "dictionary_comprehension"
        | "set_comprehension" => true,
        "call" => child_by_field(value, "function")
            .and_then(|function| dotted_path(context, function))
            .is_some_and(|path| {
                matches!(
                    path.as_str(),
                    "list"
                        | "dict"
                        | "set"
                        | "bytearray"
                        | "collections.defaultdict"
                        | "collections.OrderedDict"
                        | "collections.Counter"
                        | "collections.deque"
                )
            }),
        _ => false,
    }
}

/// How a function body shares its default with the world.
enum Sharing {
    /// `x.append(…)`, `x[k] = v`, `x += …`, `del x[k]`: the one default object changes.
    Mutated(String),
    /// `return x` or `self.attr = x`: callers get the one default object.
    Escapes(String),
}

fn mutable_default(context: &mut RuleContext<'_>, function: Node<'_>) {
    let (Some(parameters), Some(body)) = (
        child_by_field(function, "parameters"),
        child_by_field(function, "body"),
    ) else {
        return;
    };
    let function_name = child_by_field(function, "name")
        .map(|name| context.node_text(name))
        .unwrap_or("the function");
    let mut cursor = parameters.walk();
    let defaults: Vec<(Node<'_>, Node<'_>)> = parameters
        .named_children(&mut cursor)
        .filter(|parameter| {
            matches!(
                kind_of(*parameter),
                "default_parameter" | "typed_default_parameter"
            )
        })
        .filter_map(|parameter| {
            let name = child_by_field(parameter, "name")?;
            let value = child_by_field(parameter, "value")?;
            (kind_of(name) == "identifier").then_some((name, value))
        })
        .collect();
    if defaults.is_empty() {
        return;
    }
    let body_nodes = same_scope_nodes(context, body);
    for (name_node, value) in defaults {
        let name = context.node_text(name_node);
        // `_cache={}` and `memo={}` are the deliberate memoisation idiom.
        let lowered = name.to_ascii_lowercase();
        if name.starts_with('_') || lowered.contains("cache") || lowered.contains("memo") {
            continue;
        }
        if !is_mutable_default(context, value) {
            continue;
        }
        let Some(sharing) = sharing_of(context, &body_nodes, name) else {
            continue;
        };
        let default = context.node_text(value).to_owned();
        // A function defined inside another one gets a fresh default each time the outer
        // one runs: the shared object lives for one outer call, which is how
        // `def reader(lnum=[lnum]): lnum[0] += 1` keeps a counter on purpose.
        let nested = context
            .ancestors(function)
            .any(|node| matches!(kind_of(node), "function_definition" | "lambda"));
        let (confidence, message) = match &sharing {
            Sharing::Mutated(how) if nested => (
                Confidence::Possible,
                format!(
                    "Default `{default}` of `{name}` is created each time the enclosing function defines `{function_name}`, and `{how}` changes it for every later call until then"
                ),
            ),
            Sharing::Mutated(how) => (
                Confidence::Definite,
                format!(
                    "Default `{default}` of `{name}` is created once when `{function_name}` is defined, and `{how}` changes it for every later call"
                ),
            ),
            Sharing::Escapes(how) => (
                escape_confidence(context, function, how),
                format!(
                    "Default `{default}` of `{name}` is created once when `{function_name}` is defined, and `{how}` hands that one object to every caller"
                ),
            ),
        };
        report_syntactic(
            context,
            "mutable-default",
            range_of(value),
            confidence,
            message,
            vec![
                ("parameter", name.to_owned()),
                ("default", default),
                ("function", function_name.to_owned()),
            ],
        );
    }
}

/// How sure an escaping default is shared harmfully: `self.items = items` is likely when
/// the class mutates `self.items` somewhere, possible otherwise (and for `return items`:
/// the callers are out of sight).
fn escape_confidence(context: &RuleContext<'_>, function: Node<'_>, how: &str) -> Confidence {
    let Some(attribute) = how
        .split_once('=')
        .map(|(target, _)| target.trim())
        .filter(|target| target.contains('.'))
    else {
        return Confidence::Possible;
    };
    let class = context
        .ancestors(function)
        .find(|node| kind_of(*node) == "class_definition");
    let Some(class) = class else {
        return Confidence::Possible;
    };
    let is_attribute =
        |node: Option<Node<'_>>| node.is_some_and(|node| context.node_text(node) == attribute);
    let mutated = descendants(class).any(|node| match kind_of(node) {
        "call" => child_by_field(node, "function")
            .filter(|function| kind_of(*function) == "attribute")
            .is_some_and(|function| {
                is_attribute(child_by_field(function, "object"))
                    && child_by_field(function, "attribute")
                        .is_some_and(|method| MUTATING_METHODS.contains(&context.node_text(method)))
            }),
        "assignment" | "augmented_assignment" => child_by_field(node, "left").is_some_and(|left| {
            (kind_of(node) == "augmented_assignment" && is_attribute(Some(left)))
                || (kind_of(left) == "subscript" && is_attribute(child_by_field(left, "value")))
        }),
        _ => false,
    });
    if mutated {
        Confidence::Likely
    } else {
        Confidence::Possible
    }
}

/// How the body shares parameter `name`, if it does and never rebinds it.
fn sharing_of(context: &RuleContext<'_>, body_nodes: &[Node<'_>], name: &str) -> Option<Sharing> {
    let is_name = |node: Option<Node<'_>>| {
        node.is_some_and(|node| kind_of(node) == "identifier" && context.node_text(node) == name)
    };
    let mut found: Option<Sharing> = None;
    for &node in body_nodes {
        match kind_of(node) {
            "assignment" => {
                let left = child_by_field(node, "left");
                let right = child_by_field(node, "right");
                // `x = x or []`, `x = list(x)`: the default is replaced, stay quiet.
                if is_name(left) {
                    return None;
                }
                if let Some(left) = left {
                    if kind_of(left) == "subscript" && is_name(child_by_field(left, "value")) {
                        found = Some(Sharing::Mutated(context.node_text(node).to_owned()));
                    }
                    if kind_of(left) == "attribute" && is_name(right) && found.is_none() {
                        found = Some(Sharing::Escapes(context.node_text(node).to_owned()));
                    }
                }
            }
            "augmented_assignment" => {
                let left = child_by_field(node, "left");
                if is_name(left)
                    || left.is_some_and(|left| {
                        kind_of(left) == "subscript" && is_name(child_by_field(left, "value"))
                    })
                {
                    found = Some(Sharing::Mutated(context.node_text(node).to_owned()));
                }
            }
            "for_statement" | "named_expression" | "as_pattern" => {
                let target = child_by_field(node, "left")
                    .or_else(|| child_by_field(node, "name"))
                    .or_else(|| child_by_field(node, "alias"));
                if target.is_some_and(|target| descendants(target).any(|part| is_name(Some(part))))
                {
                    return None;
                }
            }
            "delete_statement"
                if descendants(node).any(|part| {
                    kind_of(part) == "subscript" && is_name(child_by_field(part, "value"))
                }) =>
            {
                found = Some(Sharing::Mutated(context.node_text(node).to_owned()));
            }
            "call" => {
                let Some(function) = child_by_field(node, "function") else {
                    continue;
                };
                if kind_of(function) != "attribute" || !is_name(child_by_field(function, "object"))
                {
                    continue;
                }
                let method = child_by_field(function, "attribute")
                    .map(|attribute| context.node_text(attribute))
                    .unwrap_or("");
                if MUTATING_METHODS.contains(&method) {
                    found = Some(Sharing::Mutated(context.node_text(node).to_owned()));
                }
            }
            "return_statement" if is_name(node.named_child(0)) && found.is_none() => {
                found = Some(Sharing::Escapes(context.node_text(node).to_owned()));
            }
            _ => {}
        }
    }
    found.map(|sharing| match sharing {
        Sharing::Mutated(text) => Sharing::Mutated(first_line(&text)),
        Sharing::Escapes(text) => Sharing::Escapes(first_line(&text)),
    })
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim().to_owned()
}

// ---------------------------------------------------------------------------------------
// late-binding-closure

/// Names a target binds (`i`, `(k, v)`, `[a, *rest]`).
fn target_names<'t>(context: &RuleContext<'t>, target: Node<'_>) -> Vec<&'t str> {
    descendants(target)
        .filter(|node| kind_of(*node) == "identifier" && is_variable_read(context, *node))
        .filter(|node| {
            // `obj.attr` and `xs[i]` targets bind no name.
            context
                .parent(*node)
                .is_none_or(|parent| !matches!(kind_of(parent), "attribute" | "subscript"))
        })
        .map(|node| context.node_text(node))
        .collect()
}

/// The parameter names of a `def` or `lambda`.
fn parameter_names<'t>(context: &RuleContext<'t>, function: Node<'_>) -> Vec<&'t str> {
    let Some(parameters) = child_by_field(function, "parameters") else {
        return Vec::new();
    };
    let mut names = Vec::new();
    let mut cursor = parameters.walk();
    for parameter in parameters.named_children(&mut cursor) {
        let name = match kind_of(parameter) {
            "identifier" => Some(parameter),
            "default_parameter" | "typed_default_parameter" => child_by_field(parameter, "name"),
            "typed_parameter" | "list_splat_pattern" | "dictionary_splat_pattern" => {
                let mut inner = parameter.walk();
                let found = parameter
                    .named_children(&mut inner)
                    .find(|child| kind_of(*child) == "identifier");
                found.or_else(|| {
                    // `*args: int` nests the splat inside the typed parameter.
                    let mut inner = parameter.walk();
                    let splat = parameter.named_children(&mut inner).find(|child| {
                        matches!(
                            kind_of(*child),
                            "list_splat_pattern" | "dictionary_splat_pattern"
                        )
                    });
                    splat.and_then(|splat| splat.named_child(0))
                })
            }
            _ => None,
        };
        if let Some(name) = name {
            names.push(context.node_text(name));
        }
    }
    names
}

/// The first of `variables` the closure reads as a free variable, if any.
fn free_loop_variable<'t>(
    context: &RuleContext<'t>,
    closure: Node<'_>,
    variables: &[&'t str],
) -> Option<&'t str> {
    let parameters = parameter_names(context, closure);
    let body = child_by_field(closure, "body")?;
    let locals: Vec<&str> = if kind_of(closure) == "function_definition" {
        same_scope_nodes(context, body)
            .into_iter()
            .filter(|node| matches!(kind_of(*node), "assignment" | "for_statement"))
            .filter_map(|node| child_by_field(node, "left"))
            .flat_map(|target| target_names(context, target))
            .collect()
    } else {
        Vec::new()
    };
    descendants(body)
        .filter(|node| kind_of(*node) == "identifier" && is_variable_read(context, *node))
        .map(|node| context.node_text(node))
        .find(|name| {
            variables.contains(name) && !parameters.contains(name) && !locals.contains(name)
        })
}

/// Methods that store their argument for later.
const STORING_METHODS: &[&str] = &["append", "add", "insert", "appendleft", "setdefault"];

/// Whether the value `node` is stored somewhere that outlives the iteration: appended to a
/// collection, assigned into a subscript, or passed as a `command=`/`callback=` argument.
fn is_stored(context: &RuleContext<'_>, node: Node<'_>) -> bool {
    let mut current = node;
    while let Some(parent) = context.parent(current) {
        match kind_of(parent) {
            "list"
            | "tuple"
            | "set"
            | "pair"
            | "dictionary"
            | "parenthesized_expression"
            | "expression_list" => current = parent,
            "keyword_argument" => {
                let name = child_by_field(parent, "name")
                    .map(|name| context.node_text(name))
                    .unwrap_or("");
                if matches!(name, "command" | "callback") {
                    return true;
                }
                current = parent;
            }
            "argument_list" => {
                let Some(call) = context.parent(parent) else {
                    return false;
                };
                let method = child_by_field(call, "function")
                    .filter(|function| kind_of(*function) == "attribute")
                    .and_then(|function| child_by_field(function, "attribute"))
                    .map(|attribute| context.node_text(attribute))
                    .unwrap_or("");
                return STORING_METHODS.contains(&method);
            }
            "assignment" => {
                let is_right =
                    child_by_field(parent, "right").is_some_and(|right| right.id() == current.id());
                return is_right
                    && child_by_field(parent, "left")
                        .is_some_and(|left| kind_of(left) == "subscript");
            }
            _ => return false,
        }
    }
    false
}

/// Whether the function named `name` is stored (as by [`is_stored`]) by a statement of
/// `body` after `after`.
fn is_name_stored_later(
    context: &RuleContext<'_>,
    body: Node<'_>,
    name: &str,
    after: usize,
) -> bool {
    same_scope_nodes(context, body).into_iter().any(|node| {
        node.start_byte() >= after
            && kind_of(node) == "identifier"
            && context.node_text(node) == name
            && is_variable_read(context, node)
            && is_stored(context, node)
    })
}

fn late_binding_in_loop(context: &mut RuleContext<'_>, loop_node: Node<'_>) {
    let (Some(target), Some(body)) = (
        child_by_field(loop_node, "left"),
        child_by_field(loop_node, "body"),
    ) else {
        return;
    };
    let mut variables = target_names(context, target);
    let body_nodes = same_scope_nodes(context, body);
    // Names assigned in the body change every iteration too.
    for node in &body_nodes {
        if kind_of(*node) == "assignment"
            && let Some(left) = child_by_field(*node, "left")
            && kind_of(left) == "identifier"
        {
            variables.push(context.node_text(left));
        }
    }
    for &node in &body_nodes {
        let escapes = match kind_of(node) {
            "lambda" => {
                let assigned_name = context
                    .parent(node)
                    .filter(|parent| kind_of(*parent) == "assignment")
                    .and_then(|parent| child_by_field(parent, "left"))
                    .filter(|left| kind_of(*left) == "identifier")
                    .map(|left| context.node_text(left));
                is_stored(context, node)
                    || assigned_name.is_some_and(|name| {
                        is_name_stored_later(context, body, name, node.end_byte())
                    })
            }
            "function_definition" => {
                let decorated = context
                    .parent(node)
                    .is_some_and(|parent| kind_of(parent) == "decorated_definition");
                let name = child_by_field(node, "name")
                    .map(|name| context.node_text(name))
                    .unwrap_or("");
                decorated || is_name_stored_later(context, body, name, node.end_byte())
            }
            _ => continue,
        };
        if !escapes {
            continue;
        }
        report_late_binding(context, node, &variables);
    }
}

fn late_binding_in_comprehension(context: &mut RuleContext<'_>, comprehension: Node<'_>) {
    let mut variables = Vec::new();
    let mut cursor = comprehension.walk();
    for clause in comprehension.named_children(&mut cursor) {
        if kind_of(clause) == "for_in_clause"
            && let Some(left) = child_by_field(clause, "left")
        {
            variables.extend(target_names(context, left));
        }
    }
    let Some(body) = child_by_field(comprehension, "body") else {
        return;
    };
    // The element (or a dict value) is itself a lambda, or a container holding one.
    let candidates: Vec<Node<'_>> = same_scope_nodes(context, body)
        .into_iter()
        .filter(|node| kind_of(*node) == "lambda")
        .filter(|lambda| {
            let mut current = *lambda;
            while current.id() != body.id() {
                let Some(parent) = context.parent(current) else {
                    return false;
                };
                if !matches!(
                    kind_of(parent),
                    "list" | "tuple" | "set" | "pair" | "dictionary" | "parenthesized_expression"
                ) && parent.id() != body.id()
                {
                    return false;
                }
                current = parent;
            }
            true
        })
        .collect();
    for lambda in candidates {
        report_late_binding(context, lambda, &variables);
    }
}

fn report_late_binding(context: &mut RuleContext<'_>, closure: Node<'_>, variables: &[&str]) {
    let Some(variable) = free_loop_variable(context, closure, variables) else {
        return;
    };
    let (range, what) = if kind_of(closure) == "lambda" {
        let keyword = closure.child(0).unwrap_or(closure);
        (range_of(keyword), "This lambda".to_owned())
    } else {
        let name = child_by_field(closure, "name").unwrap_or(closure);
        (
            range_of(name),
            format!("Function `{}`", context.node_text(name)),
        )
    };
    let message = format!(
        "{what} reads loop variable `{variable}` when it is called, after the loop has moved on, so every closure made here sees its last value"
    );
    report_syntactic(
        context,
        "late-binding-closure",
        range,
        Confidence::Likely,
        message,
        vec![("variable", variable.to_owned())],
    );
}

// ---------------------------------------------------------------------------------------
// bare-except, swallowed-exception, raise-without-from

/// The exception types an `except` clause names (empty for a bare `except:`).
fn clause_types<'t>(clause: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = clause.walk();
    clause
        .children_by_field_name("value", &mut cursor)
        .filter_map(|value| match kind_of(value) {
            // `except E as e` parses as an `as_pattern` value.
            "as_pattern" => value.named_child(0),
            _ => Some(value),
        })
        .collect()
}

/// The name an `except E as e` clause binds.
fn clause_alias(clause: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = clause.walk();
    let alias = clause
        .children_by_field_name("value", &mut cursor)
        .find(|value| kind_of(*value) == "as_pattern")
        .and_then(|pattern| child_by_field(pattern, "alias"))
        .or_else(|| child_by_field(clause, "alias"))?;
    match kind_of(alias) {
        "as_pattern_target" => alias.named_child(0),
        _ => Some(alias),
    }
}

fn clause_block(clause: Node<'_>) -> Option<Node<'_>> {
    let mut cursor = clause.walk();
    clause
        .named_children(&mut cursor)
        .find(|child| kind_of(*child) == "block")
}

/// The `except …` header: from the keyword to the last caught type or alias.
fn clause_header_range(clause: Node<'_>) -> TextRange {
    let mut end = clause
        .child(0)
        .map_or(clause.end_byte(), |keyword| keyword.end_byte());
    let mut cursor = clause.walk();
    for child in clause.children(&mut cursor) {
        if kind_of(child) == ":" || kind_of(child) == "block" {
            break;
        }
        end = child.end_byte();
    }
    TextRange::new((clause.start_byte() as u32).into(), (end as u32).into())
}

fn is_group_clause(clause: Node<'_>) -> bool {
    let mut cursor = clause.walk();
    clause
        .children(&mut cursor)
        .any(|child| kind_of(child) == "*")
}

fn bare_except(context: &mut RuleContext<'_>, clause: Node<'_>) {
    if !clause_types(clause).is_empty() || is_group_clause(clause) {
        return;
    }
    let Some(block) = clause_block(clause) else {
        return;
    };
    let reraises = same_scope_nodes(context, block)
        .into_iter()
        .any(|node| kind_of(node) == "raise_statement");
    if reraises {
        return;
    }
    report_syntactic(
        context,
        "bare-except",
        clause_header_range(clause),
        Confidence::Definite,
        "Bare `except:` also catches KeyboardInterrupt and SystemExit and does not re-raise them"
            .to_owned(),
        Vec::new(),
    );
}

/// Exceptions that are routinely ignored on purpose (`except ImportError: pass`).
const DELIBERATELY_IGNORED: &[&str] = &[
    "KeyboardInterrupt",
    "StopIteration",
    "StopAsyncIteration",
    "GeneratorExit",
    "CancelledError",
    "ImportError",
    "ModuleNotFoundError",
];

fn swallowed_exception(context: &mut RuleContext<'_>, clause: Node<'_>) {
    let Some(block) = clause_block(clause) else {
        return;
    };
    let mut cursor = block.walk();
    let statements: Vec<Node<'_>> = block
        .named_children(&mut cursor)
        .filter(|child| kind_of(*child) != "comment")
        .collect();
    let only_placeholder = !statements.is_empty()
        && statements
            .iter()
            .all(|statement| match kind_of(*statement) {
                "pass_statement" => true,
                "expression_statement" => statement
                    .named_child(0)
                    .is_some_and(|expression| kind_of(expression) == "ellipsis"),
                _ => false,
            });
    if !only_placeholder {
        return;
    }
    let types = clause_types(clause);
    let mut names = Vec::new();
    for caught in &types {
        for node in descendants(*caught) {
            if kind_of(node) == "identifier" {
                names.push(context.node_text(node));
            }
        }
    }
    if names.iter().any(|name| DELIBERATELY_IGNORED.contains(name)) {
        return;
    }
    let broad = types.is_empty()
        || names
            .iter()
            .any(|name| matches!(*name, "Exception" | "BaseException"));
    let confidence = if broad {
        Confidence::Definite
    } else {
        Confidence::Likely
    };
    let header = context.slice(clause_header_range(clause)).to_owned();
    let placeholder = context.node_text(statements[0]).to_owned();
    report_syntactic(
        context,
        "swallowed-exception",
        clause_header_range(clause),
        confidence,
        format!(
            "`{header}:` discards the exception with `{placeholder}`, so the failure vanishes without a trace"
        ),
        vec![("handler", header)],
    );
}

fn raise_without_from(context: &mut RuleContext<'_>, clause: Node<'_>) {
    let Some(alias) = clause_alias(clause) else {
        return;
    };
    let alias = context.node_text(alias);
    let Some(block) = clause_block(clause) else {
        return;
    };
    for node in same_scope_nodes(context, block) {
        if kind_of(node) != "raise_statement" {
            continue;
        }
        let mut cursor = node.walk();
        if node
            .children(&mut cursor)
            .any(|child| kind_of(child) == "from")
        {
            continue;
        }
        let Some(raised) = node.named_child(0) else {
            continue;
        };
        // `raise` and `raise e` keep the original exception.
        if kind_of(raised) != "call" {
            continue;
        }
        let raised_text = child_by_field(raised, "function")
            .map(|function| context.node_text(function))
            .unwrap_or("the exception");
        report_syntactic(
            context,
            "raise-without-from",
            range_of(node),
            Confidence::Definite,
            format!(
                "`raise {raised_text}(...)` inside `except ... as {alias}` does not chain the cause: add `from {alias}`"
            ),
            vec![("cause", alias.to_owned())],
        );
    }
}

// ---------------------------------------------------------------------------------------
// is-literal

/// Whether `node` is a literal CPython folds to a constant (numbers, strings, bytes,
/// tuples of constants), but not `None`, `True`, `False` or `...`.
fn is_constant_literal(node: Node<'_>) -> bool {
    match kind_of(node) {
        "integer" | "float" => true,
        "string" => {
            let mut cursor = node.walk();
            let has_interpolation = node
                .named_children(&mut cursor)
                .any(|child| kind_of(child) == "interpolation");
            !has_interpolation
        }
        "concatenated_string" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor).all(is_constant_literal)
        }
        "unary_operator" => child_by_field(node, "argument")
            .is_some_and(|argument| matches!(kind_of(argument), "integer" | "float")),
        "tuple" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor)
                .all(|child| is_constant_literal(child) || is_singleton(child))
        }
        "parenthesized_expression" => node.named_child(0).is_some_and(is_constant_literal),
        _ => false,
    }
}

fn is_singleton(node: Node<'_>) -> bool {
    matches!(kind_of(node), "none" | "true" | "false" | "ellipsis")
}

fn is_literal(context: &mut RuleContext<'_>, comparison: Node<'_>) {
    let mut cursor = comparison.walk();
    let children: Vec<Node<'_>> = comparison.children(&mut cursor).collect();
    // Operands and operators alternate: a, op, b, op, c …
    for at in (1..children.len()).step_by(2) {
        let operator = children[at];
        let operator_text = context.node_text(operator);
        if operator_text != "is" && !operator_text.starts_with("is ") {
            continue;
        }
        let (Some(left), Some(right)) = (children.get(at - 1), children.get(at + 1)) else {
            continue;
        };
        let literal = if is_constant_literal(*right) {
            *right
        } else if is_constant_literal(*left) {
            *left
        } else {
            continue;
        };
        let replacement = if operator_text == "is" { "==" } else { "!=" };
        let range = TextRange::new(
            (left.start_byte() as u32).into(),
            (right.end_byte() as u32).into(),
        );
        let text = context.slice(range).to_owned();
        let literal_text = context.node_text(literal).to_owned();
        report_syntactic(
            context,
            "is-literal",
            range,
            Confidence::Definite,
            format!(
                "`{text}` compares identity with the literal {literal_text} (CPython warns): use `{replacement}`"
            ),
            vec![
                ("operator", operator_text.to_owned()),
                ("replacement", replacement.to_owned()),
            ],
        );
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
    fn mutable_defaults_that_are_mutated_or_shared() {
        check(
            r#"
# expect: mutable-default confidence=definite
def add_tag(tag, tags=[]):
    tags.append(tag)
    return tags

def defaults(options={}):
    return options

class Registry:
    # expect: mutable-default confidence=likely
    def __init__(self, entries={}):
        self.entries = entries

    def register(self, name, value):
        self.entries[name] = value

class ReadOnly:
    def __init__(self, entries={}):
        self.entries = entries

    def names(self):
        return sorted(self.entries)

def lookup(key, table={}):
    return table.get(key)

def safe_add(tag, tags=None):
    if tags is None:
        tags = []
    tags.append(tag)
    return tags

def memoised(n, _cache={}):
    _cache[n] = n * n
    return _cache[n]

def numbered(lines):
    # A fresh counter for every call of `numbered`: the inner default is the idiom.
    # expect-not: mutable-default
    def next_number(counter=[0]):
        counter[0] += 1
        return counter[0]
    return [(next_number(), line) for line in lines]

def rebinds(items=[]):
    items = list(items)
    items.append(1)
    return items
"#,
        );
    }

    #[test]
    fn closures_made_in_loops() {
        check(
            r#"
def make_handlers(names):
    handlers = []
    for name in names:
        # expect: late-binding-closure confidence=likely
        handlers.append(lambda: print(name))
    bound = []
    for name in names:
        bound.append(lambda name=name: print(name))
    for name in names:
        sorted(names, key=lambda other: other == name)
    return handlers, bound

def by_key(names):
    table = {}
    for index, name in enumerate(names):
        # expect: late-binding-closure confidence=likely
        def show():
            return index
        table[name] = show
    return table

# expect: late-binding-closure confidence=likely
multipliers = [lambda x: x * i for i in range(3)]
fixed = [lambda x, i=i: x * i for i in range(3)]
"#,
        );
    }

    #[test]
    fn exception_handling_pitfalls_are_opt_in() {
        check(
            r#"
import json

def parse(text):
    try:
        return json.loads(text)
    except:
        return None

def quiet(text):
    try:
        return json.loads(text)
    except ValueError:
        pass
"#,
        );
        check(
            r#"
#- /remedy.toml
enable = ["bare-except", "swallowed-exception", "raise-without-from"]
#- /main.py
import json

class ConfigError(Exception):
    pass

def parse(text):
    try:
        return json.loads(text)
    # expect: bare-except confidence=definite
    except:
        return None

def parse_again(text):
    try:
        return json.loads(text)
    except:
        print("bad json")
        raise

def quiet(text):
    try:
        return json.loads(text)
    # expect: swallowed-exception confidence=likely
    except ValueError:
        pass

def optional_import():
    try:
        import yaml
    except ImportError:
        pass

def wrap(text):
    try:
        return json.loads(text)
    except ValueError as error:
        # expect: raise-without-from confidence=definite
        raise ConfigError("bad config")

def wrap_chained(text):
    try:
        return json.loads(text)
    except ValueError as error:
        raise ConfigError("bad config") from error
"#,
        );
    }

    #[test]
    fn identity_with_literals() {
        check(
            r#"
def status(code, name, flag):
    # expect: is-literal confidence=definite
    if code is 200:
        return "ok"
    # expect: is-literal confidence=definite
    if name is not "admin":
        return "guest"
    if flag is None or flag is True:
        return "unset"
    return "other"
"#,
        );
    }

    #[test]
    fn attribute_chains_keep_their_own_operations() {
        // `self.products` and `self.products.get` start at the same offset; the
        // interpreter once merged their operations, so `self` looked like a dict.
        check(
            r#"
class Catalog:
    def __init__(self):
        self.products = {}

    def lookup(self, sku):
        return self.products.get(sku)
"#,
        );
    }
}
