//! `bad-builtin-arg`: a builtin called with a known value it rejects: `len(5)`,
//! `int(None)`, `int("abc")`, `float("x")`, `", ".join([1, 2])`, `math.sqrt(-1)`,
//! `range("3")`, `sum(["a"])`, `abs("x")`.
//!
//! ```python
//! quantity = int("twelve")    # ValueError: invalid literal for int()
//! ```
//!
//! Only known values count: a string read from input is unknown, so `int(input())` is
//! never flagged.

use super::{Lookup, attach_parameters, class_defines, describe_with_article, is_from_parameter};
use crate::db::Db;
use crate::index::child_by_field;
use crate::infer::{CallSite, element_of};
use crate::rules::context::RuleContext;
use crate::rules::{Check, Tally};
use crate::values::{ClassRef, Member, Union, Value};

pub(crate) const BUILTIN_ARG_CHECK: Check = Check {
    rules: &["bad-builtin-arg"],
    run,
};

/// Why a member is rejected: the exception and a phrase for the message.
struct Rejection {
    exception: &'static str,
    reason: String,
}

fn type_error(reason: String) -> Option<Option<Rejection>> {
    Some(Some(Rejection {
        exception: "TypeError",
        reason,
    }))
}

fn value_error(reason: String) -> Option<Option<Rejection>> {
    Some(Some(Rejection {
        exception: "ValueError",
        reason,
    }))
}

/// Whether `text` is what `int()` accepts in base 10.
fn is_int_literal(text: &str) -> bool {
    let text = text.trim();
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits
            .chars()
            .all(|char| char.is_ascii_digit() || char == '_')
}

/// Whether `text` is what `float()` accepts.
fn is_float_literal(text: &str) -> bool {
    let text = text.trim();
    if text.contains("__") || text.starts_with('_') || text.ends_with('_') {
        return false;
    }
    let cleaned = text.replace('_', "");
    let unsigned = cleaned.strip_prefix(['+', '-']).unwrap_or(&cleaned);
    let lower = unsigned.to_ascii_lowercase();
    matches!(lower.as_str(), "inf" | "infinity" | "nan") || cleaned.parse::<f64>().is_ok()
}

fn is_number(value: &Value) -> bool {
    matches!(
        value,
        Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Complex
    )
}

fn is_opaque(value: &Value) -> bool {
    // An attribute read off a builtin value: perhaps data, not a method.
    if matches!(value, Value::BuiltinFunction(name) if name.contains('.')) {
        return false;
    }
    matches!(
        value,
        Value::Function(_)
            | Value::BoundMethod { .. }
            | Value::BuiltinFunction(_)
            | Value::Module(_)
            | Value::Generator(_)
            | Value::Iterator(_)
            | Value::Coroutine(_)
    )
}

fn is_container(value: &Value) -> bool {
    matches!(
        value,
        Value::List(_) | Value::Tuple(_) | Value::Set(_) | Value::Dict(_)
    )
}

fn negative(value: &Value) -> Option<f64> {
    match value {
        Value::Int(Some(number)) => Some(*number as f64),
        Value::Float(Some(bits)) => Some(f64::from_bits(*bits)),
        _ => None,
    }
}

/// `None`: not judged (unknown); `Some(None)`: accepted; `Some(Some(_))`: rejected.
type Judgement = Option<Option<Rejection>>;

