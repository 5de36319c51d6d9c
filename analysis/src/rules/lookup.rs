//! Lookups that fail: `key-error` (a dict lacks the key), `index-error` (a sequence is
//! shorter than the index), `unpack-mismatch` (a known length differs from the targets).
//!
//! ```python
//! cfg = {"host": "localhost"}
//! cfg["port"]        # key-error: keys are 'host'
//! xs = []
//! xs[0]              # index-error: xs is empty
//! a, b = (1, 2, 3)   # unpack-mismatch: 3 values for 2 targets
//! ```
//!
//! Confidence comes from the members of the container: a closed dict without the key is
//! bad, one with it is good, an open dict or an unknown value is unknown.

use smol_str::SmolStr;

use super::context::RuleContext;
use super::{Check, Tally};
use crate::infer::OperationKind;
use crate::values::{Key, Union, Value, key_literal};

pub(crate) const CHECK: Check = Check {
    rules: &["key-error", "index-error", "unpack-mismatch"],
    run,
};

fn run(context: &mut RuleContext<'_>) {
    let operations: Vec<_> = context
        .operations()
        .map(|(run, operation)| (run.call, operation))
        .collect();
    for (call, operation) in operations {
        match &operation.kind {
            OperationKind::Subscript {
                object,
                key: Some(key),
            } => {
                key_error(context, operation.range, object, key, call);
                index_error(context, operation.range, object, key, call);
            }
            OperationKind::Unpack {
                value,
                targets,
                starred,
            } => unpack_mismatch(context, operation.range, value, *targets, *starred, call),
            _ => {}
        }
    }
}

/// The literal keys a key union may take; `None` when any member is not a literal.
fn literal_keys(key: &Union) -> Option<Vec<Key>> {
    key.values().map(Key::from_value).collect()
}

fn object_text(context: &RuleContext<'_>, range: line_index::TextRange) -> String {
    context
        .node(range)
        .and_then(|node| node.child_by_field_name("value"))
        .map(|object| context.node_text(object).to_owned())
        .unwrap_or_else(|| "the value".to_owned())
}

fn key_error(
    context: &mut RuleContext<'_>,
    range: line_index::TextRange,
    object: &Union,
    key: &Union,
    call: Option<(line_index::TextRange, u8)>,
) {
    let Some(keys) = literal_keys(key) else {
        return;
    };
    if !object.values().any(|value| matches!(value, Value::Dict(_))) {
        return;
    }
    if context.is_caught(range, "KeyError") {
        return;
    }
    let mut tally = Tally {
        pruned: object.pruned(),
        ..Tally::default()
    };
    let mut missing_key = None;
    let mut known_keys: Vec<String> = Vec::new();
    let is_bad = |value: &Value| match value {
        Value::Dict(dict) if !dict.open => keys
            .iter()
            .any(|key| !dict.entries.iter().any(|(entry, _)| entry == key)),
        _ => false,
    };
    for value in object.values() {
        match value {
            Value::Dict(dict) => {
                let missing = keys
                    .iter()
                    .find(|key| !dict.entries.iter().any(|(entry, _)| entry == *key));
                match (missing, dict.open) {
                    (Some(key), false) => {
                        tally.bad += 1;
                        missing_key.get_or_insert_with(|| key.clone());
                        for (entry, _) in &dict.entries {
                            let entry = key_literal(entry);
                            if !known_keys.contains(&entry) {
                                known_keys.push(entry);
                            }
                        }
                    }
                    (Some(_), true) => tally.unknown += 1,
                    (None, _) => tally.good += 1,
                }
            }
            Value::Unknown => tally.unknown += 1,
            // Other types fail differently (other rules), or not at all.
            _ => tally.good += 1,
        }
    }
    let Some(missing_key) = missing_key else {
        return;
    };
    let object_text = object_text(context, range);
    let keys_note = if known_keys.is_empty() {
        "it is empty".to_owned()
    } else {
        format!("keys: {}", known_keys.join(", "))
    };
    let key_text = key_literal(&missing_key);
    let message = format!("Key `{key_text}` is not in `{object_text}` ({keys_note})");
    let related = context.related_origins(object, is_bad, |_| "dict built here".to_owned());
    context.report_tally("key-error", range, tally, message, related, call);
    attach_parameters(
        context,
        "key-error",
        range,
        &[("object", object_text), ("key", key_text)],
    );
}

