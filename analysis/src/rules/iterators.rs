//! Pitfalls that need values: `iterator-reuse` (a one-shot iterator consumed twice),
//! `mutate-while-iterating` (a dict, set or list changed by the loop that walks it) and
//! `float-equality` (opt-in: `==` between computed floats).
//!
//! ```python
//! rows = (parse(line) for line in lines)
//! count = len(list(rows))
//! for row in rows: ...            # iterator-reuse: `rows` is already exhausted
//! for key in config:
//!     if key.startswith("_"):
//!         del config[key]         # mutate-while-iterating: RuntimeError
//! if 0.1 + 0.2 == 0.3: ...        # float-equality
//! ```
//!
//! Confidence comes from the values at the iterated name: every member a generator (or a
//! dict) → definite, some → likely, unknown beside them → possible.

use crate::index::{child_by_field, kind_of};
use line_index::TextSize;
use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::context::RuleContext;
use super::dotted::{descendants, dotted_path};
use super::pitfalls::{is_variable_read, range_of, same_scope_nodes};
use super::{Check, Tally};
use crate::config::Confidence;
use crate::index::NameContext;
use crate::infer::OperationKind;
use crate::values::{ClassRef, Union, Value};

pub(crate) const ITERATION_CHECK: Check = Check {
    rules: &["iterator-reuse", "mutate-while-iterating", "float-equality"],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    let root = context.root();
    let nodes = context.nodes();
    let mut scope_bodies = vec![root];
    for &node in nodes.iter() {
        if kind_of(node) == "function_definition" {
            scope_bodies.extend(child_by_field(node, "body"));
        }
    }
    for body in scope_bodies {
        iterator_reuse(context, body);
    }
    for &node in nodes.iter() {
        match kind_of(node) {
            "for_statement" => mutate_while_iterating(context, node),
            "comparison_operator" => float_equality(context, node),
            _ => {}
        }
    }
}

/// The values of the name loaded at `offset`, joined over every run that saw the load.
pub(super) fn load_values(context: &RuleContext<'_>, offset: TextSize) -> Option<Union> {
    Union::join_all(
        context
            .runs()
            .iter()
            .filter_map(|run| run.inference.load_at(offset).cloned()),
    )
}

// ---------------------------------------------------------------------------------------
// iterator-reuse

/// Builtins that read their first argument to the end.
const CONSUMING_BUILTINS: &[&str] = &[
    "list",
    "tuple",
    "set",
    "frozenset",
    "dict",
    "sorted",
    "sum",
    "min",
    "max",
    "any",
    "all",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Consumption {
    /// `for x in it:` (the statement).
    Loop,
    /// `[… for x in it]`, `list(it)`, `"".join(it)`: read to the end at once.
    Whole,
    /// `x in it`: reads up to the first match.
    Membership,
}

/// How the identifier `node` is consumed where it stands, if it is.
fn consumption_of<'t>(
    context: &RuleContext<'t>,
    node: Node<'t>,
) -> Option<(Consumption, Node<'t>)> {
    let parent = context.parent(node)?;
    let is_field =
        |field: &str| child_by_field(parent, field).is_some_and(|child| child.id() == node.id());
    match kind_of(parent) {
        "for_statement" if is_field("right") => Some((Consumption::Loop, parent)),
        "for_in_clause" if is_field("right") => Some((Consumption::Whole, parent)),
        "argument_list" => {
            let call = context.parent(parent)?;
            let mut cursor = parent.walk();
            let first = parent.named_children(&mut cursor).next()?;
            if first.id() != node.id() {
                return None;
            }
            let function = child_by_field(call, "function")?;
            let consumes = match kind_of(function) {
                "attribute" => child_by_field(function, "attribute")
                    .is_some_and(|attribute| context.node_text(attribute) == "join"),
                _ => dotted_path(context, function)
                    .is_some_and(|path| CONSUMING_BUILTINS.contains(&path.as_str())),
            };
            consumes.then_some((Consumption::Whole, call))
        }
        "comparison_operator" => {
            // `a < b < … < z` is one wide node: no scan of its children per operand.
            let operator = context.node_text(context.previous_sibling(node)?);
            matches!(operator, "in" | "not in").then_some((Consumption::Membership, parent))
        }
        _ => None,
    }
}

fn contains(outer: Node<'_>, inner: Node<'_>) -> bool {
    outer.start_byte() <= inner.start_byte() && inner.end_byte() <= outer.end_byte()
}