fn judge_argument(db: &dyn Db, function: &str, member: &Member, specialised: bool) -> Judgement {
    let value = &member.value;
    if matches!(value, Value::Unknown) || is_from_parameter(db, member, specialised) {
        return None;
    }
    let what = describe_with_article(value);
    match function {
        "len" => match value {
            Value::Instance(class @ ClassRef::Defined { .. }, ..) => {
                match class_defines(db, class, "__len__") {
                    Lookup::Found => Some(None),
                    Lookup::Missing => type_error(format!("{what} has no len()")),
                    Lookup::Unknown => None,
                }
            }
            value if is_number(value) || is_opaque(value) || *value == Value::None => {
                type_error(format!("{what} has no len()"))
            }
            Value::Instance(_, ..) | Value::Class(_) => None,
            _ => Some(None),
        },
        "int" | "float" => match value {
            Value::None => type_error(format!("`{function}()` does not accept None")),
            Value::Str(Some(text)) => {
                let valid = if function == "int" {
                    is_int_literal(text)
                } else {
                    is_float_literal(text)
                };
                if valid {
                    Some(None)
                } else {
                    let kind = if function == "int" {
                        "an integer"
                    } else {
                        "a number"
                    };
                    value_error(format!("'{text}' is not {kind}"))
                }
            }
            value if is_container(value) || is_opaque(value) => {
                type_error(format!("`{function}()` does not accept {what}"))
            }
            Value::Complex => type_error(format!("`{function}()` does not accept a complex")),
            _ if is_number(value) || matches!(value, Value::Str(None) | Value::Bytes) => Some(None),
            _ => None,
        },
        "abs" => match value {
            Value::None | Value::Str(_) | Value::Bytes => {
                type_error(format!("{what} has no absolute value"))
            }
            value if is_container(value) || is_opaque(value) => {
                type_error(format!("{what} has no absolute value"))
            }
            value if is_number(value) => Some(None),
            _ => None,
        },
        "range" => match value {
            Value::None | Value::Str(_) | Value::Float(_) | Value::Bytes | Value::Complex => {
                type_error(format!("{what} is not an integer"))
            }
            value if is_container(value) || is_opaque(value) => {
                type_error(format!("{what} is not an integer"))
            }
            Value::Int(_) | Value::Bool(_) => Some(None),
            _ => None,
        },
        "math.sqrt" | "math.log" => match value {
            Value::None | Value::Str(_) | Value::Bytes => {
                type_error(format!("{what} is not a number"))
            }
            value if is_container(value) => type_error(format!("{what} is not a number")),
            value => match negative(value) {
                Some(number) if number < 0.0 || (function == "math.log" && number == 0.0) => {
                    value_error(format!("{number} is outside the math domain"))
                }
                Some(_) => Some(None),
                None if is_number(value) => Some(None),
                None => None,
            },
        },
        // `max(words)` of a paragraph with no words.
        "min" | "max" => match value {
            Value::List(items)
            | Value::Tuple(items)
            | Value::Set(items)
            | Value::Iterator(items)
                if items.exact && items.items.is_empty() =>
            {
                value_error("the sequence is empty".to_owned())
            }
            Value::Str(Some(text)) if text.is_empty() => {
                value_error("the sequence is empty".to_owned())
            }
            Value::List(items)
            | Value::Tuple(items)
            | Value::Set(items)
            | Value::Iterator(items)
                if items.exact =>
            {
                Some(None)
            }
            Value::Str(Some(_)) => Some(None),
            _ => None,
        },
        "ord" => match value {
            Value::Str(Some(text)) if text.chars().count() == 1 => Some(None),
            Value::Str(Some(text)) => type_error(format!(
                "'{text}' has {} characters, not 1",
                text.chars().count()
            )),
            Value::Str(None) | Value::Bytes => None,
            value if is_number(value) || is_container(value) || *value == Value::None => {
                type_error(format!("{what} is not a single character"))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Elements that `str.join` and `sum` reject.
fn judge_element(db: &dyn Db, function: &str, member: &Member, specialised: bool) -> Judgement {
    let value = &member.value;
    if matches!(value, Value::Unknown) || is_from_parameter(db, member, specialised) {
        return None;
    }
    let what = describe_with_article(value);
    match function {
        "str.join" => match value {
            Value::Str(_) => Some(None),
            Value::Instance(_, ..) | Value::Class(_) => None,
            _ => type_error(format!("the items include {what}, not a str")),
        },
        "sum" => match value {
            value if is_number(value) => Some(None),
            Value::Str(_) => type_error("the items are strings (use `''.join(...)`)".to_owned()),
            Value::List(_) | Value::Tuple(_) | Value::None | Value::Dict(_) | Value::Set(_) => {
                type_error(format!(
                    "the items include {what}, which cannot be added to 0"
                ))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The argument a call's builtin checks, and whether its elements (not itself) count.
fn checked_argument(name: &str, call: &CallSite) -> Vec<(Union, bool)> {
    let first = call.positional.first();
    match name {
        "len" | "abs" | "ord" | "math.sqrt" | "math.log" if call.positional.len() == 1 => first
            .map(|first| vec![(first.clone(), false)])
            .unwrap_or_default(),
        "int" | "float" if call.positional.len() == 1 && call.keywords.is_empty() => first
            .map(|first| vec![(first.clone(), false)])
            .unwrap_or_default(),
        "min" | "max"
            if call.positional.len() == 1
                && !call.keywords.iter().any(|(name, _)| name == "default") =>
        {
            first
                .map(|first| vec![(first.clone(), false)])
                .unwrap_or_default()
        }
        "range" if call.keywords.is_empty() => call
            .positional
            .iter()
            .take(3)
            .map(|argument| (argument.clone(), false))
            .collect(),
        "str.join" | "sum" if call.positional.len() == 1 && call.keywords.is_empty() => first
            .and_then(|first| {
                // Only containers whose items are known: an unknown iterable says nothing.
                let known = first
                    .values()
                    .all(|value| matches!(value, Value::List(_) | Value::Tuple(_) | Value::Set(_)));
                known.then(|| element_of(first)).flatten()
            })
            .map(|elements| vec![(elements, true)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn builtin_name(value: &Value) -> Option<&str> {
    match value {
        Value::BuiltinFunction(name) => Some(name.as_str()),
        Value::Class(ClassRef::Builtin(name))
            if matches!(name.as_str(), "int" | "float" | "range") =>
        {
            Some(name.as_str())
        }
        _ => None,
    }
}

fn run(context: &mut RuleContext<'_>) {
    let calls: Vec<_> = context
        .calls()
        .map(|(run, call)| (run.call, call))
        .collect();
    for (run_call, call) in calls {
        if call.has_unpacking {
            continue;
        }
        let Some(name) = call.callee.single().and_then(builtin_name) else {
            continue;
        };
        let range = call.range();
        for (position, (argument, elements)) in checked_argument(name, call).into_iter().enumerate()
        {
            let mut tally = Tally {
                pruned: argument.pruned(),
                ..Tally::default()
            };
            let mut rejection: Option<(Rejection, Value)> = None;
            for member in argument.members() {
                let judgement = if elements {
                    judge_element(context.db, name, member, run_call.is_some())
                } else {
                    judge_argument(context.db, name, member, run_call.is_some())
                };
                match judgement {
                    Some(None) => tally.good += 1,
                    Some(Some(reason)) => {
                        tally.bad += 1;
                        if rejection.is_none() {
                            rejection = Some((reason, member.value.clone()));
                        }
                    }
                    None => tally.unknown += 1,
                }
            }
            let Some((rejection, bad_value)) = rejection else {
                continue;
            };
            if context.is_caught(range, rejection.exception) {
                continue;
            }
            let argument_text = context
                .node(range)
                .and_then(|node| child_by_field(node, "arguments"))
                .and_then(|arguments| arguments.named_child(position))
                .map(|node| context.node_text(node).to_owned())
                .unwrap_or_default();
            let shown = name.rsplit('.').next().unwrap_or(name);
            let shown = if name == "str.join" {
                "str.join"
            } else {
                shown
            };
            let shown = if name.starts_with("math.") {
                name
            } else {
                shown
            };
            let message = format!(
                "`{shown}({argument_text})` raises {}: {}",
                rejection.exception, rejection.reason
            );
            let related = context.related_origins(
                &argument,
                |value| *value == bad_value,
                |value| format!("{} comes from here", describe_with_article(value)),
            );
            context.report_tally("bad-builtin-arg", range, tally, message, related, run_call);
            let mut parameters = vec![
                ("function", shown.to_owned()),
                ("argument", argument_text),
                ("exception", rejection.exception.to_owned()),
            ];
            if matches!(name, "min" | "max")
                && let Some(call_text) = with_empty_default(context, range, &argument)
            {
                parameters.push(("call_with_default", call_text));
            }
            attach_parameters(context, "bad-builtin-arg", range, parameters);
            break;
        }
    }
}

/// `max(words, key=len)` → `max(words, key=len, default="")`: the call with a default of
/// the elements' type (`""` for strings, `0` for ints), None when they are mixed or unknown.
fn with_empty_default(
    context: &RuleContext<'_>,
    range: line_index::TextRange,
    argument: &Union,
) -> Option<String> {
    let node = context.node(range)?;
    let arguments = child_by_field(node, "arguments")?;
    let text = context.node_text(node);
    let inside_end = arguments.end_byte().checked_sub(node.start_byte() + 1)?;
    let (before, after) = (text.get(..inside_end)?, text.get(inside_end..)?);
    let before = before.trim_end();
    let before = before.strip_suffix(',').unwrap_or(before);
    // What the argument holds over every run of the call (each round of an unrolled
    // loop, each caller): the empty one says nothing about the element type.
    let argument = Union::join_all(
        std::iter::once(argument.clone()).chain(
            context
                .calls()
                .filter(|(_, call)| call.range() == range)
                .filter_map(|(_, call)| call.positional.first().cloned()),
        ),
    )?;
    let mut default: Option<&str> = None;
    for value in element_of(&argument).iter().flat_map(Union::values) {
        let this = match value {
            Value::Str(_) => "\"\"",
            Value::Int(_) | Value::Bool(_) => "0",
            Value::Float(_) => "0.0",
            _ => "None",
        };
        match default {
            Some(seen) if seen != this => default = Some("None"),
            _ => default = Some(this),
        }
    }
    Some(format!(
        "{before}, default={}{after}",
        default.unwrap_or("None")
    ))
}
