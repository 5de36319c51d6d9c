//! `not-callable`, `not-subscriptable`, `not-iterable`: calling, indexing or iterating
//! a value whose type cannot (`total()` on an int, `len[0]`, `for x in 5`). `None` is the
//! None family's; a builtin name rebound to a value is `builtin-shadowed-call`'s.
//!
//! ```python
//! total = sum(prices)
//! total()                 # not-callable: total is an int
//! for p in len(prices):   # not-iterable: an int
//!     ...
//! ```
//!
//! Instances of classes defined in source are judged by their dunders along the MRO
//! (`__call__`, `__getitem__`, `__iter__`); `list[int]`-style class subscripts are
//! fine, and a class defined in source needs `__class_getitem__`.

use crate::index::kind_of;
use line_index::TextRange;

use super::{
    Lookup, attach_parameters, class_defines, describe_with_article, is_from_parameter,
    is_plain_function,
};
use crate::builtins::{BuiltinKind, builtin};
use crate::db::Db;
use crate::index::NameResolution;
use crate::infer::OperationKind;
use crate::rules::context::RuleContext;
use crate::rules::{Check, Tally};
use crate::values::{ClassRef, Member, Union, Value};

pub(crate) const CAPABILITY_CHECK: Check = Check {
    rules: &["not-callable", "not-subscriptable", "not-iterable"],
    run,
};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Capability {
    Call,
    Subscript,
    /// `del x[k]`.
    DeleteItem,
    Iterate,
}

/// `Some(true)` when the member can, `Some(false)` when it cannot, `None` when unknown
/// (or `None`, which other rules judge).
fn can(db: &dyn Db, member: &Member, capability: Capability, specialised: bool) -> Option<bool> {
    let value = &member.value;
    if matches!(value, Value::None | Value::Unknown) || is_from_parameter(db, member, specialised) {
        return None;
    }
    let lookup = |class: &ClassRef, names: &[&str]| -> Option<bool> {
        let lookups: Vec<Lookup> = names
            .iter()
            .map(|name| class_defines(db, class, name))
            .collect();
        if lookups.contains(&Lookup::Found) {
            Some(true)
        } else if lookups.contains(&Lookup::Unknown) {
            None
        } else {
            Some(false)
        }
    };
    match value {
        Value::Function(function) | Value::BoundMethod { function, .. }
            if !is_plain_function(db, function) =>
        {
            None
        }
        Value::Instance(class @ ClassRef::Defined { .. }, ..) => match capability {
            Capability::Call => lookup(class, &["__call__"]),
            Capability::Subscript => lookup(class, &["__getitem__"]),
            Capability::DeleteItem => lookup(class, &["__delitem__"]),
            Capability::Iterate => lookup(class, &["__iter__", "__getitem__"]),
        },
        Value::Instance(ClassRef::Builtin(_), ..) => None,
        Value::Class(class @ ClassRef::Defined { .. }) => match capability {
            Capability::Call => Some(true),
            Capability::Subscript => {
                let has_metaclass = super::defined_class(db, class)
                    .is_some_and(|defined| defined.metaclass(db).is_some());
                if has_metaclass {
                    None
                } else {
                    lookup(class, &["__class_getitem__"])
                }
            }
            Capability::Iterate | Capability::DeleteItem => None,
        },
        Value::Class(ClassRef::Builtin(_)) => match capability {
            Capability::Call | Capability::Subscript => Some(true),
            Capability::Iterate | Capability::DeleteItem => None,
        },
        // `e.args`, `match.string`: an attribute read off a builtin value is a method
        // only when it is called; otherwise it may be any data attribute.
        Value::BuiltinFunction(name) if name.contains('.') => {
            (capability == Capability::Call).then_some(true)
        }
        Value::Function(_) | Value::BoundMethod { .. } | Value::BuiltinFunction(_) => {
            Some(capability == Capability::Call)
        }
        Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Complex => Some(false),
        Value::List(_) | Value::Dict(_) => Some(capability != Capability::Call),
        Value::Str(_) | Value::Bytes | Value::Tuple(_) => Some(matches!(
            capability,
            Capability::Subscript | Capability::Iterate
        )),
        Value::Set(_) => Some(capability == Capability::Iterate),
        Value::Module(_) | Value::Coroutine(_) => Some(false),
        Value::Generator(_) | Value::Iterator(_) => Some(capability == Capability::Iterate),
        Value::None | Value::Unknown => None,
    }
}

fn tally(
    db: &dyn Db,
    union: &Union,
    capability: Capability,
    specialised: bool,
) -> (Tally, Option<Value>) {
    let mut tally = Tally {
        pruned: union.pruned(),
        ..Tally::default()
    };
    let mut example = None;
    for member in union.members() {
        match can(db, member, capability, specialised) {
            Some(true) => tally.good += 1,
            Some(false) => {
                tally.bad += 1;
                example.get_or_insert_with(|| member.value.clone());
            }
            None if member.value == Value::None => {}
            None => tally.unknown += 1,
        }
    }
    (tally, example)
}