/// Whether `second` runs after `first` on the same path (not in another branch of an
/// `if`, `try` or conditional expression).
fn runs_after<'t>(context: &RuleContext<'t>, first: Node<'t>, second: Node<'t>) -> bool {
    let mut child = first;
    for parent in context.ancestors(first) {
        if contains(parent, second) {
            return match kind_of(parent) {
                "if_statement" | "elif_clause" | "while_statement" => {
                    child_by_field(parent, "condition")
                        .is_some_and(|condition| condition.id() == child.id())
                }
                "try_statement"
                | "conditional_expression"
                | "match_statement"
                | "boolean_operator" => false,
                _ => true,
            };
        }
        child = parent;
    }
    false
}

/// Whether a `for` loop may stop before the end of its iterable (`break`, `return`).
fn may_stop_early<'t>(context: &RuleContext<'t>, loop_node: Node<'t>) -> bool {
    let Some(body) = child_by_field(loop_node, "body") else {
        return false;
    };
    same_scope_nodes(context, body)
        .into_iter()
        .any(|node| match kind_of(node) {
            "return_statement" | "raise_statement" => true,
            "break_statement" => {
                // The `break` belongs to the nearest enclosing loop.
                for parent in context.ancestors(node) {
                    if matches!(kind_of(parent), "for_statement" | "while_statement") {
                        return parent.id() == loop_node.id();
                    }
                }
                false
            }
            _ => false,
        })
}

fn is_one_shot(value: &Value) -> bool {
    match value {
        Value::Generator(_) | Value::Iterator(_) => true,
        Value::Instance(ClassRef::Builtin(name), ..) => matches!(
            name.as_str(),
            "generator" | "map" | "filter" | "zip" | "iterator" | "reversed" | "enumerate"
        ),
        _ => false,
    }
}

fn iterator_reuse(context: &mut RuleContext<'_>, body: Node<'_>) {
    let mut by_name: FxHashMap<&str, Vec<(Node<'_>, Consumption, Node<'_>)>> = FxHashMap::default();
    for node in same_scope_nodes(context, body) {
        if kind_of(node) != "identifier" || !is_variable_read(context, node) {
            continue;
        }
        if let Some((kind, consumer)) = consumption_of(context, node) {
            by_name
                .entry(context.node_text(node))
                .or_default()
                .push((node, kind, consumer));
        }
    }
    let mut names: Vec<_> = by_name
        .into_iter()
        .filter(|(_, uses)| uses.len() > 1)
        .collect();
    names.sort_by_key(|(_, uses)| uses[0].0.start_byte());
    for (name, uses) in names {
        for pair in uses.windows(2) {
            let (first, first_kind, first_consumer) = pair[0];
            let (second, _, _) = pair[1];
            if first_kind == Consumption::Membership
                || (first_kind == Consumption::Loop && may_stop_early(context, first_consumer))
                || contains(first_consumer, second)
                || !runs_after(context, first_consumer, second)
                || is_rebound_between(context, name, first.end_byte(), second.start_byte())
            {
                continue;
            }
            let Some(values) = load_values(context, TextSize::from(first.start_byte() as u32))
            else {
                continue;
            };
            let mut tally = Tally {
                pruned: values.pruned(),
                ..Tally::default()
            };
            for value in values.values() {
                match value {
                    value if is_one_shot(value) => tally.bad += 1,
                    Value::Unknown => tally.unknown += 1,
                    _ => tally.good += 1,
                }
            }
            let kind = values
                .values()
                .find(|value| is_one_shot(value))
                .map(|value| match value {
                    Value::Generator(_) => "a generator".to_owned(),
                    Value::Iterator(_) => "an iterator".to_owned(),
                    other => format!("a `{}` iterator", other.type_name()),
                })
                .unwrap_or_default();
            let line = context.line_of(TextSize::from(first.start_byte() as u32));
            let message = format!(
                "`{name}` is {kind} already consumed on L{line}, so this second pass sees nothing"
            );
            let related = context.related_origins(&values, is_one_shot, |_| {
                "the one-shot iterator is made here".to_owned()
            });
            let range = range_of(second);
            context.report_tally("iterator-reuse", range, tally, message, related, None);
            let name = name.to_owned();
            context.with_finding("iterator-reuse", range, |finding| {
                finding.fix_parameters = vec![("name".into(), name)];
            });
        }
    }
}

fn is_rebound_between(context: &RuleContext<'_>, name: &str, start: usize, end: usize) -> bool {
    context.index.name_refs.iter().any(|name_ref| {
        name_ref.name == name
            && name_ref.context == NameContext::Store
            && usize::from(name_ref.range.start()) >= start
            && usize::from(name_ref.range.start()) < end
    })
}

