//! `unhashable-key`: a list, dict or set (or an instance whose class sets `__eq__`
//! without `__hash__`, a non-frozen dataclass) used as a dict key or a set member:
//! dict and set displays, `d[key]` reads and `d[key] = value` stores, `s.add(x)`,
//! `d.get(key)`, `set(iterable)`.
//!
//! ```python
//! tags = ["red", "big"]
//! counts = {tags: 1}        # TypeError: unhashable type: 'list'
//! counts[tuple(tags)] = 1   # fine
//! ```

use crate::index::{child_by_field, kind_of};
use line_index::{TextRange, TextSize};
use tree_sitter::Node;

use super::{
    Lookup, attach_parameters, class_defines, defined_class, describe_with_article,
    is_from_parameter, origin_text,
};
use crate::db::Db;
use crate::index::{DefinitionKind, ScopeId, ScopeKind};
use crate::infer::{OperationKind, ScopeInference};
use crate::rules::context::RuleContext;
use crate::rules::{Check, Tally};
use crate::values::{ClassRef, Items, Member, Union, Value};

pub(crate) const UNHASHABLE_CHECK: Check = Check {
    rules: &["unhashable-key"],
    run,
};

/// `Some(false)` when hashing the member raises, `Some(true)` when it works.
fn is_hashable(db: &dyn Db, member: &Member, specialised: bool) -> Option<bool> {
    match &member.value {
        Value::Unknown => None,
        _ if is_from_parameter(db, member, specialised) => None,
        Value::List(_) | Value::Dict(_) => Some(false),
        // `frozenset(...)` is modelled as a set.
        Value::Set(_)
            if member
                .origins
                .iter()
                .any(|origin| origin_text(db, origin).starts_with("frozenset")) =>
        {
            None
        }
        Value::Set(_) => Some(false),
        Value::Tuple(items) => items_hashable(db, items, specialised),
        Value::Instance(class @ ClassRef::Defined { .. }, ..) => instance_hashable(db, class),
        Value::Instance(ClassRef::Builtin(_), ..) => None,
        _ => Some(true),
    }
}

fn union_hashable(db: &dyn Db, union: &Union, specialised: bool) -> Option<bool> {
    let verdicts: Vec<Option<bool>> = union
        .members()
        .iter()
        .map(|member| is_hashable(db, member, specialised))
        .collect();
    if verdicts.iter().all(|verdict| *verdict == Some(false)) {
        Some(false)
    } else if verdicts.iter().all(|verdict| *verdict == Some(true)) {
        Some(true)
    } else {
        None
    }
}

/// A tuple hashes its items: one unhashable item makes it unhashable.
fn items_hashable(db: &dyn Db, items: &Items, specialised: bool) -> Option<bool> {
    let verdicts: Vec<Option<bool>> = items
        .items
        .iter()
        .map(|item| union_hashable(db, item, specialised))
        .collect();
    if items.exact && verdicts.contains(&Some(false)) {
        Some(false)
    } else if verdicts.iter().all(|verdict| *verdict == Some(true)) {
        Some(true)
    } else {
        None
    }
}

/// Python sets `__hash__ = None` in a class that defines `__eq__` without `__hash__`;
/// `@dataclass` does the same unless `frozen=True` or `unsafe_hash=True`.
fn instance_hashable(db: &dyn Db, class: &ClassRef) -> Option<bool> {
    if class_defines(db, class, "\0") == Lookup::Unknown {
        return None;
    }
    for current in crate::infer::class_mro(db, class) {
        let Some(defined) = defined_class(db, &current) else {
            return (current.name() == "object").then_some(true);
        };
        if let Some(hash) = defined
            .index
            .definitions_in_scope(defined.body, "__hash__")
            .last()
        {
            let data = defined.index.definition(hash);
            let is_none = matches!(data.kind, DefinitionKind::Assignment)
                && data
                    .value_range
                    .is_some_and(|range| defined.text(db, range) == "None");
            return Some(!is_none);
        }
        if defined.defines("__eq__") {
            return Some(false);
        }
        let dataclass = defined
            .decorators
            .iter()
            .find(|range| super::decorator_name(defined.text(db, **range)) == "dataclass");
        if let Some(decorator) = dataclass {
            let text = defined.text(db, *decorator).replace(' ', "");
            if text.contains("eq=False") {
                continue;
            }
            return Some(text.contains("frozen=True") || text.contains("unsafe_hash=True"));
        }
    }
    Some(true)
}