/// A call of a builtin's name that the file rebinds: `builtin-shadowed-call` reports it.
pub(super) fn is_shadowed_builtin_call(
    context: &RuleContext<'_>,
    callee: tree_sitter::Node<'_>,
) -> bool {
    if kind_of(callee) != "identifier" {
        return false;
    }
    let name = context.node_text(callee);
    if !matches!(
        builtin(name),
        Some(BuiltinKind::Class | BuiltinKind::Function | BuiltinKind::Exception)
    ) {
        return false;
    }
    let offset = (callee.start_byte() as u32).into();
    let scope = context.index.scope_at(offset);
    !matches!(
        context.index.resolve_name(scope, name, offset),
        NameResolution::Unbound
    )
}

fn run(context: &mut RuleContext<'_>) {
    let calls: Vec<_> = context
        .calls()
        .map(|(run, call)| (run.call, call))
        .collect();
    for (run_call, call) in calls {
        let range = call.range();
        let Some(callee) = context
            .node(range)
            .and_then(|node| context.field(node, "function"))
        else {
            continue;
        };
        if is_shadowed_builtin_call(context, callee) {
            continue;
        }
        let text = context.node_text(callee).to_owned();
        report(
            context,
            "not-callable",
            range,
            &call.callee,
            Capability::Call,
            &text,
            "callable",
            run_call,
        );
        // `stats.mean()` on a plain value: without arguments, reading it is what was meant.
        let without_arguments = context
            .node(range)
            .and_then(|node| context.field(node, "arguments"))
            .is_some_and(|arguments| {
                kind_of(arguments) == "argument_list" && arguments.named_child_count() == 0
            });
        if without_arguments {
            context.with_finding("not-callable", range, |finding| {
                finding
                    .fix_parameters
                    .push(("uncalled".into(), text.clone()));
            });
        }
    }
    let operations: Vec<_> = context
        .operations()
        .map(|(run, operation)| (run.call, operation))
        .collect();
    for (run_call, operation) in operations {
        let range = operation.range;
        match &operation.kind {
            OperationKind::Subscript { object, .. } => {
                let Some(node) = context.node(range) else {
                    continue;
                };
                let Some(text) = context
                    .field(node, "value")
                    .map(|value| context.node_text(value).to_owned())
                else {
                    continue;
                };
                // `del x[k]` needs `__delitem__`, not `__getitem__`.
                let deleted = context.parent(node).is_some_and(|parent| {
                    kind_of(parent) == "delete_statement"
                        || (kind_of(parent) == "expression_list"
                            && context
                                .parent(parent)
                                .is_some_and(|statement| kind_of(statement) == "delete_statement"))
                });
                let (capability, adjective) = if deleted {
                    (Capability::DeleteItem, "able to delete items")
                } else {
                    (Capability::Subscript, "subscriptable")
                };
                report(
                    context,
                    "not-subscriptable",
                    range,
                    object,
                    capability,
                    &text,
                    adjective,
                    run_call,
                );
            }
            OperationKind::Iterate { iterable } => {
                let Some(iterable_node) = context
                    .node(range)
                    .and_then(|node| context.field(node, "right"))
                else {
                    continue;
                };
                let text = context.node_text(iterable_node).to_owned();
                let iterable_range = crate::index::range_of(iterable_node);
                report(
                    context,
                    "not-iterable",
                    iterable_range,
                    iterable,
                    Capability::Iterate,
                    &text,
                    "iterable",
                    run_call,
                );
            }
            OperationKind::Unpack { value, .. } => {
                let text = context
                    .node(range)
                    .and_then(|node| context.parent(node))
                    .and_then(|parent| context.field(parent, "right"))
                    .map(|right| context.node_text(right).to_owned())
                    .unwrap_or_else(|| "the value".to_owned());
                report(
                    context,
                    "not-iterable",
                    range,
                    value,
                    Capability::Iterate,
                    &text,
                    "iterable (it cannot be unpacked)",
                    run_call,
                );
            }
            _ => {}
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn report(
    context: &mut RuleContext<'_>,
    rule: &'static str,
    range: TextRange,
    union: &Union,
    capability: Capability,
    text: &str,
    adjective: &str,
    run_call: Option<(TextRange, u8)>,
) {
    let (tally, example) = tally(context.db, union, capability, run_call.is_some());
    let Some(example) = example else {
        return;
    };
    if context.is_caught(range, "TypeError") {
        return;
    }
    let what = describe_with_article(&example);
    let message = if tally.good + tally.unknown == 0 && !tally.pruned {
        format!("`{text}` is {what}, which is not {adjective}")
    } else {
        format!("`{text}` may be {what} here, which is not {adjective}")
    };
    let related = context.related_origins(
        union,
        |value| *value == example,
        |value| format!("{} comes from here", describe_with_article(value)),
    );
    context.report_tally(rule, range, tally, message, related, run_call);
    attach_parameters(
        context,
        rule,
        range,
        vec![
            ("object", text.to_owned()),
            ("type", example.type_name().to_owned()),
        ],
    );
}