// ---------------------------------------------------------------------------------------
// mutate-while-iterating

const DICT_SIZE_METHODS: &[&str] = &["pop", "popitem", "clear", "update", "setdefault"];
const SET_SIZE_METHODS: &[&str] = &["add", "discard", "remove", "pop", "clear", "update"];
const LIST_REMOVING_METHODS: &[&str] = &["remove", "pop", "insert", "clear"];

/// One change to the iterated container found in the loop body.
struct Mutation<'t> {
    node: Node<'t>,
    /// Which container types the change breaks: (dict, set, list).
    breaks: (bool, bool, bool),
    /// `d[new_key] = v` only changes the size when the key is new.
    maybe_existing_key: bool,
}

/// The values of the object an attribute (`obj.keys`) is read from, over every run.
fn receiver_values(context: &RuleContext<'_>, attribute: Node<'_>) -> Option<Union> {
    let range = range_of(attribute);
    Union::join_all(
        context
            .operations()
            .filter_map(|(_, operation)| match &operation.kind {
                OperationKind::Attribute { object, .. } if operation.range == range => {
                    Some(object.clone())
                }
                _ => None,
            }),
    )
}

fn mutate_while_iterating(context: &mut RuleContext<'_>, loop_node: Node<'_>) {
    let (Some(target), Some(iterable), Some(body)) = (
        child_by_field(loop_node, "left"),
        child_by_field(loop_node, "right"),
        child_by_field(loop_node, "body"),
    ) else {
        return;
    };
    // `for k in d`, `for k, v in d.items()`; copies (`list(d)`, `d.copy()`, `xs[:]`) differ.
    let (container, is_view) = match kind_of(iterable) {
        "identifier" | "attribute" => (iterable, false),
        "call" => {
            let Some(function) = child_by_field(iterable, "function") else {
                return;
            };
            let method =
                child_by_field(function, "attribute").map(|attribute| context.node_text(attribute));
            let has_arguments = child_by_field(iterable, "arguments")
                .is_some_and(|arguments| arguments.named_child_count() > 0);
            match (
                kind_of(function),
                method,
                child_by_field(function, "object"),
            ) {
                ("attribute", Some("keys" | "values" | "items"), Some(object))
                    if !has_arguments && matches!(kind_of(object), "identifier" | "attribute") =>
                {
                    (object, true)
                }
                _ => return,
            }
        }
        _ => return,
    };
    let container_text = context.node_text(container);
    let loop_variables: Vec<&str> = descendants(target)
        .filter(|node| kind_of(*node) == "identifier")
        .map(|node| context.node_text(node))
        .collect();
    let body_nodes = same_scope_nodes(context, body);
    let is_container =
        |node: Option<Node<'_>>| node.is_some_and(|node| context.node_text(node) == container_text);
    // A loop that rebinds the container walks the old object: leave it.
    if body_nodes
        .iter()
        .any(|node| kind_of(*node) == "assignment" && is_container(child_by_field(*node, "left")))
    {
        return;
    }
    let mut mutations = Vec::new();
    for &node in &body_nodes {
        match kind_of(node) {
            "call" => {
                let Some(function) = child_by_field(node, "function") else {
                    continue;
                };
                if kind_of(function) != "attribute"
                    || !is_container(child_by_field(function, "object"))
                {
                    continue;
                }
                let method = child_by_field(function, "attribute")
                    .map(|attribute| context.node_text(attribute))
                    .unwrap_or("");
                mutations.push(Mutation {
                    node,
                    breaks: (
                        DICT_SIZE_METHODS.contains(&method),
                        SET_SIZE_METHODS.contains(&method),
                        LIST_REMOVING_METHODS.contains(&method),
                    ),
                    maybe_existing_key: false,
                });
            }
            "delete_statement" => {
                let deletes_item = descendants(node).any(|part| {
                    kind_of(part) == "subscript" && is_container(child_by_field(part, "value"))
                });
                if deletes_item {
                    mutations.push(Mutation {
                        node,
                        breaks: (true, false, true),
                        maybe_existing_key: false,
                    });
                }
            }
            "assignment" => {
                let Some(left) = child_by_field(node, "left") else {
                    continue;
                };
                if kind_of(left) != "subscript" || !is_container(child_by_field(left, "value")) {
                    continue;
                }
                // `d[k] = …` with the loop's own key replaces a value: the size stays.
                let key = child_by_field(left, "subscript")
                    .map(|key| context.node_text(key))
                    .unwrap_or("");
                if loop_variables.contains(&key) {
                    continue;
                }
                mutations.push(Mutation {
                    node,
                    breaks: (true, false, false),
                    maybe_existing_key: true,
                });
            }
            _ => {}
        }
    }
    if mutations.is_empty() {
        return;
    }
    let values = match kind_of(container) {
        "identifier" => load_values(context, TextSize::from(container.start_byte() as u32)),
        // `self._visible.keys()`: the receiver's values where the method is read.
        "attribute" if is_view => child_by_field(iterable, "function")
            .and_then(|function| receiver_values(context, function)),
        _ => None,
    };
    let line = context.line_of(TextSize::from(loop_node.start_byte() as u32));
    for mutation in mutations {
        if mutation.breaks == (false, false, false) || is_followed_by_exit(context, mutation.node) {
            continue;
        }
        let mut tally = Tally::default();
        let mut broken_kind = None;
        match &values {
            Some(values) => {
                tally.pruned = values.pruned();
                for value in values.values() {
                    let breaks = match value {
                        Value::Dict(_) => mutation.breaks.0,
                        Value::Set(_) => mutation.breaks.1,
                        Value::List(_) => mutation.breaks.2,
                        Value::Unknown => {
                            tally.unknown += 1;
                            continue;
                        }
                        Value::Instance(ClassRef::Builtin(name), ..)
                            if matches!(
                                name.as_str(),
                                "defaultdict" | "OrderedDict" | "Counter" | "dict"
                            ) =>
                        {
                            mutation.breaks.0
                        }
                        _ => false,
                    };
                    if breaks {
                        tally.bad += 1;
                        broken_kind.get_or_insert(match value {
                            Value::List(_) => "list",
                            Value::Set(_) => "set",
                            _ => "dict",
                        });
                    } else {
                        tally.good += 1;
                    }
                }
            }
            // Views (`.items()`) belong to a dict whatever the object.
            None if is_view && mutation.breaks.0 => {
                tally.bad += 1;
                broken_kind = Some("dict");
            }
            None => continue,
        }
        let Some((mut confidence, mut score)) = tally.assess() else {
            continue;
        };
        if mutation.maybe_existing_key && confidence == Confidence::Definite {
            (confidence, score) = (Confidence::Likely, 80);
        }
        let kind = broken_kind.unwrap_or("dict");
        let change = context
            .node_text(mutation.node)
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        let message = if kind == "list" {
            format!(
                "`{change}` changes list `{container_text}` while the loop on L{line} walks it, so items after each removal are skipped"
            )
        } else {
            format!(
                "`{change}` changes the size of {kind} `{container_text}` while the loop on L{line} iterates it: RuntimeError"
            )
        };
        let range = range_of(mutation.node);
        context.report(super::Finding {
            rule: "mutate-while-iterating".into(),
            range,
            message,
            confidence,
            score,
            related: Vec::new(),
            fix_parameters: vec![
                ("container".into(), container_text.to_owned()),
                ("iterable".into(), context.node_text(iterable).to_owned()),
            ],
        });
    }
}