/// The scope whose run evaluates the expression at `offset` (comprehensions run inline).
fn evaluating_scope(context: &RuleContext<'_>, offset: TextSize) -> ScopeId {
    let mut scope = context.index.scope_at(offset);
    while context.index.scope(scope).kind == ScopeKind::Comprehension {
        match context.index.scope(scope).parent {
            Some(parent) => scope = parent,
            None => break,
        }
    }
    scope
}

/// The value of a key expression as one run saw it: names and calls are recorded,
/// displays are known by their shape, tuples by their items.
fn node_value(inference: &ScopeInference, node: Node<'_>) -> Option<Union> {
    let empty = || Items::of(None);
    let value = match kind_of(node) {
        "identifier" => {
            return inference
                .load_at((node.start_byte() as u32).into())
                .cloned();
        }
        "call" => {
            return inference
                .call_at((node.start_byte() as u32).into())
                .map(|call| call.result.clone());
        }
        // `self.entries`: attribute reads are recorded at the attribute's name.
        "attribute" => {
            let attribute = child_by_field(node, "attribute")?;
            return inference
                .load_at((attribute.start_byte() as u32).into())
                .cloned();
        }
        "parenthesized_expression" => return node_value(inference, node.named_child(0)?),
        "list" | "list_comprehension" => Value::List(empty()),
        "set" | "set_comprehension" => Value::Set(empty()),
        "dictionary" | "dictionary_comprehension" => {
            Value::Dict(Box::new(crate::values::DictValue {
                entries: Vec::new(),
                open: true,
            }))
        }
        "tuple" => {
            let mut cursor = node.walk();
            let items = node
                .named_children(&mut cursor)
                .map(|item| node_value(inference, item).unwrap_or_else(Union::unknown))
                .collect();
            Value::Tuple(Items::exact(items))
        }
        _ => return None,
    };
    Some(Union::new(value, None))
}

fn is_dict(union: &Union) -> bool {
    union.values().any(|value| matches!(value, Value::Dict(_)))
}

/// The role of a `key in container` operand until the container's value says which.
const MEMBERSHIP: &str = "a member";

struct KeyUse {
    range: TextRange,
    key: Union,
    key_text: String,
    /// "a dict key", "a set member".
    role: &'static str,
    run_call: Option<(TextRange, u8)>,
}