/// Adds fix-template parameters to the finding just reported at `range`.
fn attach_parameters(
    context: &mut RuleContext<'_>,
    rule: &str,
    range: line_index::TextRange,
    parameters: &[(&str, String)],
) {
    context.with_finding(rule, range, |finding| {
        finding.fix_parameters = parameters
            .iter()
            .map(|(name, value)| (SmolStr::new(name), value.clone()))
            .collect();
    });
}

/// The known length of a sequence value, and its kind for messages.
fn known_length(value: &Value) -> Option<(usize, &'static str)> {
    match value {
        Value::List(items) if items.exact => Some((items.items.len(), "list")),
        Value::Tuple(items) if items.exact => Some((items.items.len(), "tuple")),
        Value::Str(Some(text)) => Some((text.chars().count(), "str")),
        _ => None,
    }
}

fn index_error(
    context: &mut RuleContext<'_>,
    range: line_index::TextRange,
    object: &Union,
    key: &Union,
    call: Option<(line_index::TextRange, u8)>,
) {
    let indexes: Option<Vec<i64>> = key
        .values()
        .map(|value| match value {
            Value::Int(Some(index)) => Some(*index),
            Value::Bool(Some(flag)) => Some(i64::from(*flag)),
            _ => None,
        })
        .collect();
    let Some(indexes) = indexes else {
        return;
    };
    if !object
        .values()
        .any(|value| matches!(value, Value::List(_) | Value::Tuple(_) | Value::Str(_)))
    {
        return;
    }
    if context.is_caught(range, "IndexError") {
        return;
    }
    let out_of_range = |length: usize| {
        indexes.iter().copied().find(|&index| {
            let length = length as i64;
            index >= length || index < -length
        })
    };
    let mut tally = Tally {
        pruned: object.pruned(),
        ..Tally::default()
    };
    let mut example = None;
    for value in object.values() {
        match known_length(value) {
            Some((length, kind)) => match out_of_range(length) {
                Some(index) => {
                    tally.bad += 1;
                    example.get_or_insert((index, length, kind));
                }
                None => tally.good += 1,
            },
            None => match value {
                Value::List(_) | Value::Tuple(_) | Value::Str(None) => tally.good += 1,
                Value::Unknown => tally.unknown += 1,
                _ => tally.good += 1,
            },
        }
    }
    let Some((index, length, kind)) = example else {
        return;
    };
    let object_text = object_text(context, range);
    let message = if length == 0 {
        format!("`{object_text}` is an empty {kind}: index {index} is out of range")
    } else {
        format!("Index {index} is out of range for `{object_text}` ({kind} of length {length})")
    };
    let related = context.related_origins(
        object,
        |value| known_length(value).is_some_and(|(length, _)| out_of_range(length).is_some()),
        |value| match known_length(value) {
            Some((length, kind)) => format!("{kind} of length {length} built here"),
            None => "built here".to_owned(),
        },
    );
    context.report_tally("index-error", range, tally, message, related, call);
    attach_parameters(
        context,
        "index-error",
        range,
        &[("object", object_text), ("index", index.to_string())],
    );
}

fn unpack_mismatch(
    context: &mut RuleContext<'_>,
    range: line_index::TextRange,
    value: &Union,
    targets: u32,
    starred: bool,
    call: Option<(line_index::TextRange, u8)>,
) {
    let targets = targets as usize;
    let fits = |length: usize| {
        if starred {
            length + 1 >= targets
        } else {
            length == targets
        }
    };
    let mut tally = Tally {
        pruned: value.pruned(),
        ..Tally::default()
    };
    let mut example = None;
    for member in value.values() {
        match known_length(member) {
            Some((length, _)) if !fits(length) => {
                tally.bad += 1;
                example.get_or_insert(length);
            }
            Some(_) => tally.good += 1,
            None if matches!(member, Value::Unknown) => tally.unknown += 1,
            None => tally.good += 1,
        }
    }
    let Some(length) = example else {
        return;
    };
    if context.is_caught(range, "ValueError") {
        return;
    }
    let message = if starred {
        format!(
            "Not enough values to unpack: {length} value(s) for at least {} target(s)",
            targets - 1
        )
    } else if length > targets {
        format!("Too many values to unpack: {length} value(s) for {targets} target(s)")
    } else {
        format!("Not enough values to unpack: {length} value(s) for {targets} target(s)")
    };
    let related = context.related_origins(
        value,
        |member| known_length(member).is_some_and(|(length, _)| !fits(length)),
        |member| match known_length(member) {
            Some((length, kind)) => format!("{kind} of length {length} built here"),
            None => "built here".to_owned(),
        },
    );
    context.report_tally("unpack-mismatch", range, tally, message, related, call);
}