/// Whether the statement holding `node` is followed, in its block, by `break`, `return`
/// or `raise`: the loop stops right after the change.
fn is_followed_by_exit<'t>(context: &RuleContext<'t>, node: Node<'t>) -> bool {
    let mut statement = node;
    for parent in context.ancestors(node) {
        if kind_of(parent) == "block" {
            break;
        }
        statement = parent;
    }
    let mut next = statement.next_named_sibling();
    while let Some(sibling) = next {
        if matches!(
            kind_of(sibling),
            "break_statement" | "return_statement" | "raise_statement"
        ) {
            return true;
        }
        next = sibling.next_named_sibling();
    }
    false
}

// ---------------------------------------------------------------------------------------
// float-equality

fn is_number(value: &Value) -> bool {
    matches!(value, Value::Int(_) | Value::Float(_) | Value::Bool(_))
}

/// How many ways an arithmetic node yields a float (bad), something else (good), or an
/// unknown value.
fn arithmetic_float_tally(context: &RuleContext<'_>, operand: Node<'_>) -> Tally {
    let mut tally = Tally::default();
    let range = range_of(operand);
    for (_, operation) in context.operations() {
        if operation.range != range {
            continue;
        }
        let OperationKind::Binary {
            operator,
            left,
            right,
        } = &operation.kind
        else {
            continue;
        };
        if !matches!(operator.as_str(), "+" | "-" | "*" | "/" | "**") {
            continue;
        }
        let all = || left.values().chain(right.values());
        if all().any(|value| *value == Value::Unknown) {
            tally.unknown += 1;
        } else if !all().all(is_number) {
            tally.good += 1;
        } else if operator == "/" || all().any(|value| matches!(value, Value::Float(_))) {
            tally.bad += 1;
        } else {
            tally.good += 1;
        }
    }
    tally
}