fn run(context: &mut RuleContext<'_>) {
    let mut uses: Vec<KeyUse> = Vec::new();
    // `d[key]` reads, recorded by the interpreter.
    for (run, operation) in context.operations() {
        if let OperationKind::Subscript {
            object,
            key: Some(key),
        } = &operation.kind
        {
            if !is_dict(object) {
                continue;
            }
            let Some(key_node) = context
                .node(operation.range)
                .and_then(|node| context.field(node, "subscript"))
            else {
                continue;
            };
            uses.push(KeyUse {
                range: operation.range,
                key: key.clone(),
                key_text: context.node_text(key_node).to_owned(),
                role: "a dict key",
                run_call: run.call,
            });
        }
    }
    // `s.add(x)`, `d.get(k)`, `set(items)`.
    for (run, call) in context.calls() {
        let Some(first) = call.positional.first() else {
            continue;
        };
        let range = call.range();
        let Some(argument) = context
            .node(range)
            .and_then(|node| context.field(node, "arguments"))
            .and_then(|arguments| arguments.named_child(0))
        else {
            continue;
        };
        let text = context.node_text(argument).to_owned();
        for value in call.callee.values() {
            let (key, role) = match value {
                Value::BuiltinFunction(name) => match name.as_str() {
                    "set.add" | "set.discard" | "set.remove" => (first.clone(), "a set member"),
                    "dict.get" | "dict.setdefault" | "dict.pop" => (first.clone(), "a dict key"),
                    _ => continue,
                },
                Value::Class(ClassRef::Builtin(name))
                    if matches!(name.as_str(), "set" | "frozenset") =>
                {
                    let Some(element) = crate::infer::element_of(first) else {
                        continue;
                    };
                    (element, "a set member")
                }
                _ => continue,
            };
            uses.push(KeyUse {
                range,
                key,
                key_text: text.clone(),
                role,
                run_call: run.call,
            });
            break;
        }
    }
    // Displays and stores, read from the syntax with the values each run recorded.
    let mut syntax_uses: Vec<(Node<'_>, Option<Node<'_>>, &'static str)> = Vec::new();
    collect_syntax(&context.nodes(), &mut syntax_uses);
    for (key_node, object, role) in syntax_uses {
        let offset = (key_node.start_byte() as u32).into();
        let scope = evaluating_scope(context, offset);
        let range = TextRange::new(offset, (key_node.end_byte() as u32).into());
        let key_text = context.node_text(key_node).to_owned();
        for run in context.runs().iter().filter(|run| run.scope == scope) {
            let mut role = role;
            if let Some(object) = object {
                let container = node_value(run.inference, object);
                let is_set =
                    |union: &Union| union.values().all(|value| matches!(value, Value::Set(_)));
                role = match container {
                    Some(value) if is_dict(&value) => "a dict key",
                    Some(value) if role == MEMBERSHIP && is_set(&value) => "a set member",
                    _ => continue,
                };
            }
            let Some(key) = node_value(run.inference, key_node) else {
                continue;
            };
            uses.push(KeyUse {
                range,
                key,
                key_text: key_text.clone(),
                role,
                run_call: run.call,
            });
        }
    }
    for key_use in uses {
        report(context, key_use);
    }
}

/// Dict display keys, set display members and `d[k] = v` store keys (with `d`).
fn collect_syntax<'t>(
    nodes: &[Node<'t>],
    uses: &mut Vec<(Node<'t>, Option<Node<'t>>, &'static str)>,
) {
    for &node in nodes {
        match kind_of(node) {
            "dictionary" => {
                let mut cursor = node.walk();
                for pair in node.named_children(&mut cursor) {
                    if let Some(key) = child_by_field(pair, "key") {
                        uses.push((key, None, "a dict key"));
                    }
                }
            }
            "dictionary_comprehension" => {
                if let Some(key) =
                    child_by_field(node, "body").and_then(|pair| child_by_field(pair, "key"))
                {
                    uses.push((key, None, "a dict key"));
                }
            }
            "set" => {
                let mut cursor = node.walk();
                for member in node.named_children(&mut cursor) {
                    if kind_of(member) != "comment" {
                        uses.push((member, None, "a set member"));
                    }
                }
            }
            // `key in d`, `member not in s`: the container hashes the operand.
            "comparison_operator" => {
                let mut cursor = node.walk();
                let operands: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
                let mut cursor = node.walk();
                let is_membership = node
                    .children(&mut cursor)
                    .filter(|child| !child.is_named())
                    .all(|operator| matches!(kind_of(operator), "in" | "not in" | "not"));
                if let [key, container] = operands[..]
                    && is_membership
                {
                    uses.push((key, Some(container), MEMBERSHIP));
                }
            }
            // `d[k] += 1` reads `d[k]` first: the recorded read covers it.
            "assignment" => {
                if let Some(target) = child_by_field(node, "left")
                    && kind_of(target) == "subscript"
                    && let (Some(object), Some(key)) = (
                        child_by_field(target, "value"),
                        child_by_field(target, "subscript"),
                    )
                {
                    uses.push((key, Some(object), "a dict key"));
                }
            }
            _ => {}
        }
    }
}

fn report(context: &mut RuleContext<'_>, key_use: KeyUse) {
    let KeyUse {
        range,
        key,
        key_text,
        role,
        run_call,
    } = key_use;
    let mut tally = Tally {
        pruned: key.pruned(),
        ..Tally::default()
    };
    let mut example = None;
    for member in key.members() {
        match is_hashable(context.db, member, run_call.is_some()) {
            Some(true) => tally.good += 1,
            Some(false) => {
                tally.bad += 1;
                example.get_or_insert_with(|| member.value.clone());
            }
            None => tally.unknown += 1,
        }
    }
    let Some(example) = example else {
        return;
    };
    if context.is_caught(range, "TypeError") {
        return;
    }
    let what = describe_with_article(&example);
    let verb = if tally.good + tally.unknown == 0 {
        "is"
    } else {
        "may be"
    };
    let message = format!("`{key_text}` {verb} {what}, which is unhashable and cannot be {role}");
    let related = context.related_origins(
        &key,
        |value| *value == example,
        |value| format!("{} built here", describe_with_article(value)),
    );
    context.report_tally("unhashable-key", range, tally, message, related, run_call);
    attach_parameters(
        context,
        "unhashable-key",
        range,
        vec![("key", key_text), ("type", example.type_name().to_owned())],
    );
}
