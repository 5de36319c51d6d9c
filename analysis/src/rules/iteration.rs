//! `stop-iteration` (`next(it)` without a default on an iterator that may be exhausted)
//! and `list-value-missing` (`xs.remove(v)` / `xs.index(v)` with `v` not among the known
//! elements).
//!
//! ```python
//! evens = (n for n in [1, 3, 5] if n % 2 == 0)
//! next(evens)          # stop-iteration, definite: the generator yields nothing
//! names = ["ada", "bob"]
//! names.remove("eve")  # list-value-missing, definite
//! ```

use super::context::RuleContext;
use super::{Check, Tally};
use crate::index::child_by_field;
use crate::values::{Union, Value, render_value};

pub(crate) const STOP_ITERATION_CHECK: Check = Check {
    rules: &["stop-iteration"],
    run: run_stop_iteration,
};

pub(crate) const LIST_VALUE_CHECK: Check = Check {
    rules: &["list-value-missing"],
    run: run_list_value,
};

fn run_stop_iteration(context: &mut RuleContext<'_>) {
    let calls: Vec<_> = context
        .calls()
        .filter(|(_, call)| {
            call.callee.single() == Some(&Value::BuiltinFunction("next".into()))
                && call.positional.len() == 1
                && call.keywords.is_empty()
                && !call.has_unpacking
        })
        .map(|(run, call)| (run.call, call))
        .collect();
    for (run_call, call) in calls {
        let range = call.range();
        let iterator = &call.positional[0];
        let mut tally = Tally {
            pruned: iterator.pruned(),
            ..Tally::default()
        };
        for value in iterator.values() {
            match value {
                Value::Iterator(items) if items.exact && items.items.is_empty() => tally.bad += 1,
                Value::Unknown => tally.unknown += 1,
                _ => tally.good += 1,
            }
        }
        if tally.bad == 0 || context.is_caught(range, "StopIteration") {
            continue;
        }
        let Some(node) = context.node(range) else {
            continue;
        };
        let argument = child_by_field(node, "arguments")
            .and_then(|arguments| arguments.named_child(0))
            .map(|argument| context.node_text(argument))
            .unwrap_or("the iterator");
        let message = format!(
            "`{argument}` has no items left here, so `next()` without a default raises StopIteration"
        );
        let related = context.related_origins(
            iterator,
            |value| matches!(value, Value::Iterator(items) if items.exact && items.items.is_empty()),
            |_| "the iterator is made (or used up) here".to_owned(),
        );
        context.report_tally("stop-iteration", range, tally, message, related, run_call);
        let argument = argument.to_owned();
        context.with_finding("stop-iteration", range, |finding| {
            finding.fix_parameters = vec![
                ("iterator".into(), argument),
                ("exception".into(), "StopIteration".to_owned()),
            ];
        });
    }
}

/// The known elements of a list or tuple value.
fn known_elements(value: &Value) -> Option<&[Union]> {
    match value {
        Value::List(items) | Value::Tuple(items) if items.exact => Some(&items.items),
        _ => None,
    }
}

/// Whether `needle` (a literal) may equal one of `elements`; `None` when undecidable.
fn may_contain(elements: &[Union], needle: &Value) -> Option<bool> {
    let mut undecided = false;
    for element in elements {
        for value in element.values() {
            match (value, needle) {
                (value, needle) if value == needle => return Some(true),
                (Value::Int(Some(left)), Value::Float(Some(bits)))
                | (Value::Float(Some(bits)), Value::Int(Some(left)))
                    if (*left as f64) == f64::from_bits(*bits) =>
                {
                    return Some(true);
                }
                (
                    Value::Str(Some(_))
                    | Value::Int(Some(_))
                    | Value::Bool(Some(_))
                    | Value::Float(Some(_))
                    | Value::None,
                    _,
                ) => {}
                _ => undecided = true,
            }
        }
    }
    if undecided { None } else { Some(false) }
}

fn is_literal(value: &Value) -> bool {
    matches!(
        value,
        Value::Str(Some(_)) | Value::Int(Some(_)) | Value::Bool(Some(_)) | Value::None
    )
}

fn run_list_value(context: &mut RuleContext<'_>) {
    let calls: Vec<_> = context
        .calls()
        .filter_map(|(run, call)| {
            let Some(Value::BuiltinFunction(name)) = call.callee.single() else {
                return None;
            };
            let method = match name.as_str() {
                "list.remove" | "list.index" | "tuple.index" => name.rsplit('.').next()?,
                _ => return None,
            };
            let receiver = call.receiver.as_ref()?;
            let needle = call.positional.first()?.single()?;
            (call.positional.len() == 1 && is_literal(needle))
                .then_some((run.call, call, method, receiver, needle))
        })
        .collect();
    for (run_call, call, method, receiver, needle) in calls {
        let range = call.range();
        let mut tally = Tally {
            pruned: receiver.pruned(),
            ..Tally::default()
        };
        for value in receiver.values() {
            match known_elements(value).map(|elements| may_contain(elements, needle)) {
                Some(Some(false)) => tally.bad += 1,
                Some(Some(true)) => tally.good += 1,
                _ => tally.unknown += 1,
            }
        }
        if tally.bad == 0 || context.is_caught(range, "ValueError") {
            continue;
        }
        let Some(node) = context.node(range) else {
            continue;
        };
        let object = child_by_field(node, "function")
            .and_then(|function| child_by_field(function, "object"))
            .map(|object| context.node_text(object))
            .unwrap_or("the list");
        let needle_text = render_value(needle);
        let message =
            format!("{needle_text} is not in `{object}`, so `.{method}()` raises ValueError");
        let related = context.related_origins(
            receiver,
            |value| {
                known_elements(value)
                    .is_some_and(|elements| may_contain(elements, needle) == Some(false))
            },
            |_| "the list is built here".to_owned(),
        );
        context.report_tally(
            "list-value-missing",
            range,
            tally,
            message,
            related,
            run_call,
        );
        let object = object.to_owned();
        let needle = context
            .node(range)
            .and_then(|node| child_by_field(node, "arguments"))
            .and_then(|arguments| arguments.named_child(0))
            .map(|argument| context.node_text(argument).to_owned())
            .unwrap_or_default();
        context.with_finding("list-value-missing", range, |finding| {
            finding.fix_parameters = vec![("object".into(), object), ("value".into(), needle)];
        });
    }
}