/// For a name: how many of its members are floats produced by arithmetic.
fn name_float_tally(context: &RuleContext<'_>, operand: Node<'_>) -> Tally {
    let mut tally = Tally::default();
    let Some(values) = load_values(context, TextSize::from(operand.start_byte() as u32)) else {
        return tally;
    };
    tally.pruned = values.pruned();
    for member in values.members() {
        match &member.value {
            Value::Float(_) => {
                let computed = member.origins.iter().any(|origin| {
                    origin.file == context.file
                        && context.node(origin.range).is_some_and(|node| {
                            matches!(kind_of(node), "binary_operator" | "augmented_assignment")
                        })
                });
                if computed {
                    tally.bad += 1;
                } else {
                    tally.good += 1;
                }
            }
            Value::Unknown => tally.unknown += 1,
            _ => tally.good += 1,
        }
    }
    tally
}

fn float_equality(context: &mut RuleContext<'_>, comparison: Node<'_>) {
    let mut cursor = comparison.walk();
    let children: Vec<Node<'_>> = comparison.children(&mut cursor).collect();
    let [left, operator, right] = children.as_slice() else {
        return;
    };
    let operator_text = context.node_text(*operator);
    if !matches!(operator_text, "==" | "!=") {
        return;
    }
    let tally_of = |operand: Node<'_>| match kind_of(operand) {
        "binary_operator" => arithmetic_float_tally(context, operand),
        "identifier" => name_float_tally(context, operand),
        _ => Tally::default(),
    };
    let left_tally = tally_of(*left);
    let right_tally = tally_of(*right);
    let tally = if left_tally.assess() >= right_tally.assess() {
        left_tally
    } else {
        right_tally
    };
    if tally.assess().is_none() {
        return;
    }
    let text = context.node_text(comparison).to_owned();
    let range = range_of(comparison);
    let (left_text, right_text) = (
        context.node_text(*left).to_owned(),
        context.node_text(*right).to_owned(),
    );
    let message = format!(
        "`{text}` compares floats computed by arithmetic exactly; rounding makes this unreliable, use `math.isclose`"
    );
    context.report_tally("float-equality", range, tally, message, Vec::new(), None);
    context.with_finding("float-equality", range, |finding| {
        finding.fix_parameters = vec![
            ("left".into(), left_text),
            ("right".into(), right_text),
            ("operator".into(), operator_text.to_owned()),
        ];
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
    fn iterator_reuse_after_a_full_pass() {
        check(
            r#"
def load(lines):
    rows = (line.split(",") for line in lines)
    count = len(list(rows))
    # expect: iterator-reuse confidence=definite
    for row in rows:
        print(row)
    return count

def header_then_body(lines):
    it = iter(lines)
    for line in it:
        if line == "":
            break
    body = list(it)
    return body

def fresh(lines):
    rows = [line.split(",") for line in lines]
    count = len(list(rows))
    for row in rows:
        print(row)
    return count

def either(lines, flag):
    pairs = zip(lines, lines[1:])
    if flag:
        return list(pairs)
    else:
        return sorted(pairs)
"#,
        );
    }

    #[test]
    fn dict_changed_while_iterating() {
        check(
            r#"
def prune(config):
    settings = {"debug": True, "_secret": "x", "port": 80}
    for key in settings:
        if key.startswith("_"):
            # expect: mutate-while-iterating confidence=definite
            del settings[key]
    for key in list(settings):
        if key.startswith("_"):
            del settings[key]
    for key in settings:
        settings[key] = str(settings[key])
    for key in settings:
        if key == "port":
            settings.pop(key)
            break
    jobs = [1, 2, 3]
    for job in jobs:
        if job % 2:
            # expect: mutate-while-iterating confidence=definite
            jobs.remove(job)
    queue = [1]
    for item in queue:
        if item < 10:
            queue.append(item + 1)
    return settings
"#,
        );
    }

    #[test]
    fn float_equality_is_opt_in() {
        check(
            r#"
#- /remedy.toml
enable = ["float-equality"]
#- /main.py
def balance(prices):
    total = 0.1 + 0.2
    # expect: float-equality confidence=definite
    if total == 0.3:
        print("exact")
    count = 1 + 2
    if count == 3:
        print("ints compare exactly")
    ratio = 1.5
    if ratio == 1.5:
        print("a literal is exact")
"#,
        );
    }
}
